"""What the user knows of people: pins, notes, meetings and tags, kept through re-imports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, select

from amity.ingest import import_archives
from amity.store import knowledge
from amity.store.schema import accounts

ANDRE = Path(__file__).parents[1] / "fixtures" / "twitter" / "andreruffert"


def _two_people(connection: Connection) -> tuple[int, int]:
    query = (
        select(accounts.c.person_id)
        .where(accounts.c.is_own.is_(False), accounts.c.handle.is_not(None))
        .order_by(accounts.c.id)
        .limit(2)
    )
    first, second = connection.execute(query).scalars()
    return first, second


def test_pins_notes_and_tags_survive_a_second_import(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.begin() as connection:
        person, _ = _two_people(connection)
        knowledge.set_circle_pin(connection, person_id=person, circle=1, now=10)
        knowledge.add_note(
            connection, person_id=person, kind="note", text="likes risograph", now=11
        )
        knowledge.add_note(
            connection, person_id=person, kind="met", text="zine fair", now=12,
            place="Bristol", happened_on="2026-05-02",
        )  # fmt: skip
        knowledge.add_tags(connection, person_id=person, tags=["printmaking", "bristol"])
    import_archives(engine, [ANDRE])
    with engine.connect() as connection:
        assert knowledge.get_circle_pins(connection) == {person: 1}
        notes = knowledge.list_notes(connection, person_id=person)
        assert [(n.kind, n.text, n.place, n.happened_on) for n in notes] == [
            ("note", "likes risograph", None, None),
            ("met", "zine fair", "Bristol", "2026-05-02"),
        ]
        assert knowledge.get_tags(connection) == {person: ["bristol", "printmaking"]}


def test_a_pin_moves_and_goes(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.begin() as connection:
        person, _ = _two_people(connection)
        knowledge.set_circle_pin(connection, person_id=person, circle=2, now=1)
        knowledge.set_circle_pin(connection, person_id=person, circle=3, now=2)
        assert knowledge.get_circle_pins(connection) == {person: 3}
        knowledge.set_circle_pin(connection, person_id=person, circle=None, now=3)
        assert knowledge.get_circle_pins(connection) == {}


def test_tags_are_kept_once_and_can_be_removed(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.begin() as connection:
        person, _ = _two_people(connection)
        knowledge.add_tags(connection, person_id=person, tags=["a", "b"])
        knowledge.add_tags(connection, person_id=person, tags=["b", "c"])
        knowledge.remove_tags(connection, person_id=person, tags=["a"])
        assert knowledge.get_tags(connection) == {person: ["b", "c"]}


def test_merging_carries_notes_and_tags_and_keeps_the_kept_persons_pin(engine: Engine) -> None:
    import_archives(engine, [ANDRE])
    with engine.begin() as connection:
        kept, gone = _two_people(connection)
        knowledge.set_circle_pin(connection, person_id=kept, circle=2, now=1)
        knowledge.set_circle_pin(connection, person_id=gone, circle=4, now=1)
        knowledge.add_note(connection, person_id=gone, kind="note", text="n", now=2)
        knowledge.add_tags(connection, person_id=gone, tags=["x"])
        knowledge.add_tags(connection, person_id=kept, tags=["x", "y"])
        knowledge.move_knowledge(connection, from_person=gone, to_person=kept)
        assert knowledge.get_circle_pins(connection) == {kept: 2}
        assert [n.text for n in knowledge.list_notes(connection, person_id=kept)] == ["n"]
        assert knowledge.list_notes(connection, person_id=gone) == []
        assert knowledge.get_tags(connection) == {kept: ["x", "y"]}
