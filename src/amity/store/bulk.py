"""Bulk loading: the rows an import writes by the hundred thousand, and their indexes.

Posts, their payloads, interactions and notifications travel from the reading side of an import
to the writing side as rows laid out by the named tuples below: each table's columns, then the
accounts the row names, by platform id, which only the writing side can turn into store ids.
Each layout is written once, here; the SQL (``store.driver``), the row builder and the writer
read their columns and fields by name from it. A layout lists first the fields copied as they are
from a record, then those computed from it, then the accounts: the row builder (``ingest.rows``)
builds each row as a plain tuple, the copied values taken in one ``attrgetter`` over these names,
and checks when imported that its names and the records' attributes agree. Rows stay plain tuples
(the ``*Values`` types below) on their way to the driver: no copy to cross the reading pipe, no
keyword call per row.

Keeping four secondary indexes up to date costs each inserted row four B-tree insertions at
random places; building an index over a loaded table is one sort. So when an import starts on a
table that is still empty, its secondary indexes are dropped for the length of the load and built
again before anything reads through them. Unique indexes stay: the upserts need them. The drop
and the build run inside the import's transaction, so an interrupted import leaves the schema as
it was (SQLite and PostgreSQL both roll DDL back).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Connection, Index, Table, exists, select


class PostRow(NamedTuple):
    """A post for the ``posts`` table; its author and the accounts it answers or boosts by id."""

    platform: str
    platform_id: str
    kind: str
    text: str
    html: str | None
    language: str | None
    visibility: str
    url: str | None
    reply_to_platform_id: str | None
    source_thread_key: str | None
    quote_of_platform_id: str | None
    boost_of_platform_id: str | None
    media_count: int
    reply_count: int | None
    boost_count: int | None
    like_count: int | None
    created_at: int
    links: str
    hashtags: str
    mention_count: int
    author: str
    reply_to_author: str | None
    boost_of_author: str | None


PostValues = tuple[
    str, str, str, str, str | None, str | None, str, str | None, str | None, str | None,
    str | None, str | None, int, int | None, int | None, int | None, int, str, str, int,
    str, str | None, str | None,
]  # fmt: skip
"""A ``PostRow``'s values as a plain tuple, the form rows are built in and cross the pipe in."""


class PayloadRow(NamedTuple):
    """A post's raw payload for ``post_payloads``, as JSON text."""

    platform: str
    platform_id: str
    raw: str


PayloadValues = tuple[str, str, str]
"""A ``PayloadRow``'s values as a plain tuple."""


class InteractionRow(NamedTuple):
    """An interaction for the ``interactions`` table; its actor and target by platform id."""

    platform: str
    kind: str
    post_platform_id: str | None
    key: str
    occurred_at: int | None
    raw: str | None
    actor: str
    target: str | None


InteractionValues = tuple[str, str, str | None, str, int | None, str | None, str, str | None]
"""An ``InteractionRow``'s values as a plain tuple."""


class NotificationRow(NamedTuple):
    """A notification for the ``notifications`` table; its owner and actor by platform id."""

    platform: str
    platform_id: str
    kind: str
    post_platform_id: str | None
    created_at: int
    raw: str | None
    owner: str
    actor: str | None


NotificationValues = tuple[str, str, str, str | None, int, str | None, str, str | None]
"""A ``NotificationRow``'s values as a plain tuple."""


class ThreadRow(NamedTuple):
    """A thread for the ``threads`` table: its key, root post, size and first and last times."""

    platform: str
    key: str
    root_post_id: int | None
    post_count: int
    first_at: int
    last_at: int


if TYPE_CHECKING:

    def _values_of(
        post: PostRow, payload: PayloadRow, interaction: InteractionRow, notice: NotificationRow
    ) -> tuple[PostValues, PayloadValues, InteractionValues, NotificationValues]:
        """Have mypy check each plain tuple type against its layout, field by field."""
        return post, payload, interaction, notice


@dataclass(frozen=True, slots=True)
class BulkTable:
    """A table written in bulk: the fields of its rows, and the columns its accounts go to.

    ``accounts`` maps the row's last fields, which name accounts of the row's ``platform`` by
    platform id (the first of them never None), to the columns that take their store ids; the
    import run's id follows them.
    """

    name: str
    fields: tuple[str, ...]
    accounts: Mapping[str, str]

    def __post_init__(self) -> None:
        if "platform" not in self.fields or self.fields[self.carried :] != tuple(self.accounts):
            raise ValueError(f"{self.name}: rows hold their platform and end with the accounts")

    @property
    def carried(self) -> int:
        """Return how many of a row's fields are written as they are."""
        return len(self.fields) - len(self.accounts)

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the columns a written row fills, in order."""
        return (*self.fields[: self.carried], *self.accounts.values(), "import_run_id")


POSTS = BulkTable(
    "posts",
    PostRow._fields,
    {
        "author": "account_id",
        "reply_to_author": "reply_to_account_id",
        "boost_of_author": "boost_of_account_id",
    },
)
INTERACTIONS = BulkTable(
    "interactions", InteractionRow._fields, {"actor": "actor_id", "target": "target_id"}
)
NOTIFICATIONS = BulkTable(
    "notifications", NotificationRow._fields, {"owner": "account_id", "actor": "actor_id"}
)


@contextmanager
def deferred_indexes(connection: Connection, tables: Sequence[Table]) -> Iterator[list[str]]:
    """Drop the secondary indexes of those ``tables`` that are empty; rebuild them on exit.

    Yields the names of the indexes deferred. On an exception nothing is rebuilt: the
    transaction's rollback restores them.
    """
    deferred = [
        index for table in tables if _is_empty(connection, table) for index in _secondary(table)
    ]
    for index in deferred:
        index.drop(connection)
    yield [str(index.name) for index in deferred]
    for index in deferred:
        index.create(connection)


def _is_empty(connection: Connection, table: Table) -> bool:
    return not connection.execute(select(exists().select_from(table))).scalar()


def _secondary(table: Table) -> list[Index]:
    return sorted((index for index in table.indexes if not index.unique), key=lambda i: str(i.name))
