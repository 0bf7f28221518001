"""How many migrations the reliability tests drive."""

from __future__ import annotations

import os

# `make test` runs these at reduced counts; `make test-reliability` sets the full ones.
MIGRATIONS = int(os.environ.get("RELIABILITY_MIGRATIONS", "12"))
