"""Time the people commands end to end on a real store: read the history, analyse, render.

``people_scale.py`` times the analyses alone on saved columns; this times what a user waits for.
The demo world of ``--posts`` posts (seed 7) is generated and imported once into a workspace
under bench/out/ (kept for later runs); then ``amity people list --json``, ``amity people
drifting --json`` and ``amity people evaluate --json`` each run in a child process, whose wall
time and peak memory ``measure.run_measured`` reads. Each command is run ``--repeat`` times and
the fastest run is reported (the first also warms the page cache).

    python bench/people_store.py --posts 1000000
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

from measure import run_measured

OUT = Path(__file__).parent / "out"
AMITY = [sys.executable, "-m", "amity"]
COMMANDS = (("list",), ("drifting",), ("evaluate",))


def prepare(posts: int) -> Path:
    """Generate and import the demo world once; return its workspace."""
    world = OUT / f"people-world-{posts}"
    workspace = OUT / f"people-workspace-{posts}"
    if not (workspace / "amity.db").exists():
        if not (world / "ground_truth.json").exists():
            subprocess.run([*AMITY, "demo", "generate", str(world), "--posts", str(posts)],
                           check=True)  # fmt: skip
        archives = [str(world / "mastodon"), str(world / "twitter")]
        subprocess.run([*AMITY, "import", *archives, "-w", str(workspace), "--json"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return workspace


def store_size(workspace: Path) -> dict[str, int]:
    """Return the store's counts, as `amity db status --json` gives them."""
    status = subprocess.run([*AMITY, "db", "status", "-w", str(workspace), "--json"],
                            check=True, capture_output=True)  # fmt: skip
    counts: dict[str, int] = json.loads(status.stdout)["totals"]
    return counts


def main() -> None:
    """Parse the options, run each command and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    options = parser.parse_args()
    workspace = prepare(options.posts)
    counts = store_size(workspace)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"store: {json.dumps(counts)}")
    print("| command | wall s | peak RSS MB |\n|---|---:|---:|")
    for command in COMMANDS:
        runs = [
            run_measured([*AMITY, "people", *command, "-w", str(workspace), "--json"])
            for _ in range(options.repeat)
        ]
        best = min(runs, key=lambda run: run.seconds)
        print(f"| `amity people {' '.join(command)}` | {best.seconds:.2f} | {best.peak_tree_mb} |")


if __name__ == "__main__":
    main()
