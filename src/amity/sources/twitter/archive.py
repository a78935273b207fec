"""Read an X (Twitter) account archive: the ``window.YTD.*`` layout, or the 2012-2018 one.

The current layout keeps every data type in ``data/<name>.js`` (``window.YTD.tweets.part0 = [...]``)
and splits large ones into ``<name>-part1.js``, ``<name>-part2.js``, … Older exports named the
tweet file ``tweet.js``; people often zip the ``data`` folder itself, so members are looked up
both under ``data/`` and at the top. Archives from before 2019 are read by ``legacy``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from amity.errors import SourceError
from amity.model import Account, Interaction, InteractionKind, Post, Problem, Record
from amity.sources.container import Container
from amity.sources.items import ItemError
from amity.sources.jsonstream import iter_javascript_array
from amity.sources.twitter import legacy
from amity.sources.twitter.members import find_members, read_small_file, read_tweet_file
from amity.sources.twitter.normalize import (
    AccountBook,
    TweetNormalizer,
    parse_optional_time,
    parse_time,
    unescape,
)

_HINT_OWNER = "Pass the whole archive as X delivered it: it holds data/account.js or manifest.js."


def detect(container: Container) -> bool:
    """Return True if ``container`` holds an X archive of either layout."""
    return _is_current(container) or legacy.detect(container)


def read(container: Container) -> Iterator[Record]:
    """Yield the owner's account, then tweets, direct messages, likes and follows."""
    if not _is_current(container):
        yield from legacy.read(container)
        return
    owner = read_owner(container)
    yield owner
    book = AccountBook(owner)
    normalizer = TweetNormalizer(book)
    for name in find_members(container, "tweets", "tweet"):
        yield from read_tweet_file(container, name, normalizer)
    for name in find_members(container, "direct-messages", "direct-message"):
        yield from _read_messages(container, name, book, group=False)
    for name in find_members(container, "direct-messages-group", "direct-message-group"):
        yield from _read_messages(container, name, book, group=True)
    yield from _read_likes(container, owner)
    yield from _read_follows(container, book)


def _is_current(container: Container) -> bool:
    owner_files = ("data/account.js", "account.js", "data/manifest.js", "manifest.js")
    return container.find(*owner_files) is not None or bool(
        find_members(container, "tweets", "tweet")
    )


# -- the owner ------------------------------------------------------------------------------


def read_owner(container: Container) -> Account:
    """Return the archive owner's account from account.js (or manifest.js) and profile.js."""
    profile = _first_entry(container, "profile", "profile") or {}
    account = _first_entry(container, "account", "account")
    if account is not None and account.get("accountId") and account.get("username"):
        names = ("accountId", "username", "accountDisplayName")
        return _owner(account, names, account.get("createdAt"), profile)
    manifest = _small_value(container, "manifest")
    info = manifest.get("userInfo") if isinstance(manifest, dict) else None
    if isinstance(info, dict) and info.get("accountId") and info.get("userName"):
        return _owner(info, ("accountId", "userName", "displayName"), None, profile)
    raise SourceError(
        "has no account.js or manifest.js naming the archive's owner",
        file=str(container.path),
        hint=_HINT_OWNER,
    )


def _owner(
    account: dict[str, Any], names: tuple[str, str, str], created: Any, profile: dict[str, Any]
) -> Account:
    """Build the owner from the id, handle and name fields ``names`` picks out of ``account``."""
    description = profile.get("description") or {}
    avatar = profile.get("avatarMediaUrl")
    handle = str(account[names[1]])
    return Account(
        "twitter",
        str(account[names[0]]),
        handle,
        account.get(names[2]) or None,
        f"https://x.com/{handle}",
        bio=description.get("bio") or None,
        website=description.get("website") or None,
        # Some archives point at a file inside the archive; only a web address is kept.
        avatar_url=avatar if isinstance(avatar, str) and avatar.startswith("http") else None,
        created_at=parse_optional_time(created),
        is_own=True,
        raw={"account": account, "profile": profile},
    )


def _small_value(container: Container, stem: str) -> Any:
    name = container.find(f"data/{stem}.js", f"{stem}.js")
    return None if name is None else read_small_file(container, name)


def _first_entry(container: Container, stem: str, key: str) -> dict[str, Any] | None:
    value = _small_value(container, stem)
    first = value[0] if isinstance(value, list) and value else None
    entry = first.get(key) if isinstance(first, dict) else None
    return entry if isinstance(entry, dict) else None


# -- likes and follows ----------------------------------------------------------------------


def _iter_entries(
    container: Container, stem: str, key: str
) -> Iterator[tuple[str, int, dict[str, Any] | None, Any]]:
    """Yield (file, number, entry or None, item) for each ``{key: {...}}`` item of a file."""
    for name in find_members(container, stem):
        file = container.describe(name)
        with container.open(name) as raw:
            for index, item in enumerate(iter_javascript_array(raw, file=file, label=key), 1):
                entry = item.get(key) if isinstance(item, dict) else None
                yield file, index, (entry if isinstance(entry, dict) else None), item


def _read_likes(container: Container, owner: Account) -> Iterator[Record]:
    for file, index, like, item in _iter_entries(container, "like", "like"):
        tweet_id = like.get("tweetId") if like else None
        if not tweet_id:
            yield Problem(file, f"like {index}", "has no tweetId", "The like was skipped.")
            continue
        yield Interaction("twitter", "like", owner.ref, None, str(tweet_id), raw=item)


ACCOUNT_LISTS: tuple[tuple[str, str, InteractionKind, bool], ...] = (
    ("follower", "follower", "follow", True),
    ("following", "following", "follow", False),
    ("block", "blocking", "block", False),
    ("mute", "muting", "mute", False),
)
"""The archive's lists of accounts: file stem, item key, edge kind, and whether the edge points
at the owner (a follower) rather than from them. Each item names an account by id alone."""


def _read_follows(container: Container, book: AccountBook) -> Iterator[Record]:
    for stem, key, kind, towards_owner in ACCOUNT_LISTS:
        for file, index, entry, item in _iter_entries(container, stem, key):
            account_id = entry.get("accountId") if entry else None
            if not account_id:
                yield Problem(file, f"{stem} {index}", "has no accountId", "It was skipped.")
                continue
            new: list[Record] = []
            link = entry.get("userLink") if entry else None
            other = book.ref(str(account_id), None, None, new, url=link)
            yield from new
            actor, target = (other, book.owner) if towards_owner else (book.owner, other)
            yield Interaction("twitter", kind, actor, target, raw=item)


# -- direct messages ------------------------------------------------------------------------


def _read_messages(
    container: Container, name: str, book: AccountBook, *, group: bool
) -> Iterator[Record]:
    file = container.describe(name)
    with container.open(name) as raw:
        items = iter_javascript_array(raw, file=file, label="conversation")
        for index, item in enumerate(items, 1):
            conversation = item.get("dmConversation") if isinstance(item, dict) else None
            if not isinstance(conversation, dict):
                reason = "is not a dmConversation object"
                yield Problem(file, f"conversation {index}", reason, "It was skipped.")
                continue
            yield from _conversation(conversation, book, file, index, group=group)


def _conversation(
    conversation: dict[str, Any], book: AccountBook, file: str, index: int, *, group: bool
) -> Iterator[Record]:
    messages = conversation.get("messages") or []
    conversation_id = conversation.get("conversationId")
    out: list[Record] = []
    members = _participants(messages, book, out) if group else ()
    yield from out
    for number, message in enumerate(messages, 1):
        create = message.get("messageCreate") if isinstance(message, dict) else None
        if create is None:
            continue  # joinConversation, participantsJoin, welcome messages, …: not messages
        out = []
        try:
            _message(create, conversation_id, members, book, out)
        except (ItemError, AttributeError, KeyError, TypeError, ValueError) as error:
            reason = error.reason if isinstance(error, ItemError) else f"is malformed ({error})"
            message_id = create.get("id") if isinstance(create, dict) else None
            item = f"conversation {index} message {number} (id {message_id or 'missing'})"
            yield Problem(file, item, reason, "The message was skipped; the rest was imported.")
            continue
        yield from out


def _participants(messages: list[Any], book: AccountBook, out: list[Record]) -> tuple[str, ...]:
    """Return every account id seen in a group conversation, the owner included."""
    seen = {book.owner.platform_id: None}
    for message in messages:
        for event in message.values() if isinstance(message, dict) else ():
            if not isinstance(event, dict):
                continue
            for key in ("senderId", "initiatingUserId"):
                if event.get(key):
                    seen[str(event[key])] = None
            for key in ("participantsSnapshot", "userIds"):
                seen.update(dict.fromkeys(str(user) for user in event.get(key) or ()))
    for account_id in seen:
        book.ref(account_id, None, None, out)
    return tuple(seen)


def _message(
    create: dict[str, Any],
    conversation_id: str | None,
    members: tuple[str, ...],
    book: AccountBook,
    out: list[Record],
) -> None:
    message_id, sender_id = create.get("id"), create.get("senderId")
    if not message_id or not sender_id:
        raise ItemError("has no id or senderId")
    created_at = parse_time(create.get("createdAt"))
    sender = book.ref(str(sender_id), None, None, out)
    recipient_ids = [create["recipientId"]] if create.get("recipientId") else members
    recipients = tuple(book.ref(str(r), None, None, out) for r in recipient_ids if r != sender_id)
    text, links = _message_text(create)
    out.append(
        Post(
            platform="twitter",
            platform_id=str(message_id),
            author=sender,
            kind="dm",
            created_at=created_at,
            text=text,
            visibility="direct",
            url=f"https://x.com/messages/{conversation_id}" if conversation_id else None,
            thread_key=conversation_id,
            links=links,
            recipients=recipients,
            media_count=len(create.get("mediaUrls") or ()),
            raw=create,
        )
    )
    for recipient in recipients:
        out.append(Interaction("twitter", "dm", sender, recipient, str(message_id), created_at))


def _message_text(create: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Return the message text with t.co links expanded, and the links it carries."""
    text = unescape(create.get("text") or "")
    links: list[str] = []
    for url in create.get("urls") or ():
        short, expanded = url.get("url"), url.get("expanded")
        if short and expanded:
            text = text.replace(short, expanded)
            links.append(expanded)
    return text, tuple(links)
