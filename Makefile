# The two commands of the README, and what they need.
#   make demo   set up, publish a demo check through the whole pipeline, serve on :8000
#   make test   set up, then lint, type-check and run the whole test suite

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint

demo: $(INSTALLED) var/secret_key
	SECRET_KEY="$$(cat var/secret_key)" DEBUG=true $(BIN)/python manage.py demo

test: $(INSTALLED) lint
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	SECRET_KEY=only-for-type-checking-0123456789abcdef $(BIN)/mypy .

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

# The demo's secret key: made once, kept out of git in ./var.
var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@
