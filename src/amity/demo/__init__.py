"""A believable year of one person's social life: real archives, and the servers' other side.

``generate`` builds a seeded world — a freelance illustrator and printmaker, her circles of
contacts on Mastodon, X and Bluesky, a year of bursty conversation, sales posts, stories and link
sharing — and writes it as the files the platforms' export tools produce (a Mastodon export and an
X archive), so a demo (or a benchmark) goes through amity's real import path.

Beside the archives it writes the other side, the part only the servers hold (``servers/``): the
whole of every reply tree she takes part in, what people do to her posts (replies, mentions,
quotes, favourites and boosts, closer people more often), who follows her and whom she follows,
the direct messages both ways, profiles, organisations that broadcast, a bot and a group, quiet
people her close contacts follow, follow requests, a poll, an edit, an annual report, and her
notifications, on her Mastodon instance and on Bluesky (where the demo has no archive: her
Bluesky year lives on the server only, about a quarter of her Mastodon posts). ``DemoServers``
(in ``amity.demo.servers``) answers Mastodon's REST API and Bluesky's XRPC from those files, in
process, so the real connect-and-sync code runs against them.

``ground_truth.json`` says who is who (every person's accounts on each network), which circle each
person belongs to, which ties drift or rise, what she did with each person and what they did to
her (``interactions`` and ``received``), which questions were never answered (hers, and other
people's, each by an id that is in an archive or on a server), and counts of everything.

The same seed and parameters always give byte-identical files, the servers' databases included;
the archives are exactly what they were before the other side was added, because everything the
other side draws comes from random streams and id makers of its own. Writing streams: memory
stays flat from a thousand posts to millions. A ``progress`` callback hears of each step as it
goes (see ``Progress``).
"""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from amity.demo.compose import Composer
from amity.demo.conversation import Conversations
from amity.demo.items import POST_KINDS, Item
from amity.demo.mastodon_writer import MastodonWriter, write_actor
from amity.demo.messages import MESSAGES_PER_POST, iter_conversations
from amity.demo.notables import USER_BLUESKY_HANDLE, widen
from amity.demo.picker import Picker
from amity.demo.schedule import Schedule
from amity.demo.server_sides import BLUESKY_CHAT_SCALE, Plan, Sides
from amity.demo.threads import ShapePool
from amity.demo.timing import DAY, Calendar, build_calendar
from amity.demo.truth import Truth
from amity.demo.twitter_archive import write_follows, write_manifest, write_messages, write_profile
from amity.demo.twitter_writer import TwitterWriter
from amity.demo.world import LAYER_SIZES, LAYER_WEIGHTS, PERSONA, World, build_world

__all__ = [
    "DEFAULT_END",
    "DEFAULT_POSTS",
    "DEFAULT_SEED",
    "USER_ACCOUNTS",
    "DemoWorld",
    "Made",
    "Progress",
    "generate",
    "read_made",
]

DEFAULT_END = datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)
DEFAULT_POSTS = 5000
DEFAULT_SEED = 7
MASTODON_SHARE = 0.6
BLUESKY_RATIO = 0.25
"""Her Bluesky posts, on top of ``posts``, as a share of her Mastodon posts."""
TWITTER_TREND = 0.5
"""X activity falls over the year from 1.25 to 0.75 times its average: she is slowly leaving."""
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
GROUND_TRUTH = "ground_truth.json"
USER_ACCOUNTS = frozenset(
    {
        ("mastodon", PERSONA.mastodon.acct),
        ("twitter", PERSONA.twitter.screen_name),
        ("bluesky", USER_BLUESKY_HANDLE),
    }
)
"""Her accounts, as ``(platform, handle)``: the same in every world, whatever its seed."""
_TICK = 256
"""Posts written between two calls of the progress callback: often enough, and cheap."""

Progress = Callable[[str, int, int], None]
"""Told ``(step, done, total)`` as a world is written: the step in words, and how many of its
posts are written of how many (``total`` 0: a step that is not counted, only named)."""


def _no_progress(step: str, done: int, total: int) -> None:
    """Hear of nothing: the progress callback of a caller that shows none."""


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """Where a generated world was written, and how much of everything it holds."""

    mastodon: Path
    twitter: Path
    ground_truth: Path
    counts: dict[str, int]

    @property
    def folder(self) -> Path:
        """Return the world's folder (what ``DemoServers`` opens)."""
        return self.ground_truth.parent

    @property
    def archives(self) -> tuple[Path, Path]:
        """Return the two archives, ready for the importers: Mastodon first, then X."""
        return (self.mastodon, self.twitter)


def generate(
    directory: Path,
    *,
    posts: int = DEFAULT_POSTS,
    seed: int = DEFAULT_SEED,
    end: datetime = DEFAULT_END,
    zip_archives: bool = False,
    mastodon_share: float = MASTODON_SHARE,
    bluesky_ratio: float = BLUESKY_RATIO,
    progress: Progress | None = None,
    _parallel: bool | None = None,
) -> DemoWorld:
    """Write a demo world's Mastodon export, X archive and ground truth under ``directory``.

    ``posts`` is the number of the user's own posts and boosts across both networks (about 60%
    on Mastodon); likes, messages and acquaintances scale with it, while the circles of close
    contacts stay the same size. The year ends at ``end``. ``mastodon_share`` moves the split
    between the networks (1.0: everything on Mastodon), for benchmarks of one importer.
    ``bluesky_ratio`` sets her Bluesky posts as a share of her Mastodon posts; they come on top
    of ``posts`` and live on the demo Bluesky server only. ``progress`` hears of each step: the
    posts of each archive as they are written, then the servers' side, the ground truth and
    the zip files. (``_parallel`` forces the servers' side to run in forked processes, or not,
    for the tests; the files are the same either way.)
    """
    if not 0.0 <= mastodon_share <= 1.0:
        raise ValueError(f"mastodon_share must be between 0 and 1, not {mastodon_share}")
    if bluesky_ratio < 0:
        raise ValueError(f"bluesky_ratio must not be negative, not {bluesky_ratio}")
    if posts < 10:
        raise ValueError(f"posts must be at least 10, not {posts}")
    if end.tzinfo is None:
        raise ValueError("end must be timezone-aware, e.g. datetime(2026, 10, 31, tzinfo=UTC)")
    finish = int(end.timestamp())
    progress = progress or _no_progress
    progress("Making the demo world", 0, 0)
    world = widen(build_world(seed=seed, posts=posts, start=finish - 365 * DAY + 1, end=finish))
    directory.mkdir(parents=True, exist_ok=True)
    truth = Truth(world, spill=directory)
    calendar = build_calendar(world.start, world.end)
    pool = ShapePool(random.Random(f"amity-demo-shapes-{seed}"))
    mastodon_posts = round(world.posts * mastodon_share)
    bluesky_posts = round(mastodon_posts * bluesky_ratio)
    sides = Sides(Plan(directory, world, calendar, pool.fork(), mastodon_posts, bluesky_posts),
                  parallel=_parallel)  # fmt: skip
    sides.start()
    counts = _write_archives(directory, world, truth, calendar, pool, mastodon_posts, progress)
    progress("Writing the demo servers' side", 0, 0)
    for side in sides.results():
        counts |= side.counts
        truth.absorb(side.tally)
    truth_path = directory / GROUND_TRUTH
    counts |= {
        "people": len(world.people),
        "unanswered_questions": truth.question_count,
        "threads": sum(truth.sizes.values()),
    }
    parameters = _parameters(world) | {"mastodon_share": mastodon_share,
                                       "bluesky_ratio": bluesky_ratio,
                                       "bluesky_chat_scale": BLUESKY_CHAT_SCALE}  # fmt: skip
    progress("Writing the ground truth", 0, 0)
    truth.write(truth_path, parameters=parameters, counts=counts)
    mastodon, twitter = directory / "mastodon", directory / "twitter"
    if zip_archives:
        progress("Packing the archives into zip files", 0, 0)
        mastodon, twitter = _zip(mastodon), _zip(twitter)
    return DemoWorld(mastodon, twitter, truth_path, counts)


@dataclass(frozen=True, slots=True)
class Made:
    """What a world was made with: the seed and the number of posts that say which world."""

    seed: int
    posts: int


# ``ground_truth.json`` opens with its parameters, posts and seed first (``Truth.write``,
# ``_parameters``); the rest of it may run to hundreds of megabytes, so only its head is read.
_MADE_WITH = re.compile(rb'"parameters": \{\s*"posts": (?P<posts>\d+),\s*"seed": (?P<seed>\d+),')
_HEAD = 4096


def read_made(directory: Path) -> Made | None:
    """Return what the world written in ``directory`` was made with; None if there is none."""
    try:
        with (directory / GROUND_TRUTH).open("rb") as truth:
            head = truth.read(_HEAD)
    except OSError:
        return None
    found = _MADE_WITH.search(head)
    return Made(int(found["seed"]), int(found["posts"])) if found else None


def _write_archives(
    directory: Path,
    world: World,
    truth: Truth,
    calendar: Calendar,
    pool: ShapePool,
    mastodon_posts: int,
    progress: Progress,
) -> dict[str, int]:
    seed = world.seed
    composer = Composer(random.Random(f"amity-demo-text-{seed}"), world.user)
    counts = {"posts": world.posts}
    for platform, total in (
        ("mastodon", mastodon_posts),
        ("twitter", world.posts - mastodon_posts),
    ):
        talk = Conversations(
            platform=platform,
            picker=Picker(world, platform, random.Random(f"amity-demo-people-{platform}-{seed}")),
            calendar=calendar,
            composer=composer,
            truth=truth,
            rng=random.Random(f"amity-demo-talk-{platform}-{seed}"),
            user_uri=world.user.mastodon.uri,
        )
        trend = TWITTER_TREND if platform == "twitter" else 0.0
        schedule = Schedule(talk, pool, posts=total, seed=seed, trend=trend)
        items = _counted(schedule, partial(progress, _STEPS[platform]), total)
        if platform == "mastodon":
            counts |= _write_mastodon(directory / "mastodon", world, schedule.posts, items)
        else:
            counts |= _write_twitter(directory / "twitter" / "data", world, items, composer, truth)
    return counts


_STEPS = {"mastodon": "Writing the Mastodon archive", "twitter": "Writing the X archive"}


def _counted(items: Iterable[Item], tell: Callable[[int, int], None], total: int) -> Iterator[Item]:
    """Yield ``items``, telling how many of them were posts or boosts every few hundred."""
    done = 0
    tell(done, total)
    for item in items:
        yield item
        if item.kind in POST_KINDS:
            done += 1
            if done % _TICK == 0:
                tell(done, total)
    tell(done, total)


def _write_mastodon(
    folder: Path, world: World, posts: int, items: Iterable[Item]
) -> dict[str, int]:
    writer = MastodonWriter(folder, world.user, total=posts)
    writer.write(items)
    write_actor(folder, world.user, created=world.start - 900 * DAY)
    return writer.counts


def _write_twitter(
    data: Path, world: World, items: Iterable[Item], composer: Composer, truth: Truth
) -> dict[str, int]:
    writer = TwitterWriter(data, world.user)
    writer.write(items)
    counts = dict(writer.counts)
    write_profile(data, world.user)
    follows_rng = random.Random(f"amity-demo-follows-{world.seed}")
    counts |= write_follows(data, world, rng=follows_rng, truth=truth)
    talks = iter_conversations(
        world, composer, truth, rng=random.Random(f"amity-demo-messages-{world.seed}")
    )
    counts["twitter_messages"] = write_messages(data, world.user.twitter.user_id, talks)
    manifest = {
        "account": 1,
        "profile": 1,
        "tweets": counts["twitter_posts"] + counts["twitter_retweets"],
        "tweetHeaders": counts["twitter_posts"] + counts["twitter_retweets"],
        "like": counts["twitter_likes"],
        "follower": counts["twitter_followers"],
        "following": counts["twitter_following"],
        "directMessages": counts["twitter_messages"],
        "directMessageHeaders": counts["twitter_messages"],
    }
    write_manifest(data, world.user, manifest, generated=world.end)
    return counts


def _parameters(world: World) -> dict[str, object]:
    return {
        "posts": world.posts,
        "seed": world.seed,
        "start": datetime.fromtimestamp(world.start, UTC).isoformat().replace("+00:00", "Z"),
        "end": datetime.fromtimestamp(world.end, UTC).isoformat().replace("+00:00", "Z"),
        "mastodon_share": MASTODON_SHARE,
        "twitter_trend": TWITTER_TREND,
        "layer_sizes": list(LAYER_SIZES),
        "layer_weights": list(LAYER_WEIGHTS),
        "messages_per_post": MESSAGES_PER_POST,
    }


def _zip(folder: Path) -> Path:
    """Pack ``folder`` into ``folder.zip`` (fixed timestamps, so the bytes are reproducible)."""
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
    shutil.rmtree(folder)
    return target
