"""The staff console: server-rendered pages for every owner, phone-first, no JavaScript."""
