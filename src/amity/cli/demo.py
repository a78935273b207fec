"""`amity demo`: generate the built-in demo world, import it, and show what amity sees."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from amity import demo
from amity.cli.common import (
    DebugOption,
    JsonOption,
    WorkspaceOption,
    err,
    friendly_errors,
    out,
    path_given,
    print_json,
    settings_for,
)
from amity.cli.people_json import entry_data, standing_data
from amity.cli.people_tables import show_changes, show_people
from amity.cli.render import byte_progress, show_import_report
from amity.desk.people import in_circle_order, layer_of
from amity.store import open_store

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
        "--seed", min=0, max=2**32 - 1, help="Seed of the generator; same seed, same world."
    ),
]


@app.callback()
@friendly_errors
def run_demo(
    context: typer.Context,
    workspace: WorkspaceOption = None,
    posts: PostsOption = demo.DEFAULT_POSTS,
    seed: SeedOption = demo.DEFAULT_SEED,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Stop after the summary (the default for now).")
    ] = False,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Generate the demo world, import it into the workspace and summarise it.

    Example: amity demo --workspace ./demo-workspace
    """
    if context.invoked_subcommand is not None:
        return
    from amity.cli.accounts import show_sync, sync_json, sync_progress
    from amity.desk.demo import run_demo

    settings = settings_for(workspace)
    engine = open_store(settings, create=True)
    with (
        byte_progress("Importing the demo world") as progress,
        sync_progress() as (per_account, _),
    ):
        run = run_demo(
            settings,
            engine,
            posts=posts,
            seed=seed,
            import_progress=progress,
            sync_progress=per_account,
        )
    found, by_kind = run.people, run.posts_by_kind
    close = [entry for entry in in_circle_order(found) if layer_of(entry) in CLOSE]
    if json:
        print_json(
            {
                "import": run.imported.as_dict(),
                "connected": [connected.name for connected in run.connected],
                "sync": sync_json(list(run.synced)),
                "close_people": [entry_data(entry) for entry in close],
                "drifting": [standing_data(s) for s in found.drifting],
                "posts_by_kind": by_kind,
            }
        )
        return
    show_import_report(run.imported)
    for connected in run.connected:
        err.print(f"Connected the demo account [bold]{escape(connected.name)}[/] (demo servers).")
    for report in run.synced:
        show_sync(report)
    show_people(found, close)
    twice = sum(1 for entry in close if run.suggested(entry.person.person_id))
    if twice:
        err.print(
            f"[dim]{twice} of them may be one person with another account:"
            " `amity people suggestions`, then `amity people merge` joins those you confirm.[/]"
        )
    show_changes(found)
    _show_posts_by_kind(by_kind)
    err.print(
        "[dim]Next: `amity people list --all` for everyone, `amity people show #NUMBER` for one"
        " person, `amity people suggestions` for accounts that may be one person.[/]"
    )


CLOSE = (1, 2)
"""The circles the summary shows: the people talked with weekly or more, then monthly."""
POST_KINDS = {"top-level": "top-level", "reply": "replies", "boost": "boosts", "dm": "DMs sent"}


def _show_posts_by_kind(by_kind: dict[str, int]) -> None:
    table = Table(title="Your posts by kind", title_justify="left", header_style="bold")
    table.add_column("network")
    for header in POST_KINDS.values():
        table.add_column(header, justify="right")
    for platform in sorted({key.split(":")[0] for key in by_kind}):
        table.add_row(
            platform, *(f"{by_kind.get(f'{platform}:{kind}', 0):,}" for kind in POST_KINDS)
        )
    out.print(table)


@app.command("generate")
@friendly_errors
def generate(
    directory: Annotated[
        Path, typer.Argument(help="Folder to write the archives into.", parser=path_given)
    ],
    posts: PostsOption = demo.DEFAULT_POSTS,
    seed: SeedOption = demo.DEFAULT_SEED,
    zip_archives: Annotated[bool, typer.Option("--zip", help="Write .zip files.")] = False,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the demo world's archives into DIRECTORY without importing them.

    Example: amity demo generate /tmp/world --posts 1000000 --seed 7
    """
    world = demo.generate(directory, posts=posts, seed=seed, zip_archives=zip_archives)
    for path in world.archives:
        err.print(f"wrote {escape(str(path))}")
