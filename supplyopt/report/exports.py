"""Write a plan's exports into a folder: GeoJSON, manifests, dispatch sheets, figures."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from ..model import Plan, Scenario
from ._format import safe_filename
from .coverage_svg import coverage_svg
from .dispatch_sheet import dispatch_sheets_html
from .geojson import plan_geojson_text
from .manifest import manifest_csv, vehicles
from .map_svg import map_svg
from .timeline_svg import timeline_svg

ExportFormat = Literal["geojson", "manifest", "sheets", "svg", "png"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


def write_exports(
    scenario: Scenario, plan: Plan, out_dir: str | os.PathLike[str], export_format: ExportFormat
) -> list[Path]:
    """Write one kind of export for a plan and return the files written.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan.
    out_dir
        Folder to write into (created if missing).
    export_format
        ``geojson``: ``plan.geojson``. ``manifest``: ``manifest.csv`` for all
        vehicles and ``manifests/<vehicle>.csv`` per vehicle. ``sheets``:
        ``dispatch-sheets.html`` and ``sheets/<vehicle>.html``. ``svg`` /
        ``png``: ``map``, ``timeline`` and ``coverage`` figures.

    Returns
    -------
    list of Path
        The files written, in a stable order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    match export_format:
        case "geojson":
            put("plan.geojson", plan_geojson_text(scenario, plan))
        case "manifest":
            put("manifest.csv", manifest_csv(scenario, plan))
            for vehicle in vehicles(plan):
                put(
                    f"manifests/{safe_filename(vehicle)}.csv",
                    manifest_csv(scenario, plan, vehicle=vehicle),
                )
        case "sheets":
            put("dispatch-sheets.html", dispatch_sheets_html(scenario, plan))
            for vehicle in vehicles(plan):
                put(
                    f"sheets/{safe_filename(vehicle)}.html",
                    dispatch_sheets_html(scenario, plan, vehicle=vehicle),
                )
        case "svg":
            put("map.svg", map_svg(scenario, plan))
            put("timeline.svg", timeline_svg(scenario, plan))
            put("coverage.svg", coverage_svg(scenario, plan))
        case "png":
            from .figures_png import coverage_png, map_png, timeline_png

            written.append(map_png(scenario, plan, out / "map.png"))
            written.append(timeline_png(scenario, plan, out / "timeline.png"))
            written.append(coverage_png(scenario, plan, out / "coverage.png"))
        case _:
            raise ValueError(
                f"unknown export format {export_format!r} (known: {', '.join(EXPORT_FORMATS)})"
            )
    return written
