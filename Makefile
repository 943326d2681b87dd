# Freedom Commons — the two quick-start commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV ?= $(shell command -v uv || echo .tools/bin/uv)
VENV := .venv
COMMONS := $(VENV)/bin/commons
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TEST_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/test
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: demo serve install test test-sqlite test-postgres lint browser axe postgres bench bench-directory bench-journeys bench-surveys bench-library bench-newsletter bench-weight bench-sqlite-writers bench-load bench-faults messages clean

## demo: set up everything and run the platform with demo data on http://127.0.0.1:8000
demo: install
	@DEBUG=true COMMONS_DEMO=true $(COMMONS) migrate --no-input -v 0
	@DEBUG=true COMMONS_DEMO=true $(COMMONS) collectstatic --no-input -v 0
	@DEBUG=true COMMONS_DEMO=true $(COMMONS) demo
	@DEBUG=true COMMONS_DEMO=true $(COMMONS) serve

## test: set up everything and run lint, the whole suite on SQLite and on PostgreSQL
test: install browser axe postgres test-sqlite test-postgres

install: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: install
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider

test-postgres: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest -n 2 -p no:cacheprovider

## browser: Debian's Chromium for the Playwright tests (never a downloaded browser)
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

## axe: axe-core from the npm registry for the accessibility tests (never served), with Debian's Node.js
axe:
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	npm ci --ignore-scripts --no-audit --no-fund

## postgres: make sure a local PostgreSQL answers at TEST_DATABASE_URL
postgres:
	@TEST_DATABASE_URL=$(TEST_DATABASE_URL) SUDO=$(SUDO) bash scripts/ensure-postgres.sh

bench: install
	$(VENV)/bin/python bench/run.py

bench-directory: install postgres
	$(VENV)/bin/python bench/directory_search.py --postgres $(TEST_DATABASE_URL:/test=/bench_directory)

bench-journeys: install
	$(VENV)/bin/python bench/journeys.py

bench-surveys: install
	$(VENV)/bin/python bench/surveys.py

bench-library: install postgres
	$(VENV)/bin/python bench/library.py --postgres $(TEST_DATABASE_URL:/test=/bench_library)

bench-newsletter: install postgres
	$(VENV)/bin/python bench/newsletter.py --postgres $(TEST_DATABASE_URL:/test=/bench_newsletter)

bench-weight: install
	$(VENV)/bin/python bench/page_weight.py

bench-sqlite-writers: install
	$(VENV)/bin/python bench/sqlite_writers.py

## bench-load: 5 minutes of a realistic mix on gunicorn, PostgreSQL and Redis of its own (locust)
bench-load: install
	$(VENV)/bin/python bench/load.py

## bench-faults: a worker killed mid-import (PostgreSQL, SQLite); PostgreSQL restarted under load
bench-faults: install
	$(VENV)/bin/python bench/faults.py
	$(VENV)/bin/python bench/faults.py --sqlite
	$(VENV)/bin/python bench/load.py --seconds 60 --fault postgres-restart

messages: install
	cd commons && ../$(COMMONS) makemessages --all --no-obsolete --ignore 'static/*' && ../$(COMMONS) compilemessages

clean:
	rm -rf $(VENV) .tools var
