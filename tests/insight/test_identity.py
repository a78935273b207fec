"""Suggestions that accounts are one person: each kind of evidence, the pairs never made, order."""

from __future__ import annotations

import random
from itertools import count
from typing import Any

import pytest

from amity.insight.evidence import NAME_IN_HANDLES, SAME_BIO, SAME_HANDLE, SAME_NAME
from amity.insight.identity import DEFAULT_MIN_SCORE, MAX_BLOCK, Suggestion, suggest_identities
from amity.model import Account, PersonAccount, Platform

_people = count(1)


def account(
    platform: Platform, handle: str | None = None, *, person: int | None = None, **fields: Any
) -> PersonAccount:
    """Build an account filed under a person of its own (or ``person``)."""
    platform_id = fields.pop("platform_id", f"{platform}-{handle}-{next(_people)}")
    record = Account(platform, platform_id, handle, **fields)
    return PersonAccount(record, next(_people) if person is None else person)


def only(accounts: list[PersonAccount], **options: Any) -> Suggestion:
    """Return the one suggestion for ``accounts``, at any score unless told otherwise."""
    found = suggest_identities(accounts, **{"min_score": 0.0, **options})
    assert len(found) == 1, found
    return found[0]


def texts(suggestion: Suggestion) -> list[str]:
    return [item.text for item in suggestion.evidence]


def test_same_display_name_alone_is_weak() -> None:
    found = only(
        [
            account("mastodon", "ana@mastodon.social", display_name="Ana Ruíz 🌿"),
            account("twitter", "bookworm", display_name="ana ruiz (she/her)"),
        ]
    )
    assert texts(found) == [
        "display names 'Ana Ruíz 🌿' and 'ana ruiz (she/her)' are the same name"
    ]
    assert found.score < DEFAULT_MIN_SCORE
    assert found.confidence == "possible"


def test_namesakes_stay_below_the_threshold_though_one_handle_spells_the_name() -> None:
    """The handle spells its own account's name: that says nothing the same name does not."""
    found = only(
        [
            account("mastodon", "anaruiz@mastodon.social", display_name="Ana Ruiz"),
            account("twitter", "kitmoss", display_name="Ana Ruiz"),
        ]
    )
    assert texts(found) == ["same display name 'Ana Ruiz'"]
    assert found.score < DEFAULT_MIN_SCORE


def test_same_name_and_both_handles_built_on_it_is_likely() -> None:
    found = only(
        [
            account("mastodon", "edda_paper@typeface.zone", display_name="Edda Pereira"),
            account("twitter", "edda_pereira", display_name="Edda Pereira"),
        ]
    )
    assert texts(found) == [
        "same display name 'Edda Pereira'",
        "handles 'edda_paper' and 'edda_pereira' both hold 'edda' of the name",
    ]
    assert found.score == round(1 - (1 - SAME_NAME) * (1 - NAME_IN_HANDLES), 3)
    assert found.score >= DEFAULT_MIN_SCORE


def test_a_short_form_of_the_name_agrees() -> None:
    found = only(
        [
            account("mastodon", "zenoprints@m.example", display_name="Zeno Oliveira"),
            account("twitter", "zenoprints", display_name="Zeno O."),
        ]
    )
    assert texts(found) == ["same handle 'zenoprints' on both"]


def test_handles_built_on_a_short_form_of_the_name() -> None:
    found = only(
        [
            account("mastodon", "zeno_clay@m.example", display_name="Zeno Park"),
            account("twitter", "zenopark", display_name="Zeno"),
        ]
    )
    assert texts(found) == [
        "X handle 'zenopark' spells the Mastodon display name 'Zeno Park'",
        "handles 'zeno_clay' and 'zenopark' both hold 'zeno' of the name",
    ]
    assert found.score >= DEFAULT_MIN_SCORE


def test_two_full_names_that_differ_count_against() -> None:
    found = only(
        [
            account("mastodon", "gardendima@m.example", display_name="Dima Tran"),
            account("twitter", "gardendima", display_name="Dima Bello"),
        ]
    )
    assert texts(found) == [
        "same handle 'gardendima' on both",
        "different display names 'Dima Tran' and 'Dima Bello'",
    ]
    assert found.score < DEFAULT_MIN_SCORE


def test_same_bio_word_for_word() -> None:
    bio = "I draw harbour cranes. Slow replies, kind words."
    found = only(
        [
            account("mastodon", "ana@m.example", bio=bio),
            account("bluesky", "prints.bsky.social", platform_id="did:plc:b", bio=bio.upper()),
        ]
    )
    assert texts(found) == [f"same bio '{bio}'"]
    assert found.score == SAME_BIO < DEFAULT_MIN_SCORE


def test_a_short_bio_says_nothing() -> None:
    accounts = [
        account("mastodon", "ana@m.example", bio="Artist. She/her."),
        account("bluesky", "prints.bsky.social", platform_id="did:plc:c", bio="artist, she/her"),
    ]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_same_handle_on_both() -> None:
    found = only([account("mastodon", "anaruiz@mastodon.social"), account("twitter", "AnaRuiz")])
    assert texts(found) == ["same handle 'anaruiz' on both"]
    assert found.score == SAME_HANDLE
    assert found.first.account.platform == "mastodon"


def test_handles_that_differ_only_in_punctuation() -> None:
    found = only([account("mastodon", "ana_ruiz@hachyderm.io"), account("twitter", "anaruiz")])
    assert texts(found) == ["handles 'ana_ruiz' and 'anaruiz' differ only in punctuation"]


def test_handle_spelling_the_other_display_name_stays_below_the_threshold() -> None:
    found = only(
        [
            account("mastodon", "anaruiz@mastodon.social"),
            account("twitter", "inkyana", display_name="Ana Ruiz"),
        ]
    )
    assert texts(found) == ["Mastodon handle 'anaruiz' spells the X display name 'Ana Ruiz'"]
    assert 0 < found.score < DEFAULT_MIN_SCORE


def test_same_handle_spelling_the_name_is_likely() -> None:
    found = only(
        [
            account("mastodon", "ruizana@mastodon.social"),
            account("twitter", "ruizana", display_name="Ana Ruiz"),
        ]
    )
    assert "the handle spells the X display name 'Ana Ruiz'" in texts(found)
    assert found.score >= DEFAULT_MIN_SCORE
    assert found.confidence == "likely"


@pytest.mark.parametrize(
    ("bio", "said"),
    [
        ("Printmaker. Also at https://mastodon.social/@anaruiz", "bio links to https://mastodon.social/@anaruiz"),
        ("fediverse: @anaruiz@mastodon.social", "bio mentions @anaruiz@mastodon.social"),
        ("old actor https://mastodon.social/users/anaruiz.", "bio links to https://mastodon.social/users/anaruiz"),
    ],
)  # fmt: skip
def test_bio_pointing_at_the_other_profile(bio: str, said: str) -> None:
    found = only(
        [
            account("mastodon", "anaruiz@mastodon.social", url="https://mastodon.social/@anaruiz"),
            account("twitter", "prints_by_ana", bio=bio),
        ]
    )
    assert texts(found) == [f"X {said}"]
    assert found.confidence == "strong"


@pytest.mark.parametrize(
    ("bio", "said"),
    [
        ("also on x.com/Prints_By_Ana", "bio links to x.com/Prints_By_Ana"),
        ("https://twitter.com/prints_by_ana", "bio links to https://twitter.com/prints_by_ana"),
        ("Twitter: @prints_by_ana", "bio mentions Twitter: @prints_by_ana"),
    ],
)
def test_mastodon_bio_naming_the_x_account(bio: str, said: str) -> None:
    found = only(
        [
            account("mastodon", "ana@mastodon.social", bio=bio),
            account("twitter", "prints_by_ana", url="https://x.com/prints_by_ana"),
        ]
    )
    assert texts(found) == [f"Mastodon {said}"]
    assert found.score >= 0.85


def test_bluesky_handle_in_a_bio() -> None:
    found = only(
        [
            account("bluesky", "ana.bsky.social", platform_id="did:plc:abc"),
            account("mastodon", "ruiz@mastodon.social", bio="also ana.bsky.social"),
        ]
    )
    assert texts(found) == ["Mastodon bio links to ana.bsky.social"]
    assert found.first.account.platform == "mastodon"


def test_link_to_a_post_is_not_a_link_to_its_author() -> None:
    accounts = [
        account("mastodon", "ana@mastodon.social", bio="loved x.com/prints_by_ana/status/1"),
        account("twitter", "prints_by_ana"),
    ]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_profiles_linking_each_other_are_strong() -> None:
    found = only(
        [
            account("mastodon", "ana@mastodon.social", url="https://mastodon.social/@ana",
                    website="https://x.com/prints_by_ana"),
            account("twitter", "prints_by_ana", url="https://x.com/prints_by_ana",
                    bio="now mostly at @ana@mastodon.social"),
        ]
    )  # fmt: skip
    assert texts(found) == [
        "Mastodon website links to https://x.com/prints_by_ana",
        "X bio mentions @ana@mastodon.social",
    ]
    assert found.score >= 0.99


def test_same_website() -> None:
    found = only(
        [
            account("mastodon", "ana@mastodon.social", website="https://www.example.org/ana/"),
            account("twitter", "prints", website="http://example.org/ana"),
        ]
    )
    assert texts(found) == ["same website example.org/ana"]


def test_front_page_of_a_big_site_is_not_a_website_in_common() -> None:
    accounts = [
        account("mastodon", "ana@mastodon.social", website="https://github.com"),
        account("twitter", "prints", website="https://github.com/"),
    ]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_bio_linking_the_other_website() -> None:
    found = only(
        [
            account("mastodon", "ana@mastodon.social", website="https://anaruiz.example"),
            account("twitter", "prints", bio="Shop and portfolio: anaruiz.example"),
        ]
    )
    assert texts(found) == ["X bio links to anaruiz.example, the Mastodon website"]


def test_same_avatar_image() -> None:
    avatar = "https://cdn.example.org/ana.png"
    found = only(
        [
            account("mastodon", "ana@mastodon.social", avatar_url=avatar),
            account("twitter", "prints", avatar_url=avatar),
        ]
    )
    assert texts(found) == ["same avatar image"]


@pytest.mark.parametrize(
    "avatar", ["avatar.png", "https://abs.twimg.com/sticky/default_profile_images/default.png"]
)
def test_default_or_local_avatars_say_nothing(avatar: str) -> None:
    accounts = [
        account("mastodon", "ana@mastodon.social", avatar_url=avatar),
        account("twitter", "prints", avatar_url=avatar),
    ]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_different_display_names_count_against() -> None:
    found = only(
        [
            account("mastodon", "studio_fern@mastodon.social", display_name="Ana Ruiz"),
            account("twitter", "studio_fern", display_name="Bo Hartmann"),
        ]
    )
    assert texts(found)[-1] == "different display names 'Ana Ruiz' and 'Bo Hartmann'"
    assert found.score < SAME_HANDLE


def test_handle_many_accounts_share_counts_less() -> None:
    accounts = [account("twitter", "inkwell")] + [
        account("mastodon", f"inkwell@server{n}.example") for n in range(3)
    ]
    found = suggest_identities(accounts, min_score=0.0)
    assert len(found) == 3
    assert all(s.score < SAME_HANDLE for s in found)
    assert "as have 3 accounts on one network" in found[0].evidence[0].text


def test_one_account_on_each_network_with_a_handle_counts_in_full() -> None:
    """Her accounts on three networks are three accounts with one handle, but one on each."""
    found = suggest_identities(
        [
            account("mastodon", "anaruiz@mastodon.social"),
            account("twitter", "anaruiz"),
            account("bluesky", "anaruiz.bsky.social", platform_id="did:plc:ana"),
        ],
        min_score=0.0,
    )
    assert len(found) == 3
    assert [texts(s)[0] for s in found if s.second.account.platform == "twitter"] == [
        "same handle 'anaruiz' on both"
    ]
    assert found[0].score == SAME_HANDLE


def test_a_name_two_accounts_on_one_network_show_counts_less() -> None:
    accounts = [
        account("mastodon", "ana@m.example", display_name="Ana Ruiz"),
        account("bluesky", "inky.bsky.social", display_name="Ana Ruiz"),
        account("bluesky", "moss.bsky.social", display_name="Ana Ruiz"),
    ]
    found = suggest_identities(accounts, min_score=0.0)
    assert [s.score for s in found] == [SAME_NAME / 2] * 2
    assert texts(found[0]) == ["same display name 'Ana Ruiz', as have 2 accounts on one network"]


def test_own_accounts_are_never_paired() -> None:
    accounts = [
        account("mastodon", "junodraws@inkwell.social", is_own=True),
        account("twitter", "junodraws"),
    ]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_accounts_of_one_person_are_not_paired() -> None:
    accounts = [
        account("mastodon", "anaruiz@a.example", person=1),
        account("twitter", "anaruiz", person=1),
    ]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_accounts_of_one_network_are_not_paired() -> None:
    accounts = [account("mastodon", "anaruiz@a.example"), account("mastodon", "anaruiz@b.example")]
    assert suggest_identities(accounts, min_score=0.0) == []


def test_rejected_pair_is_not_suggested_nor_any_pair_of_those_people() -> None:
    mastodon = account("mastodon", "anaruiz@mastodon.social", person=1)
    bluesky = account("bluesky", "anaruiz.bsky.social", platform_id="did:plc:x", person=1)
    twitter = account("twitter", "anaruiz", person=2)
    assert len(suggest_identities([mastodon, bluesky, twitter], min_score=0.0)) == 1
    rejected = {frozenset({mastodon.account.key, twitter.account.key})}
    assert suggest_identities([mastodon, bluesky, twitter], rejected, min_score=0.0) == []


def test_one_suggestion_per_pair_of_people_the_best() -> None:
    mastodon = account("mastodon", "anaruiz@mastodon.social", person=1)
    bluesky = account(
        "bluesky", "ana.bsky.social", platform_id="did:plc:y", person=1, bio="x.com/anaruiz"
    )
    twitter = account("twitter", "anaruiz", person=2)
    found = only([mastodon, bluesky, twitter])
    assert found.first.account.platform == "twitter"
    assert found.second.account.platform == "bluesky"


def test_a_key_shared_by_too_many_accounts_blocks_nothing() -> None:
    crowd = [account("twitter", f"sam{n}", display_name="Sam") for n in range(MAX_BLOCK)]
    accounts = [*crowd, account("mastodon", "sam@a.example", display_name="Sam")]
    assert suggest_identities(accounts, min_score=0.0) == []
    assert len(suggest_identities(accounts[MAX_BLOCK - 3 :], min_score=0.0)) == 3


def test_order_is_deterministic_and_best_first() -> None:
    accounts = [account("mastodon", f"maker{n:03d}@m.example") for n in range(60)]
    accounts += [account("twitter", f"maker{n:03d}", display_name=f"Maker {n}") for n in range(60)]
    accounts.append(account("twitter", "other", bio="@maker007@m.example"))
    shuffled = accounts[:]
    random.Random(4).shuffle(shuffled)
    found = suggest_identities(accounts)
    assert found == suggest_identities(shuffled)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert found[0].second.account.handle == "other"


def test_min_score_filters() -> None:
    accounts = [
        account("mastodon", "anaruiz@mastodon.social"),
        account("twitter", "inky", display_name="Ana Ruiz"),
    ]
    assert suggest_identities(accounts) == []
    assert len(suggest_identities(accounts, min_score=0.3)) == 1


def test_twenty_thousand_accounts_are_blocked_not_compared_pairwise() -> None:
    """All pairs would be 100 million comparisons; blocking makes it a few thousand."""
    mastodon = [account("mastodon", f"user{n:05d}x@m.example") for n in range(10_000)]
    twitter = [account("twitter", f"user{n:05d}x" if n % 5 else f"other{n}") for n in range(10_000)]
    found = suggest_identities(mastodon + twitter)
    assert len(found) == 8_000


def test_of_equal_pairs_between_two_people_the_same_is_chosen_whatever_the_order() -> None:
    accounts = [
        account("mastodon", "anaruiz@mastodon.social", person=1),
        account("bluesky", "anaruiz.bsky.social", platform_id="did:plc:z", person=1),
        account("twitter", "anaruiz", person=2),
    ]
    found = suggest_identities(accounts, min_score=0.0)
    assert found == suggest_identities(accounts[::-1], min_score=0.0)
    assert [item.account.platform for item in (found[0].first, found[0].second)] == [
        "mastodon",
        "twitter",
    ]
