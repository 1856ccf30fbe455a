"""The ledger of a revision: which demand lots the trips decided so far fill.

Re-planning decides trips piece by piece (fixed stops, revised remainders,
kept orders, then new trips). The ledger holds every delivery decided so
far, tagged by who makes it, and answers what one more delivery would add:
units filling a lot on time, counted exactly as
:func:`~supplyopt.model.fill_lots` counts them (per area and item, each
delivery in arrival order fills the earliest-due lot with room it reaches
in time). A tag can be withdrawn, so a remainder can be weighed against
everyone else's deliveries but its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from ..model import Lot, Scenario, Stop, demand_lots
from ..model.lots import DUE_EPS_H

Key = tuple[str, str]
#: One delivery: area, item, arrival hour, units.
Delivery = tuple[str, str, float, int]


@dataclass(frozen=True)
class UnitValue:
    """What one unit delivered on time adds to the weighted on-time coverage.

    ``per_key[(area, item)]`` is the area's priority over the item's
    priority-weighted total demand, divided by the number of items with
    demand (the planner's ``Instance.value``, for the whole operation).
    """

    per_key: Mapping[Key, float]

    @classmethod
    def of(cls, scenario: Scenario) -> UnitValue:
        """The values of ``scenario``'s units."""
        weighted: defaultdict[str, float] = defaultdict(float)
        for area in scenario.areas:
            for item, qty in area.demand.items():
                weighted[item] += area.priority * qty
        demanded = [item for item, total in weighted.items() if total > 0]
        per_key = {
            (area.id, item): area.priority / weighted[item] / len(demanded)
            for area in scenario.areas
            for item, qty in area.demand.items()
            if qty > 0
        }
        return cls(per_key)

    def __call__(self, area: str, item: str) -> float:
        """Value of one unit of ``item`` at ``area`` on time (0 without demand)."""
        return self.per_key.get((area, item), 0.0)


def stop_deliveries(stops: Iterable[Stop]) -> list[Delivery]:
    """The deliveries of these stops."""
    return [
        (stop.area, item, stop.arrive_hours, qty)
        for stop in stops
        for item, qty in stop.deliver.items()
        if qty > 0
    ]


class Ledger:
    """Deliveries decided so far and the lots they fill.

    Parameters
    ----------
    scenario
        The operation's changed scenario (its lots and demand totals).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.value = UnitValue.of(scenario)
        self._lots: defaultdict[Key, list[Lot]] = defaultdict(list)
        for lot in demand_lots(scenario):
            self._lots[lot.area, lot.item].append(lot)
        self._demand = {
            (area.id, item): qty for area in scenario.areas for item, qty in area.demand.items()
        }
        self._by_key: defaultdict[Key, dict[Hashable, list[tuple[float, int]]]] = defaultdict(dict)
        self._keys_of: defaultdict[Hashable, set[Key]] = defaultdict(set)
        self._filled: dict[Key, list[int]] = {}  # per key, what the recorded deliveries fill
        #: Per key, the latest due time of a lot with room left, or None when the
        #: demand allows nothing more (derived from ``_filled``, dropped with it).
        self._open: dict[Key, float | None] = {}

    def add(self, tag: Hashable, deliveries: Iterable[Delivery]) -> None:
        """Record deliveries under ``tag`` (added to what the tag already has)."""
        for area, item, arrive_h, qty in deliveries:
            self._by_key[area, item].setdefault(tag, []).append((arrive_h, qty))
            self._keys_of[tag].add((area, item))
            self._filled.pop((area, item), None)
            self._open.pop((area, item), None)

    def remove(self, tag: Hashable) -> None:
        """Withdraw every delivery recorded under ``tag``."""
        for key in self._keys_of.pop(tag, set()):
            self._by_key[key].pop(tag, None)
            self._filled.pop(key, None)
            self._open.pop(key, None)

    def delivered(self, key: Key) -> int:
        """Units delivered to (area, item) by every recorded delivery, on time or not."""
        return sum(qty for got in self._by_key[key].values() for _, qty in got)

    def cap(self, key: Key) -> int:
        """Units (area, item) may still receive: demand less everything delivered."""
        return max(self._demand.get(key, 0) - self.delivered(key), 0)

    def _base(self, key: Key) -> list[int]:
        """Units the recorded deliveries fill in each lot of ``key`` (cached)."""
        if key not in self._filled:
            self._filled[key] = self._fill(key)
        return self._filled[key]

    def _fill(self, key: Key, extra: Iterable[tuple[float, int]] = ()) -> list[int]:
        """Units filling each lot of ``key`` (as :func:`fill_lots` matches them)."""
        lots = self._lots.get(key, [])
        room = [lot.quantity for lot in lots]
        arrivals = sorted([*(d for got in self._by_key[key].values() for d in got), *extra])
        for arrive_h, qty in arrivals:
            for pos, lot in enumerate(lots):
                if qty == 0:
                    break
                if room[pos] > 0 and arrive_h <= lot.due_hours + DUE_EPS_H:
                    take = min(qty, room[pos])
                    room[pos] -= take
                    qty -= take
        return [lot.quantity - left for lot, left in zip(lots, room, strict=True)]

    def on_time_gain(self, area: str, item: str, arrive_h: float, qty: int) -> int:
        """Units of ``qty`` arriving at ``arrive_h`` that would fill a lot on time."""
        key = (area, item)
        if qty <= 0 or key not in self._lots:
            return 0
        return sum(self._fill(key, [(arrive_h, qty)])) - sum(self._base(key))

    def gain(self, deliveries: Iterable[Delivery]) -> float:
        """Weighted on-time value these deliveries would add, all together."""
        extra: defaultdict[Key, list[tuple[float, int]]] = defaultdict(list)
        for area, item, arrive_h, qty in deliveries:
            if qty > 0:
                extra[area, item].append((arrive_h, qty))
        total = 0.0
        for key, got in extra.items():
            if key in self._lots:
                units = sum(self._fill(key, got)) - sum(self._base(key))
                total += units * self.value(*key)
        return total

    def fills_all(self, deliveries: Iterable[Delivery]) -> bool:
        """True when every unit of these deliveries would fill a lot on time."""
        extra: defaultdict[Key, list[tuple[float, int]]] = defaultdict(list)
        for area, item, arrive_h, qty in deliveries:
            extra[area, item].append((arrive_h, qty))
        for key, got in extra.items():
            wanted = sum(qty for _, qty in got)
            if wanted > self.cap(key):
                return False
            if sum(self._fill(key, got)) - sum(self._base(key)) != wanted:
                return False
        return True

    def residual(self, after_hours: float) -> list[Lot]:
        """Each lot's room left that a delivery arriving after ``after_hours`` could fill.

        Lots due by ``after_hours`` are left out (nothing new reaches them in
        time); the units of a (area, item) are at most what its demand still
        allows (deliveries that fill no lot count against the demand too),
        the earliest-due lots cut first.
        """
        return [lot for key in self._lots for lot in self._residual_of(key, after_hours)]

    def _residual_of(self, key: Key, after_hours: float) -> list[Lot]:
        lots = self._lots[key]
        filled = self._base(key)
        rooms = [
            (lot, lot.quantity - got)
            for lot, got in zip(lots, filled, strict=True)
            if lot.due_hours > after_hours and lot.quantity > got
        ]
        excess = sum(room for _, room in rooms) - self.cap(key)
        out: list[Lot] = []
        for lot, room in rooms:
            cut = min(max(excess, 0), room)
            excess -= cut
            if room - cut > 0:
                out.append(Lot(lot.area, lot.item, room - cut, lot.due_hours))
        return out

    def has_room(self, area: str, items: Iterable[str], after_hours: float) -> bool:
        """Whether ``area`` has room, in a lot due after ``after_hours``, for one of ``items``."""
        for item in items:
            key = (area, item)
            if key not in self._lots:
                continue
            if key not in self._open:
                self._open[key] = self._latest_open(key)
            latest = self._open[key]
            if latest is not None and latest > after_hours:
                return True
        return False

    def _latest_open(self, key: Key) -> float | None:
        """The latest due time of a lot of ``key`` with room, or None (no room, or no demand left).

        ``_residual_of(key, after)`` is not empty exactly when the demand still
        allows a unit and a lot due after ``after`` has room.
        """
        if self.cap(key) <= 0:
            return None
        dues = [
            lot.due_hours
            for lot, got in zip(self._lots[key], self._base(key), strict=True)
            if lot.quantity > got
        ]
        return max(dues) if dues else None
