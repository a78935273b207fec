"""Archives into the workspace: `amity import`, as one workflow the CLI and the web call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from amity.config import Settings
from amity.desk.workspace import open_workspace
from amity.ingest import ImportedArchive as ImportedArchive
from amity.ingest import ImportReport as ImportReport
from amity.ingest import import_archives
from amity.ingest.progress import Phase as Phase
from amity.ingest.progress import Progress as Progress


def import_into_workspace(
    settings: Settings,
    paths: Sequence[Path],
    *,
    also_mine: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the exports at ``paths`` into the workspace (made first if need be), all or nothing.

    The report's ``counts`` and ``new`` list the kinds of records in the order to show them.
    """
    workspace = open_workspace(settings, create=True)
    return import_archives(workspace.engine, paths, also_mine=also_mine, progress=progress)
