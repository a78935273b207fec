"""Tie strength on hand-built histories where the right order is obvious, and its explanation."""

from __future__ import annotations

import dataclasses

import numpy as np
from tests.insight.builders import DAY, T0, events_from, every

from amity.insight.events import KIND_CODES, Events, make_events
from amity.insight.explanation import describe_tie, explain_tie, tie_at, ties_of
from amity.insight.pairs import KindWeights
from amity.insight.ties import TieTable, TieWeights, tie_table
from amity.model import INTERACTION_KINDS, InteractionKind

NOW = T0 + 100 * DAY


def _strength(table: TieTable, events: Events, ego: str, other: str) -> float:
    rows = table.rows_of(events.node(ego))
    found = np.flatnonzero(table.other[rows] == events.node(other))
    return float(table.strength[rows][found[0]])


def test_a_dm_heavy_two_way_tie_outranks_a_like_only_one() -> None:
    rows = every("me", "kim", start=T0, end=T0 + 60 * DAY, step=6 * DAY, kind="dm")
    rows += every("kim", "me", start=T0 + 3 * DAY, end=T0 + 60 * DAY, step=6 * DAY, kind="dm")
    rows += every("me", "fan", start=T0, end=T0 + 60 * DAY, step=2 * DAY, kind="like")
    rows += [("me", "kim", T0 + 90 * DAY, "dm"), ("me", "fan", T0 + 90 * DAY + 1, "like")]
    events = events_from(rows)
    table = tie_table(events, now=NOW)
    assert _strength(table, events, "me", "kim") > _strength(table, events, "me", "fan")
    assert [events.labels[t.other] for t in ties_of(table, events.node("me"))] == ["kim", "fan"]


def test_both_ways_beats_one_way_and_recent_beats_old() -> None:
    rows = every("me", "two", start=T0, end=T0 + 40 * DAY, step=4 * DAY)
    rows += every("two", "me", start=T0 + DAY, end=T0 + 40 * DAY, step=4 * DAY)
    rows += every("me", "one", start=T0, end=T0 + 40 * DAY, step=2 * DAY)
    rows += [("me", "two", NOW - DAY, "reply"), ("me", "one", NOW - DAY + 1, "reply")]
    rows += every("me", "old", start=T0, end=T0 + 10 * DAY, step=DAY)
    rows += every("me", "new", start=NOW - 20 * DAY, end=NOW - 10 * DAY, step=DAY)
    rows += [("me", "old", NOW - 5 * DAY, "reply"), ("me", "new", NOW - 5 * DAY + 1, "reply")]
    events = events_from(rows)
    table = tie_table(events, now=NOW)
    assert _strength(table, events, "me", "two") > _strength(table, events, "me", "one")
    assert _strength(table, events, "me", "new") > _strength(table, events, "me", "old")


def test_every_tie_is_seen_from_both_sides_with_one_strength() -> None:
    events = events_from([("a", "b", T0, "reply"), ("b", "c", T0 + 1, "dm")])
    table = tie_table(events, now=NOW)
    assert len(table) == 4
    seen = {
        (events.labels[e], events.labels[o]) for e, o in zip(table.ego, table.other, strict=True)
    }
    assert seen == {("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")}
    assert _strength(table, events, "a", "b") == _strength(table, events, "b", "a")


def test_events_after_now_are_ignored() -> None:
    events = events_from([("a", "b", T0, "reply"), ("a", "c", NOW + DAY, "reply")])
    table = tie_table(events, now=NOW)
    assert len(table) == 2


def test_the_explanation_gives_the_numbers() -> None:
    rows: list[tuple[str, str, int, InteractionKind]] = [
        ("kim", "me", NOW - 30 * DAY, "dm"),
        ("me", "kim", NOW - 30 * DAY + 600, "dm"),
        ("kim", "me", NOW - 30 * DAY + 1200, "dm"),
        ("me", "kim", NOW - 10 * DAY, "reply"),
        ("me", "kim", NOW - 2 * DAY, "reply"),
        ("me", "kim", NOW - 200 * DAY, "mention"),
    ]
    events = events_from(rows)
    table = tie_table(events, now=NOW)
    me = events.node("me")
    tie = tie_at(table, table.rows_of(me).start)
    assert (tie.sent, tie.received, tie.conversations, tie.started_by_other) == (4, 2, 4, 1)
    assert tie.turns == 2
    facts = explain_tie(tie)
    assert facts.recent_total == 5 and facts.recent_kinds == (("dm", 3), ("reply", 2))
    assert round(facts.days_since_last) == 2 and round(facts.known_days) == 200
    assert describe_tie(facts) == (
        "5 interactions both ways in the last 90 days (3 DMs and 2 replies); "
        "last talked 2 days ago; they started 25% of your 4 conversations; "
        "2 back-and-forth turns; you usually talk every 20 days; known for 7 months; "
        "4 from you and 2 from them in all"
    )


def test_the_same_input_gives_the_same_table() -> None:
    rows = every("a", "b", start=T0, end=T0 + 50 * DAY, step=3 * DAY)
    rows += every("c", "a", start=T0 + 5, end=T0 + 50 * DAY, step=5 * DAY, kind="boost")
    first = tie_table(events_from(rows), now=NOW)
    second = tie_table(events_from(list(reversed(rows))), now=NOW)
    for name in ("ego", "other", "strength", "frequency", "pair", "ego_start"):
        assert np.array_equal(getattr(first, name), getattr(second, name))


def test_a_tie_seen_from_one_side_does_not_claim_who_started() -> None:
    events = make_events([0, 0, 0], [1, 1, 1], [DAY, 2 * DAY, 3 * DAY])
    table = tie_table(events, now=4 * DAY)
    (tie,) = ties_of(table, 0)
    words = describe_tie(explain_tie(tie))
    assert "nothing from them is in your archives yet" in words
    assert "they started" not in words


def test_each_kind_of_interaction_has_a_weight_by_name() -> None:
    assert {field.name for field in dataclasses.fields(KindWeights)} == set(INTERACTION_KINDS)
    weights = KindWeights(like=0.25, dm=0.75).by_code()
    assert weights[KIND_CODES["like"]] == 0.25 and weights[KIND_CODES["dm"]] == 0.75
    assert weights[KIND_CODES["reply"]] == KindWeights().reply


def test_a_kind_weighed_at_nothing_makes_no_tie_stronger() -> None:
    rows = [*every("me", "ana", start=T0, end=T0 + 20 * DAY, step=DAY, kind="dm")]
    rows += every("me", "bo", start=T0, end=T0 + 20 * DAY, step=DAY, kind="like")
    events = events_from(sorted(rows, key=lambda row: row[2]))
    now = T0 + 21 * DAY
    usual = tie_table(events, now=now)
    no_likes = tie_table(events, now=now, weights=TieWeights(kind_weights=KindWeights(like=0.0)))
    assert _strength(no_likes, events, "me", "bo") == 0.0 < _strength(usual, events, "me", "bo")
    assert _strength(no_likes, events, "me", "ana") == _strength(usual, events, "me", "ana")
