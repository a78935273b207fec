"""Rate-limit headers as the real servers send them, and (when asked) the limit itself.

Mastodon allows 300 API calls per access token in each five-minute window, aligned to the clock,
and says so on every response: ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (the window's end, ISO 8601 with microseconds, as Rails writes it). A
Bluesky PDS says ``ratelimit-limit``, ``ratelimit-remaining``, ``ratelimit-reset`` (epoch
seconds) and ``ratelimit-policy`` (``3000;w=300``). The demo counts honestly but refuses nothing
unless ``throttle`` is set: a benchmark may page through a hundred thousand notifications, and
the count shown never falls below one, so a client that waits when it reaches zero does not wait
on a limit that is not enforced. With ``throttle`` on, the call over the limit gets 429.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Allowance:
    """What one call may do: whether it is over the limit, what is left, when the window ends."""

    over: bool
    limit: int
    remaining: int
    reset: float


class RateLimit:
    """Count calls per key (a token, an account) in fixed windows of ``window`` seconds."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self.throttle = False
        self._clock = clock
        self._lock = threading.Lock()
        self._used: dict[tuple[str, int], int] = {}

    def take(self, key: str) -> Allowance:
        """Count one call for ``key`` and say how it stands."""
        now = self._clock()
        bucket = int(now) // self.window
        with self._lock:
            if len(self._used) > 10_000:
                self._used = {k: v for k, v in self._used.items() if k[1] == bucket}
            used = self._used.get((key, bucket), 0) + 1
            self._used[(key, bucket)] = used
        reset = now + (self.window - int(now) % self.window)
        over = self.throttle and used > self.limit
        floor = 0 if self.throttle else 1
        return Allowance(over, self.limit, max(floor, self.limit - used), reset)


def mastodon_headers(allowance: Allowance) -> dict[str, str]:
    """Return Mastodon's rate-limit headers."""
    reset = datetime.fromtimestamp(allowance.reset, UTC).isoformat(timespec="microseconds")
    return {
        "X-RateLimit-Limit": str(allowance.limit),
        "X-RateLimit-Remaining": str(allowance.remaining),
        "X-RateLimit-Reset": reset.replace("+00:00", "Z"),
    }


def bluesky_headers(allowance: Allowance, window: int) -> dict[str, str]:
    """Return a PDS's rate-limit headers."""
    return {
        "ratelimit-limit": str(allowance.limit),
        "ratelimit-remaining": str(allowance.remaining),
        "ratelimit-reset": str(int(allowance.reset)),
        "ratelimit-policy": f"{allowance.limit};w={window}",
    }
