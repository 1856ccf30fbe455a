"""Per-area results of a plan: arrivals, coverage per item, what is unmet and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Plan, Scenario, Unmet, count_deliveries, fill_lots


@dataclass(frozen=True)
class ItemResult:
    """One item at one area: asked for, delivered, delivered by the deadline."""

    item: str
    demand: int
    delivered: int
    on_time: int

    @property
    def coverage(self) -> float:
        """On-time units, counted up to demand, over demand (1.0 when nothing is asked)."""
        return min(self.on_time, self.demand) / self.demand if self.demand else 1.0


@dataclass(frozen=True)
class AreaResult:
    """An area's outcome under a plan."""

    area: str
    name: str | None
    lat: float
    lon: float
    priority: int
    population: int | None
    items: list[ItemResult]
    arrivals_hours: list[float]
    unmet: list[Unmet] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        """Mean on-time coverage over demanded items; None without demand (contract §2)."""
        ratios = [r.coverage for r in self.items if r.demand > 0]
        return sum(ratios) / len(ratios) if ratios else None

    @property
    def first_arrival_hours(self) -> float | None:
        """Earliest stop at this area, if any."""
        return min(self.arrivals_hours, default=None)

    @property
    def last_arrival_hours(self) -> float | None:
        """Latest stop at this area, if any."""
        return max(self.arrivals_hours, default=None)


def area_results(scenario: Scenario, plan: Plan) -> list[AreaResult]:
    """One :class:`AreaResult` per scenario area, in scenario order."""
    delivered = count_deliveries(plan.trips, plan.deadline_hours)
    on_time = fill_lots(scenario, plan.trips).on_time  # against each lot's due time
    arrivals: dict[str, list[float]] = {}
    for trip in plan.trips:
        for stop in trip.stops:
            arrivals.setdefault(stop.area, []).append(stop.arrive_hours)
    results = []
    for area in scenario.areas:
        item_ids = [i for i in scenario.item_ids if area.demand.get(i, 0) > 0]
        item_ids += sorted({i for (a, i) in delivered.total if a == area.id and i not in item_ids})
        items = [
            ItemResult(
                item=item_id,
                demand=area.demand.get(item_id, 0),
                delivered=delivered.total.get((area.id, item_id), 0),
                on_time=on_time.get((area.id, item_id), 0),
            )
            for item_id in item_ids
        ]
        results.append(
            AreaResult(
                area=area.id,
                name=area.name,
                lat=area.lat,
                lon=area.lon,
                priority=area.priority,
                population=area.population,
                items=items,
                arrivals_hours=sorted(arrivals.get(area.id, [])),
                unmet=[u for u in plan.unmet if u.area == area.id],
            )
        )
    return results
