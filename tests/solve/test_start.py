"""Planning from a given state: only the listed vehicles, where and when they are free."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplyopt
from supplyopt import FleetStart, Plan, Scenario, VehicleStart
from supplyopt.model import has_lots
from tests.budget import examples
from tests.conftest import tiny_data
from tests.solve.test_properties import scenarios


def physical_problems(scenario: Scenario, plan: Plan) -> list[str]:
    """The checker's findings except those that only hold without the start state.

    A vehicle of a start state is already at the warehouse it loads at (the
    checker has it drive there from its base first), and the reasons for
    unmet demand count the start's vehicles and ``not_before_hours``. With
    demand lots, the KPIs too (the checker is not lot-aware yet).
    """
    skip = ("unmet", "summary.", "status:") if has_lots(scenario) else ("unmet[",)
    return [
        p
        for p in supplyopt.check_plan(scenario, plan)
        if ".empty_km:" not in p and "h empty)" not in p and not p.startswith(skip)
    ]


def assert_start_kept(scenario: Scenario, plan: Plan, start: FleetStart) -> None:
    """Physically valid; only listed vehicles, from their warehouse, never loading too early."""
    assert physical_problems(scenario, plan) == []
    given = {v.vehicle: v for v in start.vehicles}
    first: dict[str, str] = {}
    for trip in sorted(plan.trips, key=lambda t: t.load_start_hours):
        vehicle = given[trip.vehicle]  # KeyError: a vehicle the start did not list
        first.setdefault(trip.vehicle, trip.warehouse)
        assert trip.warehouse == vehicle.warehouse, "no vehicle changes warehouse"
        ready = scenario.warehouse(trip.warehouse).ready_hours
        assert trip.load_start_hours >= max(vehicle.free_hours, start.not_before_hours, ready)
        base = vehicle.vehicle.split("/")[0]
        assert trip.based_at == (base if base != trip.warehouse else None)
        assert trip.empty_km is None
        bays = start.bays_free_hours.get(trip.warehouse, ())
        if scenario.warehouse(trip.warehouse).loading_bays == len(bays) and bays:
            assert trip.load_start_hours >= min(bays) - 1e-9


def stocked_tiny() -> Scenario:
    """Tiny with most stock at w2, so that vehicles loading there are needed."""
    data = tiny_data()
    data["warehouses"][0]["stock"] = {"tent": 100, "quilt": 1000}
    data["warehouses"][1]["stock"] = {"tent": 150, "quilt": 1500}
    return supplyopt.parse_scenario(data)


START = FleetStart(
    vehicles=(
        VehicleStart("w1/truck/2", "w2", 2.0),
        VehicleStart("w2/truck/1", "w2", 3.0),
        VehicleStart("w1/truck/3", "w1", 0.0),
    ),
    not_before_hours=2.0,
    bays_free_hours={"w1": (4.0,)},
)


def test_start_uses_the_listed_vehicles_where_and_when_they_are() -> None:
    """Listed vehicles only, ids kept, away vehicles marked based_at, nothing loaded too early."""
    scenario = stocked_tiny()
    plan = supplyopt.plan_relief(scenario, time_limit_s=10, start=START)
    assert_start_kept(scenario, plan, START)
    assert {t.vehicle for t in plan.trips} == {"w1/truck/2", "w2/truck/1", "w1/truck/3"}
    away = [t for t in plan.trips if t.vehicle == "w1/truck/2"]
    assert away
    assert all(t.based_at == "w1" and t.warehouse == "w2" for t in away)
    assert min(t.load_start_hours for t in plan.trips if t.warehouse == "w1") >= 4.0


def test_start_without_vehicles_plans_nothing() -> None:
    """No vehicle listed: no trip, all demand unmet for want of vehicles."""
    scenario = stocked_tiny()
    plan = supplyopt.plan_relief(scenario, time_limit_s=5, start=FleetStart(vehicles=()))
    assert plan.trips == []
    assert {u.reason.value for u in plan.unmet} == {"fleet"}
    assert supplyopt.check_plan(scenario, plan) == []


def test_start_bays_busy_until_given_times() -> None:
    """A warehouse's only bay busy until 6 h: nothing loads there before."""
    scenario = stocked_tiny()
    start = FleetStart(
        vehicles=(VehicleStart("w1/truck/1", "w1", 0.0), VehicleStart("w1/truck/2", "w1", 0.0)),
        bays_free_hours={"w1": (6.0,)},
    )
    plan = supplyopt.plan_relief(scenario, time_limit_s=5, start=start)
    assert_start_kept(scenario, plan, start)
    assert plan.trips
    assert min(t.load_start_hours for t in plan.trips) >= 6.0


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (
            FleetStart((VehicleStart("w9/truck/1", "w1", 0.0),)),
            "start.vehicles[0].vehicle: unknown base warehouse 'w9'",
        ),
        (
            FleetStart((VehicleStart("w1/van/1", "w1", 0.0),)),
            "start.vehicles[0].vehicle: unknown vehicle type 'van'",
        ),
        (
            FleetStart((VehicleStart("w1/truck/0", "w1", 0.0),)),
            "start.vehicles[0].vehicle: 'w1/truck/0' is not a vehicle id",
        ),
        (
            FleetStart((VehicleStart("w1/truck/1", "w7", 0.0),)),
            "start.vehicles[0].warehouse: unknown warehouse 'w7'",
        ),
        (
            FleetStart(
                (VehicleStart("w1/truck/1", "w1", 0.0), VehicleStart("w1/truck/1", "w2", 1.0))
            ),
            "start.vehicles[1].vehicle: vehicle 'w1/truck/1' is listed twice",
        ),
        (
            FleetStart((VehicleStart("w1/truck/1", "w1", float("nan")),)),
            "start.vehicles[0].free_hours: must be a finite number",
        ),
        (FleetStart((), not_before_hours=-1.0), "start.not_before_hours: must be"),
        (FleetStart((), bays_free_hours={"w3": (1.0,)}), "start.bays_free_hours['w3']: unknown"),
        (
            FleetStart((), bays_free_hours={"w1": (1.0, 2.0)}),
            "start.bays_free_hours['w1']: 2 free times for 1 loading bays",
        ),
    ],
)
def test_invalid_start_is_refused_naming_the_field(start: FleetStart, message: str) -> None:
    """A start that does not fit the scenario raises ValueError naming the field."""
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("(", r"\(")):
        supplyopt.plan_relief(supplyopt.parse_scenario(tiny_data()), time_limit_s=1, start=start)


@st.composite
def scenarios_with_start(draw: st.DrawFn) -> tuple[dict[str, Any], FleetStart]:
    """Random small scenarios, and some of their vehicles at some warehouse from some time."""
    data = draw(scenarios())
    ids = [w["id"] for w in data["warehouses"]]
    vehicles = [
        f"{w['id']}/{kind}/{n}"
        for w in data["warehouses"]
        for kind, count in w["fleet"].items()
        for n in range(1, count + 1)
    ]
    chosen = draw(st.lists(st.sampled_from(vehicles), unique=True)) if vehicles else []
    hours = st.sampled_from([0.0, 1.0, 2.5, 5.0])
    bays = {
        w["id"]: tuple(draw(st.lists(hours, max_size=w["loading_bays"])))
        for w in data["warehouses"]
        if w["loading_bays"] is not None and draw(st.booleans())
    }
    start = FleetStart(
        vehicles=tuple(VehicleStart(v, draw(st.sampled_from(ids)), draw(hours)) for v in chosen),
        not_before_hours=draw(hours),
        bays_free_hours=bays,
    )
    return data, start


@settings(max_examples=examples(24), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios_with_start())
def test_random_starts_give_valid_plans(case: tuple[dict[str, Any], FleetStart]) -> None:
    """Whatever the start state, plans are valid and keep to it."""
    data, start = case
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5, start=start)
    assert_start_kept(scenario, plan, start)
    assert (
        sum(u.quantity for u in plan.unmet)
        == plan.summary.demand_units - plan.summary.on_time_units
    )


def test_start_after_the_deadline_serves_lots_due_later() -> None:
    """Vehicles free only after the deadline still deliver a lot due later, on time."""
    data = tiny_data()
    data["areas"][1]["lots"] = [{"item": "quilt", "quantity": 100, "due_hours": 16.0}]
    scenario = supplyopt.parse_scenario(data)
    start = FleetStart(vehicles=(VehicleStart("w2/truck/1", "w2", 12.5),), not_before_hours=12.5)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5, start=start)
    assert_start_kept(scenario, plan, start)
    stops = [stop for trip in plan.trips for stop in trip.stops]
    assert [(stop.area, stop.deliver) for stop in stops] == [("a2", {"quilt": 100})]
    assert 12.5 < stops[0].arrive_hours <= 16.0
    assert plan.summary.on_time_units == 100
