"""Read a timestamped interaction list from a file: ``source target unixtime [type]`` per line.

Fields are separated by whitespace or by commas (CSV); a header line, blank lines and ``#``
comments are skipped. Ids may be numbers or names. The optional type is one of amity's
interaction kinds; without it every line is a private message. The columns are parsed by NumPy's
C reader, not line by line in Python: ten million lines load in a few seconds. Only when a file
is bad is it read again line by line, to say which line and why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from amity.errors import SourceError
from amity.insight.events import KIND_CODES, Events, make_events
from amity.model import INTERACTION_KINDS

HINT = (
    "Each line must be `source target unixtime [type]`, separated by spaces, tabs or commas, "
    f"with type one of {', '.join(INTERACTION_KINDS)}; lines starting with # are skipped."
)
_SNIFF_LINES = 50
LATEST_TIME = 253_402_300_799
"""The last second of the year 9999: a Unix time beyond it is no time amity can show."""


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a file's lines are laid out: the separator, lines to skip and how many fields."""

    delimiter: str | None
    skip: int
    fields: int


def read_events(path: Path) -> Events:
    """Read ``path`` as an interaction list; raise SourceError naming the first bad line."""
    layout = _layout(path)
    try:
        source, target, time = _read_columns(path, layout)
        kind = _read_kinds(path, layout) if layout.fields == 4 else None
    except ValueError:
        raise _bad_line(path, layout) from None
    if time.size == 0:
        raise SourceError("holds no interactions", file=str(path), hint=HINT)
    return make_events(source, target, time, kind=kind)


def _load(path: Path, layout: _Layout, columns: tuple[int, ...], dtype: str) -> NDArray[np.generic]:
    loaded: NDArray[np.generic] = np.loadtxt(
        path,
        dtype=dtype,
        delimiter=layout.delimiter,
        skiprows=layout.skip,
        usecols=columns,
        ndmin=2,
        encoding="utf-8",
    )
    return loaded


def _read_columns(
    path: Path, layout: _Layout
) -> tuple[NDArray[np.generic], NDArray[np.generic], NDArray[np.int64]]:
    """Read ids and times in one pass when all are integers, the common case, else apart."""
    try:
        numbers = _load(path, layout, (0, 1, 2), "int64")
    except ValueError:
        source, target = _read_ids(path, layout)
        return source, target, _read_times(path, layout)
    if not _in_range(numbers[:, 2]).all():
        raise ValueError("a time is out of range")
    return numbers[:, 0], numbers[:, 1], numbers[:, 2].astype(np.int64)


def _read_ids(path: Path, layout: _Layout) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
    try:
        ids = _load(path, layout, (0, 1), "int64")
    except ValueError:
        ids = np.char.strip(_load(path, layout, (0, 1), "str").astype(np.str_))
        if (np.char.str_len(ids) == 0).any():
            raise ValueError("an empty id") from None
    return ids[:, 0], ids[:, 1]


def _read_times(path: Path, layout: _Layout) -> NDArray[np.int64]:
    try:
        times = np.asarray(_load(path, layout, (2,), "int64")[:, 0], np.int64)
    except ValueError:
        seconds = np.asarray(_load(path, layout, (2,), "float64")[:, 0], np.float64)
        if not _in_range(seconds).all():  # checked before the cast, which would wrap around
            raise ValueError("a time is out of range") from None
        return np.floor(seconds).astype(np.int64)
    if not _in_range(times).all():
        raise ValueError("a time is out of range")
    return times


def _in_range(times: NDArray[np.generic]) -> NDArray[np.bool_]:
    """Return which times are Unix times from 1970 to the end of the year 9999 (NaN is not)."""
    seconds = np.asarray(times, np.float64)
    inside: NDArray[np.bool_] = (seconds >= 0) & (seconds <= LATEST_TIME)
    return inside


def _read_kinds(path: Path, layout: _Layout) -> NDArray[np.int8]:
    names = np.char.lower(np.char.strip(_load(path, layout, (3,), "S16")[:, 0].astype(np.bytes_)))
    codes = np.full(names.size, -1, np.int8)
    for kind, code in KIND_CODES.items():
        codes[names == kind.encode()] = code
    if (codes < 0).any():
        raise ValueError("unknown interaction type")
    return codes


def _layout(path: Path) -> _Layout:
    """Look at the first lines: the separator, whether a header comes first, how many fields."""
    try:
        with path.open(encoding="utf-8") as handle:
            head = list(itertools.islice(handle, _SNIFF_LINES))
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot be read ({error})", file=str(path), hint=HINT) from None
    for number, line in enumerate(head):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        delimiter = "," if "," in text else None
        fields = [field.strip() for field in text.split(delimiter)]
        if len(fields) not in (3, 4):
            raise _error(path, number + 1, f"has {len(fields)} fields, not 3 or 4")
        header = not _is_float(fields[2])  # "nan" or "1e99" is a bad time, not a header
        return _Layout(delimiter, number + 1 if header else 0, len(fields))
    raise SourceError("holds no interactions", file=str(path), hint=HINT)


def _bad_line(path: Path, layout: _Layout) -> SourceError:
    """Find the first line the fast reader refused and say what is wrong with it."""
    with path.open(encoding="utf-8") as handle:
        # Only on failure, to name the line: the fast path never loops over lines in Python.
        for number, line in enumerate(handle, 1):
            text = line.split("#", 1)[0].strip()
            if number <= layout.skip or not text:
                continue
            reason = _what_is_wrong(text.split(layout.delimiter), layout.fields)
            if reason:
                return _error(path, number, reason)
    return SourceError("cannot be read as an interaction list", file=str(path), hint=HINT)


def _what_is_wrong(fields: list[str], expected: int) -> str:
    fields = [field.strip() for field in fields]
    if len(fields) != expected:
        return f"has {len(fields)} fields where the first line has {expected}"
    if not fields[0] or not fields[1]:
        return "has an empty source or target"
    if not _is_time(fields[2]):
        return (
            f"has {fields[2][:40]!r} where a Unix time should be (seconds since 1970, up to"
            " the year 9999)"
        )
    if expected == 4 and fields[3].lower() not in KIND_CODES:
        return f"has the unknown interaction type {fields[3][:40]!r}"
    return ""


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_time(text: str) -> bool:
    return _is_float(text) and 0 <= float(text) <= LATEST_TIME


def _error(path: Path, number: int, reason: str) -> SourceError:
    return SourceError(reason, file=str(path), item=f"line {number}", hint=HINT)
