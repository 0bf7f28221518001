"""Switching a line through the UK's One Touch Switch hub, as the gaining provider: what the
losing provider is asked to match, the messages exchanged, each switch order reference's
life, and the one next message the migration owes, decided from where it stands."""
