"""Printable dispatch sheets: one page per vehicle with its trips, loads and stops.

Self-contained HTML (inline CSS, no scripts, no external resources), UTF-8,
names shown exactly as written in the scenario. Printing puts each vehicle
on its own page.
"""

from __future__ import annotations

from html import escape

from ..model import Plan, Scenario, Trip
from ..model.kpi import DEADLINE_EPS_H
from ._format import format_hours
from .manifest import vehicles
from .trucks import trip_load

_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       margin: 1.5em; color: #111; }
.sheet { page-break-after: always; break-after: page; margin-bottom: 3em; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.2em 0 .3em; }
.meta { color: #444; margin: 0 0 .8em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; }
th, td { border: 1px solid #888; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.late { color: #b00020; font-weight: bold; }
.sign { display: flex; gap: 2em; margin-top: 1.5em; }
.sign div { flex: 1; border-top: 1px solid #111; padding-top: .2em; font-size: .9em; }
@page { size: A4; margin: 12mm; }
@media print { body { margin: 0; } .sheet { margin: 0; } th { background: #eee !important;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def sheet_style_source() -> str:
    """The text of the sheets' one ``<style>`` element (a page's CSP can allow it by hash)."""
    return _CSS


def dispatch_sheets_html(scenario: Scenario, plan: Plan, *, vehicle: str | None = None) -> str:
    """Build an HTML document with one dispatch sheet per vehicle (or only ``vehicle``).

    Parameters
    ----------
    scenario
        Names, item weights and volumes, unloading times, vehicle capacities.
    plan
        The plan to dispatch.
    vehicle
        When given, only that vehicle's sheet.

    Returns
    -------
    str
        The HTML text (to be written as UTF-8).
    """
    wanted = [vehicle] if vehicle is not None else vehicles(plan)
    sheets = [_sheet(scenario, plan, v) for v in wanted]
    title = f"Dispatch sheets · 调度单 · {plan.scenario}"
    if vehicle is not None:
        title = f"Dispatch sheet · 调度单 · {vehicle}"
    body = "\n".join(sheets) if sheets else "<p>No trips in this plan. 本方案没有车次。</p>"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def _name(name: str | None, ident: str) -> str:
    return f"{escape(name)} <small>({escape(ident)})</small>" if name else escape(ident)


def _sheet(scenario: Scenario, plan: Plan, vehicle: str) -> str:
    trips = sorted(
        (t for t in plan.trips if t.vehicle == vehicle), key=lambda t: t.load_start_hours
    )
    first = trips[0] if trips else None
    lines = [f'<section class="sheet" data-vehicle="{escape(vehicle)}">']
    lines.append(f"<h1>Dispatch sheet 调度单 — {escape(vehicle)}</h1>")
    if first is not None:
        vtype = _lookup_name(scenario.vehicle_types, first.vehicle_type)
        home = _lookup_name(scenario.warehouses, first.base)
        lines.append(
            f'<p class="meta">Scenario 情景: {escape(plan.scenario)} · '
            f"Vehicle type 车型: {_name(vtype, first.vehicle_type)} · "
            f"Based at 驻地仓库: {_name(home, first.base)} · "
            f"Deadline 时限: {format_hours(plan.deadline_hours)} · "
            "Times are from T0 (dispatch order) "
            "时间自调度令下达 (T0) 起算</p>"
        )
    for number, trip in enumerate(trips, start=1):
        lines.append(_trip_html(scenario, plan, trip, number))
    lines.append(
        '<div class="sign"><div>Loaded by 装车人</div><div>Driver 司机</div>'
        "<div>Dispatcher 调度员</div></div>"
    )
    lines.append("</section>")
    return "\n".join(lines)


def _lookup_name(entries: list, ident: str) -> str | None:  # type: ignore[type-arg]
    for entry in entries:
        if entry.id == ident:
            name: str | None = entry.name
            return name
    return None


def _away_html(scenario: Scenario, trip: Trip) -> list[str]:
    """Where a vehicle loads away from its base, and the empty drive there."""
    if trip.base == trip.warehouse:
        return []
    where = _name(_lookup_name(scenario.warehouses, trip.warehouse), trip.warehouse)
    text = f"Load at 装车仓库: {where}"
    if trip.empty_km:
        text += f" · drive there empty first 先空驶前往: {trip.empty_km:.1f} km"
    return [f'<p class="away">{text}</p>']


def _trip_html(scenario: Scenario, plan: Plan, trip: Trip, number: int) -> str:
    items = {i.id: i for i in scenario.items}
    areas = {a.id: a for a in scenario.areas}
    load = trip_load(trip)
    out = [
        f"<h2>Trip 车次 {number}: load 装车 {format_hours(trip.load_start_hours)} · "
        f"depart 出发 {format_hours(trip.depart_hours)} · "
        f"return 返回 {format_hours(trip.return_hours)}"
        f" · {trip.distance_km:.1f} km</h2>",
        *_away_html(scenario, trip),
        "<table><thead><tr><th>Item 物资</th><th>Quantity 数量</th><th>Weight 重量 (kg)</th>"
        "<th>Volume 体积 (m³)</th></tr></thead><tbody>",
    ]
    total_kg = total_m3 = 0.0
    for item_id, qty in load.items():
        item = items.get(item_id)
        kg = qty * item.weight_kg if item else 0.0
        m3 = qty * item.volume_m3 if item else 0.0
        total_kg += kg
        total_m3 += m3
        out.append(
            f'<tr><td>{_name(item.name if item else None, item_id)}</td><td class="num">{qty}</td>'
            f'<td class="num">{kg:,.0f}</td><td class="num">{m3:,.2f}</td></tr>'
        )
    capacity = ""
    try:
        vt = scenario.vehicle_type(trip.vehicle_type)
        share = f"{total_kg / vt.capacity_kg:.0%} / {total_m3 / vt.capacity_m3:.0%}"
        capacity = f" ({share} of capacity 载重/容积)"
    except KeyError:
        pass
    out.append(
        f'<tr><th>Total 合计{capacity}</th><td></td><td class="num">{total_kg:,.0f}</td>'
        f'<td class="num">{total_m3:,.2f}</td></tr></tbody></table>'
    )
    out.append(
        "<table><thead><tr><th>#</th><th>Area 受灾点</th><th>Arrive 到达</th>"
        "<th>Unload 卸货 (h)</th><th>Deliver 交付</th><th>Received 签收</th></tr></thead><tbody>"
    )
    for order, stop in enumerate(trip.stops, start=1):
        area = areas.get(stop.area)
        late = stop.arrive_hours > plan.deadline_hours + DEADLINE_EPS_H
        arrive = format_hours(stop.arrive_hours)
        arrive_html = f'<span class="late">{arrive} late 超时</span>' if late else arrive
        goods = ", ".join(
            f"{_name(items[i].name if i in items else None, i)} × {q}"
            for i, q in stop.deliver.items()
        )
        unload = f"{area.unloading_hours:.2f}" if area else ""
        out.append(
            f"<tr><td>{order}</td><td>{_name(area.name if area else None, stop.area)}</td>"
            f'<td>{arrive_html}</td><td class="num">{unload}</td><td>{goods}</td><td></td></tr>'
        )
    if trip.transfer is not None:
        dest = trip.transfer.warehouse
        goods = ", ".join(
            f"{_name(items[i].name if i in items else None, i)} × {q}"
            for i, q in trip.transfer.deliver.items()
        )
        where = _name(_lookup_name(scenario.warehouses, dest), dest)
        out.append(
            f"<tr><td>1</td><td>Stock transfer to 调拨至仓库 {where}</td>"
            f"<td>{format_hours(trip.transfer.arrive_hours)}</td><td></td><td>{goods}</td>"
            "<td></td></tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)
