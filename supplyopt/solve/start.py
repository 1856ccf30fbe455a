"""Planning from a given state: which vehicles exist, where, and from when.

Re-planning (contract §6) plans the rest of an operation with the trucks
where and when they really are: a :class:`FleetStart` lists each vehicle
with the warehouse it next loads at and when it is free, when planning may
start, and when each warehouse's loading bays are next free.
:func:`resolve_start` checks it against the scenario and turns it into
indices for the solver.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..model import Scenario


@dataclass(frozen=True)
class VehicleStart:
    """One vehicle available to the plan.

    Attributes
    ----------
    vehicle
        Its id as plans write it, ``base/type/n`` (base warehouse id,
        vehicle type id, running number from 1).
    warehouse
        The warehouse where it loads first (its base or another one).
    free_hours
        When it can start loading there at the earliest.
    """

    vehicle: str
    warehouse: str
    free_hours: float


@dataclass(frozen=True)
class FleetStart:
    """The state a plan starts from.

    Attributes
    ----------
    vehicles
        The only vehicles the plan may use.
    not_before_hours
        No loading starts earlier than this.
    bays_free_hours
        Per warehouse id, when each of its loading bays that is busy is next
        free (at most one time per bay); bays not listed, and warehouses
        not listed, are free from ``not_before_hours``. Ignored for
        warehouses without a limit on loading bays.
    """

    vehicles: tuple[VehicleStart, ...]
    not_before_hours: float = 0.0
    bays_free_hours: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class FleetVehicle:
    """A vehicle of a :class:`FleetStart` as indices.

    ``vehicle_idx`` is its running number minus one; ``warehouse_idx`` where
    it loads first, from ``free_h``.
    """

    base_idx: int
    vehicle_type_idx: int
    vehicle_idx: int
    warehouse_idx: int
    free_h: float


@dataclass(frozen=True)
class ResolvedStart:
    """A checked :class:`FleetStart` in the solver's indices.

    ``bays_free_h[w]`` lists the given bay free times of warehouse ``w``
    (empty when none are given or its bays are unlimited).
    """

    vehicles: tuple[FleetVehicle, ...]
    not_before_h: float
    bays_free_h: tuple[tuple[float, ...], ...]


def resolve_start(scenario: Scenario, start: FleetStart) -> ResolvedStart:
    """Check ``start`` against ``scenario`` and turn it into indices.

    Raises
    ------
    ValueError
        Naming the field: an unknown warehouse, a vehicle id that is not
        ``base/type/n`` with a known base and type, a vehicle listed twice,
        a negative or non-finite time, more bay times than bays.
    """
    _check_time("start.not_before_hours", start.not_before_hours)
    warehouse_idx = {w.id: idx for idx, w in enumerate(scenario.warehouses)}
    type_idx = {t.id: idx for idx, t in enumerate(scenario.vehicle_types)}
    vehicles: list[FleetVehicle] = []
    seen: set[str] = set()
    for pos, given in enumerate(start.vehicles):
        where = f"start.vehicles[{pos}]"
        if given.vehicle in seen:
            raise ValueError(f"{where}.vehicle: vehicle {given.vehicle!r} is listed twice")
        seen.add(given.vehicle)
        base, kind, number = _parse_vehicle(where, given.vehicle, warehouse_idx, type_idx)
        if given.warehouse not in warehouse_idx:
            raise ValueError(
                f"{where}.warehouse: unknown warehouse {given.warehouse!r} "
                f"(known: {', '.join(warehouse_idx)})"
            )
        _check_time(f"{where}.free_hours", given.free_hours)
        vehicles.append(
            FleetVehicle(base, kind, number - 1, warehouse_idx[given.warehouse], given.free_hours)
        )
    return ResolvedStart(
        tuple(vehicles), start.not_before_hours, _bays(scenario, start, warehouse_idx)
    )


def _bays(
    scenario: Scenario, start: FleetStart, warehouse_idx: Mapping[str, int]
) -> tuple[tuple[float, ...], ...]:
    """Given bay free times per warehouse index, checked."""
    out: list[tuple[float, ...]] = [() for _ in scenario.warehouses]
    for w_id, times in start.bays_free_hours.items():
        where = f"start.bays_free_hours[{w_id!r}]"
        if w_id not in warehouse_idx:
            raise ValueError(
                f"{where}: unknown warehouse {w_id!r} (known: {', '.join(warehouse_idx)})"
            )
        for pos, hours in enumerate(times):
            _check_time(f"{where}[{pos}]", hours)
        n_bays = scenario.warehouses[warehouse_idx[w_id]].loading_bays
        if n_bays is None:
            continue
        if len(times) > n_bays:
            raise ValueError(
                f"{where}: {len(times)} free times for {n_bays} loading bays (at most one a bay)"
            )
        out[warehouse_idx[w_id]] = tuple(times)
    return tuple(out)


def _parse_vehicle(
    where: str, vehicle: str, warehouse_idx: Mapping[str, int], type_idx: Mapping[str, int]
) -> tuple[int, int, int]:
    """(base index, type index, running number) of a ``base/type/n`` vehicle id.

    Ids may themselves contain ``/``: the known (warehouse, type) pairs decide.
    """
    head, _, tail = vehicle.rpartition("/")
    if not head or not tail.isdigit() or int(tail) < 1:
        raise ValueError(
            f"{where}.vehicle: {vehicle!r} is not a vehicle id 'base/type/n' "
            "(n a running number from 1)"
        )
    for type_id, k in type_idx.items():
        base = head.removesuffix(f"/{type_id}")
        if base != head and base in warehouse_idx:
            return warehouse_idx[base], k, int(tail)
    base, _, type_id = head.rpartition("/")
    if type_id not in type_idx:
        raise ValueError(
            f"{where}.vehicle: unknown vehicle type {type_id!r} in {vehicle!r} "
            f"(known: {', '.join(type_idx)})"
        )
    raise ValueError(
        f"{where}.vehicle: unknown base warehouse {base!r} in {vehicle!r} "
        f"(known: {', '.join(warehouse_idx)})"
    )


def _check_time(where: str, hours: float) -> None:
    if not (isinstance(hours, int | float) and math.isfinite(hours) and hours >= 0):
        raise ValueError(f"{where}: must be a finite number of hours >= 0 (got {hours!r})")
