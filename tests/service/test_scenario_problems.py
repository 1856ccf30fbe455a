"""One broken scenario, every entry point: the same problems, located, in the same words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from supplyopt.cli import main
from supplyopt.model import MAX_QUANTITY, MAX_VEHICLES, ScenarioError, parse_scenario
from supplyopt_service.core.settings import Settings
from tests.conftest import tiny_data

from .conftest import KeyMaker


def broken() -> dict[str, Any]:
    """Tiny scenario with four defects: priority 0, an unknown item, a huge demand, a bad lat."""
    data = tiny_data()
    data["areas"][0]["priority"] = 0
    data["areas"][1]["demand"]["tnt"] = 5
    data["areas"][2]["demand"]["quilt"] = 2**63
    data["warehouses"][1]["lat"] = 123.0
    return data


EXPECTED = {
    "areas[0].priority: must be >= 1 (got 0)",
    "areas[1].demand.tnt: unknown item 'tnt' (known: tent, quilt)",
    f"areas[2].demand.quilt: must be <= {MAX_QUANTITY} (got {2**63})",
    "warehouses[1].lat: must be <= 90 (got 123.0)",
}


def test_library_reports_every_problem() -> None:
    """parse_scenario lists the four problems."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(broken())
    assert {str(p) for p in caught.value.problems} == EXPECTED


def _cli_problems(capsys: pytest.CaptureFixture[str], args: list[str]) -> set[str]:
    assert main(args) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].endswith(f"invalid scenario ({len(EXPECTED)} problems)"), lines
    return {line.removeprefix("  ") for line in lines[1:]}


def test_every_command_reports_the_same_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """plan, check, compare and sweep each exit 2 with the same four located lines."""
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(broken(), allow_unicode=True), encoding="utf-8")
    ok = tmp_path / "ok.yaml"
    ok.write_text(yaml.safe_dump(tiny_data(), allow_unicode=True), encoding="utf-8")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(yaml.safe_dump({"base": "broken.yaml"}), encoding="utf-8")
    for args in (
        ["plan", str(bad)],
        ["check", str(bad), str(tmp_path / "plan.json")],
        ["compare", str(ok), str(bad)],
        ["sweep", str(sweep)],
        ["sweep", "--criticality", str(bad)],
    ):
        assert _cli_problems(capsys, args) == EXPECTED, args


def _answered(answer: Any, prefix: str) -> set[str]:
    assert answer.status_code == 422, answer.text
    return {f"{e['path'].removeprefix(prefix)}: {e['msg']}" for e in answer.json()["errors"]}


def test_every_endpoint_reports_the_same_problems(client: TestClient, auth: KeyMaker) -> None:
    """POST /plans, /warehouses/import and /scenarios/parse answer 422 with the same problems."""
    manager = auth("manager")
    plans = client.post("/plans", json={"scenario": broken()}, headers=manager)
    assert _answered(plans, "body.scenario.") == EXPECTED
    imported = client.post("/warehouses/import", json={"scenario": broken()}, headers=manager)
    assert _answered(imported, "body.scenario.") == EXPECTED
    for fmt, text in (
        ("json", json.dumps(broken(), ensure_ascii=False)),
        ("yaml", yaml.safe_dump(broken(), allow_unicode=True)),
    ):
        parsed = client.post(
            f"/scenarios/parse?format={fmt}", headers=manager, content=text.encode("utf-8")
        )
        assert _answered(parsed, "body.") == EXPECTED, fmt


def test_other_bad_fields_are_reported_with_the_scenario(
    client: TestClient, auth: KeyMaker
) -> None:
    """A bad field next to the scenario is reported together with the scenario's problems."""
    answer = client.post("/plans", json={"scenario": broken(), "seed": -1}, headers=auth("planner"))
    paths = {e["path"] for e in answer.json()["errors"]}
    assert "body.seed" in paths
    assert len(paths) == len(EXPECTED) + 1


def test_server_fleet_limit_is_within_the_library_bound() -> None:
    """SUPPLYOPT_MAX_SCENARIO_VEHICLES may not exceed the library's MAX_VEHICLES."""
    assert Settings(max_scenario_vehicles=MAX_VEHICLES).max_scenario_vehicles == MAX_VEHICLES
    with pytest.raises(ValidationError, match="max_scenario_vehicles"):
        Settings(max_scenario_vehicles=MAX_VEHICLES + 1)


def test_huge_fleet_is_located_by_cli_and_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], client: TestClient, auth: KeyMaker
) -> None:
    """A fleet entry of 10**9 is the same located problem from plan and POST /plans."""
    data = tiny_data()
    data["warehouses"][0]["fleet"]["truck"] = 10**9
    expected = f"warehouses[0].fleet.truck: must be <= {MAX_VEHICLES} (got {10**9})"
    path = tmp_path / "huge.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [f"  {expected}"]
    answer = client.post("/plans", json={"scenario": data}, headers=auth("planner"))
    assert _answered(answer, "body.scenario.") == {expected}


def test_every_422_uses_the_library_words(client: TestClient, auth: KeyMaker) -> None:
    """Request fields outside a scenario are refused in the same words as a scenario file."""
    manager = auth("manager")
    item = {"id": "x", "weight_kg": -1, "volume_m3": 0.1}
    data = tiny_data()
    data["items"][0]["weight_kg"] = -1
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert [p.message for p in caught.value.problems] == ["must be > 0 (got -1)"]
    answer = client.post("/items", json=item, headers=manager)
    assert _answered(answer, "body.") == {"weight_kg: must be > 0 (got -1)"}
    answer = client.post(
        "/plans", json={"scenario": tiny_data(), "time_limit_s": 86401}, headers=manager
    )
    assert _answered(answer, "body.") == {"time_limit_s: must be <= 86400 (got 86401)"}
    assert "Input should" not in answer.text


def test_parse_problems_have_the_keys_of_every_422(client: TestClient, auth: KeyMaker) -> None:
    """/scenarios/parse errors carry loc, path, msg and type, like POST /plans errors."""
    manager = auth("manager")
    parsed = client.post(
        "/scenarios/parse?format=json", headers=manager, content=json.dumps(broken()).encode()
    )
    plans = client.post("/plans", json={"scenario": broken(), "seed": -1}, headers=manager)
    keys = {"loc", "path", "msg", "type"}
    assert parsed.status_code == plans.status_code == 422
    assert all(set(e) == keys for e in parsed.json()["errors"] + plans.json()["errors"])
    assert {e["type"] for e in parsed.json()["errors"]} == {"invalid_scenario"}
