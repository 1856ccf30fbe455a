"""The relief planner honours every rule of the contract and uses its freedoms."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import supplyopt
from supplyopt import Plan, Scenario
from supplyopt.solve.planner import WorkBudget
from tests.conftest import SCENARIOS, assert_valid, bundled_plan, tiny_data, two_depot_data


def plan_of(data: dict[str, Any], **kwargs: Any) -> tuple[Scenario, Plan]:
    """Validate, plan and check a scenario given as plain data."""
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=kwargs.pop("time_limit_s", 10), **kwargs)
    assert_valid(scenario, plan)
    return scenario, plan


def test_tiny_scenario_is_fully_covered(tiny: Scenario) -> None:
    """Enough stock and trucks nearby: everything arrives on time."""
    plan = supplyopt.plan_relief(tiny, time_limit_s=10)
    assert_valid(tiny, plan)
    assert plan.status == "complete"
    assert plan.summary.coverage_on_time == pytest.approx(1.0)
    assert plan.unmet == []


def test_split_delivery_from_two_warehouses() -> None:
    """An area needing more than one warehouse holds is served by both."""
    data = tiny_data()
    data["areas"] = [data["areas"][0]]
    data["areas"][0]["demand"] = {"tent": 240, "quilt": 900}  # w1 holds 200 tents, w2 50
    _, plan = plan_of(data)
    senders = {t.warehouse for t in plan.trips if any("tent" in s.deliver for s in t.stops)}
    assert senders == {"w1", "w2"}
    assert plan.summary.on_time_units == 240 + 900


def test_multi_trip_when_one_truck_must_go_twice() -> None:
    """A single truck returns, reloads and goes again while the deadline allows."""
    data = tiny_data()
    data["warehouses"] = [data["warehouses"][0]]
    data["warehouses"][0]["fleet"] = {"truck": 1}
    data["areas"] = [dict(data["areas"][1], lat=43.85, lon=87.40)]  # close by
    data["areas"][0]["demand"] = {"tent": 150}  # 10,500 kg: three loads of 5 t
    _, plan = plan_of(data)
    assert len(plan.trips) == 3
    assert len({t.vehicle for t in plan.trips}) == 1
    starts = sorted(t.load_start_hours for t in plan.trips)
    returns = sorted(t.return_hours for t in plan.trips)
    assert starts[1] >= returns[0]
    assert starts[2] >= returns[1]


def test_multi_stop_trip_serves_small_areas_together() -> None:
    """Small needs of nearby areas share one truck rather than one truck each."""
    data = tiny_data()
    data["warehouses"] = [data["warehouses"][0]]
    data["warehouses"][0]["fleet"] = {"truck": 1}
    data["warehouses"][0]["loading_hours"] = 4.0  # one loading only fits before the deadline
    data["areas"] = [
        {"id": f"v{n}", "lat": 43.9 + 0.02 * n, "lon": 87.0, "demand": {"quilt": 50}}
        for n in range(4)
    ]
    _, plan = plan_of(data)
    assert len(plan.trips) == 1
    assert len(plan.trips[0].stops) == 4
    assert plan.status == "complete"


def test_loading_bays_make_vehicles_queue() -> None:
    """With one bay, loadings at a warehouse never overlap."""
    data = tiny_data()
    data["warehouses"] = [data["warehouses"][0]]
    data["warehouses"][0].update(fleet={"truck": 3}, loading_bays=1, loading_hours=1.0)
    _, plan = plan_of(data)
    starts = sorted(t.load_start_hours for t in plan.trips)
    assert len(starts) >= 2
    assert all(b - a >= 1.0 - 1e-6 for a, b in itertools.pairwise(starts))


def test_deadline_and_stock_reasons() -> None:
    """A far area is unmet for 'deadline'; an item nobody has enough of for 'stock'."""
    data = tiny_data()
    data["areas"].append({"id": "far", "lat": 48.0, "lon": 80.0, "demand": {"quilt": 10}})
    data["areas"][0]["demand"]["tent"] = 400  # only 250 tents exist
    _, plan = plan_of(data)
    reasons = {(u.area, u.item): u.reason.value for u in plan.unmet}
    assert reasons[("far", "quilt")] == "deadline"
    assert "stock" in {u.reason.value for u in plan.unmet if u.item == "tent"}
    short = sum(u.quantity for u in plan.unmet if u.item == "tent")
    assert short == 400 + 40 - 250


def test_no_vehicles_means_fleet_reason() -> None:
    """Stock within reach but no vehicle to carry it is unmet for 'fleet'."""
    data = tiny_data()
    for warehouse in data["warehouses"]:
        warehouse["fleet"] = {}
    _, plan = plan_of(data)
    assert plan.status == "empty"
    assert {u.reason.value for u in plan.unmet} == {"fleet"}


def test_priority_wins_when_stock_is_short() -> None:
    """When tents are short, the priority-3 area gets them before the priority-1 area."""
    data = tiny_data()
    data["warehouses"][0]["stock"]["tent"] = 100
    data["warehouses"][1]["stock"]["tent"] = 0
    _, plan = plan_of(data)
    got = {u.area: u.quantity for u in plan.unmet if u.item == "tent"}
    assert got.get("a1", 0) == 20  # a1 (priority 3) needs 120
    assert got.get("a2", 0) == 40  # a2 (priority 1) gets none


def test_same_input_same_plan(tiny: Scenario) -> None:
    """Same scenario and seed give the same trips."""
    one = supplyopt.plan_relief(tiny, time_limit_s=10, seed=3)
    two = supplyopt.plan_relief(tiny, time_limit_s=10, seed=3)
    assert one.trips == two.trips
    assert one.seed == 3


def test_should_stop_at_once_still_returns_the_first_plan(tiny: Scenario) -> None:
    """Asking to stop at once returns the greedy first plan, non-empty, flagged as cut short."""
    plan = supplyopt.plan_relief(tiny, time_limit_s=10, should_stop=lambda: True)
    assert_valid(tiny, plan)
    assert plan.trips
    assert plan.summary.on_time_units > 0
    assert plan.summary.time_limited is True
    assert any("cut short (stopped on request)" in note for note in plan.notes)


def test_tiny_time_limit_still_returns_a_complete_plan() -> None:
    """A time limit too short for any search still gives a full first plan, flagged as cut."""
    scenario = supplyopt.read_scenario(SCENARIOS / "hutubi-earthquake.yaml")
    plan = supplyopt.plan_relief(scenario, time_limit_s=1e-6)
    assert_valid(scenario, plan)
    assert plan.status != "empty"
    assert plan.summary.weighted_coverage_on_time > 0.5
    assert plan.summary.time_limited is True
    assert any("cut short (time limit of 1e-06 s)" in note for note in plan.notes)


def test_work_budget_limits_the_search_not_the_plan(tiny: Scenario) -> None:
    """A budget of one variant and no restarts still plans fully, uncut, and reproducibly."""
    budget = WorkBudget(variants=1, restarts=0)
    one = supplyopt.plan_relief(tiny, time_limit_s=60, seed=2, budget=budget)
    two = supplyopt.plan_relief(tiny, time_limit_s=60, seed=2, budget=budget)
    assert_valid(tiny, one)
    assert one.trips == two.trips
    assert one.summary.time_limited is None


def test_uncut_plan_carries_no_cut_flag(tiny: Scenario) -> None:
    """A plan that finished its search has no time_limited field and no cut note."""
    plan = supplyopt.plan_relief(tiny, time_limit_s=60)
    assert plan.summary.time_limited is None
    assert "time_limited" not in plan.to_json()
    assert not any("cut short" in note for note in plan.notes)


def test_progress_is_reported(tiny: Scenario) -> None:
    """The progress callback sees the stages up to 'done'."""
    seen: list[supplyopt.Progress] = []
    supplyopt.plan_relief(tiny, time_limit_s=10, progress=seen.append)
    assert seen[0].stage == "travel"
    assert seen[-1].stage == "done"
    assert seen[-1].fraction == 1.0


def test_changed_scenario_is_validated_again(tiny: Scenario) -> None:
    """A scenario broken in code is refused with located messages, not solved."""
    tiny.areas[0].demand["tnt"] = 3
    with pytest.raises(supplyopt.ScenarioError, match=r"areas\[0\]\.demand\.tnt"):
        supplyopt.plan_relief(tiny, time_limit_s=5)


@pytest.mark.parametrize(
    "name", ["hutubi-earthquake", "changji-snowstorm", "loading-crew-bottleneck"]
)
def test_bundled_scenarios_plan_and_check(name: str) -> None:
    """Every bundled scenario plans into a plan the checker accepts."""
    scenario, plan = bundled_plan(name)
    assert_valid(scenario, plan)
    assert plan.summary.weighted_coverage_on_time > 0.5


def test_snowstorm_reports_areas_beyond_reach() -> None:
    """The snowstorm's remote areas are unmet for 'deadline', with nothing delivered."""
    _, plan = bundled_plan("changji-snowstorm")
    beyond = {u.area for u in plan.unmet if u.reason.value == "deadline"}
    assert {"dashitou", "beitashan", "chagangol"} <= beyond


def _line_scenario(**changes: Any) -> dict[str, Any]:
    """Sites on the equator, one item, great-circle roads at 60 km/h (1 degree = 1.85 h)."""
    data: dict[str, Any] = {
        "name": "line",
        "deadline_hours": 6,
        "items": [{"id": "water", "weight_kg": 10, "volume_m3": 0.01}],
        "vehicle_types": [{"id": "truck", "capacity_kg": 1000, "capacity_m3": 100}],
        "warehouses": [
            {"id": "w", "lat": 0, "lon": 0, "stock": {"water": 1000}, "fleet": {"truck": 1}}
        ],
        "areas": [{"id": "far", "lat": 0, "lon": 2.7, "demand": {"water": 500}}],
        "roads": {"model": "great_circle", "circuity": 1.0, "speed_kmh": 60},
    }
    data.update(changes)
    return data


def test_last_trip_leaves_full() -> None:
    """A truck's only possible trip (it cannot be back by the deadline) still leaves full."""
    _, plan = plan_of(_line_scenario())
    assert plan.summary.on_time_units == 100


def test_warehouse_without_the_item_does_not_crowd_out_its_holder() -> None:
    """Warehouses near an area that lack the item it needs do not hide the one that has it."""
    quilt_only = [
        {"id": f"q{n}", "lat": 0, "lon": 0.01 * n, "stock": {"quilt": 100}, "fleet": {"t": 1}}
        for n in range(4)
    ]
    data = {
        "name": "candidates",
        "deadline_hours": 6,
        "items": [
            {"id": "tent", "weight_kg": 50, "volume_m3": 0.2},
            {"id": "quilt", "weight_kg": 3, "volume_m3": 0.03},
        ],
        "vehicle_types": [{"id": "t", "capacity_kg": 1000, "capacity_m3": 30}],
        "warehouses": [
            *quilt_only,
            {"id": "tents", "lat": 0, "lon": 0.6, "stock": {"tent": 10}, "fleet": {"t": 1}},
        ],
        "areas": [
            {"id": "A", "lat": 0, "lon": 0.5, "demand": {"tent": 10, "quilt": 10}},
            {"id": "B", "lat": 0, "lon": 0.2, "demand": {"tent": 10, "quilt": 10}, "priority": 5},
        ],
        "roads": {"model": "great_circle", "circuity": 1.0, "speed_kmh": 60},
    }
    _, plan = plan_of(data)
    tents_to_b = sum(s.deliver.get("tent", 0) for t in plan.trips for s in t.stops if s.area == "B")
    assert tents_to_b == 10


def test_stock_at_a_warehouse_without_vehicles_is_a_fleet_shortfall() -> None:
    """Need left while a warehouse in reach holds the item but has no vehicles: 'fleet'."""
    data = _line_scenario()
    data["warehouses"][0]["stock"] = {"water": 100}
    data["warehouses"].append({"id": "depot", "lat": 0, "lon": 2.6, "stock": {"water": 500}})
    _, plan = plan_of(data, reposition=False)
    reasons = {u.reason.value: u.detail for u in plan.unmet}
    assert "fleet" in reasons
    assert "depot" in (reasons["fleet"] or "")
    assert all(t.based_at is None and t.empty_km is None for t in plan.trips)


def test_vehicles_drive_empty_to_load_where_the_stock_is() -> None:
    """Trucks based where nothing is stocked drive to the stocked warehouse and load there."""
    scenario, plan = plan_of(two_depot_data())
    assert plan.status == "complete"
    assert {t.warehouse for t in plan.trips} == {"depot"}
    assert {t.based_at for t in plan.trips} == {"garage"}
    assert all(t.vehicle.startswith("garage/truck/") for t in plan.trips)
    drive_km = supplyopt.network.build_travel_times(scenario).distance_km["truck"][0, 1]
    first = {}
    for trip in sorted(plan.trips, key=lambda t: t.load_start_hours):
        first.setdefault(trip.vehicle, trip)
    for trip in plan.trips:
        if first[trip.vehicle] is trip:
            assert trip.empty_km == pytest.approx(drive_km, abs=1e-3)
            assert trip.load_start_hours >= 0.5 + drive_km / 60 - 1e-3
        else:
            assert trip.empty_km is None
    loaded_km = sum(t.distance_km for t in plan.trips)
    moved = len({t.vehicle for t in plan.trips})
    assert plan.summary.distance_km == pytest.approx(loaded_km + moved * drive_km, abs=0.01)


def test_without_repositioning_vehicles_stay_at_their_base() -> None:
    """``reposition=False``: the trucks cannot reach the water, so nothing arrives."""
    _, plan = plan_of(two_depot_data(), reposition=False)
    assert plan.trips == []
    assert {u.reason.value for u in plan.unmet} == {"fleet"}


def test_progress_tracks_the_clock_not_the_rounds(tiny: Scenario) -> None:
    """Each report's fraction is the share of the time limit used; 1.0 only when done.

    Issue 15: progress read 95 % after 4 s of 30 and 56 % at the end of a
    10 s run: it counted dispatch rounds, not time.
    """
    seen: list[supplyopt.Progress] = []
    supplyopt.plan_relief(tiny, time_limit_s=30, progress=seen.append)
    for report in seen[:-1]:
        assert report.fraction <= report.elapsed_s / (30 * 0.95) + 1e-9, report
        assert report.fraction < 1.0
    assert seen[-1].fraction == 1.0


@pytest.mark.parametrize(("large", "first"), [(False, (0.5, 0.5)), (True, (0.7, 0.7))])
def test_province_scale_starts_with_the_fuller_variant(
    monkeypatch: Any, large: bool, first: tuple[float, float]
) -> None:
    """Above FEEDBACK_MAX_SIZE the first variant plans for 70 % of fleet and bays, else 50 %."""
    from supplyopt.solve import planner
    from supplyopt.solve.feedback import Scales

    if large:
        monkeypatch.setattr(planner, "FEEDBACK_MAX_SIZE", 0)
    scales: list[tuple[float, float]] = []
    uniform = Scales.uniform.__func__  # type: ignore[attr-defined]

    def recorded(cls: type[Scales], inst: Any, fleet: float, bays: float) -> Scales:
        scales.append((fleet, bays))
        return uniform(cls, inst, fleet, bays)  # type: ignore[no-any-return]

    monkeypatch.setattr(Scales, "uniform", classmethod(recorded))
    plan = supplyopt.plan_relief(
        supplyopt.parse_scenario(tiny_data()),
        time_limit_s=30,
        budget=WorkBudget(variants=2, feedback=0, restarts=0, lns_iterations=0),
    )
    assert scales[:2] == [first, (0.7, 0.7) if not large else (0.5, 0.5)]
    assert plan.summary.weighted_coverage_on_time > 0
