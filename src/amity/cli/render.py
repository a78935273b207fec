"""Render reports for people: Rich tables on stdout, progress bars on stderr."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.table import Table

from amity.cli.common import err, out
from amity.cli.text import shown, shown_line

if TYPE_CHECKING:
    from amity.desk.archives import ImportReport
    from amity.desk.archives import Progress as ProgressCallback

PROBLEMS_SHOWN = 10
REDRAW_SECONDS = 0.1


@contextmanager
def byte_progress(description: str) -> Iterator[ProgressCallback]:
    """Show a progress bar on stderr (when it is a terminal) and yield its update function.

    While the import reads, the bar says ``description``; after, each phase says its own name
    ("Building indexes"), drawn as soon as it begins. The bar is redrawn by its updates, at most
    ten times a second, not by a thread of its own: an import may start its reading process by
    forking, which must not happen while another thread runs (see ``amity.ingest.reader``).
    """
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
        disable=not err.is_terminal,
    )
    from amity.desk.archives import Phase  # loaded with the import this bar shows

    task = bar.add_task(description, total=None)
    drawn, shown_phase = 0.0, Phase.READING

    def update(phase: Phase, done: int, total: int) -> None:
        nonlocal drawn, shown_phase
        now = time.monotonic()
        redraw = now - drawn >= REDRAW_SECONDS or phase != shown_phase
        label = description if phase == Phase.READING else f"{phase}…"
        bar.update(task, description=label, completed=done, total=total, refresh=redraw)
        if redraw:
            drawn, shown_phase = now, phase

    with bar:
        yield update


def show_import_report(report: ImportReport) -> None:
    """Print what an import stored, what was new, and the problems it skipped."""
    for archive in report.archives:
        err.print(
            f"Imported [bold]{shown_line(archive.format)}[/] archive of"
            f" {shown_line(archive.account)} [dim]({shown_line(archive.path)})[/]"
        )
    table = Table(title=None, show_edge=False, header_style="bold")
    table.add_column("records")
    table.add_column("in the store", justify="right")
    table.add_column("new", justify="right")
    for kind, count in report.counts.items():  # in the order the desk gives them
        new = report.new[kind]
        table.add_row(kind, f"{count:,}", f"[green]+{new:,}[/]" if new else "0")
    out.print(table)
    rate = report.records / report.seconds if report.seconds > 0 else 0.0
    err.print(f"[dim]{report.records:,} records in {report.seconds:.1f} s ({rate:,.0f}/s)[/]")
    show_problems(report)


def show_problems(report: ImportReport) -> None:
    """List the first problems an import skipped, and how many there were in all."""
    if not report.problem_count:
        return
    err.print(f"[yellow]{report.problem_count:,} item(s) were skipped; the rest was imported:[/]")
    for problem in report.problems[:PROBLEMS_SHOWN]:
        err.print(
            f"  {shown_line(problem.file)}: {shown_line(problem.item)}: {shown(problem.reason)}"
        )
    hidden = report.problem_count - min(len(report.problems), PROBLEMS_SHOWN)
    if hidden > 0:
        err.print(f"  … and {hidden:,} more (use --json to see them).")
