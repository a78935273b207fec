"""The one reader of times that sources hand over: ISO 8601 text, or a datetime, as aware UTC.

Every network writes ISO 8601 (with ``Z`` or an offset, with or without fractions of a second),
except X's archives, whose two older forms ``twitter.normalize.parse_time`` turns into ISO first.
"""

from __future__ import annotations

from datetime import UTC, datetime

from amity.sources.items import ItemError


def parse_time(value: object, *, field: str = "date") -> datetime:
    """Return ``value`` as an aware UTC datetime, or raise ItemError naming ``field``."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ItemError(f"has a {field} that is not a date: {value[:40]!r}") from None
    elif isinstance(value, datetime):
        moment = value
    elif value is None:
        raise ItemError(f"has no {field}")
    else:
        raise ItemError(f"has a {field} that is not text")
    if moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
