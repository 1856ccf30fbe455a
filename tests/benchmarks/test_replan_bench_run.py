"""The re-planning benchmark's ways, scoring and runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import supplyopt
from benchmarks.relief.generator import generate
from benchmarks.replan import run, ways
from benchmarks.replan.events import generate_events
from supplyopt.model import Plan, Replan, Scenario, Stop
from supplyopt.solve.reference import plan_baseline


@pytest.fixture(scope="module")
def operation() -> tuple[Scenario, Plan, list[dict[str, Any]]]:
    """small-loose seed 1, its hand-dispatch plan and its seed-1 events."""
    scenario = generate("small-loose", 1)
    plan = plan_baseline(scenario)
    return scenario, plan, generate_events(scenario, plan, 1)


def test_gap_closed_is_the_share_of_the_gap() -> None:
    """(re-plan - carry on) / (hindsight - carry on); None when the gap is too small."""
    assert ways.gap_closed(0.5, 0.8, 0.9, min_gap=0.005) == pytest.approx(0.75)
    assert ways.gap_closed(0.5, 0.4, 0.9, min_gap=0.005) == pytest.approx(-0.25)
    assert ways.gap_closed(0.9, 0.95, 0.903, min_gap=0.005) is None
    assert ways.gap_closed(0.9, 0.95, 0.8, min_gap=0.005) is None


def test_final_operation_knows_every_event(
    operation: tuple[Scenario, Plan, list[dict[str, Any]]],
) -> None:
    """The final operation is at the last event's time with every event applied."""
    scenario, plan, events = operation
    final = ways.final_operation(scenario, plan, events)
    assert final.now_hours == events[-1]["at_hours"]
    assert len(final.events.events) == len(events)
    added = [e["area"]["id"] for e in events if e["kind"] == "add_area"]
    assert {a.id for a in final.changed.areas} >= set(added)


def test_hindsight_scenario_drops_broken_down_vehicles(
    operation: tuple[Scenario, Plan, list[dict[str, Any]]],
) -> None:
    """A vehicle that breaks down is missing from its base's fleet from T0; stock as changed."""
    scenario, plan, events = operation
    down = next(e for e in events if e["kind"] == "vehicle_down")
    base, type_id, _ = down["vehicle"].split("/")
    final = ways.final_operation(scenario, plan, events)
    hind = ways.hindsight_scenario(final)
    before = next(w for w in scenario.warehouses if w.id == base).fleet[type_id]
    after = next(w for w in hind.warehouses if w.id == base).fleet.get(type_id, 0)
    assert after == before - 1
    assert (
        sum(w.vehicle_count for w in hind.warehouses)
        == sum(w.vehicle_count for w in scenario.warehouses) - 1
    )
    assert [w.stock for w in hind.warehouses] == [w.stock for w in final.changed.warehouses]


def test_started_trips_kept_as_they_were_pass(
    operation: tuple[Scenario, Plan, list[dict[str, Any]]],
) -> None:
    """A revision equal to its previous plan keeps every started trip."""
    _, plan, _ = operation
    assert ways.started_trip_problems(plan, plan, 3.0) == []


def test_changing_a_started_trip_is_caught(
    operation: tuple[Scenario, Plan, list[dict[str, Any]]],
) -> None:
    """A moved fixed stop, a missing started trip or a bigger load are each reported."""
    _, plan, _ = operation
    now = 3.0
    idx = next(
        i
        for i, t in enumerate(plan.trips)
        if t.load_start_hours < now and t.stops[0].arrive_hours <= now
    )
    trip = plan.trips[idx]
    moved = trip.stops[0].model_copy(update={"arrive_hours": trip.stops[0].arrive_hours + 0.5})
    bigger = Stop(area=trip.stops[-1].area, arrive_hours=11.0, deliver={"tent": 10_000})
    variants = {
        "a stop made by": [moved, *trip.stops[1:]],
        "delivers more than it loaded": [*trip.stops, bigger],
    }
    for message, stops in variants.items():
        trips = list(plan.trips)
        trips[idx] = trip.model_copy(update={"stops": stops})
        found = ways.started_trip_problems(plan, plan.model_copy(update={"trips": trips}), now)
        assert len(found) == 1
        assert message in found[0]
    dropped = plan.model_copy(update={"trips": [t for t in plan.trips if t is not trip]})
    assert "missing from the revision" in ways.started_trip_problems(plan, dropped, now)[0]


def test_changing_a_trip_not_started_is_allowed(
    operation: tuple[Scenario, Plan, list[dict[str, Any]]],
) -> None:
    """Trips that load at or after now are free to change."""
    _, plan, _ = operation
    now = min(t.load_start_hours for t in plan.trips)
    assert ways.started_trip_problems(plan, plan.model_copy(update={"trips": []}), now) == []


def _fake_library(monkeypatch: pytest.MonkeyPatch, violations: list[str]) -> list[float]:
    """Stand-ins for carry_on, replan and check_revision; returns the re-plan times seen."""
    seen: list[float] = []

    def replan(scenario: Scenario, plan: Plan, data: dict[str, Any], **_: Any) -> Plan:
        seen.append(data["now_hours"])
        block = Replan(now_hours=data["now_hours"], kept=len(plan.trips))
        return plan.model_copy(update={"replan": block})

    monkeypatch.setattr(supplyopt, "carry_on", lambda s, p, e: p, raising=False)
    monkeypatch.setattr(supplyopt, "replan", replan, raising=False)
    monkeypatch.setattr(ways, "check_revision", lambda *a, **k: list(violations))
    return seen


def test_runner_writes_both_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One operation: exit 0, a re-plan at each event time, JSON and markdown written."""
    seen = _fake_library(monkeypatch, [])
    out = tmp_path / "replan"
    code = run.main(
        ["--families", "small-loose", "--seeds", "2", "--time-limit", "1", "--out", str(out)]
    )
    assert code == 0
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    (row,) = data["operations"]
    assert seen == sorted({e["at_hours"] for e in row["events"]})
    assert row["replans"] == len(seen)
    # The stand-in re-planner changes nothing, so it scores as carrying on.
    assert row["replan"] == row["carry_on"]
    assert row["violations"] == []
    assert data["summary"]["operations"] == 1
    text = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "| small-loose | 2 |" in text
    # Seed 2 adds an area: its Chinese name round-trips into the JSON.
    assert "新报安置点1" in out.with_suffix(".json").read_text(encoding="utf-8")


def test_rejected_revision_makes_the_run_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A revision the checker rejects gives exit 1 and the message on stderr."""
    _fake_library(monkeypatch, ["trips[0]: made up"])
    code = run.main(
        ["--families", "small-loose", "--time-limit", "1", "--out", str(tmp_path / "r")]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "small-loose seed 1: carry on: trips[0]: made up" in err
    assert "small-loose seed 1: re-plan at " in err


def test_summary_means_and_pooled_gap() -> None:
    """Operations without a gap are left out of the gap means; the capped mean counts >1 as 1."""
    rows = [
        _row(carry_on=0.5, replan=0.8, hindsight=0.9, gap_closed=0.75),
        _row(carry_on=0.9, replan=0.9, hindsight=0.9, gap_closed=None),
        _row(carry_on=0.6, replan=0.6, hindsight=0.7, gap_closed=0.0),
        _row(carry_on=0.6, replan=0.8, hindsight=0.7, gap_closed=2.0),
    ]
    total = run.summary(rows)
    assert total["with_gap"] == 3
    assert total["gap_closed_mean"] == pytest.approx(2.75 / 3)
    assert total["gap_closed_capped_mean"] == pytest.approx(1.75 / 3)
    assert total["gap_closed_pooled"] == pytest.approx(0.5 / 0.6)
    assert total["carry_on"] == pytest.approx(2.6 / 4)


def _row(**figures: Any) -> run.Row:
    base: dict[str, Any] = {
        "family": "small-loose",
        "seed": 1,
        "areas": 10,
        "vehicles": 16,
        "events": [],
        "first": 1.0,
        "replans": 1,
        "changed_per_replan": 0.0,
        "new_per_replan": 0.0,
        "replan_s_mean": 0.0,
        "replan_s_max": 0.0,
        "hindsight_s": 0.0,
    }
    return run.Row(**(base | figures))


def test_unknown_family_and_bad_seeds_are_refused() -> None:
    """A misspelt family or a non-integer seed is a usage error (exit 2)."""
    for argv in (["--families", "smal-loose"], ["--seeds", "1,x"], ["--time-limit", "0"]):
        with pytest.raises(SystemExit) as exc:
            run.parse_args(argv)
        assert exc.value.code == 2


def test_default_and_ci_arguments() -> None:
    """By default 5 families x 4 seeds (20 operations); --ci one small operation into replan-ci."""
    args = run.parse_args([])
    assert len(args.families) * len(args.seeds) == 20
    ci = run.parse_args(["--ci"])
    assert ci.families == [run.CI_FAMILY]
    assert ci.seeds == [1]
    assert ci.time_limit == 2.0
    assert ci.out.name == "replan-ci"


def test_an_operation_that_raises_fails_the_run_but_not_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception in one operation is listed and gives exit 1; the next operation still runs."""
    _fake_library(monkeypatch, [])
    calls = iter([RuntimeError("boom\nmore"), None])

    def run_one(family: str, seed: int, time_limit_s: float) -> run.Row:
        error = next(calls)
        if error is not None:
            raise error
        return _row(
            family=family, seed=seed, carry_on=0.5, replan=0.7, hindsight=0.9, gap_closed=0.5
        )

    monkeypatch.setattr(run, "run_one", run_one)
    out = tmp_path / "r"
    code = run.main(["--families", "small-loose", "--seeds", "1,2", "--out", str(out)])
    assert code == 1
    assert "small-loose seed 1: RuntimeError: boom" in capsys.readouterr().err
    data = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [r["seed"] for r in data["operations"]] == [2]
    assert data["errors"] == ["small-loose seed 1: RuntimeError: boom"]
    assert "- small-loose seed 1: RuntimeError: boom" in out.with_suffix(".md").read_text(
        encoding="utf-8"
    )
