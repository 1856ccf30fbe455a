"""The checker counts KPIs against demand lots, figures worked out by hand.

The tiny scenario (tests/data/tiny.yaml, deadline 12 h) with lots:

- a1 tent (demand 120): 40 due at 6 h, 30 due at 20 h, so the other 50 are due at 12 h.
- a2 tent (demand 40): all 40 due at 16 h.

Tents: a1 gets 30 at 5 h, 30 at 8 h and 50 at 14 h; a2 gets 40 at 13 h.
Lot by lot, earliest due first: a1's 6-h lot takes the 30 of 5 h (10 short); its
12-h lot the 30 of 8 h (after the 6-h lot's due, before its own; 20 short); its
20-h lot 30 of the 50 of 14 h. on(a1, tent) = 90. a2's 16-h lot takes the 40 of 13 h
(late for the deadline, on time for the lot): on(a2, tent) = 40.
Quilts as in test_check_kpis (a1 900 at 3 h plus 50 at 12 h beyond its demand, a2 150
at 4 h, a3 100 at 5.5 h): a1's quilt lot is full, so the 50 beyond it, by the deadline,
count as on-time units (contract §2 without lots).

- on_time_units = 90 + 40 + 950 + 150 + 100 = 1330
- coverage_on_time: tent (90 + 40) / 160 = 13/16; quilt 23/28; mean 183/224
- weighted: tent (3·90 + 40) / (3·120 + 40) = 31/40; quilt 61/68; mean 1137/1360
- min_area_coverage: a1 (90/120 + 1) / 2 = 0.875, a2 (1 + 150/300) / 2 = 0.75, a3 0.5
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import supplyopt
from supplyopt._check_kpis import DueLot, count_on_time, due_lots, recount
from supplyopt.model import Scenario, Stop, Trip, assemble_plan, fill_lots, summarize
from tests.conftest import tiny_data

EXPECTED: dict[str, Any] = {
    "on_time_units": 1330,
    "coverage_on_time": 183 / 224,
    "weighted_coverage_on_time": 1137 / 1360,
    "min_area_coverage": 0.5,
    "demand_units": 1560,
}


def lots_scenario() -> Scenario:
    """The tiny scenario with the lots of the module docstring."""
    data = tiny_data()
    data["areas"][0]["lots"] = [
        {"item": "tent", "quantity": 40, "due_hours": 6.0},
        {"item": "tent", "quantity": 30, "due_hours": 20.0},
    ]
    data["areas"][1]["lots"] = [{"item": "tent", "quantity": 40, "due_hours": 16.0}]
    return supplyopt.parse_scenario(data)


def _trip(vehicle: str, stops: list[Stop]) -> Trip:
    return Trip(
        vehicle=vehicle,
        warehouse="w1",
        vehicle_type="truck",
        load_start_hours=1.0,
        depart_hours=1.5,
        stops=stops,
        return_hours=30.0,
        distance_km=0.0,
    )


def lots_trips() -> list[Trip]:
    """The deliveries of the module docstring (times are not checked here)."""
    return [
        _trip("w1/truck/1", [Stop(area="a1", arrive_hours=5.0, deliver={"tent": 30})]),
        _trip("w1/truck/2", [Stop(area="a1", arrive_hours=8.0, deliver={"tent": 30})]),
        _trip(
            "w1/truck/3",
            [
                Stop(area="a1", arrive_hours=14.0, deliver={"tent": 50}),
                Stop(area="a2", arrive_hours=13.0, deliver={"tent": 40}),
            ],
        ),
        _trip(
            "w2/truck/1",
            [
                Stop(area="a1", arrive_hours=3.0, deliver={"quilt": 900}),
                Stop(area="a2", arrive_hours=4.0, deliver={"quilt": 150}),
                Stop(area="a3", arrive_hours=5.5, deliver={"quilt": 100}),
                Stop(area="a1", arrive_hours=12.0, deliver={"quilt": 50}),
            ],
        ),
    ]


def test_lots_come_from_the_scenario() -> None:
    """Lots are parts of demand; the rest is due at the deadline; listed earliest due first."""
    assert due_lots(lots_scenario())[:4] == [
        DueLot("a1", "tent", 40, 6.0),
        DueLot("a1", "tent", 50, 12.0),
        DueLot("a1", "tent", 30, 20.0),
        DueLot("a1", "quilt", 900, 12.0),
    ]
    assert DueLot("a2", "tent", 40, 16.0) in due_lots(lots_scenario())


def test_lots_due_at_one_time_merge() -> None:
    """Two lots due together are one lot, and a lot due at the deadline joins the rest."""
    data = tiny_data()
    data["areas"][0]["lots"] = [
        {"item": "tent", "quantity": 10, "due_hours": 5.0},
        {"item": "tent", "quantity": 15, "due_hours": 5.0},
        {"item": "tent", "quantity": 20, "due_hours": 12.0},
    ]
    lots = [lot for lot in due_lots(supplyopt.parse_scenario(data)) if lot.item == "tent"]
    assert lots[:2] == [DueLot("a1", "tent", 25, 5.0), DueLot("a1", "tent", 95, 12.0)]


def test_units_fill_lots_by_their_due_times() -> None:
    """A unit late for one lot fills the next; units beyond full lots count by the deadline."""
    counted = count_on_time(lots_scenario(), lots_trips())
    assert counted.filled[("a1", "tent")] == 90
    assert counted.filled[("a2", "tent")] == 40
    assert counted.filled[("a1", "quilt")] == 900
    assert counted.units == 1330
    assert counted.short_lots == {
        DueLot("a1", "tent", 40, 6.0): 10,
        DueLot("a1", "tent", 50, 12.0): 20,
        DueLot("a2", "quilt", 300, 12.0): 150,
        DueLot("a3", "quilt", 200, 12.0): 100,
    }


def test_recount_with_lots_matches_the_hand_count() -> None:
    """The checker's KPIs with lots are the hand-computed ones, and so are the planner's."""
    scenario, trips = lots_scenario(), lots_trips()
    got = vars(recount(scenario, trips))
    assert {name: got[name] for name in EXPECTED} == pytest.approx(EXPECTED, abs=1e-12)
    planner = summarize(scenario, trips).model_dump()
    assert {name: planner[name] for name in EXPECTED} == pytest.approx(EXPECTED, abs=1e-12)


def test_plain_check_verifies_kpis_against_lots() -> None:
    """`check` on a scenario with lots recounts against the lots: a deadline-only count is wrong."""
    scenario, trips = lots_scenario(), lots_trips()
    plan = assemble_plan(scenario, trips, [])
    assert not [p for p in supplyopt.check_plan(scenario, plan) if p.startswith("summary.")]
    plan.summary.on_time_units = 60 + 950 + 150 + 100  # as if every unit were due at 12 h
    plan.summary.coverage_on_time = (60 / 160 + 23 / 28) / 2
    summary = [p for p in supplyopt.check_plan(scenario, plan) if p.startswith("summary.")]
    assert summary == [
        "summary.on_time_units: 1260, recounted 1330",
        f"summary.coverage_on_time: {(60 / 160 + 23 / 28) / 2}, recounted {183 / 224:.6f}",
    ]


def test_plain_check_counts_unmet_against_lots() -> None:
    """`unmet` must list what the lots leave short (30 tents at a1), not the deadline count."""
    scenario, trips = lots_scenario(), lots_trips()
    plan = assemble_plan(scenario, trips, [])
    unmet = [p for p in supplyopt.check_plan(scenario, plan) if p.startswith("unmet:")]
    assert "unmet: area 'a1' is short of 30 tent on time, the plan lists 0" in unmet
    assert not any("'a2' is short of" in p and "tent" in p for p in unmet)


_deliveries = st.lists(
    st.tuples(st.sampled_from([2.0, 5.0, 6.0, 9.0, 12.0, 15.0, 20.0, 25.0]), st.integers(1, 60)),
    max_size=6,
)
_lot_parts = st.lists(
    st.tuples(st.integers(1, 40), st.sampled_from([5.0, 6.0, 12.0, 15.0, 20.0])), max_size=3
)


@settings(max_examples=200, deadline=None)
@given(parts=_lot_parts, extra=st.integers(0, 50), deliveries=_deliveries)
def test_count_agrees_with_the_planners_matching(
    parts: list[tuple[int, float]], extra: int, deliveries: list[tuple[float, int]]
) -> None:
    """Lot by lot (checker) and delivery by delivery (planner) count the same on-time units."""
    data = tiny_data()
    demand = sum(qty for qty, _ in parts) + extra
    data["areas"][0]["demand"] = {"tent": demand, "quilt": 900}
    data["areas"][0]["lots"] = [
        {"item": "tent", "quantity": qty, "due_hours": due} for qty, due in parts
    ]
    scenario = supplyopt.parse_scenario(data)
    trips = [
        _trip(f"w1/truck/{k}", [Stop(area="a1", arrive_hours=at, deliver={"tent": qty})])
        for k, (at, qty) in enumerate(deliveries)
    ]
    mine, theirs = count_on_time(scenario, trips), fill_lots(scenario, trips)
    assert mine.units == theirs.on_time_units
    assert mine.filled.get(("a1", "tent"), 0) == theirs.on_time.get(("a1", "tent"), 0)
