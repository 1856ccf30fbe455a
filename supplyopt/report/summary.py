"""A readable terminal summary of a plan."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..model import Plan, Scenario, area_coverage, fill_lots, item_coverage
from ..model.kpi import DEADLINE_EPS_H
from ._format import format_share

#: How many of the worst-served areas the summary lists.
WORST_AREAS = 5


def _label(entry_id: str, name: str | None) -> str:
    return f"{name} ({entry_id})" if name and name != entry_id else entry_id


def summary_renderable(scenario: Scenario, plan: Plan) -> Group:
    """Headline figures, per-item coverage, worst-served areas, fleet use and unmet demand."""
    on_time = fill_lots(scenario, plan.trips).on_time
    parts: list[Text | Table] = [
        _headline(scenario, plan),
        _item_table(scenario, on_time),
        _worst_table(scenario, plan, on_time),
        _fleet_table(scenario, plan),
    ]
    parts.extend(_footer(plan))
    return Group(*parts)


def _headline(scenario: Scenario, plan: Plan) -> Text:
    """Scenario name, status, on-time units, coverage and fleet totals."""
    s = plan.summary
    return Text.assemble(
        (f"{scenario.name}", "bold"),
        f": {plan.status} plan, deadline {plan.deadline_hours:g} h\n",
        "on time: ",
        (f"{s.on_time_units:,} of {s.demand_units:,} units", "bold"),
        f"  coverage {format_share(s.coverage_on_time, 1)}  "
        f"weighted {format_share(s.weighted_coverage_on_time, 1)}  "
        f"worst area {format_share(s.min_area_coverage, 1)}\n",
        f"latest arrival {s.makespan_hours:.2f} h  vehicles used {s.vehicles_used}  "
        f"trips {len(plan.trips)}  distance {s.distance_km:,.0f} km  solved in {s.solve_seconds:.1f} s",
    )


def _item_table(scenario: Scenario, on_time: Mapping[tuple[str, str], int]) -> Table:
    """On-time units, demand and coverage per item that some area needs."""
    items = Table(title="Coverage by item", title_justify="left")
    items.add_column("item")
    items.add_column("on time", justify="right")
    items.add_column("demand", justify="right")
    items.add_column("coverage", justify="right")
    per_item = item_coverage(scenario, on_time)
    for item in scenario.items:
        need = sum(a.demand.get(item.id, 0) for a in scenario.areas)
        if need == 0:
            continue
        got = sum(
            min(on_time.get((a.id, item.id), 0), a.demand.get(item.id, 0)) for a in scenario.areas
        )
        items.add_row(
            _label(item.id, item.name), f"{got:,}", f"{need:,}", format_share(per_item[item.id], 1)
        )
    return items


def _first_arrivals(plan: Plan) -> dict[str, float]:
    """Earliest arrival (hours) at each area any trip visits."""
    first_arrival: dict[str, float] = {}
    for trip in plan.trips:
        for stop in trip.stops:
            first_arrival[stop.area] = min(
                first_arrival.get(stop.area, stop.arrive_hours), stop.arrive_hours
            )
    return first_arrival


def _worst_table(scenario: Scenario, plan: Plan, on_time: Mapping[tuple[str, str], int]) -> Table:
    """The ``WORST_AREAS`` areas with the lowest on-time coverage and what they are short of."""
    worst = Table(title=f"Worst-served areas (of {len(scenario.areas)})", title_justify="left")
    for column in ("area", "priority", "coverage", "first arrival", "short of"):
        worst.add_column(column, justify="left" if column == "area" else "right")
    coverage = area_coverage(scenario, on_time)
    first_arrival = _first_arrivals(plan)
    short: defaultdict[str, list[str]] = defaultdict(list)
    for entry in plan.unmet:
        short[entry.area].append(f"{entry.quantity:,} {entry.item} ({entry.reason.value})")
    for area_id, cov in sorted(coverage.items(), key=lambda kv: (kv[1], kv[0]))[:WORST_AREAS]:
        area = scenario.area(area_id)
        arrival = first_arrival.get(area_id)
        worst.add_row(
            _label(area.id, area.name),
            str(area.priority),
            format_share(cov, 1),
            f"{arrival:.2f} h" if arrival is not None else "-",
            "; ".join(short[area_id][:3]) + (" …" if len(short[area_id]) > 3 else "") or "-",
        )
    return worst


def _fleet_table(scenario: Scenario, plan: Plan) -> Table:
    """Per warehouse: own vehicles used, guest vehicles, trips, units shipped, last return.

    Units shipped are those for areas; stock transfers (an extension) are
    shown beside them as units moved out and in.
    """
    fleet = Table(title="Fleet use", title_justify="left")
    columns = ("warehouse", "own vehicles used", "from elsewhere", "trips", "units shipped")
    for column in (*columns, "last return"):
        fleet.add_column(column, justify="left" if column == "warehouse" else "right")
    used: defaultdict[str, set[str]] = defaultdict(set)
    guests: defaultdict[str, set[str]] = defaultdict(set)
    trips = Counter(trip.warehouse for trip in plan.trips)
    shipped: Counter[str] = Counter()
    moved_out: Counter[str] = Counter()
    moved_in: Counter[str] = Counter()
    last_return: dict[str, float] = {}
    for trip in plan.trips:
        used[trip.base].add(trip.vehicle)
        if trip.base != trip.warehouse:
            guests[trip.warehouse].add(trip.vehicle)
        shipped[trip.warehouse] += sum(q for stop in trip.stops for q in stop.deliver.values())
        if trip.transfer is not None:
            units = sum(trip.transfer.deliver.values())
            moved_out[trip.warehouse] += units
            moved_in[trip.transfer.warehouse] += units
        last_return[trip.warehouse] = max(last_return.get(trip.warehouse, 0.0), trip.return_hours)
    for wh in scenario.warehouses:
        fleet.add_row(
            _label(wh.id, wh.name),
            f"{len(used[wh.id])} / {wh.vehicle_count}",
            str(len(guests[wh.id])) if guests[wh.id] else "-",
            str(trips[wh.id]),
            f"{shipped[wh.id]:,}" + _moved_text(moved_out[wh.id], moved_in[wh.id]),
            f"{last_return[wh.id]:.2f} h" if wh.id in last_return else "-",
        )
    return fleet


def _footer(plan: Plan) -> list[Text]:
    """Lines after the tables: late returns explained, unmet units by reason, plan notes."""
    parts: list[Text] = []
    late_return = returns_after_deadline(plan)
    if late_return is not None:
        parts.append(Text(late_return))
    if plan.unmet:
        by_reason: Counter[str] = Counter()
        for entry in plan.unmet:
            by_reason[entry.reason.value] += entry.quantity
        parts.append(
            Text(
                "unmet by reason: "
                + ", ".join(f"{reason} {qty:,} units" for reason, qty in by_reason.most_common())
            )
        )
    if plan.notes:
        parts.append(Text("notes:\n" + "\n".join(f"  {note}" for note in plan.notes)))
    return parts


def returns_after_deadline(plan: Plan) -> str | None:
    """Why a vehicle back after the deadline is fine, or None when every one is back in time."""
    last = max((trip.return_hours for trip in plan.trips), default=0.0)
    if last <= plan.deadline_hours + DEADLINE_EPS_H:
        return None
    return (
        f"last return {last:.2f} h is after the {plan.deadline_hours:g} h deadline, and that is "
        "allowed: the promise is that supplies arrive by the deadline; trucks drive back to "
        "their warehouse afterwards."
    )


def print_summary(scenario: Scenario, plan: Plan, console: Console | None = None) -> None:
    """Print the plan summary to the terminal."""
    (console or Console()).print(summary_renderable(scenario, plan))


def _moved_text(out: int, into: int) -> str:
    """Units a warehouse's stock transfers took out and brought in, for the fleet table."""
    parts = ([f"{out:,} moved out"] if out else []) + ([f"{into:,} moved in"] if into else [])
    return f" ({', '.join(parts)})" if parts else ""
