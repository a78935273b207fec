"""The demo, as one workflow: make the world, import its archives, connect, sync, summarise.

The demo goes through the same doors as a user: the archives through ``import_archives``, her
Mastodon account through the OAuth sign-in (the demo instance approving it as she would, with
PKCE), her Bluesky account with its app password, and both syncs through the live sync, against
the demo servers answering in process. Nothing here reaches the network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from amity import demo
from amity.config import Settings
from amity.desk import accounts
from amity.desk.people import People, get_people
from amity.ingest import ImportReport, Progress, import_archives
from amity.ingest.sync import SyncReport
from amity.insight.identity import Suggestion, suggest_identities
from amity.store.people import list_person_accounts, list_rejected_pairs
from amity.store.reads import count_posts_by_kind, get_own_account_ids


@dataclass(frozen=True, slots=True)
class DemoRun:
    """What the demo did: the world, the import, the connections and syncs, and the people.

    ``suggestions`` are the accounts that may be one person (``amity people suggestions``):
    the demo merges none of them; that is the user's to do.
    """

    world: demo.DemoWorld
    imported: ImportReport
    connected: tuple[accounts.Connected, ...]
    synced: tuple[SyncReport, ...]
    people: People
    posts_by_kind: dict[str, int]
    suggestions: tuple[Suggestion, ...] = ()

    def suggested(self, person_id: int) -> bool:
        """Return whether a suggestion names one of the person's accounts."""
        return any(person_id in (s.first.person_id, s.second.person_id) for s in self.suggestions)


def run_demo(
    settings: Settings,
    engine: Engine,
    *,
    posts: int = demo.DEFAULT_POSTS,
    seed: int = demo.DEFAULT_SEED,
    import_progress: Progress | None = None,
    sync_progress: Callable[[str], Callable[[str, int], None]] | None = None,
) -> DemoRun:
    """Generate the demo world in the workspace, import it, connect its accounts and sync them."""
    world = demo.generate(settings.workspace / accounts.DEMO_WORLD, posts=posts, seed=seed)
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
