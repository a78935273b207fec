"""Write the servers' side of the world: her Mastodon instance and the Bluesky network.

Each side is a pass of its own over the world. The Mastodon side runs her Mastodon year again,
exactly as the archives' pass runs it (the same seeds, a copy of the shape pool as it stood
before), only to witness it: the witness completes every tree and writes the instance's
database. The Bluesky side runs her Bluesky year, which no archive holds. Both count what they
see in a tally of their own, which the ground truth absorbs afterwards, so the result is the same
whether the sides run one after the other or, on a machine with cores to spare, in forked
processes beside the archives' pass (which is what keeps generating the world fast).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from amity.demo.bluesky_network import BlueskyNetwork
from amity.demo.compose import Composer
from amity.demo.conversation import Conversations
from amity.demo.items import BOOST, LIKE, POST, REPLY
from amity.demo.mastodon_instance import MastodonInstance
from amity.demo.messages import iter_conversations
from amity.demo.picker import Picker
from amity.demo.profiles import build_profiles
from amity.demo.schedule import Schedule
from amity.demo.servers.store import FOLDER
from amity.demo.threads import ShapePool
from amity.demo.timing import Calendar
from amity.demo.truth import Counts, Tally
from amity.demo.world import World

BLUESKY_CHAT_SCALE = 0.5
"""Bluesky's chat is half as busy as her X messages."""


@dataclass(frozen=True, slots=True)
class Side:
    """What one side wrote: its counts for ``ground_truth.json`` and its tally."""

    counts: dict[str, int]
    tally: Counts


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything both sides need, fixed before the archives' pass starts."""

    directory: Path
    world: World
    calendar: Calendar
    pool: ShapePool
    mastodon_posts: int
    bluesky_posts: int


def write_mastodon_side(plan: Plan) -> Side:
    """Run her Mastodon year again to witness it, and write the instance's database."""
    world, seed = plan.world, plan.world.seed
    tally = Tally(plan.directory, named=True)
    instance = MastodonInstance(plan.directory / FOLDER, world, tally, plan.calendar,
                                build_profiles(world))  # fmt: skip
    silent = Tally(plan.directory)  # the archives' pass already counts what this pass does
    talk = Conversations(
        platform="mastodon",
        picker=Picker(world, "mastodon", random.Random(f"amity-demo-people-mastodon-{seed}")),
        calendar=plan.calendar,
        composer=Composer(random.Random(f"amity-demo-text-{seed}"), world.user),
        truth=silent,
        rng=random.Random(f"amity-demo-talk-mastodon-{seed}"),
        user_uri=world.user.mastodon.uri,
        witness=instance,
    )
    for _ in Schedule(talk, plan.pool.fork(), posts=plan.mastodon_posts, seed=seed, trend=0.0):
        pass
    silent.discard()
    return Side(instance.finish(posts=plan.mastodon_posts), tally.counts())


def write_bluesky_side(plan: Plan) -> Side:
    """Run her Bluesky year (streams of its own) into the network's database."""
    world, seed = plan.world, plan.world.seed
    assert world.user.bluesky is not None
    tally = Tally(plan.directory, named=True)
    network = BlueskyNetwork(plan.directory / FOLDER, world, tally, build_profiles(world))
    composer = Composer(random.Random(f"amity-demo-text-bluesky-{seed}"), world.user)
    talk = Conversations(
        platform="bluesky",
        picker=Picker(world, "bluesky", random.Random(f"amity-demo-people-bluesky-{seed}")),
        calendar=plan.calendar,
        composer=composer,
        truth=tally,
        rng=random.Random(f"amity-demo-talk-bluesky-{seed}"),
        user_uri=world.user.bluesky.did,
        witness=network,
    )
    schedule = Schedule(talk, plan.pool.fork(), posts=plan.bluesky_posts, seed=seed, trend=0.0)
    kinds = Counter(item.kind for item in schedule)
    chats = iter_conversations(world, composer, tally, platform="bluesky",
                               rng=random.Random(f"amity-demo-chat-{seed}"),
                               scale=BLUESKY_CHAT_SCALE)  # fmt: skip
    counts = network.finish(posts=plan.bluesky_posts, chats=chats)
    counts |= {
        "bluesky_posts": kinds[POST] + kinds[REPLY],
        "bluesky_reposts": kinds[BOOST],
        "bluesky_likes": kinds[LIKE],
    }
    return Side(counts, tally.counts())


SIDES: tuple[Callable[[Plan], Side], ...] = (write_mastodon_side, write_bluesky_side)


class Sides:
    """Run both sides: in forked processes when that is safe and worth it, else in turn."""

    def __init__(self, plan: Plan, *, parallel: bool | None = None) -> None:
        self._plan = plan
        self._parallel = can_fork() if parallel is None else parallel
        self._running: list[tuple[Any, Connection]] = []

    def start(self) -> None:
        """Start the sides in forked processes (nothing to do when they run in turn)."""
        if not self._parallel:
            return
        context = multiprocessing.get_context("fork")
        for side in SIDES:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(side, self._plan, sender), daemon=True)
            process.start()
            sender.close()
            self._running.append((process, receiver))

    def results(self) -> list[Side]:
        """Return what each side wrote, waiting for the forked ones."""
        if not self._parallel:
            return [side(self._plan) for side in SIDES]
        found = []
        for process, receiver in self._running:
            status, value = receiver.recv()
            process.join()
            if status != "ok":
                raise RuntimeError(f"writing the demo servers' side failed:\n{value}")
            found.append(value)
        return found


def _run(side: Callable[[Plan], Side], plan: Plan, sender: Connection) -> None:
    """Run one side in a forked process and send back what it wrote (or why it failed)."""
    try:
        sender.send(("ok", side(plan)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def can_fork() -> bool:
    """Return whether forking is safe and useful here: Linux, one thread, two cores or more."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and (os.cpu_count() or 1) >= 2
        and "fork" in multiprocessing.get_all_start_methods()
    )
