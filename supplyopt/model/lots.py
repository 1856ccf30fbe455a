"""Demand lots: units of an area's demand that fall due at their own time.

Contract §2 measures every unit against one ``deadline_hours``. During an
operation (contract §6) demand arrives later: 800 more people reported at
hour 2 are promised their tents by hour 2 + deadline. An area records such
units as *lots* (``Area.lots``): each names an item, a quantity and its
``due_hours``, and is part of the area's ``demand`` for that item; what the
lots of an item leave of ``demand`` is due at ``deadline_hours``.

:func:`demand_lots` lists every lot in force; :func:`fill_lots` counts a
plan's units against them, earliest due first, which is what the KPIs count
as on time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .scenario import Area, DemandLot

if TYPE_CHECKING:
    from .plan import Trip
    from .scenario import Scenario

#: A unit arriving this little after its due time (float noise) is still on time.
DUE_EPS_H = 1e-9


@dataclass(frozen=True)
class Lot:
    """Units of one item an area needs by ``due_hours``."""

    area: str
    item: str
    quantity: int
    due_hours: float


def demand_lots(scenario: Scenario) -> list[Lot]:
    """Every demand lot in force, per area and item in file order, earliest due first.

    An (area, item) without lots is one lot of its whole demand due at
    ``deadline_hours``; with lots, the remainder of the demand is that lot.
    """
    lots: list[Lot] = []
    for area in scenario.areas:
        # Units per item and due time (lots due at the same time are one lot).
        due: defaultdict[str, defaultdict[float, int]] = defaultdict(lambda: defaultdict(int))
        for lot in area.lots:
            due[lot.item][lot.due_hours] += lot.quantity
        for item_id, demand in area.demand.items():
            parts = due[item_id]
            rest = demand - sum(parts.values())
            if rest > 0:
                parts[scenario.deadline_hours] += rest
            lots += [
                Lot(area.id, item_id, qty, hours) for hours, qty in sorted(parts.items()) if qty > 0
            ]
    return lots


def has_lots(scenario: Scenario) -> bool:
    """True when some area carries a lot (so due times differ from ``deadline_hours``)."""
    return any(area.lots for area in scenario.areas)


@dataclass(frozen=True)
class LotFill:
    """What a plan's units fill.

    Attributes
    ----------
    on_time
        Per (area, item): units that fill a lot by its due time (at most the demand).
    on_time_units
        Units arriving on time: those filling a lot by its due time, plus units
        beyond every lot that arrive by ``deadline_hours`` (so a scenario
        without lots counts exactly as contract §2 says).
    filled
        Per lot (as listed by :func:`demand_lots`): units filling it on time.
    """

    on_time: Mapping[tuple[str, str], int]
    on_time_units: int
    filled: Mapping[Lot, int]


def fill_lots(scenario: Scenario, trips: Iterable[Trip]) -> LotFill:
    """Count units against the demand lots, each delivery in arrival order.

    A delivery fills the lot with the earliest due time not before its
    arrival that still has room; what is left fills nothing on time (a lot
    whose due time it missed, or nothing at all). Earliest-due-first is the
    most on-time units any assignment can count, so the figure does not
    depend on which lot a planner "meant" a unit for.
    """
    arrivals: defaultdict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for trip in trips:
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                if qty > 0:
                    arrivals[stop.area, item_id].append((stop.arrive_hours, qty))
    lots_of: defaultdict[tuple[str, str], list[Lot]] = defaultdict(list)
    for lot in demand_lots(scenario):
        lots_of[lot.area, lot.item].append(lot)
    on_time: dict[tuple[str, str], int] = {}
    filled: dict[Lot, int] = {}
    on_time_units = 0
    for key, deliveries in arrivals.items():
        lots = lots_of.get(key, [])
        room = [lot.quantity for lot in lots]
        got = 0
        for arrive_h, qty in sorted(deliveries):
            for pos, lot in enumerate(lots):
                if qty == 0:
                    break
                if room[pos] > 0 and arrive_h <= lot.due_hours + DUE_EPS_H:
                    take = min(qty, room[pos])
                    room[pos] -= take
                    qty -= take
                    got += take
                    filled[lot] = filled.get(lot, 0) + take
            # Beyond every lot: on time as contract §2 counts it, by the deadline.
            if qty and not any(room) and arrive_h <= scenario.deadline_hours + DUE_EPS_H:
                on_time_units += qty
        on_time[key] = got
        on_time_units += got
    return LotFill(on_time=on_time, on_time_units=on_time_units, filled=filled)


def lot_totals(lots: Iterable[Lot]) -> dict[tuple[str, str], int]:
    """Units per (area, item) over these lots."""
    totals: defaultdict[tuple[str, str], int] = defaultdict(int)
    for lot in lots:
        totals[lot.area, lot.item] += lot.quantity
    return dict(totals)


def set_total(
    area: Area, item: str, total: int, *, deadline_hours: float, due_hours: float
) -> Area:
    """The area with its demand for ``item`` set to ``total``, lots kept consistent.

    Units added are one lot due at ``due_hours``; a lowered total removes the
    latest-due units first, so what is left keeps its due times. An
    unchanged total changes nothing.

    Parameters
    ----------
    area
        The area as it is (not modified).
    item
        The item whose total changes.
    total
        The new demand total.
    deadline_hours
        The scenario's deadline: the due time of demand outside every lot.
    due_hours
        The due time of added units.
    """
    parts: defaultdict[float, int] = defaultdict(int)
    for lot in area.lots:
        if lot.item == item:
            parts[lot.due_hours] += lot.quantity
    current = area.demand.get(item, 0)
    rest = current - sum(parts.values())
    if rest > 0:
        parts[deadline_hours] += rest
    if total > current:
        parts[due_hours] += total - current
    else:
        cut = current - total
        for hours in sorted(parts, reverse=True):
            take = min(cut, parts[hours])
            parts[hours] -= take
            cut -= take
    others = [lot for lot in area.lots if lot.item != item]
    own = [
        DemandLot(item=item, quantity=qty, due_hours=hours)
        for hours, qty in sorted(parts.items())
        if qty > 0 and hours != deadline_hours
    ]
    return area.model_copy(update={"demand": {**area.demand, item: total}, "lots": others + own})
