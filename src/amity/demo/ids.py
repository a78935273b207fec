"""Ids and timestamps in the shapes the platforms use.

Both platforms use time-ordered ids: a Mastodon status id is the millisecond timestamp shifted left
16 bits plus a sequence; an X id ("snowflake") is milliseconds since X's epoch shifted left 22 bits
plus worker and sequence bits. The demo spreads a running counter over the milliseconds and the
sequence bits, so ids stay unique for tens of millions of items while still decoding to the
second the item was written.
"""

from __future__ import annotations

import functools
import time

TWITTER_EPOCH_MS = 1_288_834_974_657
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class IdMaker:
    """Hand out unique, time-ordered ids for one platform and one stream of items."""

    def __init__(self, platform: str, worker: int = 0) -> None:
        self._twitter = platform == "twitter"
        self._worker = worker
        self._count = 0

    def make(self, at: int) -> tuple[int, int]:
        """Return ``(milliseconds, id)`` for an item written at ``at`` (epoch seconds)."""
        count = self._count
        self._count = count + 1
        ms = at * 1000 + count % 1000
        sequence = count // 1000
        if self._twitter:
            return ms, ((ms - TWITTER_EPOCH_MS) << 22) | (self._worker << 17) | (sequence & 0x1FFFF)
        return ms, (ms << 16) | (sequence & 0xFFFF)


def ms_of(item_id: int, platform: str) -> int:
    """Return the epoch millisecond encoded in a Mastodon or X id."""
    if platform == "twitter":
        return (item_id >> 22) + TWITTER_EPOCH_MS
    return item_id >> 16


@functools.lru_cache(maxsize=4_096)
def _day(day: int) -> tuple[str, str, str]:
    """Return a day's date as ``2026-03-04``, its X prefix ``Wed Mar 04`` and its year."""
    moment = time.gmtime(day * 86_400)
    x_day = f"{_DAYS[moment.tm_wday]} {_MONTHS[moment.tm_mon - 1]} {moment.tm_mday:02d}"
    return time.strftime("%Y-%m-%d", moment), x_day, str(moment.tm_year)


_MINUTES = tuple(f"{minute // 60:02d}:{minute % 60:02d}:" for minute in range(1_440))
_SECONDS = tuple(f"{second:02d}" for second in range(60))


def _clock(second: int) -> str:
    """Return ``HH:MM:SS`` for a second of the day (tables: this runs for every item)."""
    return _MINUTES[second // 60] + _SECONDS[second % 60]


def iso(at: int) -> str:
    """Format epoch seconds as Mastodon does: ``2026-03-04T12:34:56Z``."""
    day, second = divmod(at, 86_400)
    return f"{_day(day)[0]}T{_clock(second)}Z"


def iso_ms(ms: int) -> str:
    """Format epoch milliseconds as X's archive does: ``2026-03-04T12:34:56.789Z``."""
    day, second = divmod(ms // 1000, 86_400)
    return f"{_day(day)[0]}T{_clock(second)}.{ms % 1000:03d}Z"


def twitter_time(at: int) -> str:
    """Format epoch seconds as a tweet's ``created_at``: ``Thu Nov 03 08:50:26 +0000 2022``."""
    day, second = divmod(at, 86_400)
    _, x_day, year = _day(day)
    return f"{x_day} {_clock(second)} +0000 {year}"
