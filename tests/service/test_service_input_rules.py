"""One bound for every quantity, one rule for every id, road files only from the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supplyopt.model import MAX_QUANTITY, Scenario
from supplyopt_service.app import create_app
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings

from .conftest import KeyMaker

WAREHOUSE = {"id": "w1", "lat": 44.0, "lon": 87.0}


def no_solve(scenario: Scenario, *_args: Any) -> dict[str, Any]:
    """A solve function that reads nothing and plans nothing (no network, no road file)."""
    return {
        "scenario": scenario.name,
        "deadline_hours": 12,
        "status": "empty",
        "summary": {},
        "trips": [],
        "unmet": [],
    }


def paths(answer: Any) -> list[str]:
    return [e["path"] for e in answer.json()["errors"]]


@pytest.mark.parametrize("quantity", [2**63, 2**63 - 1, MAX_QUANTITY + 1])
def test_opening_stock_above_the_bound_is_a_located_422(
    client: TestClient, stocked: dict[str, str], quantity: int
) -> None:
    """Opening stock beyond MAX_QUANTITY: 422 at body.stock.<item>, on both databases."""
    body = {**WAREHOUSE, "stock": {"tent": quantity}}
    answer = client.post("/warehouses", json=body, headers=stocked)
    assert answer.status_code == 422, answer.text
    assert paths(answer) == ["body.stock.tent"]


def test_stock_at_the_bound_then_one_more_is_409(
    client: TestClient, stocked: dict[str, str]
) -> None:
    """A warehouse opened at MAX_QUANTITY refuses one more unit with 409, never 500."""
    body = {**WAREHOUSE, "stock": {"tent": MAX_QUANTITY}}
    assert client.post("/warehouses", json=body, headers=stocked).status_code == 201
    more = {"item": "tent", "kind": "receipt", "quantity": 1}
    answer = client.post("/warehouses/w1/movements", json=more, headers=stocked)
    assert answer.status_code == 409, answer.text
    too_much = {"item": "tent", "kind": "receipt", "quantity": 2**63}
    answer = client.post("/warehouses/w1/movements", json=too_much, headers=stocked)
    assert answer.status_code == 422
    assert paths(answer) == ["body.quantity"]


BAD_IDS = ["a/b", "nul\x00here", "tab\there", "new\nline", "", "x" * 201]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_ids_are_refused_with_a_located_422(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any], bad: str
) -> None:
    """Items, warehouses, imports and stock keys follow one id rule: 422 at the id."""
    item = {"id": bad, "weight_kg": 1.0, "volume_m3": 0.1}
    answer = client.post("/items", json=item, headers=stocked)
    assert answer.status_code == 422, answer.text
    assert paths(answer) == ["body.id"]
    answer = client.post("/warehouses", json={**WAREHOUSE, "id": bad}, headers=stocked)
    assert answer.status_code == 422, answer.text
    assert paths(answer) == ["body.id"]
    scenario["items"][0]["id"] = bad
    scenario["warehouses"][1]["id"] = bad
    answer = client.post("/warehouses/import", json={"scenario": scenario}, headers=stocked)
    assert answer.status_code == 422, answer.text
    assert {"body.scenario.items[0].id", "body.scenario.warehouses[1].id"} <= set(paths(answer))
    assert client.get("/items", headers=stocked).status_code == 200
    names = [i["id"] for i in client.get("/items", headers=stocked).json()]
    assert bad not in names


def test_movement_of_a_bad_item_id_is_a_located_422(
    client: TestClient, stocked: dict[str, str]
) -> None:
    """A movement naming an item id with a NUL: 422 at body.item (not a database error)."""
    body = {"item": "te\x00nt", "kind": "receipt", "quantity": 1}
    answer = client.post("/warehouses/north/movements", json=body, headers=stocked)
    assert answer.status_code == 422, answer.text
    assert paths(answer) == ["body.item"]


def _osm(scenario: dict[str, Any], **roads: Any) -> dict[str, Any]:
    return {**scenario, "roads": {"model": "osm", **roads}}


@pytest.mark.parametrize("file", ["/etc/passwd", "/no/such/file.osm", "../x.osm", "sub/x.osm"])
def test_road_files_outside_the_data_directory_are_refused_alike(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any], file: str
) -> None:
    """Paths are refused the same way whether or not the file exists: 422 at roads.file."""
    answer = client.post(
        "/plans", json={"scenario": _osm(scenario, file=file)}, headers=auth("planner")
    )
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [e["path"] for e in errors] == ["body.scenario.roads.file"]
    assert errors[0]["msg"] == (
        "give the name of a road file in the server's data directory (SUPPLYOPT_DATA_DIR), "
        f"not a path (got {file!r})"
    )


def test_road_files_come_by_name_from_the_data_directory(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any], tmp_path: Path
) -> None:
    """A name in SUPPLYOPT_DATA_DIR is accepted (and stored as that file); a missing name is 422."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "roads.osm").write_text("<osm/>", encoding="utf-8")
    app = create_app(settings.model_copy(update={"data_dir": data_dir}), solve=no_solve)
    with TestClient(app, raise_server_exceptions=False) as client:
        planner = auth("planner")
        missing = client.post(
            "/plans", json={"scenario": _osm(scenario, file="other.osm")}, headers=planner
        )
        assert missing.status_code == 422
        assert "no road file 'other.osm' in the server's data directory" in missing.text
        unreadable = client.post(
            "/plans", json={"scenario": _osm(scenario, file="/etc/passwd")}, headers=planner
        )
        assert paths(unreadable) == ["body.scenario.roads.file"]
        answer = client.post(
            "/plans", json={"scenario": _osm(scenario, file="roads.osm")}, headers=planner
        )
        assert answer.status_code == 202, answer.text
        with db.read() as session:
            from supplyopt_service.core.tables import PlanJobRow

            job = session.get(PlanJobRow, answer.json()["id"])
            assert job is not None
            assert job.scenario["roads"]["file"] == str((data_dir / "roads.osm").resolve())


def test_road_download_is_refused_unless_allowed(
    settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """``download: true`` is a 422 at roads.download unless SUPPLYOPT_ALLOW_ROAD_DOWNLOAD."""
    body = {"scenario": _osm(scenario, place="Changji, China", download=True)}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        answer = client.post("/plans", json=body, headers=auth("planner"))
        assert answer.status_code == 422, answer.text
        assert paths(answer) == ["body.scenario.roads.download"]
    allowed = settings.model_copy(update={"allow_road_download": True})
    with TestClient(create_app(allowed, solve=no_solve), raise_server_exceptions=False) as client:
        answer = client.post("/plans", json=body, headers=auth("planner"))
        assert answer.status_code == 202, answer.text
