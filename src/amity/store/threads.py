"""Group posts into threads: conversations of a root post and the replies beneath it.

A thread is keyed by the source's own conversation id where it gives one (Mastodon's
``conversation``, X's DM conversation), and otherwise by the root of the reply chain: the topmost
stored ancestor, or the post it replies to when that one is not stored. Only groups that are
conversations (at least one reply) become threads.

Keyed groups are formed by the database itself (GROUP BY). Chains are walked with NumPy pointer
jumping over integer ids, so a million posts cost a fraction of a second and little memory; no
Python loop runs once per post.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, case, func, select, text

from amity.store.bulk import ThreadRow
from amity.store.driver import (
    THREAD_PARTITION,
    fetch_chain_keys,
    point_posts_at_threads,
    read_integer_rows,
    upsert_threads,
)
from amity.store.schema import posts


def find_roots(ids: NDArray[np.int64], parents: NDArray[np.int64]) -> NDArray[np.int64]:
    """Return, for each post, the id of the topmost stored ancestor (itself when top-level).

    ``parents`` holds each post's parent id, or -1 where the parent is not stored.
    """
    if ids.size == 0:
        return ids.copy()
    order = np.argsort(ids)
    sorted_ids = ids[order]
    position = np.clip(np.searchsorted(sorted_ids, parents), 0, sorted_ids.size - 1)
    known = (parents >= 0) & (sorted_ids[position] == parents)
    # Each post points at its parent's index, or at itself when the parent is not stored.
    pointer = np.arange(ids.size)
    pointer[known] = order[position[known]]
    for _ in range(64):  # doubling: 2**64 levels deep is more than any thread
        jumped = pointer[pointer]
        if np.array_equal(jumped, pointer):
            break
        pointer = jumped
    return ids[pointer]


def assign_threads(connection: Connection, platform: str) -> None:
    """Create or refresh the threads of one platform's posts and point posts at them."""
    _spread_keys(connection, platform)
    _assign_keyed(connection, platform)
    _assign_chains(connection, platform)


# -- groups the source named ------------------------------------------------------------------

_KEYED_THREADS = """
INSERT INTO threads (platform, key, root_post_id, post_count, first_at, last_at)
SELECT platform, source_thread_key,
       MIN(CASE WHEN reply_to_platform_id IS NULL THEN id END),
       COUNT(*), MIN(created_at), MAX(created_at)
FROM posts
WHERE platform = :platform AND kind != 'boost' AND source_thread_key IS NOT NULL
GROUP BY platform, source_thread_key
HAVING COUNT(reply_to_platform_id) > 0
ON CONFLICT (platform, key) DO UPDATE SET
    root_post_id = excluded.root_post_id, post_count = excluded.post_count,
    first_at = excluded.first_at, last_at = excluded.last_at
WHERE threads.post_count IS DISTINCT FROM excluded.post_count
   OR threads.root_post_id IS DISTINCT FROM excluded.root_post_id
   OR threads.first_at IS DISTINCT FROM excluded.first_at
   OR threads.last_at IS DISTINCT FROM excluded.last_at
"""

_KEYED_POSTS = """
UPDATE posts SET thread_id = (
    SELECT threads.id FROM threads
    WHERE threads.platform = posts.platform AND threads.key = posts.source_thread_key)
WHERE platform = :platform AND kind != 'boost' AND source_thread_key IS NOT NULL
  AND thread_id IS DISTINCT FROM (
    SELECT threads.id FROM threads
    WHERE threads.platform = posts.platform AND threads.key = posts.source_thread_key)
"""


_MIXED = """
SELECT EXISTS (SELECT 1 FROM posts WHERE platform = :platform AND kind = 'post'
               AND source_thread_key IS NOT NULL)
   AND EXISTS (SELECT 1 FROM posts WHERE platform = :platform AND kind != 'boost'
               AND source_thread_key IS NULL)
"""
_SPREAD_DOWN = """
UPDATE posts SET source_thread_key = (
    SELECT parent.source_thread_key FROM posts AS parent WHERE parent.id = posts.reply_to_post_id)
WHERE platform = :platform AND kind != 'boost' AND source_thread_key IS NULL
  AND reply_to_post_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM posts AS parent
              WHERE parent.id = posts.reply_to_post_id AND parent.source_thread_key IS NOT NULL)
"""
_SPREAD_UP = """
UPDATE posts SET source_thread_key = (
    SELECT MIN(child.source_thread_key) FROM posts AS child
    WHERE child.platform = posts.platform AND child.reply_to_platform_id = posts.platform_id
      AND child.source_thread_key IS NOT NULL)
WHERE platform = :platform AND kind != 'boost' AND source_thread_key IS NULL
  AND EXISTS (SELECT 1 FROM posts AS child
              WHERE child.platform = posts.platform
                AND child.reply_to_platform_id = posts.platform_id
                AND child.source_thread_key IS NOT NULL)
"""


def _spread_keys(connection: Connection, platform: str) -> None:
    """Give posts without a conversation key the key of the conversation they belong to.

    A Mastodon export names each post's conversation; the API does not. Where posts of both
    kinds meet (a reply fetched by a sync to a post from the export, or the other way round),
    the unkeyed ones take the key of the keyed post they answer or that answers them, so the
    conversation stays one thread.
    """
    if not connection.execute(text(_MIXED), {"platform": platform}).scalar():
        return
    for statement in (_SPREAD_DOWN, _SPREAD_UP, _SPREAD_DOWN):
        for _ in range(64):  # a level of the reply tree each round
            if not connection.execute(text(statement), {"platform": platform}).rowcount:
                break


def _assign_keyed(connection: Connection, platform: str) -> None:
    connection.execute(text(_KEYED_THREADS), {"platform": platform})
    connection.execute(text(_KEYED_POSTS), {"platform": platform})


# -- groups formed by reply chains ----------------------------------------------------------


def _assign_chains(connection: Connection, platform: str) -> None:
    columns = _chain_columns(connection, platform)
    if columns.size == 0:
        return
    ids, parents, times, current, is_reply = columns.T
    roots = find_roots(ids, parents)
    conversations = np.unique(roots[is_reply == 1])
    if conversations.size == 0:
        return
    member = np.isin(roots, conversations)
    group = np.searchsorted(conversations, roots[member])
    thread_of = _write_chain_threads(connection, platform, conversations, group, times[member])
    wanted = thread_of[group]
    changed = wanted != current[member]
    point_posts_at_threads(connection, ids[member][changed], wanted[changed])


def _write_chain_threads(
    connection: Connection,
    platform: str,
    conversations: NDArray[np.int64],
    group: NDArray[np.int64],
    times: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Upsert one thread per chain key, a partition at a time; return each conversation's id.

    Chains whose roots reply to the same post that is not stored (two replies to one post of
    someone else) share that post as their key: they are one conversation, one thread, and its
    count and times are those of all of them.
    """
    keys, true_roots = fetch_chain_keys(connection, conversations.tolist())
    index: dict[str, int] = {}
    key_of = np.array(
        [index.setdefault(keys[root], len(index)) for root in conversations.tolist()], np.int64
    )
    by_key = key_of[group]
    size = np.bincount(by_key, minlength=len(index))
    first = np.full(len(index), np.iinfo(np.int64).max)
    last = np.full(len(index), np.iinfo(np.int64).min)
    np.minimum.at(first, by_key, times)
    np.maximum.at(last, by_key, times)
    root_of: list[int | None] = [None] * len(index)
    for root, key in zip(conversations.tolist(), key_of.tolist(), strict=True):
        if root in true_roots:
            root_of[key] = root
    ordered = list(index)
    thread_ids = np.zeros(len(index), dtype=np.int64)
    for start in range(0, len(ordered), THREAD_PARTITION):
        part = slice(start, start + THREAD_PARTITION)
        rows = [
            ThreadRow(
                platform=platform, key=key, root_post_id=root, post_count=count, first_at=begin,
                last_at=end,
            )
            for key, root, count, begin, end in zip(
                ordered[part], root_of[part], size[part].tolist(), first[part].tolist(),
                last[part].tolist(), strict=True,
            )
        ]  # fmt: skip
        ids = upsert_threads(connection, platform, rows)
        thread_ids[part] = [ids[key] for key in ordered[part]]
    return thread_ids[key_of]


def _chain_columns(connection: Connection, platform: str) -> NDArray[np.int64]:
    """Return (id, parent id or -1, time, thread id or 0, is reply) of unkeyed posts, by id.

    Rows stream from the driver's cursor in partitions straight into arrays, so a million posts
    never exist as a million Python row objects at once.
    """
    query = (
        select(
            posts.c.id,
            func.coalesce(posts.c.reply_to_post_id, -1),
            posts.c.created_at,
            func.coalesce(posts.c.thread_id, 0),
            case((posts.c.reply_to_platform_id.is_(None), 0), else_=1),
        )
        .where(
            posts.c.platform == platform,
            posts.c.kind != "boost",
            posts.c.source_thread_key.is_(None),
        )
        .order_by(posts.c.id)
    )
    return read_integer_rows(connection, query, columns=5)
