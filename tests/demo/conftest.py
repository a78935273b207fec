"""Fixtures shared by the demo tests; each module generates its own ``world``."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from amity.demo import DemoWorld


@pytest.fixture(scope="module")
def truth(world: DemoWorld) -> dict[str, Any]:
    """The ground truth of the module's world."""
    loaded: dict[str, Any] = orjson.loads(world.ground_truth.read_bytes())
    return loaded
