# Two commands for a newcomer: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
# pytest-xdist workers: one per core (the suite gives each worker its own template databases)
TEST_WORKERS ?= auto
INSTALLED := $(VENV)/.installed
ASSETS := webapp/static/dist/.built

.PHONY: install run test test-ahead lint audit bench system-packages clean

## install: the set-up alone (virtual environment, Python packages, system tools)
install: system-packages $(INSTALLED) $(ASSETS)

$(INSTALLED): setup.cfg pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint,notify,queue]'
	touch $(INSTALLED)

system-packages:
	@bash .ci/system-packages

# Front-end packages from npm (GOV.UK Frontend, svg-pan-zoom, axe-core, sass), the
# stylesheet compiled with a system font, and the assets the pages serve.
$(ASSETS): package.json package-lock.json webapp/static/src/app.scss
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build:css
	rm -rf webapp/static/govuk webapp/static/vendor
	mkdir -p webapp/static/govuk webapp/static/vendor
	cp -r node_modules/govuk-frontend/dist/govuk/assets webapp/static/govuk/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js webapp/static/govuk/
	cp node_modules/svg-pan-zoom/dist/svg-pan-zoom.min.js webapp/static/vendor/
	cp node_modules/axe-core/axe.min.js webapp/static/vendor/
	touch $(ASSETS)

## run: set up, create and seed the SQLite database if empty (with the demo partnership, whose
## development-only accounts it prints), serve on http://127.0.0.1:$(PORT)
run: install
	$(VENV)/bin/pathways seed --if-empty --demo
	$(VENV)/bin/flask --app webapp run --host 127.0.0.1 --port $(PORT)

## test: set up, then the whole test suite in parallel (PostgreSQL too when TEST_DATABASE_URL is
## set; browser tests when Chromium is installed: PATHWAYS_BROWSER_TESTS=1 make test installs it)
test: install
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

## test-ahead: the domain and web suites and the doctests with the clock two years on (SQLite):
## a test that mixes fixed dates with "now" fails today, not in two years. The hostile-input
## fuzz is left to `make test` (this step's largest cost, and about input, not dates: the
## policy walk still opens every page as every role two years on)
test-ahead: install
	PYTHONDONTWRITEBYTECODE= TEST_CLOCK_YEARS_AHEAD=2 TEST_DATABASE_URL= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --ignore=tests/web/test_fuzz.py tests/domain tests/web pathways

## lint: static checks: ruff, the import contracts (lint-imports) and mypy (pyproject.toml)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

## audit: static security checks (bandit) and known-vulnerable dependencies (pip-audit)
audit: install
	$(VENV)/bin/bandit -q -r pathways webapp seed
	$(VENV)/bin/pip-audit --progress-spinner off

## bench: the benchmarks (not part of make test)
bench: install
	@PATHWAYS_BENCH=1 bash .ci/system-packages
	$(PY) -m tests.benchmarks
	$(PY) tests/benchmarks/bench_cohorts.py
	$(PY) tests/benchmarks/bench_workforce.py
	$(PY) tests/benchmarks/bench_training.py
	$(PY) tests/benchmarks/bench_scale.py
	$(PY) tests/benchmarks/bench_apprentice_import.py
	$(PY) tests/benchmarks/bench_pages.py
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) tests/benchmarks/bench_load.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache test-artifacts node_modules webapp/static/dist webapp/static/govuk webapp/static/vendor
