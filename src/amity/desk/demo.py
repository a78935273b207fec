"""The demo, as one workflow: make the world, import its archives, connect, sync, summarise.

The demo goes through the same doors as a user: the archives through ``import_archives``, her
Mastodon account through the OAuth sign-in (the demo instance approving it as she would, with
PKCE), her Bluesky account with its app password, and both syncs through the live sync, against
the demo servers answering in process. Nothing here reaches the network.

The generator, the store and the analyses load when a workflow runs: the command line imports
this module to read the defaults for its help.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from amity.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from amity.demo import DemoWorld
    from amity.demo import Progress as WorldProgress
    from amity.desk.accounts import Connected
    from amity.desk.people import People, Pinned, Standing
    from amity.ingest import ImportReport, Progress
    from amity.ingest.sync import SyncReport
    from amity.insight.identity import Suggestion

DEFAULT_POSTS = 5000
"""Posts and boosts of the demo user by default: ``amity.demo.DEFAULT_POSTS`` (a test checks)."""
DEFAULT_SEED = 7
"""The generator's seed by default: ``amity.demo.DEFAULT_SEED`` (a test checks)."""
CLOSE = (1, 2)
"""The circles the summary shows: the people talked with weekly or more, then monthly."""


@dataclass(frozen=True, slots=True)
class DemoRun:
    """What the demo did: the world, the import, the connections and syncs, and the people.

    ``suggestions`` are the accounts that may be one person (``amity people suggestions``):
    the demo merges none of them; that is the user's to do.
    """

    world: DemoWorld
    imported: ImportReport
    connected: tuple[Connected, ...]
    synced: tuple[SyncReport, ...]
    people: People
    posts_by_kind: dict[str, int]
    suggestions: tuple[Suggestion, ...] = ()

    def suggested(self, person_id: int) -> bool:
        """Return whether a suggestion names one of the person's accounts."""
        return any(person_id in (s.first.person_id, s.second.person_id) for s in self.suggestions)

    @property
    def close_people(self) -> tuple[Standing | Pinned, ...]:
        """Return the people of the closest circles (``CLOSE``), inner first."""
        from amity.desk.people import circle_of, select_people

        everyone = select_people(self.people, everyone=True)
        return tuple(entry for entry in everyone if circle_of(entry) in CLOSE)


def run_demo(
    settings: Settings,
    engine: Engine | None = None,
    *,
    posts: int = DEFAULT_POSTS,
    seed: int = DEFAULT_SEED,
    world_progress: WorldProgress | None = None,
    import_progress: Progress | None = None,
    sync_progress: Callable[[str], Callable[[str, int], None]] | None = None,
) -> DemoRun:
    """Generate the demo world in the workspace, import it, connect its accounts and sync them.

    Without ``engine`` the workspace is made (or opened) first.
    """
    from amity import demo
    from amity.desk import accounts
    from amity.desk.people import get_people
    from amity.desk.workspace import open_workspace
    from amity.ingest import import_archives
    from amity.insight.identity import suggest_identities
    from amity.store.people import list_person_accounts, list_rejected_pairs
    from amity.store.reads import count_posts_by_kind, get_own_account_ids

    if engine is None:
        engine = open_workspace(settings, create=True).engine
    world = demo.generate(
        settings.workspace / accounts.DEMO_WORLD,
        posts=posts,
        seed=seed,
        progress=world_progress,
    )
    imported = import_archives(engine, world.archives, progress=import_progress)
    network = accounts.Network(settings)
    servers = network.demo()
    pending = accounts.begin_mastodon(network, servers.mastodon_url, transport=accounts.DEMO)
    code = servers.approve(pending.url)
    connected = (
        accounts.finish_mastodon(engine, network, pending, code),
        accounts.connect_bluesky(
            engine,
            network,
            servers.bluesky_handle,
            servers.bluesky_app_password,
            transport=accounts.DEMO,
        ),
    )
    synced = accounts.sync(engine, network, progress=sync_progress, thread_budget=10**9)
    with engine.connect() as connection:
        by_kind = count_posts_by_kind(connection, get_own_account_ids(connection))
        found = get_people(connection)
        maybe = suggest_identities(
            list_person_accounts(connection), list_rejected_pairs(connection)
        )
    return DemoRun(world, imported, connected, tuple(synced), found, by_kind, tuple(maybe))


def generate_world(
    directory: Path,
    *,
    posts: int = DEFAULT_POSTS,
    seed: int = DEFAULT_SEED,
    zipped: bool = False,
    progress: WorldProgress | None = None,
) -> tuple[Path, ...]:
    """Write the demo world's archives into ``directory`` without importing them; return them.

    ``progress`` hears of each step of the making (``amity.demo.Progress``).
    """
    from amity import demo

    world = demo.generate(directory, posts=posts, seed=seed, zip_archives=zipped, progress=progress)
    return tuple(world.archives)
