"""A table laid out for a narrow terminal keeps handles whole, wraps free text, drops the least."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from amity.cli.layout import Column, fitted_table

HANDLE = "mastodon:bronwen_garnier@inkwell.social"
WHY = "silent for 7 months, 78 times your usual gap of 3 days and longer than any gap before"


def _render(width: int, columns: list[Column], rows: list[list[str]]) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(fitted_table(columns, rows, width=width, header_style="bold"))
    return console.export_text().splitlines()


COLUMNS = [
    Column("who", wraps=True, least=len(HANDLE)),
    Column("last\ntalked", drop=2),
    Column("usual\ngap", drop=1),
    Column("why", wraps=True),
]
ROWS = [[f"Bronwen Garnier #116\n{HANDLE}", "18 d ago", "20 d", WHY]]


def test_at_80_columns_the_handle_stays_whole_and_the_text_wraps() -> None:
    lines = _render(80, COLUMNS, ROWS)
    assert max(cell_len(line) for line in lines) <= 80
    assert any(HANDLE in line for line in lines)
    why = [line.split("│")[2].strip() for line in lines if line.count("│") == 3]
    assert len(why) > 1 and " ".join(why) == WHY  # wrapped at spaces, every word whole


def test_the_lesser_columns_go_first() -> None:
    headers = ["".join(_render(width, COLUMNS, ROWS)[:3]) for width in (100, 90, 80)]
    assert ["usual" in header for header in headers] == [True, False, False]
    assert ["talked" in header for header in headers] == [True, True, False]


def test_a_wide_terminal_keeps_the_text_on_one_line() -> None:
    lines = _render(200, COLUMNS, ROWS)
    assert any(WHY in line for line in lines) and any(HANDLE in line for line in lines)


def test_the_text_of_cells_is_never_cut_short() -> None:
    for width in range(60, 121, 7):
        text = "".join(_render(width, COLUMNS, ROWS))
        assert "…" not in text
