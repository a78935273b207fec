"""Lay out a post's words as a Bluesky record's ``text`` and ``facets``.

Facets point into the text by UTF-8 byte offsets (``byteStart`` inclusive, ``byteEnd``
exclusive), as the lexicon ``app.bsky.richtext.facet`` says: a mention names a DID, a link a URI,
a hashtag its tag without the ``#``. Bluesky replies carry no handles in front of the words (the
reply reference says whom they answer), so only the people the words name are mentioned.
"""

from __future__ import annotations

from typing import Any

from amity.demo.text import Text
from amity.demo.world import Person

FACET = "app.bsky.richtext.facet"


def render(text: Text[Person]) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(text, facets)`` for a post's words."""
    pieces: list[str] = []
    facets: list[dict[str, Any]] = []
    size = 0
    for part in text.parts:
        if isinstance(part, str):
            pieces.append(part)
            size += len(part.encode())
            continue
        account = part.bluesky
        if account is None:
            pieces.append(part.display_name)
            size += len(part.display_name.encode())
            continue
        handle = f"@{account.handle}"
        facets.append(_facet(size, len(handle), {"$type": f"{FACET}#mention", "did": account.did}))
        pieces.append(handle)
        size += len(handle)
    if text.link:
        pieces.append(" ")
        facets.append(
            _facet(size + 1, len(text.link), {"$type": f"{FACET}#link", "uri": text.link})
        )
        pieces.append(text.link)
        size += 1 + len(text.link)
    for tag in text.hashtags:
        shown = f" #{tag}"
        facets.append(_facet(size + 1, len(shown) - 1, {"$type": f"{FACET}#tag", "tag": tag}))
        pieces.append(shown)
        size += len(shown.encode())
    return "".join(pieces), facets


def _facet(start: int, length: int, feature: dict[str, str]) -> dict[str, Any]:
    return {"index": {"byteStart": start, "byteEnd": start + length}, "features": [feature]}
