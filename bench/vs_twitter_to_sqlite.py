"""Import the same generated X archive with amity and with twitter-to-sqlite, side by side.

twitter-to-sqlite 0.22 reads only the older file name `tweet.js` (it silently imports no tweets
from `tweets.js`), so it is given a folder of links to the same files with that name. Each tool
runs in its own child process on a fresh database; wall time and the peak memory of all its
processes are taken by `measure.run_measured`. The peer is installed into its own virtual
environment under bench/out/.

    python bench/vs_twitter_to_sqlite.py --posts 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import venv
from pathlib import Path

from amity import demo
from measure import Measured, run_measured

OUT = Path(__file__).parent / "out"
PEER = "twitter-to-sqlite==0.22"


def peer_command() -> Path:
    """Return the peer's executable, installing it into its own environment once."""
    environment = OUT / "peer-venv"
    executable = environment / "bin" / "twitter-to-sqlite"
    if not executable.exists():
        venv.create(environment, with_pip=True)
        pip = [str(environment / "bin" / "python"), "-m", "pip", "install", "--quiet", PEER]
        subprocess.run(pip, check=True)
    return executable


def archive(posts: int, seed: int) -> Path:
    """Return a generated X archive with ``posts`` posts (cached under bench/out/)."""
    folder = OUT / f"world-twitter-{posts}-{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        demo.generate(folder, posts=posts, seed=seed, mastodon_share=0.0)
        (folder / ".complete").touch()
    return folder / "twitter"


def with_old_name(source: Path) -> Path:
    """Return a folder linking to the archive's files, `tweets.js` renamed to `tweet.js`."""
    target = OUT / f"{source.parent.name}-tweet-js"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for member in (source / "data").iterdir():
        name = "tweet.js" if member.name == "tweets.js" else member.name
        (target / name).symlink_to(member.resolve())
    return target


def main() -> None:
    """Run both importers on the same archive and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    source = archive(args.posts, args.seed)
    peer_db = OUT / "peer.db"
    peer_db.unlink(missing_ok=True)
    peer = run_measured([str(peer_command()), "import", str(peer_db), str(with_old_name(source))])
    with sqlite3.connect(peer_db) as connection:
        peer_tweets = connection.execute("select count(*) from archive_tweet").fetchone()[0]
    workspace = OUT / "workspace-vs"
    shutil.rmtree(workspace, ignore_errors=True)
    amity = str(Path(sys.executable).with_name("amity"))
    mine = run_measured([amity, "import", str(source), "--workspace", str(workspace)])
    results = {
        "tweets": peer_tweets,
        "twitter-to-sqlite": _figures(peer),
        "amity": _figures(mine),
    }
    print(json.dumps(results))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}\n")
    print("| importer | tweets | wall s | tweets/s | peak RSS MB (all processes) |")
    print("|---|---:|---:|---:|---:|")
    for name in ("twitter-to-sqlite", "amity"):
        figures = results[name]
        assert isinstance(figures, dict)
        rate = peer_tweets / figures["seconds"]
        peak = figures["peak_rss_mb"]
        print(f"| {name} | {peer_tweets:,} | {figures['seconds']} | {rate:,.0f} | {peak} |")
    (OUT / "vs_twitter_to_sqlite.json").write_text(json.dumps(results, indent=2))


def _figures(measured: Measured) -> dict[str, object]:
    return {
        "seconds": round(measured.seconds, 1),
        "peak_rss_mb": measured.peak_tree_mb,
        "peak_rss_largest_process_mb": measured.peak_process_mb,
    }


if __name__ == "__main__":
    main()
