"""Disruptions: what the disaster broke, as part of the scenario format.

Road disruptions (``close_roads``, ``slow_roads``) pick roads by OSM way id,
by a pair of node ids, or by a zone (a circle or a polygon); the network
package applies them when it builds travel times. The others
(``warehouse_out``, ``reduce_fleet``, ``scale_demand``) change the scenario
itself; :func:`supplyopt.model.apply_disruptions` applies them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator

_Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
_Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, strict=True)]
_Id = Annotated[StrictStr, Field(min_length=1, max_length=200)]
NodeRef = StrictInt | _Id

#: The ways a road disruption may select roads; exactly one is given.
ROAD_SELECTORS = ("osm_way", "between", "circle", "polygon")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Circle(_Strict):
    """A round zone: every road with a point within ``radius_km`` of the centre."""

    lat: _Lat
    lon: _Lon
    radius_km: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]


class _RoadSelection(_Strict):
    """Which roads a road disruption applies to (exactly one selector)."""

    label: StrictStr | None = None
    osm_way: StrictInt | None = None
    between: Annotated[list[NodeRef], Field(min_length=2, max_length=2)] | None = None
    circle: Circle | None = None
    polygon: (
        Annotated[
            list[Annotated[list[float], Field(min_length=2, max_length=2)]], Field(min_length=3)
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _one_selector(self) -> _RoadSelection:
        given = [name for name in ROAD_SELECTORS if getattr(self, name) is not None]
        if len(given) != 1:
            shown = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of {', '.join(ROAD_SELECTORS)} (given: {shown})")
        if self.polygon is not None:
            for lat, lon in self.polygon:
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise ValueError(f"polygon point [{lat}, {lon}] is not a valid [lat, lon]")
        return self

    @property
    def selector(self) -> str:
        """Name of the selector given (``osm_way``, ``between``, ``circle`` or ``polygon``)."""
        return next(name for name in ROAD_SELECTORS if getattr(self, name) is not None)


class CloseRoads(_RoadSelection):
    """Roads that cannot be driven at all (a collapsed bridge, a buried pass)."""

    kind: Literal["close_roads"]


class SlowRoads(_RoadSelection):
    """Roads driven at ``factor`` times their usual speed (debris, one lane open)."""

    kind: Literal["slow_roads"]
    factor: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False, strict=True)]


class WarehouseOut(_Strict):
    """A warehouse out of action: none of its stock or vehicles can be used."""

    kind: Literal["warehouse_out"]
    label: StrictStr | None = None
    warehouse: _Id


class ReduceFleet(_Strict):
    """Keep only ``factor`` of a fleet (rounded down): at one warehouse or all, one type or all."""

    kind: Literal["reduce_fleet"]
    label: StrictStr | None = None
    factor: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]
    warehouse: _Id | None = None
    vehicle_type: _Id | None = None


class ScaleDemand(_Strict):
    """Multiply demand by ``factor`` (rounded to whole units), for some areas/items or all."""

    kind: Literal["scale_demand"]
    label: StrictStr | None = None
    factor: Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
    areas: list[_Id] | None = None
    items: list[_Id] | None = None


Disruption = Annotated[
    CloseRoads | SlowRoads | WarehouseOut | ReduceFleet | ScaleDemand,
    Field(discriminator="kind"),
]
DISRUPTION_KINDS = ("close_roads", "slow_roads", "warehouse_out", "reduce_fleet", "scale_demand")
ROAD_DISRUPTION_KINDS = ("close_roads", "slow_roads")
