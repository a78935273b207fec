"""Circles come from the ego's own gaps in contact frequency, and pins win."""

from __future__ import annotations

import numpy as np
from tests.insight.builders import DAY, T0, events_from, every

from amity.insight.circles import circle_table, circles_of
from amity.insight.events import Events
from amity.insight.ties import tie_table

NOW = T0 + 180 * DAY
STEPS = {"daily": DAY, "weekly": 7 * DAY, "monthly": 30 * DAY}


def _world() -> Events:
    """Three people talked with daily, eight weekly, twenty monthly and forty once."""
    rows = []
    for group, count in (("daily", 3), ("weekly", 8), ("monthly", 20)):
        for n in range(count):
            rows += every("me", f"{group}{n}", start=T0 + n * 60, end=NOW, step=STEPS[group])
    rows += [("me", f"once{n}", T0 + n * DAY, "reply") for n in range(40)]
    return events_from(rows)


def _circle_by_name(events: Events, pins: dict[int, int] | None = None) -> dict[str, int]:
    me = events.node("me")
    table = circle_table(
        tie_table(events, now=NOW), pins={(me, o): circle for o, circle in (pins or {}).items()}
    )
    return {str(events.labels[m.other]): m.circle for m in circles_of(table, me).members}


def test_circles_follow_the_natural_breaks_not_fixed_sizes() -> None:
    found = _circle_by_name(_world())
    by_group: dict[str, set[int]] = {}
    for name, circle in found.items():
        by_group.setdefault(name.rstrip("0123456789"), set()).add(circle)
    assert by_group == {"daily": {1}, "weekly": {2}, "monthly": {3}, "once": {4}}


def test_pins_win_and_people_without_interactions_can_be_pinned() -> None:
    events = _world()
    pins = {events.node("once3"): 1, events.node("daily0"): 0}
    found = _circle_by_name(events, pins)
    assert found["once3"] == 1 and found["daily0"] == 0 and found["daily1"] == 1
    me, stranger = events.node("me"), events.nodes + 5
    table = circle_table(tie_table(events, now=NOW), pins={(me, stranger): 2})
    members = circles_of(table, me).members
    pinned = [m for m in members if m.pinned]
    assert [(m.other, m.circle, m.frequency) for m in pinned] == [(stranger, 2, 0.0)]
    assert len(members) == events.nodes


def test_breaks_are_the_lowest_frequency_of_each_layer() -> None:
    events = _world()
    me = events.node("me")
    table = circle_table(tie_table(events, now=NOW))
    circles = circles_of(table, me)
    for circle, lowest in enumerate(circles.breaks, 1):
        assert lowest == min(m.frequency for m in circles.members_of(circle))
    assert circles.breaks[0] is not None and circles.breaks[1] is not None
    assert circles.breaks[0] > circles.breaks[1]


def test_every_ego_is_clustered_at_once_and_deterministically() -> None:
    events = _world()
    first = circle_table(tie_table(events, now=NOW))
    second = circle_table(tie_table(events, now=NOW))
    assert np.array_equal(first.circle, second.circle) and np.array_equal(first.other, second.other)
    daily = events.node("daily0")
    assert circles_of(first, daily).members[0].circle == 1
