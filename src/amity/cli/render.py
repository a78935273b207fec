"""Render reports for people: Rich tables on stdout, progress bars on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from amity.cli.common import err, out
from amity.cli.text import shown, shown_line
from amity.ingest import ImportReport
from amity.ingest import Progress as ProgressCallback
from amity.store.reads import RECORD_KINDS

PROBLEMS_SHOWN = 10


@contextmanager
def byte_progress(description: str) -> Iterator[ProgressCallback]:
    """Show a progress bar on stderr (when it is a terminal) and yield its update function."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

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
    for kind in RECORD_KINDS:
        new = report.new[kind]
        table.add_row(kind, f"{report.counts[kind]:,}", f"[green]+{new:,}[/]" if new else "0")
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
