"""Read an export's records into row batches, here or in a second process.

Parsing and normalising an export is about half of an import's work and never touches the store,
so for a large export it runs in a second process that hands finished row batches to the writing
one through a pipe: one core parses while the other writes. The pipe holds about one batch, so
memory stays flat. Batches cross as ``marshal`` data: rows are plain tuples of strings, integers
and None (built so, see ``store.bulk``), which marshal writes twice and reads five times as fast
as pickle, and takes as they are. Any error in the reading
process crosses the pipe pickled and is raised in the writing one, which then rolls back as
usual. The reading process opens the export again by its path and reads it from the start.

It is forked only where forking is the platform's way and no other thread runs in the writing
process: a process forked while another thread holds a lock (a progress bar's, a web server's)
inherits the lock held, and can hang on it. Otherwise it is started afresh (``spawn``), which
costs about a second of imports. For small exports reading stays in this process: a second one
costs more than it saves below a few megabytes.
"""

from __future__ import annotations

import marshal
import multiprocessing
import pickle
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection as Pipe
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path
from typing import Any, Literal

from amity.errors import SourceError
from amity.ingest.rows import Batch, iter_batches
from amity.model import Account, Problem, Record
from amity.sources.container import Container
from amity.sources.formats import read_archive

PARALLEL_FROM_BYTES = 16 << 20
"""Exports at least this large are read in a second process when ``parallel`` is not given."""


@dataclass(frozen=True, slots=True)
class Export:
    """What a second process needs to read an export again: its path, format and owner.

    ``owner`` is the user's account handed to a format whose files do not say whose they are.
    """

    path: Path
    format: str
    owner: Account | None = None


def read_batches(
    records: Iterator[Record], container: Container, *, apart: Export | None = None
) -> Iterator[Batch]:
    """Yield row batches of ``records``; with ``apart``, build them in a second process.

    ``records`` has yielded its owner already; the second process reads the export named by
    ``apart`` from its start and skips its owner the same way. See ``start_method``.
    """
    if apart is None:
        yield from iter_batches(records, bytes_read=lambda: container.bytes_read)
        return
    context = _context(start_method())
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_produce, args=(apart, sender, receiver), daemon=True)
    process.start()
    sender.close()
    try:
        yield from _receive(receiver, container)
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


def start_method() -> Literal["fork", "spawn"]:
    """Return how to start the reading process: forked if safe here and now, else afresh."""
    forking_is_the_way = multiprocessing.get_all_start_methods()[0] == "fork"
    return "fork" if forking_is_the_way and threading.active_count() == 1 else "spawn"


def _context(method: Literal["fork", "spawn"]) -> ForkContext | SpawnContext:
    if method == "fork":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


# Each message opens with one byte saying what follows.
_BATCH, _DONE, _ERROR = b"b", b"d", b"e"


def _receive(receiver: Pipe, container: Container) -> Iterator[Batch]:
    while True:
        try:
            message = receiver.recv_bytes()
        except EOFError:
            raise SourceError(
                "the process reading it stopped without a word; nothing was imported",
                file=str(container.path),
                hint="Run the import again; if it stops again, the machine may be short of memory.",
            ) from None
        kind = message[:1]
        if kind == _ERROR:
            raise pickle.loads(message[1:])
        if kind == _DONE:
            return
        yield _decode_batch(memoryview(message)[1:])


def _produce(export: Export, sender: Pipe, receiver: Pipe) -> None:
    """Build batches in the second process and send them; send the error if reading fails.

    When the writing process dies (even by kill -9) the pipe breaks, and this one ends at its
    next batch instead of reading on.
    """
    # This process has the reading end too (forked, or handed over). Closed here, the pipe
    # breaks when the writing process dies, and this one ends instead of waiting forever.
    receiver.close()
    try:
        with Container(export.path) as container:
            records = read_archive(container, export.format, export.owner)
            next(records, None)  # the owner, which the writing process has taken already
            for batch in iter_batches(records, bytes_read=lambda: container.bytes_read):
                sender.send_bytes(_BATCH + _encode_batch(batch))
        sender.send_bytes(_DONE)
    except BrokenPipeError:
        return  # the writing side gave up first and is rolling back
    except Exception as error:  # every failure must reach the writing side
        sender.send_bytes(_pickled_error(error))


def _encode_batch(batch: Batch) -> bytes:
    problems = [(p.file, p.item, p.reason, p.hint) for p in batch.problems]
    return marshal.dumps(
        (
            batch.accounts,
            batch.posts,
            batch.payloads,
            batch.interactions,
            batch.notifications,
            problems,
            batch.records,
            batch.bytes_read,
        )
    )


def _decode_batch(data: memoryview) -> Batch:
    accounts, posts, payloads, interactions, notices, problems, records, read = marshal.loads(data)
    return Batch(
        accounts=accounts,
        posts=posts,
        payloads=payloads,
        interactions=interactions,
        notifications=notices,
        problems=[Problem(*problem) for problem in problems],
        records=records,
        bytes_read=read,
    )


def _pickled_error(error: Exception) -> bytes:
    try:
        return _ERROR + pickle.dumps(error)
    except Exception:  # one that cannot cross is described instead
        described: Any = RuntimeError(f"{type(error).__name__}: {error}")
        return _ERROR + pickle.dumps(described)
