# The two commands of the README: `make run` and `make test`. Everything else
# here is what they need, built only when its inputs change.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
HOST_PORT ?= 127.0.0.1:8000
# pytest-xdist workers: one per core. TEST_WORKERS=0 runs the suite in one
# process (pdb, profiling). loadgroup keeps each xdist_group on one worker.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadgroup

.PHONY: run test coverage lint assets install install-dev migrate demo worker clean

run: install assets
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_demo_users
	DEBUG=1 $(PY) manage.py load_demo_protocol
	DEBUG=1 $(PY) manage.py load_demo_referrals
	DEBUG=1 $(PY) manage.py load_demo_mase
	DEBUG=1 $(PY) manage.py load_demo_training
	DEBUG=1 $(PY) manage.py load_demo_intelligence
	DEBUG=1 $(PY) manage.py load_demo_notifications
	DEBUG=1 $(PY) manage.py load_demo_dashboard
	@echo "Serving on http://$(HOST_PORT)/ (DEBUG on; Ctrl-C stops it)"
	DEBUG=1 $(PY) manage.py runserver $(HOST_PORT)

test: install-dev assets
	@if [ -x "$(CHROMIUM)" ]; then echo "Browser tests: using $(CHROMIUM)"; \
	else echo "Browser tests: SKIPPED, Chromium is not installed at $(CHROMIUM) (apt-get install chromium)"; fi
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The suite with branch coverage of every app, failing under the floor in
# pyproject.toml ([tool.coverage.report] fail_under). CI runs this.
coverage: install-dev assets
	$(PY) -m pytest $(PYTEST_PARALLEL) --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 $(PY) manage.py check
	DEBUG=1 CSE_TEST_APPS=1 $(PY) manage.py makemigrations --check --dry-run

# Celery worker and beat against CELERY_BROKER_URL (production shape, locally).
worker: install
	$(VENV)/bin/celery -A cse_team worker --beat --loglevel=INFO

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: static/build/app.css

static/build/app.css: node_modules/.package-lock.json frontend/build.mjs frontend/app.scss
	npm run --silent build

clean:
	rm -rf $(VENV) node_modules static/build test-results
