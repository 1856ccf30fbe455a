"""The plan checker catches every kind of violation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import supplyopt
from supplyopt import Plan, Scenario
from tests.conftest import SCENARIOS, bundled_plan, tiny_data, two_depot_data


@pytest.fixture(scope="module")
def planned() -> tuple[Scenario, Plan]:
    """A valid plan for the tiny scenario (shared: tests break deep copies of it)."""
    tiny = supplyopt.parse_scenario(tiny_data())
    plan = supplyopt.plan_relief(tiny, time_limit_s=10)
    assert supplyopt.check_plan(tiny, plan) == []
    return tiny, plan


def _first_stop(plan: Plan) -> supplyopt.Stop:
    return plan.trips[0].stops[0]


def _break_capacity(plan: Plan) -> None:
    _first_stop(plan).deliver["tent"] = _first_stop(plan).deliver.get("tent", 0) + 100


def _break_arrival(plan: Plan) -> None:
    _first_stop(plan).arrive_hours = plan.trips[0].depart_hours


def _break_ready(plan: Plan) -> None:
    trip = next(t for t in plan.trips if t.warehouse == "w1")
    trip.load_start_hours = 0.0


def _break_loading(plan: Plan) -> None:
    trip = next(t for t in plan.trips if t.warehouse == "w1")
    trip.depart_hours = trip.load_start_hours


def _break_bays(plan: Plan) -> None:
    w1 = [t for t in plan.trips if t.warehouse == "w1"]
    w1[1].load_start_hours = w1[0].load_start_hours


def _break_vehicle_overlap(plan: Plan) -> None:
    plan.trips[1].vehicle = plan.trips[0].vehicle
    plan.trips[1].warehouse = plan.trips[0].warehouse
    plan.trips[1].vehicle_type = plan.trips[0].vehicle_type
    plan.trips[1].load_start_hours = plan.trips[0].load_start_hours + 0.1


def _break_summary(plan: Plan) -> None:
    plan.summary.on_time_units += 1


def _break_unmet(plan: Plan) -> None:
    plan.unmet.append(supplyopt.Unmet(area="a1", item="tent", quantity=5, reason="stock"))


def _break_stock(plan: Plan) -> None:
    for trip in plan.trips:
        for stop in trip.stops:
            if "quilt" in stop.deliver:
                stop.deliver["quilt"] += 5000
                return


BREAKERS: dict[str, tuple[Callable[[Plan], None], str]] = {
    "capacity": (_break_capacity, "exceeds capacity"),
    "arrival": (_break_arrival, "earlier than possible"),
    "ready": (_break_ready, "before the warehouse is ready"),
    "loading": (_break_loading, "before loading ends"),
    "bays": (_break_bays, "loading bays"),
    "vehicle": (_break_vehicle_overlap, "before returning"),
    "summary": (_break_summary, "summary.on_time_units"),
    "unmet": (_break_unmet, "unmet:"),
    "stock": (_break_stock, "but holds"),
}


def _assert_caught(
    planned: tuple[Scenario, Plan], breaker: Callable[[Plan], None], message: str
) -> None:
    """Break a copy of the plan; the checker must say ``message`` about it."""
    scenario, plan = planned
    broken = plan.model_copy(deep=True)
    breaker(broken)
    problems = supplyopt.check_plan(scenario, broken)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("kind", sorted(BREAKERS))
def test_checker_catches(planned: tuple[Scenario, Plan], kind: str) -> None:
    """Each deliberately broken plan is rejected with a message saying what broke."""
    _assert_caught(planned, *BREAKERS[kind])


def test_unreachable_claim_with_a_road_is_rejected(planned: tuple[Scenario, Plan]) -> None:
    """Saying 'unreachable' for an area a road leads to contradicts the scenario."""
    scenario, plan = planned
    broken = plan.model_copy(deep=True)
    broken.unmet.append(supplyopt.Unmet(area="a3", item="quilt", quantity=1, reason="unreachable"))
    assert any(
        "'unreachable', but a road leads there" in p for p in supplyopt.check_plan(scenario, broken)
    )


def test_deadline_claim_with_a_vehicle_in_time_is_rejected(planned: tuple[Scenario, Plan]) -> None:
    """Saying 'deadline' where a holder's own vehicles arrive in time contradicts the scenario."""
    scenario, plan = planned
    broken = plan.model_copy(deep=True)
    broken.unmet.append(supplyopt.Unmet(area="a3", item="quilt", quantity=1, reason="deadline"))
    assert any("'deadline', but" in p for p in supplyopt.check_plan(scenario, broken))


def test_early_stops_do_not_accumulate_within_the_rounding_allowance(
    planned: tuple[Scenario, Plan],
) -> None:
    """Each stop a little early (within 0.01 h) must not add up along a trip."""
    scenario, plan = planned
    broken = plan.model_copy(deep=True)
    trip = max(broken.trips, key=lambda t: len(t.stops))
    if len(trip.stops) < 2:
        pytest.skip("no multi-stop trip in this plan")
    for k, stop in enumerate(trip.stops, start=1):
        stop.arrive_hours -= 0.0095 * k
    assert any("earlier than possible" in p for p in supplyopt.check_plan(scenario, broken))


def test_non_finite_times_are_refused(tmp_path: Path, planned: tuple[Scenario, Plan]) -> None:
    """A plan file with NaN or infinite times is not a valid plan file."""
    _, plan = planned
    data = json.loads(plan.to_json())
    data["trips"][0]["return_hours"] = float("nan")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(supplyopt.PlanFileError, match="return_hours"):
        supplyopt.read_plan(path)


@pytest.fixture(scope="module")
def moved() -> tuple[Scenario, Plan]:
    """A valid plan whose trucks drive empty from their garage to load at the depot (shared)."""
    scenario = supplyopt.parse_scenario(two_depot_data())
    plan = supplyopt.plan_relief(scenario, time_limit_s=10)
    assert {t.based_at for t in plan.trips} == {"garage"}
    assert supplyopt.check_plan(scenario, plan) == []
    return scenario, plan


def _first_trip(plan: Plan) -> supplyopt.Trip:
    return min(plan.trips, key=lambda t: t.load_start_hours)


def _load_before_arriving(plan: Plan) -> None:
    trip = _first_trip(plan)
    shift = trip.load_start_hours - 0.5  # the garage's ready time, as if no drive
    trip.load_start_hours -= shift
    trip.depart_hours -= shift
    for stop in trip.stops:
        stop.arrive_hours -= shift
    trip.return_hours -= shift


def _forget_base(plan: Plan) -> None:
    for trip in plan.trips:
        trip.based_at = None


def _forget_empty_drive(plan: Plan) -> None:
    _first_trip(plan).empty_km = None


def _two_bases(plan: Plan) -> None:
    trip = _first_trip(plan)
    other = next(t for t in plan.trips if t.vehicle == trip.vehicle and t is not trip)
    other.based_at = None


MOVE_BREAKERS: dict[str, tuple[Callable[[Plan], None], str]] = {
    "drive time": (_load_before_arriving, "cannot be at 'depot' before"),
    "base": (_forget_base, "based there, has 0"),
    "empty km": (_forget_empty_drive, "empty_km: None, but the drive"),
    "two bases": (_two_bases, "different bases"),
}


@pytest.mark.parametrize("kind", sorted(MOVE_BREAKERS))
def test_checker_catches_bad_empty_drives(moved: tuple[Scenario, Plan], kind: str) -> None:
    """Vehicles loading away from their base: drive time, base fleet and km are checked."""
    _assert_caught(moved, *MOVE_BREAKERS[kind])


def test_another_scenarios_plan_gets_the_mismatch_alone(planned: tuple[Scenario, Plan]) -> None:
    """A plan for another scenario: the name and unknown ids are reported, nothing after them."""
    _, plan = planned
    other = supplyopt.parse_scenario(two_depot_data())
    assert supplyopt.check_plan(other, plan) == [
        "scenario: plan is for 'tiny', not 'two-depots'",
        "warehouse ids: 'w1', 'w2' not in scenario 'two-depots' (known: garage, depot)",
        "area ids: 'a1', 'a2', 'a3' not in scenario 'two-depots' (known: near, nearer)",
        "item ids: 'quilt', 'tent' not in scenario 'two-depots' (known: water)",
    ]


def test_one_unknown_area_stops_the_check(planned: tuple[Scenario, Plan]) -> None:
    """An area id the scenario lacks is one message; the checks that would trip on it do not run."""
    scenario, plan = planned
    broken = plan.model_copy(deep=True)
    _first_stop(broken).area = "atlantis"
    assert supplyopt.check_plan(scenario, broken) == [
        "area ids: 'atlantis' not in scenario 'tiny' (known: a1, a2, a3)"
    ]


def test_check_command_with_another_scenarios_plan_stops_at_the_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`supplyopt check` of the snowstorm against hutubi's plan prints the mismatch, no knock-ons."""
    from supplyopt.cli import main

    path = tmp_path / "plan.json"
    path.write_text(bundled_plan("hutubi-earthquake")[1].to_json(), encoding="utf-8")
    assert main(["check", str(SCENARIOS / "changji-snowstorm.yaml"), str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "  scenario: plan is for 'hutubi-earthquake', not 'changji-snowstorm'"
    assert len(lines) <= 6, lines
