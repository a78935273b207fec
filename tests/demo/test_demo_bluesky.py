"""The atproto SDK, driven against the demo PDS; every answer parses with the SDK's own models.

Each response the server gives in these tests is parsed again with the model of its method
(``atproto_client.models.<nsid>.Response``), strictly and with string formats checked (DIDs,
handles, at:// URIs, CIDs, datetimes), and no object may carry a field its lexicon lacks.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from typing import Any

import httpx
import orjson
import pytest
from atproto import Client, exceptions, models
from atproto_client.models.utils import get_or_create
from pydantic import BaseModel
from tests.demo.servers import bluesky_client

from amity.demo import DemoWorld, generate
from amity.demo.bluesky_ids import micros_of_tid
from amity.demo.servers import DemoServers

REASON_OF = {
    "like": ("like",),
    "boost": ("repost",),
    "follow": ("follow",),
    "mention": ("mention",),
    "quote": ("quote",),
}
"""Notifications that each stand for one thing a person did to her. Not a like of a post she
reposted (``like-via-repost``: the like is the post author's); not every ``reply``: the AppView
also tells her of replies further down her threads, which answer someone else."""


OUTPUT_REFS = {"app.bsky.actor.getProfile": models.AppBskyActorDefs.ProfileViewDetailed}
"""Methods whose output is a reference to a definition, not an object of their own."""


class Recorder(httpx.BaseTransport):
    """Pass requests on to the demo servers and keep every JSON answer with its method."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.answers: list[tuple[str, int, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        nsid = request.url.path.removeprefix("/xrpc/")
        if body:
            self.answers.append((nsid, response.status_code, orjson.loads(body)))
        return httpx.Response(response.status_code, headers=response.headers, content=body)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    return generate(tmp_path_factory.mktemp("demo"), posts=800, seed=3)


@pytest.fixture(scope="module")
def servers(world: DemoWorld) -> DemoServers:
    return DemoServers(world.ground_truth.parent)


@pytest.fixture(scope="module")
def recorder(servers: DemoServers) -> Recorder:
    return Recorder(servers.httpx_transport())


@pytest.fixture(scope="module")
def client(servers: DemoServers, recorder: Recorder) -> Client:
    from atproto_client.request import Request

    client = Client(base_url=servers.bluesky_service, request=Request(transport=recorder))
    client.login(servers.bluesky_handle, servers.bluesky_app_password)
    return client


def all_notifications(client: Client) -> list[Any]:
    found, cursor = [], None
    while True:
        page = client.app.bsky.notification.list_notifications({"limit": 100, "cursor": cursor})
        found += page.notifications
        cursor = page.cursor
        if not cursor:
            return found


def test_notifications_page_to_the_end_and_match_the_ground_truth(
    client: Client, truth: dict[str, Any]
) -> None:
    notifications = all_notifications(client)
    times = [n.indexed_at for n in notifications]
    assert times == sorted(times, reverse=True) and len(set(times)) == len(times)
    seen = Counter(n.reason for n in notifications)
    expected = {
        key.removeprefix("bluesky_notifications_"): n
        for key, n in truth["counts"].items()
        if key.startswith("bluesky_notifications_")
    }
    assert dict(seen) == expected
    assert {"like", "repost", "follow", "reply", "mention", "quote"} <= set(seen)
    received: Counter[str] = Counter()
    for person in truth["people"]:
        for kind, n in person["received"].get("bluesky", {}).items():
            received[kind] += n
    for kind, reasons in REASON_OF.items():
        assert received[kind] == sum(seen[r] for r in reasons), kind
    mine = f"at://{truth['user']['bluesky']['did']}/"
    direct = [n for n in notifications if n.reason == "reply"]
    answering_her = sum(n.record.reply.parent.uri.startswith(mine) for n in direct)
    assert 0 < answering_her < len(direct)
    assert received["reply"] == answering_her
    likes = [n for n in notifications if n.reason == "like"]
    assert all(n.reason_subject and n.record.subject.uri == n.reason_subject for n in likes)


def test_threads_follows_records_and_chat(
    client: Client, servers: DemoServers, truth: dict[str, Any]
) -> None:
    replies = [n for n in all_notifications(client) if n.reason == "reply"]
    thread = client.get_post_thread(replies[0].uri, depth=10, parent_height=80).thread
    assert thread.post.uri == replies[0].uri and thread.parent is not None
    follows, cursor = [], None
    while True:
        page = client.get_follows(servers.bluesky_handle, cursor=cursor, limit=30)
        follows += page.follows
        cursor = page.cursor
        if not cursor:
            break
    assert len(follows) == truth["counts"]["bluesky_following"]
    posts, cursor = [], None
    while True:
        records = client.com.atproto.repo.list_records(
            {
                "repo": client.me.did,
                "collection": "app.bsky.feed.post",
                "limit": 100,
                "cursor": cursor,
            }
        )
        if not records.records:
            break
        posts += records.records
        cursor = records.cursor
    keys = [record.uri.rsplit("/", 1)[1] for record in posts]
    assert keys == sorted(keys, reverse=True), "newest first: TIDs sort by time"
    stamps = [micros_of_tid(key) for key in keys]
    assert stamps == sorted(stamps, reverse=True)
    assert len(posts) == truth["counts"]["bluesky_posts"]
    chat = client.with_bsky_chat_proxy()
    convos = chat.chat.bsky.convo.list_convos({"limit": 100}).convos
    assert convos
    messages = chat.chat.bsky.convo.get_messages({"convo_id": convos[0].id}).messages
    assert messages and messages[0].id == convos[0].last_message.id


def test_sessions_refresh_and_end(servers: DemoServers) -> None:
    client = bluesky_client(servers)
    old = client.export_session_string()
    client._refresh_and_set_session()
    assert client.export_session_string() != old
    assert client.com.atproto.server.get_session().did == client.me.did
    refresh = client._get_refresh_auth_headers()
    assert client.com.atproto.server.delete_session(headers=refresh)
    with pytest.raises(exceptions.BadRequestError):
        client.com.atproto.server.refresh_session(headers=refresh)


def test_only_the_app_password_opens_a_session(servers: DemoServers) -> None:
    from atproto_client.request import Request

    client = Client(
        base_url=servers.bluesky_service, request=Request(transport=servers.httpx_transport())
    )
    with pytest.raises(exceptions.UnauthorizedError) as refused:
        client.login(servers.bluesky_handle, "not-the-password")
    assert refused.value.response is not None
    content = refused.value.response.content
    assert content.error == "AuthenticationRequired"
    assert content.message == "Invalid identifier or password"
    assert re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", servers.bluesky_app_password)
    assert re.fullmatch(
        r"did:plc:[a-z2-7]{24}",
        client.com.atproto.identity.resolve_handle({"handle": servers.bluesky_handle}).did,
    )


def test_the_chat_needs_the_proxy_header(client: Client) -> None:
    with pytest.raises(exceptions.BadRequestError):
        client.chat.bsky.convo.list_convos()


def test_every_answer_parses_strictly_with_the_sdks_models(
    client: Client, recorder: Recorder
) -> None:
    me = client.me.did
    page = client.app.bsky.notification.list_notifications({"limit": 100})
    client.app.bsky.notification.list_notifications({"limit": 100, "cursor": page.cursor})
    post = next(n for n in page.notifications if n.reason == "reply")
    quote = next(n for n in all_notifications(client) if n.reason == "quote")
    client.get_post_thread(post.uri)
    client.get_posts([post.uri, quote.uri])
    client.get_profile(me)
    client.get_profiles([me, post.author.did])
    client.get_followers(me, limit=10)
    client.get_follows(me, limit=10)
    for collection in (
        "app.bsky.feed.post",
        "app.bsky.feed.like",
        "app.bsky.feed.repost",
        "app.bsky.graph.follow",
    ):
        client.com.atproto.repo.list_records({"repo": me, "collection": collection})
    chat = client.with_bsky_chat_proxy()
    convo = chat.chat.bsky.convo.list_convos().convos[0]
    chat.chat.bsky.convo.get_messages({"convo_id": convo.id})
    client.com.atproto.server.get_session()
    client.com.atproto.server.describe_server()
    checked = set()
    for nsid, status, body in recorder.answers:
        if status != 200:
            assert set(body) == {"error", "message"}, body
            continue
        module = importlib.import_module(
            "atproto_client.models." + re.sub(r"(?<!^)(?=[A-Z])", "_", nsid).lower()
        )
        model = getattr(module, "Response", None) or OUTPUT_REFS[nsid]
        parsed = get_or_create(body, model, strict=True, strict_string_format=True)
        assert_no_extra_fields(parsed, nsid)
        checked.add(nsid)
    assert {
        "app.bsky.notification.listNotifications",
        "app.bsky.feed.getPostThread",
        "app.bsky.graph.getFollows",
        "com.atproto.repo.listRecords",
        "chat.bsky.convo.listConvos",
        "chat.bsky.convo.getMessages",
        "com.atproto.server.createSession",
        "app.bsky.actor.getProfile",
    } <= checked


def assert_no_extra_fields(value: Any, where: str) -> None:
    """Fail if any parsed object carries a field its lexicon does not define."""
    if isinstance(value, BaseModel):
        assert not value.model_extra, (where, type(value).__name__, value.model_extra)
        for name in type(value).model_fields:
            assert_no_extra_fields(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list | tuple):
        for item in value:
            assert_no_extra_fields(item, where)
