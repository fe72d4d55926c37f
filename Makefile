# Facilitator — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_CONFIG_FILE ?= /dev/null
export PIP_DISABLE_PIP_VERSION_CHECK := 1
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run dev soak soak-short test test-sqlite test-postgres test-browser lint system-deps oidc-provider demo clean help translations screenshots

help:
	@echo "make run    - install, migrate, load demo data if empty, serve with gunicorn on http://$(HOST):$(PORT), with one queue worker"
	@echo "make dev    - the same with Flask's reloading development server"
	@echo "make soak   - 3 minutes (SOAK_SECONDS) of 20 editors on gunicorn, SQLite then PostgreSQL"
	@echo "make test   - install test needs, lint, then the suite on SQLite beside the suite on PostgreSQL and the soaks"
	@echo "make translations - extract marked strings, update the .po catalogs, compile the .mo files"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

WORKERS ?= 2
SOAK_SECONDS ?= 180

# Links in mail and the printed sign-in address point here unless set otherwise.
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

# The production server (gunicorn) and one queue worker beside it (scripts/run.sh):
# one command, Ctrl-C stops both.
run: $(VENV)/.installed
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo --if-empty
	bash scripts/run.sh $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) \
	  --access-logfile - wsgi:app

# The same with Flask's reloading development server.
dev: $(VENV)/.installed
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo --if-empty
	bash scripts/run.sh $(BIN)/flask --app wsgi run --debug --host $(HOST) --port $(PORT)

soak: $(VENV)/.installed
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_LIBREOFFICE=1 $(BIN)/python scripts/soak.py --engine sqlite
	SOAK_SECONDS=$(SOAK_SECONDS) SOAK_LIBREOFFICE=1 bash scripts/with-postgres.sh \
	  $(BIN)/python scripts/soak.py --engine postgresql

# The 20-second version that `make test` runs.
soak-short: $(VENV)/.installed
	@echo "== 20-second soak on gunicorn: SQLite, then PostgreSQL =="
	SOAK_SECONDS=20 $(BIN)/python scripts/soak.py --engine sqlite
	SOAK_SECONDS=20 bash scripts/with-postgres.sh $(BIN)/python scripts/soak.py --engine postgresql

system-deps:
	@bash scripts/system-deps.sh

# The real OpenID Connect provider the sign-in tests start (oidc-provider under Node),
# at the versions pinned in its package-lock.json. Without Node those tests are skipped.
OIDC_PROVIDER := tests/oidc/provider
oidc-provider: $(OIDC_PROVIDER)/node_modules/.installed

$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "oidc-provider: no npm, so the OpenID Connect sign-in tests are skipped."; fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Three lanes side by side on the machine's cores (scripts/parallel.sh: each into its own
# log, a line as each ends, then their output; all must pass): the SQLite pass without
# the browsers; the PostgreSQL pass; the browser tests (on SQLite), then the soaks.
# `make test-sqlite` (the whole SQLite pass), `make test-postgres`, `make test-browser`
# and `make soak-short` run one part.
test: $(VENV)/.installed system-deps oidc-provider lint
	@bash scripts/parallel.sh \
	  "SQLite pass (without browsers)" "$(BIN)/python -m pytest -q --durations=10 -m 'not browser'" \
	  "PostgreSQL pass" "$(MAKE) --no-print-directory test-postgres" \
	  "Browser tests (SQLite), then the soaks" \
	  "$(MAKE) --no-print-directory --keep-going test-browser soak-short"

test-sqlite: $(VENV)/.installed
	@echo "== test suite on SQLite =="
	$(BIN)/python -m pytest -q --durations=10

test-browser: $(VENV)/.installed
	@echo "== browser tests (Chromium) on SQLite =="
	$(BIN)/python -m pytest -q --durations=10 -m browser

# Browsers and LibreOffice do the same whatever the database: they run on SQLite only
# (and so never two LibreOffice conversions at once, which sometimes write nothing).
test-postgres: $(VENV)/.installed
	@echo "== database tests on a throwaway PostgreSQL =="
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -q --durations=10 \
	  -m "not browser and not libreoffice"

# Extract -> update -> compile, in one step. Edit the msgstr lines in
# facilitator/translations/es/LC_MESSAGES/messages.po, then run it again.
translations: $(VENV)/.installed
	$(BIN)/python scripts/translations.py

screenshots: $(VENV)/.installed system-deps
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) *.egg-info
