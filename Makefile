# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
INSTALLED := $(VENV)/.installed

.PHONY: install run test bench system-packages clean

## install: the set-up alone (virtual environment, Python packages, system tools)
install: $(INSTALLED) system-packages

$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(INSTALLED)

system-packages:
	@bash .ci/system-packages

## run: set up, create and seed the SQLite database if empty, serve on http://127.0.0.1:$(PORT)
run: install
	$(VENV)/bin/pathways seed --if-empty
	$(VENV)/bin/flask --app webapp run --host 127.0.0.1 --port $(PORT)

## test: set up, then the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set)
test: install
	$(PY) -m pytest

## bench: the benchmarks (not part of make test)
bench: install
	$(PY) -m tests.benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache test-artifacts
