"""Idempotency per API key; the audit trail append-only, with refusals and named local actors."""

from __future__ import annotations

import getpass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from supplyopt_service.app import create_app
from supplyopt_service.core import keys
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings

from .conftest import KeyMaker

RECEIPT = {"item": "tent", "kind": "receipt", "quantity": 5, "note": "desk delivery"}


def on_hand(client: TestClient, headers: dict[str, str], warehouse: str = "north") -> int:
    return int(
        client.get(f"/warehouses/{warehouse}/stock", headers=headers).json()["tent"]["on_hand"]
    )


def test_idempotency_keys_are_scoped_by_api_key(
    client: TestClient, stocked: dict[str, str], auth: KeyMaker
) -> None:
    """Two desks reusing one Idempotency-Key and body: both receipts are recorded, once each."""
    other_desk = auth("manager")
    before = on_hand(client, stocked)
    headers = {"Idempotency-Key": "receipt-001"}
    first = client.post("/warehouses/north/movements", json=RECEIPT, headers={**stocked, **headers})
    second = client.post(
        "/warehouses/north/movements", json=RECEIPT, headers={**other_desk, **headers}
    )
    again = client.post(
        "/warehouses/north/movements", json=RECEIPT, headers={**other_desk, **headers}
    )
    assert (first.status_code, second.status_code, again.status_code) == (201, 201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert again.json() == second.json()
    assert on_hand(client, stocked) == before + 10


def test_an_idempotency_key_reused_at_another_warehouse_is_422(
    client: TestClient, stocked: dict[str, str]
) -> None:
    """One desk, one key, the same body sent to another warehouse: 422, nothing recorded."""
    headers = {**stocked, "Idempotency-Key": "receipt-002"}
    assert (
        client.post("/warehouses/north/movements", json=RECEIPT, headers=headers).status_code == 201
    )
    before = on_hand(client, stocked, "south")
    answer = client.post("/warehouses/south/movements", json=RECEIPT, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == "header.Idempotency-Key"
    assert on_hand(client, stocked, "south") == before


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"]
)
def test_the_audit_trail_is_append_only_in_the_database(
    db: Database, auth: KeyMaker, statement: str
) -> None:
    """UPDATE and DELETE on audit_log are refused by the database itself, on both databases."""
    auth("admin")
    with pytest.raises(DBAPIError, match="append-only"), db.write() as session:
        session.execute(text(statement))
    with db.read() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_log")) == 1


def audit(client: TestClient, admin: dict[str, str]) -> list[dict[str, Any]]:
    return list(client.get("/audit?limit=1000", headers=admin).json())


def test_refused_requests_are_audited(client: TestClient, auth: KeyMaker) -> None:
    """401, 403 and 409 answers each leave an audit entry saying who, from where and why."""
    admin, viewer = auth("admin"), auth("viewer")
    assert client.get("/items", headers={"Authorization": "Bearer so_nope"}).status_code == 401
    assert client.post("/keys", json={"role": "viewer"}, headers=viewer).status_code == 403
    assert client.post("/keys/2/revoke", headers=admin).status_code == 200
    assert client.post("/keys/2/revoke", headers=admin).status_code == 409
    refused = [e for e in audit(client, auth("admin")) if e["action"] == "request.refused"]
    statuses = [e["detail"]["status"] for e in refused]
    assert statuses == [401, 403, 409]
    assert refused[0]["key_id"] is None
    assert refused[0]["detail"]["client"] == "testclient"
    assert refused[0]["target"] == "GET /items"
    assert refused[1]["actor"] == f"key:{refused[1]['key_id']}"


def test_refusals_are_audited_at_a_bounded_rate(
    settings: Settings, db: Database, auth: KeyMaker
) -> None:
    """Beyond SUPPLYOPT_AUDIT_REFUSALS_PER_MINUTE per client, one summary entry, then nothing."""
    bounded = settings.model_copy(update={"audit_refusals_per_minute": 3})
    with TestClient(create_app(bounded), raise_server_exceptions=False) as client:
        for _ in range(8):
            assert client.get("/items").status_code == 401
        refused = [e for e in audit(client, auth("admin")) if e["action"].startswith("request.")]
    assert [e["action"] for e in refused] == ["request.refused"] * 3 + ["request.refusals_capped"]
    assert "SUPPLYOPT_AUDIT_REFUSALS_PER_MINUTE" in refused[-1]["detail"]["note"]


def test_command_line_actions_name_the_local_user(
    client: TestClient, db: Database, auth: KeyMaker
) -> None:
    """A key made or revoked on the command line is attributed to ``local:<os user>``."""
    with db.write() as session:
        row, _token = keys.create_key(session, "viewer", name="cli")
    with db.write() as session:
        keys.revoke_key(session, row.id)
    entries = audit(client, auth("admin"))
    local = [e for e in entries if e["target"] == f"keys/{row.id}"]
    assert [(e["action"], e["actor"], e["key_id"]) for e in local] == [
        ("key.create", f"local:{getpass.getuser()}", None),
        ("key.revoke", f"local:{getpass.getuser()}", None),
    ]
