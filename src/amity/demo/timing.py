"""When things happen: the year's calendar, busy and quiet days, and the rhythm of a day.

Posting is bursty. A day's level follows a slow random walk (busy weeks and quiet weeks), weekdays
differ from weekends, and within a day the user checks in for sessions drawn from an hour-of-day
profile (lunch on weekdays, evenings always, little at night); each session is a cluster of posts
a few minutes apart, which is the cluster form of a Hawkes process. The user lives in the UK, so
local time follows British Summer Time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

DAY = 86_400
HOURS_WEEKDAY = (
    0.15, 0.07, 0.04, 0.03, 0.03, 0.06, 0.3, 0.7, 1.0, 1.0, 0.9, 1.0,
    1.8, 1.5, 0.9, 0.9, 0.9, 1.0, 1.3, 1.8, 2.0, 1.8, 1.3, 0.6,
)  # fmt: skip
"""Relative activity by local hour on weekdays: a lunch peak and a longer evening one."""
HOURS_WEEKEND = (
    0.35, 0.15, 0.08, 0.04, 0.03, 0.04, 0.1, 0.3, 0.6, 1.0, 1.3, 1.3,
    1.2, 1.1, 1.0, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.6, 1.2, 0.7,
)  # fmt: skip
"""Relative activity by local hour at weekends: later mornings, busy afternoons and evenings."""
WEEKDAY_LEVEL = (1.05, 1.1, 1.1, 1.05, 0.95, 0.7, 0.65)
NIGHT = (1_800, 32_400)
"""Local 00:30-09:00: replies due in this window arrive at the morning check-in instead."""


@dataclass(frozen=True, slots=True)
class Campaign:
    """A stretch of the year with its own hashtag and more sales posts."""

    name: str
    hashtag: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Calendar:
    """The demo year: its days, campaigns and the user's summer break."""

    start: int
    end: int
    campaigns: tuple[Campaign, ...]
    away: tuple[int, int]

    @property
    def days(self) -> int:
        """Return the number of days in the year."""
        return (self.end - self.start + DAY - 1) // DAY

    def campaign(self, at: int) -> Campaign | None:
        """Return the campaign running at ``at``, if any."""
        for campaign in self.campaigns:
            if campaign.first <= at <= campaign.last:
                return campaign
        return None


def build_calendar(start: int, end: int) -> Calendar:
    """Place the year's campaigns and the two-week summer break between ``start`` and ``end``."""
    first, last = _date(start), _date(end)
    campaigns = []
    for year in range(first.year, last.year + 1):
        for name, tag, (month, day), length in (
            ("Winter print sale", "WinterPrintSale", (11, 24), 15),
            ("Harbourside Makers Market", "HarbourMakers", (4, 8), 12),
            ("Inktober", "inktober", (10, 1), 31),
        ):
            begin = int(datetime(year, month, day, tzinfo=UTC).timestamp())
            if start <= begin <= end:
                campaigns.append(Campaign(name, tag, begin, min(end, begin + length * DAY - 1)))
    summer = _summer_break(start, end)
    return Calendar(start, end, tuple(campaigns), (summer, summer + 14 * DAY))


def _summer_break(start: int, end: int) -> int:
    """Return the first day of the August break (or mid-year, for a short world)."""
    for year in range(_date(end).year, _date(start).year - 1, -1):
        begin = int(datetime(year, 8, 3, tzinfo=UTC).timestamp())
        if start <= begin <= end - 20 * DAY:
            return begin
    return start + (end - start) // 2


def _date(at: int) -> datetime:
    return datetime.fromtimestamp(at, UTC)


def day_weights(calendar: Calendar, rng: np.random.Generator, *, trend: float) -> np.ndarray:
    """Return each day's share of activity: weekday, a slow random level, break and campaigns.

    ``trend`` tilts the year linearly: 0.5 means the first day is 1.25 times and the last 0.75
    times the average (the user slowly leaving a network).
    """
    days = calendar.days
    noise = rng.normal(0.0, 0.3, days)
    level = np.empty(days)
    state = 0.0
    for day in range(days):
        state = 0.75 * state + noise[day]
        level[day] = state
    weights = np.exp(level * 0.66)
    starts = calendar.start + np.arange(days) * DAY
    weekdays = ((starts // DAY) + 3) % 7  # 1970-01-01 was a Thursday
    weights *= np.take(WEEKDAY_LEVEL, weekdays)
    weights *= 1 + trend * (0.5 - np.arange(days) / max(days - 1, 1))
    away_first, away_last = calendar.away
    weights[(starts >= away_first) & (starts < away_last)] *= 0.04
    weights[(starts >= away_last) & (starts < away_last + 5 * DAY)] *= 1.6
    for campaign in calendar.campaigns:
        weights[(starts >= campaign.first) & (starts <= campaign.last)] *= 1.2
    return np.asarray(weights / weights.sum())


def utc_offset(at: int) -> int:
    """Return the UK's offset from UTC in seconds at ``at`` (summer time: late March-October)."""
    return 3_600 * (bisect.bisect_right(_CHANGES, at) % 2)


def _last_sunday(year: int, month: int) -> int:
    moment = datetime(year, month + 1, 1, 1, tzinfo=UTC) - timedelta(days=1)
    moment -= timedelta(days=(moment.weekday() + 1) % 7)
    return int(moment.timestamp())


_CHANGES = tuple(_last_sunday(year, month) for year in range(1990, 2101) for month in (3, 10))
"""Clock changes in order: an odd number of them before a moment means summer time."""


def session_starts(rng: np.random.Generator, day_start: int, count: int) -> list[int]:
    """Return ``count`` sorted session start times for the day starting at ``day_start`` (UTC)."""
    weekend = ((day_start // DAY) + 3) % 7 >= 5
    profile = np.asarray(HOURS_WEEKEND if weekend else HOURS_WEEKDAY)
    hours = rng.choice(24, size=count, p=profile / profile.sum())
    local = hours * 3_600 + rng.integers(0, 3_600, size=count)
    offset = utc_offset(day_start + DAY // 2)
    return sorted(int(day_start + (second - offset) % DAY) for second in local)


def morning(at: int) -> int:
    """Move a time in the local night to the morning check-in, keeping the order of times."""
    offset = utc_offset(at)
    second = (at + offset) % DAY
    if NIGHT[0] <= second < NIGHT[1]:
        moved = 25_200 + (second - NIGHT[0]) * 7_200 // (NIGHT[1] - NIGHT[0])
        return at + moved - second
    return at
