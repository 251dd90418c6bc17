# The two commands of the README, and what they need.
#   make demo   set up, publish a demo check through the whole pipeline, serve on :8000
#   make test   set up, then lint, type-check and run the whole test suite
#   make bench  run every benchmark and print one table of their ratios (bench/README.md);
#               QUICK=1 at small sizes, BENCH="api review_queue" only those

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint bench

# ADDRPORT=127.0.0.1:8001 serves elsewhere (when 8000 is taken).
ADDRPORT ?= 127.0.0.1:8000

demo: $(INSTALLED) var/secret_key
	SECRET_KEY="$$(cat var/secret_key)" DEBUG=true $(BIN)/python manage.py demo --addrport $(ADDRPORT)

# The suite runs in TEST_PROCESSES processes (one a core here: 163 s against 286 s in one),
# handed out in collection order (--dist load): pytest-django puts the tests that flush the
# database (transactional) after the others, and each process must meet them in that order,
# or a test after a flush finds the roles the migrations made gone (worksteal broke that).
# The fault scenarios (tests/faults) mostly wait for a recovery, each with workers, a Redis
# and a database of its own: they run side by side in FAULT_PROCESSES processes, after the
# rest of the suite. Both runs always run; either failing fails the target.
TEST_PROCESSES ?= 2
FAULT_PROCESSES ?= 4

test: $(INSTALLED) lint
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist load --ignore=tests/faults; suite=$$?; \
	$(BIN)/python -m pytest -n $(FAULT_PROCESSES) --dist worksteal tests/faults && exit $$suite

bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick) $(BENCH)

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
