"""On-time coverage by area as an SVG bar chart."""

from __future__ import annotations

from ..model import Plan, Scenario
from ._format import coverage_colour, format_share
from ._svg import SvgDocument
from .areas import area_results

WIDTH = 800.0
_LEFT = 230.0
_ROW_H = 24.0
_TOP = 50.0


def coverage_svg(scenario: Scenario, plan: Plan, *, label: str = "name") -> str:
    """One horizontal bar per area: its on-time coverage (mean over its demanded items)."""
    results = [r for r in area_results(scenario, plan) if r.coverage is not None]
    height = _TOP + max(len(results), 1) * _ROW_H + 40
    doc = SvgDocument(WIDTH, height, title=f"{plan.scenario}: on-time coverage by area")
    plot_w = WIDTH - _LEFT - 70
    doc.add(
        "text",
        x=20.0,
        y=28.0,
        font_size=18,
        font_weight="bold",
        text=f"{plan.scenario} — on-time coverage by area",
    )
    for row, result in enumerate(results):
        y = _TOP + row * _ROW_H
        cov = result.coverage or 0.0
        name = result.name if label == "name" and result.name else result.area
        doc.add("text", x=_LEFT - 8, y=y + 16, text_anchor="end", text=name)
        doc.add("rect", x=_LEFT, y=y + 3, width=plot_w, height=_ROW_H - 6, fill="#f0f0f0")
        doc.add(
            "rect",
            x=_LEFT,
            y=y + 3,
            width=max(plot_w * cov, 0.0),
            height=_ROW_H - 6,
            fill=coverage_colour(cov),
            class_="bar",
            title=f"{result.area}: {format_share(cov, 1)}",
        )
        doc.add("text", x=_LEFT + plot_w + 6, y=y + 16, text=format_share(cov))
    bottom = _TOP + len(results) * _ROW_H
    for frac in (0.0, 0.5, 1.0):
        x = _LEFT + plot_w * frac
        doc.add("line", x1=x, y1=_TOP, x2=x, y2=bottom, stroke="#9e9e9e", stroke_dasharray="3 3")
        doc.add("text", x=x, y=bottom + 16, font_size=10, text_anchor="middle", text=f"{frac:.0%}")
    return doc.render()
