"""Merging, splitting and keeping people apart: by the user's command only, and for good."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, func, select

from amity.demo import DemoWorld, generate
from amity.errors import AmbiguousName, IdentityConflict, NotFound
from amity.ingest import import_archives
from amity.insight.identity import Suggestion, suggest_identities
from amity.model import AccountKey
from amity.store import knowledge
from amity.store.lookup import get_account_named, get_person_named
from amity.store.people import (
    list_person_accounts,
    list_rejected_pairs,
    merge_accounts,
    reject_suggestion,
    split_account,
)
from amity.store.schema import accounts, identity_decisions, people
from amity.store.writes import create_missing_people

MASTODON = ("mastodon", "https://m.example/users/ana")
TWITTER = ("twitter", "1")
BLUESKY = ("bluesky", "did:plc:ana")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """A small demo world: a Mastodon export and an X archive of one user."""
    return generate(tmp_path_factory.mktemp("world"), posts=1000, seed=7)


@pytest.fixture
def imported(engine: Engine, world: DemoWorld) -> Engine:
    """A store holding the demo world."""
    import_archives(engine, world.archives)
    return engine


def suggestions(connection: Connection) -> list[Suggestion]:
    """Return the store's suggestions, rejections applied, as the CLI computes them."""
    return suggest_identities(list_person_accounts(connection), list_rejected_pairs(connection))


def pair(suggestion: Suggestion) -> list[AccountKey]:
    return [suggestion.first.account.key, suggestion.second.account.key]


def person_of(connection: Connection, key: AccountKey) -> int:
    query = select(accounts.c.person_id).where(
        accounts.c.platform == key[0], accounts.c.platform_id == key[1]
    )
    return int(connection.execute(query).scalar_one())


def count_people(connection: Connection) -> int:
    """Count the people, not the numbers left by people merged into others."""
    query = select(func.count()).select_from(people).where(people.c.merged_into.is_(None))
    return int(connection.execute(query).scalar_one())


def test_merge_holds_through_a_second_import(imported: Engine, world: DemoWorld) -> None:
    with imported.begin() as connection:
        first, second = pair(suggestions(connection)[0])
        before = count_people(connection)
        merged = merge_accounts(connection, keys=[first, second], now=100)
    assert merged.people_merged == 1
    assert {account.key for account in merged.accounts} == {first, second}
    import_archives(imported, world.archives)
    with imported.connect() as connection:
        assert person_of(connection, first) == person_of(connection, second) == merged.person_id
        assert count_people(connection) == before - 1
        assert [first, second] not in [pair(s) for s in suggestions(connection)]


def test_rejection_holds_through_a_second_import(imported: Engine, world: DemoWorld) -> None:
    with imported.begin() as connection:
        rejected = pair(suggestions(connection)[0])
        reject_suggestion(connection, first=rejected[0], second=rejected[1], now=100)
    import_archives(imported, world.archives)
    with imported.connect() as connection:
        found = [pair(s) for s in suggestions(connection)]
        assert found
        assert rejected not in found
        assert list_rejected_pairs(connection) == {frozenset(rejected)}


def test_merge_keeps_the_person_with_most_accounts_and_moves_what_the_user_knows(
    imported: Engine,
) -> None:
    with imported.begin() as connection:
        (a, b), (c, d) = (pair(s) for s in suggestions(connection)[:2])
        big = merge_accounts(connection, keys=[a, b], now=1).person_id
        small = person_of(connection, c)
        knowledge.add_note(connection, person_id=small, kind="note", text="met at a fair", now=2)
        knowledge.add_tags(connection, person_id=small, tags=["zines"])
        merged = merge_accounts(connection, keys=[c, a], now=3)
        assert merged.person_id == big
        assert person_of(connection, c) == big != person_of(connection, d)
        assert [n.text for n in knowledge.list_notes(connection, person_id=big)] == [
            "met at a fair"
        ]
        assert knowledge.get_tags(connection)[big] == ["zines"]
        merged_into = select(people.c.merged_into).where(people.c.id == small)
        assert connection.execute(merged_into).scalar_one() == big


def test_split_gives_an_account_its_own_person_and_keeps_it_apart(
    imported: Engine, world: DemoWorld
) -> None:
    with imported.begin() as connection:
        first, second = pair(suggestions(connection)[0])
        merged = merge_accounts(connection, keys=[first, second], now=1)
        split = split_account(connection, key=second, now=2)
    assert split.account.key == second
    assert [account.key for account in split.kept_apart_from] == [first]
    import_archives(imported, world.archives)
    with imported.connect() as connection:
        assert person_of(connection, first) == merged.person_id
        assert person_of(connection, second) == split.person_id != merged.person_id
        assert [first, second] not in [pair(s) for s in suggestions(connection)]
        decisions = connection.execute(select(identity_decisions.c.decision)).scalars().all()
        assert decisions == ["rejected"]


def test_own_accounts_are_never_merged_with_contacts_nor_split(imported: Engine) -> None:
    with imported.begin() as connection:
        own = get_account_named(connection, "mastodon:junodraws@inkwell.social").key
        contact = pair(suggestions(connection)[0])[1]
        with pytest.raises(IdentityConflict, match="your own account") as raised:
            merge_accounts(connection, keys=[own, contact], now=1)
        assert "--also-mine" in raised.value.hint
        with pytest.raises(IdentityConflict, match="your own account"):
            split_account(connection, key=own, now=1)


def test_what_cannot_be_done_says_so(imported: Engine) -> None:
    with imported.begin() as connection:
        first, second = pair(suggestions(connection)[0])
        with pytest.raises(IdentityConflict, match="already a person of its own"):
            split_account(connection, key=first, now=1)
        merge_accounts(connection, keys=[first, second], now=1)
        with pytest.raises(IdentityConflict, match="one person already") as raised:
            reject_suggestion(connection, first=first, second=second, now=2)
        assert "amity people split" in raised.value.hint
        with pytest.raises(NotFound, match="twitter:0"):
            merge_accounts(connection, keys=[first, ("twitter", "0")], now=3)


def test_accounts_by_the_names_people_give(imported: Engine) -> None:
    with imported.connect() as connection:
        first, second = pair(suggestions(connection)[0])
        mastodon = get_account_named(connection, f"mastodon:{first[1]}")
        handle = mastodon.handle
        assert handle is not None
        assert get_account_named(connection, f"mastodon:@{handle.upper()}") == mastodon
        assert get_account_named(connection, f"mastodon:{handle.split('@')[0]}") == mastodon
        twitter = get_account_named(connection, f"x:{second[1]}")
        assert get_account_named(connection, f"twitter:@{twitter.handle}") == twitter
        with pytest.raises(AmbiguousName, match="fits 2 accounts"):
            get_account_named(connection, handle.split("@")[0])
        with pytest.raises(NotFound, match="nobody_at_all") as raised:
            get_account_named(connection, "x:nobody_at_all")
        assert "NETWORK:HANDLE" in raised.value.hint


def test_names_with_like_wildcards_match_only_themselves(engine: Engine) -> None:
    rows = [
        {"platform": "mastodon", "platform_id": key, "handle": handle, "is_own": False}
        for key, handle in (("a", "a_b@x.example"), ("b", "axb@x.example"))
    ]
    with engine.begin() as connection:
        connection.execute(accounts.insert(), rows)
        assert get_account_named(connection, "mastodon:a_b").platform_id == "a"


@pytest.mark.postgres
def test_postgres_merge_split_and_reject_hold_through_a_second_import(
    pg_store: Engine, world: DemoWorld
) -> None:
    import_archives(pg_store, world.archives)
    with pg_store.begin() as connection:
        (a, b), (c, d), (e, f) = (pair(s) for s in suggestions(connection)[:3])
        merged = merge_accounts(connection, keys=[a, b], now=1)
        reject_suggestion(connection, first=c, second=d, now=2)
        merge_accounts(connection, keys=[e, f], now=3)
        split = split_account(connection, key=f, now=4)
    import_archives(pg_store, world.archives)
    with pg_store.connect() as connection:
        assert person_of(connection, a) == person_of(connection, b) == merged.person_id
        assert person_of(connection, f) == split.person_id != person_of(connection, e)
        found = [pair(s) for s in suggestions(connection)]
        assert not {(a, b), (c, d), (e, f)} & {(first, second) for first, second in found}
        assert list_rejected_pairs(connection) == {frozenset((c, d)), frozenset((e, f))}


def test_the_person_kept_takes_a_name_when_it_had_none(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            people.insert(),
            [{"id": 1, "display_name": None, "created_at": 0},
             {"id": 2, "display_name": "Ana Ruiz", "created_at": 0}],
        )  # fmt: skip
        connection.execute(
            accounts.insert(),
            [{"platform": platform, "platform_id": key, "person_id": person, "is_own": False}
             for platform, key, person in (("twitter", "1", 1), ("bluesky", "did:plc:a", 1),
                                           ("mastodon", "https://m.example/users/ana", 2))],
        )  # fmt: skip
        merged = merge_accounts(
            connection, keys=[("mastodon", "https://m.example/users/ana"), ("twitter", "1")], now=5
        )
        assert (merged.person_id, merged.merged_ids, len(merged.accounts)) == (1, (2,), 3)
        kept = select(people.c.display_name).where(people.c.id == 1)
        assert connection.execute(kept).scalar_one() == "Ana Ruiz"


@pytest.fixture
def ana(engine: Engine) -> Engine:
    """A store where Ana is three people, #1 to #3, one per network, #1 known by handle only."""
    with engine.begin() as connection:
        connection.execute(
            people.insert(),
            [{"id": 1, "display_name": "ana@m.example", "created_at": 0},
             {"id": 2, "display_name": "Ana Ruiz", "created_at": 0},
             {"id": 3, "display_name": "Ana Ruiz", "created_at": 0}],
        )  # fmt: skip
        connection.execute(
            accounts.insert(),
            [{"platform": platform, "platform_id": key, "handle": handle, "display_name": shown,
              "person_id": person, "is_own": False}
             for (platform, key), handle, shown, person in (
                 (MASTODON, "ana@m.example", None, 1), (TWITTER, "anaruiz", "Ana Ruiz", 2),
                 (BLUESKY, "anaruiz.bsky.social", "Ana Ruiz 🌿", 3))],
        )  # fmt: skip
    return engine


def test_a_merged_person_is_found_by_every_number_and_name_they_had(ana: Engine) -> None:
    with ana.begin() as connection:
        with pytest.raises(AmbiguousName, match="fits 2 people"):
            get_person_named(connection, "Ana Ruiz")
        merged = merge_accounts(connection, keys=[MASTODON, TWITTER, BLUESKY], now=1)
        assert (merged.person_id, merged.merged_ids) == (1, (2, 3))
        for name in ("#1", "#2", "#3", "Ana Ruiz", "ana ruiz", "Ana Ruiz 🌿", "x:anaruiz"):
            assert get_person_named(connection, name) == (1, "Ana Ruiz"), name
        assert count_people(connection) == 1


def test_a_number_leads_on_through_a_second_merge(ana: Engine) -> None:
    with ana.begin() as connection:
        merge_accounts(connection, keys=[MASTODON, TWITTER], now=1)
        connection.execute(people.insert(), [{"id": 4, "display_name": "Ana R.", "created_at": 0}])
        connection.execute(
            accounts.insert(),
            [{"platform": "bluesky", "platform_id": f"did:plc:{n}", "person_id": 4,
              "is_own": False} for n in range(3)],
        )  # fmt: skip
        merged = merge_accounts(connection, keys=[MASTODON, ("bluesky", "did:plc:0")], now=2)
        assert merged.person_id == 4
        assert [get_person_named(connection, f"#{n}")[0] for n in (1, 2, 4)] == [4, 4, 4]


def test_the_number_of_a_person_merged_away_is_never_given_again(ana: Engine) -> None:
    with ana.begin() as connection:
        merge_accounts(connection, keys=[MASTODON, BLUESKY], now=1)
        connection.execute(
            accounts.insert(), [{"platform": "twitter", "platform_id": "2", "is_own": False}]
        )
        create_missing_people(connection, now=2)
        assert person_of(connection, ("twitter", "2")) > 3
        assert get_person_named(connection, "#3")[0] == 1
