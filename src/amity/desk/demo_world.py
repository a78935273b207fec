"""The demo world a workspace holds, and making way for another one, or refusing to.

The demo imports its world like any archive, so a second world run into the same workspace would
be added beside the first: two sets of people, each with half a history. Before the demo runs,
``make_way`` looks at what the workspace holds. The same world again is fine (the import and the
syncs are idempotent). Another world replaces the first only when asked (``replace``), and only
where the store holds nothing but the demo's own data: a store with an archive or an account of
the user's own is never touched.

The generator and the store load when a check runs: the command line imports this module first.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amity.errors import WorkspaceError

if TYPE_CHECKING:
    from amity.config import Settings
    from amity.demo import Made


@dataclass(frozen=True, slots=True)
class Held:
    """What a workspace's store holds, as far as the demo cares."""

    anything: bool
    """The store holds an account, a post or an import run."""
    demo_only: bool
    """Every account of the user's is the demo's, and every connection goes to its servers."""
    secrets: tuple[str, ...] = ()
    """The credentials of the demo's connections, and of amity on the demo instance."""


def make_way(settings: Settings, *, posts: int, seed: int, replace: bool = False) -> Made | None:
    """Make sure the demo world of ``seed`` and ``posts`` may go into the workspace.

    Return the world that was there and was deleted for it (only with ``replace``), or None.
    Raise ``WorkspaceError`` when the workspace holds another world and ``replace`` is not
    given, or holds data that is not the demo's (whatever ``replace`` says).
    """
    from amity.demo import Made, read_made
    from amity.desk.accounts import DEMO_WORLD

    held = _look(settings)
    if not held.anything:
        return None
    there = read_made(settings.workspace / DEMO_WORLD)
    if not held.demo_only:
        raise WorkspaceError(
            f"the workspace {settings.workspace} holds data that is not the demo's;"
            " the demo world would be mixed into it",
            hint="Run the demo in a workspace of its own: give --workspace a new folder.",
        )
    if there == Made(seed, posts):
        return None
    if not replace:
        raise _another_world(there, seed=seed, posts=posts)
    _delete_demo(settings, held.secrets)
    return there


def _another_world(there: Made | None, *, seed: int, posts: int) -> WorkspaceError:
    """Return the error of a workspace that holds another demo world than the one asked for."""
    held = f"seed {there.seed}, {there.posts:,} posts" if there else "of an older amity"
    again = (
        f"`amity demo --seed {there.seed} --posts {there.posts}` shows it again. " if there else ""
    )
    return WorkspaceError(
        f"the workspace already holds another demo world ({held}); the one of seed {seed} with"
        f" {posts:,} posts would be added beside it",
        hint=f"{again}Add --replace to delete the demo's data here and start again with the new"
        " one, or give --workspace another folder.",
    )


def _look(settings: Settings) -> Held:
    """Return what the workspace's store holds; nothing, when there is no store yet."""
    from amity.credentials import secret_name
    from amity.demo import USER_ACCOUNTS
    from amity.desk.accounts import DEMO
    from amity.store import open_store
    from amity.store.connections import list_connections
    from amity.store.engine import sqlite_file
    from amity.store.migrate import get_status, require_current
    from amity.store.reads import get_own_accounts, get_totals

    path = sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        return Held(anything=False, demo_only=True)
    engine = open_store(settings)
    try:
        if get_status(engine).current is None:
            return Held(anything=False, demo_only=True)
        require_current(engine)
        with engine.connect() as connection:
            totals = get_totals(connection)
            own = {(account.platform, account.handle) for account in get_own_accounts(connection)}
            linked = list_connections(connection)
    finally:
        engine.dispose()
    anything = bool(totals.accounts or totals.posts or totals.import_runs)
    demo_only = own <= USER_ACCOUNTS and all(link.transport == DEMO for link in linked)
    # amity's registration on the demo instance is kept as `amity connect mastodon` keeps it
    apps = {
        secret_name("mastodon-app", link.service.split("://", 1)[-1])
        for link in linked
        if link.platform == "mastodon"
    }
    secrets = (*sorted(apps), *(link.secret_name for link in linked))
    return Held(anything=anything, demo_only=demo_only, secrets=secrets)


def _delete_demo(settings: Settings, secrets: tuple[str, ...]) -> None:
    """Delete the demo's store, world and credentials from the workspace; nothing else in it."""
    from amity.credentials import Vault
    from amity.desk.accounts import DEMO_WORLD
    from amity.store import SQLITE_COMPANIONS
    from amity.store.engine import describe_url, sqlite_file

    path = sqlite_file(settings.database_url)
    if path is None or path.parent != settings.workspace:
        raise WorkspaceError(
            f"--replace deletes only a SQLite store inside the workspace; this workspace's"
            f" store is {describe_url(settings.database_url)}",
            hint="Empty that database yourself, or give --workspace another folder.",
        )
    for file in (path, *(path.with_name(path.name + end) for end in SQLITE_COMPANIONS)):
        file.unlink(missing_ok=True)
    vault = Vault(settings)
    for name in secrets:
        vault.path(name).unlink(missing_ok=True)
    shutil.rmtree(settings.workspace / DEMO_WORLD, ignore_errors=True)
