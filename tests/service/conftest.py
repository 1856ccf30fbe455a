"""Fixtures for the service tests: every storage/API test runs on SQLite and PostgreSQL.

PostgreSQL: the server at ``SUPPLYOPT_TEST_PG`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). One throw-away
database ``supplyopt_test_<random>`` is made per test session and dropped at
the end; each test gets its own schema in it (set as ``search_path``). No server: the PostgreSQL cases skip, except with
``CI=true`` where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from supplyopt_service.app import create_app
from supplyopt_service.core import keys
from supplyopt_service.core.db import Database
from supplyopt_service.core.migrate import upgrade
from supplyopt_service.core.settings import Settings
from tests.conftest import scenario_data

PG_URL = os.environ.get("SUPPLYOPT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


def _admin_conninfo() -> str:
    url = make_url(PG_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class PgServer:
    """A throw-away database on the PostgreSQL server; one schema per test inside it."""

    def __init__(self) -> None:
        self.database = f"supplyopt_test_{uuid.uuid4().hex[:10]}"
        self.schemas = 0

    def execute(self, sql: str, *, database: str | None = None) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE, schemas)."""
        url = make_url(_admin_conninfo())
        if database is not None:
            url = url.set(database=database)
        conninfo = url.render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_schema(self) -> str:
        """Return the URL of a fresh, empty schema (connections use it as search_path)."""
        self.schemas += 1
        schema = f"t{self.schemas}"
        self.execute(f"CREATE SCHEMA {schema}", database=self.database)
        url = make_url(PG_URL).set(
            database=self.database, query={"options": f"-csearch_path={schema}"}
        )
        return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Return the PostgreSQL server with this session's throw-away database."""
    server = PgServer()
    try:
        server.execute(f'CREATE DATABASE "{server.database}"')
    except psycopg.OperationalError as err:
        message = f"PostgreSQL not reachable at {PG_URL}: {err}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    yield server
    server.execute(f'DROP DATABASE IF EXISTS "{server.database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated SQLite file, copied for each test (copying is faster than migrating)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "supplyopt.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a fresh database URL for each backend: SQLite migrated, PostgreSQL on first use."""
    if request.param == "sqlite":
        path = tmp_path / "supplyopt.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.new_schema()


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


TINY_SCENARIO: dict[str, Any] = scenario_data("service-tiny")


@pytest.fixture
def scenario() -> dict[str, Any]:
    """Return a small valid scenario (with Chinese names), as plain data."""
    import copy

    return copy.deepcopy(TINY_SCENARIO)


@pytest.fixture
def stocked(client: TestClient, auth: KeyMaker, scenario: dict[str, Any]) -> dict[str, str]:
    """Import the tiny scenario's items and warehouses; return a manager's headers."""
    headers = auth("manager")
    answer = client.post("/warehouses/import", json={"scenario": scenario}, headers=headers)
    assert answer.status_code == 200, answer.text
    return headers


@pytest.fixture
def store_done_plan(db: Database) -> Callable[..., str]:
    """Store a finished plan job holding the given plan file data; return its id.

    With ``previous=ID`` the job is a revision of plan ``ID``.
    """
    from supplyopt_service.core.tables import PlanJobRow

    def store(plan: dict[str, Any], *, previous: str | None = None) -> str:
        plan_id = uuid.uuid4().hex
        with db.write() as session:
            session.add(
                PlanJobRow(
                    id=plan_id,
                    status="done",
                    scenario=TINY_SCENARIO,
                    use_inventory=False,
                    time_limit_s=1.0,
                    seed=0,
                    progress=1.0,
                    plan=plan,
                    previous_id=previous,
                    events=None if previous is None else {"now_hours": 1.0, "events": []},
                )
            )
        return plan_id

    return store


def plan_taking(takes: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Build plan file data whose trips load ``{warehouse: {item: units}}``."""
    trips = [
        {
            "vehicle": f"{warehouse}/truck/{idx}",
            "warehouse": warehouse,
            "vehicle_type": "truck",
            "load_start_hours": 0.0,
            "depart_hours": 0.0,
            "return_hours": 4.0,
            "distance_km": 50.0,
            "stops": [{"area": "hutubi", "arrive_hours": 2.0, "deliver": dict(items)}],
        }
        for idx, (warehouse, items) in enumerate(takes.items())
    ]
    return {
        "scenario": "tiny",
        "deadline_hours": 12,
        "status": "partial",
        "summary": {"demand_units": 0},
        "trips": trips,
        "unmet": [],
    }


def poll_job(
    client: TestClient, path: str, headers: dict[str, str], timeout_s: float
) -> dict[str, Any]:
    """``GET path`` until the job (plan or readiness run) leaves queued/running, or the time is up."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = client.get(path, headers=headers).json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


@pytest.fixture
def wait_plan(client: TestClient) -> Callable[..., dict[str, Any]]:
    """Poll ``GET /plans/{id}`` until the job leaves queued/running (or 60 s pass)."""

    def wait(plan_id: str, headers: dict[str, str], timeout_s: float = 60.0) -> dict[str, Any]:
        return poll_job(client, f"/plans/{plan_id}", headers, timeout_s)

    return wait
