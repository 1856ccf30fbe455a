"""The dashboard's scenario routes: ``POST /scenarios/render`` (the editor's download), bundled files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from fastapi.testclient import TestClient

from supplyopt.io import loads_scenario, scenario_to_data
from supplyopt.model import parse_scenario

from .conftest import KeyMaker

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_render_round_trips_chinese_names(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any], fmt: str
) -> None:
    """The file read back by the library is the scenario sent; Chinese names are written as is."""
    scenario["name"] = "演练-1"
    scenario["disruptions"] = [
        {"kind": "close_roads", "polygon": [[44.0, 86.9], [44.1, 86.9], [44.1, 87.0]]}
    ]
    res = client.post(
        f"/scenarios/render?format={fmt}", headers=auth("viewer"), json={"scenario": scenario}
    )
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith(f"application/{fmt}")
    assert res.headers["content-disposition"] == (
        f"attachment; filename*=utf-8''{quote('演练-1.' + fmt)}"
    )
    text = res.content.decode("utf-8")
    names = [a["name"] for a in scenario["areas"] if a.get("name")]
    assert names
    assert all(name in text for name in names)
    assert "\\u" not in text
    read = loads_scenario(res.content, "json" if fmt == "json" else "yaml")
    assert read == parse_scenario(scenario)
    assert scenario_to_data(read) == scenario_to_data(parse_scenario(scenario))
    loaded = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    assert loaded["name"] == "演练-1"


def test_render_refuses_an_invalid_scenario_with_located_problems(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Every problem comes back located under body.scenario, in the library's words; no file."""
    scenario["deadline_hours"] = 0
    item = next(iter(scenario["areas"][0]["demand"]))
    scenario["areas"][0]["demand"][item] = -50
    res = client.post("/scenarios/render", headers=auth("viewer"), json={"scenario": scenario})
    assert res.status_code == 422, res.text
    found = {(e["path"], e["msg"]) for e in res.json()["errors"]}
    assert found == {
        ("body.scenario.deadline_hours", "must be > 0 (got 0)"),
        (f"body.scenario.areas[0].demand.{item}", "must be >= 0 (got -50)"),
    }


def test_render_needs_a_key(client: TestClient, scenario: dict[str, Any]) -> None:
    """Like every scenario route, rendering needs a key (401 without)."""
    assert client.post("/scenarios/render", json={"scenario": scenario}).status_code == 401


def test_bundled_scenario_without_its_road_data_is_404_not_500(
    client: TestClient, auth: KeyMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundled scenario naming an OSM extract the server lacks: 404 saying so, no server path."""
    from supplyopt_service.routers import scenarios

    text = (ROOT / "scenarios" / "andorra-flood.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "andorra-flood.yaml"
    copy.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SUPPLYOPT_SHARED_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setattr(scenarios, "bundled_scenarios", lambda: {"andorra-flood": copy})
    res = client.get("/scenarios/bundled/andorra-flood", headers=auth("viewer"))
    assert res.status_code == 404, res.text
    assert "road data it names is missing" in res.json()["detail"]
    assert str(tmp_path) not in res.text


def test_render_is_held_to_the_scenario_limits(
    settings: Any, db: Any, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """A scenario beyond SUPPLYOPT_MAX_SCENARIO_SITES is a located 422, as for POST /plans."""
    from supplyopt_service.app import create_app

    small = settings.model_copy(update={"max_scenario_sites": 2})
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        res = client.post(
            "/scenarios/render?format=json", headers=auth("viewer"), json={"scenario": scenario}
        )
    assert res.status_code == 422, res.text
    assert [e["path"] for e in res.json()["errors"]] == ["body.scenario.areas"]
