# The two commands: `make demo` (the main job on the demo world) and `make test` (the whole check).
# Both set everything up first: a virtual environment in .venv with amity and its tools.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_WORKSPACE ?= demo-workspace

.PHONY: demo test lint typecheck pytest test-postgres bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/amity demo --workspace $(DEMO_WORKSPACE) --no-serve

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) bluesky-network
	$(BIN)/pytest -n 2 -m "not postgres" -q

# Needs AMITY_TEST_POSTGRES_URL pointing at a server where the user may create databases;
# .ci/run starts one.
test-postgres: $(STAMP) bluesky-network
	$(BIN)/pytest -m postgres -q

# The local Bluesky network of the tests: Node 22, its npm packages, redis-server and PostgreSQL.
.PHONY: bluesky-network
bluesky-network:
	bash tests/bluesky_network/setup.sh

bench: $(STAMP)
	$(BIN)/python bench/import_throughput.py

clean:
	rm -rf $(VENV) $(DEMO_WORKSPACE) .mypy_cache .ruff_cache .pytest_cache
