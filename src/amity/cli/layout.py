"""Tables that fit the terminal: handles whole, free text wrapped, the least useful columns dropped.

A handle cut short (``mastodon:edda_paper@ty…``) or broken over two lines names nobody, and a
command it is pasted into fails. So a table is laid out here before Rich draws it: a column that
must stay whole gets the width of its widest line; a column of free text (why, evidence) wraps
into what is left, down to a readable width; and when even that is too wide, the columns the table
can best do without go, in the order their ``drop`` says. Rich alone would shrink every column
alike, cutting handles first since they are the longest words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

ROOMY_TEXT = 30
"""Free text is given this many cells, if it needs them, before it is narrowed: columns that
can be dropped go first."""
NARROWEST_TEXT = 20
"""Free text wraps to no fewer cells than this, a few words a line."""


@dataclass(frozen=True, slots=True)
class Column:
    """How one column of a table behaves when the terminal is narrow."""

    header: str
    justify: JustifyMethod = "left"
    drop: int | None = None
    """When the table is too wide, columns go in this order, lowest first; None: never."""
    wraps: bool = False
    """Free text, wrapped at spaces to fit; the lines of any other column stay whole."""
    least: int = 0
    """The narrowest a wrapping column may be: the widest word in it that must stay whole."""


def fitted_table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], *, width: int, **options: Any
) -> Table:
    """Return a Rich table of ``rows`` (markup cells) no wider than ``width`` cells if it can be.

    ``options`` are the table's own (title, box, lines). Only a column wider on its own than the
    terminal, which nothing can save, is folded; no cell is ever cut short with "…".
    """
    table = Table(**options)
    cells = [[row[i] for row in rows] for i in range(len(columns))]
    widest = [_widest(column, cells[i]) for i, column in enumerate(columns)]
    roomy = [_narrowest(column, cells[i], ROOMY_TEXT) for i, column in enumerate(columns)]
    narrowest = [_narrowest(column, cells[i], NARROWEST_TEXT) for i, column in enumerate(columns)]
    kept = list(range(len(columns)))
    for _, index in sorted((c.drop, i) for i, c in enumerate(columns) if c.drop is not None):
        if _table_width(table, [roomy[i] for i in kept]) <= width:
            break
        kept.remove(index)
    room = width - _table_width(table, [0] * len(kept))
    wraps = [columns[i].wraps for i in kept]
    widths = _shared([widest[i] for i in kept], [narrowest[i] for i in kept], wraps, room)
    for index, cells_wide in zip(kept, widths, strict=True):
        column = columns[index]
        table.add_column(column.header, justify=column.justify, width=cells_wide, overflow="fold")
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    return table


def _widest(column: Column, cells: Sequence[str]) -> int:
    return max([_line_width(column.header), *(_line_width(cell) for cell in cells)])


def _narrowest(column: Column, cells: Sequence[str], text: int) -> int:
    """Return the narrowest ``column`` may be, when its free text (if any) takes ``text`` cells."""
    if not column.wraps:
        return _widest(column, cells)
    return max(column.least, min(_widest(column, cells), text), _line_width(column.header))


def _line_width(markup: str) -> int:
    """Return the cells the widest line of some markup takes on screen."""
    return max(cell_len(line) for line in Text.from_markup(markup).plain.split("\n"))


def _table_width(table: Table, widths: Sequence[int]) -> int:
    """Return how wide ``table`` is with columns of these widths: contents, padding, rules."""
    _, right, _, left = table.padding
    rules = (len(widths) - 1 if widths else 0) + (2 if table.show_edge else 0)
    padding = len(widths) * (left + right) - (0 if table.pad_edge or not widths else left + right)
    return sum(widths) + padding + (rules if table.box else 0)


def _shared(widest: list[int], narrowest: list[int], wraps: list[bool], room: int) -> list[int]:
    """Narrow the widest wrapping column a cell at a time until the columns take ``room``."""
    widths = list(widest)
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if wraps[i] and w > narrowest[i]]
        if not shrinkable:
            break
        widths[max(shrinkable, key=lambda i: widths[i])] -= 1
    return widths
