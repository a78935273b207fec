"""`amity demo`: generate the built-in demo world, import it, and show what amity sees."""

from __future__ import annotations

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
    path_given,
    print_json,
    settings_for,
)
from amity.cli.text import shown, shown_line
from amity.desk.demo import DEFAULT_POSTS, DEFAULT_SEED

if TYPE_CHECKING:
    from amity.desk.demo import DemoRun
    from amity.desk.people import Person

app = typer.Typer(
    help="The built-in demo world: a year of one person's social life on Mastodon, X and Bluesky.",
    invoke_without_command=True,
)

PostsOption = Annotated[
    int,
    typer.Option(
        "--posts",
        min=10,
        max=10_000_000,
        help="How many posts and boosts the user makes in all (up to ten million).",
    ),
]
SeedOption = Annotated[
    int,
    typer.Option(
        "--seed",
        min=0,
        max=2**32 - 1,
        help="Seed of the generator; same seed, same world.",
    ),
]
FOR_GENERATE = ("posts", "seed")
"""The options of `amity demo` that `amity demo generate` takes too, when given before it."""
REDRAW_SECONDS = 0.1


@app.callback()
@friendly_errors
def run_demo(
    context: typer.Context,
    workspace: WorkspaceOption = None,
    posts: PostsOption = DEFAULT_POSTS,
    seed: SeedOption = DEFAULT_SEED,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace another demo world this workspace holds (the demo's data only).",
        ),
    ] = False,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Generate the demo world, import it into the workspace and summarise it.

    Run again with the same seed and size, it shows the same world; with another, it refuses
    unless --replace is given.

    Example: amity demo --workspace ./demo-workspace
    """
    if context.invoked_subcommand is not None:
        _refuse_unused(context)
        return
    from amity.cli.accounts import sync_progress
    from amity.cli.render import byte_progress
    from amity.desk.demo import run_demo
    from amity.desk.demo_world import make_way

    settings = settings_for(workspace)
    replaced = make_way(settings, posts=posts, seed=seed, replace=replace)
    if replaced is not None:
        err.print(
            f"Deleted the demo world of seed {replaced.seed} ({replaced.posts:,} posts) from"
            " this workspace, to make way for the new one."
        )
    with (
        world_progress() as making,
        byte_progress("Importing the demo world") as progress,
        sync_progress() as (per_account, _),
    ):
        run = run_demo(
            settings,
            posts=posts,
            seed=seed,
            world_progress=making,
            import_progress=progress,
            sync_progress=per_account,
        )
    if json:
        _print_json(run)
        return
    _show_summary(run)


def _refuse_unused(context: typer.Context) -> None:
    """Refuse the options of `amity demo` that mean nothing to the command after it."""
    for name, flag in (("replace", "--replace"), ("json", "--json")):
        if context.params.get(name):
            raise typer.BadParameter(
                f"{flag} is for `amity demo` itself, not for `amity demo"
                f" {context.invoked_subcommand}`",
                param_hint=flag,
            )


def _print_json(run: DemoRun) -> None:
    from amity.cli.accounts import sync_json
    from amity.cli.people_json import entry_data, standing_data

    print_json(
        {
            "import": run.imported.as_dict(),
            "connected": [connected.name for connected in run.connected],
            "sync": sync_json(list(run.synced)),
            "close_people": [entry_data(entry) for entry in run.close_people],
            "drifting": [standing_data(s) for s in run.people.drifting],
            "posts_by_kind": run.posts_by_kind,
        }
    )


def _show_summary(run: DemoRun) -> None:
    """Print what the demo did and found, then the commands to go on with."""
    from amity.cli.accounts import show_sync
    from amity.cli.people_tables import show_changes, show_people
    from amity.cli.render import show_import_report

    show_import_report(run.imported)
    for connected in run.connected:
        err.print(f"Connected the demo account [bold]{shown(connected.name)}[/] (demo servers).")
    for report in run.synced:
        show_sync(report)
    close = list(run.close_people)
    show_people(run.people, close)
    twice = sum(1 for entry in close if run.suggested(entry.person.person_id))
    if twice:
        err.print(
            f"[dim]{twice} of them may be one person with another account:"
            f" `{shown(command('people', 'suggestions'))}` shows which, and how to join them.[/]"
        )
    show_changes(run.people)
    _show_posts_by_kind(run.posts_by_kind)
    _show_next(close[0].person if close else None)


def _show_next(first: Person | None) -> None:
    """Print the commands to go on with, one a line, each ready to paste into a shell here."""
    lines = [(command("people", "list", "--all"), "everyone, circle by circle")]
    if first is not None:
        why = f"{first.name}: why they stand where they do"
        lines.append((command("people", "show", f"#{first.person_id}"), why))
    lines.append((command("people", "suggestions"), "accounts that may be one person"))
    width = max(len(line) for line, _ in lines)
    err.print("[bold]Next[/], in this folder:")
    for line, what in lines:
        err.print(f"  {shown(line.ljust(width))}  [dim]# {shown_line(what)}[/]")


POST_KINDS = {"top-level": "top-level", "reply": "replies", "boost": "boosts", "dm": "DMs sent"}


def _show_posts_by_kind(by_kind: dict[str, int]) -> None:
    from rich.table import Table

    table = Table(title="Your posts by kind", title_justify="left", header_style="bold")
    table.add_column("network")
    for header in POST_KINDS.values():
        table.add_column(header, justify="right")
    for platform in sorted({key.split(":")[0] for key in by_kind}):
        table.add_row(
            platform, *(f"{by_kind.get(f'{platform}:{kind}', 0):,}" for kind in POST_KINDS)
        )
    out.print(table)


@contextmanager
def world_progress() -> Iterator[Callable[[str, int, int], None]]:
    """Show the demo world's making on stderr (when it is a terminal): each step, its posts.

    Redrawn by its updates, with no thread of its own: the generator may fork.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
        disable=not err.is_terminal,
    )
    task = bar.add_task("Making the demo world", total=None)
    drawn = 0.0

    def update(step: str, done: int, total: int) -> None:
        nonlocal drawn
        now = time.monotonic()
        redraw = done == 0 or done == total or now - drawn >= REDRAW_SECONDS
        bar.update(task, description=step, completed=done, total=total or None, refresh=redraw)
        if redraw:
            drawn = now

    with bar:
        yield update


@app.command("generate")
@friendly_errors
def generate(
    context: typer.Context,
    directory: Annotated[
        Path,
        typer.Argument(help="Folder to write the archives into.", parser=path_given),
    ],
    posts: PostsOption = DEFAULT_POSTS,
    seed: SeedOption = DEFAULT_SEED,
    zip_archives: Annotated[bool, typer.Option("--zip", help="Write .zip files.")] = False,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the demo world's archives into DIRECTORY without importing them.

    --posts and --seed may come before `generate` too; given twice, the later one wins.

    Example: amity demo generate /tmp/world --posts 1000000 --seed 7
    """
    from amity.desk.demo import generate_world

    given = {name: _given(context, name) for name in FOR_GENERATE}
    with world_progress() as making:
        archives = generate_world(
            directory,
            posts=given["posts"],
            seed=given["seed"],
            zipped=zip_archives,
            progress=making,
        )
    for path in archives:
        err.print(f"wrote {shown_line(str(path))}")


def _given(context: typer.Context, name: str) -> int:
    """Return an option of `generate`, or the one given before it if only that was."""
    value: int = context.params[name]
    source = context.get_parameter_source(name)
    if context.parent is not None and (source is None or source.name == "DEFAULT"):
        before: int = context.parent.params.get(name, value)
        return before
    return value
