"""Approving a revision adjusts the previous plan's reservation by the difference, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import KeyMaker, plan_taking
from .test_service_approvals import levels, race

StorePlan = Callable[..., str]


def approve(client: TestClient, headers: dict[str, str], plan_id: str) -> dict[str, Any]:
    answer = client.post(f"/plans/{plan_id}/approve", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def ledger(client: TestClient, headers: dict[str, str], warehouse: str) -> list[dict[str, Any]]:
    return list(client.get(f"/warehouses/{warehouse}/movements", headers=headers).json())


def all_levels(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    return {w: levels(client, headers, w) for w in ("north", "south")}


def test_revision_reserves_the_difference_and_supersedes_the_previous_plan(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """+20 tents reserved, 50 quilts and 10 south tents released; the previous plan superseded."""
    previous = store_done_plan(
        plan_taking({"north": {"tent": 60, "quilt": 200}, "south": {"tent": 10}})
    )
    approve(client, stocked, previous)
    revision = store_done_plan(
        plan_taking({"north": {"tent": 80, "quilt": 150}}), previous=previous
    )
    approved = approve(client, stocked, revision)
    assert approved["approval"] == "approved"
    assert approved["previous"] == previous
    assert approved["reservations"] == {"north": {"quilt": 150, "tent": 80}}
    assert all_levels(client, stocked) == {
        "north": {
            "quilt": {"on_hand": 1000, "reserved": 150, "available": 850},
            "tent": {"on_hand": 100, "reserved": 80, "available": 20},
        },
        "south": {"tent": {"on_hand": 50, "reserved": 0, "available": 50}},
    }
    moves = [
        (m["item"], m["kind"], m["reserved_change"], m["plan_id"])
        for m in ledger(client, stocked, "north")[-2:] + ledger(client, stocked, "south")[-1:]
    ]
    assert moves == [
        ("quilt", "release", -50, revision),
        ("tent", "reserve", 20, revision),
        ("tent", "release", -10, revision),
    ]
    old = client.get(f"/plans/{previous}", headers=stocked).json()
    assert (old["approval"], old["superseded_by"], old["revisions"]) == (
        "superseded",
        revision,
        [revision],
    )
    for action in ("approve", "release", "dispatch"):
        refused = client.post(f"/plans/{previous}/{action}", headers=stocked)
        assert refused.status_code == 409, action
        assert "superseded" in refused.json()["detail"]


def test_dispatching_a_revision_issues_what_it_holds(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """After the take-over, dispatch issues exactly the revision's units; release would give them back."""
    previous = store_done_plan(plan_taking({"north": {"tent": 60}}))
    approve(client, stocked, previous)
    revision = store_done_plan(plan_taking({"north": {"tent": 45}}), previous=previous)
    approve(client, stocked, revision)
    dispatched = client.post(f"/plans/{revision}/dispatch", headers=stocked)
    assert dispatched.json()["approval"] == "dispatched"
    assert levels(client, stocked, "north")["tent"] == {
        "on_hand": 55,
        "reserved": 0,
        "available": 55,
    }


def test_releasing_a_revision_gives_every_unit_back(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """Releasing the revision releases the whole reservation it took over."""
    previous = store_done_plan(plan_taking({"north": {"tent": 60}}))
    approve(client, stocked, previous)
    revision = store_done_plan(plan_taking({"north": {"tent": 70}}), previous=previous)
    approve(client, stocked, revision)
    released = client.post(f"/plans/{revision}/release", headers=stocked)
    assert released.json()["approval"] == "released"
    assert levels(client, stocked, "north")["tent"]["reserved"] == 0


def test_unavailable_difference_is_409_and_changes_nothing(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """15 more tents with 10 available: 409 with the shortfall; stock, ledger and states unchanged."""
    previous = store_done_plan(plan_taking({"north": {"tent": 60, "quilt": 200}}))
    approve(client, stocked, previous)
    approve(client, stocked, store_done_plan(plan_taking({"north": {"tent": 30}})))
    before = (all_levels(client, stocked), ledger(client, stocked, "north"))
    revision = store_done_plan(
        plan_taking({"north": {"tent": 75, "quilt": 100}}), previous=previous
    )
    answer = client.post(f"/plans/{revision}/approve", headers=stocked)
    assert answer.status_code == 409
    assert answer.json()["shortfall"] == [
        {"warehouse": "north", "item": "tent", "requested": 15, "available": 10, "missing": 5}
    ]
    assert "nothing was reserved" in answer.json()["detail"]
    assert (all_levels(client, stocked), ledger(client, stocked, "north")) == before
    assert client.get(f"/plans/{previous}", headers=stocked).json()["approval"] == "approved"
    job = client.get(f"/plans/{revision}", headers=stocked).json()
    assert (job["approval"], job["reservations"]) == (None, {})


@pytest.mark.parametrize("count", [2, 6])
def test_racing_revisions_of_one_plan_exactly_one_wins(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan, count: int
) -> None:
    """Revisions of one approved plan, each affordable alone, race: one wins, the rest get 409."""
    previous = store_done_plan(plan_taking({"north": {"tent": 60}}))
    approve(client, stocked, previous)
    wants = [50 + 7 * k for k in range(count)]  # 50, 57, …: every one fits in 100 alone
    revisions = [
        store_done_plan(plan_taking({"north": {"tent": w}}), previous=previous) for w in wants
    ]
    codes = race(client, stocked, revisions)
    assert sorted(codes) == [200] + [409] * (count - 1)
    winner = revisions[codes.index(200)]
    assert levels(client, stocked, "north")["tent"]["reserved"] == wants[codes.index(200)]
    assert client.get(f"/plans/{previous}", headers=stocked).json()["superseded_by"] == winner
    for revision, code in zip(revisions, codes, strict=True):
        job = client.get(f"/plans/{revision}", headers=stocked).json()
        assert job["approval"] == ("approved" if code == 200 else None)


def test_revision_of_an_unapproved_or_released_plan_reserves_in_full(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan
) -> None:
    """Without an approval to take over, a revision is approved like any plan."""
    never = store_done_plan(plan_taking({"north": {"tent": 60}}))
    first = store_done_plan(plan_taking({"north": {"tent": 30}}), previous=never)
    assert approve(client, stocked, first)["reservations"] == {"north": {"tent": 30}}
    assert client.get(f"/plans/{never}", headers=stocked).json()["approval"] is None
    released = store_done_plan(plan_taking({"south": {"tent": 20}}))
    approve(client, stocked, released)
    assert client.post(f"/plans/{released}/release", headers=stocked).status_code == 200
    second = store_done_plan(plan_taking({"south": {"tent": 25}}), previous=released)
    approve(client, stocked, second)
    assert levels(client, stocked, "south")["tent"]["reserved"] == 25
    assert client.get(f"/plans/{released}", headers=stocked).json()["approval"] == "released"


def test_revision_approval_is_audited(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan, auth: KeyMaker
) -> None:
    """The audit trail records the take-over: the previous plan, units reserved and released."""
    admin = auth("admin")
    previous = store_done_plan(plan_taking({"north": {"tent": 60, "quilt": 10}}))
    approve(client, stocked, previous)
    revision = store_done_plan(plan_taking({"north": {"tent": 61}}), previous=previous)
    approve(client, stocked, revision)
    last = client.get("/audit", headers=admin).json()[-1]
    assert (last["action"], last["target"]) == ("plan.approve_revision", f"plans/{revision}")
    assert last["detail"] == {
        "previous": previous,
        "reserved": [["north", "tent", 1]],
        "released": [["north", "quilt", 10]],
        "returned": [],
    }


def test_only_a_manager_approves_a_revision(
    client: TestClient, stocked: dict[str, str], store_done_plan: StorePlan, auth: KeyMaker
) -> None:
    """Planners and viewers get 403 and the reservation stays with the previous plan."""
    previous = store_done_plan(plan_taking({"north": {"tent": 60}}))
    approve(client, stocked, previous)
    revision = store_done_plan(plan_taking({"north": {"tent": 70}}), previous=previous)
    for role in ("viewer", "planner"):
        assert client.post(f"/plans/{revision}/approve", headers=auth(role)).status_code == 403
    assert levels(client, stocked, "north")["tent"]["reserved"] == 60
