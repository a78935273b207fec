"""Record what the demo world really is, so tests and amity's analyses can be checked against it.

``ground_truth.json`` lists every person with their accounts on each network (one person may have
several), their circle and whether the tie drifts or rises, what the user did with them
(``interactions``) and what they did to her (``received``); the questions left unanswered, hers
and other people's, each by an id that is in an archive or on a server; the shapes of the world's
reply trees; and the seed and parameters.

A person's ``layer`` is their circle while the tie is active: for a drifting tie, the circle
before the drift; for a rising tie, the circle it rises into. Layer 0 is an acquaintance.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from amity.demo.ids import iso
from amity.demo.world import Person, World
from amity.model import AccountKey

_PLACEHOLDER = "unanswered questions go here"
RECEIVED = ("reply", "mention", "quote", "like", "boost", "follow", "dm")
"""What people do to the user, as ``received`` counts them per network."""


def owners_of_accounts(truth: dict[str, Any]) -> dict[AccountKey, str]:
    """Return whose each contact account is, by a loaded ``ground_truth.json``: key → person key."""
    found: dict[AccountKey, str] = {}
    for person in truth["people"]:
        accounts = person["accounts"]
        if "mastodon" in accounts:
            found[("mastodon", accounts["mastodon"]["uri"])] = person["key"]
        if "twitter" in accounts:
            found[("twitter", accounts["twitter"]["id"])] = person["key"]
        if "bluesky" in accounts:
            found[("bluesky", accounts["bluesky"]["did"])] = person["key"]
    return found


@dataclass(frozen=True, slots=True)
class Counts:
    """What one tally counted, in a form that crosses a process boundary (pickles)."""

    interactions: Counter[tuple[str, str, str]]
    received: Counter[tuple[str, str, str]]
    sizes: Counter[int]
    depths: Counter[int]
    questions: str
    """The path of the file holding the questions, one JSON line each."""
    question_count: int


class Tally:
    """Count what one pass over the world does, and keep its unanswered questions in a file."""

    def __init__(self, spill: Path, *, named: bool = False) -> None:
        # Questions can run to hundreds of thousands in a benchmark-sized world: keep them in a
        # spill file, one JSON line each, and stream them into the ground truth at the end.
        self._questions: IO[bytes] = (
            tempfile.NamedTemporaryFile(dir=spill, delete=False, suffix=".questions")  # noqa: SIM115
            if named
            else tempfile.TemporaryFile(dir=spill)  # noqa: SIM115
        )
        self._question_count = 0
        self._interactions: Counter[tuple[str, str, str]] = Counter()
        self._received: Counter[tuple[str, str, str]] = Counter()
        self.sizes: Counter[int] = Counter()
        self.depths: Counter[int] = Counter()

    def unanswered(
        self, platform: str, kind: str, item_id: str, sender: str, to: tuple[str, ...], at: int
    ) -> None:
        """Note a question nobody answered: ``sender`` is a person's key or ``"user"``."""
        row = {"platform": platform, "kind": kind, "id": item_id, "from": sender, "to": list(to),
               "at": iso(at)}  # fmt: skip
        self._questions.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
        self._question_count += 1

    def interaction(self, person: Person, platform: str, kind: str) -> None:
        """Count one interaction between the user and ``person`` on ``platform``."""
        self._interactions[(person.key, platform, kind)] += 1

    def received(self, person: Person, platform: str, kind: str) -> None:
        """Count one thing ``person`` did to the user on ``platform`` (a reply, a like…)."""
        self._received[(person.key, platform, kind)] += 1

    def thread(self, size: int, depth: int) -> None:
        """Count one reply tree of the world by its size and depth."""
        self.sizes[size] += 1
        self.depths[depth] += 1

    def counts(self) -> Counts:
        """Close the questions file and return everything counted (for ``Truth.absorb``)."""
        self._questions.close()
        return Counts(self._interactions, self._received, self.sizes, self.depths,
                      str(self._questions.name), self._question_count)  # fmt: skip

    def discard(self) -> None:
        """Drop what was counted (a pass run again only to witness it)."""
        self._questions.close()
        if isinstance(self._questions.name, str):
            Path(self._questions.name).unlink(missing_ok=True)


class Truth(Tally):
    """Collect ground truth while the world is written, then write it as JSON."""

    def __init__(self, world: World, spill: Path) -> None:
        super().__init__(spill)
        self._world = world
        self._quiet = frozenset(world.notables)

    def absorb(self, counts: Counts) -> None:
        """Add what another tally counted (the servers' side of the world); delete its file."""
        self._interactions.update(counts.interactions)
        self._received.update(counts.received)
        self.sizes.update(counts.sizes)
        self.depths.update(counts.depths)
        path = Path(counts.questions)
        with path.open("rb") as lines:
            shutil.copyfileobj(lines, self._questions)
        self._question_count += counts.question_count
        path.unlink()

    @property
    def question_count(self) -> int:
        """Return how many unanswered questions were noted."""
        return self._question_count

    def write(self, path: Path, *, parameters: dict[str, Any], counts: dict[str, int]) -> None:
        """Write ``ground_truth.json`` at ``path``."""
        world = self._world
        document = {
            "generator": "amity.demo",
            "seed": world.seed,
            "parameters": parameters,
            "counts": counts,
            "user": _user(world),
            "circles": {str(layer): _layer_size(world, layer) for layer in range(5)},
            "people": [self._person(person) for person in world.everyone],
            "unanswered_questions": _PLACEHOLDER,
            "threads": {
                "count": sum(self.sizes.values()),
                "size_histogram": {str(k): v for k, v in sorted(self.sizes.items())},
                "depth_histogram": {str(k): v for k, v in sorted(self.depths.items())},
            },
        }
        head, tail = orjson.dumps(document, option=orjson.OPT_INDENT_2).split(
            orjson.dumps(_PLACEHOLDER)
        )
        with path.open("wb") as out:
            out.write(head)
            self._write_questions(out)
            out.write(tail)
        self._questions.close()

    def _write_questions(self, out: IO[bytes]) -> None:
        """Stream the spilled questions as the ``unanswered_questions`` array, indented."""
        if not self._question_count:
            out.write(b"[]")
            return
        self._questions.seek(0)
        out.write(b"[")
        for number, line in enumerate(self._questions):
            row = orjson.dumps(orjson.loads(line), option=orjson.OPT_INDENT_2)
            out.write(b",\n    " if number else b"\n    ")
            out.write(row.replace(b"\n", b"\n    "))
        out.write(b"\n  ]")

    def _person(self, person: Person) -> dict[str, Any]:
        accounts: dict[str, dict[str, str]] = {}
        if person.mastodon:
            account = person.mastodon
            accounts["mastodon"] = {"uri": account.uri, "acct": account.acct, "url": account.url}
        if person.twitter:
            accounts["twitter"] = {
                "id": person.twitter.user_id,
                "screen_name": person.twitter.screen_name,
                "display_name": person.twitter.display_name,
            }
        if person.bluesky:
            accounts["bluesky"] = {"did": person.bluesky.did, "handle": person.bluesky.handle}
        interactions: dict[str, dict[str, int]] = {}
        received: dict[str, dict[str, int]] = {}
        for platform in accounts:
            found = {
                kind: self._interactions[(person.key, platform, kind)]
                for kind in ("reply", "mention", "boost", "like", "bookmark", "dm")
            }
            interactions[platform] = {kind: n for kind, n in found.items() if n}
            got = {kind: self._received[(person.key, platform, kind)] for kind in RECEIVED}
            received[platform] = {kind: n for kind, n in got.items() if n}
        return {
            "key": person.key,
            "display_name": person.display_name,
            "kind": person.kind,
            "hidden_influencer": person.kind == "person" and person in self._quiet,
            "layer": person.layer,
            "accounts": accounts,
            "drifting": {"since": iso(person.drift_at)} if person.drift_at else None,
            "rising": {"since": iso(person.rise_at)} if person.rise_at else None,
            "interactions": interactions,
            "received": received,
        }


def _user(world: World) -> dict[str, Any]:
    user = world.user
    return {
        "display_name": user.display_name,
        "mastodon": {"uri": user.mastodon.uri, "acct": user.mastodon.acct},
        "twitter": {"id": user.twitter.user_id, "screen_name": user.twitter.screen_name},
        "bluesky": {"did": user.bluesky.did, "handle": user.bluesky.handle}
        if user.bluesky
        else None,
    }


def _layer_size(world: World, layer: int) -> int:
    return sum(1 for person in world.everyone if person.layer == layer)
