"""Time tie strength, circles and drift over ten million generated interactions.

The interactions are generated once (seeded) and saved under bench/out/: 2,000,000 people, one
of them (id 0, "the user") with 20,000 contacts, the rest in a heavy-tailed web of pairs (how
often a pair talks follows a Pareto law, so a few pairs talk every day and most only once or
twice). Time is bursty: interactions come in sessions of a few messages minutes apart, often
back and forth, spread over two years; the kinds are mixed as on a real network (replies and
likes most, DMs fewer, quotes rare). The columns are saved in time order, as a store query
ordered by time gives them.

A child process loads the saved columns and runs, for every person at once, ``tie_table``,
``circle_table`` and ``tie_changes`` (drift and rises), then ``people_report`` for the user;
the parent reads the child's wall time and peak memory (``wait4``, and the process tree sampled
from /proc, by ``measure.run_measured``). Aim: under 10 s and 2 GB for ten million.

    python bench/people_scale.py --events 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from measure import run_measured

OUT = Path(__file__).parent / "out"
DAY = 86_400
START = 1_700_000_000
SPAN = 730 * DAY
KIND_SHARES = (0.35, 0.1, 0.02, 0.08, 0.3, 0.0, 0.15, 0.0)
"""Shares of reply, mention, quote, boost, like, follow, dm, bookmark."""


def generate(events: int, seed: int) -> dict[str, np.ndarray]:
    """Return ``events`` interactions as columns (source, target, time, kind, thread)."""
    rng = np.random.default_rng(seed)
    people, pairs, user_contacts = 2_000_000, 3_000_000, 20_000
    low = rng.integers(1, people, pairs)
    high = rng.integers(1, people, pairs)
    low[:user_contacts] = 0
    high[:user_contacts] = rng.choice(np.arange(1, people), user_contacts, replace=False)
    weight = rng.pareto(1.2, pairs) + 1.0
    weight[:user_contacts] *= 4.0
    sessions = events // 3 + events // 50
    pair = np.searchsorted(np.cumsum(weight / weight.sum()), rng.random(sessions))
    size = np.minimum(rng.geometric(1 / 3, sessions), 40)
    owner = np.repeat(np.arange(sessions), size)[:events]
    first = np.r_[0, np.cumsum(size)[:-1]]
    step = np.arange(owner.size) - first[owner]
    start = START + rng.integers(0, SPAN, sessions)
    time = start[owner] + step * rng.integers(30, 1_800, owner.size)
    flip = (rng.random(owner.size) < 0.3) ^ (step % 2 == 1)
    a, b = low[pair[owner]], high[pair[owner]]
    kind = np.searchsorted(np.cumsum(KIND_SHARES), rng.random(owner.size) * 0.9999)
    thread = np.where(rng.random(sessions) < 0.5, np.arange(sessions), -1)[owner]
    order = np.argsort(time, kind="stable")
    return {
        "source": np.where(flip, b, a).astype(np.int64)[order],
        "target": np.where(flip, a, b).astype(np.int64)[order],
        "time": time.astype(np.int64)[order],
        "kind": kind.astype(np.int8)[order],
        "thread": thread.astype(np.int64)[order],
    }


def saved(events: int, seed: int) -> Path:
    """Return the folder of the generated columns, generating them once."""
    folder = OUT / f"people-{events}-{seed}"
    if not (folder / ".complete").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for name, column in generate(events, seed).items():
            np.save(folder / f"{name}.npy", column)
        (folder / ".complete").touch()
    return folder


def child(folder: Path) -> None:
    """Load the columns, run the analyses and print the timings as JSON."""
    from amity.insight.circles import circle_table
    from amity.insight.drift import tie_changes
    from amity.insight.events import make_events
    from amity.insight.people import people_report
    from amity.insight.ties import tie_table

    columns = {name: np.load(folder / f"{name}.npy") for name in ("source", "target", "time")}
    kind, thread = np.load(folder / "kind.npy"), np.load(folder / "thread.npy")
    now = START + SPAN + DAY
    timings: dict[str, float] = {}
    began = time.perf_counter()
    events = make_events(**columns, kind=kind, thread=thread)
    del columns, kind, thread
    timings["make_events"] = time.perf_counter() - began
    mark = time.perf_counter()
    ties = tie_table(events, now=now)
    timings["tie_table"] = time.perf_counter() - mark
    mark = time.perf_counter()
    circles = circle_table(ties)
    timings["circle_table"] = time.perf_counter() - mark
    mark = time.perf_counter()
    changes = tie_changes(ties, circles)
    timings["tie_changes"] = time.perf_counter() - mark
    timings["all_egos"] = time.perf_counter() - began
    mark = time.perf_counter()
    report = people_report(events, ego=0, now=now)
    timings["people_report_user"] = time.perf_counter() - mark
    print(
        json.dumps(
            {
                "events": len(events),
                "people": events.nodes,
                "ties": len(ties),
                "user_contacts": len(report.contacts),
                "drifting": int(changes.drifting.sum()),
                "rising": int(changes.rising.sum()),
                "seconds": {name: round(value, 2) for name, value in timings.items()},
            }
        )
    )


def main() -> None:
    """Generate (once), measure the child run and print a Markdown table row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    folder = saved(args.events, args.seed)
    measured = run_measured([sys.executable, __file__, "--child", str(folder)], capture=True)
    result = json.loads(measured.output)
    result |= {"wall_s": round(measured.seconds, 1), "peak_rss_mb": measured.peak_tree_mb}
    print(json.dumps(result))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}; load average {os.getloadavg()[0]:.1f}\n")
    (OUT / f"people_scale-{args.events}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
