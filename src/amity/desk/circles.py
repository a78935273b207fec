"""Your people by circle, one person, drifting ties, the replay: the workflows of `amity people`.

Each takes a ``Workspace`` and returns the records of ``desk.people`` for the CLI and the web to
render. This module is light to import: NumPy, SciPy and SQLAlchemy load when a workflow reads the
store, and not at all when a first look already says that there is nothing to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from amity.desk.workspace import Workspace

if TYPE_CHECKING:
    from amity.desk.people import Evaluation, People, PersonPage, Pinned, Standing


@dataclass(frozen=True, slots=True)
class PeopleList:
    """The people list as asked for: the whole view, and the entries kept, circle by circle."""

    people: People
    entries: tuple[Standing | Pinned, ...]


def end_of_day(day: date) -> int:
    """Return the last second of ``day`` (UTC): "as of a day" means as of its end."""
    return int(datetime.combine(day, time.max, tzinfo=UTC).timestamp())


def list_people(
    workspace: Workspace,
    *,
    now: int | None = None,
    circle: int | None = None,
    everyone: bool = False,
    tag: str | None = None,
    limit: int | None = None,
) -> PeopleList:
    """Return the user's people as of ``now``, kept by circle and tag (``desk.people``)."""
    workspace.require_own_account()
    from amity.desk.people import get_people, select_people

    with workspace.engine.connect() as connection:
        found = get_people(connection, now=now)
    chosen = select_people(found, circle=circle, everyone=everyone, tag=tag, limit=limit)
    return PeopleList(found, chosen)


def get_changes(workspace: Workspace, *, now: int | None = None) -> People:
    """Return the user's people as of ``now``, for their drifting and rising ties."""
    workspace.require_own_account()
    from amity.desk.people import get_people

    with workspace.engine.connect() as connection:
        return get_people(connection, now=now)


def show_person(workspace: Workspace, name: str, *, now: int | None = None) -> PersonPage:
    """Return the person ``name`` means, where they stand as of ``now``, and the user's notes."""
    from amity.desk.people import get_person_page

    with workspace.engine.connect() as connection:
        return get_person_page(connection, name, now=now)


def replay_history(
    workspace: Workspace, *, learn: float = 0.8, windows: int | None = None
) -> Evaluation:
    """Replay the workspace's own history: how well tie strength predicts whom the user meets."""
    workspace.require_own_account()
    from amity.desk.people import evaluate_workspace

    with workspace.engine.connect() as connection:
        return evaluate_workspace(connection, learn=learn, windows=windows)


def replay_file(path: Path, *, learn: float = 0.8, windows: int = 10) -> Evaluation:
    """Replay the interaction list in ``path`` for everyone in it."""
    from amity.desk.people import evaluate_file

    return evaluate_file(path, learn=learn, windows=windows)
