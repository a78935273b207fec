"""Measure a first sync of a large account from the demo servers, and a sync with nothing new.

Generates (once, cached under bench/out/) a demo world whose Mastodon instance holds about
100,000 notifications for her (``--posts 40000``), connects her Mastodon and Bluesky accounts
in a fresh workspace through the real sign-in flows, then runs the real ``amity sync`` command
in a child process, per account: the first sync (items a second, peak memory, the store's size),
then again with nothing new (``--threads 0``: the threads the first sync left queued wait, as they
would for a sync that finds nothing new). The demo servers answer in the same process as the sync
(there is no network): the time and memory measured include them, and there are no round trips.

    python bench/sync_throughput.py                 # 40,000 posts: ~105,000 notifications
    python bench/sync_throughput.py --posts 5000 --threads 300
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
from amity.config import load_settings
from amity.desk import accounts
from amity.store import open_store
from measure import run_measured

OUT = Path(__file__).parent / "out"


def world(posts: int, seed: int) -> Path:
    """Write (or reuse) the demo world of ``posts`` posts."""
    folder = OUT / f"sync-world-{posts}-{seed}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        demo.generate(folder, posts=posts, seed=seed)
        print(f"generated the world of {posts:,} posts in {time.perf_counter() - started:.1f} s")
        done.touch()
    return folder


def connected_workspace(folder: Path) -> tuple[Path, list[str]]:
    """Make a fresh workspace on the world and connect both of her accounts; return their names."""
    workspace = OUT / "sync-workspace"
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    (workspace / accounts.DEMO_WORLD).symlink_to(folder.resolve())
    settings = load_settings(workspace, environ={})
    engine = open_store(settings, create=True)
    network = accounts.Network(settings)
    servers = network.demo()
    pending = accounts.begin_mastodon(network, servers.mastodon_url, transport=accounts.DEMO)
    mastodon = accounts.finish_mastodon(engine, network, pending, servers.approve(pending.url))
    bluesky = accounts.connect_bluesky(
        engine,
        network,
        servers.bluesky_handle,
        servers.bluesky_app_password,
        transport=accounts.DEMO,
    )
    engine.dispose()
    return workspace, [mastodon.name, bluesky.name]


def sync(workspace: Path, account: str, threads: int) -> dict[str, object]:
    """Run ``amity sync ACCOUNT --json`` in a child process; return its report and figures."""
    amity = Path(sys.executable).with_name("amity")
    command = [str(amity), "sync", account, "--json", "--threads", str(threads),
               "--workspace", str(workspace)]  # fmt: skip
    measured = run_measured(command, capture=True)
    (report,) = json.loads(measured.output)["accounts"]
    return {**report, "wall_seconds": measured.seconds, "peak_rss_mb": measured.peak_tree_mb}


def in_process_noop(workspace: Path, account: str) -> float:
    """Return the seconds a sync with nothing new takes, called in this process (no start-up)."""
    settings = load_settings(workspace, environ={})
    engine = open_store(settings)
    network = accounts.Network(settings)
    accounts.sync(engine, network, account, thread_budget=0)  # warm: imports, the servers' caches
    started = time.perf_counter()
    accounts.sync(engine, network, account, thread_budget=0)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=300, help="thread contexts a sync fetches")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    workspace, names = connected_workspace(world(args.posts, args.seed))
    rows = []
    for name in names:
        first = sync(workspace, name, args.threads)
        size = sum(path.stat().st_size for path in workspace.glob("amity.db*"))
        again = sync(workspace, name, 0)
        noop = in_process_noop(workspace, name)
        streams: dict[str, float] = first["stream_seconds"]  # type: ignore[assignment]
        notices = int(str(first["streams"]["notifications"]).split()[0])  # type: ignore[index]
        rows.append(
            {
                "account": name,
                "first_seconds": round(float(first["seconds"]), 1),  # type: ignore[arg-type]
                "first_wall_seconds": round(float(first["wall_seconds"]), 1),  # type: ignore[arg-type]
                "items": first["items"],
                "notifications": notices,
                "notification_seconds": round(streams["notifications"], 1),
                "threads": first["threads_fetched"],
                "thread_seconds": round(streams["threads"], 1),
                "peak_rss_mb": first["peak_rss_mb"],
                "store_mb": round(size / 2**20),
                "threads_waiting": first["threads_waiting"],
                "again_seconds": round(float(again["seconds"]), 2),  # type: ignore[arg-type]
                "again_wall_seconds": round(float(again["wall_seconds"]), 2),  # type: ignore[arg-type]
                "noop_in_process_seconds": round(noop, 3),
                "new": first["new"],
            }
        )
        print(json.dumps(rows[-1]))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}\n")
    print("| account | first sync s (wall) | items | notifications | notifications/s |"
          " threads (s) | peak RSS MB | store MB | nothing new: sync s (wall) |"
          " nothing new, in process s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rate = r["notifications"] / max(r["notification_seconds"], 1e-9)  # type: ignore[operator]
        print(
            f"| {r['account']} | {r['first_seconds']} ({r['first_wall_seconds']}) |"
            f" {r['items']:,} | {r['notifications']:,} |"
            f" {rate:,.0f} | {r['threads']} ({r['thread_seconds']}) | {r['peak_rss_mb']} |"
            f" {r['store_mb']} | {r['again_seconds']} ({r['again_wall_seconds']}) |"
            f" {r['noop_in_process_seconds']} |"
        )
    (OUT / "sync_throughput.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
