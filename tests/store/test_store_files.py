"""The store's files are its owner's alone, and a database URL is shown without its password."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from amity.config import load_settings
from amity.errors import StoreError
from amity.store import open_store
from amity.store.engine import describe_url, open_engine, store_error

FIXTURES = Path(__file__).parents[1] / "fixtures"


def mode(path: Path) -> int:
    """Return the permission bits of a file or folder."""
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_workspace_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    engine = open_store(load_settings(workspace, environ={}), create=True)
    with engine.begin() as connection:  # a write: SQLite's -wal and -shm files exist now
        connection.execute(text("CREATE TABLE probe (x)"))
        assert {path.name for path in workspace.glob("amity.db*")} >= {
            "amity.db",
            "amity.db-wal",
            "amity.db-shm",
        }
        for path in workspace.glob("amity.db*"):
            assert mode(path) == 0o600, path.name
    engine.dispose()
    assert mode(workspace) == 0o700
    assert mode(workspace / "amity.toml") == 0o600
    assert mode(workspace / "secrets") == 0o700


def test_an_older_workspace_is_made_private(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    settings = load_settings(workspace, environ={})
    open_store(settings, create=True).dispose()
    workspace.chmod(0o755)
    for path in (workspace / "amity.toml", workspace / "amity.db"):
        path.chmod(0o644)
    open_store(settings, create=True).dispose()  # what `amity init` and `amity import` do
    assert mode(workspace) == 0o700
    assert mode(workspace / "amity.toml") == mode(workspace / "amity.db") == 0o600


def test_a_folder_with_other_things_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "letter.txt").write_text("mine")
    open_store(load_settings(folder, environ={}), create=True).dispose()
    assert mode(folder) == 0o755
    assert mode(folder / "amity.toml") == mode(folder / "amity.db") == 0o600


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://ana:pa55w0rd@db.example/amity", "postgresql+psycopg://ana:***@db.example/amity"),
        ("postgresql://ana:p%40ss:w@[::1]:5432/amity", "postgresql://ana:***@[::1]:5432/amity"),
        ("postgresql://ana@db.example/amity", "postgresql://ana@db.example/amity"),
        ("sqlite:////home/ana/amity.db", "sqlite:////home/ana/amity.db"),
        ("postgresql://ana:pa55w0rd@db.example:notaport/amity", "postgresql://…"),
        ("ana:pa55w0rd@db.example", "…"),
    ],
)  # fmt: skip
def test_a_database_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert describe_url(url) == shown
    assert "pa55w0rd" not in describe_url(url)


def test_a_database_error_is_said_without_its_statement_or_rows(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE secrets (note TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO secrets VALUES ('my private note')"))
    with pytest.raises(StoreError) as caught, engine.begin() as connection:
        connection.execute(text("INSERT INTO secrets VALUES ('my private note')"))
    said = str(caught.value)
    assert "UNIQUE constraint failed: secrets.note" in said and str(tmp_path) in said
    assert "private" not in said and "INSERT" not in said
    engine.dispose()


def test_a_driver_message_keeps_only_its_first_line() -> None:
    error = store_error(
        RuntimeError('duplicate key value violates unique constraint "x"\nDETAIL: Key (id)=(5)'),
        "postgresql://ana:***@db/amity",
    )
    assert "DETAIL" not in error.message and "duplicate key" in error.message
