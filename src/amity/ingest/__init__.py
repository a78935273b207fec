"""The one place where sources meet the store.

``import_archives`` reads one or more exports and writes them in a single transaction: either
everything from the command is stored, or, on any error, nothing is, and the store stays exactly as
it was. Records stream through in batches, so memory stays flat however large the export.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from amity.errors import SourceError, StoreError, WrongAccount
from amity.ingest.reader import PARALLEL_FROM_BYTES, can_fork, read_batches
from amity.ingest.rows import account_row
from amity.ingest.writer import StoreWriter
from amity.model import Account, Problem, Record
from amity.sources.container import Container
from amity.sources.formats import detect_format, needs_owner, read_archive
from amity.store import bulk, reads, schema, threads, writes
from amity.store.migrate import require_current

PROBLEMS_KEPT = 1000
"""A report lists at most this many problems; the count covers them all."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportedArchive:
    """One export of an import: its path, format and whose it is."""

    path: str
    format: str
    account: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import found, stored and skipped."""

    archives: tuple[ImportedArchive, ...]
    counts: dict[str, int]
    new: dict[str, int]
    problems: tuple[Problem, ...]
    problem_count: int
    seconds: float
    records: int

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain data for ``--json``."""
        return {
            "archives": [asdict(archive) for archive in self.archives],
            "counts": self.counts,
            "new": self.new,
            "problems": [problem.as_dict() for problem in self.problems],
            "problem_count": self.problem_count,
            "seconds": round(self.seconds, 3),
            "records": self.records,
        }


def import_archives(
    engine: Engine,
    paths: Sequence[Path],
    *,
    also_mine: bool = False,
    parallel: bool | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
) -> ImportReport:
    """Import the exports at ``paths`` in one transaction and report what changed.

    With ``parallel``, each export is parsed in a second process while this one writes; by
    default that happens for exports of 16 MiB or more, where the machine can fork.
    """
    started = clock()
    require_current(engine)
    with ExitStack() as stack:
        opened = [(stack.enter_context(Container(path)), path) for path in paths]
        formats = [detect_format(container) for container, _ in opened]
        # Files that do not name their owner come after the archives that do.
        order = sorted(range(len(opened)), key=lambda i: needs_owner(formats[i]) is not None)
        opened = [opened[i] for i in order]
        formats = [formats[i] for i in order]
        total = sum(_readable_bytes(container) for container, _ in opened)
        try:
            with _no_cycle_collection(), engine.begin() as connection:
                options = _Options(also_mine, parallel, progress, clock, started, total)
                return _import_all(connection, opened, formats, options)
        except OperationalError as error:
            raise _store_error(error) from error
        except SQLAlchemyError as error:
            raise StoreError(
                f"the store rejected the import: {error}",
                hint="Nothing was imported. Run `amity db status` to check the store.",
            ) from error


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while records stream through.

    An import allocates millions of short-lived, acyclic objects (decoded JSON, records, rows);
    the collector's repeated passes over them cost about a quarter of the import's time
    (measured: 23.7 s against 18.0 s for 200,000 tweets). Reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class _Options:
    """How to import: the caller's choices, and the figures the progress is reported against."""

    also_mine: bool
    parallel: bool | None
    progress: Progress | None
    clock: Callable[[], float]
    started: float
    total: int


@dataclass(frozen=True, slots=True)
class _Source:
    """One opened export of an import, with its record stream already started."""

    container: Container
    path: Path
    format: str
    records: Iterator[Record]
    owner: Account
    parallel: bool


def _import_all(
    connection: Connection,
    opened: list[tuple[Container, Path]],
    formats: list[str],
    options: _Options,
) -> ImportReport:
    clock, progress, total = options.clock, options.progress, options.total
    sources = _start(connection, opened, formats, options.parallel)
    owners = [source.owner for source in sources]
    _check_owners(connection, owners, also_mine=options.also_mine)
    before = reads.count_records(connection, _stored_ids(connection, owners))
    tally = _Tally()
    with bulk.deferred_indexes(connection, (schema.posts, schema.interactions)):
        done = 0
        for source in sources:
            done += _load(connection, source, tally, clock, _advance(progress, done, total))
        # Linking and threading look posts up by their unique keys only, and update columns
        # that deferred indexes would otherwise have to follow: do them before the rebuild.
        writes.link_posts(connection)
        for platform in sorted({owner.platform for owner in owners}):
            threads.assign_threads(connection, platform)
    writes.create_missing_people(connection, now=int(clock()))
    after = reads.count_records(connection, _stored_ids(connection, owners))
    if progress is not None:
        progress(total, total)
    return ImportReport(
        archives=tuple(ImportedArchive(str(s.path), s.format, _name(s.owner)) for s in sources),
        counts=after,
        new={kind: after[kind] - before[kind] for kind in after},
        problems=tuple(tally.kept),
        problem_count=tally.count,
        seconds=clock() - options.started,
        records=tally.records,
    )


def _advance(progress: Progress | None, start: int, total: int) -> Callable[[int], None]:
    """Return a callback that reports bytes read in one export as progress over all of them."""

    def report(read: int) -> None:
        if progress is not None:
            progress(start + read, total)

    return report


def _start(
    connection: Connection,
    opened: list[tuple[Container, Path]],
    formats: list[str],
    parallel: bool | None,
) -> list[_Source]:
    """Start reading each export and take its owner, the first record every source yields."""
    sources: list[_Source] = []
    if parallel is None:
        sizes = [_readable_bytes(container) for container, _ in opened]
        split = [can_fork() and size >= PARALLEL_FROM_BYTES for size in sizes]
    else:
        split = [parallel] * len(opened)
    for (container, path), name, apart in zip(opened, formats, split, strict=True):
        platform = needs_owner(name)
        owners = [source.owner for source in sources]
        given = _owner_for(connection, platform, owners, container) if platform else None
        records = read_archive(container, name, given)
        owner = _first_owner(records, container)
        sources.append(_Source(container, path, name, records, owner, apart))
    return sources


def _load(
    connection: Connection,
    source: _Source,
    tally: _Tally,
    clock: Callable[[], float],
    progress: Callable[[int], None],
) -> int:
    """Stream one export's records into the store as one import run; return the bytes read."""
    run = {"format": source.format, "path": str(source.path), "started_at": int(clock())}
    run_id = writes.insert_import_run(connection, run)
    writer = StoreWriter(connection, run_id)
    writer.write_accounts([account_row(source.owner)])
    read = 0
    for batch in read_batches(source.records, source.container, parallel=source.parallel):
        writer.write(batch)
        for problem in batch.problems:
            tally.add(problem)
        tally.records += batch.records
        read = batch.bytes_read
        progress(read)
    writes.finish_import_run(
        connection,
        run_id,
        {
            "own_account_id": writer.account_id(source.owner.platform, source.owner.platform_id),
            "finished_at": int(clock()),
            "problem_count": tally.count,
            "problems": orjson.dumps([p.as_dict() for p in tally.kept]).decode(),
        },
    )
    return read


def _stored_ids(connection: Connection, owners: Sequence[Account]) -> set[int]:
    """Return the store ids of those owners that are stored already."""
    ids: set[int] = set()
    for owner in owners:
        ids.update(writes.get_account_ids(connection, owner.platform, [owner.platform_id]).values())
    return ids


@dataclass(slots=True)
class _Tally:
    count: int = 0
    records: int = 0
    kept: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.kept) < PROBLEMS_KEPT:
            self.kept.append(problem)


def _owner_for(
    connection: Connection, platform: str, owners: Sequence[Account], container: Container
) -> Account:
    """Return whose file this is, for a format that does not say: the user's one account there."""
    in_command = {owner.platform_id: owner for owner in owners if owner.platform == platform}
    if len(in_command) == 1:
        return next(iter(in_command.values()))
    stored = [a for a in reads.get_own_accounts(connection) if a.platform == platform]
    if not in_command and len(stored) == 1:
        return stored[0]
    problem = "several" if len(in_command) > 1 or len(stored) > 1 else "no"
    raise SourceError(
        f"does not say whose it is, and this workspace has {problem} {platform} account(s)"
        " to give it to; nothing was imported",
        file=str(container.path),
        hint=f"Import it together with the {platform} archive it belongs to, in one command.",
    )


def _first_owner(records: Iterator[Record], container: Container) -> Account:
    first = next(records, None)
    if not isinstance(first, Account) or not first.is_own:
        raise SourceError(
            "does not say whose archive it is",
            file=str(container.path),
            hint="Pass the complete export; its account file is missing.",
        )
    return first


def _check_owners(connection: Connection, owners: Sequence[Account], *, also_mine: bool) -> None:
    """Refuse an archive of another account than the workspace's own on that platform."""
    own = reads.get_own_accounts(connection)
    for owner in owners:
        mine = [a for a in own if a.platform == owner.platform]
        if mine and not also_mine and all(a.platform_id != owner.platform_id for a in mine):
            names = ", ".join(_name(a) for a in mine)
            raise WrongAccount(
                f"this {owner.platform} archive is of {_name(owner)}, but this workspace belongs"
                f" to {names}; nothing was imported",
                hint="Use another workspace (--workspace PATH) for that account, or, if it is"
                " also yours, import it with --also-mine.",
            )
        own.append(owner)


def _name(account: Account) -> str:
    if account.handle:
        return f"@{account.handle}"
    return account.display_name or account.platform_id


def _readable_bytes(container: Container) -> int:
    data = (".js", ".json", ".csv", ".car")
    return sum(container.size(name) for name in container.names() if name.endswith(data))


def _store_error(error: OperationalError) -> StoreError:
    text = str(error.orig or error)
    if "full" in text or "No space" in text or "disk" in text:
        return StoreError(
            f"the disk holding the store is full ({text}); nothing was imported",
            hint="Free some space (or move the workspace) and run the import again.",
        )
    if "locked" in text:
        return StoreError(
            "the store is busy: another amity command is writing to it; nothing was imported",
            hint="Wait for the other command to finish and run the import again.",
        )
    return StoreError(f"the store failed: {text}; nothing was imported", hint="")
