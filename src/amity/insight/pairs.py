"""What each pair of people has done together, summed from the events in one vectorised pass.

Events are grouped by unordered pair (``low`` < ``high`` by dense id) with one stable sort, so
each pair's events stay in time order. Everything else is a handful of ``bincount`` calls over
the sorted columns: counts each way, decayed and weighted sums, first and last contact,
conversations and who started them, back-and-forth turns, contact days and the gaps between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from amity.insight.events import KIND_CODES, Events
from amity.model import InteractionKind

DAY = 86_400
KINDS = len(KIND_CODES)
TALK_KINDS: tuple[InteractionKind, ...] = ("reply", "mention", "quote", "dm")
"""The kinds that are being in touch: something said to someone. Contact days, the gaps between
them, and a tie's first and last contact count these only: a like, a boost or a follow is a
nod, and a friend who drifted away may still like a post now and then."""
_TALK_CODES = np.array([KIND_CODES[kind] for kind in TALK_KINDS], np.int8)
PEAK_WINDOW_DAYS = 365
"""A pair's peak closeness is looked for in the year before its last contact."""
_GAP_BITS = 24
"""Gaps in days are packed below the pair index in one int64, so one sort orders both."""

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class KindWeights:
    """How personal each kind of interaction is, from 0 to 1.

    Blocks and mutes never reach the analyses (the store's history leaves them out); they weigh
    nothing should they come from elsewhere.
    """

    reply: float = 1.0
    mention: float = 0.5
    quote: float = 0.7
    boost: float = 0.3
    like: float = 0.1
    follow: float = 0.05
    dm: float = 1.0
    bookmark: float = 0.05
    block: float = 0.0
    mute: float = 0.0

    def by_code(self) -> Floats:
        """Return the weights as an array indexed by the events' kind codes."""
        weights = np.zeros(KINDS, np.float64)
        for kind, code in KIND_CODES.items():
            weights[code] = getattr(self, kind)
        return weights


@dataclass(frozen=True, slots=True)
class PairSettings:
    """How events are weighed and grouped before they become ties."""

    half_life_days: float
    kind_weights: KindWeights
    recent_days: int
    conversation_gap_hours: float


@dataclass(frozen=True, slots=True, eq=False)
class PairColumns:
    """Per unordered pair: what ``low`` did towards ``high`` and back, as parallel columns.

    ``*_low`` columns count what ``low`` did (``low`` → ``high``), ``*_high`` the reverse.
    ``weight_*`` are kind-weighted sums decayed to ``now``; ``peak_weight`` is the highest the
    two-way sum reached, decayed to each moment, in the year before the last contact;
    ``decayed_events`` counts events both ways, decayed but not weighted. ``recent_kinds``
    counts both ways by kind in the recent window. Contact days are days with talk
    (``TALK_KINDS``) either way; ``first_talk``/``last_talk`` are its first and last moments
    (-1: none); gaps are between contact days, in days (NaN: fewer than two).
    """

    low: NDArray[np.int32]
    high: NDArray[np.int32]
    sent_low: Ints
    sent_high: Ints
    weight_low: Floats
    weight_high: Floats
    peak_weight: Floats
    decayed_events: Floats
    first: Ints
    last: Ints
    recent_kinds: Ints
    conversations: Ints
    started_low: Ints
    turns: Ints
    turns_weight: Floats
    contacts: Ints
    recent_contacts: Ints
    first_talk: Ints
    last_talk: Ints
    usual_gap: Floats
    longest_gap: Floats

    def __len__(self) -> int:
        return int(self.low.size)


@dataclass(frozen=True, slots=True, eq=False)
class _Sorted:
    """The events sorted by pair, then time, with each event's pair index."""

    group: Ints
    starts: Ints
    ends: Ints
    time: Ints
    forward: NDArray[np.bool_]
    kind: NDArray[np.int8]
    thread: Ints

    def total(self, values: NDArray[np.generic] | None = None) -> Floats:
        """Sum ``values`` (or count events) per pair."""
        return np.asarray(
            np.bincount(self.group, weights=values, minlength=self.starts.size), np.float64
        )

    def count(self, mask: NDArray[np.bool_]) -> Ints:
        """Count the events where ``mask`` holds, per pair."""
        return np.bincount(self.group[mask], minlength=self.starts.size)


def pair_columns(events: Events, *, now: int, settings: PairSettings) -> PairColumns:
    """Sum every pair's history up to ``now`` (later events are ignored)."""
    events = events.before(now + 1)
    low = np.minimum(events.source, events.target)
    high = np.maximum(events.source, events.target)
    order, by = _sort(low, high, events)
    tau = settings.half_life_days * DAY / np.log(2.0)
    weighted = settings.kind_weights.by_code()[by.kind]
    decay = np.exp(-(now - by.time) / tau)
    forward = by.forward.astype(np.float64)
    last = by.time[by.ends]
    recent = by.time >= now - settings.recent_days * DAY
    opens, turn = _conversations(by, settings.conversation_gap_hours)
    talk = np.isin(by.kind, _TALK_CODES)
    new_day = _contact_days(by, talk)
    usual, longest = _gaps(by.group[new_day], by.time[new_day] // DAY, by.starts.size)
    weight_low = by.total(weighted * decay * forward)
    sent_low = by.count(by.forward)
    return PairColumns(
        low=low[order[by.starts]],
        high=high[order[by.starts]],
        sent_low=sent_low,
        sent_high=np.diff(np.r_[by.starts, by.time.size]) - sent_low,
        weight_low=weight_low,
        weight_high=by.total(weighted * decay) - weight_low,
        peak_weight=_peak(by, weighted, last, tau),
        decayed_events=by.total(decay),
        first=by.time[by.starts],
        last=last,
        recent_kinds=np.bincount(
            by.group[recent] * KINDS + by.kind[recent], minlength=by.starts.size * KINDS
        ).reshape(-1, KINDS),
        conversations=by.count(opens),
        started_low=by.count(opens & by.forward),
        turns=by.count(turn),
        turns_weight=by.total(turn * weighted * decay),
        contacts=by.count(new_day),
        recent_contacts=by.count(new_day & recent),
        first_talk=_first_where(by, talk),
        last_talk=_last_where(by, talk),
        usual_gap=usual,
        longest_gap=longest,
    )


def _sort(
    low: NDArray[np.int32], high: NDArray[np.int32], events: Events
) -> tuple[NDArray[np.intp], _Sorted]:
    """Sort the events by pair, keeping time order within each pair (a stable sort)."""
    key = low.astype(np.int64) * max(events.nodes, 1) + high
    order = np.argsort(key, kind="stable")
    key = key[order]
    change = key[1:] != key[:-1]
    head = np.ones(min(key.size, 1), np.bool_)
    starts = np.flatnonzero(np.r_[head, change])
    sorted_events = _Sorted(
        group=np.cumsum(np.r_[~head, change], dtype=np.int64),
        starts=starts,
        ends=np.r_[starts[1:], key.size] - 1,
        time=events.time[order],
        forward=(events.source == low)[order],
        kind=events.kind[order],
        thread=events.thread[order],
    )
    return order, sorted_events


def _conversations(by: _Sorted, gap_hours: float) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Mark the events that open a conversation, and those that answer the other side in one.

    A new conversation starts with each pair's first event, with a new thread id, and (for
    events without one) after a silence of more than ``gap_hours``.
    """
    fresh = _fresh(by)
    previous_thread = np.roll(by.thread, 1)
    same_thread = (by.thread == previous_thread) & (by.thread >= 0)
    quiet = np.diff(by.time, prepend=by.time[:1]) > gap_hours * 3_600
    opens = fresh | (~same_thread & (quiet | (by.thread >= 0)))
    turn = ~opens & (by.forward != np.roll(by.forward, 1))
    return opens, turn


def _contact_days(by: _Sorted, talk: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Mark each pair's first talk on each day (UTC): a day with contact."""
    index = np.flatnonzero(talk)
    group, days = by.group[index], by.time[index] // DAY
    first = np.r_[index.size > 0, (group[1:] != group[:-1]) | (days[1:] != days[:-1])]
    marked = np.zeros(by.time.size, np.bool_)
    marked[index[first[: index.size]]] = True
    return marked


def _fresh(by: _Sorted) -> NDArray[np.bool_]:
    """Mark each pair's first event."""
    return np.asarray(np.r_[by.group[:1] >= 0, by.group[1:] != by.group[:-1]], np.bool_)


def _peak(by: _Sorted, weighted: Floats, last: Ints, tau: float) -> Floats:
    """Return each pair's highest decayed weight in the year before its last contact.

    The running sum S_i = Σ_j≤i w_j·exp(-(t_i - t_j)/τ) is a cumulative sum of terms scaled to
    the pair's last contact (all at most 1, so the sums stay exact enough), scaled back to t_i.
    Only moments within a year of the last contact count, which bounds that scale-back to
    exp(365 days / τ).
    """
    if by.time.size == 0:
        return np.zeros(0)
    ago = (last[by.group] - by.time).astype(np.float64)
    scale = np.exp(-ago / tau)
    running = np.cumsum(weighted * scale)
    before = np.r_[0.0, running][by.starts]
    level = (running - before[by.group]) / scale
    level[ago > PEAK_WINDOW_DAYS * DAY] = 0.0
    peak: Floats = np.maximum.reduceat(level, by.starts)
    return peak


def _last_where(by: _Sorted, mask: NDArray[np.bool_]) -> Ints:
    """Return the time of each pair's last event where ``mask`` holds (-1: none)."""
    if by.time.size == 0:
        return np.zeros(0, np.int64)
    index = np.where(mask, np.arange(by.time.size), -1)
    latest = np.maximum.reduceat(index, by.starts)
    return np.where(latest >= 0, by.time[np.maximum(latest, 0)], -1)


def _first_where(by: _Sorted, mask: NDArray[np.bool_]) -> Ints:
    """Return the time of each pair's first event where ``mask`` holds (-1: none)."""
    if by.time.size == 0:
        return np.zeros(0, np.int64)
    index = np.where(mask, np.arange(by.time.size), by.time.size)
    earliest = np.minimum.reduceat(index, by.starts)
    return np.where(earliest < by.time.size, by.time[np.minimum(earliest, by.time.size - 1)], -1)


def _gaps(group: Ints, day: Ints, pairs: int) -> tuple[Floats, Floats]:
    """Return each pair's median and longest gap between contact days (NaN: fewer than two)."""
    same = group[1:] == group[:-1]
    gaps = np.minimum(day[1:] - day[:-1], (1 << _GAP_BITS) - 1)[same]
    packed = np.sort((group[1:][same] << _GAP_BITS) | gaps)
    owner = packed >> _GAP_BITS
    values = (packed & ((1 << _GAP_BITS) - 1)).astype(np.float64)
    counts = np.bincount(owner, minlength=pairs)
    first = np.cumsum(counts) - counts
    usual = np.full(pairs, np.nan)
    longest = np.full(pairs, np.nan)
    has = counts > 0
    first, counts = first[has], counts[has]
    usual[has] = (values[first + (counts - 1) // 2] + values[first + counts // 2]) / 2
    longest[has] = values[first + counts - 1]
    return usual, longest
