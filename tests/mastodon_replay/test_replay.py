"""The replay server, driven by Mastodon.py (and plain requests) as a real server would be."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonBadGatewayError,
    MastodonDeprecationWarning,
    MastodonInternalServerError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonUnauthorizedError,
)

from tests.mastodon_replay import (
    FIXTURES_DIR,
    NGINX_502_PAGE,
    TOO_MANY_REQUESTS_BODY,
    MastodonReplay,
    Query,
    Recording,
    load_cassette,
)

TOKEN = "__MASTODON_PY_TEST_ACCESS_TOKEN"
TOKEN_2 = "__MASTODON_PY_TEST_ACCESS_TOKEN_2"
LEGACY = "legacy-mastodon-3.1.1"
TEST_ACCOUNT = "117020565966271181"  # mastodonpy_test on the 4.6.4 server
LEGACY_TEST_ACCOUNT = "1234567890123456"  # mastodonpy_test on the 3.1.1 server
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def client(server: MastodonReplay, token: str = TOKEN, **options: Any) -> Mastodon:
    """Mastodon.py pointed at the replay server, as amity's sync would create it."""
    return Mastodon(
        access_token=token,
        api_base_url=server.url,
        version_check_mode="none",
        ratelimit_method="throw",
        **options,
    )


def recorded(cassette: str, method: str, path: str, nth: int = 0) -> Recording:
    """The nth recording of ``method path`` in a cassette."""
    matches = [r for r in load_cassette(cassette) if r.method == method and r.path == path]
    return matches[nth]


def recorded_json(cassette: str, method: str, path: str, nth: int = 0) -> Any:
    """The parsed body of that recording."""
    return json.loads(recorded(cassette, method, path, nth).body)


@pytest.fixture
def replay() -> Iterator[MastodonReplay]:
    """A server with the accounts, notifications and pagination recordings of Mastodon 4.6.4."""
    with MastodonReplay(
        ["test_verify_credentials", "test_notifications", "test_fetch_next_previous"]
    ) as server:
        yield server


# -- loading ---------------------------------------------------------------------------------------


def test_both_yaml_dialects_load_into_typed_records() -> None:
    current = load_cassette("test_notifications_exclude_and_types")
    legacy = load_cassette(f"{LEGACY}/test_notifications")

    get = current[4]
    assert (get.method, get.path) == ("GET", "/api/v1/notifications")
    assert get.query.get_all("types[]") == ("mention", "follow_request")
    assert get.query.get("exclude_types[]") == "follow_request"
    assert get.token == TOKEN
    assert get.response_headers.get("X-RateLimit-Limit") == "300"
    assert (get.response_headers.get("link") or "").startswith("<http://localhost:3000/")

    flow = legacy[1]
    assert (flow.method, flow.path, flow.status) == ("GET", "/api/v1/notifications", 200)
    assert flow.request_headers.get_all("Authorization") == (f"Bearer {TOKEN}",)
    assert flow.response_headers.get("Transfer-Encoding") == "chunked"
    assert flow.cassette == f"{LEGACY}/test_notifications"
    assert json.loads(flow.body)[0]["type"] == "mention"


def test_bodies_are_the_bytes_the_servers_sent() -> None:
    """Every recorded Content-Length equals the body's length: text is UTF-8, not re-encoded."""
    checked = 0
    for path in sorted(FIXTURES_DIR.rglob("*.yaml")):
        for recording in load_cassette(str(path.relative_to(FIXTURES_DIR))):
            length = recording.response_headers.get("Content-Length")
            if length is not None and "Content-Encoding" not in recording.response_headers:
                assert len(recording.body) == int(length), (recording.cassette, recording.index)
                checked += 1
    assert checked > 300


def test_query_multidict() -> None:
    query = Query.parse("limit=5&types%5B%5D=follow&types%5B%5D=mention&q=")
    assert query.get_all("types[]") == ("follow", "mention")
    assert query.get("q") == ""
    assert "limit" in query and "max_id" not in query
    assert query.same_as(Query.parse("types%5B%5D=follow&q=&limit=5&types%5B%5D=mention"))
    assert not query.same_as(Query.parse("limit=5"))


# -- replaying through Mastodon.py -----------------------------------------------------------------


def test_verify_credentials_returns_the_recorded_account(replay: MastodonReplay) -> None:
    account = client(replay).account_verify_credentials()
    expected = recorded_json(
        "test_verify_credentials", "GET", "/api/v1/accounts/verify_credentials"
    )
    assert account.id == expected["id"]
    assert account.acct == "mastodonpy_test"
    assert account.uri == expected["uri"]
    assert account.uri.startswith("http://localhost:3000/")  # data, never rewritten
    assert [entry.path for entry in replay.requests] == ["/api/v1/accounts/verify_credentials"]
    assert replay.requests[0].headers.get("Authorization") == f"Bearer {TOKEN}"


def test_notifications_returns_the_recorded_list(replay: MastodonReplay) -> None:
    notifications = client(replay).notifications()
    expected = recorded_json("test_notifications", "GET", "/api/v1/notifications")
    assert [n.id for n in notifications] == [n["id"] for n in expected]
    assert [n.type for n in notifications] == ["mention"]
    assert notifications[0].status.id == expected[0]["status"]["id"]


def test_fetch_next_follows_the_recorded_pages_then_finds_nothing(replay: MastodonReplay) -> None:
    api = client(replay)
    first = api.account_statuses(TEST_ACCOUNT, limit=5)
    second = api.fetch_next(first)
    assert second is not None
    beyond = api.fetch_next(second)

    pages = [
        recorded_json(
            "test_fetch_next_previous", "GET", f"/api/v1/accounts/{TEST_ACCOUNT}/statuses", n
        )
        for n in range(3)
    ]
    assert [s.id for s in first] == [s["id"] for s in pages[0]]
    assert [s.id for s in second] == [s["id"] for s in pages[1]]
    assert beyond == []
    assert api.fetch_next(beyond) is None  # no Link header beyond the end
    max_ids = [entry.query.get("max_id") for entry in replay.requests]
    assert max_ids == [None, "117020580489281910", "117020580452511285"]
    assert [entry.query.get("max_id") for entry in replay.unmatched] == ["117020580452511285"]

    previous = api.fetch_previous(second)  # min_id from page 2's Link: recorded (page 3 above)
    assert previous is not None
    assert [s.id for s in previous] == [s["id"] for s in pages[2]]


def test_link_headers_point_at_the_replay_and_bodies_stay_verbatim(replay: MastodonReplay) -> None:
    path = f"/api/v1/accounts/{TEST_ACCOUNT}/statuses"
    response = requests.get(f"{replay.url}{path}", params={"limit": "5"}, headers=AUTH)
    original = recorded("test_fetch_next_previous", "GET", path)
    assert response.status_code == 200
    assert response.content == original.body
    assert response.headers["Content-Length"] == str(len(original.body))
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["X-RateLimit-Remaining"] == original.response_headers.get(
        "x-ratelimit-remaining"
    )
    assert response.links["next"]["url"] == (
        f"{replay.url}{path}?limit=5&max_id=117020580489281910"
    )
    followed = requests.get(response.links["next"]["url"], headers=response.request.headers)
    assert followed.content == recorded("test_fetch_next_previous", "GET", path, 1).body


def test_legacy_3_1_1_recordings_replay() -> None:
    cassettes = [f"{LEGACY}/{name}" for name in ("test_account", "test_notifications")]
    with MastodonReplay([*cassettes, f"{LEGACY}/test_fetch_next_previous"]) as server:
        api = client(server)
        account = api.account(1)
        assert account.acct == "admin"
        assert account.uri is None  # Mastodon.py fills the field that 3.1.1 did not send
        raw = requests.get(f"{server.url}/api/v1/accounts/1", headers=AUTH).json()
        assert "uri" not in raw and raw["url"] == "http://localhost/@admin"
        notifications = api.notifications()
        assert [n.type for n in notifications] == ["mention"]
        assert notifications[0].id == "11"

        first = api.account_statuses(LEGACY_TEST_ACCOUNT, limit=5)
        second = api.fetch_next(first)
        assert second is not None and len(first) == len(second) == 5
        assert {s.id for s in first}.isdisjoint(s.id for s in second)
        assert api.fetch_next(second) == []

        raw = requests.get(f"{server.url}/api/v1/notifications", headers=AUTH)
        assert "Transfer-Encoding" not in raw.headers  # recorded as chunked, served with a length
        assert raw.headers["Content-Length"] == str(len(raw.content))
        assert raw.headers["Link"].startswith(f"<{server.url}/api/v1/notifications?max_id=11>")


def test_trailing_slash_is_insignificant() -> None:
    with MastodonReplay(["test_conversations"]) as server:
        headers = {"Authorization": "Bearer __MASTODON_PY_TEST_ACCESS_TOKEN_3"}
        with_slash = requests.get(f"{server.url}/api/v1/conversations/", headers=headers)
        without = requests.get(f"{server.url}/api/v1/conversations", headers=headers)
        assert with_slash.status_code == without.status_code == 200
        assert with_slash.content == without.content
        first = recorded("test_conversations", "GET", "/api/v1/conversations/")
        assert with_slash.content == first.body


def test_the_whole_query_decides_between_candidates() -> None:
    with MastodonReplay(["test_notifications_exclude_and_types"]) as server:
        api = client(server)
        assert api.notifications(types=["mention"], exclude_types=["follow_request"])
        assert api.notifications(types=["follow_request"], exclude_types=["mention"]) == []
        assert api.notifications(types=["mention"], exclude_types=["mention"]) == []
        # No exact match: the first recording of the path (the paging parameters agree).
        assert api.notifications(types=["poll"]) == []
        assert server.unmatched == ()


def test_sequential_paths_get_successive_recordings() -> None:
    with MastodonReplay(["test_grouped_notifications"]) as server:
        api = client(server)
        assert len(api.grouped_notifications(limit=10).notification_groups) == 1
        assert len(api.grouped_notifications(limit=10).notification_groups) == 1
    with MastodonReplay(
        ["test_grouped_notifications"], sequential=["/api/v2/notifications"]
    ) as server:
        api = client(server)
        groups = api.grouped_notifications(limit=10).notification_groups
        assert [(g.type, g.notifications_count) for g in groups] == [("favourite", 2)]
        assert api.grouped_notifications(limit=10).notification_groups == []
        assert api.grouped_notifications(limit=10).notification_groups == []  # the last repeats


def test_each_token_gets_its_own_user() -> None:
    with MastodonReplay(["test_verify_credentials", "test_conversations"]) as server:
        assert client(server).account_verify_credentials().acct == "mastodonpy_test"
        assert client(server, TOKEN_2).account_verify_credentials().acct == "admin"


def test_unknown_path_gets_the_recorded_404(replay: MastodonReplay) -> None:
    with pytest.raises(MastodonNotFoundError) as raised:
        client(replay).status("117020576916218297")
    assert raised.value.args[3] == "Not Found"
    response = requests.get(f"{replay.url}/api/v1/statuses/1", headers=AUTH)
    missing = load_cassette("test_status_missing")[0]
    assert (response.status_code, response.content) == (404, missing.body)
    assert response.content == b'{"error":"Not Found"}'
    assert [entry.path for entry in replay.unmatched] == [
        "/api/v1/statuses/117020576916218297",
        "/api/v1/statuses/1",
    ]


def test_localised_422_is_served_byte_for_byte() -> None:
    with MastodonReplay(["test_lang_for_errors"]) as server:
        response = requests.post(
            f"{server.url}/api/v1/statuses",
            data={"status": "a" * 501, "lang": "ja"},
            headers=AUTH,
        )
        assert response.status_code == 422
        assert response.reason == "Unprocessable Content"
        assert response.json() == {"error": "バリデーションに失敗しました: Text上限は500文字です"}
        assert response.content == recorded("test_lang_for_errors", "POST", "/api/v1/statuses").body


def test_instance_v1_carries_its_deprecation_header() -> None:
    with MastodonReplay(["test_instance", "test_instance_v1", "test_nodeinfo"]) as server:
        api = client(server)
        assert api.instance_v2().version == "4.6.4"
        with pytest.warns(MastodonDeprecationWarning):
            assert api.instance_v1().version == "4.6.4"
        nodeinfo = requests.get(f"{server.url}/.well-known/nodeinfo").json()
        # The discovery document names the recorded host: that is data, the client must cope.
        assert nodeinfo["links"][0]["href"] == "http://localhost:3000/nodeinfo/2.0"
        assert requests.get(f"{server.url}/nodeinfo/2.0").json()["software"]["name"] == "mastodon"


# -- authorization ---------------------------------------------------------------------------------


def test_revoked_token_gets_the_recorded_401(replay: MastodonReplay) -> None:
    api = client(replay)
    assert api.account_verify_credentials().acct == "mastodonpy_test"
    replay.revoke(TOKEN)
    with pytest.raises(MastodonUnauthorizedError) as raised:
        api.account_verify_credentials()
    assert raised.value.args[1:] == (401, "Unauthorized", "The access token is invalid")
    with pytest.raises(MastodonUnauthorizedError):
        api.notifications()
    response = requests.get(f"{replay.url}/api/v1/notifications", headers=AUTH)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Doorkeeper"')
    assert response.content == load_cassette("test_home_tl_anonymous_throws")[0].body


def test_unknown_tokens_are_refused_and_the_accepted_set_is_configurable() -> None:
    with (
        MastodonReplay(["test_verify_credentials"]) as server,
        pytest.raises(MastodonUnauthorizedError),
    ):
        client(server, "someone-else").account_verify_credentials()
    with MastodonReplay(["test_verify_credentials"], tokens=["mine"]) as server:
        assert client(server, "mine").account_verify_credentials().acct == "mastodonpy_test"
        with pytest.raises(MastodonUnauthorizedError):
            client(server).account_verify_credentials()


def test_oauth_revoke_endpoint_revokes_the_token(replay: MastodonReplay) -> None:
    api = client(replay, client_id="id", client_secret="secret")
    api.revoke_access_token()
    revoke = [entry for entry in replay.requests if entry.path == "/oauth/revoke"]
    assert len(revoke) == 1 and revoke[0].method == "POST"
    assert Query.parse(revoke[0].body.decode()).get("token") == TOKEN
    with pytest.raises(MastodonUnauthorizedError):
        client(replay).account_verify_credentials()
    answer = requests.post(f"{replay.url}/oauth/revoke", data={"token": "x"})
    assert (answer.status_code, answer.content) == (200, b"{}")


# -- faults ----------------------------------------------------------------------------------------


def test_fail_gives_a_500_once_then_the_recording(replay: MastodonReplay) -> None:
    replay.fail("/api/v1/notifications")
    api = client(replay)
    with pytest.raises(MastodonInternalServerError) as raised:
        api.notifications()
    assert raised.value.args[1:3] == (500, "Internal Server Error")
    assert [n.type for n in api.notifications()] == ["mention"]


def test_a_429_with_retry_after_raises_in_throw_mode(replay: MastodonReplay) -> None:
    seen: list[requests.Response] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response))
    replay.fail(
        "/api/v1/",
        status=429,
        body=TOO_MANY_REQUESTS_BODY,
        headers={"Retry-After": "30", "X-RateLimit-Remaining": "0"},
    )
    api = client(replay, session=session)
    with pytest.raises(MastodonRatelimitError):
        api.account_verify_credentials()
    assert seen[-1].status_code == 429
    assert seen[-1].headers["Retry-After"] == "30"
    assert seen[-1].headers["X-RateLimit-Remaining"] == "0"
    assert seen[-1].json() == {"error": "Too many requests"}
    assert api.account_verify_credentials().acct == "mastodonpy_test"


def test_an_html_502_page_from_the_proxy(replay: MastodonReplay) -> None:
    replay.fail(
        "/api/v1/notifications", times=2, status=502, body=NGINX_502_PAGE, content_type="text/html"
    )
    with pytest.raises(MastodonBadGatewayError):
        client(replay).notifications()
    response = requests.get(f"{replay.url}/api/v1/notifications")
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert b"<center><h1>502 Bad Gateway</h1></center>" in response.content
    assert client(replay).notifications()


def test_hold_blocks_the_chosen_request_until_released(replay: MastodonReplay) -> None:
    hold = replay.hold(f"/api/v1/accounts/{TEST_ACCOUNT}/statuses", after=1)
    api = client(replay)
    pages: list[Any] = []

    def sync() -> None:
        first = api.account_statuses(TEST_ACCOUNT, limit=5)
        pages.append(first)
        pages.append(api.fetch_next(first))

    worker = threading.Thread(target=sync)
    worker.start()
    assert hold.reached.wait(5)
    time.sleep(0.1)
    assert worker.is_alive() and len(pages) == 1  # the first page passed, the second waits
    hold.release()
    worker.join(5)
    assert not worker.is_alive() and len(pages) == 2 and pages[1]


def test_a_client_killed_while_held_leaves_the_server_serving(replay: MastodonReplay) -> None:
    hold = replay.hold("/api/v1/notifications")
    script = (
        "import sys\nfrom mastodon import Mastodon\n"
        "Mastodon(access_token=sys.argv[2], api_base_url=sys.argv[1],"
        " version_check_mode='none').notifications()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, replay.url, TOKEN])
    try:
        assert hold.reached.wait(30)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    hold.release()
    assert [n.type for n in client(replay).notifications()] == ["mention"]


def test_delay_slows_every_response(replay: MastodonReplay) -> None:
    replay.delay(0.3)
    started = time.monotonic()
    client(replay).account_verify_credentials()
    assert time.monotonic() - started >= 0.3
    replay.delay(0)


def test_stop_releases_holds_and_closes_the_port() -> None:
    server = MastodonReplay(["test_verify_credentials"])
    hold = server.hold("/")
    outcome: list[BaseException] = []

    def blocked() -> None:
        try:
            client(server).account_verify_credentials()
        except Exception as error:  # the connection is cut: a network error
            outcome.append(error)

    worker = threading.Thread(target=blocked)
    worker.start()
    assert hold.reached.wait(5)
    server.stop()
    server.stop()
    worker.join(5)
    assert hold.released and not worker.is_alive() and outcome  # the client saw the server go
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/api/v1/accounts/verify_credentials", timeout=2)
