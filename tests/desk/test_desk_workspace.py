"""The workspace as the desk opens it: a first look answers as the full read does, or not at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, insert

from amity import demo
from amity.config import Settings
from amity.desk import demo as desk_demo
from amity.desk.circles import get_changes, list_people, replay_history
from amity.desk.people import get_people
from amity.desk.workspace import Workspace, get_workspace_status, open_workspace
from amity.errors import NotFound, SchemaOutOfDate, WorkspaceError
from amity.store import migrate
from amity.store.schema import accounts, people


def _error_of(call: Callable[[], object]) -> tuple[str, str, str]:
    with pytest.raises((NotFound, SchemaOutOfDate)) as caught:
        call()
    error = caught.value
    return type(error).__name__, error.message, error.hint


def test_an_empty_store_is_answered_before_the_store_opens(
    settings: Settings, engine: Engine
) -> None:
    """The first look says what reading the history says, without opening the store."""
    with engine.connect() as connection, pytest.raises(NotFound) as slow:
        get_people(connection)
    for workflow in (list_people, get_changes, replay_history):
        workspace = open_workspace(settings)
        with pytest.raises(NotFound) as fast:
            workflow(workspace)
        assert (fast.value.message, fast.value.hint) == (slow.value.message, slow.value.hint)
        assert workspace._engine is None  # answered from the first look


def test_an_older_schema_is_left_to_the_full_check(settings: Settings, engine: Engine) -> None:
    migrate.downgrade(engine, "0004")
    fast = _error_of(lambda: list_people(open_workspace(settings)))
    slow = _error_of(lambda: migrate.require_current(engine))
    assert fast == slow


def test_a_store_with_the_users_account_is_read(settings: Settings, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(people).values(id=1, display_name="Me", created_at=0))
        connection.execute(
            insert(accounts).values(platform="x", platform_id="1", person_id=1, is_own=True)
        )
    workspace = open_workspace(settings)
    found = list_people(workspace)
    assert found.entries == ()
    assert found.people.newest_at is None
    assert workspace._engine is not None


def test_a_missing_workspace_fails_before_anything(settings: Settings) -> None:
    with pytest.raises(WorkspaceError):
        open_workspace(settings)


def test_status_counts_a_current_store(settings: Settings, engine: Engine) -> None:
    status = get_workspace_status(settings)
    assert status.up_to_date
    assert status.known
    assert status.too_new is None
    assert status.totals is not None
    assert status.totals["people"] == 0
    assert status.workspace == settings.workspace


def test_a_workspace_opens_its_store_once(settings: Settings, engine: Engine) -> None:
    workspace = Workspace(settings)
    assert workspace.engine is workspace.engine


def test_the_demo_defaults_are_the_generators() -> None:
    """The command line reads the defaults from the desk, so that its help loads no generator."""
    assert (desk_demo.DEFAULT_POSTS, desk_demo.DEFAULT_SEED) == (
        demo.DEFAULT_POSTS,
        demo.DEFAULT_SEED,
    )
