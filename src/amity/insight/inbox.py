"""Where a conversation waiting on the user sits in the inbox: a score, and the reasons in words.

Four things count, each with a named weight: who the person is to the user (their circle, and
the strength of the tie within it), whether the message asks something of the user, how long it
has waited, and whether it continues a conversation the user started. The weights are points, so
a score reads as a sum: a close friend's question outranks a stranger's, and a question outranks
a remark from the same person; waiting adds up to a few days' worth, then stops growing, so an
old remark never buries a fresh question.
"""

from __future__ import annotations

from dataclasses import dataclass

from amity.insight.asks import Asking
from amity.insight.explanation import duration_words
from amity.insight.pairs import DAY
from amity.model import FURTHER_OUT

CIRCLE_POINTS = {1: 40.0, 2: 30.0, 3: 20.0, 4: 10.0, FURTHER_OUT: 0.0}
"""Points for the sender's circle; someone who is not a contact yet gets none."""
STRENGTH_POINTS = 10.0
"""Points for the tie's strength, ``s / (1 + s)`` of them: it orders people within a circle."""
ASKS_POINTS = 30.0
"""Points when the conversation asks something of the user."""
STARTED_POINTS = 10.0
"""Points when the user started the conversation: someone is answering them."""
WAIT_POINTS = 15.0
"""Points for waiting, in proportion up to ``WAIT_FULL_DAYS``."""
WAIT_FULL_DAYS = 7.0
"""After this long, waiting adds nothing more."""


@dataclass(frozen=True, slots=True)
class Waiting:
    """What the inbox knows of one conversation waiting on the user."""

    name: str
    """The sender as the user knows them: a person's name, or the handle."""
    circle: int | None
    """The sender's circle (``FURTHER_OUT`` past circle 4); None when not a contact at all."""
    strength: float
    asking: Asking
    waited: int
    """Seconds from the newest message to the moment of the view."""
    you_started: bool


@dataclass(frozen=True, slots=True)
class Placing:
    """A conversation's score, and the reasons behind it, most telling first."""

    score: float
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        """Say in words why the conversation sits where it does."""
        return ", ".join(self.reasons)


def place(waiting: Waiting) -> Placing:
    """Score one conversation waiting on the user, and say why in words."""
    score, reasons = 0.0, [waiting.name]
    if waiting.circle is not None:
        score += CIRCLE_POINTS[waiting.circle]
        score += STRENGTH_POINTS * max(waiting.strength, 0.0) / (1.0 + max(waiting.strength, 0.0))
        reasons.append(
            "further out" if waiting.circle == FURTHER_OUT else f"circle {waiting.circle}"
        )
    else:
        reasons.append("new to you")
    if waiting.asking.asks:
        score += ASKS_POINTS
        reasons.append(waiting.asking.why or "asks you something")
    if waiting.you_started:
        score += STARTED_POINTS
        reasons.append("answers you")
    days = max(waiting.waited, 0) / DAY
    score += WAIT_POINTS * min(days / WAIT_FULL_DAYS, 1.0)
    reasons.append(f"waiting {duration_words(days)}")
    return Placing(round(score, 2), tuple(reasons))
