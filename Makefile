# Facilitator — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_CONFIG_FILE ?= /dev/null
export PIP_DISABLE_PIP_VERSION_CHECK := 1
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres lint system-deps demo clean help screenshots

help:
	@echo "make run    - install, migrate, load demo data if empty, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test needs, lint, run the suite on SQLite and PostgreSQL"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

system-deps:
	@bash scripts/system-deps.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .

test: $(VENV)/.installed system-deps lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.installed
	@echo "== test suite on SQLite =="
	$(BIN)/python -m pytest -q

test-postgres: $(VENV)/.installed
	@echo "== database tests on a throwaway PostgreSQL =="
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -q -m "not browser"

screenshots: $(VENV)/.installed system-deps
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) *.egg-info
