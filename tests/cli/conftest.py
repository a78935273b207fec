"""What the command-line tests share: a terminal of one known width, whatever runs them."""

from __future__ import annotations

from collections.abc import Iterator

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
