"""How an import reports its progress: the phase it is in, and how far through the bytes it is.

Reading is most of an import, and goes by bytes; what comes after it (linking replies, threading
conversations, building the indexes, finding people, saving) reads no bytes but can take many
seconds on a large archive. Each phase is reported as it starts, so a progress bar can say what
is happening instead of sitting full and silent.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class Phase(StrEnum):
    """A phase of an import, in the order they come; its value says it on a progress bar."""

    READING = "Reading"
    LINKING = "Linking replies and quotes"
    THREADING = "Threading conversations"
    INDEXING = "Building indexes"
    PEOPLE = "Finding people"
    COUNTING = "Counting what is new"
    SAVING = "Saving"


Progress = Callable[[Phase, int, int], None]
"""Called with the phase, the bytes read so far and the bytes to read in all."""
