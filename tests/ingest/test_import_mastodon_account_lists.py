"""Mastodon's account lists (follows, blocks, mutes): every layout, the owner from the workspace
or the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from amity.errors import SourceError, UnknownFormat
from amity.ingest import import_archives
from amity.store.schema import accounts, interactions
from tests.ingest.helpers import snapshot

FIXTURES = Path(__file__).parents[1] / "fixtures" / "mastodon"
FOLLOWS = FIXTURES / "account-lists"
ARCHIVE = FIXTURES / "eramdam-testaccount"


def _followed(engine: Engine, kind: str = "follow") -> list[str]:
    own = select(accounts.c.id).where(accounts.c.is_own).scalar_subquery()
    query = (
        select(accounts.c.handle)
        .join(interactions, interactions.c.target_id == accounts.c.id)
        .where(interactions.c.kind == kind, interactions.c.actor_id == own)
    )
    with engine.connect() as connection:
        return sorted(connection.execute(query).scalars())


def test_follows_after_the_archive(engine: Engine) -> None:
    import_archives(engine, [ARCHIVE])
    report = import_archives(engine, [FOLLOWS / "following_accounts.csv"])
    assert report.archives[0].format == "mastodon-account-list"
    assert report.new["follows"] == 2
    assert _followed(engine) == ["user@example.com", "user@test.com"]


def test_follows_in_the_same_command_as_the_archive(engine: Engine) -> None:
    report = import_archives(engine, [FOLLOWS / "imports.txt", ARCHIVE])
    assert [archive.format for archive in report.archives] == ["mastodon", "mastodon-account-list"]
    assert report.counts["follows"] == 2


def test_bare_usernames_take_the_owners_server(engine: Engine) -> None:
    import_archives(engine, [ARCHIVE])
    import_archives(engine, [FOLLOWS / "new-following-imports.txt"])
    host = archive_host(engine)
    assert _followed(engine) == sorted([f"bob@{host}", "eve@example.com"])


def archive_host(engine: Engine) -> str:
    with engine.connect() as connection:
        handle = connection.execute(select(accounts.c.handle).where(accounts.c.is_own)).scalar_one()
    return str(handle).partition("@")[2]


def test_an_internationalised_domain(engine: Engine) -> None:
    import_archives(engine, [ARCHIVE])
    report = import_archives(engine, [FOLLOWS / "utf8-followers.txt"])
    assert report.new["follows"] == 1
    assert _followed(engine)[0].endswith("@թութ.հայ")


def test_without_an_owner_nothing_is_imported(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(SourceError, match="does not say whose it is") as caught:
        import_archives(engine, [FOLLOWS / "following_accounts.csv"])
    assert "in one command" in caught.value.hint
    assert snapshot(engine) == before


def test_a_bad_line_is_reported_and_the_rest_imported(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "following_accounts.csv"
    path.write_text(
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "ada@example.social,true,false,\n"
        "not an address,true,false,\n"
        "grace@example.social,true,false,\n"
    )
    import_archives(engine, [ARCHIVE])
    report = import_archives(engine, [path])
    assert report.new["follows"] == 2
    assert [(p.item, p.reason) for p in report.problems] == [
        ("line 3", "is not an account address (user@host)")
    ]


def test_a_one_word_text_file_is_not_a_follows_list(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("groceries\n")
    import_archives(engine, [ARCHIVE])
    with pytest.raises(UnknownFormat, match="not an archive amity can read"):
        import_archives(engine, [path])


def test_mutes_are_mutes_not_follows(engine: Engine) -> None:
    import_archives(engine, [ARCHIVE])
    report = import_archives(engine, [FOLLOWS / "muted_accounts.csv"])
    assert report.archives[0].format == "mastodon-account-list"
    assert (report.new["mutes"], report.new["follows"]) == (2, 0)
    assert _followed(engine, "mute") == ["user@example.com", "user@test.com"]
    assert _followed(engine) == []
    import_archives(engine, [FOLLOWS / "new-mute-imports.txt"])
    assert _followed(engine, "mute") == sorted(
        [f"bob@{archive_host(engine)}", "eve@example.com", "user@example.com", "user@test.com"]
    )


def test_a_header_less_blocks_list_is_known_by_its_name(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "blocked_accounts.csv"
    path.write_text("spam@example.social\nbot@example.org\n")
    import_archives(engine, [ARCHIVE])
    report = import_archives(engine, [path])
    assert (report.new["blocks"], report.new["follows"]) == (2, 0)
    assert _followed(engine, "block") == ["bot@example.org", "spam@example.social"]
    again = import_archives(engine, [path])
    assert again.new["blocks"] == 0
