"""CSV loading manifests: what goes on which truck, for which stop.

One row per trip × stop × item, in loading order (stop order within each
trip), so a warehouse crew can load the last stop's goods first if they
wish. Files are UTF-8; names are kept unchanged. A stock transfer (an
extension) has one row per item with ``stop_order`` 1, ``area`` the receiving
warehouse's id, ``area_name`` saying it is a transfer to it, and the
transfer's ``arrive_hours``.
"""

from __future__ import annotations

import csv
import io

from ..model import Plan, Scenario

COLUMNS = (
    "vehicle",
    "vehicle_type",
    "trip",
    "warehouse",
    "load_start_hours",
    "depart_hours",
    "stop_order",
    "area",
    "area_name",
    "arrive_hours",
    "item",
    "item_name",
    "quantity",
    "weight_kg",
    "volume_m3",
)


def manifest_rows(
    scenario: Scenario, plan: Plan, *, vehicle: str | None = None
) -> list[dict[str, object]]:
    """Manifest rows for every vehicle, or only ``vehicle``.

    Parameters
    ----------
    scenario
        Gives item weights, volumes and display names.
    plan
        The plan whose trips are listed.
    vehicle
        When given, only that vehicle's trips.

    Returns
    -------
    list of dict
        Keys are :data:`COLUMNS`; ``trip`` counts the vehicle's trips from 1.
    """
    items = {item.id: item for item in scenario.items}
    areas = {area.id: area for area in scenario.areas}
    rows: list[dict[str, object]] = []
    trip_no: dict[str, int] = {}
    for trip in sorted(plan.trips, key=lambda t: (t.vehicle, t.load_start_hours)):
        trip_no[trip.vehicle] = trip_no.get(trip.vehicle, 0) + 1
        if vehicle is not None and trip.vehicle != vehicle:
            continue
        visits = [(s.area, areas.get(s.area), s.arrive_hours, s.deliver) for s in trip.stops]
        if trip.transfer is not None:
            dest = trip.transfer
            visits.append((dest.warehouse, None, dest.arrive_hours, dest.deliver))
        for order, (place, area, arrive_h, deliver) in enumerate(visits, start=1):
            if area is None and trip.transfer is not None:
                area_name = f"stock transfer to warehouse {_warehouse_name(scenario, place)}"
            else:
                area_name = area.name if area and area.name else ""
            for item_id, qty in deliver.items():
                item = items.get(item_id)
                rows.append(
                    {
                        "vehicle": trip.vehicle,
                        "vehicle_type": trip.vehicle_type,
                        "trip": trip_no[trip.vehicle],
                        "warehouse": trip.warehouse,
                        "load_start_hours": round(trip.load_start_hours, 2),
                        "depart_hours": round(trip.depart_hours, 2),
                        "stop_order": order,
                        "area": place,
                        "area_name": area_name,
                        "arrive_hours": round(arrive_h, 2),
                        "item": item_id,
                        "item_name": item.name if item and item.name else "",
                        "quantity": qty,
                        "weight_kg": round(qty * item.weight_kg, 3) if item else "",
                        "volume_m3": round(qty * item.volume_m3, 4) if item else "",
                    }
                )
    return rows


def manifest_csv(scenario: Scenario, plan: Plan, *, vehicle: str | None = None) -> str:
    """Write the manifest as CSV text with a header row (see :func:`manifest_rows`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(manifest_rows(scenario, plan, vehicle=vehicle))
    return buffer.getvalue()


def vehicles(plan: Plan) -> list[str]:
    """Ids of the vehicles that make at least one trip, sorted."""
    return sorted({trip.vehicle for trip in plan.trips})


def _warehouse_name(scenario: Scenario, warehouse_id: str) -> str:
    """A warehouse's display name, else its id."""
    found = next((w for w in scenario.warehouses if w.id == warehouse_id), None)
    return found.name if found is not None and found.name else warehouse_id
