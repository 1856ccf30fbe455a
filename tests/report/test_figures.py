import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from supplyopt.model import Plan, Scenario
from supplyopt.report import coverage_svg, map_svg, timeline_svg, trip_segments, write_exports

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def _classed(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['svg']}}}{tag}") if e.get("class") == cls]


def test_segments_follow_trip_events(scenario: Scenario, plan: Plan) -> None:
    """Loading, then drive/unload per stop with the area's unloading time, then return."""
    segs = trip_segments(scenario, plan.trips[0])
    assert [(s.kind, s.start_hours, s.end_hours) for s in segs] == [
        ("loading", 1.0, 1.5),
        ("driving", 1.5, 2.5),
        ("unloading", 2.5, 3.0),
        ("driving", 3.0, 3.5),
        ("unloading", 3.5, 3.75),
        ("returning", 3.75, 5.0),
    ]


def test_map_svg_has_every_site_and_trip(scenario: Scenario, plan: Plan) -> None:
    """The map is well-formed SVG with one marker per area and warehouse and one line per trip."""
    root = _parse(map_svg(scenario, plan))
    assert len(_classed(root, "circle", "area")) == 3
    assert len(_classed(root, "rect", "warehouse")) == 2
    trips = _classed(root, "polyline", "trip")
    assert len(trips) == 3
    assert [t.get("stroke-dasharray") for t in trips] == [None, "6 4", None]
    assert "甲乡" in map_svg(scenario, plan)


def test_timeline_svg_marks_deadline(scenario: Scenario, plan: Plan) -> None:
    """The timeline draws each non-empty segment and a deadline line inside the axis."""
    root = _parse(timeline_svg(scenario, plan))
    (deadline,) = _classed(root, "line", "deadline")
    loading = _classed(root, "rect", "loading")
    assert len(loading) == 2  # the south truck's loading takes no time
    x_deadline = float(deadline.get("x1", "nan"))
    x_loading = float(loading[0].get("x", "nan"))
    assert x_loading < x_deadline
    assert len(_classed(root, "rect", "unloading")) == 2  # a3 unloads instantly


def test_coverage_svg_bar_lengths(scenario: Scenario, plan: Plan) -> None:
    """Each area's bar is as long as its on-time coverage."""
    bars = _classed(_parse(coverage_svg(scenario, plan)), "rect", "bar")
    widths = [float(b.get("width", "nan")) for b in bars]
    assert widths[0] == widths[1]
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.01)


def test_write_exports_files(scenario: Scenario, plan: Plan, tmp_path: Path) -> None:
    """Each export format writes its files, per-vehicle ones named safely."""
    names = {
        fmt: sorted(
            p.relative_to(tmp_path).as_posix() for p in write_exports(scenario, plan, tmp_path, fmt)
        )
        for fmt in ("geojson", "manifest", "sheets", "svg")
    }
    assert names["geojson"] == ["plan.geojson"]
    assert names["manifest"] == [
        "manifest.csv",
        "manifests/north_truck-5t_1.csv",
        "manifests/south_truck-5t_1.csv",
    ]
    assert "sheets/south_truck-5t_1.html" in names["sheets"]
    assert names["svg"] == ["coverage.svg", "map.svg", "timeline.svg"]


def test_png_figures(scenario: Scenario, plan: Plan, tmp_path: Path) -> None:
    """PNG figures are real PNG images (needs matplotlib, the ``report`` extra)."""
    pytest.importorskip("matplotlib", reason="PNG figures need the 'report' extra (matplotlib)")
    for path in write_exports(scenario, plan, tmp_path, "png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 5000
