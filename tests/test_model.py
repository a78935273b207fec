"""The records every layer shares, and the one way an account is named."""

from __future__ import annotations

from amity.model import Account, AccountRef, account_name
from amity.store.connections import ConnectedAccount


def test_an_account_is_named_by_its_network_and_handle_or_else_its_id() -> None:
    assert account_name(Account("mastodon", "https://m.example/users/ana", "ana@m.example")) == (
        "mastodon:ana@m.example"
    )
    assert account_name(AccountRef("twitter", "12345")) == "twitter:12345"


def test_a_connected_account_is_named_the_same_way() -> None:
    connected = ConnectedAccount(
        id=1, account_id=2, platform="bluesky", platform_id="did:plc:ana", handle="ana.bsky.social",
        display_name=None, service="https://bsky.social", transport="api", secret_name="s",
        state="ok", state_detail=None, checked_at=None, connected_at=0, last_sync_at=None,
    )  # fmt: skip
    assert connected.name == "bluesky:ana.bsky.social"
    assert connected.name == account_name(connected)
