"""People and circles for one person (the user): ties, circles, drift and rises in one call.

This is what ``amity people list/show/drifting`` and the web page render. It looks only at the
events that involve the ego, which gives exactly the ego's ties and is much faster than scoring
everyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from amity.insight.circles import Circles, circle_table, circles_of
from amity.insight.drift import (
    DEFAULT_RULES,
    Drift,
    DriftRules,
    Rise,
    drifting_of,
    rising_of,
    tie_changes,
)
from amity.insight.events import Events
from amity.insight.explanation import Tie, ties_of
from amity.insight.ties import DEFAULT_WEIGHTS, TieWeights, tie_table
from amity.model import CIRCLES_IN_ORDER


@dataclass(frozen=True, slots=True)
class Contact:
    """A person the ego interacts with: the tie, its circle, and whether it drifts or rises."""

    tie: Tie
    circle: int
    pinned: bool
    drift: Drift | None
    rise: Rise | None


@dataclass(frozen=True, slots=True)
class PeopleReport:
    """Everyone the ego interacts with, by circle (inner first) then tie strength."""

    ego: int
    now: int
    contacts: tuple[Contact, ...]
    circles: Circles
    drifting: tuple[Drift, ...]
    rising: tuple[Rise, ...]


def people_report(
    events: Events,
    *,
    ego: int,
    now: int,
    pins: Mapping[int, int] | None = None,
    weights: TieWeights = DEFAULT_WEIGHTS,
    rules: DriftRules = DEFAULT_RULES,
) -> PeopleReport:
    """Score ``ego``'s ties as of ``now``, sort them into circles and flag drift and rises.

    ``ego`` and the keys of ``pins`` (other → circle 1..4 or ``FURTHER_OUT``) are dense ids of
    ``events``, whose labels are people: the user's own accounts are one node (the store's
    history is by person).
    """
    own = events.rows((events.source == ego) | (events.target == ego))
    ties = tie_table(own, now=now, weights=weights)
    table = circle_table(
        ties, pins={(ego, other): circle for other, circle in (pins or {}).items()}
    )
    changes = tie_changes(ties, table, rules=rules)
    circles = circles_of(table, ego)
    drifting = drifting_of(ties, changes, ego)
    rising = rising_of(ties, changes, table, ego)
    members = {member.other: member for member in circles.members}
    drift_by = {drift.other: drift for drift in drifting}
    rise_by = {rise.other: rise for rise in rising}
    contacts = tuple(
        Contact(
            tie=tie,
            circle=members[tie.other].circle,
            pinned=members[tie.other].pinned,
            drift=drift_by.get(tie.other),
            rise=rise_by.get(tie.other),
        )
        for tie in ties_of(ties, ego)
    )
    contacts = tuple(
        sorted(
            contacts, key=lambda c: (CIRCLES_IN_ORDER.index(c.circle), -c.tie.strength, c.tie.other)
        )
    )
    return PeopleReport(ego, now, contacts, circles, tuple(drifting), tuple(rising))
