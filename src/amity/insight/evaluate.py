"""How well tie strength predicts whom each person interacts with next, beside three baselines.

The events are split in time: the first ``learn`` share of them (by count, in time order) is
only learned from; the rest is the test period, cut into ``windows`` windows of equal length.
At the start of each window every method ranks each person's contacts from everything before
that moment (the first window sees only the learning part, later ones also the earlier test
windows, as amity would in use), and is then scored on that window:

- next event: the target of the source's first event in the window. Its reciprocal rank (0 when
  the target is not among the source's ranked contacts, a new contact) averaged over sources
  gives ``next_event_mrr``; ``next_event_precision_at_5`` is the share of sources whose next
  target is in their top 5.
- next window: of the source's top k, the share it interacts with (as the source) during the
  window; when a source has fewer than k ranked contacts, the share of those it has.
  ``next_window_precision_at_5`` and ``..._at_10``.

A sample is a (source, window) where the source has at least one ranked contact and acts at
least once in the window; every method is scored on the same samples. The methods: ``amity``
(tie strength), ``recency`` (the most recent contact first), ``count`` (the most interactions,
both ways, ever) and ``decayed_count`` (interactions both ways, decayed with amity's half-life,
unweighted). Equal scores are broken by the more recent contact, then the lower id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from amity.insight.events import Events
from amity.insight.pairs import DAY, pair_columns
from amity.insight.ties import DEFAULT_WEIGHTS, TieWeights, tie_strength

METHODS = ("amity", "recency", "count", "decayed_count")


@dataclass(frozen=True, slots=True)
class MethodScores:
    """One method's figures, each a mean over the samples."""

    next_event_mrr: float
    next_event_precision_at_5: float
    next_window_precision_at_5: float
    next_window_precision_at_10: float

    def as_dict(self) -> dict[str, float]:
        """Return the figures under their JSON names, rounded to four places."""
        return {
            "next_event_mrr": round(self.next_event_mrr, 4),
            "next_event_precision_at_5": round(self.next_event_precision_at_5, 4),
            "next_window_precision_at_5": round(self.next_window_precision_at_5, 4),
            "next_window_precision_at_10": round(self.next_window_precision_at_10, 4),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """amity's tie strength and the three baselines, scored on the same samples."""

    amity: MethodScores
    recency: MethodScores
    count: MethodScores
    decayed_count: MethodScores
    samples: int
    learned_until: int
    windows: int

    def as_dict(self) -> dict[str, dict[str, float]]:
        """Return ``{"amity": {...}, "recency": {...}, "count": {...}, "decayed_count": {...}}``."""
        return {name: getattr(self, name).as_dict() for name in METHODS}


@dataclass(frozen=True, slots=True)
class _Window:
    """The (source, window) samples of one window: next targets and window contacts as keys."""

    sources: NDArray[np.int64]
    next_keys: NDArray[np.int64]
    window_keys: NDArray[np.int64]


def evaluate(
    events: Events,
    *,
    sources: ArrayLike | None = None,
    learn: float = 0.8,
    windows: int = 10,
    weights: TieWeights = DEFAULT_WEIGHTS,
) -> Evaluation:
    """Replay ``events``: learn on the first part, score every method on the rest.

    ``sources`` (dense ids) limits the samples to those people, e.g. the user's own accounts;
    by default everyone who acts in the test period is a source.
    """
    if not 0 < learn < 1 or windows < 1:
        raise ValueError("learn must be between 0 and 1 and windows at least 1")
    if len(events) < 2:
        raise ValueError("at least two events are needed to learn from one and test on another")
    cut = int(events.time[min(int(learn * len(events)), len(events) - 1)])
    edges = np.linspace(cut, int(events.time[-1]) + 1, windows + 1).astype(np.int64)
    chosen = None if sources is None else np.asarray(sources, dtype=np.int64)
    sums = {name: np.zeros(4) for name in METHODS}
    samples = 0
    for start, end in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        window = _window(events, start, end, chosen)
        rankings = _rankings(events.before(start), now=start - 1, weights=weights)
        found = None
        for name, (keys, ranks, sizes) in rankings.items():
            figures, found = _score(window, keys, ranks, sizes, events.nodes)
            sums[name] += figures
        samples += 0 if found is None else int(found)
    scores = {name: MethodScores(*(sums[name] / max(samples, 1)).tolist()) for name in METHODS}
    return Evaluation(
        amity=scores["amity"],
        recency=scores["recency"],
        count=scores["count"],
        decayed_count=scores["decayed_count"],
        samples=samples,
        learned_until=cut,
        windows=windows,
    )


def daily_windows(events: Events, *, learn: float = 0.8) -> int:
    """Return how many one-day windows the test period holds (at least one).

    One person's own history (a workspace) gives one sample per window, so it needs many
    windows: daily ones give one sample a day.
    """
    cut = int(events.time[min(int(learn * len(events)), len(events) - 1)])
    return max(1, (int(events.time[-1]) - cut) // DAY)


def _window(events: Events, start: int, end: int, chosen: NDArray[np.int64] | None) -> _Window:
    """Collect each source's first target and all its targets within ``[start, end)``."""
    low, high = np.searchsorted(events.time, [start, end], side="left")
    source = events.source[low:high].astype(np.int64)
    target = events.target[low:high].astype(np.int64)
    if chosen is not None:
        keep = np.isin(source, chosen)
        source, target = source[keep], target[keep]
    keys = source * events.nodes + target
    sources, first = np.unique(source, return_index=True)
    return _Window(sources, keys[first], np.unique(keys))


def _rankings(
    history: Events, *, now: int, weights: TieWeights
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]]:
    """Rank every ego's contacts by each method: sorted (ego, other) keys, ranks, list sizes."""
    pairs = pair_columns(history, now=now, settings=weights.pair_settings)
    strength, _ = tie_strength(pairs, now=now, weights=weights)
    scores = {
        "amity": strength,
        "recency": pairs.last.astype(np.float64),
        "count": (pairs.sent_low + pairs.sent_high).astype(np.float64),
        "decayed_count": pairs.decayed_events,
    }
    ego = np.concatenate([pairs.low, pairs.high]).astype(np.int64)
    other = np.concatenate([pairs.high, pairs.low]).astype(np.int64)
    last = np.tile(pairs.last, 2)
    nodes = max(history.nodes, 1)
    sizes = np.bincount(ego, minlength=nodes)
    ranked = {}
    for name, score in scores.items():
        order = np.lexsort((other, -last, -np.tile(score, 2), ego))
        start = np.searchsorted(ego[order], ego[order], side="left")
        rank = np.empty(order.size, np.int64)
        rank[order] = np.arange(order.size) - start + 1
        keys = ego * nodes + other
        by_key = np.argsort(keys)
        ranked[name] = (keys[by_key], rank[by_key], sizes)
    return ranked


def _score(
    window: _Window,
    keys: NDArray[np.int64],
    ranks: NDArray[np.int64],
    sizes: NDArray[np.int64],
    nodes: int,
) -> tuple[NDArray[np.float64], int]:
    """Return the summed figures of one method over the window's samples, and their number."""
    known = window.sources < sizes.size
    ranked = np.zeros(window.sources.size, np.bool_)
    ranked[known] = sizes[window.sources[known]] > 0
    sources = window.sources[ranked]
    rank = _lookup(keys, ranks, window.next_keys[ranked])
    reciprocal = np.where(rank > 0, 1.0 / np.maximum(rank, 1), 0.0)
    next_top5 = (rank > 0) & (rank <= 5)
    hit_rank = _lookup(keys, ranks, window.window_keys)
    hit_source = window.window_keys // nodes
    figures = [reciprocal.sum(), next_top5.sum()]
    for k in (5, 10):
        hits = np.bincount(hit_source[(hit_rank > 0) & (hit_rank <= k)], minlength=nodes)
        figures.append((hits[sources] / np.minimum(sizes[sources], k)).sum())
    return np.asarray(figures, np.float64), int(sources.size)


def _lookup(
    keys: NDArray[np.int64], ranks: NDArray[np.int64], wanted: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Return the rank of each wanted (source, target) key, 0 where it is not ranked."""
    if keys.size == 0:
        return np.zeros(wanted.size, np.int64)
    where = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    return np.where(keys[where] == wanted, ranks[where], 0)
