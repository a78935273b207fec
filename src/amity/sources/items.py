"""The one error for one bad item inside a good file: reported as a Problem, then skipped."""

from __future__ import annotations


class ItemError(ValueError):
    """One item (an activity, a tweet, a record, an API entity) cannot be read.

    The reader that meets it reports a ``Problem`` naming the file and the item, and goes on
    with the rest. ``hint`` says what to do, where there is more to say than that it was skipped.
    """

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
