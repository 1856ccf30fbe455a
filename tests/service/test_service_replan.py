"""POST /plans/{id}/replan: a revision job linked to its previous plan; events checked first."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supplyopt.model import Plan, Scenario
from supplyopt_service.app import create_app
from supplyopt_service.approvals import plan_takes
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings
from supplyopt_service.core.tables import AuditRow, PlanJobRow
from supplyopt_service.jobs import ProgressFn, StopFn

from .conftest import KeyMaker

EVENTS: dict[str, Any] = {
    "now_hours": 1.0,
    "events": [{"kind": "set_demand", "at_hours": 0.5, "area": "hutubi", "demand": {"tent": 95}}],
}


def wait(client: TestClient, plan_id: str, headers: dict[str, str]) -> dict[str, Any]:
    """Poll the job until it leaves queued/running (at most 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        job: dict[str, Any] = client.get(f"/plans/{plan_id}", headers=headers).json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


class FakeReplan:
    """Stands in for ``supplyopt.replan`` where only the job plumbing is under test."""

    def __init__(self) -> None:
        self.calls: list[tuple[Scenario, Plan, dict[str, Any]]] = []

    def __call__(
        self,
        scenario: Scenario,
        previous: Plan,
        events: dict[str, Any],
        time_limit_s: float,
        seed: int,
        progress: ProgressFn,
        should_stop: StopFn,
    ) -> dict[str, Any]:
        self.calls.append((scenario, previous, events))
        progress(0.5, "revising")
        data = previous.model_dump(mode="json", exclude_none=True)
        kept = len(previous.trips)
        data["replan"] = {"now_hours": events["now_hours"], "kept": kept, "lots": []}
        return data


@pytest.fixture
def fake() -> FakeReplan:
    """A fake revising function that records what it was given."""
    return FakeReplan()


@pytest.fixture
def app_client(settings: Settings, db: Database, fake: FakeReplan) -> Iterator[TestClient]:
    """A running app whose revisions use the fake revising function."""
    with TestClient(create_app(settings, replan=fake), raise_server_exceptions=False) as client:
        yield client


def done_plan(
    client: TestClient, headers: dict[str, str], scenario: dict[str, Any], **options: Any
) -> dict[str, Any]:
    """Submit the scenario with the real planner and return the finished job."""
    answer = client.post("/plans", json={"scenario": scenario, **options}, headers=headers)
    assert answer.status_code == 202, answer.text
    job = wait(client, answer.json()["id"], headers)
    assert job["status"] == "done", job
    return job


def count_rows(db: Database) -> tuple[int, int]:
    """Plan jobs and audit entries of changes stored (not of refused requests)."""
    with db.read() as session:
        return (
            len(session.query(PlanJobRow).all()),
            len(session.query(AuditRow).filter(~AuditRow.action.startswith("request.")).all()),
        )


def test_replan_queues_a_revision_that_names_its_previous_plan(
    app_client: TestClient,
    db: Database,
    auth: KeyMaker,
    scenario: dict[str, Any],
    fake: FakeReplan,
) -> None:
    """202 {id, status, previous}; the revision runs on the previous job's scenario and plan."""
    planner = auth("planner")
    previous = done_plan(app_client, planner, scenario)
    answer = app_client.post(
        f"/plans/{previous['id']}/replan",
        json={"events": EVENTS, "time_limit_s": 3, "seed": 7},
        headers=planner,
    )
    assert answer.status_code == 202, answer.text
    assert answer.json() == {
        "id": answer.json()["id"],
        "status": "queued",
        "previous": previous["id"],
    }
    revision = wait(app_client, answer.json()["id"], planner)
    assert revision["status"] == "done", revision
    assert (revision["previous"], revision["events"]) == (previous["id"], EVENTS)
    assert (revision["time_limit_s"], revision["seed"]) == (3, 7)
    assert revision["plan"]["replan"]["previous"] == previous["id"]
    kept = len(previous["plan"]["trips"])
    assert revision["replan"] == {
        "now_hours": 1.0,
        "kept": kept,
        "changed": 0,
        "cancelled": 0,
        "new": 0,
    }
    [(used_scenario, used_plan, used_events)] = fake.calls
    assert used_scenario.name == "tiny"
    assert used_plan.trips == Plan.model_validate(previous["plan"]).trips
    assert used_events == EVENTS
    chain = app_client.get(f"/plans/{previous['id']}", headers=planner).json()
    assert (chain["previous"], chain["revisions"], chain["replan"]) == (
        None,
        [revision["id"]],
        None,
    )
    with db.read() as session:
        entry = session.query(AuditRow).filter(AuditRow.action == "plan.replan").one()
    assert entry.target == f"plans/{revision['id']}"
    assert entry.detail == {
        "previous": previous["id"],
        "now_hours": 1.0,
        "events": 1,
        "time_limit_s": 3,
    }


def test_a_revision_of_a_revision_extends_the_chain(
    app_client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Revising a revision links all three; each lists the one revising it."""
    planner = auth("planner")
    first = done_plan(app_client, planner, scenario)["id"]
    ids = [first]
    for now_hours in (1.0, 2.0):
        events = {**EVENTS, "now_hours": now_hours}
        answer = app_client.post(
            f"/plans/{ids[-1]}/replan", json={"events": events}, headers=planner
        )
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
        assert wait(app_client, ids[-1], planner)["status"] == "done"
    jobs = [app_client.get(f"/plans/{i}", headers=planner).json() for i in ids]
    assert [j["previous"] for j in jobs] == [None, ids[0], ids[1]]
    assert [j["revisions"] for j in jobs] == [[ids[1]], [ids[2]], []]


def test_invalid_events_are_422_located_and_nothing_is_stored(
    app_client: TestClient, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Every problem of the events file comes back under body.events; no job, no audit entry."""
    planner = auth("planner")
    previous = done_plan(app_client, planner, scenario)["id"]
    events = {
        "now_hours": 2.0,
        "events": [
            {"kind": "vehicle_down", "at_hours": 1.0, "vehicle": "north/truck/9"},
            {"kind": "set_demand", "at_hours": 2.5, "area": "hutubi", "demand": {"tent": 1}},
            {"kind": "set_demand", "at_hours": 1.0, "area": "hutubi", "demand": {"tnt": 4}},
        ],
    }
    before = count_rows(db)
    answer = app_client.post(f"/plans/{previous}/replan", json={"events": events}, headers=planner)
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [e["path"] for e in errors] == [
        "body.events.events[0].vehicle",
        "body.events.events[1].at_hours",
        "body.events.events[2].demand.tnt",
    ]
    assert "unknown vehicle 'north/truck/9'" in errors[0]["msg"]
    assert "after now_hours 2" in errors[1]["msg"]
    assert all(set(e) == {"loc", "path", "msg", "type"} for e in errors)
    missing = app_client.post(
        f"/plans/{previous}/replan", json={"events": {"events": []}}, headers=planner
    )
    assert missing.status_code == 422
    assert [e["path"] for e in missing.json()["errors"]] == ["body.events.now_hours"]
    assert count_rows(db) == before


@pytest.mark.parametrize("status", ["queued", "running", "failed", "cancelled"])
def test_replan_of_an_unfinished_plan_is_409(
    settings: Settings,
    db: Database,
    fake: FakeReplan,
    auth: KeyMaker,
    scenario: dict[str, Any],
    status: str,
) -> None:
    """Only a done plan can be revised: 409 names the state; nothing is stored.

    No embedded worker: it would claim the queued job and make it running first.
    """
    idle = settings.model_copy(update={"embedded_worker": False})
    with TestClient(create_app(idle, replan=fake), raise_server_exceptions=False) as app_client:
        _refused_while_unfinished(app_client, db, auth, scenario, status)


def _refused_while_unfinished(
    app_client: TestClient, db: Database, auth: KeyMaker, scenario: dict[str, Any], status: str
) -> None:
    with db.write() as session:
        session.add(
            PlanJobRow(
                id="unfinished",
                status=status,
                scenario=scenario,
                use_inventory=False,
                time_limit_s=1,
                seed=0,
                progress=0.0,
            )
        )
    planner = auth("planner")
    before = count_rows(db)
    answer = app_client.post("/plans/unfinished/replan", json={"events": EVENTS}, headers=planner)
    assert answer.status_code == 409
    assert f"plan unfinished is {status}; only a finished (done) plan" in answer.json()["detail"]
    assert count_rows(db) == before
    assert (
        app_client.post("/plans/nope/replan", json={"events": EVENTS}, headers=planner).status_code
        == 404
    )


def test_viewers_cannot_replan(
    app_client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Re-planning needs the planner role: a viewer gets 403, no key 401."""
    previous = done_plan(app_client, auth("planner"), scenario)["id"]
    url = f"/plans/{previous}/replan"
    assert app_client.post(url, json={"events": EVENTS}, headers=auth("viewer")).status_code == 403
    assert app_client.post(url, json={"events": EVENTS}).status_code == 401
    listed = app_client.get(f"/plans/{previous}", headers=auth("viewer")).json()
    assert listed["revisions"] == []


def test_revision_plans_with_the_stock_its_previous_plan_used(
    app_client: TestClient,
    stocked: dict[str, str],
    scenario: dict[str, Any],
    fake: FakeReplan,
) -> None:
    """Live-inventory plans are revised against the stock they were planned with, not today's."""
    previous = done_plan(app_client, stocked, scenario, use_inventory=True)
    assert app_client.post(f"/plans/{previous['id']}/approve", headers=stocked).status_code == 200
    answer = app_client.post(
        f"/plans/{previous['id']}/replan", json={"events": EVENTS}, headers=stocked
    )
    revision = wait(app_client, answer.json()["id"], stocked)
    assert revision["status"] == "done", revision
    assert revision["use_inventory"] is True
    assert revision["inventory_used"] == previous["inventory_used"]
    [(used_scenario, _plan, _events)] = fake.calls
    stock = {w.id: dict(w.stock) for w in used_scenario.warehouses}
    assert stock == {
        "north": {"tent": 100, "quilt": 1000},
        "south": {"tent": 50, "quilt": 0},
    }


def test_cancelling_a_running_revision_stops_it(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """A revision is a plan job like any: cancel tells the reviser to stop; no result is kept."""
    started, stopped = threading.Event(), threading.Event()

    def blocking(*args: Any) -> dict[str, Any]:
        should_stop = args[-1]
        started.set()
        while not should_stop():
            threading.Event().wait(0.01)
        stopped.set()
        return {}

    with TestClient(create_app(settings, replan=blocking)) as client:
        planner = auth("planner")
        previous = done_plan(client, planner, scenario)["id"]
        revision = client.post(
            f"/plans/{previous}/replan", json={"events": EVENTS}, headers=planner
        )
        assert started.wait(10)
        cancelled = client.post(f"/plans/{revision.json()['id']}/cancel", headers=planner)
        assert cancelled.json()["status"] == "cancelled"
        assert stopped.wait(10)
        job = wait(client, revision.json()["id"], planner)
        assert (job["status"], job["plan"], job["previous"]) == ("cancelled", None, previous)


def test_real_replan_then_approval_reserves_exactly_what_the_revision_takes(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any]
) -> None:
    """Plan, approve, re-plan with the library, approve the revision: reserved = its loads."""
    scenario = copy.deepcopy(scenario)
    previous = done_plan(client, stocked, scenario, time_limit_s=3)
    assert client.post(f"/plans/{previous['id']}/approve", headers=stocked).status_code == 200
    events = {
        "now_hours": 1.0,
        "events": [
            {"kind": "set_demand", "at_hours": 0.5, "area": "manas", "demand": {"tent": 60}},
        ],
    }
    answer = client.post(
        f"/plans/{previous['id']}/replan",
        json={"events": events, "time_limit_s": 3},
        headers=stocked,
    )
    assert answer.status_code == 202, answer.text
    revision = wait(client, answer.json()["id"], stocked)
    assert revision["status"] == "done", revision
    block = revision["plan"]["replan"]
    assert (block["previous"], block["now_hours"]) == (previous["id"], 1.0)
    assert revision["replan"]["now_hours"] == 1.0
    counts = revision["replan"]
    assert counts["kept"] + counts["changed"] + counts["cancelled"] == len(
        previous["plan"]["trips"]
    )
    approved = client.post(f"/plans/{revision['id']}/approve", headers=stocked)
    assert approved.status_code == 200, approved.text
    takes = plan_takes(revision["plan"])
    before = plan_takes(previous["plan"])
    difference = {p: takes.get(p, 0) - before.get(p, 0) for p in set(takes) | set(before)}
    adjusted = {
        (m["warehouse"], m["item"]): m["reserved_change"]
        for warehouse in ("north", "south")
        for m in client.get(f"/warehouses/{warehouse}/movements", headers=stocked).json()
        if m["plan_id"] == revision["id"]
    }
    assert adjusted == {p: d for p, d in difference.items() if d}
    reserved = {
        (w, i): q for w, items in approved.json()["reservations"].items() for i, q in items.items()
    }
    assert reserved == takes
    for warehouse in ("north", "south"):
        stock = client.get(f"/warehouses/{warehouse}/stock", headers=stocked).json()
        for item, level in stock.items():
            assert level["reserved"] == takes.get((warehouse, item), 0)
    old = client.get(f"/plans/{previous['id']}", headers=stocked).json()
    assert (old["approval"], old["superseded_by"]) == ("superseded", revision["id"])


def test_added_areas_count_against_the_site_limit(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any], fake: FakeReplan
) -> None:
    """Areas an events file adds count toward SUPPLYOPT_MAX_SCENARIO_SITES (422, nothing stored)."""
    settings = settings.model_copy(update={"max_scenario_sites": 5})
    area = {"lat": 44.2, "lon": 86.1, "demand": {"quilt": 10}}
    events = {
        "now_hours": 1.0,
        "events": [
            {"kind": "add_area", "at_hours": 0.5, "area": {"id": f"new-{k}", **area}}
            for k in range(2)
        ],
    }
    with TestClient(create_app(settings, replan=fake)) as client:
        planner = auth("planner")
        previous = done_plan(client, planner, scenario)["id"]
        before = count_rows(db)
        answer = client.post(f"/plans/{previous}/replan", json={"events": events}, headers=planner)
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert error["path"] == "body.events.events"
        assert "make 6 warehouses and areas" in error["msg"]
        assert count_rows(db) == before
        events["events"] = events["events"][:1]
        answer = client.post(f"/plans/{previous}/replan", json={"events": events}, headers=planner)
        assert answer.status_code == 202, answer.text
