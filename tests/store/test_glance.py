"""The first look at a SQLite store: the same facts Alembic and the history read give, or none."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, text

from amity.config import Settings
from amity.store import migrate
from amity.store.glance import HEAD_REVISION, Glance, glance_at
from amity.store.schema import accounts, people


def test_the_head_revision_is_alembics() -> None:
    scripts = ScriptDirectory(str(migrate.MIGRATIONS))
    assert scripts.get_current_head() == HEAD_REVISION


def test_an_empty_store_is_current_with_no_own_person(settings: Settings, engine: Engine) -> None:
    assert glance_at(settings.database_url) == Glance(revision=HEAD_REVISION, own_person=None)
    assert glance_at(settings.database_url) is not None
    assert migrate.get_status(engine).current == HEAD_REVISION


def test_the_own_person_is_the_first_own_accounts(settings: Settings, engine: Engine) -> None:
    with engine.begin() as connection:
        for number in (1, 2):
            connection.execute(insert(people).values(id=number, display_name=f"P{number}",
                                                     created_at=0))  # fmt: skip
        connection.execute(
            insert(accounts),
            [
                {"platform": "x", "platform_id": "1", "person_id": 2, "is_own": False},
                {"platform": "x", "platform_id": "2", "person_id": 1, "is_own": True},
            ],
        )
    assert glance_at(settings.database_url) == Glance(revision=HEAD_REVISION, own_person=1)


def test_an_older_schema_is_seen_and_nothing_more_read(settings: Settings, engine: Engine) -> None:
    migrate.downgrade(engine, "0004")
    assert glance_at(settings.database_url) == Glance(revision="0004", own_person=None)
    assert not Glance(revision="0004", own_person=None).current


def test_unsure_is_none(tmp_path: Path, settings: Settings, engine: Engine) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database at all" * 100)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    unsure = [
        f"sqlite:///{tmp_path / 'missing.db'}",
        f"sqlite:///{empty}",
        f"sqlite:///{damaged}",
        f"sqlite:///{tmp_path}",  # a folder
        "sqlite:///:memory:",
        f"sqlite:///{settings.database_url.removeprefix('sqlite:///')}?mode=ro",
        f"sqlite+pysqlite:///{settings.database_url.removeprefix('sqlite:///')}",
        "postgresql+psycopg://amity@localhost/amity",
        settings.database_url,  # no revision: never set up, as Alembic says
    ]
    assert [glance_at(url) for url in unsure] == [None] * len(unsure)
