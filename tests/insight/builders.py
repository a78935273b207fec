"""Small hand-built event tables for the insight tests."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from amity.insight.events import KIND_CODES, Events, make_events
from amity.model import InteractionKind

DAY = 86_400
T0 = 1_700_000_000
"""A fixed start, so no test depends on the clock."""


def events_from(rows: Iterable[tuple[str, str, int, InteractionKind]]) -> Events:
    """Build events from (source, target, unix time, kind) rows."""
    listed = list(rows)
    return make_events(
        np.array([row[0] for row in listed]),
        np.array([row[1] for row in listed]),
        np.array([row[2] for row in listed], dtype=np.int64),
        kind=np.array([KIND_CODES[row[3]] for row in listed], dtype=np.int8),
    )


def every(
    source: str, target: str, *, start: int, end: int, step: int, kind: InteractionKind = "reply"
) -> list[tuple[str, str, int, InteractionKind]]:
    """Return one interaction from ``source`` to ``target`` every ``step`` seconds."""
    return [(source, target, at, kind) for at in range(start, end, step)]
