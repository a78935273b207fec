"""Rows built as plain tuples hold each value under the name its layout gives it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from amity.ingest.rows import RowBuilder, copier
from amity.model import AccountRef, Interaction, Notification, Post
from amity.store.bulk import InteractionRow, NotificationRow, PayloadRow, PostRow

AUTHOR = AccountRef("mastodon", "a-1", "author", "Author")
REPLIED = AccountRef("mastodon", "a-2", "replied", "Replied")
BOOSTED = AccountRef("mastodon", "a-3", "boosted", "Boosted")
WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def _built(record: Post | Interaction | Notification) -> RowBuilder:
    builder = RowBuilder()
    builder.add(record)
    return builder


def test_a_post_row_holds_every_value_under_its_column() -> None:
    # Every value differs from every other, so two swapped fields cannot go unnoticed.
    post = Post(
        platform="mastodon",
        platform_id="p-1",
        author=AUTHOR,
        kind="post",
        created_at=WHEN,
        text="text",
        html="<p>html</p>",
        language="en",
        visibility="unlisted",
        url="https://example.social/p-1",
        reply_to_id="p-0",
        reply_to_author=REPLIED,
        thread_key="thread",
        quote_of_id="p-q",
        boost_of_id="p-b",
        boost_of_author=BOOSTED,
        links=("https://link.example",),
        hashtags=("tag",),
        mentions=(REPLIED, BOOSTED),
        media_count=3,
        reply_count=4,
        boost_count=5,
        like_count=6,
        raw={"id": "p-1"},
    )
    batch = _built(post).take(0)
    assert batch.posts == [
        PostRow(
            platform="mastodon",
            platform_id="p-1",
            kind="post",
            text="text",
            html="<p>html</p>",
            language="en",
            visibility="unlisted",
            url="https://example.social/p-1",
            reply_to_platform_id="p-0",
            source_thread_key="thread",
            quote_of_platform_id="p-q",
            boost_of_platform_id="p-b",
            media_count=3,
            reply_count=4,
            boost_count=5,
            like_count=6,
            created_at=int(WHEN.timestamp()),
            links='["https://link.example"]',
            hashtags='["tag"]',
            mention_count=2,
            author="a-1",
            reply_to_author="a-2",
            boost_of_author="a-3",
        )
    ]
    assert batch.payloads == [
        PayloadRow(platform="mastodon", platform_id="p-1", raw='{"id":"p-1"}')
    ]
    assert all(type(row) is tuple for row in (*batch.posts, *batch.payloads))


def test_interaction_and_notification_rows_hold_every_value_under_its_column() -> None:
    edge = Interaction("mastodon", "like", AUTHOR, REPLIED, post_id="p-1", occurred_at=WHEN, raw={})
    notice = Notification(
        platform="mastodon",
        platform_id="n-1",
        owner=AUTHOR,
        kind="favourite",
        created_at=WHEN,
        actor=REPLIED,
        post_id="p-1",
        raw={"id": "n-1"},
    )
    builder = _built(edge)
    builder.add(notice)
    batch = builder.take(0)
    assert batch.interactions == [
        InteractionRow(
            platform="mastodon",
            kind="like",
            post_platform_id="p-1",
            key=edge.key,
            occurred_at=int(WHEN.timestamp()),
            raw="{}",
            actor="a-1",
            target="a-2",
        )
    ]
    assert batch.notifications == [
        NotificationRow(
            platform="mastodon",
            platform_id="n-1",
            kind="favourite",
            post_platform_id="p-1",
            created_at=int(WHEN.timestamp()),
            raw='{"id":"n-1"}',
            owner="a-1",
            actor="a-2",
        )
    ]
    assert all(type(row) is tuple for row in (*batch.interactions, *batch.notifications))


@pytest.mark.parametrize(
    ("computed", "renamed"),
    [
        (("occurred_at", "raw", "target", "actor"), {"post_platform_id": "post_id"}),  # order
        (("occurred_at", "raw", "actor", "target"), {}),  # post_platform_id: no such attribute
        (("occurred_at", "raw", "actor", "target"), {"occurred_at": "occurred_at"}),  # computed
    ],
)
def test_a_layout_that_disagrees_with_its_record_is_refused(
    computed: tuple[str, ...], renamed: dict[str, str]
) -> None:
    with pytest.raises(TypeError, match="Interaction"):
        copier(Interaction, InteractionRow._fields, computed, renamed)
