"""Turn Mastodon REST API entities (Status, Account, Notification, …) into records.

The API names things by the ids of the user's own instance (every status and account it knows
gets a local number), while amity keys them, as the archive does, by their ActivityPub URIs. An
``EntityReader`` remembers each id it has seen beside its URI, is told the ones already stored,
and so gives a reply the URI of the post it answers. A reply to one of the user's own posts needs
no memory: a local status's URI is its author's URI, ``/statuses/`` and its id.

Entities come as Mastodon.py returns them (dicts, with times already parsed) or as the plain JSON
of a response; both are read. Servers before 4.x do not send an account's ``uri``: it is then
derived from its address by Mastodon's convention (``name@host`` → ``https://host/users/name``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from amity.model import (
    Account,
    AccountRef,
    ApiId,
    Interaction,
    InteractionKind,
    Notification,
    Post,
    Record,
    Visibility,
)
from amity.sources.edges import edges_of
from amity.sources.html import html_to_text, read_post_html
from amity.sources.items import ItemError
from amity.sources.mastodon.normalize import host_of, website_of, with_warning
from amity.sources.times import parse_time as parse_iso

Entity = Mapping[str, Any]
STATUS, ACCOUNT = "status", "account"

VISIBILITY: dict[str, Visibility] = {
    "public": "public",
    "unlisted": "unlisted",
    "private": "followers",
    "direct": "direct",
}
SIMPLE_EDGES: dict[str, InteractionKind] = {
    "favourite": "like",
    "reblog": "boost",
    "follow": "follow",
}
"""Notifications that stand for one interaction of their account with the user."""


def parse_api_time(value: object) -> datetime:
    """Return an API time (a datetime from Mastodon.py, or ISO 8601 text) as aware UTC."""
    return parse_iso(value, field="time")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _count(value: object) -> int | None:
    return value if type(value) is int and value >= 0 else None


class EntityReader:
    """Read the entities of one account's instance, remembering ids beside URIs as it goes."""

    def __init__(self, owner: Account, *, owner_api_id: str, instance: str) -> None:
        self.owner = owner.ref
        self.owner_api_id = owner_api_id
        self.host = host_of(instance) or instance
        self._statuses: dict[str, str] = {}
        self._accounts: dict[str, AccountRef] = {owner_api_id: self.owner}
        self._learnt: list[ApiId] = []

    # -- ids ------------------------------------------------------------------------------------

    def wanted(self, entities: Iterable[Entity]) -> set[tuple[str, str]]:
        """Return the (kind, id) pairs the entities refer to that this reader does not know."""
        found: set[tuple[str, str]] = set()
        for status in _statuses_in(entities):
            parent = status.get("in_reply_to_id")
            if parent is not None and str(parent) not in self._statuses:
                found.add((STATUS, str(parent)))
            author = status.get("in_reply_to_account_id")
            if author is not None and str(author) not in self._accounts:
                found.add((ACCOUNT, str(author)))
        return found

    def remember(self, known: Mapping[tuple[str, str], str]) -> None:
        """Take ids already stored: (kind, id) → status URI or actor URI."""
        for (kind, api_id), platform_id in known.items():
            if kind == STATUS:
                self._statuses[api_id] = platform_id
            elif kind == ACCOUNT:
                self._accounts.setdefault(api_id, AccountRef("mastodon", platform_id))

    def take_learnt(self) -> tuple[ApiId, ...]:
        """Return the ids learnt since the last call, for the store to keep."""
        learnt, self._learnt = tuple(self._learnt), []
        return learnt

    def _learn_status(self, api_id: str, uri: str) -> None:
        if self._statuses.get(api_id) != uri:
            self._statuses[api_id] = uri
            self._learnt.append(ApiId(STATUS, api_id, uri))

    # -- accounts -------------------------------------------------------------------------------

    def account(self, entity: Entity) -> Account:
        """Return the account an Account entity describes, with its public figures."""
        self.ref(entity)
        found = read_account(entity, self.host)
        if found.platform_id == self.owner.platform_id:
            return replace(found, is_own=True)
        return found

    def ref(self, entity: Entity) -> AccountRef:
        """Return the reference to an Account entity (by its URI), and remember its id."""
        ref = _account_ref(entity, self.host)
        uri = ref.platform_id
        api_id = entity.get("id")
        if api_id is not None:
            key = str(api_id)
            if key not in self._accounts or self._accounts[key].handle is None:
                self._learnt.append(ApiId(ACCOUNT, key, uri))
            self._accounts[key] = ref
        return ref

    def _mentioned(self, mention: Entity) -> AccountRef | None:
        """Return the account a Mention names (id, username, url, acct; no URI)."""
        known = self._accounts.get(str(mention.get("id")))
        if known is not None and known.handle is not None:
            return known
        acct = _text(mention.get("acct"))
        if acct is None:
            return None
        handle = acct if "@" in acct else f"{acct}@{self.host}"
        uri = known.platform_id if known is not None else _actor_uri(handle)
        return AccountRef("mastodon", uri, handle)

    # -- statuses -------------------------------------------------------------------------------

    def status(self, entity: Entity) -> list[Record]:
        """Return the records of a Status: its author, the post, and the edges it makes."""
        reblog = entity.get("reblog")
        records: list[Record] = []
        if isinstance(reblog, Mapping):
            records += self.status(reblog)
        quoted = _quoted_status(entity)
        if quoted is not None:
            records += self.status(quoted)
        author = self.account(_mapping(entity.get("account"), "has no account"))
        post = self._post(entity, author.ref)
        records += [author, post, *edges_of(post)]
        return records

    def _post(self, entity: Entity, author: AccountRef) -> Post:
        uri = _text(entity.get("uri"))
        if uri is None:
            raise ItemError("is a status without a URI")
        api_id = entity.get("id")
        if api_id is not None:
            self._learn_status(str(api_id), uri)
        created_at = parse_api_time(entity.get("created_at"))
        reblog = entity.get("reblog")
        if isinstance(reblog, Mapping):
            boosted = self.ref(_mapping(reblog.get("account"), "boosts a status without account"))
            return Post(
                "mastodon",
                uri,
                author,
                "boost",
                created_at,
                visibility=VISIBILITY.get(str(entity.get("visibility")), "unknown"),
                url=_text(entity.get("url")),
                boost_of_id=_text(reblog.get("uri")),
                boost_of_author=boosted,
                raw=_kept(entity),
            )
        visibility = VISIBILITY.get(str(entity.get("visibility")), "unknown")
        mentions = tuple(
            ref
            for mention in entity.get("mentions") or ()
            if isinstance(mention, Mapping) and (ref := self._mentioned(mention)) is not None
        )
        hashtags = tuple(
            dict.fromkeys(
                name.lower()
                for tag in entity.get("tags") or ()
                if isinstance(tag, Mapping) and (name := _text(tag.get("name")))
            )
        )
        skip = frozenset(_tag_hrefs(entity))
        content = _text(entity.get("content")) or ""
        markup = read_post_html(content, skip=skip) if content else None
        quoted = _quoted_status(entity)
        quote_author = None
        if quoted is not None:
            quote_author = self.ref(_mapping(quoted.get("account"), "quotes without account"))
        reply_to, reply_author = self._parent(entity, mentions)
        return Post(
            "mastodon",
            uri,
            author,
            "dm" if visibility == "direct" else "post",
            created_at,
            text=with_warning(markup.text if markup else "", entity.get("spoiler_text")),
            html=(markup.html or None) if markup else None,
            language=_text(entity.get("language")),
            visibility=visibility,
            url=_text(entity.get("url")),
            reply_to_id=reply_to,
            reply_to_author=reply_author,
            quote_of_id=_text(quoted.get("uri")) if quoted is not None else None,
            quote_of_author=quote_author,
            links=markup.links if markup else (),
            hashtags=hashtags,
            mentions=mentions,
            recipients=tuple(m for m in mentions if m.platform_id != author.platform_id)
            if visibility == "direct"
            else (),
            media_count=len(entity.get("media_attachments") or ()),
            reply_count=_count(entity.get("replies_count")),
            boost_count=_count(entity.get("reblogs_count")),
            like_count=_count(entity.get("favourites_count")),
            raw=_kept(entity),
        )

    def _parent(
        self, entity: Entity, mentions: tuple[AccountRef, ...]
    ) -> tuple[str | None, AccountRef | None]:
        """Return the URI and author of the status this one answers, as far as known."""
        parent = entity.get("in_reply_to_id")
        if parent is None:
            return None, None
        author_id = str(entity.get("in_reply_to_account_id"))
        author = self._accounts.get(author_id)
        if author is None:
            author = next((m for m in mentions if self._mention_id(entity, m) == author_id), None)
        uri = self._statuses.get(str(parent))
        if uri is None and author_id == self.owner_api_id:
            # The user's own statuses are local: their URI is the actor's, /statuses/, the id.
            uri = f"{self.owner.platform_id}/statuses/{parent}"
        return uri, author

    def _mention_id(self, entity: Entity, ref: AccountRef) -> str | None:
        for mention in entity.get("mentions") or ():
            if isinstance(mention, Mapping) and self._mentioned(mention) == ref:
                return str(mention.get("id"))
        return None

    # -- notifications, conversations, threads --------------------------------------------------

    def notification(self, entity: Entity) -> list[Record]:
        """Return a Notification's records: the notice itself, its account, post and edges."""
        kind = _text(entity.get("type")) or "unknown"
        notice_id = entity.get("id")
        if notice_id is None:
            raise ItemError("is a notification without an id")
        created_at = parse_api_time(entity.get("created_at"))
        records: list[Record] = []
        actor: AccountRef | None = None
        account = entity.get("account")
        if isinstance(account, Mapping):
            found = self.account(account)
            actor = found.ref
            records.append(found)
        status = entity.get("status")
        post_id = None
        if isinstance(status, Mapping):
            records += self.status(status)
            post_id = _text(status.get("uri"))
        edge = SIMPLE_EDGES.get(kind)
        if edge is not None and actor is not None:
            target_post = post_id if edge != "follow" else None
            records.append(
                Interaction("mastodon", edge, actor, self.owner, target_post, created_at)
            )
        records.append(
            Notification(
                "mastodon",
                str(notice_id),
                self.owner,
                kind,
                created_at,
                actor,
                post_id,
                raw=_kept(entity),
            )
        )
        return records

    def conversation(self, entity: Entity) -> list[Record]:
        """Return a Conversation's records: its accounts and its last status."""
        records: list[Record] = [
            self.account(account)
            for account in entity.get("accounts") or ()
            if isinstance(account, Mapping)
        ]
        last = entity.get("last_status")
        if isinstance(last, Mapping):
            records += self.status(last)
        return records

    def context(self, entity: Entity) -> list[Record]:
        """Return the records of a Context: the ancestors and the descendants of a status."""
        records: list[Record] = []
        for part in ("ancestors", "descendants"):
            for status in entity.get(part) or ():
                if isinstance(status, Mapping):
                    records += self.status(status)
        return records


def read_account(entity: Entity, instance: str) -> Account:
    """Return the account an Account entity of ``instance`` describes, with its figures."""
    ref = _account_ref(entity, host_of(instance) or instance)
    note = _text(entity.get("note"))
    return Account(
        platform="mastodon",
        platform_id=ref.platform_id,
        handle=ref.handle,
        display_name=ref.display_name,
        url=_text(entity.get("url")),
        bio=html_to_text(note) if note else None,
        website=website_of(entity.get("fields")),
        avatar_url=_text(entity.get("avatar")),
        created_at=_maybe_time(entity.get("created_at")),
        followers_count=_count(entity.get("followers_count")),
        following_count=_count(entity.get("following_count")),
        posts_count=_count(entity.get("statuses_count")),
        is_bot=entity.get("bot") if isinstance(entity.get("bot"), bool) else None,
        is_group=entity.get("group") if isinstance(entity.get("group"), bool) else None,
    )


def _account_ref(entity: Entity, host: str) -> AccountRef:
    """Return the reference to an Account entity: its URI, handle and display name."""
    acct = _text(entity.get("acct")) or _text(entity.get("username"))
    if acct is None:
        raise ItemError("names an account without an address")
    handle = acct if "@" in acct else f"{acct}@{host}"
    uri = _text(entity.get("uri")) or _actor_uri(handle)
    return AccountRef("mastodon", uri, handle, _text(entity.get("display_name")))


def _statuses_in(entities: Iterable[Entity]) -> Iterable[Entity]:
    """Yield every Status inside the entities (notifications, conversations, contexts, statuses)."""
    for entity in entities:
        if "uri" in entity and "content" in entity:
            yield entity
            for inner in (entity.get("reblog"), _quoted_status(entity)):
                if isinstance(inner, Mapping):
                    yield from _statuses_in([inner])
        for key in ("status", "last_status"):
            inner = entity.get(key)
            if isinstance(inner, Mapping):
                yield from _statuses_in([inner])
        for key in ("ancestors", "descendants"):
            for inner in entity.get(key) or ():
                if isinstance(inner, Mapping):
                    yield from _statuses_in([inner])


_NESTED = ("account", "status", "reblog", "last_status")
"""Entities inside an entity that are stored as records of their own (with their payload)."""


def _kept(entity: Entity) -> dict[str, Any]:
    """Return an entity's payload to keep, with the entities nested in it named, not repeated.

    A notification's account and status, a status's author: each is stored as its own record
    with its own payload; repeating a 2 KB account in every notification it sent would make a
    year of notifications several times larger than what it says.
    """
    kept = dict(entity)
    for key in _NESTED:
        inner = kept.get(key)
        if isinstance(inner, Mapping):
            kept[key] = {name: inner[name] for name in ("id", "uri", "acct") if name in inner}
    quote = kept.get("quote")
    if isinstance(quote, Mapping) and isinstance(quote.get("quoted_status"), Mapping):
        inner = quote["quoted_status"]
        kept["quote"] = {**quote, "quoted_status": {"id": inner.get("id"), "uri": inner.get("uri")}}
    return kept


def _quoted_status(entity: Entity) -> Entity | None:
    """Return the status a post quotes (Mastodon 4.5's ``quote``), when the server shows it."""
    quote = entity.get("quote")
    if isinstance(quote, Mapping):
        quoted = quote.get("quoted_status")
        if isinstance(quoted, Mapping):
            return quoted
    return None


def _tag_hrefs(entity: Entity) -> Iterable[str]:
    for part in ("mentions", "tags"):
        for item in entity.get(part) or ():
            if isinstance(item, Mapping) and (url := _text(item.get("url"))):
                yield url


def _mapping(value: object, problem: str) -> Entity:
    if not isinstance(value, Mapping):
        raise ItemError(problem)
    return value


def _maybe_time(value: object) -> datetime | None:
    try:
        return parse_api_time(value) if value is not None else None
    except ItemError:
        return None


def _actor_uri(handle: str) -> str:
    """Return the actor URI Mastodon's convention gives ``name@host``."""
    name, _, host = handle.partition("@")
    return f"https://{host}/users/{name}"
