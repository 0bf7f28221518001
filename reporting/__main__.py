"""`python -m reporting migrate`: the read model's schema to its newest revision. (What
reaches Temporal, the monthly Schedule and the rebuild, is `python -m usecases`.)"""

from __future__ import annotations

import argparse

from reporting import store
from settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reporting")
    parser.add_argument("command", choices=["migrate"])
    parser.parse_args()
    store.migrate(get_settings().reporting_database_url)
    print("read model migrated")


if __name__ == "__main__":
    main()
