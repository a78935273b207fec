"""Write a large, realistic Bluesky repository export (CAR) of one account, for benchmarks.

    python bench/bluesky_world.py --records 1000000     # bench/out/bluesky-1000000-7.car
    python bench/bluesky_world.py --records 2000 --out /tmp/repo.car

The mix is that of a busy account: 45% posts, 35% likes, 10% reposts, 8% follows, 1% list items
(a collection amity skips and reports), 0.5% blocks, a few lists, the profile and the chat
declaration; the rest are likes. Record shapes follow real exports (the indigo test repositories):
posts carry ``langs`` and rich-text facets with byte offsets (mentions, links, tags); 40% are
replies (``reply.parent``/``reply.root`` strong references, a fifth of them to the account's own
earlier posts), some quote (``app.bsky.embed.record`` and ``recordWithMedia``), some show images
(blob links) or a link card. Record keys are TIDs of increasing times over two years; the other
accounts are drawn, with a heavy head, from a pool a tenth the size of the repository.

The file is written in one pass in bounded memory (``tests/sources/car_writer.py``): records are
made collection by collection in key order, and the tree is built bottom-up as they go. The same
seed gives the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import libipld

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for the CAR writer the tests use

from tests.sources.car_writer import write_repository  # noqa: E402

OUT = Path(__file__).parent / "out"
START = int(datetime(2023, 6, 1, tzinfo=UTC).timestamp() * 1_000_000)
SPAN = 2 * 365 * 86_400 * 1_000_000
SHARES = {
    "app.bsky.feed.post": 0.45,
    "app.bsky.feed.repost": 0.10,
    "app.bsky.graph.follow": 0.08,
    "app.bsky.graph.listitem": 0.01,
    "app.bsky.graph.block": 0.005,
}
"""Shares of the records; likes take the rest, after the profile, declaration and lists."""
LISTS = 3
_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
_FACET = "app.bsky.richtext.facet#"
_VOCABULARY = (
    "the a an and but so if then today tonight morning week this that our my your their new old"
    " small big good great odd quiet busy slow fast first last next best coffee garden kitchen"
    " bike train city river park library market studio office workshop meetup conference talk"
    " thread release draft notes photo sketch recipe bread soup tomatoes rain sun wind snow"
    " python rust sqlite postgres database parser compiler test bug fix feature docs blog post"
    " book chapter poem song album film walk run swim climb trip map friends family neighbours"
    " team community people question answer idea plan reading writing learning building making"
    " is was are were be been have has had do does did can could will would should might must"
    " really quite very just still again already almost never always maybe perhaps honestly"
)
_WORDS = _VOCABULARY.split()
_TAGS = (
    "python",
    "gardening",
    "photography",
    "bookclub",
    "opensource",
    "localfirst",
    "sqlite",
    "cycling",
    "baking",
    "birds",
    "introductions",
    "weekend",
)
_SITES = (
    "https://blog.example.org/posts/",
    "https://news.example.com/story/",
    "https://docs.example.net/guide/",
    "https://video.example.tv/watch/",
    "https://shop.example.co/item/",
)
_LANGS = (["en"],) * 17 + (["de"], ["fr"], ["ja"], ["en", "es"], ["pt"])


def tid(micros: int, clock: int) -> str:
    """Return the record key (TID) of a moment: 53 bits of microseconds, 10 of clock id."""
    value = (micros << 10) | (clock & 0x3FF)
    return "".join(_SORTABLE[(value >> shift) & 31] for shift in range(60, -1, -5))


def iso(micros: int) -> str:
    """Return a moment as records write ``createdAt``: UTC, milliseconds, ``Z``."""
    moment = datetime.fromtimestamp(micros / 1_000_000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _fake_cid(seed: str, codec: bytes = b"\x71") -> bytes:
    return b"\x01" + codec + b"\x12\x20" + hashlib.sha256(seed.encode()).digest()


class Accounts:
    """The other accounts of the world: DIDs by index, drawn with a heavy head."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self._seed = seed

    def did(self, index: int) -> str:
        """Return the DID of the account at ``index``."""
        digest = hashlib.sha256(f"{self._seed}:{index}".encode()).digest()
        return "did:plc:" + "".join(_SORTABLE[byte & 31] for byte in digest[:24])

    def handle(self, index: int) -> str:
        """Return the handle of the account at ``index``."""
        return f"user{index}.bsky.social"

    def pick(self, rng: random.Random) -> int:
        """Return an index, low ones (close acquaintances) far more often than high ones."""
        return int(self.size * rng.random() ** 3)

    def post(self, rng: random.Random, before: int) -> dict[str, str]:
        """Return a strong reference to a post by a drawn account, written before ``before``."""
        did = self.did(self.pick(rng))
        when = before - rng.randrange(1, 30 * 86_400 * 1_000_000)
        uri = f"at://{did}/app.bsky.feed.post/{tid(when, rng.randrange(1024))}"
        return {"cid": libipld.encode_cid(_fake_cid(uri)), "uri": uri}


class _Text:
    """A post's text built piece by piece, with facets at the UTF-8 byte offsets of pieces."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.facets: list[dict[str, Any]] = []

    def add(self, piece: str, feature: dict[str, Any] | None = None) -> None:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece.encode())
        if feature is not None:
            index = {"byteStart": start, "byteEnd": self.length}
            self.facets.append({"$type": _FACET[:-1], "index": index, "features": [feature]})

    def text(self) -> str:
        return "".join(self.parts)


class World:
    """Make the records of one account's repository, each collection in key order."""

    def __init__(self, records: int, seed: int) -> None:
        if records < 100:
            raise ValueError("a world has at least 100 records")
        self.records = records
        self.seed = seed
        self.owner = Accounts(1, seed).did(-1)  # an index no other account has
        self.accounts = Accounts(max(200, records // 10), seed)
        self.counts = self._counts()
        # What later records refer to: the last own posts, the lists, the follows so far.
        self._own_posts: list[tuple[str, int]] = []
        self._lists: list[str] = []
        self._followed = 0

    def _counts(self) -> dict[str, int]:
        counts = {name: int(self.records * share) for name, share in SHARES.items()}
        counts["app.bsky.actor.profile"] = counts["chat.bsky.actor.declaration"] = 1
        counts["app.bsky.graph.list"] = LISTS
        counts["app.bsky.feed.like"] = self.records - sum(counts.values())
        return counts

    def iter_records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ``(collection/rkey, record)`` for the whole repository, in key order.

        Collections come in name order, so lists are made before the list items naming them.
        """
        self._own_posts, self._lists, self._followed = [], [], 0
        for collection in sorted(self.counts):
            rng = random.Random(f"{self.seed}:{collection}")
            make = getattr(self, "_" + collection.rsplit(".", 1)[-1])
            for rkey, micros in self._keys(collection, rng):
                yield f"{collection}/{rkey}", make(rng, micros, rkey)

    def _keys(self, collection: str, rng: random.Random) -> Iterator[tuple[str, int]]:
        count = self.counts[collection]
        if collection in ("app.bsky.actor.profile", "chat.bsky.actor.declaration"):
            yield from (("self", START),) if count else ()
            return
        step = max(SPAN // max(count, 1), 2)
        for index in range(count):
            micros = START + index * step + rng.randrange(step // 2)
            yield tid(micros, rng.randrange(1024)), micros

    # -- one maker per collection, named after its last part -----------------------------------

    def _profile(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        return {
            "$type": "app.bsky.actor.profile",
            "displayName": "Ada Example",
            "description": "Gardener, Python programmer, occasional baker. Posts about #sqlite.",
            "avatar": self._blob(rng, "image/jpeg"),
            "banner": self._blob(rng, "image/jpeg"),
            "createdAt": iso(micros),
        }

    def _declaration(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        return {"$type": "chat.bsky.actor.declaration", "allowIncoming": "following"}

    def _like(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        subject = self.accounts.post(rng, micros)
        return {"$type": "app.bsky.feed.like", "subject": subject, "createdAt": iso(micros)}

    def _repost(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        subject = self.accounts.post(rng, micros)
        return {"$type": "app.bsky.feed.repost", "subject": subject, "createdAt": iso(micros)}

    def _follow(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        # Each account is followed once; the closest ones (low indices) were followed first.
        subject = self.accounts.did(self._followed % self.accounts.size)
        self._followed += 1
        return {"$type": "app.bsky.graph.follow", "subject": subject, "createdAt": iso(micros)}

    def _block(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        subject = self.accounts.did(self.accounts.size - 1 - rng.randrange(self.accounts.size // 2))
        return {"$type": "app.bsky.graph.block", "subject": subject, "createdAt": iso(micros)}

    def _list(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        self._lists.append(f"at://{self.owner}/app.bsky.graph.list/{rkey}")
        return {
            "$type": "app.bsky.graph.list",
            "purpose": "app.bsky.graph.defs#curatelist",
            "name": f"{rng.choice(_TAGS)} people",
            "description": "People worth reading.",
            "createdAt": iso(micros),
        }

    def _listitem(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        return {
            "$type": "app.bsky.graph.listitem",
            "subject": self.accounts.did(self.accounts.pick(rng)),
            "list": rng.choice(self._lists),
            "createdAt": iso(micros),
        }

    def _post(self, rng: random.Random, micros: int, rkey: str) -> dict[str, Any]:
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": iso(micros)}
        text = self._text(rng)
        record["text"] = text.text()
        if text.facets:
            record["facets"] = text.facets
        if rng.random() < 0.95:
            record["langs"] = list(rng.choice(_LANGS))
        if rng.random() < 0.40:
            record["reply"] = self._reply(rng, micros)
        embed = self._embed(rng, micros)
        if embed is not None:
            record["embed"] = embed
        self._own_posts = [*self._own_posts[-49:], (rkey, micros)]
        return record

    def _text(self, rng: random.Random) -> _Text:
        text = _Text()
        if rng.random() < 0.22:
            index = self.accounts.pick(rng)
            feature = {"$type": _FACET + "mention", "did": self.accounts.did(index)}
            text.add("@" + self.accounts.handle(index), feature)
            text.add(" ")
        text.add(" ".join(rng.choices(_WORDS, k=rng.randrange(4, 40))).capitalize())
        text.add(rng.choice((".", "!", "?", " 🌱", "…")))
        if rng.random() < 0.15:
            uri = rng.choice(_SITES) + f"{rng.randrange(10**6)}"
            text.add(" ")
            text.add(uri.split("//", 1)[1][:26] + "...", {"$type": _FACET + "link", "uri": uri})
        for tag in rng.sample(_TAGS, k=rng.choice((0, 0, 0, 0, 1, 2))):
            text.add(" ")
            text.add("#" + tag, {"$type": _FACET + "tag", "tag": tag})
        return text

    def _reply(self, rng: random.Random, micros: int) -> dict[str, Any]:
        if self._own_posts and rng.random() < 0.2:
            rkey, _ = rng.choice(self._own_posts)
            uri = f"at://{self.owner}/app.bsky.feed.post/{rkey}"
            parent = {"cid": libipld.encode_cid(_fake_cid(uri)), "uri": uri}
        else:
            parent = self.accounts.post(rng, micros)
        root = parent if rng.random() < 0.5 else self.accounts.post(rng, micros)
        return {"root": root, "parent": parent}

    def _embed(self, rng: random.Random, micros: int) -> dict[str, Any] | None:
        roll = rng.random()
        if roll < 0.08:
            return {"$type": "app.bsky.embed.record", "record": self.accounts.post(rng, micros)}
        if roll < 0.10:
            return {
                "$type": "app.bsky.embed.recordWithMedia",
                "record": {
                    "$type": "app.bsky.embed.record",
                    "record": self.accounts.post(rng, micros),
                },
                "media": self._images(rng),
            }
        if roll < 0.22:
            return self._images(rng)
        if roll < 0.28:
            uri = rng.choice(_SITES) + f"{rng.randrange(10**6)}"
            card = {"uri": uri, "title": "An article", "description": "What it is about."}
            return {"$type": "app.bsky.embed.external", "external": card}
        return None

    def _images(self, rng: random.Random) -> dict[str, Any]:
        images = []
        for _ in range(rng.choice((1, 1, 1, 2, 3, 4))):
            width, height = rng.choice(((800, 800), (1200, 900), (934, 499), (1080, 1350)))
            images.append(
                {
                    "alt": rng.choice(("", "A photo of the garden", "Screenshot of the code")),
                    "image": self._blob(rng, "image/jpeg"),
                    "aspectRatio": {"width": width, "height": height},
                }
            )
        return {"$type": "app.bsky.embed.images", "images": images}

    def _blob(self, rng: random.Random, mime: str) -> dict[str, Any]:
        ref = _fake_cid(str(rng.random()), codec=b"\x55")  # blobs are raw-codec CIDs
        return {"$type": "blob", "ref": ref, "mimeType": mime, "size": rng.randrange(20_000, 10**6)}


def write_world(path: Path, records: int, seed: int = 7) -> tuple[str, Counter[str]]:
    """Write a repository of ``records`` records to ``path``; return its DID and its counts."""
    world = World(records, seed)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        rev = tid(START + SPAN, 0)
        write_repository(handle, did=world.owner, rev=rev, records=world.iter_records())
    partial.replace(path)
    return world.owner, Counter({k: v for k, v in world.counts.items() if v})


def cached(records: int, seed: int = 7) -> Path:
    """Return the path of a generated repository, writing it under bench/out/ the first time."""
    path = OUT / f"bluesky-{records}-{seed}.car"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        write_world(path, records, seed)
        seconds = time.perf_counter() - started
        size = path.stat().st_size / 2**20
        print(f"generated {path.name}: {records:,} records, {size:,.0f} MB in {seconds:.1f} s")
    return path


def main() -> None:
    """Write a repository of the asked size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="where to write it (default: cached in bench/out)")
    args = parser.parse_args()
    if args.out is None:
        print(cached(args.records, args.seed))
        return
    started = time.perf_counter()
    did, counts = write_world(args.out, args.records, args.seed)
    print(f"{args.out}: {did}, {dict(counts)} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
