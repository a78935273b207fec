"""The interaction table every people analysis reads: columns of NumPy arrays, one row an event.

An event is one directed interaction: ``source`` did something (``kind``) to ``target`` at
``time`` (Unix seconds), optionally inside a conversation (``thread``, -1 for none). Node ids are
dense, 0 .. ``nodes`` - 1, so analyses can index arrays by them; ``labels`` maps each back to the
id it came with (an account id from the store, or a name from a file). Rows are kept in time order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from amity.model import INTERACTION_KINDS, InteractionKind

KIND_CODES: dict[InteractionKind, int] = {kind: code for code, kind in enumerate(INTERACTION_KINDS)}
DEFAULT_KIND: InteractionKind = "dm"
"""A bare ``source target time`` list is taken to be private messages, as CollegeMsg is."""
_DENSE_RANGE = 8
"""Integer ids up to this many times the event count are made dense with a table, not a sort."""


@dataclass(frozen=True, slots=True, eq=False)
class Events:
    """Interactions in time order, as columns; ids are dense indices into ``labels``."""

    source: NDArray[np.int32]
    target: NDArray[np.int32]
    time: NDArray[np.int64]
    kind: NDArray[np.int8]
    thread: NDArray[np.int64]
    labels: NDArray[np.generic]

    def __len__(self) -> int:
        return int(self.time.size)

    @property
    def nodes(self) -> int:
        """Return how many distinct people or accounts the events name."""
        return int(self.labels.size)

    def before(self, moment: int) -> Events:
        """Return the events strictly before ``moment``, with the same ids."""
        end = int(np.searchsorted(self.time, moment, side="left"))
        return self.rows(slice(0, end))

    def rows(self, selection: slice | NDArray[np.bool_] | NDArray[np.intp]) -> Events:
        """Return the selected rows, keeping ids and labels as they are."""
        return Events(
            self.source[selection],
            self.target[selection],
            self.time[selection],
            self.kind[selection],
            self.thread[selection],
            self.labels,
        )

    def node(self, label: object) -> int:
        """Return the dense id of ``label``; raise KeyError if no event names it."""
        try:
            found = np.flatnonzero(np.asarray(self.labels == label, np.bool_))
        except (TypeError, ValueError):
            raise KeyError(label) from None
        if found.size == 0:
            raise KeyError(label)
        return int(found[0])


def make_events(
    source: ArrayLike,
    target: ArrayLike,
    time: ArrayLike,
    *,
    kind: ArrayLike | None = None,
    thread: ArrayLike | None = None,
) -> Events:
    """Build an event table from columns: sort by time, drop self-loops, make ids dense.

    ``source`` and ``target`` may hold any ids (integers or strings); ``kind`` holds codes from
    ``KIND_CODES`` (default: every event a DM); ``thread`` holds conversation ids (-1: none).
    """
    times = np.asarray(time, dtype=np.int64)
    count = times.size
    kinds = np.full(count, KIND_CODES[DEFAULT_KIND], np.int8) if kind is None else kind
    threads = np.full(count, -1, np.int64) if thread is None else thread
    columns = [np.asarray(source), np.asarray(target), times, np.asarray(kinds, np.int8)]
    columns.append(np.asarray(threads, np.int64))
    if any(column.shape != (count,) for column in columns):
        raise ValueError("source, target, time, kind and thread must be 1-D and of one length")
    keep = columns[0] != columns[1]
    if not keep.all():
        columns = [column[keep] for column in columns]
    if columns[2].size > 1 and not bool(np.all(columns[2][1:] >= columns[2][:-1])):
        order = np.argsort(columns[2], kind="stable")
        columns = [column[order] for column in columns]
    sources, targets, labels = _dense(columns[0], columns[1])
    return Events(sources, targets, columns[2], columns[3], columns[4], labels)


def _dense(
    source: NDArray[np.generic], target: NDArray[np.generic]
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.generic]]:
    """Map ids to 0 .. n-1 in sorted order of the original ids; return both columns and labels."""
    if source.size == 0:
        empty = np.zeros(0, np.int32)
        return empty, empty.copy(), np.zeros(0, np.int64)
    if source.dtype.kind in "iu" and target.dtype.kind in "iu":
        low = min(int(source.min()), int(target.min()))
        high = max(int(source.max()), int(target.max()))
        if low >= 0 and high < _DENSE_RANGE * (source.size + 1024):
            present = np.zeros(high + 1, np.bool_)
            present[source] = True
            present[target] = True
            if present.all():
                labels = np.arange(high + 1, dtype=np.int64)
                return source.astype(np.int32), target.astype(np.int32), labels
            index = np.cumsum(present, dtype=np.int64) - 1
            labels = np.flatnonzero(present).astype(np.int64)
            return index[source].astype(np.int32), index[target].astype(np.int32), labels
    both = np.concatenate([source, target])
    labels, inverse = np.unique(both, return_inverse=True)
    dense = inverse.astype(np.int32)
    return dense[: source.size], dense[source.size :], labels
