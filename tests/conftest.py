"""Shared fixtures: temporary workspaces and stores, real archives, and a network guard."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from amity.config import Settings, load_settings
from amity.store import migrate, open_store
from amity.store.engine import open_engine

pytest_plugins = ["tests.bluesky_network.fixture"]

FIXTURES = Path(__file__).parent / "fixtures"
LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a test tries to reach anything but this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family != socket.AF_UNIX and not str(host).startswith(LOOPBACK):
            raise RuntimeError(f"a test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh workspace in a temporary folder (SQLite)."""
    return load_settings(tmp_path / "workspace", environ={})


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated SQLite store in a fresh workspace."""
    store = open_store(settings, create=True)
    yield store
    store.dispose()


def postgres_url() -> str:
    """Return the admin URL of the test PostgreSQL server, or fail: postgres tests never skip."""
    url = os.environ.get("AMITY_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("AMITY_TEST_POSTGRES_URL is not set; run the postgres tests through .ci/run")
    return url


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    admin_url = postgres_url()
    name = f"amity_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    store = open_engine(admin_url.rsplit("/", 1)[0] + "/" + name)
    yield store
    store.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_store(pg_engine: Engine) -> Engine:
    """A PostgreSQL store migrated to the newest schema."""
    migrate.upgrade(pg_engine)
    return pg_engine
