"""Circles: each person's contacts sorted into circles like Dunbar's layers, from natural breaks.

Circles are not fixed thresholds. For each ego, contacts are ordered by how often they interact
(``frequency``: weighted interactions a month, decayed), and the square roots of the frequencies
are split into five groups — four circles and everyone further out (``FURTHER_OUT``) — by
one-dimensional k-means, the iterative form of Jenks' natural breaks. The groups start at Dunbar's
cumulative sizes (5, 15, 50, 150) and then move to where the ego's own distribution has its gaps,
so an ego with three close friends gets an inner circle of three. Every ego is clustered at once:
each round is a few vectorised comparisons and ``bincount`` calls over all ties. The square root
steadies the noise of counts (for a Poisson count it makes the spread about the same at every
level): on a log scale the long tail of people met once splits into groups of its own, on the raw
scale the top two or three people do.

A pin (the user putting a person in a circle by hand) wins over the computed circle; pinned
people who have no interactions yet are added to their circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from amity.insight.ties import TieTable
from amity.model import CIRCLES, FURTHER_OUT

SEED_SIZES = (5, 15, 50, 150)
"""Cumulative sizes the clustering starts from, one per circle: Dunbar's layers."""
GROUPS = CIRCLES + 1
MAX_ROUNDS = 100


@dataclass(frozen=True, slots=True, eq=False)
class CircleTable:
    """Every ego's contacts with their circle (1..4 or ``FURTHER_OUT``), by ego then frequency.

    ``breaks[ego, circle - 1]`` is the lowest frequency the clustering put in that circle (NaN if
    it put no one there): the boundary a CLI can show ("inner circle: 12 a month or more").
    """

    ego: NDArray[np.int32]
    other: NDArray[np.int32]
    frequency: NDArray[np.float64]
    circle: NDArray[np.int8]
    pinned: NDArray[np.bool_]
    breaks: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.ego.size)


@dataclass(frozen=True, slots=True)
class CircleMember:
    """One contact in an ego's circles."""

    other: int
    circle: int
    frequency: float
    pinned: bool


@dataclass(frozen=True, slots=True)
class Circles:
    """One ego's circles: members by circle then frequency, and where each circle begins.

    ``breaks[i]`` is the lowest frequency (weighted interactions a month) the clustering put in
    circle ``i + 1``; None where that circle is empty.
    """

    ego: int
    members: tuple[CircleMember, ...]
    breaks: tuple[float | None, ...]

    def members_of(self, circle: int) -> tuple[CircleMember, ...]:
        """Return the members of one circle (1..4, or ``FURTHER_OUT``)."""
        return tuple(member for member in self.members if member.circle == circle)


def circles_of(table: CircleTable, ego: int) -> Circles:
    """Return ``ego``'s circles as records, inner circle first."""
    rows = np.flatnonzero(table.ego == ego)
    rank = np.where(table.circle[rows] == FURTHER_OUT, GROUPS, table.circle[rows])
    rows = rows[np.lexsort((table.other[rows], -table.frequency[rows], rank))]
    members = tuple(
        CircleMember(other, circle, frequency, pinned)
        for other, circle, frequency, pinned in zip(
            table.other[rows].tolist(),
            table.circle[rows].tolist(),
            table.frequency[rows].tolist(),
            table.pinned[rows].tolist(),
            strict=True,
        )
    )
    breaks = tuple(None if np.isnan(b) else float(b) for b in table.breaks[ego].tolist())
    return Circles(ego, members, breaks)


def circle_table(
    ties: TieTable, *, pins: Mapping[tuple[int, int], int] | None = None
) -> CircleTable:
    """Sort every ego's contacts into circles; ``pins`` maps (ego, other) to a circle, 0..4."""
    order = np.lexsort((-ties.frequency, ties.ego))
    ego, other = ties.ego[order], ties.other[order]
    frequency = ties.frequency[order]
    groups = _natural_groups(ego, np.sqrt(frequency))
    circle = np.where(groups < CIRCLES, groups + 1, FURTHER_OUT).astype(np.int8)
    breaks = _breaks(ego, frequency, circle, ties.ego_start.size - 1)
    table = CircleTable(ego, other, frequency, circle, np.zeros(ego.size, np.bool_), breaks)
    return _apply_pins(table, pins or {})


def _natural_groups(ego: NDArray[np.int32], value: NDArray[np.float64]) -> NDArray[np.int64]:
    """Cluster each ego's values (sorted high to low within the ego) into ``GROUPS`` groups.

    Egos settle independently: each round only the egos whose groups moved in the last one are
    looked at again, so the few egos with long, uneven lists do not make everyone pay.
    """
    if ego.size == 0:
        return np.zeros(0, np.int64)
    start = np.searchsorted(ego, np.arange(int(ego.max()) + 2))
    rank = np.arange(ego.size) - start[ego]
    group = np.searchsorted(np.asarray(SEED_SIZES), rank, side="right").astype(np.int64)
    active = np.arange(ego.size)
    for _ in range(MAX_ROUNDS):
        if active.size == 0:
            break
        owner = np.cumsum(np.r_[0, ego[active][1:] != ego[active][:-1]])
        slots = owner * GROUPS + group[active]
        size = (int(owner[-1]) + 1) * GROUPS
        sums = np.bincount(slots, weights=value[active], minlength=size)
        counts = np.bincount(slots, minlength=size)
        with np.errstate(invalid="ignore"):
            centre = (sums / counts).reshape(-1, GROUPS)
        moved = _nearest(centre, owner, value[active])
        changed = moved != group[active]
        group[active] = moved
        unsettled = np.bincount(owner, weights=changed, minlength=centre.shape[0]) > 0
        active = active[unsettled[owner]]
    return group


def _nearest(
    centre: NDArray[np.float64], ego: NDArray[np.int64], value: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Assign each value to its ego's nearest centre (empty groups, NaN, are skipped)."""
    distance = np.abs(centre[ego] - value[:, None])
    return np.asarray(np.argmin(np.where(np.isnan(distance), np.inf, distance), axis=1), np.int64)


def _breaks(
    ego: NDArray[np.int32], frequency: NDArray[np.float64], circle: NDArray[np.int8], egos: int
) -> NDArray[np.float64]:
    """Return each ego's lowest frequency per circle 1..4 (NaN where a circle is empty)."""
    lowest = np.full(egos * GROUPS, np.inf)
    np.minimum.at(lowest, ego.astype(np.int64) * GROUPS + circle, frequency)
    table = lowest.reshape(egos, GROUPS)[:, 1:]  # slot 0 is FURTHER_OUT, which has no break
    return np.where(np.isinf(table), np.nan, table)


def _apply_pins(table: CircleTable, pins: Mapping[tuple[int, int], int]) -> CircleTable:
    """Put pinned contacts in their pinned circle, adding those the table does not hold."""
    if not pins:
        return table
    keys = np.array(list(pins), dtype=np.int64).reshape(-1, 2)
    pinned_to = np.array(list(pins.values()), dtype=np.int8)
    if ((pinned_to < 0) | (pinned_to > CIRCLES)).any():
        raise ValueError(f"a circle is a number from 0 to {CIRCLES}")
    width = max(int(keys.max()), int(table.other.max(initial=0))) + 1
    row_keys = table.ego.astype(np.int64) * width + table.other
    pin_keys = keys[:, 0] * width + keys[:, 1]
    found = np.isin(pin_keys, row_keys)
    by_key = dict(zip(pin_keys.tolist(), pinned_to.tolist(), strict=True))
    pinned = np.isin(row_keys, pin_keys)
    circle = table.circle.copy()
    circle[pinned] = [by_key[key] for key in row_keys[pinned].tolist()]
    extra = keys[~found]
    return CircleTable(
        np.concatenate([table.ego, extra[:, 0].astype(np.int32)]),
        np.concatenate([table.other, extra[:, 1].astype(np.int32)]),
        np.concatenate([table.frequency, np.zeros(len(extra))]),
        np.concatenate([circle, pinned_to[~found]]),
        np.concatenate([pinned, np.ones(len(extra), np.bool_)]),
        table.breaks,
    )
