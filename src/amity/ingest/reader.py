"""Read an export's records into row batches, here or in a second process.

Parsing and normalising an export is about half of an import's work and never touches the store,
so for a large export it runs in a forked process that hands finished row batches to the writing
one through a pipe: one core parses while the other writes. The pipe holds about one batch, so
memory stays flat. Batches cross as ``marshal`` data: rows are tuples of strings, integers and
None, which marshal writes twice and reads five times as fast as pickle. Any error in the reading
process crosses the pipe pickled and is raised in the writing one, which then rolls back as
usual. Without ``fork`` (not on Linux) or for small exports, reading stays in this process:
forking costs more than it saves below a few megabytes.
"""

from __future__ import annotations

import marshal
import multiprocessing
import pickle
from collections.abc import Iterator
from multiprocessing.connection import Connection as Pipe
from typing import Any

from amity.errors import SourceError
from amity.ingest.rows import Batch, iter_batches
from amity.model import Problem, Record
from amity.sources.container import Container

PARALLEL_FROM_BYTES = 16 << 20
"""Exports at least this large are read in a second process when ``parallel`` is not given."""


def can_fork() -> bool:
    """Return True where a second reading process can be forked."""
    return "fork" in multiprocessing.get_all_start_methods()


def read_batches(
    records: Iterator[Record], container: Container, *, parallel: bool
) -> Iterator[Batch]:
    """Yield row batches of ``records``; with ``parallel``, build them in a forked process."""
    if not parallel:
        yield from iter_batches(records, bytes_read=lambda: container.bytes_read)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_produce, args=(records, container, sender, receiver), daemon=True
    )
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


def _produce(records: Iterator[Record], container: Container, sender: Pipe, receiver: Pipe) -> None:
    """Build batches in the forked process and send them; send the error if reading fails."""
    # The fork inherited the reading end too. Closed here, the pipe breaks when the writing
    # process dies (even by kill -9), and this process ends instead of waiting forever.
    receiver.close()
    try:
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
