"""The command line: exit codes, default scenario, plan file, check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplyopt.cli import main
from tests.conftest import SCENARIOS, bundled_plan, two_depot_data
from tests.transfer_case import transfer_data

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def test_plan_default_scenario_writes_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`supplyopt plan` with no scenario plans the bundled default and writes the file."""
    out = tmp_path / "plan.json"
    assert main(["plan", "--out", str(out), "--time-limit", "20"]) == 0
    printed = capsys.readouterr().out
    assert "hutubi-earthquake" in printed
    assert "Coverage by item" in printed
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["scenario"] == "hutubi-earthquake"
    assert main(["check", str(SCENARIOS / "hutubi-earthquake.yaml"), str(out)]) == 0


def test_plan_invalid_scenario_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid scenario prints its located problems and exits 2, with no traceback."""
    assert main(["plan", str(BAD / "unknown-item-in-demand.yaml")]) == 2
    err = capsys.readouterr().err
    assert "areas[2].demand.tnt: unknown item 'tnt'" in err
    assert "Traceback" not in err


def test_check_reports_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`supplyopt check` exits 1 and lists what a tampered plan breaks."""
    out = tmp_path / "plan.json"
    data = json.loads(bundled_plan("hutubi-earthquake")[1].to_json())
    data["trips"][0]["stops"][0]["arrive_hours"] = 0.0
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(SCENARIOS / "hutubi-earthquake.yaml"), str(out)]) == 1
    assert "earlier than possible" in capsys.readouterr().out


def test_check_unreadable_plan_exits_2(tmp_path: Path) -> None:
    """A plan file that is not JSON exits 2."""
    bad = tmp_path / "plan.json"
    bad.write_text("nope", encoding="utf-8")
    assert main(["check", str(SCENARIOS / "hutubi-earthquake.yaml"), str(bad)]) == 2


def test_plan_out_in_missing_directory_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --out path whose directory does not exist is refused before solving."""
    assert main(["plan", "--out", str(tmp_path / "nope" / "plan.json")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_no_reposition_keeps_vehicles_at_their_base(tmp_path: Path) -> None:
    """`--no-reposition`: trucks stay at their garage; by default they fetch the depot's water."""
    scenario = tmp_path / "two-depots.json"
    scenario.write_text(json.dumps(two_depot_data()), encoding="utf-8")
    plans = {}
    for flag in ([], ["--no-reposition"]):
        out = tmp_path / f"plan{len(flag)}.json"
        assert main(["plan", str(scenario), "--out", str(out), "--quiet", *flag]) == 0
        assert main(["check", str(scenario), str(out)]) == 0
        plans[bool(flag)] = json.loads(out.read_text(encoding="utf-8"))
    assert plans[True]["trips"] == []
    assert plans[True]["status"] == "empty"
    assert plans[False]["status"] == "complete"
    assert all(trip["based_at"] == "garage" for trip in plans[False]["trips"])


def test_transfers_only_when_asked(tmp_path: Path) -> None:
    """`--transfers`: a truck carries stock to the other warehouse; by default none does."""
    scenario = tmp_path / "transfer-case.json"
    scenario.write_text(json.dumps(transfer_data()), encoding="utf-8")
    moved = {}
    for flag in ([], ["--transfers"]):
        out = tmp_path / f"plan{len(flag)}.json"
        args = ["plan", str(scenario), "--out", str(out), "--quiet", "--time-limit", "20", *flag]
        assert main(args) == 0
        assert main(["check", str(scenario), str(out)]) == 0
        trips = json.loads(out.read_text(encoding="utf-8"))["trips"]
        moved[bool(flag)] = [trip["transfer"]["warehouse"] for trip in trips if "transfer" in trip]
    assert moved == {True: ["近仓"], False: []}


def test_negative_seed_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A negative seed is refused with a message, not a traceback."""
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--seed", "-1"])
    assert exited.value.code == 2
    assert "must be a whole number >= 0" in capsys.readouterr().err
