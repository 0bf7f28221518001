"""Logs, metrics and traces: what operations staff read instead of print statements."""
