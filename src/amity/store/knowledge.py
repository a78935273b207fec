"""What the user knows of people: circle pins, notes, tags and times met in person.

This is the user's own data. Imports never write these tables; only the user's commands do, and
merging two people carries it over to the one kept.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Connection, delete, select, update

from amity.model import NoteKind, PersonNote
from amity.store.schema import circle_pins, person_notes, person_tags
from amity.store.writes import insert_ignoring


def set_circle_pin(connection: Connection, *, person_id: int, circle: int | None, now: int) -> None:
    """Pin a person to ``circle`` (1 is the innermost), or unpin them with None."""
    connection.execute(delete(circle_pins).where(circle_pins.c.person_id == person_id))
    if circle is not None:
        connection.execute(
            circle_pins.insert().values(person_id=person_id, circle=circle, pinned_at=now)
        )


def get_circle_pins(connection: Connection) -> dict[int, int]:
    """Return every pinned person's circle, by person id."""
    rows = connection.execute(select(circle_pins.c.person_id, circle_pins.c.circle))
    return {int(person): int(circle) for person, circle in rows}


def add_note(
    connection: Connection,
    *,
    person_id: int,
    kind: NoteKind,
    text: str,
    now: int,
    place: str | None = None,
    happened_on: str | None = None,
) -> int:
    """Write a note (or a meeting in person) about a person; return its id."""
    values = {"person_id": person_id, "kind": kind, "text": text, "place": place,
              "happened_on": happened_on, "created_at": now}  # fmt: skip
    result = connection.execute(person_notes.insert().returning(person_notes.c.id), values)
    return int(result.scalar_one())


def list_notes(connection: Connection, *, person_id: int) -> list[PersonNote]:
    """Return a person's notes and meetings, oldest first."""
    rows = connection.execute(
        select(person_notes)
        .where(person_notes.c.person_id == person_id)
        .order_by(person_notes.c.created_at, person_notes.c.id)
    )
    return [
        PersonNote(
            row.id, row.person_id, row.kind, row.text, row.created_at, row.place, row.happened_on
        )
        for row in rows
    ]


def add_tags(connection: Connection, *, person_id: int, tags: Iterable[str]) -> None:
    """Tag a person; a tag they have already is kept once."""
    rows = [{"person_id": person_id, "tag": tag} for tag in sorted(set(tags))]
    insert_ignoring(connection, person_tags, rows)


def remove_tags(connection: Connection, *, person_id: int, tags: Iterable[str]) -> None:
    """Take tags off a person."""
    connection.execute(
        delete(person_tags).where(
            person_tags.c.person_id == person_id, person_tags.c.tag.in_(list(tags))
        )
    )


def get_tags(
    connection: Connection, *, person_ids: Collection[int] | None = None
) -> dict[int, list[str]]:
    """Return every tagged person's tags (or only these people's), sorted, by person id."""
    found: dict[int, list[str]] = {}
    query = select(person_tags.c.person_id, person_tags.c.tag).order_by(person_tags.c.tag)
    if person_ids is not None:
        query = query.where(person_tags.c.person_id.in_(list(person_ids)))
    for person, tag in connection.execute(query):
        found.setdefault(person, []).append(tag)
    return found


def move_knowledge(connection: Connection, *, from_person: int, to_person: int) -> None:
    """Carry one person's pin, notes and tags over to another, as when two people merge.

    The kept person's own pin wins over the one carried over.
    """
    pins = get_circle_pins(connection)
    if from_person in pins and to_person not in pins:
        connection.execute(
            update(circle_pins)
            .where(circle_pins.c.person_id == from_person)
            .values(person_id=to_person)
        )
    connection.execute(delete(circle_pins).where(circle_pins.c.person_id == from_person))
    connection.execute(
        update(person_notes)
        .where(person_notes.c.person_id == from_person)
        .values(person_id=to_person)
    )
    tags = get_tags(connection).get(from_person, [])
    add_tags(connection, person_id=to_person, tags=tags)
    remove_tags(connection, person_id=from_person, tags=tags)
