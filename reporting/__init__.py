"""The promise-keeping read model: each migration's facts in SQL, and the report over them."""
