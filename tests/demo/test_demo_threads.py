"""The world's reply trees are shaped like real Twitter reply trees (delab-trees).

delab-trees holds only trees of six posts or more, so the comparison uses the world's trees of
that size. On the 600 delab trees a bootstrap gives 95% intervals of 27-34.5 for the median
size and 160-213 for the 90th percentile (about ±15%), and 10-14 for the 90th percentile of
depth. Allowing for the same sampling error on the demo's side, medians and 90th percentiles
must agree within a factor of 1.35 for size; depths within one level at the median and a factor
of 1.5 at the 90th percentile.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import orjson

from amity.demo import generate
from amity.demo.threads import LARGE, PARTNER, USER, grow, large_size

DELAB = np.loadtxt(Path(__file__).with_name("delab_twitter_trees.csv"), delimiter=",", skiprows=4)


def assert_close(ours: np.ndarray, theirs: np.ndarray, factor: float) -> None:
    for quantile in (0.5, 0.9):
        a, b = np.quantile(ours, quantile), np.quantile(theirs, quantile)
        assert b / factor <= a <= b * factor, (quantile, a, b)


def test_grown_trees_match_delab_sizes_and_depths() -> None:
    rng = random.Random(4)
    shapes = [grow(rng, large_size(rng), (USER, PARTNER)[i % 2]) for i in range(3000)]
    sizes = np.array([shape.size for shape in shapes])
    depths = np.array([shape.depth for shape in shapes])
    assert_close(sizes, DELAB[:, 0], 1.35)
    assert abs(np.median(depths) - np.median(DELAB[:, 1])) <= 1
    assert_close(depths[depths > 0], DELAB[:, 1], 1.5)
    assert all(shape.user_nodes for shape in shapes), "the user is in every tree of her world"


def test_the_generated_worlds_large_threads_match_delab(tmp_path: Path) -> None:
    world = generate(tmp_path, posts=8000, seed=17)
    threads = orjson.loads(world.ground_truth.read_bytes())["threads"]
    histogram = {int(size): count for size, count in threads["size_histogram"].items()}
    large = np.repeat(
        [size for size in histogram if size >= LARGE],
        [count for size, count in histogram.items() if size >= LARGE],
    )
    assert len(large) > 300
    assert_close(large, DELAB[:, 0], 1.35)
    small = sum(count for size, count in histogram.items() if size < LARGE)
    assert small > len(large), "most of a small account's threads are short exchanges"
