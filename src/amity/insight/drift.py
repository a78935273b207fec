"""Drifting and rising ties: close people gone quiet, and people you talk with more and more.

A tie *drifts* when all of these hold, so that the flag stays rare (inner-circle turnover is
about 1-4% a year):

- it was in an inner circle (``close_circles``, by default 1 and 2) at its closest in the year
  before the last contact: that peak frequency is put through the ego's own circle breaks of
  today, so a friend does not escape the check by having faded already;
- it has history: at least ``min_contacts`` days with contact over at least ``min_weeks``;
- the silence since the last contact is over ``silence_ratio`` (8) times the usual gap (the
  median or the mean gap between days with contact, whichever is longer), longer than any gap
  before, and at least ``min_silence_days``. Silence is counted up to the ego's own latest
  interaction with anyone, so a holiday away from everybody is not drift.

A tie is *rising* when its contact days in the last ``recent_days`` come at least
``rise_ratio`` times as often as they did before (over the time the ego was seen before that
window, at least as long as the window), ``rise_surprise`` standard deviations above it, on at
least ``min_recent_contacts`` days, and it is in a circle now.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from amity.insight.circles import CircleTable
from amity.insight.explanation import duration_words
from amity.insight.pairs import DAY, PairColumns
from amity.insight.ties import MONTH_DAYS, TieTable
from amity.model import FURTHER_OUT


@dataclass(frozen=True, slots=True)
class DriftRules:
    """When a tie counts as drifting or rising."""

    close_circles: tuple[int, ...] = (1, 2)
    min_contacts: int = 8
    min_weeks: float = 8.0
    silence_ratio: float = 8.0
    min_silence_days: float = 30.0
    rise_ratio: float = 3.0
    rise_surprise: float = 3.5
    """How many standard deviations above the earlier rate, on the square-root scale where a
    Poisson count's spread is 1 whatever its level: 3.5 leaves about one false flag in 4,000."""
    min_recent_contacts: int = 6


DEFAULT_RULES = DriftRules()


@dataclass(frozen=True, slots=True, eq=False)
class TieChanges:
    """Per row of a TieTable: the circle the tie had at its last contact, and the two flags."""

    circle_then: NDArray[np.int8]
    silence_days: NDArray[np.float64]
    drifting: NDArray[np.bool_]
    recent_rate: NDArray[np.float64]
    earlier_rate: NDArray[np.float64]
    rising: NDArray[np.bool_]


def tie_changes(
    ties: TieTable, circles: CircleTable, *, rules: DriftRules = DEFAULT_RULES
) -> TieChanges:
    """Flag the drifting and rising ties among every ego's ties."""
    pairs, rows = ties.pairs, ties.pair
    circle_now = _circle_now(ties, circles)
    per_month = np.log(2.0) / ties.weights.half_life_days * MONTH_DAYS
    circle_then = _circle_at(ties.ego, pairs.peak_weight[rows] * per_month, circles.breaks)
    last = pairs.last_talk[rows]
    silence = (_per_ego(ties, pairs.last[rows], np.maximum)[ties.ego] - last) / DAY
    usual, longest = usual_gaps(pairs, rows), pairs.longest_gap[rows]
    history = (pairs.contacts[rows] >= rules.min_contacts) & (
        (last - pairs.first_talk[rows]) >= rules.min_weeks * 7 * DAY
    )
    with np.errstate(invalid="ignore"):
        quiet = (silence > rules.silence_ratio * usual) & (silence > longest)
    drifting = np.isin(circle_then, rules.close_circles) & history & quiet
    drifting &= silence >= rules.min_silence_days
    recent_rate, earlier_rate = _rates(ties)
    recent = pairs.recent_contacts[rows]
    expected = earlier_rate / MONTH_DAYS * ties.weights.recent_days
    with np.errstate(invalid="ignore"):
        surprise = 2 * (np.sqrt(recent + 0.375) - np.sqrt(expected + 0.375))
    rising = (circle_now != FURTHER_OUT) & (recent >= rules.min_recent_contacts)
    rising &= (recent_rate >= rules.rise_ratio * earlier_rate) & (surprise >= rules.rise_surprise)
    return TieChanges(circle_then, silence, drifting, recent_rate, earlier_rate, rising)


def usual_gaps(pairs: PairColumns, rows: NDArray[np.int64]) -> NDArray[np.float64]:
    """Return each pair's usual gap in days: its median or its mean gap, whichever is longer.

    Contact comes in bursts, so a sparse tie talked with on a few clustered days has a short
    median gap; its mean gap (the span over the gaps) keeps a month of quiet from looking like
    eight usual gaps.
    """
    span = (pairs.last_talk[rows] - pairs.first_talk[rows]) / DAY
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(pairs.contacts[rows] > 1, span / (pairs.contacts[rows] - 1), np.nan)
    return np.fmax(pairs.usual_gap[rows], mean)


def _circle_now(ties: TieTable, circles: CircleTable) -> NDArray[np.int8]:
    """Return each tie row's circle in ``circles`` (``FURTHER_OUT`` where they do not hold it)."""
    width = np.int64(max(ties.ego_start.size, 1))
    keys = circles.ego.astype(np.int64) * width + circles.other
    order = np.argsort(keys)
    wanted = ties.ego.astype(np.int64) * width + ties.other
    where = np.minimum(np.searchsorted(keys[order], wanted), max(keys.size - 1, 0))
    if keys.size == 0:
        return np.full(wanted.size, FURTHER_OUT, np.int8)
    found = keys[order][where] == wanted
    return np.where(found, circles.circle[order][where], FURTHER_OUT).astype(np.int8)


def _circle_at(
    ego: NDArray[np.int32], frequency: NDArray[np.float64], breaks: NDArray[np.float64]
) -> NDArray[np.int8]:
    """Put each frequency through its ego's circle breaks: 1 for the inner circle, and so on."""
    if ego.size == 0:
        return np.zeros(0, np.int8)
    lowest = np.where(np.isnan(breaks), np.inf, breaks)[ego]
    inside = frequency[:, None] >= lowest
    circle = np.where(inside.any(axis=1), inside.argmax(axis=1) + 1, FURTHER_OUT)
    return circle.astype(np.int8)


def _rates(ties: TieTable) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return contact days a month in the recent window and before it, per tie row."""
    pairs, rows = ties.pairs, ties.pair
    window = ties.weights.recent_days
    recent = pairs.recent_contacts[rows].astype(np.float64)
    earlier = (pairs.contacts[rows] - pairs.recent_contacts[rows]).astype(np.float64)
    ego_first = _per_ego(ties, pairs.first[rows], np.minimum)
    seen = (ties.now - window * DAY - ego_first[ties.ego]) / DAY
    with np.errstate(invalid="ignore", divide="ignore"):
        before = np.where(seen >= window, earlier / seen * MONTH_DAYS, np.inf)
    return recent / window * MONTH_DAYS, before


def _per_ego(ties: TieTable, values: NDArray[np.int64], reduce: np.ufunc) -> NDArray[np.int64]:
    """Reduce ``values`` (one per tie row) over each ego's rows; egos without ties get 0."""
    starts, ends = ties.ego_start[:-1], ties.ego_start[1:]
    present = starts < ends
    result = np.zeros(starts.size, np.int64)
    if values.size:
        result[present] = reduce.reduceat(values, starts[present])
    return result


@dataclass(frozen=True, slots=True)
class Drift:
    """A close tie gone quiet, with the numbers that make it so."""

    ego: int
    other: int
    circle_then: int
    peak_frequency: float
    silence_days: float
    usual_gap_days: float
    longest_gap_days: float
    contacts: int
    first_at: int
    last_at: int


@dataclass(frozen=True, slots=True)
class Rise:
    """A tie growing fast: contact days a month lately against before."""

    ego: int
    other: int
    circle: int
    recent_contacts: int
    recent_days: int
    recent_rate: float
    earlier_rate: float


def drifting_of(ties: TieTable, changes: TieChanges, ego: int) -> list[Drift]:
    """Return ``ego``'s drifting ties, longest silence (against the usual gap) first."""
    rows = _flagged(ties, changes.drifting, ego)
    pairs = ties.pairs
    per_month = np.log(2.0) / ties.weights.half_life_days * MONTH_DAYS
    found = [
        Drift(
            ego=ego,
            other=int(ties.other[row]),
            circle_then=int(changes.circle_then[row]),
            peak_frequency=float(pairs.peak_weight[pair] * per_month),
            silence_days=float(changes.silence_days[row]),
            usual_gap_days=float(usual_gaps(pairs, np.array([pair]))[0]),
            longest_gap_days=float(pairs.longest_gap[pair]),
            contacts=int(pairs.contacts[pair]),
            first_at=int(pairs.first[pair]),
            last_at=int(pairs.last_talk[pair]),
        )
        for row, pair in zip(rows.tolist(), ties.pair[rows].tolist(), strict=True)
    ]
    return sorted(found, key=lambda d: (-d.silence_days / max(d.usual_gap_days, 1), d.other))


def rising_of(ties: TieTable, changes: TieChanges, circles: CircleTable, ego: int) -> list[Rise]:
    """Return ``ego``'s rising ties, the fastest-growing first."""
    rows = _flagged(ties, changes.rising, ego)
    circles_now = _circle_now(ties, circles)
    found = [
        Rise(
            ego=ego,
            other=int(ties.other[row]),
            circle=int(circles_now[row]),
            recent_contacts=int(ties.pairs.recent_contacts[ties.pair[row]]),
            recent_days=ties.weights.recent_days,
            recent_rate=float(changes.recent_rate[row]),
            earlier_rate=float(changes.earlier_rate[row]),
        )
        for row in rows.tolist()
    ]
    return sorted(found, key=lambda r: (-r.recent_rate / max(r.earlier_rate, 0.1), r.other))


def describe_drift(drift: Drift) -> str:
    """Say why a tie is flagged as drifting, with its numbers."""
    times = drift.silence_days / max(drift.usual_gap_days, 1.0)
    span = (drift.last_at - drift.first_at) / DAY
    return (
        f"silent for {duration_words(drift.silence_days)}, {times:.0f} times your usual gap "
        f"of {duration_words(drift.usual_gap_days)} and longer than any gap before "
        f"({duration_words(drift.longest_gap_days)}); you had talked on {drift.contacts} days "
        f"over {duration_words(span)}, and they were in circle {drift.circle_then} "
        f"(at their closest, {drift.peak_frequency:.1f} weighted interactions a month)"
    )


def describe_rise(rise: Rise) -> str:
    """Say why a tie is flagged as rising, with its numbers."""
    return (
        f"talked on {rise.recent_contacts} days in the last {rise.recent_days} "
        f"({rise.recent_rate:.1f} a month), against {rise.earlier_rate:.1f} a month before; "
        f"now in circle {rise.circle}"
    )


def _flagged(ties: TieTable, flags: NDArray[np.bool_], ego: int) -> NDArray[np.intp]:
    rows = ties.rows_of(ego)
    return np.asarray(np.flatnonzero(flags[rows]) + rows.start, np.intp)
