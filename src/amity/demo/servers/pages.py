"""Mastodon's pagination: ``max_id``, ``since_id``, ``min_id``, ``limit`` and the Link header.

Mastodon pages newest first by an internal id (a status id, or the id of the favourite, follow
or notification that put the item on the list). ``max_id`` gives what is older than it,
``since_id`` cuts off at it from the newest side, and ``min_id`` gives the items immediately
newer than it, still newest first. ``limit`` has a default per list and is capped at twice that.
The Link header repeats the request's own list parameters with the next ``max_id`` and the
previous ``min_id`` (``since_id`` for account lists), sorted as Rails' ``to_query`` sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from werkzeug.datastructures import MultiDict


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of a list a request asks for."""

    max_id: int | None
    since_id: int | None
    min_id: int | None
    limit: int


def window(args: MultiDict[str, str], default: int) -> Window:
    """Read the paging parameters of a request, with the list's default limit."""
    raw = args.get("limit")
    try:
        limit = default if raw is None else min(abs(int(raw)), default * 2)
    except ValueError:
        limit = default
    return Window(_id(args, "max_id"), _id(args, "since_id"), _id(args, "min_id"), limit)


def _id(args: MultiDict[str, str], name: str) -> int | None:
    value = args.get(name)
    return int(value) if value and value.isdigit() else None


def fetch(
    query: Callable[[str, list[Any]], list[tuple[Any, ...]]],
    key: str,
    page: Window,
) -> list[tuple[Any, ...]]:
    """Return one page, newest first, from ``query(extra_sql, extra_args)``.

    ``query`` appends the extra conditions (which start with AND), the order and the limit to
    its own SELECT; ``key`` is the column the list pages by.
    """
    if page.min_id is not None:
        sql, args = f" AND {key} > ?", [page.min_id]
        if page.max_id is not None:
            sql, args = sql + f" AND {key} < ?", [*args, page.max_id]
        rows = query(f"{sql} ORDER BY {key} ASC LIMIT ?", [*args, page.limit])
        return rows[::-1]
    sql, args = "", []
    if page.max_id is not None:
        sql, args = f" AND {key} < ?", [page.max_id]
    if page.since_id is not None:
        sql, args = sql + f" AND {key} > ?", [*args, page.since_id]
    return query(f"{sql} ORDER BY {key} DESC LIMIT ?", [*args, page.limit])


def link_header(
    url: str,
    args: MultiDict[str, str],
    kept: Sequence[str],
    *,
    next_id: int | None,
    prev_id: int | None,
    prev_name: str = "min_id",
) -> str | None:
    """Return the Link header, or None when there is neither a next nor a previous page."""
    links = []
    if next_id is not None:
        links.append(f'<{url}?{_query(args, kept, "max_id", next_id)}>; rel="next"')
    if prev_id is not None:
        links.append(f'<{url}?{_query(args, kept, prev_name, prev_id)}>; rel="prev"')
    return ", ".join(links) or None


def _query(args: MultiDict[str, str], kept: Sequence[str], name: str, value: int) -> str:
    """Encode the kept parameters and one cursor as Rails does: each parameter, then sorted."""
    parts = [f"{name}={value}"]
    for key in kept:
        values = args.getlist(f"{key}[]")
        if values:
            encoded = quote_plus(f"{key}[]")
            parts.append("&".join(f"{encoded}={quote_plus(v)}" for v in values))
        elif key in args:
            parts.append(f"{quote_plus(key)}={quote_plus(args[key])}")
    return "&".join(sorted(parts))
