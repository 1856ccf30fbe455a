"""What a readiness job runs: the region on the live inventory, every sample planned in full.

A readiness job's ``request`` holds the region without warehouses; when a
worker claims it, :func:`start_readiness` puts the service's warehouses in
(position, fleet, times and their available stock at that moment, recorded
in ``inventory_used``) and, unless the request lists items, the catalogue's
items. :class:`ReadinessWork` plans samples ``0 … samples-1`` one after the
other in the worker's thread (the samples' results do not depend on where
they run), then, with a move budget, recommends transfers and plans the
samples again with them (the first run is the "before").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplyopt.model import SupplyOptError
from supplyopt.readiness import Region, RegionError, parse_region

from .core.tables import ItemRow, ReadinessJobRow, WarehouseRow
from .inventory import available_stock
from .leases import fail_at_start
from .solving import ProgressFn, ReplanFn, SolveFn, StopFn


class ReadinessStoppedError(SupplyOptError):
    """The job was cancelled (or its lease lost) between two samples."""


def catalogue_items(session: Session) -> list[dict[str, Any]]:
    """The service's items in the scenario file format, by id."""
    items = []
    for row in session.scalars(select(ItemRow).order_by(ItemRow.id)):
        item: dict[str, Any] = {
            "id": row.id,
            "weight_kg": row.weight_kg,
            "volume_m3": row.volume_m3,
        }
        if row.name is not None:
            item["name"] = row.name
        if row.names:
            item["names"] = dict(row.names)
        items.append(item)
    return items


def live_region_data(
    session: Session, region: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """The region data with the service's warehouses and available stock; and that stock.

    The region's ``items`` are kept when it lists them (live stock of other
    items is then left out); otherwise the catalogue's items are used.
    """
    data = dict(region)
    if "items" not in data:
        data["items"] = catalogue_items(session)
    items = data["items"] if isinstance(data["items"], list) else []
    item_ids = [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]
    rows = list(session.scalars(select(WarehouseRow).order_by(WarehouseRow.id)))
    live = available_stock(session, [row.id for row in rows])
    used = {
        row.id: {i: max(live[row.id].get(i, 0), 0) for i in item_ids if live[row.id].get(i, 0) > 0}
        for row in rows
    }
    data["warehouses"] = [_warehouse(row, used[row.id]) for row in rows]
    return data, used


def _warehouse(row: WarehouseRow, stock: dict[str, int]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "lat": row.lat,
        "lon": row.lon,
        "stock": dict(stock),
        "fleet": {k: int(v) for k, v in row.fleet.items()},
        "ready_hours": row.ready_hours,
        "loading_hours": row.loading_hours,
    }
    if row.name is not None:
        data["name"] = row.name
    if row.loading_bays is not None:
        data["loading_bays"] = row.loading_bays
    return data


@dataclass(frozen=True)
class ReadinessWork:
    """A started readiness job: the region (live stock in), which samples, the move budget."""

    region: Region
    samples: int
    seed: int
    time_limit_s: float
    move_budget_units: int | None = None

    def run(
        self, solve: SolveFn, replan: ReplanFn, progress: ProgressFn, should_stop: StopFn
    ) -> dict[str, Any]:
        """Plan every sample (then, with a budget, the samples with the moves); the result.

        The result is ``{"readiness": <contract §7 JSON>, "preposition":
        <contract §7 moves JSON> or null, "map": <positions>}``. ``solve`` and ``replan`` (the
        worker's plan functions) are not used: each sample is planned by the
        library's readiness runner, with its fixed work budget.
        """
        from supplyopt.readiness import readiness_result, run_samples
        from supplyopt.readiness.preposition import recommend_moves

        total = self.samples * (2 if self.move_budget_units else 1)

        def counted(offset: int) -> Any:
            def report(done: int, _of: int) -> None:
                if should_stop():
                    raise ReadinessStoppedError("stopped between two samples")
                progress((offset + done) / total, f"{offset + done}/{total} samples planned")

            return report

        progress(0.0, f"0/{total} samples planned")
        outcomes = run_samples(
            self.region,
            samples=self.samples,
            seed=self.seed,
            time_limit_s=self.time_limit_s,
            workers=1,
            progress=counted(0),
        )
        result = readiness_result(self.region, self.seed, outcomes, time_limit_s=self.time_limit_s)
        moves = None
        if self.move_budget_units:
            found = recommend_moves(
                self.region,
                budget_units=self.move_budget_units,
                samples=self.samples,
                seed=self.seed,
                time_limit_s=self.time_limit_s,
                workers=1,
                progress=counted(self.samples),
                outcomes_before=outcomes,
            )
            moves = found.to_json()
        return {"readiness": result, "preposition": moves, "map": map_of(self.region)}


def map_of(region: Region) -> dict[str, Any]:
    """Positions (and names, populations) of the region's settlements and warehouses."""
    scenario = region.scenario
    return {
        "settlements": [
            {"id": a.id, "name": a.name, "lat": a.lat, "lon": a.lon, "population": a.population}
            for a in scenario.areas
        ],
        "warehouses": [
            {"id": w.id, "name": w.name, "lat": w.lat, "lon": w.lon} for w in scenario.warehouses
        ],
    }


def start_readiness(session: Session, job: ReadinessJobRow) -> ReadinessWork | None:
    """Return what a just-claimed readiness job runs; or fail the job (and return None).

    Called in the claiming transaction: the live warehouses and stock are read
    there and recorded in ``inventory_used``.
    """
    data, used = live_region_data(session, job.request["region"])
    job.inventory_used = used
    try:
        region = parse_region(data)
    except RegionError as err:
        # Live warehouses can make a valid submitted region invalid: say where.
        fail_at_start(job, f"with the live warehouses: {err}")
        return None
    return ReadinessWork(region, job.samples, job.seed, job.time_limit_s, job.move_budget_units)
