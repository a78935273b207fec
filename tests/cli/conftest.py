"""What the command-line tests share: a terminal of one known width, and a folder to work in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from amity.cli.common import err, out

WIDTH = 120


@pytest.fixture(autouse=True)
def terminal_width() -> Iterator[None]:
    """Render tables at ``WIDTH`` columns, so no test depends on where it runs."""
    widths = out.width, err.width
    out.width = err.width = WIDTH
    yield
    out.width, err.width = widths


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder to work in, as a user would, with a default workspace of its own (none yet)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("AMITY_WORKSPACE", raising=False)
    monkeypatch.delenv("AMITY_DATABASE_URL", raising=False)
    return tmp_path
