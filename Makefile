# The README's commands. `make run` starts the embedded stack; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install bytecode browser postgres report-rebuild run test test-reliability bench bench-quick lint audit clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev,bench]'
	@touch $(STAMP)

install: $(STAMP)

# Bytecode for our modules even where PYTHONDONTWRITEBYTECODE is set: the workflow sandbox
# loads the workflow's module again for every new run, and compiling it each time was a
# twentieth of the worker's CPU (docs/benchmarks.md). A stale file is only recompiled.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q domain workflows activities usecases api security simulators observability reporting bench schemas worker.py

run: bytecode
	$(BIN)/python stack.py

# Page tests drive Debian's Chromium through Playwright (which cannot download its own
# browser here): installed when missing if we are root, otherwise the command to run.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the page tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium', then make test"; exit 1; fi; }

# The read model's tests run on PostgreSQL too, a server of their own started from Debian's
# binaries: installed when missing if we are root, otherwise the command to run.
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's postgresql for the read model's tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is missing: run 'sudo apt-get install postgresql', then make test"; exit 1; fi; }

# Lint first (ruff, mypy), then the suite. pytest's exit code 5 means "no test ran": a
# failure, never a pass.
test: lint browser postgres
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest ran no tests: failing"; exit 1; fi; exit $$rc

# The reliability tests at full counts (make test runs them with 12 migrations, 36 for load).
RELIABILITY_MIGRATIONS ?= 100  # the crash test books each into its own unit of one offer
RELIABILITY_LOAD ?= 1000
test-reliability: $(STAMP)
	RELIABILITY_MIGRATIONS=$(RELIABILITY_MIGRATIONS) RELIABILITY_LOAD=$(RELIABILITY_LOAD) \
	$(BIN)/python -m pytest tests/reliability -s -o timeout=1800

# The promise-keeping read model rebuilt from Temporal (every migration its visibility still
# holds: the namespace's retention bounds what a rebuild sees); run beside `make run`.
report-rebuild: bytecode
	$(BIN)/python -m usecases rebuild

# Benchmarks against bare Temporal on their own embedded stack (not part of make test).
bench: bytecode
	$(BIN)/python -m bench.run

bench-quick: bytecode
	$(BIN)/python -m bench.run --n 6 --concurrency 3 --storm 20 --storm-window 15 --burst 20 --scale 50,100 --matches 20 --match-window 10

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/mypy domain workflows activities usecases api simulators observability security reporting bench tests schemas worker.py settings.py stack.py connection.py

# Known vulnerabilities in every installed dependency (PyPI's advisory data); our own
# editable package is skipped. Exit 1 names the vulnerable package and the fixed version.
audit: $(STAMP)
	$(BIN)/pip-audit --local --skip-editable --vulnerability-service pypi --progress-spinner off --desc off

clean:
	rm -rf $(VENV) .temporal .pytest_cache .ruff_cache .mypy_cache
