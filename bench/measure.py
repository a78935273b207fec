"""Run a command and measure its wall time and the peak memory of its whole process tree.

``wait4`` reports the peak resident memory of the largest single process. An import that reads
in a second process holds memory in two, so the sum over the process tree is sampled from /proc
every 50 ms as well; the table reports the sampled sum (it may miss a peak shorter than that).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Measured:
    """What one run took: seconds, peak memory of the tree and of its largest process, output."""

    seconds: float
    peak_tree_mb: int
    peak_process_mb: int
    output: bytes


def run_measured(command: list[str], *, capture: bool = False) -> Measured:
    """Run ``command`` to the end; fail loudly if it fails."""
    started = time.perf_counter()
    stdout = subprocess.PIPE if capture else subprocess.DEVNULL
    child = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
    sampler = _TreeSampler(child.pid)
    sampler.start()
    output = child.stdout.read() if child.stdout is not None else b""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    sampler.stop()
    if status != 0:
        raise SystemExit(f"{command[0]} failed with status {status}")
    process_mb = round(usage.ru_maxrss / 1024)
    return Measured(seconds, max(sampler.peak_mb, process_mb), process_mb, output)


class _TreeSampler(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self._root = root
        self._done = threading.Event()
        self.peak_mb = 0

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak_mb = max(self.peak_mb, round(_tree_rss(self._root) / 2**20))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree_rss(root: int) -> int:
    """Return the resident bytes of ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss(pid)
        pending.extend(children.get(pid, ()))
    return total


def _parent(entry: Path) -> int | None:
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0
