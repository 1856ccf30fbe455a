"""Which reasons for a shortfall the state at ``now_hours`` bears out (contract §2 on a revision).

The reading shared with the checker (docs/replan.md "Unmet"): the *holders*
of an item are the warehouses not out of action with some of it left after
the under-way trips loaded (the changed stock less those loads; orders kept
or planned are not subtracted). Their vehicles are the ones still usable:
not down, withdrawn or stranded. Roads are those of ``now_hours``.

- ``unreachable``: no holder has a road to the area;
- ``deadline``: a holder has a road, but none can arrive by the earliest due
  time of the (area, item)'s lots, loading at ``max(now, ready)`` with the
  fastest vehicle type it bases;
- ``fleet``: no trip that is not under way reaches the area by the latest
  due time of a lot left short with room for one more unit, from a
  warehouse with some of the item left after the plan;
- ``stock`` and ``not_served``: whenever a holder has a road (``stock``
  also when there is no holder at all).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from ..model import Operation, Trip, UnmetReason, demand_lots, fill_lots
from .legs import Legs
from .state import trip_load


class Reasons:
    """The reasons each (area, item) short may be given, judged on the state at now.

    Parameters
    ----------
    op
        The operation (vehicles stranded count as withdrawn in ``op.retired``).
    legs
        Travel on the roads of each moment.
    stock_left
        Units per (warehouse, item) after the under-way trips loaded.
    trips
        Every trip of the revision.
    frozen
        Indices in ``trips`` of the under-way trips.
    """

    def __init__(
        self,
        op: Operation,
        legs: Legs,
        stock_left: Mapping[tuple[str, str], int],
        trips: Sequence[Trip],
        frozen: set[int],
    ) -> None:
        self._op, self._legs = op, legs
        self._travel = legs.travel_at(op.now_hours)
        scenario = op.changed
        self._w_idx = {w.id: idx for idx, w in enumerate(scenario.warehouses)}
        self._stock = {
            key: qty for key, qty in stock_left.items() if qty > 0 and key[0] not in op.out
        }
        gone = Counter(
            tuple(v.split("/")[:2]) for v in {*op.down, *op.retired} if v.count("/") == 2
        )
        self._types = {
            w.id: [t for t, n in w.fleet.items() if n - gone[w.id, t] > 0]
            for w in scenario.warehouses
            if w.id not in op.out
        }
        self._dues: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
        for lot in demand_lots(scenario):
            self._dues[lot.area, lot.item].append(lot.due_hours)
        fill = fill_lots(scenario, list(trips))
        self._room_due: defaultdict[tuple[str, str], float] = defaultdict(lambda: -math.inf)
        for lot in demand_lots(scenario):
            if fill.filled.get(lot, 0) < lot.quantity:
                key = (lot.area, lot.item)
                self._room_due[key] = max(self._room_due[key], lot.due_hours)
        #: Positions in ``trips`` of the under-way trips.
        self.frozen = frozenset(frozen)
        self._trips = [t for idx, t in enumerate(trips) if idx not in frozen]
        left: Counter[tuple[str, str]] = Counter(self._stock)
        for trip in self._trips:
            for item, qty in trip_load(trip).items():
                left[trip.warehouse, item] -= qty
        self._left = left
        self._holders: defaultdict[str, list[str]] = defaultdict(list)
        for w, i in self._stock:
            self._holders[i].append(w)
        self._connected_memo: dict[tuple[str, str], list[str]] = {}
        #: Per area, the trips not under way that stop there (the first visit), with their loads.
        self._visits: defaultdict[str, list[tuple[Trip, float, dict[str, int]]]] = defaultdict(list)
        for trip in self._trips:
            load = trip_load(trip)
            seen: set[str] = set()
            for stop in trip.stops:
                if stop.area not in seen:
                    seen.add(stop.area)
                    self._visits[stop.area].append((trip, stop.arrive_hours, load))

    def _connected(self, area: str, item: str) -> list[str]:
        key = (area, item)
        if key not in self._connected_memo:
            site = self._legs.area_site(area)
            self._connected_memo[key] = [
                w
                for w in self._holders.get(item, [])
                if self._travel.road_from_warehouse(self._w_idx[w], site)
            ]
        return self._connected_memo[key]

    def binding(self, area: str, item: str) -> UnmetReason | None:
        """``stock`` (no holder), ``unreachable`` (no holder has a road), else ``None``."""
        if not self._holders.get(item):
            return UnmetReason.STOCK
        if not self._connected(area, item):
            return UnmetReason.UNREACHABLE
        return None

    def allows(self, area: str, item: str, reason: UnmetReason) -> bool:
        """Whether the state at now bears out ``reason`` for this (area, item)."""
        bound = self.binding(area, item)
        if bound is not None:
            return reason in (UnmetReason.STOCK, UnmetReason.UNREACHABLE) and (
                reason is UnmetReason.STOCK or bound is UnmetReason.UNREACHABLE
            )
        if reason is UnmetReason.UNREACHABLE:
            return False
        if reason is UnmetReason.DEADLINE:
            return not self._in_time(area, item)
        if reason is UnmetReason.FLEET:
            return not self._visited_with_room(area, item)
        return True

    def _in_time(self, area: str, item: str) -> bool:
        """A holder's vehicles can arrive by the earliest due time of the (area, item)."""
        due = min(self._dues.get((area, item), [self._op.changed.deadline_hours]))
        site = self._legs.area_site(area)
        for w in self._connected(area, item):
            warehouse = self._op.changed.warehouse(w)
            based = self._types.get(w, [])
            if not based:
                continue
            fastest = min(float(self._travel.duration_h[t][self._w_idx[w], site]) for t in based)
            start = max(warehouse.ready_hours, self._op.now_hours)
            if start + warehouse.loading_hours + fastest <= due:
                return True
        return False

    def _visited_with_room(self, area: str, item: str) -> bool:
        """A trip not under way reaches the area in time with room for one more unit."""
        scenario = self._op.changed
        items = {i.id: i for i in scenario.items}
        types = {vt.id: vt for vt in scenario.vehicle_types}
        latest = self._room_due[area, item]
        for trip, arrive_h, load in self._visits.get(area, []):
            if arrive_h > latest or self._left[trip.warehouse, item] <= 0:
                continue
            kg = sum(q * items[i].weight_kg for i, q in load.items())
            m3 = sum(q * items[i].volume_m3 for i, q in load.items())
            vtype = types[trip.vehicle_type]
            if (
                kg + items[item].weight_kg <= vtype.capacity_kg
                and m3 + items[item].volume_m3 <= vtype.capacity_m3
            ):
                return True
        return False

    def fallback(self, area: str, item: str) -> UnmetReason:
        """The reason to give when another is not borne out.

        ``stock`` or ``unreachable`` when one binds; else ``stock`` when every
        holder with a road has none left after the plan; else ``not_served``.
        """
        bound = self.binding(area, item)
        if bound is not None:
            return bound
        if all(self._left[w, item] <= 0 for w in self._connected(area, item)):
            return UnmetReason.STOCK
        return UnmetReason.NOT_SERVED
