"""PNG versions of the report figures, drawn with matplotlib (Agg, no display needed).

matplotlib is an optional dependency (``pip install supplyopt[report]``).
Chinese names are used when a CJK font is installed (e.g. Debian's
``fonts-noto-cjk``); otherwise sites are labelled by id so no glyph is lost.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Plan, Scenario, SupplyOptError
from ._format import format_share
from .areas import area_results
from .geojson import plan_geojson
from .timeline import horizon_hours, vehicle_timelines
from .timeline_svg import KIND_COLOURS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Source Han Sans SC")


class ReportDependencyError(SupplyOptError, ImportError):
    """matplotlib is needed for PNG figures and is not installed."""


#: Closed roads, in the colour map_svg draws them.
CLOSED_ROAD = "#d62728"


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ReportDependencyError(
            "PNG figures need matplotlib: pip install 'supplyopt[report]'"
        ) from err
    return plt


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in available), None)


def _setup() -> tuple[Any, str]:
    plt = _pyplot()
    cjk = _cjk_font()
    plt.rcParams["font.family"] = ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"]
    return plt, "name" if cjk else "id"


def _save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    out = Path(path)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return out


def map_png(scenario: Scenario, plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Draw the plan map (as :func:`~supplyopt.report.map_svg.map_svg`) into a PNG file."""
    plt, label = _setup()
    fig, ax = plt.subplots(figsize=(9, 7))
    features = plan_geojson(scenario, plan)["features"]
    for f in features:
        props: dict[str, Any] = f["properties"]
        coords = f["geometry"]["coordinates"]
        if props["kind"] == "road":
            # as map_svg: open roads grey, closed ones dashed red above them
            closed = bool(props.get("closed", False))
            ax.plot(
                *zip(*coords, strict=True),
                color=CLOSED_ROAD if closed else "#c8c8c8",
                lw=2.5 if closed else 2,
                ls="--" if closed else "-",
                zorder=1.5 if closed else 1,
                gid="road closed" if closed else "road",
            )
        elif props["kind"] == "trip" and len(coords) > 1:
            ax.plot(
                *zip(*coords, strict=True),
                color=props["colour"],
                lw=1.6,
                alpha=0.7,
                ls="-" if props["on_time"] else "--",
                zorder=2,
            )
    for f in features:
        props = f["properties"]
        lon, lat = f["geometry"]["coordinates"] if f["geometry"]["type"] == "Point" else (0, 0)
        text = props.get("name") if label == "name" and props.get("name") else props.get("id")
        if props["kind"] == "area":
            cov = props["coverage"]
            ax.scatter([lon], [lat], s=120, c=props["colour"], edgecolors="#222", zorder=3)
            ax.annotate(
                f"{text} {format_share(cov)}",
                (lon, lat),
                fontsize=7,
                xytext=(6, 3),
                textcoords="offset points",
            )
        elif props["kind"] == "warehouse":
            ax.scatter(
                [lon], [lat], s=140, marker="s", c=props["colour"], edgecolors="#000", zorder=4
            )
            ax.annotate(
                str(text),
                (lon, lat),
                fontsize=7,
                fontweight="bold",
                xytext=(6, -10),
                textcoords="offset points",
            )
    import math

    lats = [f["geometry"]["coordinates"][1] for f in features if f["geometry"]["type"] == "Point"]
    if lats:
        ax.set_aspect(1 / max(math.cos(math.radians(sum(lats) / len(lats))), 0.05))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    any_closed = any(
        f["properties"].get("closed") for f in features if f["properties"]["kind"] == "road"
    )
    ax.set_title(
        f"{plan.scenario}: on-time coverage {format_share(plan.summary.coverage_on_time)} "
        "(areas red→green by coverage, squares = warehouses"
        + (", closed roads dashed red)" if any_closed else ")")
    )
    return _save(fig, path)


def timeline_png(scenario: Scenario, plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Draw the truck timeline into a PNG file."""
    plt, _ = _setup()
    timelines = vehicle_timelines(scenario, plan)
    fig, ax = plt.subplots(figsize=(11, 1.5 + 0.28 * max(len(timelines), 1)))
    for row, segments in enumerate(timelines.values()):
        for seg in segments:
            if seg.end_hours > seg.start_hours:
                ax.barh(
                    row,
                    seg.duration_h,
                    left=seg.start_hours,
                    height=0.7,
                    color=KIND_COLOURS[seg.kind],
                )
    ax.set_yticks(range(len(timelines)), list(timelines), fontsize=7)
    ax.invert_yaxis()
    ax.axvline(plan.deadline_hours, color="#d50000", ls="--", lw=2)
    ax.set_xlim(0, horizon_hours(scenario, plan) * 1.02 or 1)
    ax.set_xlabel("hours from T0")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLOURS.values()]
    handles.append(plt.Line2D([0], [0], color="#d50000", ls="--"))
    ax.legend(
        handles,
        [*KIND_COLOURS, f"deadline {plan.deadline_hours:g} h"],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 if len(timelines) > 8 else -0.3),
        ncol=5,
        fontsize=8,
    )
    ax.set_title(f"{plan.scenario}: truck timeline")
    return _save(fig, path)


def coverage_png(scenario: Scenario, plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Draw on-time coverage by area into a PNG file."""
    from ._format import coverage_colour

    plt, label = _setup()
    results = [r for r in area_results(scenario, plan) if r.coverage is not None]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.32 * max(len(results), 1)))
    values = [r.coverage or 0.0 for r in results]
    names = [r.name if label == "name" and r.name else r.area for r in results]
    ax.barh(range(len(results)), values, color=[coverage_colour(v) for v in values])
    ax.set_yticks(range(len(results)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    for idx, value in enumerate(values):
        ax.text(min(value, 0.9) + 0.01, idx, format_share(value), va="center", fontsize=8)
    ax.set_title(f"{plan.scenario}: on-time coverage by area")
    return _save(fig, path)
