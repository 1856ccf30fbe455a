"""Revising a dispatched plan: reserve the extra, return what is no longer taken, exactly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from .conftest import KeyMaker, plan_taking
from .test_service_revision_approvals import all_levels, approve, ledger

StorePlan = Callable[..., str]


def dispatched(client: TestClient, headers: dict[str, str], store: StorePlan, takes: Any) -> str:
    plan_id = store(plan_taking(takes))
    approve(client, headers, plan_id)
    answer = client.post(f"/plans/{plan_id}/dispatch", headers=headers)
    assert answer.status_code == 200, answer.text
    return plan_id


def moves_since(
    client: TestClient, headers: dict[str, str], warehouse: str, count: int
) -> list[tuple[Any, ...]]:
    return [
        (m["item"], m["kind"], m["quantity"], m["reserved_change"], m["plan_id"], m["note"])
        for m in ledger(client, headers, warehouse)[-count:]
    ]


def test_revision_of_a_dispatched_plan_reserves_the_extra_and_returns_the_rest(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """Trucks out with 60 tents and 200 quilts; the revision takes 80 tents, 150 quilts, 10 south tents."""
    previous = dispatched(client, stocked, store_done_plan, {"north": {"tent": 60, "quilt": 200}})
    revision = store_done_plan(
        plan_taking({"north": {"tent": 80, "quilt": 150}, "south": {"tent": 10}}),
        previous=previous,
    )
    approved = approve(client, stocked, revision)
    assert approved["approval"] == "approved"
    assert approved["reservations"] == {"north": {"tent": 20}, "south": {"tent": 10}}
    assert all_levels(client, stocked) == {
        "north": {
            "quilt": {"on_hand": 850, "reserved": 0, "available": 850},
            "tent": {"on_hand": 40, "reserved": 20, "available": 20},
        },
        "south": {"tent": {"on_hand": 50, "reserved": 10, "available": 40}},
    }
    assert moves_since(client, stocked, "north", 2) == [
        (
            "quilt",
            "receipt",
            50,
            0,
            revision,
            f"returned: revision {revision} no longer takes these units, "
            f"which dispatched plan {previous} issued",
        ),
        ("tent", "reserve", 0, 20, revision, f"revision approved: beyond plan {previous}"),
    ]
    assert moves_since(client, stocked, "south", 1) == [
        ("tent", "reserve", 0, 10, revision, f"revision approved: beyond plan {previous}")
    ]
    old = client.get(f"/plans/{previous}", headers=stocked).json()
    assert (old["approval"], old["superseded_by"]) == ("superseded", revision)


def test_dispatching_the_revision_issues_only_its_extra(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """After the take-over, dispatch issues the 20 extra tents, not the 80 the revision delivers."""
    previous = dispatched(client, stocked, store_done_plan, {"north": {"tent": 60}})
    revision = store_done_plan(plan_taking({"north": {"tent": 80}}), previous=previous)
    approve(client, stocked, revision)
    answer = client.post(f"/plans/{revision}/dispatch", headers=stocked)
    assert answer.status_code == 200, answer.text
    assert all_levels(client, stocked)["north"]["tent"] == {
        "on_hand": 20,
        "reserved": 0,
        "available": 20,
    }
    assert moves_since(client, stocked, "north", 1) == [
        ("tent", "issue", -20, -20, revision, "plan dispatched")
    ]


def test_a_short_extra_is_409_and_changes_nothing(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """90 more tents than the dispatched 60, with 40 left: 409 with the shortfall, nothing changed."""
    previous = dispatched(client, stocked, store_done_plan, {"north": {"tent": 60}})
    revision = store_done_plan(
        plan_taking({"north": {"tent": 150, "quilt": 10}}), previous=previous
    )
    before = all_levels(client, stocked)
    entries = len(ledger(client, stocked, "north"))
    answer = client.post(f"/plans/{revision}/approve", headers=stocked)
    assert answer.status_code == 409, answer.text
    assert answer.json()["shortfall"] == [
        {"warehouse": "north", "item": "tent", "requested": 90, "available": 40, "missing": 50}
    ]
    assert all_levels(client, stocked) == before
    assert len(ledger(client, stocked, "north")) == entries
    old = client.get(f"/plans/{previous}", headers=stocked).json()
    assert (old["approval"], old["superseded_by"]) == ("dispatched", None)
    assert client.get(f"/plans/{revision}", headers=stocked).json()["approval"] is None


def test_a_revision_of_that_revision_counts_what_is_on_the_road(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """60 out, 20 more reserved by the first revision; the second takes 50: release 20, return 10."""
    previous = dispatched(client, stocked, store_done_plan, {"north": {"tent": 60}})
    first = store_done_plan(plan_taking({"north": {"tent": 80}}), previous=previous)
    approve(client, stocked, first)
    second = store_done_plan(plan_taking({"north": {"tent": 50}}), previous=first)
    approved = approve(client, stocked, second)
    assert approved["reservations"] == {}
    assert all_levels(client, stocked)["north"]["tent"] == {
        "on_hand": 50,
        "reserved": 0,
        "available": 50,
    }
    assert moves_since(client, stocked, "north", 2) == [
        ("tent", "release", 0, -20, second, f"revision approved: no longer in plan {first}"),
        (
            "tent",
            "receipt",
            10,
            0,
            second,
            f"returned: revision {second} no longer takes these units, "
            f"which dispatched plan {first} issued",
        ),
    ]
    assert client.post(f"/plans/{second}/dispatch", headers=stocked).status_code == 200
    assert all_levels(client, stocked)["north"]["tent"]["on_hand"] == 50


def test_the_take_over_of_a_dispatched_plan_is_audited(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan, auth: KeyMaker
) -> None:
    """The audit entry lists the reserved extra and the returned units."""
    previous = dispatched(client, stocked, store_done_plan, {"north": {"tent": 60, "quilt": 5}})
    revision = store_done_plan(plan_taking({"north": {"tent": 61}}), previous=previous)
    approve(client, stocked, revision)
    last = client.get("/audit?limit=1000", headers=auth("admin")).json()
    entry = [e for e in last if e["action"] == "plan.approve_revision"][-1]
    assert entry["detail"] == {
        "previous": previous,
        "reserved": [["north", "tent", 1]],
        "released": [],
        "returned": [["north", "quilt", 5]],
    }
