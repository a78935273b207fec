"""Lay out a post's words as a tweet: ``full_text`` with t.co links and its ``entities``.

X counts ``indices`` in characters of ``full_text``; a reply starts with the handles it answers,
which ``display_text_range`` leaves out. Links become 23-character t.co addresses.
"""

from __future__ import annotations

from amity.demo.items import Item
from amity.demo.jsformat import quote
from amity.demo.world import TwitterAccount

Rendered = tuple[str, int, str]
"""``full_text``, where the displayed text starts, and the entities as formatted JSON."""
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_EMPTY = '{\n        "hashtags" : [ ],\n        "symbols" : [ ],\n        "user_mentions" : [ ],\n        "urls" : [ ]\n      }'  # noqa: E501


def render(item: Item, user: TwitterAccount) -> Rendered:
    """Return a tweet's text and entities: reply handles first, then words, link and hashtags."""
    text = item.text
    assert text is not None
    pieces: list[str] = []
    mentions: list[str] = []
    named = {id(part) for part in text.parts if not isinstance(part, str)}
    position = 0
    if item.parent is not None:
        for person in item.mentions:
            if id(person) not in named and person.twitter:
                handle = f"@{person.twitter.screen_name}"
                mentions.append(_mention(person.twitter, position, position + len(handle)))
                pieces.append(handle + " ")
                position += len(handle) + 1
    start = position
    for part in text.parts:
        if isinstance(part, str):
            pieces.append(part)
            position += len(part)
        elif part.twitter:
            handle = f"@{part.twitter.screen_name}"
            mentions.append(_mention(part.twitter, position, position + len(handle)))
            pieces.append(handle)
            position += len(handle)
    urls: list[str] = []
    if text.link:
        short = tco(item.id)
        urls.append(_url(short, text.link, position + 1))
        pieces.append(" " + short)
        position += 1 + len(short)
    tags: list[str] = []
    for tag in text.hashtags:
        tags.append(_hashtag(tag, position + 1, position + 2 + len(tag)))
        pieces.append(f" #{tag}")
        position += 2 + len(tag)
    return "".join(pieces), start, _entities(tags, mentions, urls)


def render_retweet(item: Item) -> Rendered:
    """Return a retweet as the archive keeps it: ``RT @author: words``, cut at 140 characters."""
    target = item.target
    assert target is not None and target.author is not None and target.text is not None
    account = target.author.twitter
    assert account is not None
    full = f"RT @{account.screen_name}: {target.text.plain()}"
    if len(full) > 140:
        full = full[:139] + "…"
    mention = _mention(account, 3, 4 + len(account.screen_name))
    return full, 0, _entities([], [mention], [])


def tco(number: int) -> str:
    """Return a t.co address derived from ``number`` (deterministic, ten base-62 characters)."""
    value = (number * 2_654_435_761) % 62**10
    chars = []
    for _ in range(10):
        value, digit = divmod(value, 62)
        chars.append(_BASE62[digit])
    return "https://t.co/" + "".join(chars)


def _entities(tags: list[str], mentions: list[str], urls: list[str]) -> str:
    if not (tags or mentions or urls):
        return _EMPTY
    return (
        f'{{\n        "hashtags" : {_list(tags)},\n        "symbols" : [ ],\n'
        f'        "user_mentions" : {_list(mentions)},\n        "urls" : {_list(urls)}\n      }}'
    )


def _list(items: list[str]) -> str:
    if not items:
        return "[ ]"
    return "[\n" + ",\n".join(items) + "\n        ]"


def _indices(first: int, last: int) -> str:
    return f'[\n              "{first}",\n              "{last}"\n            ]'


def _mention(account: TwitterAccount, first: int, last: int) -> str:
    return (
        f'          {{\n            "name" : {quote(account.display_name)},\n'
        f'            "screen_name" : "{account.screen_name}",\n'
        f'            "indices" : {_indices(first, last)},\n'
        f'            "id_str" : "{account.user_id}",\n            "id" : "{account.user_id}"\n'
        "          }"
    )


def _hashtag(tag: str, first: int, last: int) -> str:
    return (
        f'          {{\n            "text" : {quote(tag)},\n'
        f'            "indices" : {_indices(first, last)}\n          }}'
    )


def _url(short: str, expanded: str, first: int) -> str:
    shown = expanded.split("://", 1)[-1].removeprefix("www.")
    if len(shown) > 26:
        shown = shown[:26] + "…"
    return (
        f'          {{\n            "url" : "{short}",\n'
        f'            "expanded_url" : {quote(expanded)},\n'
        f'            "display_url" : {quote(shown)},\n'
        f'            "indices" : {_indices(first, first + len(short))}\n          }}'
    )
