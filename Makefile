# Lotse – one entry point for every developer command. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test workers (pytest-xdist); the CI machines have two cores.
TEST_WORKERS ?= auto

.PHONY: help run test lint bench messages format venv clean

help:
	@echo "make run     set up everything (venv, dependencies, database, demo data) and serve http://$(HOST):$(PORT)"
	@echo "make test    run the whole test suite"
	@echo "make lint    ruff, djLint, mypy, import contracts, makemigrations --check"
	@echo "make bench   run the benchmarks, results in bench/results/"
	@echo "make messages  extract and compile translations"
	@echo "make format  format the code"

$(VENV)/.python-ok:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' \
		|| { echo "Python 3.12 or newer is required, found: $$($(PYTHON) --version)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.base-installed: $(VENV)/.python-ok requirements/base.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

venv: $(VENV)/.dev-installed

run: $(VENV)/.base-installed
	@mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_regions
	$(MANAGE) seed_demo --if-empty
	@echo ""
	@echo "Lotse runs on http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@$(MANAGE) demo_logins
	@echo "Mails the demo sends: http://$(HOST):$(PORT)/dev/outbox/"
	@echo ""
	@trap 'kill $$WORKER $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --queue-name '*' & WORKER=$$!; \
	$(MANAGE) periodic --loop & SCHEDULER=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint lotse --lint --quiet
	DJANGO_SETTINGS_MODULE=lotse.settings.test $(BIN)/mypy lotse
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=lotse.settings.test $(MANAGE) makemigrations --check --dry-run -v1
	DJANGO_SETTINGS_MODULE=lotse.settings.test $(PY) -m lotse.core.checks.messages

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Each app keeps its own catalogue in lotse/<app>/locale (extracted from that app only).
APPS := core regions accounts organisations volunteers notifications engagement questions infobriefe
LOCALES := -l de -l en -l uk -l ar -l fa -l tr -l ru
messages: $(VENV)/.dev-installed
	for app in $(APPS); do \
		mkdir -p lotse/$$app/locale && \
		(cd lotse/$$app && ../../$(PY) ../../manage.py makemessages --no-obsolete --no-location $(LOCALES) -v0) || exit 1; \
	done
	for app in $(APPS); do (cd lotse/$$app && ../../$(PY) ../../manage.py compilemessages -v0) || exit 1; done

bench: $(VENV)/.dev-installed
	$(PY) bench/run.py --output bench/results/latest.json

clean:
	rm -rf $(VENV) var staticfiles
