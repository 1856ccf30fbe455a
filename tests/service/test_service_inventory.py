"""Items, warehouses, stock and the movement ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from supplyopt.model import MAX_QUANTITY
from supplyopt_service.core.db import Database
from supplyopt_service.inventory import record_movement
from supplyopt_service.schemas import MovementIn

from .conftest import KeyMaker


def stock(client: TestClient, headers: dict[str, str], warehouse: str) -> dict[str, Any]:
    answer = client.get(f"/warehouses/{warehouse}/stock", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_warehouse_opening_stock_and_chinese_names(client: TestClient, auth: KeyMaker) -> None:
    """A new warehouse's stock is its opening balance; Chinese names round-trip unchanged."""
    manager = auth("manager")
    item = {"id": "tent", "name": "救灾帐篷", "weight_kg": 75.0, "volume_m3": 0.4}
    assert client.post("/items", json=item, headers=manager).status_code == 201
    assert client.post("/items", json=item, headers=manager).status_code == 409
    warehouse = {
        "id": "乌鲁木齐库",
        "name": "新疆储备库",
        "lat": 43.8,
        "lon": 87.6,
        "stock": {"tent": 300},
        "fleet": {"truck-10t": 4},
        "loading_bays": 2,
    }
    created = client.post("/warehouses", json=warehouse, headers=manager)
    assert created.status_code == 201, created.text
    got = client.get("/warehouses/乌鲁木齐库", headers=manager).json()
    assert got["name"] == "新疆储备库"
    assert got["stock"] == {"tent": 300}
    assert got["fleet"] == {"truck-10t": 4}
    assert client.get("/items/tent", headers=manager).json()["name"] == "救灾帐篷"
    assert stock(client, manager, "乌鲁木齐库") == {
        "tent": {"on_hand": 300, "reserved": 0, "available": 300}
    }
    ledger = client.get("/warehouses/乌鲁木齐库/movements", headers=manager).json()
    assert [(m["kind"], m["quantity"], m["note"]) for m in ledger] == [
        ("receipt", 300, "opening balance")
    ]
    assert client.post("/warehouses", json=warehouse, headers=manager).status_code == 409


def test_item_names_per_language_are_kept(client: TestClient, auth: KeyMaker) -> None:
    """An item's ``names`` per language are stored and read back (POST /items and import)."""
    manager = auth("manager")
    item = {"id": "quilt", "name": "棉被", "names": {"en": "Quilt", "zh": "救灾棉被"}}
    made = client.post(
        "/items", json={**item, "weight_kg": 3.0, "volume_m3": 0.03}, headers=manager
    )
    assert made.status_code == 201, made.text
    assert made.json()["names"] == {"en": "Quilt", "zh": "救灾棉被"}
    assert client.get("/items/quilt", headers=manager).json()["names"] == item["names"]
    bad = client.post(
        "/items",
        json={"id": "x", "names": {"en_GB": "X"}, "weight_kg": 1.0, "volume_m3": 1.0},
        headers=manager,
    )
    assert bad.status_code == 422
    assert "en_GB" in bad.text
    scenario = {
        "name": "s",
        "deadline_hours": 12,
        "items": [{"id": "coat", "names": {"zh": "棉大衣"}, "weight_kg": 2.0, "volume_m3": 0.02}],
        "vehicle_types": [{"id": "t", "capacity_kg": 100.0, "capacity_m3": 1.0}],
        "warehouses": [{"id": "w", "lat": 1.0, "lon": 1.0, "stock": {"coat": 5}}],
        "areas": [{"id": "a", "lat": 1.1, "lon": 1.0, "demand": {"coat": 1}}],
    }
    imported = client.post("/warehouses/import", json={"scenario": scenario}, headers=manager)
    assert imported.status_code == 200, imported.text
    assert client.get("/items/coat", headers=manager).json()["names"] == {"zh": "棉大衣"}


def test_warehouse_with_unknown_item_is_422_with_path(client: TestClient, auth: KeyMaker) -> None:
    """Opening stock naming an item missing from the catalogue is refused with its path."""
    answer = client.post(
        "/warehouses",
        json={"id": "w", "lat": 1.0, "lon": 1.0, "stock": {"tnt": 5}},
        headers=auth("manager"),
    )
    assert answer.status_code == 422
    assert [e["path"] for e in answer.json()["errors"]] == ["body.stock.tnt"]


def test_movements_change_stock_and_append_to_ledger(
    client: TestClient, stocked: dict[str, str]
) -> None:
    """Receipts, issues and adjustments update on-hand stock; the ledger lists them in order."""
    moves = [("receipt", 20), ("issue", -70), ("adjustment", -5), ("adjustment", 1)]
    for kind, quantity in moves:
        answer = client.post(
            "/warehouses/north/movements",
            headers=stocked,
            json={"item": "tent", "kind": kind, "quantity": quantity},
        )
        assert answer.status_code == 201, answer.text
    assert stock(client, stocked, "north")["tent"] == {
        "on_hand": 46,
        "reserved": 0,
        "available": 46,
    }
    ledger = client.get("/warehouses/north/movements", headers=stocked).json()
    tent = [(m["kind"], m["quantity"], m["on_hand_after"]) for m in ledger if m["item"] == "tent"]
    assert tent == [
        ("receipt", 100, 100),
        ("receipt", 20, 120),
        ("issue", -70, 50),
        ("adjustment", -5, 45),
        ("adjustment", 1, 46),
    ]
    ids = [m["id"] for m in ledger]
    assert ids == sorted(ids)
    page = client.get(f"/warehouses/north/movements?after_id={ids[1]}&limit=2", headers=stocked)
    assert [m["id"] for m in page.json()] == ids[2:4]


def test_movement_that_would_go_negative_is_409_and_changes_nothing(
    client: TestClient, stocked: dict[str, str]
) -> None:
    """An issue beyond on-hand stock gets 409 with the shortfall; stock and ledger are unchanged."""
    before = client.get("/warehouses/north/movements", headers=stocked).json()
    for kind in ("issue", "adjustment"):
        answer = client.post(
            "/warehouses/north/movements",
            headers=stocked,
            json={"item": "tent", "kind": kind, "quantity": -101},
        )
        assert answer.status_code == 409
        assert answer.json()["shortfall"] == [
            {"warehouse": "north", "item": "tent", "requested": 101, "available": 100, "missing": 1}
        ]
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 100
    assert client.get("/warehouses/north/movements", headers=stocked).json() == before


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({"item": "tent", "kind": "issue", "quantity": 5}, ["body.quantity"]),
        ({"item": "tent", "kind": "receipt", "quantity": -5}, ["body.quantity"]),
        ({"item": "tent", "kind": "adjustment", "quantity": 0}, ["body.quantity"]),
        ({"item": "tent", "kind": "theft", "quantity": 1.5}, ["body.kind", "body.quantity"]),
        ({"kind": "receipt", "quantity": 1, "colour": "red"}, ["body.item", "body.colour"]),
        ({"item": "nylon", "kind": "receipt", "quantity": 1}, ["body.item"]),
    ],
)
def test_bad_movement_is_422_with_every_field_path(
    client: TestClient, stocked: dict[str, str], body: dict[str, Any], paths: list[str]
) -> None:
    """Invalid movement bodies get 422 naming the path of every bad field."""
    answer = client.post("/warehouses/north/movements", headers=stocked, json=body)
    assert answer.status_code == 422
    assert sorted(e["path"] for e in answer.json()["errors"]) == sorted(paths)
    assert isinstance(answer.json()["detail"], str)


def test_unknown_warehouse_is_404(client: TestClient, stocked: dict[str, str]) -> None:
    """Stock, ledger and movements of an unknown warehouse answer 404 with a detail."""
    for method, path in [
        ("GET", "/warehouses/nowhere"),
        ("GET", "/warehouses/nowhere/stock"),
        ("GET", "/warehouses/nowhere/movements"),
    ]:
        answer = client.request(method, path, headers=stocked)
        assert answer.status_code == 404
        assert "nowhere" in answer.json()["detail"]
    answer = client.post(
        "/warehouses/nowhere/movements",
        headers=stocked,
        json={"item": "tent", "kind": "receipt", "quantity": 1},
    )
    assert answer.status_code == 404


def test_idempotency_key_applies_a_retry_once(client: TestClient, stocked: dict[str, str]) -> None:
    """Same key and body: the first answer again, applied once; another body or warehouse: 422."""
    body = {"item": "tent", "kind": "issue", "quantity": -30, "note": "to 呼图壁"}
    headers = {**stocked, "Idempotency-Key": "order-17"}
    first = client.post("/warehouses/north/movements", headers=headers, json=body)
    again = client.post("/warehouses/north/movements", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 70
    other = client.post(
        "/warehouses/north/movements", headers=headers, json={**body, "quantity": -31}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["path"] == "header.Idempotency-Key"
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 70
    elsewhere = client.post("/warehouses/south/movements", headers=headers, json=body)
    assert elsewhere.status_code == 422  # one key, one request: the warehouse is part of it
    assert stock(client, stocked, "south")["tent"]["on_hand"] == 50


def test_concurrent_retries_with_one_key_apply_once(
    client: TestClient, stocked: dict[str, str], db: Database
) -> None:
    """Ten concurrent sends of one keyed movement record it once and all get the same entry."""
    movement = MovementIn(item="tent", kind="issue", quantity=-7)

    def send(_: int) -> tuple[int, dict[str, Any]]:
        return record_movement(db, "north", movement, key_id=None, idempotency_key="k-1")

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(send, range(10)))
    assert {a[1]["id"] for a in answers} == {answers[0][1]["id"]}
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 93


def test_concurrent_issues_never_make_stock_negative(
    client: TestClient, stocked: dict[str, str], db: Database
) -> None:
    """Twenty concurrent issues of 7 from 100 units: exactly 14 succeed, stock ends at 2."""
    from supplyopt_service.core.errors import InsufficientStockError

    movement = MovementIn(item="tent", kind="issue", quantity=-7)

    def send(_: int) -> bool:
        try:
            record_movement(db, "north", movement, key_id=None)
        except InsufficientStockError:
            return False
        return True

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(send, range(20)))
    assert sum(results) == 14
    assert stock(client, stocked, "north")["tent"] == {"on_hand": 2, "reserved": 0, "available": 2}
    ledger = client.get("/warehouses/north/movements", headers=stocked).json()
    assert sum(m["quantity"] for m in ledger if m["item"] == "tent") == 2


def test_database_refuses_negative_stock_and_ledger_edits(
    stocked: dict[str, str], db: Database
) -> None:
    """CHECK constraints refuse negative stock and triggers refuse editing the ledger, in SQL."""
    statements = [
        "UPDATE stock SET on_hand = -1 WHERE warehouse_id = 'north' AND item_id = 'tent'",
        "UPDATE stock SET reserved = on_hand + 1 WHERE warehouse_id = 'north'",
        "UPDATE movements SET quantity = 0",
        "DELETE FROM movements",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError), db.write() as session:
            session.execute(text(statement))
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM movements")).scalar() == 3


def test_import_leaves_existing_warehouses_alone(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any]
) -> None:
    """Importing a scenario again creates nothing and never overwrites stock."""
    scenario["warehouses"][0]["stock"]["tent"] = 5
    answer = client.post("/warehouses/import", json={"scenario": scenario}, headers=stocked)
    assert answer.json() == {
        "created_items": [],
        "existing_items": ["tent", "quilt"],
        "created_warehouses": [],
        "existing_warehouses": ["north", "south"],
        "added_stock": {},
    }
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 100


def test_import_gives_existing_warehouses_the_items_they_never_held(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any]
) -> None:
    """A scenario with a new item gives existing warehouses its stock; held items stay as they are.

    Issue 15: after importing a second scenario whose warehouses partly
    existed, those kept their old item list and planned the new item with 0
    under use_inventory while the form showed 500 and 120.
    """
    scenario["items"].append({"id": "stove", "weight_kg": 20.0, "volume_m3": 0.1})
    scenario["warehouses"][0]["stock"].update({"stove": 500, "tent": 5})
    scenario["warehouses"][1]["stock"]["stove"] = 120
    answer = client.post("/warehouses/import", json={"scenario": scenario}, headers=stocked)
    assert answer.status_code == 200, answer.text
    assert answer.json()["created_items"] == ["stove"]
    assert answer.json()["added_stock"] == {"north": {"stove": 500}, "south": {"stove": 120}}
    assert stock(client, stocked, "north")["stove"] == {
        "on_hand": 500,
        "reserved": 0,
        "available": 500,
    }
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 100
    again = client.post("/warehouses/import", json={"scenario": scenario}, headers=stocked)
    assert again.json()["added_stock"] == {}
    assert stock(client, stocked, "south")["stove"]["on_hand"] == 120


def test_movement_above_the_quantity_cap_is_409_and_changes_nothing(
    client: TestClient, stocked: dict[str, str]
) -> None:
    """Stock may reach MAX_QUANTITY but not exceed it: beyond, 409 naming item and cap."""
    before = client.get("/warehouses/north/movements", headers=stocked).json()
    for kind, quantity in (("receipt", MAX_QUANTITY), ("adjustment", MAX_QUANTITY - 99)):
        answer = client.post(
            "/warehouses/north/movements",
            headers=stocked,
            json={"item": "tent", "kind": kind, "quantity": quantity},
        )
        assert answer.status_code == 409, answer.text
        assert "'tent'" in answer.json()["detail"]
        assert str(MAX_QUANTITY) in answer.json()["detail"]
    assert stock(client, stocked, "north")["tent"]["on_hand"] == 100
    assert client.get("/warehouses/north/movements", headers=stocked).json() == before
    full = {"item": "tent", "kind": "receipt", "quantity": MAX_QUANTITY - 100}
    assert client.post("/warehouses/north/movements", headers=stocked, json=full).status_code == 201
    assert stock(client, stocked, "north")["tent"]["on_hand"] == MAX_QUANTITY


def test_two_imports_at_once_give_a_new_item_its_opening_balance_once(
    db: Database, scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports racing (a double click) receive a warehouse's new item once, not twice."""
    import threading
    from contextlib import suppress

    from supplyopt.model import parse_scenario
    from supplyopt_service import catalogue
    from supplyopt_service.inventory import available_stock

    scenario["items"].append({"id": "stove", "weight_kg": 20.0, "volume_m3": 0.1})
    catalogue.import_scenario(db, parse_scenario(scenario), key_id=None)
    scenario["warehouses"][0]["stock"]["stove"] = 500
    second = parse_scenario(scenario)
    # both imports have looked for the rows the warehouse holds before either adds its own
    # (on SQLite the second waits for the write lock instead: the barrier gives up after 2 s)
    both_looked = threading.Barrier(2, timeout=2.0)
    real_ensure = catalogue.ensure_stock_rows

    def ensure_stock_rows(*args: Any, **kwargs: Any) -> None:
        with suppress(threading.BrokenBarrierError):
            both_looked.wait()
        real_ensure(*args, **kwargs)

    monkeypatch.setattr(catalogue, "ensure_stock_rows", ensure_stock_rows)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda _: catalogue.import_scenario(db, second, key_id=None), range(2))
        )
    north = scenario["warehouses"][0]["id"]
    with db.read() as session:
        assert available_stock(session, [north])[north]["stove"] == 500
    assert sorted(len(a["added_stock"]) for a in answers) == [0, 1]


def test_two_imports_at_once_both_succeed(
    db: Database, scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two first imports racing (a double click) both answer; the items are created once."""
    import threading
    from contextlib import suppress

    from supplyopt.model import parse_scenario
    from supplyopt_service import catalogue
    from supplyopt_service.inventory import available_stock

    both_checked = threading.Barrier(2, timeout=2.0)
    real_create_item = catalogue.create_item

    def create_item(*args: Any, **kwargs: Any) -> Any:
        with suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return real_create_item(*args, **kwargs)

    monkeypatch.setattr(catalogue, "create_item", create_item)
    parsed = parse_scenario(scenario)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda _: catalogue.import_scenario(db, parsed, key_id=None), range(2))
        )
    assert sorted(len(a["created_items"]) for a in answers) == [0, len(scenario["items"])]
    north = scenario["warehouses"][0]
    with db.read() as session:
        assert available_stock(session, [north["id"]])[north["id"]] == north["stock"]


@pytest.mark.parametrize("path", ["/items", "/warehouses"])
def test_two_adds_of_one_id_at_once_give_one_201_and_the_duplicates_409(
    client: TestClient, auth: KeyMaker, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """POST /items or /warehouses sent twice at once: the loser gets the sequential 409."""
    import threading
    from contextlib import suppress
    from types import SimpleNamespace

    from supplyopt_service import catalogue
    from supplyopt_service.core import audit

    manager = auth("manager")
    item = {"id": "tent", "name": "救灾帐篷", "weight_kg": 75.0, "volume_m3": 0.4}
    body: dict[str, Any] = item
    if path == "/warehouses":
        assert client.post("/items", json=item, headers=manager).status_code == 201
        body = {"id": "乌鲁木齐库", "name": "新疆储备库", "lat": 43.8, "lon": 87.6}
        body["stock"] = {"tent": 300}
    # both requests wait here, each having checked the id is free and added its row
    both_added = threading.Barrier(2, timeout=2.0)
    real_record = audit.record

    def record(*args: Any, **kwargs: Any) -> None:
        with suppress(threading.BrokenBarrierError):
            both_added.wait()
        real_record(*args, **kwargs)

    monkeypatch.setattr(catalogue, "audit", SimpleNamespace(record=record))
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: client.post(path, json=body, headers=manager), range(2)))
    monkeypatch.undo()
    sequential = client.post(path, json=body, headers=manager)
    assert sequential.status_code == 409
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    (loser,) = [a for a in answers if a.status_code == 409]
    assert loser.json()["detail"] == sequential.json()["detail"]
    if path == "/warehouses":
        assert stock(client, manager, "乌鲁木齐库")["tent"]["on_hand"] == 300
