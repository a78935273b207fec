"""One tie at a time, as a record, and the facts behind its strength in words.

``TieTable`` holds every tie as columns; ``tie_at`` and ``ties_of`` lift rows out as ``Tie``
records for the CLI and the web to show. ``explain_tie`` gathers the numbers a person can check
("23 interactions both ways in the last 90 days; last talked 2 days ago; they started 60% of
your 10 conversations") and ``describe_tie`` puts them in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from amity.insight.pairs import DAY
from amity.insight.ties import TieTable
from amity.model import INTERACTION_KINDS, InteractionKind

PLURALS: dict[InteractionKind, tuple[str, str]] = {
    "reply": ("reply", "replies"),
    "mention": ("mention", "mentions"),
    "quote": ("quote", "quotes"),
    "boost": ("boost", "boosts"),
    "like": ("like", "likes"),
    "follow": ("follow", "follows"),
    "dm": ("DM", "DMs"),
    "bookmark": ("bookmark", "bookmarks"),
    "block": ("block", "blocks"),
    "mute": ("mute", "mutes"),
}


@dataclass(frozen=True, slots=True)
class Tie:
    """One tie from the ego's side: its strength and everything it was computed from."""

    ego: int
    other: int
    strength: float
    frequency: float
    """Weighted interactions a month, decayed (what circles are cut from)."""
    sent: int
    received: int
    recent_kinds: tuple[tuple[InteractionKind, int], ...]
    """Interactions both ways in the recent window, by kind, most first."""
    recent_days: int
    first_at: int
    last_at: int
    conversations: int
    started_by_other: int
    turns: int
    contacts: int
    usual_gap_days: float | None
    balance: float
    now: int


@dataclass(frozen=True, slots=True)
class TieExplanation:
    """The numbers behind a tie's strength, ready to be put in words."""

    recent_days: int
    recent_total: int
    recent_kinds: tuple[tuple[InteractionKind, int], ...]
    days_since_last: float
    conversations: int
    started_by_other_share: float | None
    turns: int
    usual_gap_days: float | None
    known_days: float
    sent: int
    received: int


def tie_at(table: TieTable, row: int) -> Tie:
    """Return the tie in ``row`` of ``table`` as a record."""
    pairs, pair = table.pairs, int(table.pair[row])
    low = bool(table.ego_is_low[row])
    kinds = pairs.recent_kinds[pair]
    recent = sorted(
        ((INTERACTION_KINDS[code], int(n)) for code, n in enumerate(kinds.tolist()) if n),
        key=lambda item: (-item[1], INTERACTION_KINDS.index(item[0])),
    )
    sent, received = int(pairs.sent_low[pair]), int(pairs.sent_high[pair])
    weight_in, weight_out = float(pairs.weight_high[pair]), float(pairs.weight_low[pair])
    started = int(pairs.started_low[pair])
    conversations = int(pairs.conversations[pair])
    if not low:
        sent, received = received, sent
        weight_in, weight_out = weight_out, weight_in
        started = conversations - started
    total = weight_in + weight_out
    usual = float(pairs.usual_gap[pair])
    return Tie(
        ego=int(table.ego[row]),
        other=int(table.other[row]),
        strength=float(table.strength[row]),
        frequency=float(table.frequency[row]),
        sent=sent,
        received=received,
        recent_kinds=tuple(recent),
        recent_days=table.weights.recent_days,
        first_at=int(pairs.first[pair]),
        last_at=int(pairs.last[pair]),
        conversations=conversations,
        started_by_other=conversations - started,
        turns=int(pairs.turns[pair]),
        contacts=int(pairs.contacts[pair]),
        usual_gap_days=None if math.isnan(usual) else usual,
        balance=2 * min(weight_in, weight_out) / total if total > 0 else 0.0,
        now=table.now,
    )


def ties_of(table: TieTable, ego: int, *, limit: int | None = None) -> list[Tie]:
    """Return ``ego``'s ties, strongest first (the first ``limit`` of them, if given)."""
    return [tie_at(table, row) for row in table.strongest(ego)[:limit].tolist()]


def explain_tie(tie: Tie) -> TieExplanation:
    """Gather the facts behind ``tie``'s strength."""
    share = tie.started_by_other / tie.conversations if tie.conversations else None
    return TieExplanation(
        recent_days=tie.recent_days,
        recent_total=sum(n for _, n in tie.recent_kinds),
        recent_kinds=tie.recent_kinds,
        days_since_last=(tie.now - tie.last_at) / DAY,
        conversations=tie.conversations,
        started_by_other_share=share,
        turns=tie.turns,
        usual_gap_days=tie.usual_gap_days,
        known_days=(tie.now - tie.first_at) / DAY,
        sent=tie.sent,
        received=tie.received,
    )


def describe_tie(explanation: TieExplanation) -> str:
    """Put a tie's facts in words, with the numbers: one line, clauses split by semicolons."""
    facts = explanation
    clauses = [_recent(facts), f"last talked {ago(facts.days_since_last)}"]
    if facts.received == 0 and facts.sent:
        # Archives hold what the user sent, and only some of what came back (X DMs); with
        # nothing from their side, "they started 0%" would be a fact about the archive.
        clauses.append("nothing from them is in your archives yet")
    elif facts.started_by_other_share is not None:
        share = round(100 * facts.started_by_other_share)
        clauses.append(
            f"they started {share}% of your {_count(facts.conversations, 'conversation')}"
        )
    if facts.turns:
        clauses.append(f"{_count(facts.turns, 'back-and-forth turn')}")
    if facts.usual_gap_days is not None:
        gap = facts.usual_gap_days
        clauses.append(
            "you usually talk daily"
            if gap <= 1
            else f"you usually talk every {duration_words(gap)}"
        )
    clauses.append(f"known for {duration_words(facts.known_days)}")
    clauses.append(f"{facts.sent:,} from you and {facts.received:,} from them in all")
    return "; ".join(clauses)


def _recent(facts: TieExplanation) -> str:
    window = f"in the last {facts.recent_days} days"
    if not facts.recent_total:
        return f"nothing {window}"
    parts = [_count(n, *PLURALS[kind]) for kind, n in facts.recent_kinds]
    if len(parts) == 1:
        return f"{parts[0]} both ways {window}"
    listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{_count(facts.recent_total, 'interaction')} both ways {window} ({listed})"


def ago(days: float) -> str:
    """Say how long ago ``days`` days was, in the largest unit that fits."""
    if days < 1 / 24:
        return "just now"
    if days < 1:
        return f"{_count(round(days * 24), 'hour')} ago"
    return f"{duration_words(days)} ago"


def duration_words(days: float) -> str:
    """Say a number of days in the largest unit that fits ("3 days", "2 months")."""
    if days < 1:
        return "less than a day"
    if days < 60:
        return _count(round(days), "day")
    if days < 730:
        return _count(round(days / 30.44), "month")
    return _count(round(days / 365.25), "year")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
