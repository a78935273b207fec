"""`amity init` and `amity db ...`: create the workspace and manage the store's schema."""

from __future__ import annotations

import typer
from rich.table import Table

from amity.cli.common import (
    DebugOption,
    JsonOption,
    WorkspaceOption,
    command,
    err,
    friendly_errors,
    out,
    print_json,
    settings_for,
    with_workspace,
)
from amity.cli.text import shown, shown_line
from amity.desk import workspace as desk

app = typer.Typer(help="Manage the store: its schema and what it holds.", no_args_is_help=True)


@friendly_errors
def init(workspace: WorkspaceOption = None, debug: DebugOption = False) -> None:
    """Create a workspace (folder, settings, database) or bring an existing one up to date.

    Example: amity init --workspace ~/amity
    """
    ready = desk.init_workspace(settings_for(workspace))
    err.print(f"Workspace ready at [bold]{shown_line(str(ready.workspace))}[/]")
    err.print(f"Store: {shown_line(ready.database)}")


@app.command("upgrade")
@friendly_errors
def upgrade(workspace: WorkspaceOption = None, debug: DebugOption = False) -> None:
    """Migrate the store's schema to this version of amity; your data is kept.

    Example: amity db upgrade
    """
    done = desk.upgrade_workspace(settings_for(workspace))
    if not done.changed:
        err.print(f"The store is already up to date (revision {shown(done.after)}).")
    else:
        err.print(f"Upgraded the store from {shown(done.before or 'empty')} to {done.after}.")


@app.command("status")
@friendly_errors
def status(
    workspace: WorkspaceOption = None, json: JsonOption = False, debug: DebugOption = False
) -> None:
    """Show where the store is, its schema revision and how much it holds; exit 1 if out of date.

    Example: amity db status --json
    """
    state = desk.get_workspace_status(settings_for(workspace))
    if json:
        print_json(
            {
                "workspace": str(state.workspace),
                "database": state.database,
                "revision": state.revision,
                "head": state.head,
                "up_to_date": state.up_to_date,
                "totals": state.totals,
            }
        )
    else:
        _show_status(state)
    if not state.up_to_date:
        raise typer.Exit(1)


def _show_status(state: desk.WorkspaceStatus) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")  # a long path or URL breaks anywhere, and loses nothing
    table.add_row("workspace", shown_line(str(state.workspace)))
    table.add_row("database", shown_line(state.database))
    table.add_row("schema", _revision(state))
    if state.totals is not None:
        for name, count in state.totals.items():
            table.add_row(name.replace("_", " "), f"{count:,}")
    out.print(table)
    if state.too_new is not None:
        error = state.too_new
        err.print(
            f"[yellow]{shown(error.message)}.[/]\n[dim]→ {shown(with_workspace(error.hint))}[/]"
        )
    elif not state.up_to_date:
        err.print(f"[yellow]The schema is out of date: run `{shown(command('db', 'upgrade'))}`.[/]")


def _revision(state: desk.WorkspaceStatus) -> str:
    if state.up_to_date:
        return shown(state.revision)
    if not state.known:
        return f"{shown(state.revision)} (unknown: this amity knows up to {state.head})"
    return f"{shown(state.revision or 'empty')} (newest: {state.head})"
