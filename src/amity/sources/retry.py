"""How a sync waits: rate limits honoured with a visible wait, failures retried with backoff.

The network clients turn what a server said into one of two signals: ``Retry`` (a 5xx, a
timeout, a dropped connection: try again after a backoff with jitter) or ``RateLimited`` (the
server says when to come back: wait that long). ``RetryPolicy.call`` runs a request under that
policy. The clock, the sleep and the random source are injected, so tests run on a fake clock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from amity.errors import AmityError

T = TypeVar("T")

MAX_WAIT = 15 * 60.0
"""The longest amity waits for a rate limit before giving up and saying so (seconds)."""


class Retry(Exception):
    """A request failed in a way that may pass: try it again after a while."""

    def __init__(self, error: AmityError) -> None:
        super().__init__(error.message)
        self.error = error


class RateLimited(Exception):
    """The server asked the client to wait ``seconds`` before its next request."""

    def __init__(self, seconds: float, error: AmityError) -> None:
        super().__init__(error.message)
        self.seconds = seconds
        self.error = error


@dataclass(frozen=True, slots=True)
class Wait:
    """A pause the sync makes, for the user to see: how long and why."""

    seconds: float
    reason: str


class RetryPolicy:
    """Run requests, waiting out rate limits and retrying transient failures a few times."""

    def __init__(
        self,
        *,
        attempts: int = 5,
        base: float = 1.0,
        cap: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        on_wait: Callable[[Wait], None] | None = None,
    ) -> None:
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.sleep = sleep
        self.clock = clock
        self._rng = rng or random.Random()
        self.on_wait = on_wait

    def call(self, request: Callable[[], T], *, attempts: int | None = None) -> T:
        """Return what ``request`` returns, retrying on ``Retry`` and waiting on ``RateLimited``.

        ``attempts`` lowers the number of tries for a request whose failure is not worth waiting
        for (a part of the API the server may not offer at all).
        """
        most = self.attempts if attempts is None else min(attempts, self.attempts)
        failures = 0
        while True:
            try:
                return request()
            except RateLimited as limit:
                if limit.seconds > MAX_WAIT:
                    raise limit.error from None
                self.wait(limit.seconds, "the server's rate limit")
            except Retry as retry:
                failures += 1
                if failures >= most:
                    raise retry.error from None
                ceiling = min(self.cap, self.base * 2 ** (failures - 1))
                self.wait(self._rng.uniform(ceiling / 2, ceiling), retry.error.message)

    def wait(self, seconds: float, reason: str) -> None:
        """Pause for ``seconds`` (at least a moment), telling whoever watches why."""
        seconds = max(0.0, seconds)
        if self.on_wait is not None:
            self.on_wait(Wait(seconds, reason))
        self.sleep(seconds)
