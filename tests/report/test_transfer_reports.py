"""Every report reads a plan with a stock transfer (a trip with no stops) without breaking."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from supplyopt.report import (
    dispatch_sheets_html,
    manifest_rows,
    map_svg,
    plan_geojson,
    summary_renderable,
    timeline_svg,
    trip_segments,
    trucks_text,
    write_exports,
)
from tests.transfer_case import NEAR, transfer_plan


def test_geojson_draws_a_transfer_as_a_line_between_warehouses() -> None:
    """The transfer's trip feature runs from its warehouse to the receiving one and names it."""
    scenario, plan = transfer_plan()
    trips = [
        f for f in plan_geojson(scenario, plan)["features"] if f["properties"]["kind"] == "trip"
    ]
    far, near = scenario.warehouses
    moved = trips[0]
    assert moved["geometry"]["coordinates"] == [[far.lon, far.lat], [near.lon, near.lat]]
    assert moved["properties"]["transfer"]["warehouse"] == NEAR
    assert moved["properties"]["stops"] == []
    assert "transfer" not in trips[1]["properties"]


def test_timeline_drives_to_and_unloads_at_the_receiving_warehouse() -> None:
    """A transfer's segments: loading, the drive to the other warehouse, its unloading there."""
    scenario, plan = transfer_plan()
    kinds = [(s.kind, s.place) for s in trip_segments(scenario, plan.trips[0])]
    assert kinds == [("loading", "far"), ("driving", NEAR), ("unloading", NEAR)]
    assert trip_segments(scenario, plan.trips[0])[-1].end_hours == plan.trips[0].return_hours


def test_text_sheets_and_manifest_name_the_transfer() -> None:
    """The truck text, dispatch sheets and loading manifest show what goes where."""
    scenario, plan = transfer_plan()
    assert f"at warehouse {NEAR}: unloads into its stock" in trucks_text(scenario, plan)
    assert "Stock transfer to 调拨至仓库" in dispatch_sheets_html(scenario, plan)
    rows = [r for r in manifest_rows(scenario, plan) if r["vehicle"] == "far/big/1"]
    assert [(r["area"], r["item"], r["quantity"]) for r in rows] == [(NEAR, "kit", 100)]
    assert str(rows[0]["area_name"]).startswith("stock transfer to warehouse")


def test_figures_summary_and_exports_render(tmp_path: Path) -> None:
    """The map, timeline, summary and every text export render a plan with a transfer."""
    scenario, plan = transfer_plan()
    assert "warehouse 近仓" in map_svg(scenario, plan)
    assert "<svg" in timeline_svg(scenario, plan)
    console = Console(record=True, width=200)
    console.print(summary_renderable(scenario, plan))
    assert "100 moved out" in console.export_text()
    for kind in ("geojson", "manifest", "sheets", "svg"):
        assert write_exports(scenario, plan, tmp_path / kind, kind)
