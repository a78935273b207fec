"""The command line: `amity <noun> <verb>`, a thin shell over the library."""

from __future__ import annotations

from typing import Annotated

import typer

from amity.cli import accounts, archives, db, demo, inbox, people
from amity.cli.common import WorkspaceOption, choose_workspace
from amity.cli.help_words import WordedGroup

app = typer.Typer(
    name="amity",
    cls=WordedGroup,
    help="amity: who should I talk to today, and am I being social?",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: Rich markup would take text in square brackets for its own tags and drop it.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(asked: bool) -> None:
    """Print amity's version and stop, for --version."""
    if asked:
        from importlib.metadata import version  # costs 30 ms: only when asked

        typer.echo(f"amity {version('amity')}")
        raise typer.Exit()


@app.callback()
def choose(
    workspace: WorkspaceOption = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print amity's version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """amity: who should I talk to today, and am I being social?

    Example: amity -w ~/amity people list
    """
    choose_workspace(workspace)


app.command("init")(db.init)
app.command("import")(archives.import_command)
app.add_typer(accounts.connect_app, name="connect")
app.command("accounts")(accounts.list_accounts)
app.command("disconnect")(accounts.disconnect)
app.command("sync")(accounts.sync_command)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(people.app, name="people")
app.add_typer(inbox.app, name="inbox")


def main() -> None:
    """Run the amity command line."""
    app()
