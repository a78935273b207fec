"""Import the same generated Bluesky repository with amity and with the atproto SDK, side by side.

The repository (one account, ``--records`` records) is generated once by bench/bluesky_world.py
and cached under bench/out/. Then, one after the other, each in a child process:

- amity: ``amity init`` on a fresh workspace (not measured), then the real
  ``amity import REPO.car --json``, which also derives interactions, links replies and threads;
- the peer: bench/bluesky_peer.py in its own environment with the atproto SDK, which reads the
  export the SDK's way (``CAR.from_bytes``) and writes each record as JSON into one SQLite table.

Wall time and peak memory (summed over each command's processes) come from
``measure.run_measured``. A table goes to stdout and the figures to
bench/out/vs_bluesky-RECORDS.json.

    python bench/vs_bluesky.py --records 1000000
    python bench/vs_bluesky.py --records 100000 --only amity
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from bluesky_world import cached
from measure import Measured, run_measured

OUT = Path(__file__).parent / "out"
PEER = "atproto==0.0.73"


def peer_python() -> Path:
    """Return the Python of the peer's environment, installing the atproto SDK there once."""
    environment = OUT / "atproto-venv"
    python = environment / "bin" / "python"
    probe = [str(python), "-c", "import atproto"]
    if not python.exists() or subprocess.run(probe, capture_output=True).returncode != 0:
        venv.create(environment, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PEER], check=True)
    return python


def run_amity(repository: Path) -> dict[str, object]:
    """Import ``repository`` into a fresh workspace with the amity CLI; return its figures."""
    workspace = OUT / "workspace-bluesky"
    shutil.rmtree(workspace, ignore_errors=True)
    amity = str(Path(sys.executable).with_name("amity"))
    subprocess.run([amity, "init", "--workspace", str(workspace)], check=True, capture_output=True)
    command = [amity, "import", str(repository), "--workspace", str(workspace), "--json"]
    measured = run_measured(command, capture=True)
    report = json.loads(measured.output)
    return {
        **_figures(measured, sum(f.stat().st_size for f in workspace.glob("amity.db*"))),
        "stored": report["records"],
        "counts": report["counts"],
        "problem_count": report["problem_count"],
    }


def run_peer(repository: Path) -> dict[str, object]:
    """Store ``repository`` with the SDK-based peer into a fresh database; return its figures."""
    database = OUT / "peer-bluesky.db"
    database.unlink(missing_ok=True)
    command = [str(peer_python()), str(Path(__file__).parent / "bluesky_peer.py")]
    measured = run_measured([*command, str(repository), str(database)], capture=True)
    return {**_figures(measured, database.stat().st_size), "stored": int(measured.output)}


def _figures(measured: Measured, store_bytes: int) -> dict[str, object]:
    return {
        "seconds": round(measured.seconds, 1),
        "peak_rss_mb": measured.peak_tree_mb,
        "peak_rss_largest_process_mb": measured.peak_process_mb,
        "store_mb": round(store_bytes / 2**20),
    }


def main() -> None:
    """Run both importers on the same repository and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["amity", "peer"])
    args = parser.parse_args()
    repository = cached(args.records, args.seed)
    runners = {"amity": ("amity", run_amity), "peer": ("atproto SDK + sqlite3", run_peer)}
    results: dict[str, object] = {
        "records": args.records,
        "file_mb": round(repository.stat().st_size / 2**20),
        "load_before": os.getloadavg()[0],
    }
    for short, (name, runner) in runners.items():
        if args.only in (None, short):
            results[name] = runner(repository)
            print(json.dumps({name: results[name]}))
    _print_table(results, args.records)
    (OUT / f"vs_bluesky-{args.records}.json").write_text(json.dumps(results, indent=2))


def _print_table(results: dict[str, object], records: int) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}; load average before: {results['load_before']}\n")
    print("| importer | records | wall s | records/s | peak RSS MB | store MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, figures in results.items():
        if isinstance(figures, dict):
            rate = records / figures["seconds"]
            print(
                f"| {name} | {records:,} | {figures['seconds']} | {rate:,.0f} |"
                f" {figures['peak_rss_mb']} | {figures['store_mb']:,} |"
            )


if __name__ == "__main__":
    main()
