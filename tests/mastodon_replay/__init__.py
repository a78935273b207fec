"""Replay recorded responses of real Mastodon servers over real HTTP, with faults on demand."""

from tests.mastodon_replay.cassettes import (
    FIXTURES_DIR,
    Headers,
    Query,
    Recording,
    load_cassette,
    load_cassettes,
)
from tests.mastodon_replay.server import (
    NGINX_502_PAGE,
    TOO_MANY_REQUESTS_BODY,
    Hold,
    LoggedRequest,
    MastodonReplay,
    Reply,
)

__all__ = [
    "FIXTURES_DIR",
    "NGINX_502_PAGE",
    "TOO_MANY_REQUESTS_BODY",
    "Headers",
    "Hold",
    "LoggedRequest",
    "MastodonReplay",
    "Query",
    "Recording",
    "Reply",
    "load_cassette",
    "load_cassettes",
]
