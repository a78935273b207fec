"""The command line: `amity <noun> <verb>`, a thin shell over the library."""

from __future__ import annotations

import typer

from amity.cli import accounts, archives, db, demo, people

app = typer.Typer(
    name="amity",
    help="amity: who should I talk to today, and am I being social?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(db.init)
app.command("import")(archives.import_command)
app.add_typer(accounts.connect_app, name="connect")
app.command("accounts")(accounts.list_accounts)
app.command("disconnect")(accounts.disconnect)
app.command("sync")(accounts.sync_command)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(people.app, name="people")


def main() -> None:
    """Run the amity command line."""
    app()
