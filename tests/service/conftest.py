"""Fixtures for the service tests: every storage/API test runs on SQLite and PostgreSQL.

PostgreSQL: the server at ``SUPPLYOPT_TEST_PG`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). One throw-away
template database ``supplyopt_test_<random>`` is migrated per test session;
each test gets its own copy (``CREATE DATABASE … TEMPLATE``); all are
dropped at the end. No server: the PostgreSQL cases skip, except with
``CI=true`` where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from service import keys
from service.app import create_app
from service.db import Database
from service.migrate import upgrade
from service.settings import Settings

PG_URL = os.environ.get("SUPPLYOPT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def _admin_conninfo() -> str:
    url = make_url(PG_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PgServer:
    """A reachable PostgreSQL server on which this session makes and drops databases."""

    def __init__(self) -> None:
        self.prefix = f"supplyopt_test_{uuid.uuid4().hex[:10]}"
        self.template = f"{self.prefix}_tmpl"
        self.made: list[str] = []

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def url(self, name: str) -> str:
        """Return the SQLAlchemy URL of database ``name`` on this server."""
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def new_database(self) -> str:
        """Return a fresh, migrated database (copied from the session template)."""
        name = f"{self.prefix}_{len(self.made)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.made.append(name)
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Return the PostgreSQL server, with a migrated template database for this session."""
    server = PgServer()
    try:
        server.execute(f'CREATE DATABASE "{server.template}"')
    except psycopg.OperationalError as err:
        message = f"PostgreSQL not reachable at {PG_URL}: {err}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    db = Database(server.url(server.template))
    upgrade(db)
    db.dispose()
    yield server
    for name in [*server.made, server.template]:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a fresh, empty (migrated on first use) database URL, for each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'supplyopt.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_database()


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Service settings on the test database, with small limits."""
    return Settings(
        database_url=db_url,
        plan_workers=2,
        max_queued_plans=8,
        default_time_limit_s=5,
        max_time_limit_s=10,
        max_body_bytes=200_000,
        progress_interval_s=0,
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """Return a migrated database handle."""
    database = Database(settings.database_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """Return a client of a running app (lifespan started) on the test database."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


KeyMaker = Callable[[str], dict[str, str]]


@pytest.fixture
def auth(db: Database) -> KeyMaker:
    """Make a key with a role; returns the Authorization header for it."""

    def make(role: str) -> dict[str, str]:
        with db.write() as session:
            _row, token = keys.create_key(session, role, name=f"test {role}")
        return {"Authorization": f"Bearer {token}"}

    return make


TINY_SCENARIO: dict[str, Any] = {
    "name": "tiny",
    "deadline_hours": 12,
    "items": [
        {"id": "tent", "name": "救灾帐篷", "weight_kg": 75.0, "volume_m3": 0.4},
        {"id": "quilt", "name": "棉被", "weight_kg": 3.0, "volume_m3": 0.03},
    ],
    "vehicle_types": [{"id": "truck", "capacity_kg": 10000, "capacity_m3": 45}],
    "warehouses": [
        {
            "id": "north",
            "name": "北库",
            "lat": 44.0,
            "lon": 87.3,
            "stock": {"tent": 100, "quilt": 1000},
            "fleet": {"truck": 3},
        },
        {"id": "south", "lat": 43.8, "lon": 87.6, "stock": {"tent": 50}, "fleet": {"truck": 2}},
    ],
    "areas": [
        {
            "id": "hutubi",
            "name": "呼图壁",
            "lat": 44.19,
            "lon": 86.9,
            "demand": {"tent": 80, "quilt": 600},
        },
        {"id": "manas", "lat": 44.3, "lon": 86.2, "demand": {"tent": 40}},
    ],
}


@pytest.fixture
def scenario() -> dict[str, Any]:
    """Return a small valid scenario (with Chinese names), as plain data."""
    import copy

    return copy.deepcopy(TINY_SCENARIO)
