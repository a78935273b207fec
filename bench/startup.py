"""Time how long `amity --help` and `amity people list` (nothing imported) take to start.

Each command runs through the installed ``amity`` entry point in a child process, ``--runs``
times; the best run is reported, as wall time and as CPU time (user and system, which a busy
shared machine disturbs less than the wall clock). The workspace is made by ``amity init`` in a
temporary folder. Aim: under 0.3 s each.

``--src DIR`` runs the ``amity`` package found in ``DIR`` instead (an older commit's, for example:
``git archive COMMIT src | tar -x -C /tmp/before``, then ``--src /tmp/before/src``), with the same
interpreter and libraries, to compare before and after.

    python bench/startup.py --runs 10
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTRY_POINT = Path(sys.executable).with_name("amity")


def best_of(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Return the shortest wall time and the least CPU time of ``runs`` runs, in seconds."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main() -> None:
    """Make an empty workspace, time both commands and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--src", type=Path, help="Run the amity package in this folder.")
    options = parser.parse_args()
    env = dict(os.environ)
    amity = [str(ENTRY_POINT)]
    if options.src is not None:
        env["PYTHONPATH"] = str(options.src.resolve())
        amity = [sys.executable, "-c", "from amity.cli import main; main()"]
    folder = Path(tempfile.mkdtemp(prefix="amity-startup-"))
    try:
        workspace = str(folder / "workspace")
        subprocess.run([*amity, "init", "-w", workspace], check=True, env=env,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        commands = {
            "amity --help": [*amity, "--help"],
            "amity people list (empty workspace)": [*amity, "people", "list", "-w", workspace],
            "python -c pass (the interpreter alone)": [sys.executable, "-c", "pass"],
        }
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs,"
              f" Python {platform.python_version()}; best of {options.runs}")  # fmt: skip
        print("| command | wall | CPU |\n|---|---|---|")
        for name, command in commands.items():
            wall, cpu = best_of(command, options.runs, env)
            print(f"| {name} | {wall:.3f} s | {cpu:.3f} s |")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
