"""Render a post's words as the HTML Mastodon stores in ``content``.

Mastodon wraps text in paragraphs, turns mentions into ``h-card`` links, hashtags into tag links
and URLs into links whose visible text is cut after 30 characters.
"""

from __future__ import annotations

import functools

from amity.demo.items import Item
from amity.demo.text import Text
from amity.demo.world import MastodonAccount, Person

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text: str) -> str:
    """Escape text for HTML as Mastodon does (quotes too)."""
    return text.translate(_ESCAPES)


@functools.cache
def mention(account: MastodonAccount) -> str:
    """Return the h-card link Mastodon writes for a mention."""
    return (
        f'<span class="h-card" translate="no"><a href="{account.url}" class="u-url mention">'
        f"@<span>{account.username}</span></a></span>"
    )


def hashtag(tag: str, host: str) -> str:
    """Return the link Mastodon writes for a hashtag."""
    return (
        f'<a href="https://{host}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
        f"#<span>{tag}</span></a>"
    )


def link(url: str) -> str:
    """Return the link Mastodon writes for a URL: scheme hidden, long paths cut with an ellipsis."""
    scheme, _, rest = url.partition("://")
    shown, hidden = rest[:30], rest[30:]
    style = "ellipsis" if hidden else ""
    return (
        f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener noreferrer" '
        f'translate="no"><span class="invisible">{scheme}://</span><span class="{style}">'
        f'{escape(shown)}</span><span class="invisible">{escape(hidden)}</span></a>'
    )


def content(item: Item, user: MastodonAccount) -> str:
    """Return the HTML of one of the user's posts: mentions first on replies, tags last."""
    assert item.text is not None
    return words_html(item.text, item.mentions, user.host, inline_tags=not item.id % 3)


def words_html(
    text: Text[Person], mentions: tuple[Person, ...], host: str, *, inline_tags: bool
) -> str:
    """Return a post's HTML: whom it addresses, its words, its link and its hashtags.

    Addressees come first unless the words name them; hashtags link to ``host``, the author's
    server, and stand in a paragraph of their own unless ``inline_tags``.
    """
    pieces: list[str] = []
    named = {id(part) for part in text.parts if not isinstance(part, str)}
    for person in mentions:
        if id(person) not in named and person.mastodon:
            pieces.append(mention(person.mastodon) + " ")
    for part in text.parts:
        if isinstance(part, str):
            pieces.append(escape(part))
        else:
            pieces.append(_named(part))
    if text.link:
        pieces.append(" " + link(text.link))
    body = "".join(pieces).replace("\n\n", "</p><p>").replace("\n", "<br />")
    if not text.hashtags:
        return f"<p>{body}</p>"
    tags = " ".join(hashtag(tag, host) for tag in text.hashtags)
    return f"<p>{body} {tags}</p>" if inline_tags else f"<p>{body}</p><p>{tags}</p>"


def _named(person: Person) -> str:
    if person.mastodon:
        return mention(person.mastodon)
    return escape(person.display_name)
