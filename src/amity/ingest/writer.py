"""Write batches of rows to the store, giving each row the store ids of the accounts it names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from amity.ingest.rows import Batch
from amity.store import driver, writes
from amity.store.bulk import INTERACTIONS, NOTIFICATIONS, POSTS, BulkTable


class StoreWriter:
    """Write one import run's batches; keep the ids of the accounts written so far."""

    def __init__(self, connection: Connection, run_id: int | None) -> None:
        self._connection = connection
        self._run_id = run_id
        # Per platform, platform id -> store id; None stands for itself (an optional account).
        self._ids: dict[str, dict[str | None, int | None]] = {}

    def account_id(self, platform: str, platform_id: str) -> int:
        """Return the store id of an account this writer has written."""
        found = self._ids[platform][platform_id]
        assert found is not None
        return found

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
            self._ids.setdefault(platform, {None: None}).update(found)

    def write(self, batch: Batch) -> None:
        """Write one batch: its accounts first, then posts, payloads and interactions."""
        connection = self._connection
        self.write_accounts(batch.accounts)
        driver.upsert_posts(connection, self._with_ids(POSTS, batch.posts))
        driver.upsert_post_payloads(connection, batch.payloads)
        driver.insert_interactions(connection, self._with_ids(INTERACTIONS, batch.interactions))
        driver.insert_notifications(connection, self._with_ids(NOTIFICATIONS, batch.notifications))

    def _with_ids(self, table: BulkTable, rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Return ``rows`` as ``table`` stores them: the accounts, which end each row, by store id
        instead of platform id, and the run appended."""
        ids, run, carried = self._ids, self._run_id, table.carried
        platform = table.fields.index("platform")
        done = []
        for row in rows:
            store_id = ids[row[platform]].__getitem__
            done.append((*row[:carried], *map(store_id, row[carried:]), run))
        return done
