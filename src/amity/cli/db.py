"""`amity init` and `amity db ...`: create the workspace and manage the store's schema."""

from __future__ import annotations

import typer
from rich.table import Table

from amity.cli.common import (
    DebugOption,
    JsonOption,
    WorkspaceOption,
    err,
    friendly_errors,
    out,
    print_json,
    settings_for,
)
from amity.cli.text import shown, shown_line
from amity.config import Settings, require_workspace
from amity.store import migrate, open_store
from amity.store.engine import describe_url
from amity.store.reads import StoreTotals, get_totals

app = typer.Typer(help="Manage the store: its schema and what it holds.", no_args_is_help=True)


@friendly_errors
def init(workspace: WorkspaceOption = None, debug: DebugOption = False) -> None:
    """Create a workspace (folder, settings, database) or bring an existing one up to date.

    Example: amity init --workspace ~/amity
    """
    settings = settings_for(workspace)
    engine = open_store(settings, create=True)
    migrate.upgrade(engine)
    err.print(f"Workspace ready at [bold]{shown_line(str(settings.workspace))}[/]")
    err.print(f"Store: {shown_line(describe_url(settings.database_url))}")


@app.command("upgrade")
@friendly_errors
def upgrade(workspace: WorkspaceOption = None, debug: DebugOption = False) -> None:
    """Migrate the store's schema to this version of amity; your data is kept.

    Example: amity db upgrade
    """
    settings = settings_for(workspace)
    require_workspace(settings)
    engine = open_store(settings)
    before = migrate.get_status(engine)
    migrate.upgrade(engine)
    after = migrate.get_status(engine)
    if before.current == after.current:
        err.print(f"The store is already up to date (revision {shown(after.current)}).")
    else:
        err.print(f"Upgraded the store from {shown(before.current or 'empty')} to {after.current}.")


@app.command("status")
@friendly_errors
def status(
    workspace: WorkspaceOption = None, json: JsonOption = False, debug: DebugOption = False
) -> None:
    """Show where the store is, its schema revision and how much it holds; exit 1 if out of date.

    Example: amity db status --json
    """
    settings = settings_for(workspace)
    require_workspace(settings)
    engine = open_store(settings)
    state = migrate.get_status(engine)
    totals = None
    if state.up_to_date:
        with engine.connect() as connection:
            totals = get_totals(connection)
    if json:
        print_json(
            {
                "workspace": str(settings.workspace),
                "database": describe_url(settings.database_url),
                "revision": state.current,
                "head": state.head,
                "up_to_date": state.up_to_date,
                "totals": None if totals is None else totals_data(totals),
            }
        )
    else:
        _show_status(settings, state, totals)
    if not state.up_to_date:
        raise typer.Exit(1)


def totals_data(totals: StoreTotals) -> dict[str, int]:
    """Return the store's totals as plain data, by name."""
    return {name: getattr(totals, name) for name in totals.__slots__}


def _show_status(
    settings: Settings, state: migrate.SchemaStatus, totals: StoreTotals | None
) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("workspace", shown_line(str(settings.workspace)))
    table.add_row("database", shown_line(describe_url(settings.database_url)))
    table.add_row("schema", _revision(state))
    if totals is not None:
        for name, count in totals_data(totals).items():
            table.add_row(name.replace("_", " "), f"{count:,}")
    out.print(table)
    if not state.known:
        error = migrate.too_new(state)
        err.print(f"[yellow]{shown(error.message)}.[/]\n[dim]→ {shown(error.hint)}[/]")
    elif not state.up_to_date:
        err.print("[yellow]The schema is out of date: run `amity db upgrade`.[/]")


def _revision(state: migrate.SchemaStatus) -> str:
    if state.up_to_date:
        return shown(state.current)
    if not state.known:
        return f"{shown(state.current)} (unknown: this amity knows up to {state.head})"
    return f"{shown(state.current or 'empty')} (newest: {state.head})"
