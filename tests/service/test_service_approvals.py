"""Approvals reserve all or nothing; racing approvals never over-commit; dispatch and release."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import plan_taking

StorePlan = Callable[[dict[str, Any]], str]


def levels(client: TestClient, headers: dict[str, str], warehouse: str) -> dict[str, Any]:
    return dict(client.get(f"/warehouses/{warehouse}/stock", headers=headers).json())


def test_approve_reserves_and_dispatch_issues(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """Approval moves units from available to reserved; dispatch takes them off on-hand."""
    plan_id = store_done_plan(
        plan_taking({"north": {"tent": 60, "quilt": 200}, "east": {"tent": 9}})
    )
    approved = client.post(f"/plans/{plan_id}/approve", headers=stocked)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approval"] == "approved"
    assert approved.json()["reservations"] == {"north": {"quilt": 200, "tent": 60}}
    assert levels(client, stocked, "north")["tent"] == {
        "on_hand": 100,
        "reserved": 60,
        "available": 40,
    }
    issue = {"item": "tent", "kind": "issue", "quantity": -41}
    assert (
        client.post("/warehouses/north/movements", json=issue, headers=stocked).status_code == 409
    )
    assert client.post(f"/plans/{plan_id}/approve", headers=stocked).status_code == 409
    dispatched = client.post(f"/plans/{plan_id}/dispatch", headers=stocked)
    assert dispatched.json()["approval"] == "dispatched"
    assert levels(client, stocked, "north") == {
        "quilt": {"on_hand": 800, "reserved": 0, "available": 800},
        "tent": {"on_hand": 40, "reserved": 0, "available": 40},
    }
    ledger = client.get("/warehouses/north/movements", headers=stocked).json()
    kinds = [(m["kind"], m["quantity"], m["reserved_change"], m["plan_id"]) for m in ledger[-4:]]
    assert kinds == [
        ("reserve", 0, 200, plan_id),
        ("reserve", 0, 60, plan_id),
        ("issue", -200, -200, plan_id),
        ("issue", -60, -60, plan_id),
    ]
    assert client.post(f"/plans/{plan_id}/release", headers=stocked).status_code == 409


def test_release_gives_stock_back(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """Cancelling an approval returns its reserved units to available stock."""
    plan_id = store_done_plan(plan_taking({"south": {"tent": 50}}))
    assert client.post(f"/plans/{plan_id}/approve", headers=stocked).status_code == 200
    assert levels(client, stocked, "south")["tent"]["available"] == 0
    released = client.post(f"/plans/{plan_id}/release", headers=stocked)
    assert released.json()["approval"] == "released"
    assert levels(client, stocked, "south")["tent"] == {
        "on_hand": 50,
        "reserved": 0,
        "available": 50,
    }
    assert client.post(f"/plans/{plan_id}/dispatch", headers=stocked).status_code == 409


def test_approval_short_of_stock_is_409_and_reserves_nothing(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """One short pair makes the whole approval fail with the shortfall; nothing is reserved."""
    plan_id = store_done_plan(
        plan_taking({"north": {"tent": 100, "quilt": 1001}, "south": {"tent": 5}})
    )
    answer = client.post(f"/plans/{plan_id}/approve", headers=stocked)
    assert answer.status_code == 409
    assert answer.json()["shortfall"] == [
        {"warehouse": "north", "item": "quilt", "requested": 1001, "available": 1000, "missing": 1}
    ]
    for warehouse in ("north", "south"):
        assert all(v["reserved"] == 0 for v in levels(client, stocked, warehouse).values())
    job = client.get(f"/plans/{plan_id}", headers=stocked).json()
    assert job["approval"] is None
    assert job["reservations"] == {}


def test_only_done_plans_can_be_approved(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan, db: Any
) -> None:
    """Approving a plan that is not done answers 409."""
    from supplyopt_service.core.tables import PlanJobRow

    plan_id = store_done_plan(plan_taking({"north": {"tent": 1}}))
    with db.write() as session:
        session.get(PlanJobRow, plan_id).status = "failed"
    answer = client.post(f"/plans/{plan_id}/approve", headers=stocked)
    assert answer.status_code == 409
    assert "failed" in answer.json()["detail"]


def race(client: TestClient, headers: dict[str, str], plan_ids: list[str]) -> list[int]:
    """Approve every plan at once from as many threads; return the status codes in order."""
    with ThreadPoolExecutor(len(plan_ids)) as pool:
        return list(
            pool.map(
                lambda pid: client.post(f"/plans/{pid}/approve", headers=headers).status_code,
                plan_ids,
            )
        )


def test_twenty_racing_approvals_never_over_commit(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """20 approvals of 30 tents each race for 100: exactly 3 succeed, reserved is 90."""
    plan_ids = [store_done_plan(plan_taking({"north": {"tent": 30}})) for _ in range(20)]
    codes = race(client, stocked, plan_ids)
    assert sorted(codes) == [200] * 3 + [409] * 17
    assert levels(client, stocked, "north")["tent"] == {
        "on_hand": 100,
        "reserved": 90,
        "available": 10,
    }
    approved = [p for p, c in zip(plan_ids, codes, strict=True) if c == 200]
    for plan_id in plan_ids:
        job = client.get(f"/plans/{plan_id}", headers=stocked).json()
        assert (job["approval"] == "approved") == (plan_id in approved)


@pytest.mark.parametrize("seed", [1, 2])
def test_racing_approvals_over_two_warehouses_fit_exactly(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan, seed: int
) -> None:
    """Plans of mixed sizes across two warehouses race: the successes fit, every failure did not."""
    import random

    rng = random.Random(seed)
    takes = []
    for _ in range(20):
        north, south = rng.randint(5, 25), rng.randint(1, 10)
        pairs = [("north", {"tent": north}), ("south", {"tent": south})]
        takes.append(dict(pairs if rng.random() < 0.5 else pairs[::-1]))
    plan_ids = [store_done_plan(plan_taking(t)) for t in takes]
    codes = race(client, stocked, plan_ids)
    won = [t for t, c in zip(takes, codes, strict=True) if c == 200]
    lost = [t for t, c in zip(takes, codes, strict=True) if c == 409]
    assert len(won) + len(lost) == 20
    reserved = {w: sum(t[w]["tent"] for t in won) for w in ("north", "south")}
    after = {w: levels(client, stocked, w)["tent"] for w in ("north", "south")}
    for warehouse, total in (("north", 100), ("south", 50)):
        assert after[warehouse]["reserved"] == reserved[warehouse] <= total
        assert after[warehouse]["available"] == total - reserved[warehouse]
    # Stock only shrinks as approvals win, so each loser was short when it ran and still is.
    for t in lost:
        assert any(t[w]["tent"] > after[w]["available"] for w in ("north", "south"))
    assert won
