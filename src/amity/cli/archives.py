"""`amity import`: read exports from Mastodon and X into the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from amity.cli.common import (
    DebugOption,
    JsonOption,
    WorkspaceOption,
    friendly_errors,
    print_json,
    settings_for,
)
from amity.cli.render import byte_progress, show_import_report

PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Export zip files or unpacked folders (Mastodon account export, X archive).",
        show_default=False,
    ),
]
AlsoMineOption = Annotated[
    bool,
    typer.Option(
        "--also-mine",
        help="Accept an archive of another account on a platform the workspace already has"
        " (for example a second Mastodon account after moving servers).",
    ),
]


@friendly_errors
def import_command(
    paths: PathsArgument,
    workspace: WorkspaceOption = None,
    also_mine: AlsoMineOption = False,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Import archives; the format is detected. Importing the same archive again changes nothing.

    Example: amity import ~/Downloads/archive-20261101.zip ~/Downloads/twitter-2026-11-01.zip
    """
    from amity.desk.archives import import_into_workspace

    settings = settings_for(workspace)
    with byte_progress("Importing") as progress:
        report = import_into_workspace(settings, paths, also_mine=also_mine, progress=progress)
    if json:
        print_json(report.as_dict())
    else:
        show_import_report(report)
