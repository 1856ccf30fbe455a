"""Truck timeline as SVG: loading, driving, unloading per vehicle, with the deadline marked."""

from __future__ import annotations

import math

from ..model import Plan, Scenario
from ._format import format_hours
from ._svg import SvgDocument
from .timeline import horizon_hours, vehicle_timelines

#: Fill colour per segment kind (also used by the PNG figures and the dashboard).
KIND_COLOURS = {
    "loading": "#7b1fa2",
    "driving": "#1e88e5",
    "unloading": "#fb8c00",
    "returning": "#90caf9",
}
_ROW_H = 22.0
_LEFT = 210.0
_RIGHT = 30.0
_TOP = 70.0
WIDTH = 1000.0


def timeline_svg(scenario: Scenario, plan: Plan) -> str:
    """One row per vehicle, time from T0 along the x axis; a red line at the deadline."""
    timelines = vehicle_timelines(scenario, plan)
    end_h = math.ceil(horizon_hours(scenario, plan))
    height = _TOP + max(len(timelines), 1) * _ROW_H + 50
    doc = SvgDocument(WIDTH, height, title=f"{plan.scenario}: truck timeline")
    plot_w = WIDTH - _LEFT - _RIGHT

    def x_of(hours: float) -> float:
        return _LEFT + plot_w * (hours / end_h if end_h else 0.0)

    doc.add(
        "text",
        x=20.0,
        y=26.0,
        font_size=18,
        font_weight="bold",
        text=f"{plan.scenario} — truck timeline (hours from T0)",
    )
    for idx, (kind, colour) in enumerate(KIND_COLOURS.items()):
        doc.add("rect", x=20.0 + idx * 130, y=38.0, width=14.0, height=14.0, fill=colour)
        doc.add("text", x=38.0 + idx * 130, y=50.0, text=kind)
    bottom = _TOP + len(timelines) * _ROW_H
    step = 1 if end_h <= 16 else 2 if end_h <= 32 else 6
    for hour in range(0, end_h + 1, step):
        doc.add("line", x1=x_of(hour), y1=_TOP - 4, x2=x_of(hour), y2=bottom, stroke="#e0e0e0")
        doc.add(
            "text", x=x_of(hour), y=bottom + 16, font_size=10, text_anchor="middle", text=f"{hour}"
        )
    doc.add("text", x=_LEFT + plot_w / 2, y=bottom + 34, text_anchor="middle", text="hours from T0")
    for row, (vehicle, segments) in enumerate(timelines.items()):
        y = _TOP + row * _ROW_H
        doc.add(
            "text", x=_LEFT - 6, y=y + _ROW_H / 2 + 4, font_size=10, text_anchor="end", text=vehicle
        )
        for seg in segments:
            if seg.end_hours <= seg.start_hours:
                continue
            doc.add(
                "rect",
                x=x_of(seg.start_hours),
                y=y + 3,
                width=max(x_of(seg.end_hours) - x_of(seg.start_hours), 0.5),
                height=_ROW_H - 6,
                fill=KIND_COLOURS[seg.kind],
                class_=seg.kind,
                title=f"{vehicle}: {seg.kind} {seg.place} {format_hours(seg.start_hours)}–"
                f"{format_hours(seg.end_hours)}",
            )
    if not timelines:
        doc.add("text", x=_LEFT, y=_TOP + 14, text="no trips")
    deadline_x = x_of(plan.deadline_hours)
    doc.add(
        "line",
        x1=deadline_x,
        y1=_TOP - 10,
        x2=deadline_x,
        y2=bottom + 4,
        stroke="#d50000",
        stroke_width=2.0,
        stroke_dasharray="5 3",
        class_="deadline",
    )
    doc.add(
        "text",
        x=deadline_x + 4,
        y=_TOP - 12,
        font_size=11,
        fill="#d50000",
        text=f"deadline {plan.deadline_hours:g} h",
    )
    return doc.render()
