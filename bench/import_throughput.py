"""Measure import throughput and peak memory of large generated archives.

Generates (once, cached under bench/out/) a demo-world X archive and a Mastodon export of the asked
sizes, then imports each into a fresh workspace with the real `amity import` command in a child
process, and reports wall time, records per second and the child's peak resident memory.

    python bench/import_throughput.py --posts 1000000
    python bench/import_throughput.py --posts 200000 --only twitter
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from amity import demo
from measure import run_measured

OUT = Path(__file__).parent / "out"


def generate(posts: int, network: str, seed: int) -> Path:
    """Write (or reuse) a world whose ``network`` archive holds ``posts`` posts and boosts."""
    folder = OUT / f"world-{network}-{posts}-{seed}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        share = 1.0 if network == "mastodon" else 0.0
        started = time.perf_counter()
        demo.generate(folder, posts=posts, seed=seed, mastodon_share=share)
        print(f"generated {network} world of {posts:,} in {time.perf_counter() - started:.1f} s")
        done.touch()
    return folder / network


def measure_import(archive: Path, workspace: Path) -> dict[str, object]:
    """Import ``archive`` into a fresh workspace in a child process; return time, memory, counts."""
    shutil.rmtree(workspace, ignore_errors=True)
    amity = Path(sys.executable).with_name("amity")
    command = [str(amity), "import", str(archive), "--workspace", str(workspace), "--json"]
    measured = run_measured(command, capture=True)
    seconds = measured.seconds
    report = json.loads(measured.output)
    counts = report["counts"]
    posts = counts["posts"] + counts["boosts"] + counts["dms"]
    return {
        "archive": archive.name,
        "seconds": round(seconds, 1),
        "posts": posts,
        "records": report["records"],
        "posts_per_second": round(posts / seconds),
        "records_per_second": round(report["records"] / seconds),
        "peak_rss_mb": measured.peak_tree_mb,
        "peak_rss_largest_process_mb": measured.peak_process_mb,
        "database_mb": round(sum(f.stat().st_size for f in workspace.glob("amity.db*")) / 2**20),
    }


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["twitter", "mastodon"])
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    networks = [args.only] if args.only else ["twitter", "mastodon"]
    results = []
    for network in networks:
        archive = generate(args.posts, network, args.seed)
        result = measure_import(archive, OUT / f"workspace-{network}")
        results.append({"network": network, **result})
        print(json.dumps(results[-1]))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}\n")
    print("| archive | posts | records | wall s | posts/s | records/s | peak RSS MB | db MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['network']} | {r['posts']:,} | {r['records']:,} | {r['seconds']} |"
            f" {r['posts_per_second']:,} | {r['records_per_second']:,} | {r['peak_rss_mb']} |"
            f" {r['database_mb']:,} |"
        )
    (OUT / "import_throughput.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
