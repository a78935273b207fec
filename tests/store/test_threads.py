"""Thread roots found by pointer jumping over the reply forest."""

from __future__ import annotations

import numpy as np

from amity.store.threads import find_roots


def test_roots_of_a_small_forest() -> None:
    # 1 <- 2 <- 3 <- 5, 4 alone, 6 replies to a post that is not stored (99)
    ids = np.array([5, 3, 1, 2, 4, 6], dtype=np.int64)
    parents = np.array([3, 2, -1, 1, -1, 99], dtype=np.int64)
    assert find_roots(ids, parents).tolist() == [1, 1, 1, 1, 4, 6]


def test_a_deep_chain_resolves_to_its_root() -> None:
    depth = 10_000
    ids = np.arange(1, depth + 1, dtype=np.int64)
    parents = ids - 1
    parents[0] = -1
    rng = np.random.default_rng(3)
    order = rng.permutation(depth)
    assert set(find_roots(ids[order], parents[order]).tolist()) == {1}


def test_no_posts_no_roots() -> None:
    empty = np.array([], dtype=np.int64)
    assert find_roots(empty, empty).size == 0
