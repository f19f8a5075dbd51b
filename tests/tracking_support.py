"""Fixtures for the tracking tests: the same tests run on SQLite and on a real throwaway PostgreSQL server.

PostgreSQL variants are skipped when the server binaries are not installed, unless ``REQUIRE_POSTGRES=1``,
then they fail. Import the fixtures into a test module with ``from tests.tracking_support import *``.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from functools import cache

import pytest
from argon2 import PasswordHasher

from tests.pg_server import PostgresServer, server_bin_dir
from tracking.store import Store, catalogue_item_districts

TODAY = date(2026, 11, 27)
# Real argon2, cheaper parameters: the tests create many accounts on a small shared machine.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"

# Real catalogue items the permission tests rely on.
FUTIAN_ONLY = "futian-bonded-zone"


@cache
def catalogue() -> dict[str, tuple[str, ...]]:
    return catalogue_item_districts()


def multi_district_with(district: str) -> str:
    """A real item whose district list has ``district`` and at least one other district."""
    return next(i for i, d in catalogue().items() if district in d and len(d) > 1)


def no_district_item() -> str:
    return next(i for i, d in catalogue().items() if not d)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    bin_dir = server_bin_dir()
    if bin_dir is None:
        yield None
        return
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path, postgres_server) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite3'}"
        return
    if postgres_server is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    url = postgres_server.new_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A migrated store on the real catalogue, with the date pinned to ``TODAY``."""
    s = Store.open(db_url, catalogue=catalogue(), today=lambda: TODAY, hasher=FAST_HASHER)
    try:
        yield s
    finally:
        s.close()


__all__ = ["db_url", "postgres_server", "store"]
