"""Readiness runs on the live inventory: checked when submitted, run by the job workers, listed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supplyopt.readiness import parse_region, readiness_result, run_samples
from supplyopt_service.app import create_app
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings
from supplyopt_service.core.tables import ReadinessJobRow, utcnow
from tests.readiness.conftest import TINY_REGION, tiny_region_data

from .conftest import KeyMaker, poll_job

Waiter = Callable[..., dict[str, Any]]


def region_body() -> dict[str, Any]:
    """The tiny region without its warehouses (they are the service's)."""
    return {k: v for k, v in tiny_region_data().items() if k != "warehouses"}


def region_scenario() -> dict[str, Any]:
    """The tiny region as a scenario: its warehouses, items and areas, no hazards or needs."""
    return {k: v for k, v in tiny_region_data().items() if k not in ("needs_per_person", "hazards")}


@pytest.fixture
def live(client: TestClient, auth: KeyMaker) -> dict[str, dict[str, str]]:
    """The tiny region's warehouses and items imported; headers of each role."""
    manager = auth("manager")
    scenario = region_scenario()
    answer = client.post("/warehouses/import", json={"scenario": scenario}, headers=manager)
    assert answer.status_code == 200, answer.text
    return {"manager": manager, "planner": auth("planner"), "viewer": auth("viewer")}


@pytest.fixture
def wait_run(client: TestClient) -> Waiter:
    """Poll ``GET /readiness/{id}`` until the run leaves queued/running (or 120 s pass)."""

    def wait(run_id: str, headers: dict[str, str], timeout_s: float = 120.0) -> dict[str, Any]:
        return poll_job(client, f"/readiness/{run_id}", headers, timeout_s)

    return wait


def test_a_run_uses_the_live_stock_and_equals_the_library_run(
    client: TestClient, live: dict[str, dict[str, str]], wait_run: Waiter
) -> None:
    """The run plans with the service's available stock and gives the library's §7 result."""
    issue = {"item": "tent", "kind": "issue", "quantity": -100}
    moved = client.post("/warehouses/w3/movements", json=issue, headers=live["manager"])
    assert moved.status_code == 201, moved.text
    # a 30 s cap that a tiny region never reaches: the plans follow the fixed work budget, so the
    # library run below gives the same result whatever the machine's load
    body = {"region": region_body(), "samples": 3, "seed": 2, "time_limit_s": 30}
    answer = client.post("/readiness", json=body, headers=live["planner"])
    assert answer.status_code == 202, answer.text
    run = wait_run(answer.json()["id"], live["viewer"])
    assert run["status"] == "done", run
    assert run["samples_progress"] == {"done": 3, "total": 3}
    assert run["inventory_used"]["w3"] == {"tent": 200, "quilt": 3000}
    data = tiny_region_data()
    data["warehouses"] = sorted(data["warehouses"], key=lambda w: w["id"])
    data["warehouses"][2]["stock"]["tent"] = 200
    region = parse_region(data)
    outcomes = run_samples(region, samples=3, seed=2, time_limit_s=30, workers=1)
    assert run["result"] == readiness_result(region, 2, outcomes, time_limit_s=30)
    assert run["preposition"] is None
    assert {s["id"] for s in run["map"]["settlements"]} == {"s1", "s2", "s3", "s4", "s5"}
    assert run["map"]["settlements"][0]["name"] == "石梯子乡"
    assert [w["id"] for w in run["map"]["warehouses"]] == ["w1", "w2", "w3"]


def test_a_run_with_a_move_budget_recommends_transfers(
    client: TestClient, live: dict[str, dict[str, str]], wait_run: Waiter
) -> None:
    """With a move budget the run also gives §7's moves, before and after; twice the plans."""
    body = {"region": region_body(), "samples": 3, "seed": 1, "move_budget_units": 60}
    answer = client.post("/readiness", json=body, headers=live["planner"])
    assert answer.status_code == 202, answer.text
    run = wait_run(answer.json()["id"], live["planner"])
    assert run["status"] == "done", run
    assert run["samples_progress"] == {"done": 6, "total": 6}
    moves = run["preposition"]
    assert {"moves", "before", "after"} <= set(moves)
    assert moves["before"]["mean"] == run["result"]["weighted_coverage"]["mean"]
    assert sum(m["quantity"] for m in moves["proposed"]) <= 60
    assert moves["checked"]["violations"] == 0


def test_every_problem_of_the_region_is_located_and_nothing_is_stored(
    client: TestClient, live: dict[str, dict[str, str]]
) -> None:
    """Bad radius, a two-point polygon and a need for an unknown item: one 422, all located."""
    region = region_body()
    region["hazards"][1]["radius_km"] = [120, 60]
    region["hazards"][0]["centre"]["polygon"] = [[43.8, 86.2], [44.2, 86.2]]
    region["needs_per_person"]["tnt"] = 1.0
    answer = client.post("/readiness", json={"region": region}, headers=live["planner"])
    assert answer.status_code == 422, answer.text
    paths = {e["path"] for e in answer.json()["errors"]}
    assert "body.region.hazards[1].radius_km" in paths
    assert "body.region.hazards[0].centre.polygon" in paths
    assert "body.region.needs_per_person.tnt" in paths
    assert client.get("/readiness", headers=live["viewer"]).json()["runs"] == []


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"samples": 201}, "body.samples", "at most 200"),
        ({"bundled_region": "atlantis-region"}, "body.bundled_region", "known: changji-region"),
        ({"region": {**region_body(), "warehouses": []}}, "body.region.warehouses", "service's"),
        ({"region": None}, "body", "either region or bundled_region"),
        ({"move_budget_units": 10**20}, "body.move_budget_units", "must be <="),
    ],
)
def test_requests_refused_before_queueing(
    client: TestClient,
    live: dict[str, dict[str, str]],
    change: dict[str, Any],
    path: str,
    words: str,
) -> None:
    """Too many samples, unknown bundled region, warehouses given, no region, huge budget: 422."""
    body = {"region": region_body(), **change}
    if "bundled_region" in change:
        body.pop("region")
    answer = client.post("/readiness", json=body, headers=live["planner"])
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["path"] == path
    assert words in error["msg"]


def test_the_bundled_region_is_checked_against_the_live_fleets(
    client: TestClient, live: dict[str, dict[str, str]]
) -> None:
    """The bundled region lacks the service's vehicle type 'truck': located at the fleet."""
    body = {"bundled_region": "changji-region", "samples": 2}
    answer = client.post("/readiness", json=body, headers=live["planner"])
    assert answer.status_code == 422, answer.text
    paths = {e["path"] for e in answer.json()["errors"]}
    assert "body.region.warehouses[0].fleet.truck" in paths


def test_roles(client: TestClient, live: dict[str, dict[str, str]]) -> None:
    """A viewer reads runs but cannot submit one (403); no key: 401."""
    body = {"region": region_body(), "samples": 1}
    assert client.post("/readiness", json=body, headers=live["viewer"]).status_code == 403
    assert client.post("/readiness", json=body).status_code == 401
    assert client.get("/readiness", headers=live["viewer"]).status_code == 200
    assert client.get("/readiness/nope", headers=live["viewer"]).status_code == 404


@pytest.fixture
def idle_settings(settings: Settings) -> Settings:
    """The test settings without a worker in the app: runs stay queued (up to 8 of one key)."""
    return settings.model_copy(update={"embedded_worker": False, "max_readiness_per_key": 8})


def test_list_pages_cancel_and_restart(
    idle_settings: Settings, db: Database, auth: KeyMaker
) -> None:
    """Runs are listed newest first in pages; cancelled by their planner; finished after a restart."""
    scenario = region_scenario()
    manager, planner, other = auth("manager"), auth("planner"), auth("planner")
    body = {"region": region_body(), "samples": 2, "seed": 3, "time_limit_s": 2}
    with TestClient(create_app(idle_settings), raise_server_exceptions=False) as idle:
        assert (
            idle.post(
                "/warehouses/import", json={"scenario": scenario}, headers=manager
            ).status_code
            == 200
        )
        ids = [idle.post("/readiness", json=body, headers=planner).json()["id"] for _ in range(3)]
        first = idle.get("/readiness?limit=2", headers=planner).json()
        assert [r["id"] for r in first["runs"]] == ids[:0:-1]
        rest = idle.get(f"/readiness?limit=2&after={first['next']}", headers=planner).json()
        assert [r["id"] for r in rest["runs"]] == ids[:1]
        assert rest["next"] is None
        assert idle.post(f"/readiness/{ids[1]}/cancel", headers=other).status_code == 403
        cancelled = idle.post(f"/readiness/{ids[1]}/cancel", headers=planner)
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert idle.post(f"/readiness/{ids[1]}/cancel", headers=manager).status_code == 409
    # A run an earlier server left running, its lease expired: recovered by the next worker.
    with db.write() as session:
        job = session.get(ReadinessJobRow, ids[2])
        assert job is not None
        job.status, job.lease_owner, job.attempts = "running", "gone:1/1", 1
        job.lease_expires_at = utcnow() - timedelta(seconds=5)
    with TestClient(create_app(idle_settings.model_copy(update={"embedded_worker": True}))) as app:
        for run_id in (ids[0], ids[2]):
            run = poll_job(app, f"/readiness/{run_id}", planner, 120)
            assert run["status"] == "done", run
        assert app.get(f"/readiness/{ids[1]}", headers=planner).json()["status"] == "cancelled"


def test_bundled_regions_and_uploaded_region_files(
    client: TestClient, live: dict[str, dict[str, str]]
) -> None:
    """The bundled regions are listed; an uploaded file loses its warehouses and is checked."""
    listed = client.get("/readiness/regions", headers=live["viewer"]).json()
    assert {"name": "changji-region", "default": True} in listed["regions"]
    text = TINY_REGION.read_text(encoding="utf-8")
    answer = client.post(
        "/readiness/regions/parse?format=yaml", content=text.encode(), headers=live["viewer"]
    )
    assert answer.status_code == 200, answer.text
    parsed = answer.json()
    assert parsed["dropped_warehouses"] == 3
    assert parsed["region"] == region_body()
    bad = text.replace("radius_km: [20, 60]", "radius_km: [60, 20]")
    refused = client.post("/readiness/regions/parse", content=bad.encode(), headers=live["viewer"])
    assert refused.status_code == 422
    assert [e["path"] for e in refused.json()["errors"]] == ["body.hazards[0].radius_km"]
    broken = client.post(
        "/readiness/regions/parse?format=json", content=b"{", headers=live["viewer"]
    )
    assert broken.status_code == 422
    assert "malformed JSON" in broken.json()["detail"]


def test_an_uploaded_region_with_a_number_for_a_key_is_located(
    client: TestClient, live: dict[str, dict[str, str]]
) -> None:
    """A top-level key that is not text (``1: 2`` in YAML) is a located 422, not a 500."""
    text = TINY_REGION.read_text(encoding="utf-8") + "\n1: 2\n"
    answer = client.post("/readiness/regions/parse", content=text.encode(), headers=live["viewer"])
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["path"] == "body[1]"
    assert "text" in error["msg"]


def queue_two_runs(db: Database) -> None:
    """Import the tiny region's warehouses and queue two one-sample readiness runs directly."""
    import uuid

    from supplyopt.model import parse_scenario
    from supplyopt_service.catalogue import import_scenario

    scenario = region_scenario()
    import_scenario(db, parse_scenario(scenario), key_id=None)
    with db.write() as session:
        for _ in range(2):
            session.add(
                ReadinessJobRow(
                    id=uuid.uuid4().hex,
                    status="queued",
                    request={"region": region_body()},
                    samples=1,
                    seed=0,
                    time_limit_s=1.0,
                    progress=0.0,
                )
            )


def test_a_worker_keeps_a_thread_for_plans(settings: Settings, db: Database) -> None:
    """Solving two jobs at once, a worker takes one readiness run, never a second; plans still."""
    import uuid

    from supplyopt_service.core.tables import PlanJobRow
    from supplyopt_service.worker import PLAN_JOBS, READINESS_JOBS, JobWorker
    from tests.service.conftest import TINY_SCENARIO

    queue_two_runs(db)
    worker = JobWorker(db, settings, concurrency=2, name="fair")
    first = worker._claim()
    assert first is not None
    assert first.kind is READINESS_JOBS
    assert first.work is not None
    assert worker._claim() is None  # the other readiness run waits for the first
    with db.write() as session:
        session.add(
            PlanJobRow(
                id=uuid.uuid4().hex,
                status="queued",
                scenario=TINY_SCENARIO,
                use_inventory=False,
                time_limit_s=1.0,
                seed=0,
                progress=0.0,
            )
        )
    plan = worker._claim()
    assert plan is not None
    assert plan.kind is PLAN_JOBS


def test_a_single_thread_worker_leaves_readiness_runs_unless_allowed(
    settings: Settings, db: Database
) -> None:
    """Concurrency 1 never takes a readiness run (plans would wait minutes), unless the setting."""
    from supplyopt_service.worker import READINESS_JOBS, JobWorker

    queue_two_runs(db)
    assert JobWorker(db, settings, concurrency=1, name="single")._claim() is None
    allowed = settings.model_copy(update={"readiness_on_single_thread_worker": True})
    claimed = JobWorker(db, allowed, concurrency=1, name="allowed")._claim()
    assert claimed is not None
    assert claimed.kind is READINESS_JOBS


def test_a_single_thread_worker_says_it_leaves_readiness_runs(
    settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Starting, a worker of one thread logs that it takes no readiness runs, naming the setting."""
    from supplyopt_service.worker import JobWorker

    for concurrency in (2, 1):
        worker = JobWorker(db, settings, concurrency=concurrency, name=f"w{concurrency}")
        with caplog.at_level("INFO", logger="supplyopt"):
            worker.start()
            worker.shutdown()
    said = [r.getMessage() for r in caplog.records if "takes no readiness runs" in r.getMessage()]
    assert said == [
        "worker w1 takes no readiness runs: it solves one job at a time "
        "(SUPPLYOPT_READINESS_ON_SINGLE_THREAD_WORKER=true lets it)"
    ]


def test_two_threads_claiming_at_once_take_one_readiness_run(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two threads of one worker claiming side by side still leave a thread for plans."""
    import contextlib
    import threading

    from supplyopt_service import leases
    from supplyopt_service.worker import READINESS_JOBS, JobWorker

    queue_two_runs(db)
    # both threads look for work together (each waits for the other, or at most 2 s)
    both_looking = threading.Barrier(2, timeout=2.0)
    real_queued_exists = leases.queued_exists

    def queued_exists(*args: Any, **kwargs: Any) -> bool:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looking.wait()
        return real_queued_exists(*args, **kwargs)

    monkeypatch.setattr(leases, "queued_exists", queued_exists)
    worker = JobWorker(db, settings, concurrency=2, name="race")
    claims: list[Any] = []
    threads = [threading.Thread(target=lambda: claims.append(worker._claim())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = [c.kind for c in claims if c is not None]
    assert kinds == [READINESS_JOBS]


def test_no_warehouses_in_the_service_is_a_conflict(client: TestClient, auth: KeyMaker) -> None:
    """Before any warehouse exists, a run (or an upload's check) is refused with 409."""
    planner = auth("planner")
    answer = client.post("/readiness", json={"region": region_body()}, headers=planner)
    assert answer.status_code == 409
    assert "no warehouses" in answer.json()["detail"]
    text = TINY_REGION.read_bytes()
    assert client.post("/readiness/regions/parse", content=text, headers=planner).status_code == 409


def test_catalogue_items_keep_their_names_per_language(
    client: TestClient, auth: KeyMaker, db: Database
) -> None:
    """A readiness run's items carry the catalogue's display names (migration 0006), not only ids."""
    from supplyopt_service.readiness_work import catalogue_items

    item = {
        "id": "quilt",
        "weight_kg": 2.5,
        "volume_m3": 0.02,
        "names": {"en": "Quilt", "zh": "棉被"},
    }
    answer = client.post("/items", json=item, headers=auth("manager"))
    assert answer.status_code == 201, answer.text
    with db.read() as session:
        (listed,) = [i for i in catalogue_items(session) if i["id"] == "quilt"]
    assert listed["names"] == {"en": "Quilt", "zh": "棉被"}


def test_each_key_has_its_own_readiness_quota(
    idle_settings: Settings, db: Database, auth: KeyMaker
) -> None:
    """A planner with 2 runs queued gets 429 naming the quota; another planner still gets a slot."""
    scenario = region_scenario()
    manager, planner, other = auth("manager"), auth("planner"), auth("planner")
    body = {"region": region_body(), "samples": 2, "seed": 3, "time_limit_s": 2}
    limited = idle_settings.model_copy(update={"max_readiness_per_key": 2})
    with TestClient(create_app(limited), raise_server_exceptions=False) as idle:
        imported = idle.post("/warehouses/import", json={"scenario": scenario}, headers=manager)
        assert imported.status_code == 200, imported.text
        for _ in range(2):
            assert idle.post("/readiness", json=body, headers=planner).status_code == 202
        refused = idle.post("/readiness", json=body, headers=planner)
        assert refused.status_code == 429, refused.text
        assert "SUPPLYOPT_MAX_READINESS_PER_KEY" in refused.json()["detail"]
        assert idle.post("/readiness", json=body, headers=other).status_code == 202
