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

from amity.errors import SourceError, StoreError, WrongAccount
from amity.ingest.progress import Phase as Phase
from amity.ingest.progress import Progress as Progress
from amity.ingest.reader import PARALLEL_FROM_BYTES, Export, read_batches
from amity.ingest.rows import account_row
from amity.ingest.writer import StoreWriter
from amity.model import Account, Problem, Record
from amity.sources.container import Container
from amity.sources.formats import detect_format, needs_owner, read_archive
from amity.store import bulk, reads, schema, threads, writes
from amity.store.engine import sqlite_file
from amity.store.migrate import require_current

PROBLEMS_KEPT = 1000
"""A report lists at most this many problems; the count covers them all."""


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
    default that happens for exports of 16 MiB or more.
    """
    started = clock()
    require_current(engine)
    store_file = _StoreFile.of(engine)
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
                report = _import_all(connection, opened, formats, options)
                options.say(Phase.SAVING)  # the commit, as the block ends
        except StoreError as error:
            raise type(error)(f"{error.message}; nothing was imported", hint=error.hint) from error
    store_file.check_still_there()
    return report


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

    def say(self, phase: Phase, done: int | None = None) -> None:
        """Report that ``phase`` has begun (or, reading, reached ``done`` bytes)."""
        if self.progress is not None:
            self.progress(phase, self.total if done is None else done, self.total)


@dataclass(frozen=True, slots=True)
class _Source:
    """One opened export of an import, with its record stream already started."""

    container: Container
    path: Path
    format: str
    records: Iterator[Record]
    owner: Account
    apart: Export | None
    """How a second process reads it again; None to read it in this one."""


def _import_all(
    connection: Connection,
    opened: list[tuple[Container, Path]],
    formats: list[str],
    options: _Options,
) -> ImportReport:
    clock = options.clock
    options.say(Phase.READING, 0)
    sources = _start(connection, opened, formats, options.parallel)
    owners = [source.owner for source in sources]
    _check_owners(connection, owners, also_mine=options.also_mine)
    before = reads.count_records(connection, _stored_ids(connection, owners))
    tally = _Tally()
    with bulk.deferred_indexes(connection, (schema.posts, schema.interactions)) as deferred:
        done = 0
        for source in sources:
            own = _load(connection, source, clock, _advance(options, done))
            tally.extend(own)
            done += own.bytes_read
        # Linking and threading look posts up by their unique keys only, and update columns
        # that deferred indexes would otherwise have to follow: do them before the rebuild.
        options.say(Phase.LINKING)
        writes.link_posts(connection)
        options.say(Phase.THREADING)
        for platform in sorted({owner.platform for owner in owners}):
            threads.assign_threads(connection, platform)
        if deferred:
            options.say(Phase.INDEXING)  # as the block ends
    options.say(Phase.PEOPLE)
    writes.create_missing_people(connection, now=int(clock()))
    options.say(Phase.COUNTING)
    after = reads.count_records(connection, _stored_ids(connection, owners))
    return ImportReport(
        archives=tuple(ImportedArchive(str(s.path), s.format, _name(s.owner)) for s in sources),
        counts=after,
        new={kind: after[kind] - before[kind] for kind in after},
        problems=tuple(tally.kept),
        problem_count=tally.count,
        seconds=clock() - options.started,
        records=tally.records,
    )


def _advance(options: _Options, start: int) -> Callable[[int], None]:
    """Return a callback that reports bytes read in one export as progress over all of them."""

    def report(read: int) -> None:
        options.say(Phase.READING, start + read)

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
        split = [_readable_bytes(container) >= PARALLEL_FROM_BYTES for container, _ in opened]
    else:
        split = [parallel] * len(opened)
    for (container, path), name, parallel_here in zip(opened, formats, split, strict=True):
        platform = needs_owner(name)
        owners = [source.owner for source in sources]
        given = _owner_for(connection, platform, owners, container) if platform else None
        records = read_archive(container, name, given)
        owner = _first_owner(records, container)
        apart = Export(path, name, given) if parallel_here else None
        sources.append(_Source(container, path, name, records, owner, apart))
    return sources


def _load(
    connection: Connection,
    source: _Source,
    clock: Callable[[], float],
    progress: Callable[[int], None],
) -> _Tally:
    """Stream one export's records into the store as one import run; return its own tally."""
    run = {"format": source.format, "path": str(source.path), "started_at": int(clock())}
    run_id = writes.insert_import_run(connection, run)
    writer = StoreWriter(connection, run_id)
    writer.write_accounts([account_row(source.owner)])
    tally = _Tally()
    try:
        for batch in read_batches(source.records, source.container, apart=source.apart):
            writer.write(batch)
            tally.add_batch(batch.problems, records=batch.records, bytes_read=batch.bytes_read)
            progress(tally.bytes_read)
    except RecursionError:
        raise _too_deep(source.path) from None
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
    return tally


def _too_deep(path: Path) -> SourceError:
    """Return the error of an export whose JSON nests deeper than Python can follow."""
    return SourceError(
        "holds JSON nested deeper than any real export (thousands of levels); nothing was imported",
        file=str(path),
        hint="The file is damaged or was made to crash readers: request a fresh export.",
    )


def _stored_ids(connection: Connection, owners: Sequence[Account]) -> set[int]:
    """Return the store ids of those owners that are stored already."""
    ids: set[int] = set()
    for owner in owners:
        ids.update(writes.get_account_ids(connection, owner.platform, [owner.platform_id]).values())
    return ids


@dataclass(slots=True)
class _Tally:
    """What an import run (or a whole import) read: records, bytes and the problems skipped."""

    count: int = 0
    records: int = 0
    bytes_read: int = 0
    kept: list[Problem] = field(default_factory=list)

    def add_batch(self, problems: Sequence[Problem], *, records: int, bytes_read: int) -> None:
        """Count one batch of an export; ``bytes_read`` is how far into the export it reached."""
        self.count += len(problems)
        self.kept.extend(problems[: PROBLEMS_KEPT - len(self.kept)])
        self.records += records
        self.bytes_read = bytes_read

    def extend(self, other: _Tally) -> None:
        """Add the tally of one export to this one, of the whole import."""
        self.count += other.count
        self.kept.extend(other.kept[: PROBLEMS_KEPT - len(self.kept)])
        self.records += other.records
        self.bytes_read += other.bytes_read


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
    try:
        first = next(records, None)
    except RecursionError:
        raise _too_deep(container.path) from None
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


@dataclass(frozen=True, slots=True)
class _StoreFile:
    """The SQLite file an import writes to, as it was when the import began."""

    path: Path | None
    identity: tuple[int, int] | None

    @classmethod
    def of(cls, engine: Engine) -> _StoreFile:
        """Note which file the store is, if it is a SQLite file."""
        path = sqlite_file(engine.url.render_as_string(hide_password=False))
        return cls(path, _identity(path))

    def check_still_there(self) -> None:
        """Fail unless the store's file is still where it was: an import that stored into a
        file deleted meanwhile (say, with its workspace) stored nothing anyone can open."""
        if self.path is not None and _identity(self.path) != self.identity:
            raise StoreError(
                f"the database {self.path} was deleted or replaced while the import ran,"
                " so what it read is not in the store",
                hint="Run the import again (it creates the workspace if it is gone).",
            )


def _identity(path: Path | None) -> tuple[int, int] | None:
    """Return the device and inode of a file, or None when there is none."""
    if path is None:
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino
