"""Write the user's X archive: ``data/*.js`` files in the current ``window.YTD`` layout.

Tweets are formatted from a fixed skeleton (every number a string, ``"key" : value``, empty
arrays as ``[ ]``) rather than by a general pretty-printer, which keeps writing fast; the small
files go through ``jsformat.pretty``. Tweets, tweet headers and likes are written newest first,
as X does.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from amity.demo.ids import iso_ms, twitter_time
from amity.demo.items import BOOST, LIKE, Item
from amity.demo.jsformat import NewestFirst, quote
from amity.demo.twitter_text import Rendered, render, render_retweet
from amity.demo.world import Persona

SOURCES = (
    '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
)


class TwitterWriter:
    """Stream the user's items into tweets.js, tweet-headers.js and like.js."""

    def __init__(self, data: Path, persona: Persona) -> None:
        self._data = data
        self._user = persona.twitter
        self.counts = {"twitter_posts": 0, "twitter_retweets": 0, "twitter_likes": 0}

    def write(self, items: Iterable[Item]) -> None:
        """Write the three streamed files from ``items`` (in time order)."""
        self._data.mkdir(parents=True, exist_ok=True)
        tweets, headers, likes = (NewestFirst(self._data) for _ in range(3))
        user_id = self._user.user_id
        for item in items:
            if item.kind == LIKE:
                likes.add(_like(item, self._user.screen_name))
                self.counts["twitter_likes"] += 1
                continue
            tweets.add(self._tweet(item))
            headers.add(_header(item, user_id))
            self.counts["twitter_retweets" if item.kind == BOOST else "twitter_posts"] += 1
        tweets.write(self._data / "tweets.js", "YTD.tweets.part0")
        headers.write(self._data / "tweet-headers.js", "YTD.tweet_headers.part0")
        likes.write(self._data / "like.js", "YTD.like.part0")

    def _tweet(self, item: Item) -> str:
        rendered = render_retweet(item) if item.kind == BOOST else render(item, self._user)
        reply = _reply_fields(item, self._user.user_id, self._user.screen_name)
        retweets = item.shares if item.kind != BOOST else item.id % 7
        return _skeleton(
            item,
            rendered,
            reply,
            favorites=0 if item.kind == BOOST else item.likes,
            retweets=retweets,
        )


def _reply_fields(item: Item, user_id: str, screen_name: str) -> tuple[str, str, str]:
    """Return the in_reply_to values (status, user, screen name), or empty strings."""
    parent = item.parent
    if parent is None:
        return ("", "", "")
    account = parent.author.twitter if parent.author else None
    if account is None:
        return (str(parent.id), user_id, screen_name)
    return (str(parent.id), account.user_id, account.screen_name)


def _skeleton(
    item: Item, rendered: Rendered, reply: tuple[str, str, str], *, favorites: int, retweets: int
) -> str:
    """Format one tweet exactly as X's archive lays it out."""
    tweet_id = str(item.id)
    status, to_user, to_name = reply
    text, start, entities = rendered
    sensitive = '      "possibly_sensitive" : false,\n' if '"expanded_url"' in entities else ""
    editable = iso_ms(item.ms + 3_600_000)
    return (
        f'  {{\n    "tweet" : {{\n      "edit_info" : {{\n        "initial" : {{\n'
        f'          "editTweetIds" : [\n            "{tweet_id}"\n          ],\n'
        f'          "editableUntil" : "{editable}",\n          "editsRemaining" : "5",\n'
        f'          "isEditEligible" : {"false" if status else "true"}\n        }}\n      }},\n'
        f'      "retweeted" : false,\n      "source" : {quote(SOURCES[item.id % 5 < 2])},\n'
        f'      "entities" : {entities},\n'
        f'      "display_text_range" : [\n        "{start}",\n        "{len(text)}"\n      ],\n'
        f'      "favorite_count" : "{favorites}",\n'
        + (f'      "in_reply_to_status_id_str" : "{status}",\n' if status else "")
        + f'      "id_str" : "{tweet_id}",\n'
        + (f'      "in_reply_to_user_id" : "{to_user}",\n' if status else "")
        + f'      "truncated" : false,\n      "retweet_count" : "{retweets}",\n'
        f'      "id" : "{tweet_id}",\n'
        + (f'      "in_reply_to_status_id" : "{status}",\n' if status else "")
        + sensitive
        + f'      "created_at" : "{twitter_time(item.at)}",\n      "favorited" : false,\n'
        f'      "full_text" : {quote(text)},\n      "lang" : "en"'
        + (
            f',\n      "in_reply_to_screen_name" : "{to_name}",\n'
            f'      "in_reply_to_user_id_str" : "{to_user}"'
            if status
            else ""
        )
        + "\n    }\n  }"
    )


def _header(item: Item, user_id: str) -> str:
    return (
        f'  {{\n    "tweet" : {{\n      "tweet_id" : "{item.id}",\n'
        f'      "user_id" : "{user_id}",\n      "created_at" : "{twitter_time(item.at)}"\n'
        "    }\n  }"
    )


def _like(item: Item, screen_name: str) -> str:
    target = item.target
    assert target is not None and target.text is not None
    words = target.text.plain()
    if target.to_user:
        words = f"@{screen_name} {words}"
    return (
        f'  {{\n    "like" : {{\n      "tweetId" : "{target.id}",\n'
        f'      "fullText" : {quote(words)},\n'
        f'      "expandedUrl" : "https://twitter.com/i/web/status/{target.id}"\n    }}\n  }}'
    )
