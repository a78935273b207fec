"""Sync a connected account: the other side of the conversation, page by page, resumably.

Each page a live source yields is written in its own transaction together with the stream state
that follows it, the thread work it found, and the API ids it learnt: stopped anywhere (Ctrl-C,
kill -9, a dropped network), the next sync starts after the last page stored, and natural keys
make whatever is read twice a no-op. Threads are fetched after the streams, newest first, a batch
per transaction, up to a budget per run; what is left waits in the queue for the next sync.

Linking replies to their parents and grouping threads scan whole tables, so they run once at the
end of a sync, and only when it stored posts; a sync killed before them leaves posts unlinked for
the next sync or import to link.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, Table, select

from amity.errors import NotFound
from amity.ingest.rows import RowBuilder
from amity.ingest.writer import StoreWriter
from amity.model import Account, Interaction, Post, Problem
from amity.sources.live import Content, LiveSource, Unavailable
from amity.store import connections as linked
from amity.store import threads, writes
from amity.store.schema import interactions, posts

RECEIVED_KINDS = ("reply", "mention", "quote", "like", "boost", "follow", "dm")
"""The kinds of interaction received that a sync report counts (the ``new`` of ``--json``)."""
FOLLOW_UP_BATCH = 20
FOLLOW_UP_BUDGET = 300
"""Threads fetched per sync at most; the rest wait for the next one (rate limits are real)."""
PROBLEMS_KEPT = 100

Progress = Callable[[str, int], None]
"""Called with a stream's name and the items read from it so far."""


@dataclass(slots=True)
class SyncReport:
    """What one sync of one account read, stored and skipped."""

    account: str
    new: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECEIVED_KINDS, 0))
    new_posts: int = 0
    items: int = 0
    streams: dict[str, str] = field(default_factory=dict)
    stream_seconds: dict[str, float] = field(default_factory=dict)
    threads_fetched: int = 0
    threads_waiting: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain data for ``--json``."""
        return {
            "account": self.account,
            "new": dict(self.new),
            "new_posts": self.new_posts,
            "items": self.items,
            "streams": dict(self.streams),
            "stream_seconds": {
                name: round(value, 3) for name, value in self.stream_seconds.items()
            },
            "threads_fetched": self.threads_fetched,
            "threads_waiting": self.threads_waiting,
            "problems": [problem.as_dict() for problem in self.problems],
            "problem_count": self.problem_count,
            "seconds": round(self.seconds, 3),
        }


def sync_account(
    engine: Engine,
    connection_id: int,
    source: LiveSource,
    *,
    name: str,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
    thread_budget: int = FOLLOW_UP_BUDGET,
) -> SyncReport:
    """Read what is new on a connected account's streams and threads into the store."""
    started = clock()
    report = SyncReport(name)
    owner = source.owner
    with engine.begin() as connection:
        run_id = writes.insert_import_run(
            connection,
            {"format": f"{owner.platform}-sync", "path": name, "started_at": int(started)},
        )
    page_writer = _PageWriter(connection_id, run_id, owner.platform, owner.platform_id, report)
    for stream in source.streams():
        began = clock()
        with engine.connect() as connection:
            state = linked.get_stream_state(connection, connection_id, stream.name)
        read = 0
        try:
            for page in stream.pages(state):
                with engine.begin() as connection:
                    page_writer.write(connection, page.content)
                    linked.set_stream_state(
                        connection, connection_id, stream.name, page.state, now=int(clock())
                    )
                    linked.queue_work(
                        connection, connection_id, source.follow_up_kind, page.content.follow_ups
                    )
                read += page.items
                if progress is not None:
                    progress(stream.name, read)
        except Unavailable as unavailable:
            report.streams[stream.name] = f"skipped: {unavailable.reason}"
            continue
        except NotFound as missing:
            report.streams[stream.name] = f"skipped: {missing.message}"
            continue
        finally:
            report.stream_seconds[stream.name] = clock() - began
        report.streams[stream.name] = f"{read} new"
        report.items += read
    began = clock()
    _follow_up(engine, connection_id, source, page_writer, thread_budget, progress)
    report.stream_seconds["threads"] = clock() - began
    with engine.begin() as connection:
        report.threads_waiting = linked.count_queued(connection, connection_id)
        if page_writer.wrote_posts:
            writes.link_posts(connection)
            threads.assign_threads(connection, owner.platform)
        writes.create_missing_people(connection, now=int(clock()))
        report.seconds = clock() - started
        writes.finish_import_run(
            connection,
            run_id,
            {
                "finished_at": int(clock()),
                "counts": _json({"items": report.items, "threads": report.threads_fetched}),
                "new": _json(report.new),
                "problem_count": report.problem_count,
                "problems": _json([problem.as_dict() for problem in report.problems]),
                "own_account_id": _own_id(connection, owner.platform, owner.platform_id),
            },
        )
        linked.mark_synced(connection, connection_id, run_id, now=int(clock()))
    return report


def _follow_up(
    engine: Engine,
    connection_id: int,
    source: LiveSource,
    page_writer: _PageWriter,
    budget: int,
    progress: Progress | None,
) -> None:
    """Fetch queued threads, newest first, a batch per transaction, up to ``budget``."""
    kind = source.follow_up_kind
    report = page_writer.report
    while report.threads_fetched < budget:
        with engine.connect() as connection:
            limit = min(FOLLOW_UP_BATCH, budget - report.threads_fetched)
            items = linked.get_queued(connection, connection_id, kind, limit)
        if not items:
            return
        content = source.follow_up(items)
        with engine.begin() as connection:
            page_writer.write(connection, content)
            linked.drop_queued(connection, connection_id, kind, items)
        report.threads_fetched += len(items)
        if progress is not None:
            progress("threads", report.threads_fetched)


class _PageWriter:
    """Write pages of one sync run, counting what was new."""

    def __init__(
        self, connection_id: int, run_id: int, platform: str, owner_id: str, report: SyncReport
    ) -> None:
        self.connection_id = connection_id
        self.run_id = run_id
        self.platform = platform
        self.owner_id = owner_id
        self.report = report
        self.wrote_posts = False

    def write(self, connection: Connection, content: Content) -> None:
        """Write one page's records, API ids and problems; count new received interactions."""
        received = [
            record
            for record in content.records
            if isinstance(record, Interaction)
            and record.target is not None
            and record.target.platform_id == self.owner_id
        ]
        keys = [edge.key for edge in received]
        known = _stored(connection, interactions, "key", self.platform, keys)
        post_ids = [record.platform_id for record in content.records if isinstance(record, Post)]
        stored_posts = _stored(connection, posts, "platform_id", self.platform, post_ids)
        builder = RowBuilder()
        for record in content.records:
            builder.add(record)
        batch = builder.take(0)
        StoreWriter(connection, self.run_id).write(batch)
        linked.save_api_ids(connection, self.connection_id, content.api_ids)
        report = self.report
        counted: set[str] = set()
        for edge in received:
            if edge.key not in known and edge.key not in counted:
                counted.add(edge.key)
                if edge.kind in report.new:
                    report.new[edge.kind] += 1
        new_posts = set(post_ids) - stored_posts
        report.new_posts += len(new_posts)
        self.wrote_posts = self.wrote_posts or bool(post_ids)
        for problem in batch.problems:
            report.problem_count += 1
            if len(report.problems) < PROBLEMS_KEPT:
                report.problems.append(problem)


def record_own_account(connection: Connection, account: Account, *, now: int) -> int:
    """Store one of the user's own accounts as its server describes it; return its store id."""
    builder = RowBuilder()
    builder.add(account)
    writer = StoreWriter(connection, run_id=None)
    writer.write(builder.take(0))
    writes.create_missing_people(connection, now=now)
    return writer.account_id(account.platform, account.platform_id)


def _stored(
    connection: Connection, table: Table, key: str, platform: str, values: Sequence[str]
) -> set[str]:
    """Return which of ``values`` the table already holds in its column ``key``."""
    column = table.c[key]
    found: set[str] = set()
    for start in range(0, len(values), 400):
        chunk = list(dict.fromkeys(values[start : start + 400]))
        query = select(column).where(table.c.platform == platform, column.in_(chunk))
        found.update(connection.execute(query).scalars())
    return found


def _own_id(connection: Connection, platform: str, platform_id: str) -> int | None:
    ids = writes.get_account_ids(connection, platform, [platform_id])
    return ids.get(platform_id)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
