# Two commands matter: `make run` (the demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format messages audit

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $(INSTALLED)

# Local settings for the demo and the tests; a deployment sets real environment variables.
.env:
	cp .env.example .env

var:
	mkdir -p var

# axe-core for the accessibility checks of the browser tests; skipped locally without npm.
node_modules/.package-lock.json: package-lock.json
	-command -v npm >/dev/null && npm ci --no-audit --no-fund --silent

run: $(INSTALLED) .env var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho -f Procfile.dev start

test: $(INSTALLED) .env var node_modules/.package-lock.json
	$(BIN)/pytest

# Style, the one-way imports of pyproject.toml's contract, and the types (settings come from .env).
lint: $(INSTALLED) .env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy common config demo members monitoring outreach programmes reminders safety

# bandit over the code and pip-audit over the dependencies (SECURITY.md, SA-1 and SA-2).
audit: $(INSTALLED) var
	$(BIN)/python .ci/static_analysis.py

# Imports that run against SPEC.md's direction, and cycles, in this or another checkout (measures).
.PHONY: imports
imports: $(INSTALLED)
	$(BIN)/python .ci/import_graph.py

# After a full run on PostgreSQL and Redis: copy the security figures into SECURITY.md.
.PHONY: security-figures
security-figures: $(INSTALLED)
	$(BIN)/python .ci/security_figures.py

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the translation catalogues after changing user-facing text, then translate and compile.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages --all --ignore='.venv/*' --ignore='var/*' --ignore='node_modules/*' --ignore='tests/*' --ignore='benchmarks/*'
	$(BIN)/python manage.py compilemessages --ignore='.venv/*'

# A round of 10,000 ballots sealed and counted under 5 s; needs DATABASE_URL to a PostgreSQL test database.
.PHONY: bench-seal
bench-seal: $(INSTALLED)
	$(BIN)/python benchmarks/seal_round.py

# Every page's latency, queries and weight at 1% and at full national scale (100,000 people,
# 2,000,000 contacts); needs DATABASE_URL to a PostgreSQL database the generator may empty.
.PHONY: bench bench-small
bench: $(INSTALLED) var
	$(BIN)/python benchmarks/run.py --scale both

bench-small: $(INSTALLED) var
	$(BIN)/python benchmarks/run.py --scale small
