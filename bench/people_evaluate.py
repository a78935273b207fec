"""Score tie strength against the three baselines on CollegeMsg and on demo worlds.

Prints the Markdown tables of docs/evaluation.md ("People and circles"): for each dataset and
each method, next-event MRR and precision@5 and next-window precision@5 and @10; then, for each
demo world, how the circles, drift and rising flags agree with its ground truth.

    python bench/people_evaluate.py                  # CollegeMsg and demo seeds 7, 23, 29, 31, 37
    python bench/people_evaluate.py --seeds 7 --events path/to/list.txt
    python bench/people_evaluate.py --archives-only  # the demo worlds without their servers' side
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for the demo-world reader the tests use

from tests.insight.demo_events import DemoPeople, build_demo_people  # noqa: E402

from amity.insight.evaluate import Evaluation, daily_windows, evaluate  # noqa: E402
from amity.insight.eventfile import read_events  # noqa: E402
from amity.insight.people import people_report  # noqa: E402

COLLEGE_MSG = ROOT / "tests" / "fixtures" / "snap-collegemsg" / "CollegeMsg.txt"
DAY = 86_400


def table(title: str, result: Evaluation) -> str:
    """Return one evaluation as a Markdown table, amity first."""
    lines = [
        f"**{title}** ({result.samples:,} samples, {result.windows} windows)",
        "",
        "| method | next-event MRR | next-event P@5 | next-window P@5 | next-window P@10 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, figures in result.as_dict().items():
        cells = " | ".join(f"{value:.4f}" for value in figures.values())
        lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)


def agreement(seed: int, world: DemoPeople) -> str:
    """Return one demo world's circles, drift and rises against its ground truth, as a row."""
    events = world.events
    report = people_report(events, ego=world.user, now=int(events.time[-1]))
    layers = {str(events.labels[m.other]): m.circle for m in report.circles.members}
    truth = {p["key"]: p["layer"] for p in world.truth["people"]}
    inner = Counter(layers.get(key, 0) for key, layer in truth.items() if layer == 1)
    close = sum(layers.get(key) in (1, 2) for key, layer in truth.items() if layer in (1, 2))
    strangers = sum(layers.get(key) in (1, 2) for key, layer in truth.items() if layer == 0)
    sizes = "/".join(str(len(report.circles.members_of(layer))) for layer in (1, 2, 3, 4))
    drifting = {str(events.labels[d.other]) for d in report.drifting}
    rising = {str(events.labels[r.other]) for r in report.rising}
    true_drift, true_rise = world.keys(where="drifting"), world.keys(where="rising")
    return (
        f"| {seed} | {sizes} | {inner[1]} of 5 (+{inner[2]} in circle 2) | {close} of 15 | "
        f"{strangers} | {len(drifting & true_drift)} of 2, {len(drifting - true_drift)} false | "
        f"{len(rising & true_rise)} of 2, {len(rising - true_rise)} false |"
    )


def monthly(seed: int, world: DemoPeople) -> str:
    """Return, as a row, what monthly checks through the year flag, right and wrong."""
    events, user = world.events, world.user
    true_drift, true_rise = world.keys(where="drifting"), world.keys(where="rising")
    flags: dict[str, Counter[str]] = {"drift": Counter(), "rise": Counter()}
    checks = range(int(events.time[0]) + 90 * DAY, int(events.time[-1]) + 1, 30 * DAY)
    for now in checks:
        report = people_report(events, ego=user, now=now)
        for name, found, truth in (
            ("drift", report.drifting, true_drift),
            ("rise", report.rising, true_rise),
        ):
            keys = {str(events.labels[item.other]) for item in found}
            flags[name].update(right=len(keys & truth), wrong=len(keys - truth))
    return (
        f"| {seed} | {len(checks)} | {flags['drift']['right']} | {flags['drift']['wrong']} | "
        f"{flags['rise']['right']} | {flags['rise']['wrong']} |"
    )


def main() -> None:
    """Print every table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=COLLEGE_MSG)
    parser.add_argument("--seeds", type=int, nargs="*", default=[7, 23, 29, 31, 37])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument(
        "--archives-only",
        action="store_true",
        help="Read the demo worlds from their archives only, without syncing their servers.",
    )
    args = parser.parse_args()
    events = read_events(args.events)
    daily = daily_windows(events)
    print(table(f"{args.events.name}, 10 windows", evaluate(events)), end="\n\n")
    print(table(f"{args.events.name}, daily windows", evaluate(events, windows=daily)), end="\n\n")
    rows, months = [], []
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as folder:
            world = build_demo_people(
                Path(folder), posts=args.posts, seed=seed, synced=not args.archives_only
            )
        windows = daily_windows(world.events)
        result = evaluate(world.events, sources=[world.user], windows=windows)
        print(table(f"demo world seed {seed}, the user, daily windows", result), end="\n\n")
        rows.append(agreement(seed, world))
        months.append(monthly(seed, world))
    print("| seed | circle sizes 1/2/3/4 | true inner 5 in circle 1 | true 15 in circles 1-2 |"
          " acquaintances in circles 1-2 | drifting found | rising found |")  # fmt: skip
    print("|---|---|---|---|---:|---|---|")
    print("\n".join(rows), end="\n\n")
    print("| seed | monthly checks | true drift flags | false drift flags | true rising flags |"
          " false rising flags |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    print("\n".join(months))


if __name__ == "__main__":
    main()
