"""`amity connect`, `amity accounts`, `amity disconnect`, `amity sync`: live accounts."""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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
)
from amity.cli.layout import Column, fitted_table
from amity.cli.people_tables import short_duration
from amity.cli.text import shown
from amity.desk.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from rich.progress import TaskID

    from amity.desk.accounts import Connected, SyncReport, Wait

# The network clients (Mastodon.py, the atproto SDK) take a second to import: each command
# imports the desk when it runs, so that `amity --help` and other commands do not pay for them.

connect_app = typer.Typer(
    help="Connect one of your accounts, so that `amity sync` can read what others say to you.",
    no_args_is_help=True,
)

AccountArgument = Annotated[
    str,
    typer.Argument(
        help="A connected account, as `amity accounts` lists it (mastodon:ana@example.social).",
        show_default=False,
    ),
]


@connect_app.command("mastodon")
@friendly_errors
def connect_mastodon(
    instance: Annotated[
        str, typer.Argument(help="Your instance, e.g. mastodon.social.", show_default=False)
    ],
    token_stdin: Annotated[
        bool,
        typer.Option(
            "--token-stdin",
            help="Read an access token made in your instance's settings (Preferences →"
            " Development, scope read) from standard input, instead of signing in.",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Connect a Mastodon account (read only): sign in on your instance and paste the code.

    amity registers itself on the instance, prints an address to open, and waits for the code
    the instance shows once you authorise it. Nothing is fetched yet: run `amity sync` next.

    Example: amity connect mastodon mastodon.social
    """
    from amity.desk import accounts as desk

    opened = _store(workspace, create=True)
    engine, settings = opened.engine, opened.settings
    network = desk.Network(settings, policy=desk.connecting_policy)
    if token_stdin:
        connected = desk.connect_mastodon_token(engine, network, instance, sys.stdin.read())
    else:
        pending = desk.begin_mastodon(network, instance)
        err.print("Open this address, sign in and authorise amity (read only):")
        err.print(f"  {shown(pending.url)}", soft_wrap=True)
        code = _read_line("Paste the code your instance shows: ")
        connected = desk.finish_mastodon(engine, network, pending, code)
    _said_connected(connected)


@connect_app.command("bluesky")
@friendly_errors
def connect_bluesky(
    handle: Annotated[
        str,
        typer.Argument(help="Your handle (name.bsky.social) or DID.", show_default=False),
    ],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read an app password from standard input."),
    ] = False,
    service: Annotated[
        str | None,
        typer.Option(
            "--service",
            help="Your PDS address; by default it is found from the handle.",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Connect a Bluesky account with an app password (never your account password).

    Make one in Bluesky: Settings → Privacy and security → App passwords. Nothing is fetched
    yet: run `amity sync` next.

    Example: amity connect bluesky ana.bsky.social --password-stdin < app-password.txt
    """
    from amity.desk import accounts as desk

    opened = _store(workspace, create=True)
    engine, settings = opened.engine, opened.settings
    password = sys.stdin.readline() if password_stdin else _read_secret("App password: ")
    network = desk.Network(settings, policy=desk.connecting_policy)
    connected = desk.connect_bluesky(engine, network, handle, password, service=service)
    _said_connected(connected)


@friendly_errors
def list_accounts(
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Show the state last seen; do not ask the servers."),
    ] = False,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List your connected accounts: how each stands, when it last synced, what it holds.

    Example: amity accounts --json
    """
    from amity.desk import accounts as desk

    opened = _store(workspace)
    engine, settings = opened.engine, opened.settings
    statuses = desk.list_accounts(engine, desk.Network(settings), check=not offline)
    if json:
        print_json([status.as_dict() for status in statuses])
        return
    if not statuses:
        mastodon = command("connect", "mastodon", "HOST")
        bluesky = command("connect", "bluesky", "HANDLE", "--password-stdin")
        err.print(f"No account is connected. Connect one: {shown(mastodon)}, or {shown(bluesky)}")
        return
    rows = [
        [
            shown(status.name),
            _STATE_STYLE.get(status.state, "{}").format(status.state)
            + (" [dim]demo[/]" if status.demo else ""),
            _when(status.last_sync_at),
            f"{status.held.posts:,}",
            f"{status.held.received:,}",
            f"{status.held.notifications:,}",
        ]
        for status in statuses
    ]
    out.print(
        fitted_table(_ACCOUNT_COLUMNS, rows, width=out.width, header_style="bold", show_edge=False)
    )
    for status in statuses:
        if status.state != "ok" and status.detail:
            err.print(f"[yellow]{shown(status.name)}:[/] {shown(status.detail)}")


@friendly_errors
def disconnect(
    account: AccountArgument,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Revoke amity's access to an account and delete its credentials; its data stays.

    Example: amity disconnect mastodon:ana@example.social
    """
    from amity.desk import accounts as desk

    opened = _store(workspace)
    engine, settings = opened.engine, opened.settings
    done = desk.disconnect(engine, desk.Network(settings), account)
    verdict = "revoked on the server and deleted" if done.revoked else "deleted here"
    err.print(f"Disconnected {shown(done.name)}: its credentials were {verdict}.")
    if done.note:
        err.print(f"[dim]{shown(done.note)}[/]")
    err.print("[dim]What it brought stays in the store.[/]")


@friendly_errors
def sync_command(
    account: Annotated[
        str | None,
        typer.Argument(help="One connected account (default: all of them).", show_default=False),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            min=0,
            help="Threads to fetch at most in this run (default 300); the rest wait for the next.",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Fetch what is new on your connected accounts: replies, mentions, likes, follows, DMs.

    Each sync goes on from where the last one stopped; a sync that is interrupted keeps what it
    stored and the next one carries on.

    Example: amity sync --json
    """
    from amity.desk import accounts as desk

    opened = _store(workspace)
    engine, settings = opened.engine, opened.settings
    with sync_progress() as (progress, on_wait):
        network = desk.Network(settings, on_wait=on_wait)
        reports = desk.sync(engine, network, account, progress=progress, thread_budget=threads)
    if json:
        print_json(sync_json(reports))
        return
    for report in reports:
        show_sync(report)


# -- rendering -------------------------------------------------------------------------------------

_ACCOUNT_COLUMNS = (
    Column("account"),
    Column("state", wraps=True, least=len("unreachable")),
    Column("last sync", drop=4),
    Column("posts", justify="right", drop=3),
    Column("received", justify="right", drop=2),
    Column("notices", justify="right", drop=1),
)
"""The accounts table; at narrow widths the last columns go first, the account stays whole."""
_STATE_STYLE = {
    "ok": "[green]{}[/]",
    "expired": "[yellow]{}[/]",
    "revoked": "[red]{}[/]",
    "unreachable": "[yellow]{}[/]",
}


def _said_connected(connected: Connected) -> None:
    who = f" ({shown(connected.display_name)})" if connected.display_name else ""
    err.print(f"Connected [bold]{shown(connected.name)}[/]{who} at {shown(connected.service)}.")
    err.print(f"[dim]Its credentials are in {shown(connected.secret)} (readable by you only).[/]")
    err.print(f"Nothing was fetched yet. Next: {shown(command('sync', connected.name))}")


def sync_json(reports: list[SyncReport]) -> dict[str, object]:
    """Return the ``--json`` of a sync: ``new`` summed over the accounts, and each account's."""
    from amity.desk.accounts import received_in_all

    return {"new": received_in_all(reports), "accounts": [r.as_dict() for r in reports]}


def show_sync(report: SyncReport) -> None:
    got = ", ".join(f"{count:,} {kind}" for kind, count in report.new.items() if count)
    err.print(
        f"Synced [bold]{shown(report.account)}[/] in {report.seconds:.1f} s:"
        f" {got or 'nothing new'} received; {report.new_posts:,} new posts"
        f" ({report.items:,} items read, {report.threads_fetched:,} threads fetched)."
    )
    for stream, outcome in report.streams.items():
        if outcome.startswith("skipped"):
            err.print(f"[dim]  {shown(stream)}: {shown(outcome)}[/]")
    if report.threads_waiting:
        err.print(
            f"[dim]  {report.threads_waiting:,} threads wait for the next sync"
            " (the server's rate limit is respected).[/]"
        )
    if report.problem_count:
        err.print(f"[yellow]  {report.problem_count:,} item(s) were skipped:[/]")
        for problem in report.problems[:10]:
            err.print(f"    {shown(problem.item)}: {shown(problem.reason)}")


@contextmanager
def sync_progress() -> Iterator[
    tuple[Callable[[str], Callable[[str, int], None]], Callable[[Wait], None]]
]:
    """Show a live line per stream on stderr (when it is a terminal), and visible waits."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("[bold]{task.completed:,}[/] items"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def for_account(name: str) -> Callable[[str, int], None]:
        def update(stream: str, items: int) -> None:
            key = f"{name} {stream}"
            if key not in tasks:
                tasks[key] = bar.add_task(f"{shown(name)}: {shown(stream)}", total=None)
            bar.update(tasks[key], completed=items)

        return update

    def on_wait(wait: Wait) -> None:
        err.print(f"[yellow]waiting {wait.seconds:.0f} s:[/] {shown(wait.reason)}")

    with bar:
        yield for_account, on_wait


def _store(workspace: Path | None, *, create: bool = False) -> Workspace:
    """Return the command's workspace (with ``create``, made first); its store opens when used."""
    return open_workspace(settings_for(workspace), create=create)


def _when(moment: int | None) -> str:
    """Say when, in a few characters: "never", "now", "5 h ago", "3 d ago"."""
    if moment is None:
        return "never"
    days = (time.time() - moment) / 86_400
    if days < 1 / 24:
        return "now"
    return f"{short_duration(days)} ago"


def _read_line(prompt: str) -> str:
    """Read one line from standard input, with a prompt on stderr when it is a terminal."""
    if sys.stdin.isatty():
        err.print(prompt, end="")
    return sys.stdin.readline()


def _read_secret(prompt: str) -> str:
    """Read a secret from the terminal without echoing it."""
    if not sys.stdin.isatty():
        return sys.stdin.readline()
    return getpass.getpass(prompt, stream=sys.stderr)
