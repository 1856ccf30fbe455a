"""Float → integer conversion for the routing engine, in one place.

The engine works on integers. Real-valued inputs are multiplied by a factor
and rounded in the direction that keeps a solution feasible in reality:

- travel and service durations, demands: rounded **up**;
- time-window openings: rounded **up**; closings, capacities and limits: rounded **down**;
- distances used only as a cost: rounded to the nearest integer.

So any schedule the engine considers feasible is also feasible with the real
values (the engine's arrival times are never earlier than the real ones, its
windows never wider).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Products within this relative distance of an integer are snapped to it, so
#: that ``0.1 h × 3600`` becomes 360 rather than 361 through float noise.
_SNAP_REL = 1e-9


def _snap(scaled: NDArray[np.float64]) -> NDArray[np.float64]:
    nearest = np.round(scaled)
    close = np.abs(scaled - nearest) <= _SNAP_REL * np.maximum(1.0, np.abs(scaled))
    return np.where(close, nearest, scaled)


def _ceil(values: ArrayLike, factor: float) -> NDArray[np.int64]:
    scaled = _snap(np.asarray(values, dtype=np.float64) * factor)
    return np.ceil(scaled).astype(np.int64)


def _floor(values: ArrayLike, factor: float) -> NDArray[np.int64]:
    scaled = _snap(np.asarray(values, dtype=np.float64) * factor)
    return np.floor(scaled).astype(np.int64)


@dataclass(frozen=True)
class Scaling:
    """Integer resolution of time, distance and amounts for the engine.

    Parameters
    ----------
    time_factor
        Engine time units per real time unit (3600 turns hours into seconds).
    distance_factor
        Engine distance units per real distance unit (1000 turns km into metres).
    amount_factor
        Engine load units per real load unit (1 for whole units).
    """

    time_factor: float = 1.0
    distance_factor: float = 1.0
    amount_factor: float = 1.0

    def __post_init__(self) -> None:
        for name in ("time_factor", "distance_factor", "amount_factor"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"Scaling.{name}: must be a positive finite number, got {value}")

    @classmethod
    def hours_km(cls, *, resolution_s: float = 1.0, resolution_m: float = 1.0) -> Scaling:
        """Scaling for hours and kilometres (the relief planner's units).

        Parameters
        ----------
        resolution_s
            One engine time unit, in seconds (default one second).
        resolution_m
            One engine distance unit, in metres (default one metre).
        """
        return cls(time_factor=3600.0 / resolution_s, distance_factor=1000.0 / resolution_m)

    # -- time ---------------------------------------------------------------
    def durations(self, duration: ArrayLike) -> NDArray[np.int64]:
        """Travel or service durations, rounded up."""
        return _ceil(duration, self.time_factor)

    def duration(self, duration: float) -> int:
        """One travel or service duration, rounded up."""
        return int(self.durations(duration))

    def time_early(self, time: float) -> int:
        """Scale the opening of a time window (earliest start), rounding up."""
        return int(_ceil(time, self.time_factor))

    def time_late(self, time: float) -> int:
        """Scale the closing of a time window or a duration limit, rounding down."""
        return int(_floor(time, self.time_factor))

    def to_time(self, engine_time: int) -> float:
        """Convert an engine time back to real units."""
        return engine_time / self.time_factor

    # -- distance -------------------------------------------------------------
    def distance_costs(self, distance: ArrayLike) -> NDArray[np.int64]:
        """Distances used as a cost only, rounded to the nearest integer."""
        scaled = np.asarray(distance, dtype=np.float64) * self.distance_factor
        return np.floor(scaled + 0.5).astype(np.int64)

    def distances_up(self, distance: ArrayLike) -> NDArray[np.int64]:
        """Distances checked against a distance limit, rounded up."""
        return _ceil(distance, self.distance_factor)

    def distance_limit(self, distance: float) -> int:
        """Scale a distance limit, rounding down."""
        return int(_floor(distance, self.distance_factor))

    def to_distance(self, engine_distance: int) -> float:
        """Convert an engine distance back to real units."""
        return engine_distance / self.distance_factor

    # -- amounts --------------------------------------------------------------
    def demands(self, amount: ArrayLike) -> NDArray[np.int64]:
        """Amounts a client needs, rounded up."""
        return _ceil(amount, self.amount_factor)

    def capacities(self, amount: ArrayLike) -> NDArray[np.int64]:
        """Amounts a vehicle can carry, rounded down."""
        return _floor(amount, self.amount_factor)


def to_int_scale(values: ArrayLike, factor: float, *, direction: str = "up") -> NDArray[np.int64]:
    """Scale real values to engine integers, rounding ``"up"``, ``"down"`` or ``"nearest"``.

    Parameters
    ----------
    values
        Real values (any shape).
    factor
        Engine units per real unit.
    direction
        ``"up"`` for durations and demands, ``"down"`` for window closings and
        capacities, ``"nearest"`` for pure costs.
    """
    if direction == "up":
        return _ceil(values, factor)
    if direction == "down":
        return _floor(values, factor)
    if direction == "nearest":
        return np.floor(np.asarray(values, dtype=np.float64) * factor + 0.5).astype(np.int64)
    raise ValueError(f"direction: must be 'up', 'down' or 'nearest', got {direction!r}")
