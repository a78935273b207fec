"""The local Bluesky network harness works, seen through the Python atproto SDK that amity uses."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import libipld
import pytest
from atproto import CAR, Client, Session, models
from atproto.exceptions import AtProtocolError

from tests.bluesky_network import fixture
from tests.bluesky_network.fixture import BlueskyNetwork, BlueskyNetworkError, Scenario

APP_PASSWORD = re.compile(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}")


@pytest.fixture(scope="module")
def scenario(bluesky_network: BlueskyNetwork) -> Scenario:
    """The standard scenario, built once for this module."""
    return bluesky_network.scenario()


def login(network: BlueskyNetwork, handle: str, password: str) -> Client:
    """A logged-in SDK client, made as amity makes it: from the service address only."""
    client = Client(base_url=network.service)
    client.login(handle, password)
    return client


def scope(client: Client) -> str | None:
    """The scope of the client's session, as the PDS wrote it in the access token."""
    payload = Session.decode(client.export_session_string()).access_jwt_payload
    return str(payload.scope) if payload.scope is not None else None


def test_an_app_password_logs_in_with_the_app_password_scope(
    bluesky_network: BlueskyNetwork, scenario: Scenario
) -> None:
    user = scenario.user
    assert APP_PASSWORD.fullmatch(user.app_password)
    assert not APP_PASSWORD.fullmatch(user.password)

    client = login(bluesky_network, user.handle, user.app_password)

    assert scope(client) == "com.atproto.appPass"
    assert client.me is not None
    assert (client.me.did, client.me.handle) == (user.did, user.handle)
    assert client.me.display_name == scenario.display_names[user.did]
    assert scope(login(bluesky_network, user.handle, user.password)) == "com.atproto.access"
    with pytest.raises(AtProtocolError):  # only the account password may make app passwords
        client.com.atproto.server.create_app_password({"name": "not allowed"})


def test_privileged_and_revoked_app_passwords(bluesky_network: BlueskyNetwork) -> None:
    account = bluesky_network.account("keys")
    privileged = bluesky_network.app_password(account.did, "admin", privileged=True)

    client = login(bluesky_network, account.handle, privileged.password)

    assert scope(client) == "com.atproto.appPassPrivileged"
    bluesky_network.revoke_app_password(account.did, "admin")
    with pytest.raises(AtProtocolError):
        login(bluesky_network, account.handle, privileged.password)


def test_accounts_get_unique_handles(bluesky_network: BlueskyNetwork) -> None:
    first, second = bluesky_network.account("same"), bluesky_network.account("same")

    assert first.handle != second.handle
    assert first.handle.startswith("same-")
    assert first.handle.endswith(".test")
    assert bluesky_network.account("Zoë, with a long name!").handle.startswith("zowithalong-")


def test_the_user_gets_exactly_the_scenario_notifications(
    bluesky_network: BlueskyNetwork, scenario: Scenario
) -> None:
    client = login(bluesky_network, scenario.user.handle, scenario.user.app_password)
    seen: list[models.AppBskyNotificationListNotifications.Notification] = []
    cursor = None
    while True:
        page = client.app.bsky.notification.list_notifications({"limit": 5, "cursor": cursor})
        seen += page.notifications
        cursor = page.cursor
        if not page.notifications or cursor is None:
            break

    assert Counter(n.reason for n in seen) == scenario.expected_counts
    assert scenario.expected_counts == {
        "follow": 4,
        "reply": 4,
        "quote": 1,
        "mention": 1,
        "like": 3,
        "repost": 2,
    }
    expected = {
        (n.reason, n.author, n.uri, n.reason_subject) for n in scenario.expected_notifications
    }
    assert {(n.reason, n.author.did, n.uri, n.reason_subject) for n in seen} == expected
    raw = bluesky_network.notifications(scenario.user.did)
    assert [n["uri"] for n in raw] == [n.uri for n in seen]


def test_the_thread_shows_every_reply_in_place(
    bluesky_network: BlueskyNetwork, scenario: Scenario
) -> None:
    client = Client(base_url=bluesky_network.service)
    client.login(scenario.friends[0].handle, scenario.friends[0].app_password)
    parent_of: dict[str, str] = {}

    def walk(view: models.AppBskyFeedDefs.ThreadViewPost) -> None:
        for reply in view.replies or []:
            assert isinstance(reply, models.AppBskyFeedDefs.ThreadViewPost)
            parent_of[reply.post.uri] = view.post.uri
            walk(reply)

    thread = client.get_post_thread(scenario.question.uri, depth=10).thread
    assert isinstance(thread, models.AppBskyFeedDefs.ThreadViewPost)
    walk(thread)

    ana, ben, cai, user_answer, ben_again = scenario.replies
    assert parent_of == {
        ana.uri: scenario.question.uri,
        ben.uri: scenario.question.uri,
        cai.uri: ana.uri,
        user_answer.uri: ben.uri,
        ben_again.uri: user_answer.uri,
    }
    assert {reply.reply_root for reply in scenario.replies} == {scenario.question.uri}
    assert thread.post.reply_count == 2


def test_mentions_and_links_have_utf8_byte_facets(
    bluesky_network: BlueskyNetwork, scenario: Scenario
) -> None:
    ana = scenario.friends[0]
    link = "https://example.com/caf%C3%A9"
    post = bluesky_network.post(
        scenario.user.did, "Café ☕ with", mentions=[ana.did], links=[link], langs=["fr"]
    )
    client = login(bluesky_network, scenario.user.handle, scenario.user.app_password)

    record = client.get_post(post.uri.rsplit("/", 1)[1], scenario.user.did).value

    assert record.text == post.text == f"Café ☕ with @{ana.handle} {link}"
    assert record.langs == ["fr"]
    text = record.text.encode()
    spans = {text[f.index.byte_start : f.index.byte_end].decode() for f in record.facets or []}
    assert spans == {f"@{ana.handle}", link}


def test_the_export_is_the_users_repository_as_a_car_file(
    bluesky_network: BlueskyNetwork, scenario: Scenario, tmp_path: Path
) -> None:
    data = bluesky_network.repo_car(scenario.user.did)
    header, blocks = libipld.decode_car(data)
    car = CAR.from_bytes(data)

    assert header["version"] == 1
    assert len(header["roots"]) == 1
    commit = car.blocks[car.root]
    assert (commit["did"], commit["version"]) == (scenario.user.did, 3)
    posts = {b["text"] for b in blocks.values() if b.get("$type") == "app.bsky.feed.post"}
    mine = (scenario.question, scenario.user_answer, scenario.announcement, scenario.unanswered)
    assert {post.text for post in mine} <= posts
    path = bluesky_network.export_repo(scenario.user.did, tmp_path / "repo.car")
    assert CAR.from_bytes(path.read_bytes()).root == car.root


def test_a_missing_prerequisite_fails_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fixture, "NODE", tmp_path / "node")

    with pytest.raises(BlueskyNetworkError, match=r"Node 22 is not at .*setup\.sh"):
        fixture.find_tools()
