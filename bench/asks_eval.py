"""Score the "does it ask something of you?" detector against the hand-labelled real messages.

Reads ``tests/fixtures/asks/labelled.jsonl`` (replies, mentions and direct messages from
../shared/corpus, labelled by hand before the detector was written, split once into a tuning
half and a held-out half) and prints precision and recall per split and per language.

    python bench/asks_eval.py              # the table
    python bench/asks_eval.py --errors     # also the ids of the messages it gets wrong

Precision is over the messages the detector says ask, recall over the messages labelled as
asking. The errors are listed by source and id only: the corpus text stays in the fixture.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from amity.insight.asks import asks

LABELS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "asks" / "labelled.jsonl"


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of one group of labelled messages."""

    messages: int
    asking: int
    true_positives: int
    flagged: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.asking if self.asking else 1.0


def read_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    """Read the labelled messages, one JSON object a line."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def score(rows: list[dict[str, Any]]) -> Score:
    """Count how the detector does on ``rows``."""
    predicted = [asks(row["text"], row["language"]).asks for row in rows]
    return Score(
        messages=len(rows),
        asking=sum(row["asks"] for row in rows),
        true_positives=sum(p and row["asks"] for p, row in zip(predicted, rows, strict=True)),
        flagged=sum(predicted),
    )


def main() -> None:
    """Print the table, and the errors when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the messages it gets wrong")
    args = parser.parse_args()
    rows = read_labels()
    print(
        f"{'split':<6} {'language':<9} {'messages':>8} {'asking':>6} {'precision':>9} {'recall':>6}"
    )
    for split in ("tune", "test", "all"):
        in_split = [r for r in rows if split in ("all", r["split"])]
        for language in ("en", "de", "zh", "other", "all"):
            group = [
                r
                for r in in_split
                if language in ("all", r["language"])
                or (language == "other" and r["language"] not in ("en", "de", "zh"))
            ]
            if group:
                s = score(group)
                counts = f"{s.messages:>8} {s.asking:>6} {s.precision:>9.3f} {s.recall:>6.3f}"
                print(f"{split:<6} {language:<9} {counts}")
    if args.errors:
        for row in rows:
            found = asks(row["text"], row["language"])
            if found.asks != row["asks"]:
                kind = "missed" if row["asks"] else "false alarm"
                where = f"{row['source']}#{row['id']}"
                print(f"{kind:<12} {row['split']:<5} {row['language']:<3} {where} {found.why}")


if __name__ == "__main__":
    main()
