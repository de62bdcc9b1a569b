# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=
# Test processes (pytest-xdist): one a core; WORKERS=0 runs the suite in this one process.
WORKERS ?= auto

.PHONY: run demo test test-postgresql lint bench clean bundle bundle-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# nbdesk runs from this checkout (an editable install): its bytecode is compiled here, at install
# and again (only what changed) before it runs, so no start pays for compiling it.
COMPILE := $(BIN)/python -m compileall -q nbdesk

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(COMPILE)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,tagged-pdf]"
	$(COMPILE)
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(COMPILE)
	$(BIN)/nbdesk $(ARGS)

demo: $(VENV)/.installed
	$(COMPILE)
	$(BIN)/nbdesk --demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n $(WORKERS)

# The service and command-line tests again, against a throwaway PostgreSQL cluster the run starts
# (needs PostgreSQL's server programs: Debian's `postgresql` package). The window's tests (tests/ui)
# drive a file and are not part of it.
test-postgresql: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(WORKERS) -p no:cacheprovider --backend=postgresql --ignore=tests/ui tests

bench: $(VENV)/.installed
	$(COMPILE)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build/work dist .pytest_cache .mypy_cache .ruff_cache

# The desktop bundle (dist/nbdesk/) and its smoke test: see README, "The desktop bundle".
$(VENV)/.installed-bundle: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[bundle]"
	$(COMPILE)
	touch $@ $(VENV)/.installed

bundle: $(VENV)/.installed-bundle
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/work build/nbdesk.spec

bundle-test: bundle
	$(BIN)/python build/smoke_test.py dist/nbdesk
