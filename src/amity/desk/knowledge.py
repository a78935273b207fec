"""What the user knows of people: circle pins, notes, meetings and tags.

These live in tables that imports never write. A person is named as everywhere else: by one of
their accounts, their name, or ``#NUMBER``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from amity.desk.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Noted:
    """The person something was written down for, and their tags after it."""

    person_id: int
    name: str
    tags: tuple[str, ...] = ()


def pin_person(
    workspace: Workspace, person: str, circle: int | None, *, now: int | None = None
) -> Noted:
    """Put a person in a circle by hand (None: let amity place them again)."""
    from amity.store import knowledge
    from amity.store.lookup import get_person_named

    with workspace.engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        knowledge.set_circle_pin(connection, person_id=person_id, circle=circle, now=_now(now))
    return Noted(person_id, name)


def add_note(workspace: Workspace, person: str, text: str, *, now: int | None = None) -> Noted:
    """Write down something about a person."""
    from amity.store import knowledge
    from amity.store.lookup import get_person_named

    with workspace.engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        knowledge.add_note(connection, person_id=person_id, kind="note", text=text, now=_now(now))
    return Noted(person_id, name)


def add_meeting(
    workspace: Workspace,
    person: str,
    *,
    place: str | None = None,
    day: date | None = None,
    text: str = "",
    now: int | None = None,
) -> Noted:
    """Remember meeting a person face to face: where, on which day, and a word about it."""
    from amity.store import knowledge
    from amity.store.lookup import get_person_named

    with workspace.engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        knowledge.add_note(
            connection, person_id=person_id, kind="met", text=text, now=_now(now), place=place,
            happened_on=None if day is None else day.isoformat(),
        )  # fmt: skip
    return Noted(person_id, name)


def tag_person(
    workspace: Workspace, person: str, tags: Iterable[str], *, remove: bool = False
) -> Noted:
    """Add tags to a person (or take them off), folded to lower case; return all they have."""
    from amity.store import knowledge
    from amity.store.lookup import get_person_named

    cleaned = sorted({tag.strip().lower() for tag in tags if tag.strip()})
    with workspace.engine.begin() as connection:
        person_id, name = get_person_named(connection, person)
        if remove:
            knowledge.remove_tags(connection, person_id=person_id, tags=cleaned)
        else:
            knowledge.add_tags(connection, person_id=person_id, tags=cleaned)
        now_tagged = knowledge.get_tags(connection, person_ids=[person_id]).get(person_id, [])
    return Noted(person_id, name, tuple(now_tagged))


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else now
