"""Reports of a plan: terminal summaries, GeoJSON, loading manifests, dispatch sheets, figures.

Everything here is computed from a scenario and a plan and written by the
project's own code (text, SVG, HTML, CSV, JSON); only the PNG figures use
matplotlib, an optional dependency (``supplyopt[report]``).
"""

from ._format import format_share, safe_filename
from .areas import AreaResult, ItemResult, area_results
from .coverage_svg import coverage_svg
from .dispatch_sheet import dispatch_sheets_html
from .exports import EXPORT_FILES, EXPORT_FORMATS, ExportFile, ExportFormat, write_exports
from .geojson import plan_geojson, plan_geojson_text
from .manifest import manifest_csv, manifest_rows, vehicles
from .map_svg import map_svg
from .summary import print_summary, summary_renderable
from .timeline import Segment, trip_segments, vehicle_timelines
from .timeline_svg import timeline_svg
from .trucks import trucks_text

__all__ = [
    "EXPORT_FILES",
    "EXPORT_FORMATS",
    "AreaResult",
    "ExportFile",
    "ExportFormat",
    "ItemResult",
    "Segment",
    "area_results",
    "coverage_svg",
    "dispatch_sheets_html",
    "format_share",
    "manifest_csv",
    "manifest_rows",
    "map_svg",
    "plan_geojson",
    "plan_geojson_text",
    "print_summary",
    "safe_filename",
    "summary_renderable",
    "timeline_svg",
    "trip_segments",
    "trucks_text",
    "vehicle_timelines",
    "vehicles",
    "write_exports",
]
