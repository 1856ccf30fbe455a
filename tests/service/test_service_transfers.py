"""Stock transfers: drafted by planners, approved (issue + receipt together) or rejected by managers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import KeyMaker


@pytest.fixture
def desks(client: TestClient, stocked: dict[str, str], auth: KeyMaker) -> dict[str, dict[str, str]]:
    """The tiny scenario's warehouses (north: 100 tents, south: 50); a key of each role."""
    return {"manager": stocked, "planner": auth("planner"), "viewer": auth("viewer")}


def stock(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Tents on hand at north and south, and the ledger lengths."""
    north = client.get("/warehouses/north/stock", headers=headers).json()
    south = client.get("/warehouses/south/stock", headers=headers).json()
    entries = sum(
        len(client.get(f"/warehouses/{w}/movements", headers=headers).json())
        for w in ("north", "south")
    )
    return {"north": north["tent"]["on_hand"], "south": south["tent"]["on_hand"], "ledger": entries}


def draft(client: TestClient, headers: dict[str, str], quantity: int) -> dict[str, Any]:
    """Draft moving ``quantity`` tents from north to south."""
    body = {"from": "north", "to": "south", "item": "tent", "quantity": quantity, "note": "前置"}
    answer = client.post("/transfers", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_approving_books_an_issue_and_a_receipt(
    client: TestClient, desks: dict[str, dict[str, str]]
) -> None:
    """A draft moves nothing; approval issues at 'from' and receives at 'to', audited."""
    before = stock(client, desks["viewer"])
    transfer = draft(client, desks["planner"], 30)
    assert transfer["status"] == "draft"
    assert transfer["note"] == "前置"
    assert stock(client, desks["viewer"]) == before
    answer = client.post(f"/transfers/{transfer['id']}/approve", headers=desks["manager"])
    assert answer.status_code == 200, answer.text
    approved = answer.json()
    assert approved["status"] == "approved"
    assert stock(client, desks["viewer"]) == {
        "north": before["north"] - 30,
        "south": before["south"] + 30,
        "ledger": before["ledger"] + 2,
    }
    ledger = client.get("/warehouses/north/movements", headers=desks["viewer"]).json()
    assert ledger[-1]["id"] == approved["issue_id"]
    assert ledger[-1]["quantity"] == -30


def test_the_trail_names_draft_and_approval(
    client: TestClient, desks: dict[str, dict[str, str]], auth: KeyMaker
) -> None:
    """Drafting and approving are in the audit trail."""
    transfer = draft(client, desks["planner"], 5)
    client.post(f"/transfers/{transfer['id']}/approve", headers=desks["manager"])
    actions = [
        (e["action"], e["target"]) for e in client.get("/audit", headers=auth("admin")).json()
    ]
    target = f"transfers/{transfer['id']}"
    assert ("transfer.draft", target) in actions
    assert ("transfer.approve", target) in actions


def test_approval_without_the_stock_is_refused_and_changes_nothing(
    client: TestClient, desks: dict[str, dict[str, str]]
) -> None:
    """409 with a readable shortfall when 'from' lacks the units; stock, ledger, draft unchanged."""
    transfer = draft(client, desks["planner"], 80)
    issue = {"item": "tent", "kind": "issue", "quantity": -50}
    assert (
        client.post("/warehouses/north/movements", json=issue, headers=desks["manager"]).status_code
        == 201
    )
    before = stock(client, desks["viewer"])
    answer = client.post(f"/transfers/{transfer['id']}/approve", headers=desks["manager"])
    assert answer.status_code == 409, answer.text
    body = answer.json()
    assert "north has 50 tent available, the transfer moves 80 (30 missing)" in body["detail"]
    assert body["shortfall"] == [
        {"warehouse": "north", "item": "tent", "requested": 80, "available": 50, "missing": 30}
    ]
    assert stock(client, desks["viewer"]) == before
    listed = client.get("/transfers?status=draft", headers=desks["viewer"]).json()
    assert [t["id"] for t in listed["transfers"]] == [transfer["id"]]


def test_reject_and_decided_transfers_stay_decided(
    client: TestClient, desks: dict[str, dict[str, str]]
) -> None:
    """A rejected draft moves nothing; approving or rejecting a decided transfer: 409."""
    before = stock(client, desks["viewer"])
    transfer = draft(client, desks["planner"], 10)
    answer = client.post(f"/transfers/{transfer['id']}/reject", headers=desks["manager"])
    assert answer.status_code == 200
    assert answer.json()["status"] == "rejected"
    for verb in ("approve", "reject"):
        again = client.post(f"/transfers/{transfer['id']}/{verb}", headers=desks["manager"])
        assert again.status_code == 409
        assert "rejected" in again.json()["detail"]
    assert stock(client, desks["viewer"]) == before
    assert client.post("/transfers/999/approve", headers=desks["manager"]).status_code == 404


def test_roles(client: TestClient, desks: dict[str, dict[str, str]]) -> None:
    """Planners draft, only managers decide; viewers read."""
    body = {"from": "north", "to": "south", "item": "tent", "quantity": 1}
    assert client.post("/transfers", json=body, headers=desks["viewer"]).status_code == 403
    transfer = draft(client, desks["planner"], 1)
    for verb in ("approve", "reject"):
        answer = client.post(f"/transfers/{transfer['id']}/{verb}", headers=desks["planner"])
        assert answer.status_code == 403
    assert client.get("/transfers", headers=desks["viewer"]).status_code == 200


def test_bad_drafts_are_located(client: TestClient, desks: dict[str, dict[str, str]]) -> None:
    """Unknown warehouse, item and run, and 'to' equal to 'from': every problem located."""
    body = {"from": "east", "to": "east", "item": "tnt", "quantity": 1, "readiness_id": "r1"}
    answer = client.post("/transfers", json=body, headers=desks["planner"])
    assert answer.status_code == 422
    paths = [e["path"] for e in answer.json()["errors"]]
    assert paths == ["body.from", "body.to", "body.to", "body.item", "body.readiness_id"]
    zero = {"from": "north", "to": "south", "item": "tent", "quantity": 0}
    assert client.post("/transfers", json=zero, headers=desks["planner"]).status_code == 422
    assert client.get("/transfers", headers=desks["viewer"]).json()["transfers"] == []


def test_list_pages_newest_first(client: TestClient, desks: dict[str, dict[str, str]]) -> None:
    """Transfers come newest first; ``next`` is the ``after`` of the following page."""
    ids = [draft(client, desks["planner"], 1)["id"] for _ in range(3)]
    first = client.get("/transfers?limit=2", headers=desks["viewer"]).json()
    assert [t["id"] for t in first["transfers"]] == ids[:0:-1]
    rest = client.get(f"/transfers?limit=2&after={first['next']}", headers=desks["viewer"]).json()
    assert [t["id"] for t in rest["transfers"]] == ids[:1]
    assert rest["next"] is None
