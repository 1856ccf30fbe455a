import csv
import io

from supplyopt.model import Plan, Scenario
from supplyopt.report import manifest_csv, manifest_rows, vehicles


def test_one_row_per_trip_stop_and_item(scenario: Scenario, plan: Plan) -> None:
    """Each delivered item of each stop is one row with its weight and volume."""
    rows = manifest_rows(scenario, plan)
    assert len(rows) == 6
    first = rows[0]
    assert first["vehicle"] == "north/truck-5t/1"
    assert (first["trip"], first["stop_order"], first["area_name"]) == (1, 1, "甲乡")
    assert (first["item"], first["item_name"], first["quantity"]) == ("tent", "救灾帐篷", 20)
    assert first["weight_kg"] == 1600.0
    assert first["volume_m3"] == 10.0


def test_filter_by_vehicle_keeps_trip_numbers(scenario: Scenario, plan: Plan) -> None:
    """A vehicle's own manifest numbers its trips 1, 2, … in loading order."""
    rows = manifest_rows(scenario, plan, vehicle="north/truck-5t/1")
    assert {r["vehicle"] for r in rows} == {"north/truck-5t/1"}
    assert sorted({r["trip"] for r in rows}) == [1, 2]
    assert vehicles(plan) == ["north/truck-5t/1", "south/truck-5t/1"]


def test_csv_round_trips(scenario: Scenario, plan: Plan) -> None:
    """The CSV text has the header and reads back with the same values."""
    text = manifest_csv(scenario, plan, vehicle="south/truck-5t/1")
    read = list(csv.DictReader(io.StringIO(text)))
    assert len(read) == 1
    assert read[0]["area_name"] == "丙村"
    assert read[0]["quantity"] == "10"
    assert text.splitlines()[0].startswith("vehicle,vehicle_type,trip,warehouse,load_start_hours")
