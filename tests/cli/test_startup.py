"""Start-up: the command line loads no heavy library until a command needs it.

A structural test, not a timing one: `amity --help` and a command answered from a first look at
the store (`amity people list` with nothing imported) must not pay for SQLAlchemy, Alembic,
NumPy, SciPy, pydantic or the network clients. bench/startup.py measures the time itself.
"""

from __future__ import annotations

import json
import subprocess
import sys

from amity.config import Settings

HEAVY = (
    "sqlalchemy",
    "alembic",
    "numpy",
    "scipy",
    "mastodon",
    "atproto",
    "httpx",
    "requests",
    "pydantic",  # Typer 0.29 loads it to parse any option: 0.14 s
    "rich.progress",
)
PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_loaded(body: str) -> list[str]:
    """Run ``body`` in a fresh interpreter; return the heavy modules it loaded."""
    code = PROBE.format(body=body, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_importing_the_command_line_loads_nothing_heavy() -> None:
    assert _heavy_loaded("import amity.cli") == []


def test_people_list_on_an_empty_store_loads_nothing_heavy(
    settings: Settings, engine: object
) -> None:
    """The empty store is answered from a first look, with the message the full read gives."""
    body = f"""
from typer.testing import CliRunner
from amity.cli import app
result = CliRunner().invoke(app, ["people", "list", "-w", {str(settings.workspace)!r}])
assert result.exit_code == 1, result.output
assert "there is no account of yours in the store yet" in result.output, result.output
"""
    assert _heavy_loaded(body) == []
