"""Drift is flagged only for close ties silent far beyond their usual gap; rises are found."""

from __future__ import annotations

from tests.insight.builders import DAY, T0, events_from, every

from amity.insight.circles import circle_table
from amity.insight.drift import (
    describe_drift,
    describe_rise,
    drifting_of,
    rising_of,
    tie_changes,
)
from amity.insight.events import Events
from amity.insight.ties import tie_table

NOW = T0 + 240 * DAY
GAP = 3 * DAY


def _world(*, ego_leaves_at: int | None = None) -> Events:
    """Four friends every three days, a tail of acquaintances, and the changes under test."""
    end = NOW if ego_leaves_at is None else ego_leaves_at
    rows = []
    for n in range(4):
        rows += every("me", f"friend{n}", start=T0 + n * 60, end=end, step=GAP)
    rows += every("me", "gone", start=T0, end=min(end, NOW - 32 * DAY), step=GAP)
    rows += every("me", "paused", start=T0, end=min(end, NOW - 6 * DAY), step=GAP)
    rows += every("me", "monthly", start=T0, end=min(end, T0 + 60 * DAY), step=30 * DAY)
    rows += every("me", "newcomer", start=T0, end=T0 + 150 * DAY, step=40 * DAY)
    rows += every("me", "newcomer", start=T0 + 150 * DAY, end=end, step=GAP)
    for n in range(30):
        rows += every("me", f"acquaintance{n}", start=T0 + n * DAY, end=end, step=50 * DAY)
    return events_from(rows)


def _flags(events: Events) -> tuple[set[str], set[str], list[str], list[str]]:
    ties = tie_table(events, now=NOW)
    circles = circle_table(ties)
    changes = tie_changes(ties, circles)
    me = events.node("me")
    drifts, rises = drifting_of(ties, changes, me), rising_of(ties, changes, circles, me)
    return (
        {str(events.labels[d.other]) for d in drifts},
        {str(events.labels[r.other]) for r in rises},
        [describe_drift(d) for d in drifts],
        [describe_rise(r) for r in rises],
    )


def test_ten_times_the_usual_gap_drifts_and_twice_does_not() -> None:
    drifting, _, words, _ = _flags(_world())
    assert drifting == {"gone"}
    assert words[0].startswith("silent for 30 days, 10 times your usual gap of 3 days")
    assert "longer than any gap before (3 days)" in words[0]
    assert "they were in circle 1" in words[0]


def test_a_quiet_stretch_away_from_everyone_is_not_drift() -> None:
    drifting, _, _, _ = _flags(_world(ego_leaves_at=NOW - 60 * DAY))
    assert drifting == set()


def test_a_tie_talked_with_more_and_more_is_rising() -> None:
    _, rising, _, words = _flags(_world())
    assert rising == {"newcomer"}
    assert words[0].startswith("talked on 30 days in the last 90 (10.0 a month), against 0.8")


def test_an_inner_circle_that_keeps_talking_raises_no_flags() -> None:
    rows = []
    for n in range(6):
        rows += every("me", f"friend{n}", start=T0 + n * 3600, end=NOW, step=2 * DAY + n * 3600)
    drifting, rising, _, _ = _flags(events_from(rows))
    assert drifting == set() and rising == set()
