"""A plan's exports: the registry of single files, and writing them into a folder.

:data:`EXPORT_FILES` names every file that can be rendered from a scenario and
its plan (what the service's ``GET /plans/{id}/export/{name}`` serves);
:func:`write_exports` writes them, per vehicle where that applies, for
``supplyopt export``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, get_args

from ..model import Plan, Scenario
from ._format import safe_filename
from .coverage_svg import coverage_svg
from .dispatch_sheet import dispatch_sheets_html
from .geojson import plan_geojson_text
from .manifest import manifest_csv, vehicles
from .map_svg import map_svg
from .timeline_svg import timeline_svg

if TYPE_CHECKING:
    from ..network.road_paths import RoadsAt

ExportFormat = Literal["geojson", "manifest", "sheets", "svg", "png"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


class Render(Protocol):
    """Renders one export: (scenario, plan, vehicle id or ``None`` for all) → UTF-8 text.

    ``roads_at`` gives, for a revised plan, the roads of a leg starting at a
    given hour (:meth:`supplyopt.model.Operation.roads_at`); the exports that
    draw roads use it, the others ignore it.
    """

    def __call__(
        self,
        scenario: Scenario,
        plan: Plan,
        vehicle: str | None,
        /,
        *,
        roads_at: RoadsAt | None = None,
    ) -> str:
        """Render the file."""


@dataclass(frozen=True)
class ExportFile:
    """One kind of export file: its media type and how it is rendered.

    Attributes
    ----------
    media_type
        The file's media type, without charset (the text is always UTF-8).
    render
        Renders the file; ``vehicle`` narrows the manifest and the dispatch
        sheets to one vehicle and is ignored by the others.
    """

    media_type: str
    render: Render


#: Every single-file export by name.
EXPORT_FILES: dict[str, ExportFile] = {
    "plan.geojson": ExportFile(
        "application/geo+json",
        lambda s, p, v, *, roads_at=None: plan_geojson_text(s, p, roads_at=roads_at),
    ),
    "manifest.csv": ExportFile(
        "text/csv", lambda s, p, v, *, roads_at=None: manifest_csv(s, p, vehicle=v)
    ),
    "sheets.html": ExportFile(
        "text/html", lambda s, p, v, *, roads_at=None: dispatch_sheets_html(s, p, vehicle=v)
    ),
    "map.svg": ExportFile(
        "image/svg+xml", lambda s, p, v, *, roads_at=None: map_svg(s, p, roads_at=roads_at)
    ),
    "timeline.svg": ExportFile(
        "image/svg+xml", lambda s, p, v, *, roads_at=None: timeline_svg(s, p)
    ),
    "coverage.svg": ExportFile(
        "image/svg+xml", lambda s, p, v, *, roads_at=None: coverage_svg(s, p)
    ),
}
_FIGURES = ("map.svg", "timeline.svg", "coverage.svg")


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

    def put(name: str, export: str, vehicle: str | None = None) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(EXPORT_FILES[export].render(scenario, plan, vehicle), encoding="utf-8")
        written.append(path)

    match export_format:
        case "geojson":
            put("plan.geojson", "plan.geojson")
        case "manifest":
            put("manifest.csv", "manifest.csv")
            for vehicle in vehicles(plan):
                put(f"manifests/{safe_filename(vehicle)}.csv", "manifest.csv", vehicle)
        case "sheets":
            put("dispatch-sheets.html", "sheets.html")
            for vehicle in vehicles(plan):
                put(f"sheets/{safe_filename(vehicle)}.html", "sheets.html", vehicle)
        case "svg":
            for name in _FIGURES:
                put(name, name)
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
