"""The plan map as SVG: roads, trips, warehouses, and areas coloured by on-time coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import Plan, Scenario
from ._format import coverage_colour, format_hours, format_share
from ._svg import SvgDocument, points
from .geojson import plan_geojson
from .projection import fit_projection, nice_scale_km, scenario_positions

if TYPE_CHECKING:
    from ..network.road_paths import RoadsAt

WIDTH = 900.0
HEIGHT = 640.0
_LEGEND_W = 190.0


def map_svg(
    scenario: Scenario, plan: Plan, *, label: str = "name", roads_at: RoadsAt | None = None
) -> str:
    """Draw the plan's map.

    Parameters
    ----------
    scenario
        Coordinates, names and the road network (for ``graph`` roads).
    plan
        The plan whose trips and coverage are drawn.
    label
        ``"name"`` to label sites with their display names (falling back to
        ids), ``"id"`` to label them with ids.
    roads_at
        For a revised plan, the roads of a leg starting at a given hour (see
        :func:`~supplyopt.report.plan_geojson`).

    Returns
    -------
    str
        A standalone SVG document.
    """
    doc = SvgDocument(WIDTH, HEIGHT, title=f"{plan.scenario}: plan map")
    proj = fit_projection(
        scenario_positions(scenario),
        left=40,
        top=50,
        width=WIDTH - _LEGEND_W - 70,
        height=HEIGHT - 110,
    )
    geojson = plan_geojson(scenario, plan, roads_at=roads_at)
    features = geojson["features"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for feature in features:
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)

    doc.add(
        "text",
        x=20.0,
        y=28.0,
        font_size=18,
        font_weight="bold",
        text=f"{plan.scenario} — coverage on time {format_share(plan.summary.coverage_on_time)}",
    )
    for road in by_kind.get("road", []):
        xy = [proj(lon, lat) for lon, lat in road["geometry"]["coordinates"]]
        closed = road["properties"].get("closed", False)
        doc.add(
            "polyline",
            points=points(xy),
            fill="none",
            stroke="#d62728" if closed else "#c8c8c8",
            stroke_width=2.5 if closed else 2.0,
            stroke_dasharray="4 3" if closed else None,
            class_="road closed" if closed else "road",
        )
    for trip in by_kind.get("trip", []):
        props = trip["properties"]
        xy = [proj(lon, lat) for lon, lat in trip["geometry"]["coordinates"]]
        tooltip = (
            f"{props['vehicle']} trip {props['trip_of_vehicle']}: "
            + " → ".join(
                [s["area"] for s in props["stops"]]
                + ([f"warehouse {props['transfer']['warehouse']}"] if "transfer" in props else [])
            )
            + f", depart {format_hours(props['depart_hours'])}"
        )
        doc.add(
            "polyline",
            points=points(xy),
            fill="none",
            stroke=props["colour"],
            stroke_width=2.0,
            stroke_opacity=0.75,
            stroke_dasharray=None if props["on_time"] else "6 4",
            class_="trip",
            title=tooltip,
        )
    for area in by_kind.get("area", []):
        props = area["properties"]
        x, y = proj(*area["geometry"]["coordinates"])
        cov = props["coverage"]
        shown = format_share(cov)
        doc.add(
            "circle",
            cx=x,
            cy=y,
            r=9.0,
            fill=props["colour"],
            stroke="#222",
            stroke_width=1.0,
            class_="area",
            title=f"{props['name'] or props['id']}: {shown} on time",
        )
        doc.add("text", x=x + 11, y=y + 4, font_size=11, text=f"{_label(props, label)} {shown}")
    for wh in by_kind.get("warehouse", []):
        props = wh["properties"]
        x, y = proj(*wh["geometry"]["coordinates"])
        doc.add(
            "rect",
            x=x - 8,
            y=y - 8,
            width=16.0,
            height=16.0,
            fill=props["colour"],
            stroke="#000",
            stroke_width=1.5,
            class_="warehouse",
            title=props["name"] or props["id"],
        )
        right = x > (WIDTH - _LEGEND_W) * 0.7
        doc.add(
            "text",
            x=x - 11 if right else x + 11,
            y=y - 10,
            font_size=11,
            font_weight="bold",
            text_anchor="end" if right else None,
            text=_label(props, label),
        )
    _legend(doc, scenario, by_kind.get("warehouse", []), label, geojson["path_geometry"])
    _scale_bar(doc, proj.km_per_unit)
    return doc.render()


def _label(props: dict[str, Any], label: str) -> str:
    text: str = props["name"] if label == "name" and props.get("name") else props["id"]
    return text


def _legend(
    doc: SvgDocument,
    scenario: Scenario,
    warehouses: list[dict[str, Any]],
    label: str,
    path_geometry: str,
) -> None:
    x = WIDTH - _LEGEND_W
    y = 60.0
    doc.add("text", x=x, y=y, font_weight="bold", text="On-time coverage")
    for idx, value in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        cy = y + 18 + idx * 18
        doc.add("circle", cx=x + 8, cy=cy, r=6.0, fill=coverage_colour(value), stroke="#222")
        doc.add("text", x=x + 20, y=cy + 4, text=f"{value:.0%}")
    y += 18 * 6 + 16
    doc.add("text", x=x, y=y, font_weight="bold", text="Warehouses / trips")
    for idx, wh in enumerate(warehouses):
        props = wh["properties"]
        cy = y + 18 + idx * 18
        doc.add(
            "rect", x=x + 2, y=cy - 6, width=12.0, height=12.0, fill=props["colour"], stroke="#000"
        )
        doc.add("text", x=x + 20, y=cy + 4, font_size=10, text=_label(props, "id"))
    y += 18 * (len(warehouses) + 1) + 10
    doc.add(
        "line", x1=x, y1=y, x2=x + 30, y2=y, stroke="#555", stroke_width=2.0, stroke_dasharray="6 4"
    )
    doc.add("text", x=x + 36, y=y + 4, font_size=10, text="trip with a late stop")
    if scenario.roads.model != "great_circle":
        text = (
            "trips follow their roads; roads grey, closed red"
            if path_geometry == "roads"
            else "trip lines join sites; roads in grey"
        )
        doc.add("text", x=x, y=y + 22, font_size=10, text=text)


def _scale_bar(doc: SvgDocument, km_per_unit: float) -> None:
    km = nice_scale_km(150 * km_per_unit)
    length = km / km_per_unit
    x, y = 40.0, HEIGHT - 25
    doc.add("line", x1=x, y1=y, x2=x + length, y2=y, stroke="#000", stroke_width=3.0)
    doc.add("text", x=x, y=y - 6, font_size=11, text=f"{km:g} km")
