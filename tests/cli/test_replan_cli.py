"""`supplyopt replan` and `supplyopt check --previous --events`: exit codes, messages, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from supplyopt.cli import main
from supplyopt.cli.replan import summary_lines
from supplyopt.model import Plan, parse_events
from tests.conftest import tiny_data
from tests.revision_case import revision_case
from tests.transfer_case import transfer_data, transfer_plan


def needs_replan(test: Any) -> Any:
    """Tests that run the re-planner itself (kept as a marker of which ones do)."""
    return test


def _write(tmp_path: Path, new: Plan | None = None, events: Any = None) -> dict[str, str]:
    """The tiny scenario, the previous plan, the events (YAML) and the revision, as files."""
    _, previous, case_new, case_events = revision_case()
    paths = {
        name: str(tmp_path / name)
        for name in ("scenario.json", "plan.json", "events.yaml", "new.json")
    }
    Path(paths["scenario.json"]).write_text(json.dumps(tiny_data()), encoding="utf-8")
    Path(paths["plan.json"]).write_text(previous.to_json(), encoding="utf-8")
    Path(paths["new.json"]).write_text((new or case_new).to_json(), encoding="utf-8")
    Path(paths["events.yaml"]).write_text(
        yaml.safe_dump(events if events is not None else case_events, allow_unicode=True),
        encoding="utf-8",
    )
    return paths


def _check(paths: dict[str, str], *extra: str) -> int:
    return main(
        [
            "check",
            paths["scenario.json"],
            paths["new.json"],
            "--previous",
            paths["plan.json"],
            "--events",
            paths["events.yaml"],
            *extra,
        ]
    )


def test_check_accepts_a_valid_revision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid revision exits 0 and says it is a valid revision of the previous plan."""
    paths = _write(tmp_path)
    assert _check(paths) == 0
    out = capsys.readouterr().out
    assert f"valid revision of {paths['plan.json']} for tiny (5 trips" in out


def test_check_lists_what_a_revision_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A revision that changes a stop made before now exits 1 with the located violation."""
    _, _, new, _ = revision_case()
    new.trips[0].stops[0].deliver = {"tent": 9}
    assert _check(_write(tmp_path, new=new)) == 1
    out = capsys.readouterr().out
    assert "  trips[0].stops[0]: 'a1' at 1.8333 h delivering 9 tent, but the stop" in out


def test_check_revision_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--json` gives validity, violations and the files checked against, same exit codes."""
    paths = _write(tmp_path)
    assert _check(paths, "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True
    assert result["previous"] == paths["plan.json"]
    assert result["events"] == paths["events.yaml"]


@pytest.mark.parametrize(
    ("given", "missing"), [("--previous", "--events"), ("--events", "--previous")]
)
def test_previous_and_events_go_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, missing: str
) -> None:
    """`--previous` without `--events` (or the reverse) exits 2 saying what is missing."""
    paths = _write(tmp_path)
    value = paths["plan.json"] if given == "--previous" else paths["events.yaml"]
    assert main(["check", paths["scenario.json"], paths["new.json"], given, value]) == 2
    assert f"supplyopt check: {given} needs {missing}" in capsys.readouterr().err


def _broken_events(kind: str) -> dict[str, Any]:
    events = revision_case()[3]
    if kind == "vehicle":
        events["events"][3]["vehicle"] = "x"
    elif kind == "after now":
        events["events"][1]["at_hours"] = 5.0
    else:
        events["events"][0]["demand"] = {"tnt": 5}
    return events


EVENT_PROBLEMS = {
    "vehicle": "events[3].vehicle: unknown vehicle 'x' in the plan",
    "after now": "events[1].at_hours: 5 is after now_hours 2",
    "item": "events[0].demand.tnt: unknown item 'tnt'",
}


@pytest.mark.parametrize("kind", sorted(EVENT_PROBLEMS))
def test_check_refuses_invalid_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """Invalid events: the located problem on stderr, exit 2."""
    paths = _write(tmp_path, events=_broken_events(kind))
    assert _check(paths) == 2
    err = capsys.readouterr().err
    assert EVENT_PROBLEMS[kind] in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", sorted(EVENT_PROBLEMS))
def test_replan_refuses_invalid_events_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """`replan` with invalid events exits 2 with the located problem; no revised plan is written."""
    paths = _write(tmp_path, events=_broken_events(kind))
    out = tmp_path / "revised.json"
    args = ["replan", paths["scenario.json"], paths["plan.json"], paths["events.yaml"]]
    assert main([*args, "--out", str(out)]) == 2
    assert EVENT_PROBLEMS[kind] in capsys.readouterr().err
    assert not out.exists()


def test_missing_events_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An events file that does not exist is one plain line, exit 2."""
    paths = _write(tmp_path)
    paths["events.yaml"] = str(tmp_path / "nope.yaml")
    assert _check(paths) == 2
    assert f"{tmp_path / 'nope.yaml'}: no such file" in capsys.readouterr().err


def test_previous_plan_of_another_scenario_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A previous plan made for another scenario is refused with the mismatch, exit 2."""
    paths = _write(tmp_path)
    data = json.loads(Path(paths["plan.json"]).read_text(encoding="utf-8"))
    data["scenario"] = "elsewhere"
    Path(paths["plan.json"]).write_text(json.dumps(data), encoding="utf-8")
    assert _check(paths) == 2
    err = capsys.readouterr().err
    assert f"{paths['plan.json']}: not a plan of 'tiny'" in err
    assert "scenario: plan is for 'elsewhere', not 'tiny'" in err


def test_replan_out_in_missing_directory_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --out path whose directory does not exist is refused before anything is read."""
    paths = _write(tmp_path)
    args = ["replan", paths["scenario.json"], paths["plan.json"], paths["events.yaml"]]
    assert main([*args, "--out", str(tmp_path / "nope" / "new.json")]) == 2
    assert "no such directory" in capsys.readouterr().err


@needs_replan
def test_replan_writes_a_revision_the_checker_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`replan --out` prints coverage before/after and the counts; `check --previous` accepts it."""
    paths = _write(tmp_path)
    args = ["replan", paths["scenario.json"], paths["plan.json"], paths["events.yaml"]]
    assert main([*args, "--out", paths["new.json"], "--time-limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "Revised tiny at 2 h after 4 events" in out
    assert "  weighted  " in out
    assert " kept, " in out
    assert f"revised plan written to {paths['new.json']}" in out
    assert _check(paths) == 0, capsys.readouterr().out


@needs_replan
def test_replan_json_prints_the_revised_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`replan --json` prints the revised plan file with its replan block and the new lots."""
    paths = _write(tmp_path)
    args = ["replan", paths["scenario.json"], paths["plan.json"], paths["events.yaml"]]
    assert main([*args, "--json", "--time-limit", "5", "--seed", "3"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["replan"]["now_hours"] == 2.0
    assert any(lot["area"] == "a4" for lot in plan["replan"]["lots"])


def test_replan_summary_says_coverage_before_and_after_and_each_change() -> None:
    """The summary: the previous plan counted against the new lots vs the revision, then changes.

    Before: every previous unit on time (1560), but a2's 20 added tents and a4's 100 quilts
    not served: weighted tent (3·120 + 40) / (3·120 + 60), quilt 3400 / 3500, mean 0.962;
    by item tent 160 / 180, quilt 1400 / 1500, mean 0.911. After: a1 gets 89 of its 120
    tents, all the rest: weighted tent (3·89 + 60) / 420, quilt 1, mean 0.889; by item
    tent 149 / 180, quilt 1, mean 0.914.
    """
    scenario, previous, new, data = revision_case()
    events = parse_events(data, scenario, previous)
    assert summary_lines(scenario, previous, events, new) == [
        "Revised tiny at 2 h after 4 events: partial",
        "On-time coverage, previous plan against the new demand → revision:",
        "  weighted  0.962 → 0.889",
        "  by item   0.911 → 0.914",
        "  units     1560 → 1649 of 1680",
        "Trips: 3 kept, 1 changed, 0 cancelled, 1 new",
        "Changes:",
        "  w1/truck/2: Broke down at 1.9 h; 71 tents lost.",
        "  w1/truck/1: A new trip at 5.95 h: a1, a2, a4.",
    ]


def test_replan_refuses_a_plan_with_a_transfer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`supplyopt replan` of a plan with a stock transfer exits 2 naming the transfer trip."""
    scenario, plan = transfer_plan()
    files = {
        "scenario": tmp_path / "s.json",
        "plan": tmp_path / "p.json",
        "events": tmp_path / "e.yaml",
    }
    files["scenario"].write_text(json.dumps(transfer_data(n_areas=1)), encoding="utf-8")
    files["plan"].write_text(plan.to_json(), encoding="utf-8")
    events = {"now_hours": 1.0, "events": []}
    files["events"].write_text(yaml.safe_dump(events), encoding="utf-8")
    assert main(["replan", *(str(path) for path in files.values())]) == 2
    assert "trips[0].transfer: re-planning a plan with stock transfers" in capsys.readouterr().err
    assert scenario.name == plan.scenario
