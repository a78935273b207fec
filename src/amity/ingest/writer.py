"""Write batches of rows to the store, giving each row the store ids of the accounts it names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from amity.ingest.rows import AccountKey, Batch, InteractionRow, NotificationRow, PostRow
from amity.store import driver, writes


class StoreWriter:
    """Write one import run's batches; keep the ids of the accounts written so far."""

    def __init__(self, connection: Connection, run_id: int | None) -> None:
        self._connection = connection
        self._run_id = run_id
        self._ids: dict[AccountKey, int] = {}

    def account_id(self, platform: str, platform_id: str) -> int:
        """Return the store id of an account this writer has written."""
        return self._ids[(platform, platform_id)]

    def write_accounts(self, rows: Sequence[dict[str, Any]]) -> None:
        """Upsert account rows and learn their store ids."""
        if not rows:
            return
        writes.upsert_accounts(self._connection, rows)
        by_platform: dict[str, list[str]] = {}
        for row in rows:
            by_platform.setdefault(row["platform"], []).append(row["platform_id"])
        for platform, platform_ids in by_platform.items():
            found = writes.get_account_ids(self._connection, platform, platform_ids)
            self._ids.update({(platform, pid): aid for pid, aid in found.items()})

    def write(self, batch: Batch) -> None:
        """Write one batch: its accounts first, then posts, payloads and interactions."""
        connection = self._connection
        self.write_accounts(batch.accounts)
        driver.upsert_posts(connection, self._post_rows(batch.posts))
        driver.upsert_post_payloads(connection, batch.payloads)
        driver.insert_interactions(connection, self._interaction_rows(batch.interactions))
        driver.insert_notifications(connection, self._notification_rows(batch.notifications))

    def _post_rows(self, rows: list[PostRow]) -> list[tuple[Any, ...]]:
        ids, run = self._ids, self._run_id
        done = []
        for row in rows:
            platform, reply_to, boost_of = row[0], row[21], row[22]
            author = ids[platform, row[20]]
            replied = None if reply_to is None else ids[platform, reply_to]
            boosted = None if boost_of is None else ids[platform, boost_of]
            done.append((*row[:20], author, replied, boosted, run))
        return done

    def _interaction_rows(self, rows: list[InteractionRow]) -> list[tuple[Any, ...]]:
        ids, run = self._ids, self._run_id
        done = []
        for row in rows:
            platform, target = row[0], row[7]
            actor = ids[platform, row[6]]
            done.append((*row[:6], actor, None if target is None else ids[platform, target], run))
        return done

    def _notification_rows(self, rows: list[NotificationRow]) -> list[tuple[Any, ...]]:
        ids, run = self._ids, self._run_id
        done = []
        for row in rows:
            platform, actor = row[0], row[7]
            owner = ids[platform, row[6]]
            done.append((*row[:6], owner, None if actor is None else ids[platform, actor], run))
        return done
