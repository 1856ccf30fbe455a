"""The checker's rules for stock transfers between warehouses (docs/planner.md, "Stock transfers")."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

import supplyopt
from supplyopt import Plan, Stop, Trip
from tests.transfer_case import NEAR, transfer_plan


def test_valid_transfer_plan_passes() -> None:
    """A plan carrying kits to another warehouse and on from there breaks no rule."""
    scenario, plan = transfer_plan()
    assert supplyopt.check_plan(scenario, plan) == []


def test_plan_file_round_trips_transfers_and_chinese_ids() -> None:
    """``transfer`` is written and read back unchanged (ids unescaped); plain trips omit it."""
    _, plan = transfer_plan()
    text = plan.to_json()
    assert f'"warehouse": "{NEAR}"' in text
    assert Plan.model_validate_json(text) == plan
    plain = json.loads(text)["trips"][1]
    assert "transfer" not in plain
    assert plan.trips[0].ends_at == NEAR
    assert plan.trips[1].ends_at == NEAR


def _shift(trip: Trip, hours: float) -> None:
    trip.load_start_hours += hours
    trip.depart_hours += hours
    trip.return_hours += hours
    for stop in trip.stops:
        stop.arrive_hours += hours


def _used_before_arrival(plan: Plan) -> None:
    _shift(plan.trips[1], -1.0)


def _over_capacity(plan: Plan) -> None:
    assert plan.trips[0].transfer is not None
    plan.trips[0].transfer.deliver["kit"] = 600


def _early_arrival(plan: Plan) -> None:
    assert plan.trips[0].transfer is not None
    plan.trips[0].transfer.arrive_hours -= 1.0
    plan.trips[0].return_hours -= 1.0
    _shift(plan.trips[1], -1.0)


def _early_return(plan: Plan) -> None:
    plan.trips[0].return_hours -= 0.3
    _shift(plan.trips[1], -0.3)


def _wrong_warehouse_next(plan: Plan) -> None:
    # The big truck, now at 近仓, loads at far right after unloading.
    start = plan.trips[0].return_hours
    plan.trips[1] = plan.trips[1].model_copy(
        update={"vehicle": "far/big/1", "vehicle_type": "big", "warehouse": "far"}
    )
    _shift(plan.trips[1], start - plan.trips[1].load_start_hours)


def _unknown_warehouse(plan: Plan) -> None:
    assert plan.trips[0].transfer is not None
    plan.trips[0].transfer.warehouse = "nowhere"


def _unknown_item(plan: Plan) -> None:
    assert plan.trips[0].transfer is not None
    plan.trips[0].transfer.deliver["tnt"] = 5


def _negative_quantity(plan: Plan) -> None:
    assert plan.trips[0].transfer is not None
    plan.trips[0].transfer.deliver["kit"] = -5


def _stops_on_transfer(plan: Plan) -> None:
    plan.trips[0].stops.append(Stop(area="a1", arrive_hours=9.0, deliver={"kit": 1}))


def _wrong_distance(plan: Plan) -> None:
    plan.trips[0].distance_km += 50


def _bay_clash(plan: Plan) -> None:
    # A second van loads at 近仓 while the transfer unloads there and the first van loads:
    # 2 bays, 3 at once.
    extra = plan.trips[1].model_copy(deep=True, update={"vehicle": f"{NEAR}/van/2"})
    extra.stops[0].deliver = {"kit": 0}
    plan.trips[0].return_hours += 0.25
    plan.trips.append(extra)


BREAKERS: dict[str, tuple[Callable[[Plan], None], str]] = {
    "used before arrival": (_used_before_arrival, "trips[1].load_start_hours: at "),
    "over capacity": (_over_capacity, "trips[0].transfer.deliver: load 6000.0 kg exceeds"),
    "early arrival": (_early_arrival, "trips[0].transfer.arrive_hours: "),
    "early return": (_early_return, "trips[0].return_hours: "),
    "next trip elsewhere": (_wrong_warehouse_next, "cannot be at 'far' before"),
    "unknown warehouse": (_unknown_warehouse, "trips[0].transfer.warehouse: unknown warehouse"),
    "unknown item": (_unknown_item, "trips[0].transfer.deliver.tnt: unknown item 'tnt'"),
    "negative quantity": (_negative_quantity, "trips[0].transfer.deliver.kit: must be a positive"),
    "stops": (_stops_on_transfer, "trips[0].stops: a transfer trip has no stops"),
    "distance": (_wrong_distance, "trips[0].distance_km: "),
    "bays": (_bay_clash, "loading bays"),
}


@pytest.mark.parametrize("name", list(BREAKERS))
def test_each_transfer_violation_is_located(name: str) -> None:
    """Each broken transfer plan gets a message naming the trip and the field."""
    scenario, plan = transfer_plan()
    breaker, expected = BREAKERS[name]
    breaker(plan)
    problems = supplyopt.check_plan(scenario, plan)
    assert any(expected in p for p in problems), "\n".join(problems)


def test_stock_used_before_arrival_names_the_late_transfer() -> None:
    """Loading transferred units before they arrive names the transfer that brings them."""
    scenario, plan = transfer_plan()
    _used_before_arrival(plan)
    problems = supplyopt.check_plan(scenario, plan)
    assert any("holds 0 by then" in p and "trips[0] unload it" in p for p in problems), problems


def test_transfer_counts_distance_and_vehicle_not_deliveries() -> None:
    """The summary counts a transfer's km and vehicle, but not its units as delivered."""
    _, plan = transfer_plan()
    assert plan.summary.delivered_units == 50
    assert plan.summary.vehicles_used == 2
    total = sum(t.distance_km for t in plan.trips)
    assert plan.summary.distance_km == pytest.approx(total)
