"""Plan jobs: submit (202), progress, results, cancel, limits and recovery after a crash."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from supplyopt.model import MAX_QUANTITY, Scenario
from supplyopt_service.app import create_app
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings
from supplyopt_service.core.tables import PlanJobRow, StockRow, utcnow
from supplyopt_service.jobs import ProgressFn, StopFn

from .conftest import KeyMaker

Wait = Callable[..., dict[str, Any]]


def test_submit_answers_202_then_the_plan_is_done(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any], wait_plan: Wait
) -> None:
    """POST /plans answers 202 {id, status} at once; GET /plans/{id} later holds the plan."""
    planner = auth("planner")
    answer = client.post("/plans", json={"scenario": scenario, "time_limit_s": 5}, headers=planner)
    assert answer.status_code == 202
    assert set(answer.json()) == {"id", "status"}
    assert answer.json()["status"] == "queued"
    job = wait_plan(answer.json()["id"], planner)
    assert job["status"] == "done", job
    assert job["progress"] == 1.0
    assert job["elapsed_s"] is not None
    assert 0 <= job["elapsed_s"] <= 5 + 60  # from started_at to finished_at, server clock
    plan = job["plan"]
    assert plan["scenario"] == "tiny"
    assert plan["summary"]["demand_units"] == 720
    assert {t["warehouse"] for t in plan["trips"]} <= {"north", "south"}
    listed = client.get("/plans", headers=planner).json()["plans"]
    entry = next(p for p in listed if p["id"] == job["id"])
    assert entry["status"] == "done"
    assert entry["scenario_name"] == "tiny"
    assert entry["coverage_on_time"] == plan["summary"]["coverage_on_time"]
    assert entry["created_at"] == job["created_at"]


def test_time_limit_is_capped_by_the_server(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any], wait_plan: Wait
) -> None:
    """A requested time limit above the server's maximum is lowered to it (10 s here)."""
    planner = auth("planner")
    answer = client.post(
        "/plans", json={"scenario": scenario, "time_limit_s": 3600}, headers=planner
    )
    job = wait_plan(answer.json()["id"], planner)
    assert job["time_limit_s"] == 10


def test_use_inventory_plans_with_live_available_stock(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any], wait_plan: Wait
) -> None:
    """With use_inventory, service warehouses plan with their available stock, others with the file's."""
    issue = {"item": "tent", "kind": "issue", "quantity": -90}
    assert (
        client.post("/warehouses/north/movements", json=issue, headers=stocked).status_code == 201
    )
    scenario["warehouses"].append(
        {"id": "east", "lat": 44.0, "lon": 87.0, "stock": {"tent": 7}, "fleet": {"truck": 1}}
    )
    answer = client.post(
        "/plans",
        headers=stocked,
        json={"scenario": scenario, "use_inventory": True, "time_limit_s": 5},
    )
    job = wait_plan(answer.json()["id"], stocked)
    assert job["status"] == "done", job
    assert job["inventory_used"] == {
        "north": {"tent": 10, "quilt": 1000},
        "south": {"tent": 50, "quilt": 0},
    }
    taken: dict[str, int] = {}
    for trip in job["plan"]["trips"]:
        for stop in trip["stops"]:
            taken[trip["warehouse"]] = taken.get(trip["warehouse"], 0) + stop["deliver"].get(
                "tent", 0
            )
    assert taken.get("north", 0) <= 10
    assert taken.get("east", 0) <= 7
    assert sum(taken.values()) == 10 + 50 + 7  # tents are short: every one is sent


def test_items_a_service_warehouse_never_held_are_shown_before_and_noted_after(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any], wait_plan: Wait
) -> None:
    """The stock preview and the plan's notes name file stock the live inventory lacks.

    Issue 15: a new item planned with 0 at two reserves while the form showed
    500 and 120, and nothing said so.
    """
    item = {"id": "stove", "weight_kg": 20.0, "volume_m3": 0.1}
    assert client.post("/items", json=item, headers=stocked).status_code == 201
    scenario["items"].append(item)
    scenario["warehouses"][0]["stock"]["stove"] = 500
    scenario["warehouses"].append(
        {"id": "east", "lat": 44.0, "lon": 87.0, "stock": {"tent": 7}, "fleet": {"truck": 1}}
    )
    for area in scenario["areas"]:
        area["demand"]["stove"] = 5
    answer = client.post("/plans/stock-preview", json={"scenario": scenario}, headers=stocked)
    assert answer.status_code == 200, answer.text
    rows = {w["id"]: w for w in answer.json()["warehouses"]}
    assert rows["north"] == {
        "id": "north",
        "in_service": True,
        "stock": {"tent": 100, "quilt": 1000, "stove": 0},
        "file_stock": {"tent": 100, "quilt": 1000, "stove": 500},
        "not_held": ["stove"],
    }
    assert rows["east"]["in_service"] is False
    assert rows["east"]["stock"] == {"tent": 7, "quilt": 0, "stove": 0}
    assert rows["south"]["not_held"] == []
    answer = client.post(
        "/plans",
        headers=stocked,
        json={"scenario": scenario, "use_inventory": True, "time_limit_s": 2},
    )
    job = wait_plan(answer.json()["id"], stocked)
    assert job["status"] == "done", job
    assert job["inventory_used"]["north"]["stove"] == 0
    assert (
        "live inventory: north has never held stove (the scenario says 500); planned with 0"
        in job["plan"]["notes"]
    )


def test_invalid_scenario_is_422_with_every_path(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Bad fields and unknown ids in a submitted scenario are all reported at once, each located."""
    scenario["areas"][1]["demand"]["tnt"] = 4
    scenario["warehouses"][0]["lat"] = 123.0
    del scenario["items"][0]["weight_kg"]
    answer = client.post("/plans", json={"scenario": scenario}, headers=auth("planner"))
    assert answer.status_code == 422
    paths = sorted(e["path"] for e in answer.json()["errors"])
    assert paths == [
        "body.scenario.areas[1].demand.tnt",
        "body.scenario.items[0].weight_kg",
        "body.scenario.warehouses[0].lat",
    ]
    del scenario["warehouses"][0]["lat"]
    scenario["warehouses"][0]["lat"] = 44.0
    scenario["items"][0]["weight_kg"] = 75.0
    answer = client.post(
        "/plans", json={"scenario": scenario, "time_limit_s": -1}, headers=auth("planner")
    )
    assert answer.status_code == 422
    paths = sorted(e["path"] for e in answer.json()["errors"])
    assert paths == ["body.scenario.areas[1].demand.tnt", "body.time_limit_s"]
    answer = client.post("/plans", json={"scenario": scenario}, headers=auth("planner"))
    assert answer.status_code == 422
    assert [e["path"] for e in answer.json()["errors"]] == ["body.scenario.areas[1].demand.tnt"]
    assert "unknown item 'tnt'" in answer.json()["detail"]


def test_scenario_size_and_body_size_are_limited(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Too many sites gets 422 on the list; a body over the server limit gets 413."""
    area = scenario["areas"][1]
    scenario["areas"] = [{**area, "id": f"a{i}"} for i in range(1001)]
    answer = client.post("/plans", json={"scenario": scenario}, headers=auth("planner"))
    assert answer.status_code == 422
    assert [e["path"] for e in answer.json()["errors"]] == ["body.scenario.areas"]
    scenario["areas"] = [{**area, "id": f"area-{i:06d}", "name": "x" * 100} for i in range(2000)]
    answer = client.post("/plans", json={"scenario": scenario}, headers=auth("planner"))
    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]


def test_unknown_plan_is_404(client: TestClient, auth: KeyMaker) -> None:
    """Reading, cancelling or approving an unknown plan answers 404."""
    headers = auth("manager")
    assert client.get("/plans/nope", headers=headers).status_code == 404
    assert client.post("/plans/nope/cancel", headers=headers).status_code == 404
    assert client.post("/plans/nope/approve", headers=headers).status_code == 404


class BlockingSolver:
    """A solve function that reports progress and runs until told to stop, counting its runs."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()
        self.runs = 0

    def __call__(
        self,
        scenario: Scenario,
        time_limit_s: float,
        seed: int,
        progress: ProgressFn,
        should_stop: StopFn,
    ) -> dict[str, Any]:
        self.runs += 1
        progress(0.25, "working")
        self.started.set()
        while not should_stop():
            threading.Event().wait(0.01)
        self.stopped.set()
        return {
            "scenario": scenario.name,
            "deadline_hours": 12,
            "status": "empty",
            "summary": {},
            "trips": [],
            "unmet": [],
        }


def test_cancel_stops_a_running_solve_and_skips_a_queued_one(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Cancelling a running job makes the solver stop; a cancelled queued job never runs."""
    solver = BlockingSolver()
    settings = settings.model_copy(update={"plan_workers": 1})
    with TestClient(create_app(settings, solve=solver)) as client:
        planner = auth("planner")
        first = client.post("/plans", json={"scenario": scenario}, headers=planner).json()["id"]
        second = client.post("/plans", json={"scenario": scenario}, headers=planner).json()["id"]
        assert solver.started.wait(10)
        running = client.get(f"/plans/{first}", headers=planner).json()
        assert (running["status"], running["progress"], running["message"]) == (
            "running",
            0.25,
            "working",
        )
        assert (
            client.post(f"/plans/{second}/cancel", headers=planner).json()["status"] == "cancelled"
        )
        assert (
            client.post(f"/plans/{first}/cancel", headers=planner).json()["status"] == "cancelled"
        )
        assert solver.stopped.wait(10)
        again = client.post(f"/plans/{first}/cancel", headers=planner)
        assert again.status_code == 409
    assert solver.runs == 1
    with db.read() as session:
        assert session.get(PlanJobRow, first).status == "cancelled"  # type: ignore[union-attr]
        assert session.get(PlanJobRow, first).plan is None  # type: ignore[union-attr]


def test_restart_recovers_only_jobs_whose_lease_expired(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any], wait_plan: Wait
) -> None:
    """At start, expired leases are re-run or failed with the reason; a live lease is kept."""
    past, future = utcnow() - timedelta(minutes=5), utcnow() + timedelta(hours=1)
    left = {
        # id: (status, lease owner, lease expires, attempts)
        "lost-twice": ("running", "gone:1", past, 2),
        "lost-once": ("running", "gone:2", past, 1),
        "held-elsewhere": ("running", "alive:3", future, 1),
        "left-queued": ("queued", None, None, 0),
    }
    with db.write() as session:
        for plan_id, (status, owner, expires, attempts) in left.items():
            session.add(
                PlanJobRow(
                    id=plan_id,
                    status=status,
                    scenario=scenario,
                    use_inventory=False,
                    time_limit_s=5,
                    seed=0,
                    progress=0.5,
                    lease_owner=owner,
                    lease_expires_at=expires,
                    attempts=attempts,
                )
            )
    with TestClient(create_app(settings)) as client:
        viewer = auth("viewer")
        failed = client.get("/plans/lost-twice", headers=viewer).json()
        assert failed["status"] == "failed"
        assert failed["error"].startswith("worker lost: lease expired at ")
        assert "gone:1" in failed["error"]
        assert wait_plan("lost-once", viewer)["status"] == "done"
        assert wait_plan("left-queued", viewer)["status"] == "done"
        assert client.get("/plans/held-elsewhere", headers=viewer).json()["status"] == "running"
    with db.read() as session:
        assert session.get(PlanJobRow, "lost-once").attempts == 2  # type: ignore[union-attr]


def test_shutdown_queues_the_running_job_again(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Stopping the server while a plan solves queues it again (not an attempt), never running."""
    solver = BlockingSolver()
    with TestClient(create_app(settings, solve=solver)) as client:
        planner = auth("planner")
        plan_id = client.post("/plans", json={"scenario": scenario}, headers=planner).json()["id"]
        assert solver.started.wait(10)
    with db.read() as session:
        job = session.get(PlanJobRow, plan_id)
        assert job is not None
        assert (job.status, job.attempts, job.lease_owner, job.plan) == ("queued", 0, None, None)
        assert job.message is not None
        assert job.message.endswith(" stopped")


def test_queue_bound_answers_429(
    settings: Settings, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Beyond max_queued_plans waiting or running jobs, POST /plans answers 429."""
    solver = BlockingSolver()
    settings = settings.model_copy(update={"plan_workers": 1, "max_queued_plans": 2})
    with TestClient(create_app(settings, solve=solver)) as client:
        planner = auth("planner")
        codes = [
            client.post("/plans", json={"scenario": scenario}, headers=planner).status_code
            for _ in range(3)
        ]
        assert codes == [202, 202, 429]
        for job in client.get("/plans", headers=planner).json()["plans"]:
            client.post(f"/plans/{job['id']}/cancel", headers=planner)


def test_a_crashing_solver_fails_the_job_without_internals(
    settings: Settings, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """A solver exception fails the job with a plain reason; its message never leaks."""

    def crash(*_args: Any) -> dict[str, Any]:
        raise RuntimeError("segfault-ish internals at 0xdeadbeef")

    with TestClient(create_app(settings, solve=crash)) as client:
        planner = auth("planner")
        plan_id = client.post("/plans", json={"scenario": scenario}, headers=planner).json()["id"]
        for _ in range(200):
            job = client.get(f"/plans/{plan_id}", headers=planner).json()
            if job["status"] == "failed":
                break
            threading.Event().wait(0.05)
        assert job["status"] == "failed"
        assert job["error"] == "internal error while solving"
        assert "deadbeef" not in str(job)


def test_live_stock_beyond_the_cap_fails_the_job_with_located_problems(
    client: TestClient,
    db: Database,
    stocked: dict[str, str],
    scenario: dict[str, Any],
    wait_plan: Wait,
) -> None:
    """Live stock that makes the scenario invalid fails the job with the located problem."""
    with db.write() as session:  # stored before the cap existed, or written by hand
        session.execute(
            update(StockRow)
            .where(StockRow.warehouse_id == "north", StockRow.item_id == "tent")
            .values(on_hand=2 * MAX_QUANTITY + 200)
        )
    answer = client.post(
        "/plans", headers=stocked, json={"scenario": scenario, "use_inventory": True}
    )
    job = wait_plan(answer.json()["id"], stocked)
    assert job["status"] == "failed", job
    assert f"warehouses[0].stock.tent: must be <= {MAX_QUANTITY}" in job["error"]
    assert "internal error" not in job["error"]
