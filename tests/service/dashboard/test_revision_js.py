"""The dashboard's revision diff (``static/revision.js``), run under node on small plan files.

Skipped when node is not installed (the page itself is tested in Chromium).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "supplyopt_service" / "dashboard" / "static"
NODE = shutil.which("node") or shutil.which("nodejs")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def call(function: str, *args: Any) -> Any:
    """Return ``SupplyoptRevision[function](*args)`` computed by node, as plain data."""
    assert NODE is not None
    program = (
        f"const R = require({json.dumps(str(SCRIPT / 'revision.js'))});"
        f"const out = R[{json.dumps(function)}](...{json.dumps(args)});"
        "process.stdout.write(JSON.stringify(out === undefined ? null : out));"
    )
    done = subprocess.run(
        [NODE, "-e", program], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(done.stdout)


def trip(
    vehicle: str, warehouse: str, load_start: float, stops: list[tuple[str, float, dict[str, int]]]
) -> dict[str, Any]:
    """A plan file trip with the fields the diff reads."""
    return {
        "vehicle": vehicle,
        "warehouse": warehouse,
        "load_start_hours": load_start,
        "depart_hours": load_start + 0.5,
        "return_hours": max(s[1] for s in stops) + 1.0,
        "stops": [{"area": a, "arrive_hours": h, "deliver": d} for a, h, d in stops],
    }


PREVIOUS = {
    "trips": [
        trip("w/t/1", "w", 0.0, [("north", 1.0, {"tent": 10}), ("south", 2.0, {"tent": 5})]),
        trip("w/t/2", "w", 3.0, [("south", 4.0, {"quilt": 20})]),
        trip("v/t/1", "v", 5.0, [("east", 6.0, {"tent": 7})]),
    ]
}
REVISION = {
    "trips": [
        trip("w/t/1", "w", 0.0, [("north", 1.0, {"tent": 10}), ("south", 2.0, {"tent": 5})]),
        trip("w/t/2", "w", 3.0, [("south", 5.5, {"quilt": 20})]),
        trip("v/t/2", "v", 3.5, [("dongwan", 4.5, {"tent": 9})]),
    ]
}


def test_reservation_delta_reserves_more_and_releases_less() -> None:
    """The revision takes 2 more tents at v (9 instead of 7): reserve 2; w is unchanged."""
    assert call("reservationDelta", PREVIOUS, REVISION, None) == [
        {"warehouse": "v", "item": "tent", "before": 7, "after": 9, "delta": 2}
    ]
    assert call("reservationDelta", PREVIOUS, {"trips": PREVIOUS["trips"][:2]}, ["v"]) == [
        {"warehouse": "v", "item": "tent", "before": 7, "after": 0, "delta": -7}
    ]
    assert call("reservationDelta", PREVIOUS, REVISION, ["w"]) == []


def test_arrival_diff_lists_later_first_then_lost_and_new_deliveries() -> None:
    """South's quilts arrive 1.5 h later; east loses its tents; dongwan gets new ones."""
    rows = call("arrivalDiff", PREVIOUS, REVISION)
    assert [(r["area"], r["item"]) for r in rows] == [
        ("south", "quilt"),
        ("east", "tent"),
        ("dongwan", "tent"),
    ]
    later = rows[0]
    assert later["shift_hours"] == pytest.approx(1.5)
    assert later["units_delta"] == 0
    assert rows[1]["after"] is None
    assert rows[1]["units_delta"] == -7
    assert rows[2]["before"] is None
    assert rows[2]["after"] == {"units": 9, "first": 4.5, "last": 4.5}


def test_same_plan_has_no_arrival_or_reservation_change() -> None:
    """A plan compared with itself changes nothing."""
    assert call("arrivalDiff", PREVIOUS, PREVIOUS) == []
    assert call("reservationDelta", PREVIOUS, PREVIOUS, None) == []


def test_change_facts_give_routes_loads_and_times_ahead_of_now() -> None:
    """Facts for a page to phrase a change: what is ahead of now, before and after."""
    facts = call("changeFacts", {"vehicle": "w/t/2", "kind": "retimed"}, PREVIOUS, REVISION, 2.5)
    assert facts["route_before"] == [["south"]]
    assert facts["route_after"] == [["south"]]
    assert facts["first_before"] == 4.0
    assert facts["first_after"] == 5.5
    assert facts["load_after"] == {"quilt": 20}
    assert facts["trips_before"] == facts["trips_after"] == 1
    assert facts["down_hours"] is None
    started = call(
        "changeFacts", {"vehicle": "w/t/1", "kind": "down"}, PREVIOUS, REVISION, 1.5, 1.8
    )
    assert started["route_before"] == [["south"]]
    assert started["load_before"] == {}
    assert started["down_hours"] == 1.8


def test_kpi_diff_says_which_way_is_better() -> None:
    """Coverage up is better, distance up is worse; every figure has its delta."""
    rows = {
        r["field"]: r
        for r in call(
            "kpiDiff",
            {"weighted_coverage_on_time": 0.5, "distance_km": 100.0},
            {"weighted_coverage_on_time": 0.75, "distance_km": 120.0},
        )
    }
    assert rows["weighted_coverage_on_time"]["delta"] == pytest.approx(0.25)
    assert rows["weighted_coverage_on_time"]["higher_is_better"] is True
    assert rows["distance_km"]["delta"] == pytest.approx(20.0)
    assert rows["distance_km"]["higher_is_better"] is False
