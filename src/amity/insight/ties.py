"""Tie strength: how close two people are, from what they did together and how lately.

A tie's *frequency* is its interactions a month, each weighted by how personal it is (a DM or a
reply 1, a quote 0.7, a mention 0.5, a boost 0.3, a like 0.1, a follow or bookmark 0.05) and
decayed with a 90-day half-life. Its *closeness* raises that by how balanced it is both ways, by
back-and-forth turns and by how long the two have known each other; its *strength* then weighs
closeness against how long ago they last talked:

    closeness = frequency × (1 + balance·b) × (1 + depth·d) × (1 + duration·y)
    strength  = closeness ** closeness_power / (1 + minutes since the last contact / 5)

with ``b`` the two-way balance (1: equal both ways, 0: one way), ``d`` the share of weighted
interactions that answered the other within a conversation and ``y`` the years known (at most
1). Strength is a ranking score: it says whom one is most likely to talk with next, and leans on
recency, as people do (a conversation under way goes on); circles use frequency alone. The
weights were chosen on data kept apart from what amity is scored on (docs/evaluation.md).

``tie_table`` computes every tie of every ego at once: the product's main use is the user's own
ties, but evaluation ranks every person's contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from amity.insight.events import Events
from amity.insight.pairs import DAY, KindWeights, PairColumns, PairSettings, pair_columns

MONTH_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class TieWeights:
    """How tie strength weighs each kind of interaction and each component."""

    half_life_days: float = 90.0
    kind_weights: KindWeights = field(default_factory=KindWeights)
    balance: float = 0.25
    depth: float = 0.25
    duration: float = 0.25
    closeness_power: float = 0.3
    recency_minutes: float = 5.0
    recent_days: int = 90
    """The window the explanation counts interactions in ("23 both ways in 90 days")."""
    conversation_gap_hours: float = 6.0
    """Without thread ids, events further apart than this start a new conversation."""

    @property
    def pair_settings(self) -> PairSettings:
        """Return the settings the pair sums need."""
        return PairSettings(
            self.half_life_days, self.kind_weights, self.recent_days, self.conversation_gap_hours
        )


DEFAULT_WEIGHTS = TieWeights()


@dataclass(frozen=True, slots=True, eq=False)
class TieTable:
    """Every tie, one row per (ego, other), each ego's rows together.

    ``pair`` points each row at its column in ``pairs``; ``ego_is_low`` says which side of the
    pair the ego is. ``strongest`` orders one ego's rows by strength.
    """

    now: int
    weights: TieWeights
    pairs: PairColumns
    ego: NDArray[np.int32]
    other: NDArray[np.int32]
    pair: NDArray[np.int64]
    ego_is_low: NDArray[np.bool_]
    strength: NDArray[np.float64]
    frequency: NDArray[np.float64]
    ego_start: NDArray[np.int64]
    """Row where each ego's ties begin (one more entry than there are nodes)."""

    def __len__(self) -> int:
        return int(self.ego.size)

    def rows_of(self, ego: int) -> slice:
        """Return the rows of ``ego``'s ties."""
        return slice(int(self.ego_start[ego]), int(self.ego_start[ego + 1]))

    def strongest(self, ego: int) -> NDArray[np.int64]:
        """Return ``ego``'s rows strongest first; equal strengths by recency, then the id."""
        rows = np.arange(self.ego_start[ego], self.ego_start[ego + 1])
        last = self.pairs.last[self.pair[rows]]
        order = np.lexsort((self.other[rows], -last, -self.strength[rows]))
        return rows[order]


def tie_table(events: Events, *, now: int, weights: TieWeights = DEFAULT_WEIGHTS) -> TieTable:
    """Compute every tie's strength from the events up to ``now``."""
    pairs = pair_columns(events, now=now, settings=weights.pair_settings)
    strength, frequency = tie_strength(pairs, now=now, weights=weights)
    count = len(pairs)
    ego = np.concatenate([pairs.low, pairs.high])
    other = np.concatenate([pairs.high, pairs.low])
    pair = np.tile(np.arange(count, dtype=np.int64), 2)
    both = np.tile(strength, 2)
    order = np.argsort(ego, kind="stable")
    ego = ego[order]
    starts = np.searchsorted(ego, np.arange(events.nodes + 1), side="left")
    return TieTable(
        now=now,
        weights=weights,
        pairs=pairs,
        ego=ego,
        other=other[order],
        pair=pair[order],
        ego_is_low=order < count,
        strength=both[order],
        frequency=np.tile(frequency, 2)[order],
        ego_start=starts.astype(np.int64),
    )


def tie_strength(
    pairs: PairColumns, *, now: int, weights: TieWeights = DEFAULT_WEIGHTS
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return each pair's strength and its frequency (weighted interactions a month)."""
    total = pairs.weight_low + pairs.weight_high
    frequency = total * (np.log(2.0) / weights.half_life_days * MONTH_DAYS)
    with np.errstate(invalid="ignore", divide="ignore"):
        balance = np.where(
            total > 0, 2 * np.minimum(pairs.weight_low, pairs.weight_high) / total, 0
        )
        depth = np.where(total > 0, np.minimum(pairs.turns_weight / total, 1.0), 0)
    years = np.minimum((now - pairs.first) / (365 * DAY), 1.0)
    closeness = (
        frequency
        * (1 + weights.balance * balance)
        * (1 + weights.depth * depth)
        * (1 + weights.duration * years)
    )
    silence = (now - pairs.last) / (weights.recency_minutes * 60)
    return closeness**weights.closeness_power / (1 + silence), frequency
