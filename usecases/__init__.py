"""The application layer: one use case for each thing a person or a system does (start a
migration, act on one, book a slot, withdraw, declare force majeure, place or cancel a
product order, subscribe a listener, every read), the one module that talks to Temporal's
client (`temporal.py`), and one way to bind an Idempotency-Key to its request
(`idempotency.py`). Every edge (REST, console, status page, TM Forum) parses its input,
calls one use case and renders the answer."""
