"""Folding names and handles, and reading the profiles a bio points to."""

from __future__ import annotations

import pytest

from amity.insight.links import find_links
from amity.insight.profile import account_keys, fold_name, local_part, name_handles, read_profile
from amity.model import Account, PersonAccount


@pytest.mark.parametrize(
    ("shown", "folded"),
    [
        ("Ana Ruíz", "ana ruiz"),
        ("ANA RUIZ 🌿", "ana ruiz"),
        ("Ana Ruiz (slow replies)", "ana ruiz"),
        ("Ana Ruiz she/her", "ana ruiz"),
        ("Ana Ruiz | illustrator", "ana ruiz"),
        ("Ana Ruiz - books & prints", "ana ruiz"),
        ("Jean-Luc O'Neil", "jean luc o neil"),
        ("Straße", "strasse"),
        ("🌿🌿", ""),
    ],
)
def test_fold_name(shown: str, folded: str) -> None:
    assert fold_name(shown) == folded


def test_name_handles_spell_the_name_in_full() -> None:
    assert name_handles("ana ruiz") == {"anaruiz", "ruizana"}
    assert name_handles("ana maria ruiz") == {"anamariaruiz", "anaruiz", "ruizana"}
    assert name_handles("bartholomew") == {"bartholomew"}
    assert name_handles("ana") == frozenset()


@pytest.mark.parametrize(
    ("platform", "handle", "local"),
    [
        ("mastodon", "Ana_Ruiz@mastodon.social", "ana_ruiz"),
        ("mastodon", "@ana@mastodon.social", "ana"),
        ("bluesky", "ana.bsky.social", "ana"),
        ("twitter", "AnaRuiz", "anaruiz"),
        ("twitter", None, None),
    ],
)
def test_local_part(platform: str, handle: str | None, local: str | None) -> None:
    assert local_part(Account(platform, "1", handle)) == local  # type: ignore[arg-type]


def test_account_keys_name_the_profile_every_way() -> None:
    mastodon = Account(
        "mastodon", "https://social.example/users/ana", "ana@example.org",
        url="https://social.example/@ana",
    )  # fmt: skip
    assert account_keys(mastodon) == {"mastodon:ana@social.example", "mastodon:ana@example.org"}
    bluesky = Account("bluesky", "did:plc:abc", "ana.example.org")
    assert account_keys(bluesky) == {
        "bluesky:ana.example.org", "web:ana.example.org", "bluesky:did:plc:abc",
    }  # fmt: skip
    twitter = Account("twitter", "12", None, url="https://twitter.com/intent/user?user_id=12")
    assert account_keys(twitter) == frozenset()


def test_find_links() -> None:
    bio = (
        "Prints. @ana@mastodon.social · bsky.app/profile/ana.bsky.social · https://x.com/ana_r?s=1"
        " · shop: https://ana.example/shop/. mail ana@example.org"
    )
    assert [(link.key, link.said) for link in find_links(bio, field="bio")] == [
        ("mastodon:ana@mastodon.social", "bio mentions @ana@mastodon.social"),
        ("bluesky:ana.bsky.social", "bio links to bsky.app/profile/ana.bsky.social"),
        ("twitter:ana_r", "bio links to https://x.com/ana_r?s=1"),
        ("web:ana.example/shop", "bio links to https://ana.example/shop/"),
    ]


def test_read_profile_ignores_a_generic_website_and_a_default_avatar() -> None:
    profile = read_profile(
        PersonAccount(
            Account(
                "twitter", "1", "ana", "Ana", website="https://linktr.ee",
                avatar_url="https://abs.twimg.com/sticky/default_profile_images/x.png",
            ),
            person_id=3,
        )
    )  # fmt: skip
    assert profile.website is None
    assert profile.avatar is None
    assert profile.network == "X"
