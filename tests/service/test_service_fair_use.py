"""Imports bounded and batched; plan quotas per key; cancel only one's own; readiness."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supplyopt_service import catalogue
from supplyopt_service.app import create_app
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings

from .conftest import KeyMaker
from .test_service_plans import BlockingSolver


def many_warehouses(scenario: dict[str, Any], count: int) -> dict[str, Any]:
    data = copy.deepcopy(scenario)
    base = data["warehouses"][0]
    data["warehouses"] = [
        {**base, "id": f"w{n:02d}", "stock": {"tent": n + 1}} for n in range(count)
    ]
    return data


def test_import_is_held_to_the_scenario_limits(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """An import beyond SUPPLYOPT_MAX_SCENARIO_SITES is a 422, as for /plans; nothing stored."""
    small = settings.model_copy(update={"max_scenario_sites": 4})
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        manager = auth("manager")
        body = {"scenario": many_warehouses(scenario, 4)}
        answer = client.post("/warehouses/import", json=body, headers=manager)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["path"] == "body.scenario.areas"
        assert client.get("/warehouses", headers=manager).json() == []


def test_import_commits_in_bounded_batches(
    settings: Settings,
    db: Database,
    auth: KeyMaker,
    scenario: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Seven warehouses, three a batch: the items, then 3 + 3 + 1, each its own transaction."""
    monkeypatch.setattr(catalogue, "IMPORT_BATCH", 3)
    batches: list[list[str]] = []
    real = catalogue.import_warehouses

    def spy(session: Any, warehouses: Any, **kwargs: Any) -> Any:
        batches.append([w.id for _, w in warehouses])
        return real(session, warehouses, **kwargs)

    monkeypatch.setattr(catalogue, "import_warehouses", spy)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        manager = auth("manager")
        body = {"scenario": many_warehouses(scenario, 7)}
        answer = client.post("/warehouses/import", json=body, headers=manager)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["created_warehouses"]) == 7
        stock = client.get("/warehouses/w06/stock", headers=manager).json()
        assert stock["tent"]["on_hand"] == 7
    assert [len(b) for b in batches] == [3, 3, 1]


@pytest.fixture
def blocking() -> BlockingSolver:
    return BlockingSolver()


@pytest.fixture
def quota_client(
    settings: Settings, db: Database, blocking: BlockingSolver
) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_plans_per_key": 2})
    app = create_app(limited, solve=blocking)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_each_key_has_its_own_plan_quota(
    quota_client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """A planner with 2 plans queued or running gets 429 naming the quota; another planner not."""
    first, second = auth("planner"), auth("planner")
    body = {"scenario": scenario}
    for _ in range(2):
        assert quota_client.post("/plans", json=body, headers=first).status_code == 202
    refused = quota_client.post("/plans", json=body, headers=first)
    assert refused.status_code == 429
    assert "SUPPLYOPT_MAX_PLANS_PER_KEY" in refused.json()["detail"]
    assert quota_client.post("/plans", json=body, headers=second).status_code == 202


def test_racing_submits_of_one_key_never_pass_its_quota(
    quota_client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Twelve submits of one key at once, quota 2: exactly two are queued, ten get 429."""
    planner = auth("planner")
    body = {"scenario": scenario}
    with ThreadPoolExecutor(12) as pool:
        codes = list(
            pool.map(
                lambda _: quota_client.post("/plans", json=body, headers=planner).status_code,
                range(12),
            )
        )
    assert sorted(codes) == [202] * 2 + [429] * 10


def test_a_planner_cancels_only_their_own_plans(
    quota_client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Another planner's cancel is 403 (the job goes on); its owner or a manager may cancel."""
    owner, other, manager = auth("planner"), auth("planner"), auth("manager")
    ids = [
        quota_client.post("/plans", json={"scenario": scenario}, headers=owner).json()["id"]
        for _ in range(2)
    ]
    refused = quota_client.post(f"/plans/{ids[0]}/cancel", headers=other)
    assert refused.status_code == 403, refused.text
    assert "only cancel plans it submitted" in refused.json()["detail"]
    job = quota_client.get(f"/plans/{ids[0]}", headers=owner).json()
    assert job["status"] in ("queued", "running")
    assert quota_client.post(f"/plans/{ids[0]}/cancel", headers=owner).status_code == 200
    assert quota_client.post(f"/plans/{ids[1]}/cancel", headers=manager).status_code == 200


def test_readiness_checks_the_database_and_the_job_runner(client: TestClient) -> None:
    """/health/ready: 200 when both answer; 503 naming each failed check; /health stays 200."""
    ready = client.get("/health/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "jobs": "ok"}}
    services = client.app.state.services  # type: ignore[attr-defined]
    healthy_db = services.db
    services.db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    try:
        gone = client.get("/health/ready")
        assert gone.status_code == 503
        assert gone.json()["status"] == "not ready"
        assert gone.json()["checks"]["database"].startswith("unreachable")
        assert gone.json()["checks"]["jobs"] == "ok"
        assert client.get("/health").status_code == 200
    finally:
        services.db.dispose()
        services.db = healthy_db
    services.jobs.shutdown()
    stopped = client.get("/health/ready")
    assert stopped.status_code == 503
    assert stopped.json()["checks"]["jobs"] == "stopped"
