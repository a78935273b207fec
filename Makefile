# The two commands: `make demo` (the main job on the demo world) and `make test` (the whole check).
# Both set everything up first: a virtual environment in .venv with amity and its tools.
# `make install` puts the `amity` command on your PATH (~/.local/bin), through pipx or uv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_WORKSPACE ?= demo-workspace

.PHONY: demo install test lint typecheck pytest test-postgres bench clean lock

# The exact versions CI and every developer install are pinned in requirements-dev.lock
# (`make lock` makes it again from pyproject.toml); amity itself goes in editable, on top.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras \
		--extra dev --extra postgres -o requirements-dev.lock pyproject.toml

# The demo's hints name its workspace; amity itself is in .venv until `make install`.
demo: $(STAMP)
	$(BIN)/amity demo --workspace $(DEMO_WORKSPACE)
	@command -v amity >/dev/null 2>&1 || echo "amity is in .venv: run \`source .venv/bin/activate\` \
	first to use the commands above, or \`make install\` to put it on your PATH for good." >&2

# An isolated install of amity from this folder, as a command in ~/.local/bin.
install:
	@if command -v pipx >/dev/null 2>&1; then pipx install --force .; \
	elif command -v uv >/dev/null 2>&1; then uv tool install --force .; \
	else echo "make install needs pipx or uv to install amity in a place of its own." >&2; \
	echo "Install one (https://pipx.pypa.io or https://docs.astral.sh/uv), then run it again;" >&2; \
	echo "or run \`source .venv/bin/activate\` (after \`make demo\`) to use amity from .venv." >&2; \
	exit 1; fi
	@case ":$$PATH:" in *":$$HOME/.local/bin:"*) ;; \
	*) echo "Add ~/.local/bin to your PATH to run amity (pipx ensurepath does it)." >&2;; esac

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) bluesky-network
	$(BIN)/pytest -n 2 -m "not postgres" -q

# Starts a throwaway PostgreSQL server for the run (tests/with_postgres.sh), unless
# AMITY_TEST_POSTGRES_URL already names one where the user may create databases.
test-postgres: $(STAMP) bluesky-network
	bash tests/with_postgres.sh $(BIN)/pytest -m postgres -q

# The local Bluesky network of the tests: Node 22, its npm packages, redis-server and PostgreSQL.
.PHONY: bluesky-network
bluesky-network:
	bash tests/bluesky_network/setup.sh

bench: $(STAMP)
	$(BIN)/python bench/import_throughput.py

clean:
	rm -rf $(VENV) $(DEMO_WORKSPACE) .mypy_cache .ruff_cache .pytest_cache
