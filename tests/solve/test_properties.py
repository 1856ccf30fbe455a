"""Property: no plan ever breaks stock, demand, capacity, bay or timing rules."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplyopt
from tests.budget import examples
from tests.conftest import assert_valid

ITEMS = [
    {"id": "tent", "weight_kg": 75.0, "volume_m3": 0.4},
    {"id": "quilt", "weight_kg": 3.0, "volume_m3": 0.03},
    {"id": "bed", "weight_kg": 12.0, "volume_m3": 0.08},
]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Random small scenarios: 1-3 warehouses, 1-6 areas, mixed fleets, bays, priorities."""
    types = [
        {"id": "big", "capacity_kg": draw(st.sampled_from([2000, 5000, 10000])), "capacity_m3": 30},
        {
            "id": "van",
            "capacity_kg": 800,
            "capacity_m3": draw(st.sampled_from([3, 6])),
            "speed_kmh": draw(st.sampled_from([50, 80])),
        },
    ]
    coord = st.tuples(st.floats(43.0, 45.5), st.floats(85.0, 89.0))
    qty = st.integers(0, 400)
    warehouses = []
    for n in range(draw(st.integers(1, 3))):
        lat, lon = draw(coord)
        warehouses.append(
            {
                "id": f"w{n}",
                "lat": lat,
                "lon": lon,
                "stock": {it["id"]: draw(qty) for it in ITEMS},
                "fleet": {"big": draw(st.integers(0, 3)), "van": draw(st.integers(0, 2))},
                "ready_hours": draw(st.sampled_from([0.0, 0.5, 2.0])),
                "loading_hours": draw(st.sampled_from([0.0, 0.4, 1.5])),
                "loading_bays": draw(st.sampled_from([None, 1, 2])),
            }
        )
    areas = []
    for n in range(draw(st.integers(1, 6))):
        lat, lon = draw(coord)
        areas.append(
            {
                "id": f"a{n}",
                "name": f"乡{n}",
                "lat": lat,
                "lon": lon,
                "demand": {it["id"]: draw(qty) for it in ITEMS},
                "priority": draw(st.integers(1, 3)),
                "unloading_hours": draw(st.sampled_from([0.0, 0.25, 1.0])),
            }
        )
    return {
        "name": "random",
        "deadline_hours": draw(st.sampled_from([4, 8, 12])),
        "items": ITEMS,
        "vehicle_types": types,
        "warehouses": warehouses,
        "areas": areas,
        "roads": {"model": "great_circle", "speed_kmh": draw(st.sampled_from([30, 60]))},
    }


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_scenarios_give_valid_plans(data: dict[str, Any]) -> None:
    """Whatever the scenario, the plan passes every check of the independent checker."""
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=3)  # validity, not quality: CI time
    assert_valid(scenario, plan)
    # unmet accounts for exactly the demand not delivered on time
    assert (
        sum(u.quantity for u in plan.unmet)
        == plan.summary.demand_units - plan.summary.on_time_units
    )
