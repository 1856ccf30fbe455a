"""The scenario: what is stocked where, who needs what, and how trucks move.

A :class:`Scenario` mirrors section 1 of the public contract. Field-level
rules (positive capacities, whole non-negative quantities, lat/lon ranges) are
enforced by pydantic; cross-references (unknown item ids, duplicate ids) by
:func:`reference_problems`, which works on raw mappings too so that a file
with both kinds of defect gets every problem reported at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    model_validator,
)

from .disruptions import Disruption
from .problems import Location, Problem, format_path

#: The largest quantity (units of stock or demand, people) a scenario may hold:
#: far above any real operation, far below the 2**63 of the solver's integers, so
#: that sums over a whole scenario never overflow.
MAX_QUANTITY = 10**12

#: The most vehicles a scenario may have, all fleets together (so also in one
#: fleet entry), and the most loading bays of one warehouse. Far above any relief
#: operation, and low enough that the planner, which handles each vehicle and
#: each bay in turn, answers in seconds. A server's fleet limit is at most this.
MAX_VEHICLES = 10_000

#: The largest planner seed: the routing engine (PyVRP) takes a 32-bit signed seed.
#: The library, the CLI, sweep files and the service all refuse larger ones.
MAX_SEED = 2**31 - 1
#: The longest time limit any solve accepts, in seconds (one day): CLI, sweep files and API.
MAX_TIME_LIMIT_S = 86_400.0

#: A whole, non-negative number of units (no floats, no booleans), at most MAX_QUANTITY.
Quantity = Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY)]
#: A whole, non-negative number of vehicles, at most MAX_VEHICLES.
VehicleCount = Annotated[StrictInt, Field(ge=0, le=MAX_VEHICLES)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Id = Annotated[StrictStr, Field(min_length=1, max_length=200)]
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _language_tag(tag: str) -> str:
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise ValueError(f"{tag!r} is not a language tag (like en, zh or zh-Hant)")
    return tag


#: A language tag (BCP 47 shape: ``en``, ``zh``, ``zh-Hant``…) keying a display name.
LanguageTag = Annotated[StrictStr, AfterValidator(_language_tag)]
#: A non-empty display name in one language.
DisplayName = Annotated[StrictStr, Field(min_length=1, max_length=200)]
#: Display names by language (an extension of the contract: ``{en: Tent, zh: 帐篷}``).
Names = dict[LanguageTag, DisplayName]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, strict=True)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, strict=True)]

SKIP_REFERENCE_CHECKS = "skip_reference_checks"
_T = TypeVar("_T", "Item", "VehicleType", "Warehouse", "Area")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Item(_Strict):
    """A relief item type (a tent, a quilt…) with its packed size.

    ``names`` (an extension of the contract) gives the display name per
    language; a reader shows ``names[lang]``, else ``name``, else ``id``.
    """

    id: Id
    name: StrictStr | None = None
    names: Names | None = None
    weight_kg: PositiveFloat
    volume_m3: PositiveFloat


class VehicleType(_Strict):
    """A kind of vehicle: how much it carries and, optionally, how fast it goes.

    ``names``: display names per language, as for :class:`Item`.
    """

    id: Id
    name: StrictStr | None = None
    names: Names | None = None
    capacity_kg: PositiveFloat
    capacity_m3: PositiveFloat
    speed_kmh: PositiveFloat | None = None


class Warehouse(_Strict):
    """A reserve warehouse with its stock, its based fleet and its loading crews."""

    id: Id
    name: StrictStr | None = None
    lat: Latitude
    lon: Longitude
    stock: dict[StrictStr, Quantity] = Field(default_factory=dict)
    fleet: dict[StrictStr, VehicleCount] = Field(default_factory=dict)
    ready_hours: NonNegativeFloat = 0.0
    loading_hours: NonNegativeFloat = 0.0
    loading_bays: Annotated[StrictInt, Field(ge=1, le=MAX_VEHICLES)] | None = None

    @property
    def vehicle_count(self) -> int:
        """Number of vehicles based here, all types together."""
        return sum(self.fleet.values())


class DemandLot(_Strict):
    """Part of an area's demand for one item that falls due at its own time.

    The units are counted in the area's ``demand`` for the item; what the
    lots of an item leave of the demand is due at ``deadline_hours``
    (see :mod:`supplyopt.model.lots`). Re-planning (contract §6) records
    demand added during an operation this way.
    """

    item: Id
    quantity: Quantity
    due_hours: PositiveFloat


class Area(_Strict):
    """An affected area: where people are, what they need and, optionally, by when.

    ``lots`` (an extension of the contract) gives parts of ``demand`` their
    own due times; without lots all demand is due at ``deadline_hours``.
    """

    id: Id
    name: StrictStr | None = None
    lat: Latitude
    lon: Longitude
    population: Quantity | None = None
    demand: dict[StrictStr, Quantity] = Field(default_factory=dict)
    priority: Annotated[StrictInt, Field(ge=1)] = 1
    unloading_hours: NonNegativeFloat = 0.0
    lots: list[DemandLot] = Field(default_factory=list)


class GreatCircleRoads(_Strict):
    """Straight-line travel: haversine distance times a circuity factor."""

    model: Literal["great_circle"] = "great_circle"
    circuity: Annotated[float, Field(ge=1.0, allow_inf_nan=False, strict=True)] = 1.3
    speed_kmh: PositiveFloat = 60.0


class GraphNode(_Strict):
    """A road junction of an explicit road graph."""

    id: Id
    lat: Latitude
    lon: Longitude


class GraphEdge(_Strict):
    """A road segment between two nodes of an explicit road graph.

    ``speed_kmh`` defaults to the road model's ``speed_kmh``; a vehicle type's
    own ``speed_kmh``, when given, caps it. Edges are two-way unless
    ``oneway`` is true.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_node: Id = Field(alias="from")
    to_node: Id = Field(alias="to")
    length_km: PositiveFloat
    speed_kmh: PositiveFloat | None = None
    oneway: StrictBool = False


class GraphRoads(_Strict):
    """An explicit road network: nodes, edges with length and speed."""

    model: Literal["graph"]
    speed_kmh: PositiveFloat = 60.0
    nodes: Annotated[list[GraphNode], Field(min_length=1)]
    edges: list[GraphEdge] = Field(default_factory=list)


class OsmRoads(_Strict):
    """An OpenStreetMap road network, read with osmnx (see docs/roads-and-disruptions.md).

    Give ``file`` (an ``.osm``/``.osm.bz2``/``.graphml`` extract; a relative
    path is relative to the scenario file) or ``place`` (a place name to
    fetch from OpenStreetMap, only when ``download`` is true; the fetched
    network is cached and reused offline afterwards). ``speed_kmh`` is the
    speed of the straight leg from a site to its nearest road node and of
    roads whose class has no truck default; ``truck_speeds_kmh`` overrides
    the per-class truck defaults; no road is driven faster than
    ``max_truck_kmh`` nor faster than its signed ``maxspeed``.
    """

    model: Literal["osm"]
    file: StrictStr | None = None
    place: StrictStr | None = None
    download: StrictBool = False
    speed_kmh: PositiveFloat = 30.0
    max_truck_kmh: PositiveFloat = 80.0
    truck_speeds_kmh: dict[StrictStr, PositiveFloat] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _file_or_place(self) -> OsmRoads:
        if (self.file is None) == (self.place is None):
            raise ValueError("give exactly one of 'file' or 'place'")
        return self


Roads = Annotated[GreatCircleRoads | GraphRoads | OsmRoads, Field(discriminator="model")]


class Scenario(_Strict):
    """A complete relief planning problem (contract section 1).

    Build one from a file with :func:`supplyopt.read_scenario`, from a
    mapping with ``Scenario.model_validate(data)``, or in code. Change one in
    a notebook with ``scenario.model_copy(update=...)`` or by assigning
    fields; :func:`supplyopt.plan_relief` validates it again before solving.
    """

    name: Id
    deadline_hours: PositiveFloat
    items: Annotated[list[Item], Field(min_length=1)]
    vehicle_types: Annotated[list[VehicleType], Field(min_length=1)]
    warehouses: Annotated[list[Warehouse], Field(min_length=1)]
    areas: Annotated[list[Area], Field(min_length=1)]
    roads: Roads = Field(default_factory=GreatCircleRoads)
    disruptions: list[Disruption] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Scenario:
        context = info.context or {}
        if not context.get(SKIP_REFERENCE_CHECKS):
            problems = reference_problems(self.model_dump(by_alias=True))
            if problems:
                raise ValueError("; ".join(str(p) for p in problems))
        return self

    # -- lookups ---------------------------------------------------------
    def item(self, item_id: str) -> Item:
        """Return the item with this id (``KeyError`` if there is none)."""
        return _by_id(self.items, item_id, "item")

    def vehicle_type(self, type_id: str) -> VehicleType:
        """Return the vehicle type with this id."""
        return _by_id(self.vehicle_types, type_id, "vehicle type")

    def warehouse(self, warehouse_id: str) -> Warehouse:
        """Return the warehouse with this id."""
        return _by_id(self.warehouses, warehouse_id, "warehouse")

    def area(self, area_id: str) -> Area:
        """Return the area with this id."""
        return _by_id(self.areas, area_id, "area")

    @property
    def item_ids(self) -> list[str]:
        """Item ids in file order."""
        return [item.id for item in self.items]


def _by_id(entries: Sequence[_T], wanted: str, kind: str) -> _T:
    for entry in entries:
        if entry.id == wanted:
            return entry
    raise KeyError(f"no {kind} with id {wanted!r}")


def _ids(entries: Any) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [e["id"] for e in entries if isinstance(e, Mapping) and isinstance(e.get("id"), str)]


def known_ids(ids: Sequence[str]) -> str:
    """``(known: a, b, …)``: the ids a message lists after an unknown one (at most 12)."""
    ids = list(dict.fromkeys(ids))
    shown = ", ".join(ids[:12]) + (", …" if len(ids) > 12 else "")
    return f"(known: {shown})" if ids else "(none declared)"


def _entries(entries: Any) -> list[tuple[int, Mapping[str, Any]]]:
    """The mappings of a list with their positions (anything else is field validation's)."""
    if not isinstance(entries, list):
        return []
    return [(idx, entry) for idx, entry in enumerate(entries) if isinstance(entry, Mapping)]


def _duplicate_problems(entries: Any, where: Location) -> list[Problem]:
    problems: list[Problem] = []
    first_at: dict[str, int] = {}
    for idx, entry in _entries(entries):
        entry_id = entry.get("id")
        if not isinstance(entry_id, str):
            continue
        if entry_id in first_at:
            first = format_path((*where, first_at[entry_id]))
            problems.append(
                Problem((*where, idx, "id"), f"duplicate id {entry_id!r} (first used at {first})")
            )
        else:
            first_at[entry_id] = idx
    return problems


def _unknown_key_problems(
    entries: Any, where: str, field: str, known: Sequence[str], kind: str
) -> list[Problem]:
    known_set = set(known)
    return [
        Problem((where, idx, field, str(key)), f"unknown {kind} {key!r} {known_ids(known)}")
        for idx, entry in _entries(entries)
        if isinstance(entry.get(field), Mapping)
        for key in entry[field]
        if key not in known_set
    ]


def _slash_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Warehouse and vehicle type ids may not contain '/' (it separates parts of vehicle ids)."""
    return [
        Problem(
            (key, idx, "id"),
            f"must not contain '/' (got {entry['id']!r}); it separates "
            "warehouse, vehicle type and number in vehicle ids",
        )
        for key in ("vehicle_types", "warehouses")
        for idx, entry in _entries(data.get(key))
        if "/" in str(entry.get("id", ""))
    ]


def _lot_problems(areas: Any, item_ids: Sequence[str]) -> list[Problem]:
    """Lots naming an unknown item, or more units of an item than the area's demand for it."""
    problems: list[Problem] = []
    for a_idx, area in _entries(areas):
        raw = area.get("demand")
        demand: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        total: dict[str, int] = {}
        for l_idx, lot in _entries(area.get("lots")):
            item, qty = lot.get("item"), lot.get("quantity")
            if not isinstance(item, str):
                continue
            if item not in item_ids:
                problems.append(
                    Problem(
                        ("areas", a_idx, "lots", l_idx, "item"),
                        f"unknown item {item!r} {known_ids(item_ids)}",
                    )
                )
                continue
            if not isinstance(qty, int) or not _is_quantity(qty):
                continue
            total[item] = total.get(item, 0) + qty
            need = demand.get(item, 0) if _is_quantity(demand.get(item, 0)) else 0
            if total[item] > need:
                problems.append(
                    Problem(
                        ("areas", a_idx, "lots", l_idx, "quantity"),
                        f"lots of {item} add up to {total[item]}, more than the area's "
                        f"demand for it ({need}); lots are parts of demand",
                    )
                )
    return problems


def _graph_problems(roads: Any) -> list[Problem]:
    """Duplicate node ids and edges naming unknown nodes of a ``graph`` road model."""
    if not isinstance(roads, Mapping) or roads.get("model") != "graph":
        return []
    problems = _duplicate_problems(roads.get("nodes"), ("roads", "nodes"))
    node_ids = set(_ids(roads.get("nodes")))
    for idx, edge in _entries(roads.get("edges")):
        for end in ("from", "to"):
            node = edge.get(end)
            if isinstance(node, str) and node not in node_ids:
                problems.append(Problem(("roads", "edges", idx, end), f"unknown node {node!r}"))
    return problems


def reference_problems(data: Mapping[str, Any]) -> list[Problem]:
    """List cross-reference problems in raw scenario data.

    Checks duplicate ids in every list, that stock, demand and fleet maps
    (and graph edges and disruptions) name declared ids, that scaling
    demand keeps it within :data:`MAX_QUANTITY`, and that all fleets together
    hold at most :data:`MAX_VEHICLES` vehicles. Tolerates malformed structure: parts
    that are not of the expected shape are skipped here (field validation
    reports them).

    Parameters
    ----------
    data
        The scenario as plain data (parsed YAML/JSON or ``model_dump``).

    Returns
    -------
    list[Problem]
        One located problem each; empty when all references resolve.
    """
    problems: list[Problem] = []
    for key in ("items", "vehicle_types", "warehouses", "areas"):
        problems += _duplicate_problems(data.get(key), (key,))
    problems += _slash_problems(data)
    item_ids = _ids(data.get("items"))
    type_ids = _ids(data.get("vehicle_types"))
    problems += _unknown_key_problems(
        data.get("warehouses"), "warehouses", "stock", item_ids, "item"
    )
    problems += _unknown_key_problems(
        data.get("warehouses"), "warehouses", "fleet", type_ids, "vehicle type"
    )
    problems += _unknown_key_problems(data.get("areas"), "areas", "demand", item_ids, "item")
    problems += _lot_problems(data.get("areas"), item_ids)
    problems += _graph_problems(data.get("roads"))
    problems += _disruption_problems(data)
    problems += _scaled_demand_problems(data)
    problems += _fleet_total_problems(data)
    return problems


def _is_quantity(value: Any, most: int = MAX_QUANTITY) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= most


def _fleet_total_problems(data: Mapping[str, Any]) -> list[Problem]:
    """All fleets together above :data:`MAX_VEHICLES` (entries field validation refuses aside)."""
    total = sum(
        count
        for _idx, warehouse in _entries(data.get("warehouses"))
        if isinstance(warehouse.get("fleet"), Mapping)
        for count in warehouse["fleet"].values()
        if _is_quantity(count, MAX_VEHICLES)
    )
    if total <= MAX_VEHICLES:
        return []
    return [
        Problem(
            ("warehouses",),
            f"{total} vehicles in all fleets together; a scenario may have at most {MAX_VEHICLES}",
        )
    ]


def _scaled_demand_problems(data: Mapping[str, Any]) -> list[Problem]:
    """``scale_demand`` factors that would raise a demand above :data:`MAX_QUANTITY`.

    Demand is scaled as :func:`~supplyopt.model.apply_disruptions` does, in
    list order, rounding each step; malformed parts are field validation's.
    """
    demand = {
        (idx, area.get("id"), item): qty
        for idx, area in _entries(data.get("areas"))
        if isinstance(area.get("demand"), Mapping)
        for item, qty in area["demand"].items()
        if _is_quantity(qty)
    }
    problems: list[Problem] = []
    for d_idx, entry in _entries(data.get("disruptions")):
        factor = entry.get("factor")
        if entry.get("kind") != "scale_demand" or not isinstance(factor, int | float):
            continue
        if not math.isfinite(factor):
            continue
        areas, items = entry.get("areas"), entry.get("items")
        for (a_idx, area_id, item), qty in list(demand.items()):
            if (isinstance(areas, list) and area_id not in areas) or (
                isinstance(items, list) and item not in items
            ):
                continue
            scaled = qty * factor
            if not scaled <= MAX_QUANTITY:
                where = format_path(("areas", a_idx, "demand", str(item)))
                problems.append(
                    Problem(
                        ("disruptions", d_idx, "factor"),
                        f"scales {where} ({qty} units) above {MAX_QUANTITY}, "
                        "the most a quantity may be",
                    )
                )
                break
            demand[a_idx, area_id, item] = math.floor(scaled + 0.5)
    return problems


_DISRUPTION_REFERENCES = {
    "warehouse": ("warehouses", "warehouse"),
    "vehicle_type": ("vehicle_types", "vehicle type"),
    "areas": ("areas", "area"),
    "items": ("items", "item"),
}


def _disruption_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Cross-references of ``disruptions``: ids that must exist, selectors the road model allows."""
    roads = data.get("roads")
    model = roads.get("model", "great_circle") if isinstance(roads, Mapping) else "great_circle"
    known = {field: _ids(data.get(key)) for field, (key, _) in _DISRUPTION_REFERENCES.items()}
    node_ids = set(_ids(roads.get("nodes"))) if isinstance(roads, Mapping) else set()
    problems: list[Problem] = []
    for idx, entry in _entries(data.get("disruptions")):
        where: Location = ("disruptions", idx)
        problems += _unknown_id_problems(entry, where, known)
        problems += road_selector_problems(entry, where, model, node_ids)
    return problems


def _unknown_id_problems(
    entry: Mapping[str, Any], where: Location, known: Mapping[str, list[str]]
) -> list[Problem]:
    """Ids a disruption names (one, or a list) that the scenario does not declare."""
    problems: list[Problem] = []
    for field, ids in known.items():
        value = entry.get(field)
        located = (
            [((*where, field, pos), one) for pos, one in enumerate(value)]
            if isinstance(value, list)
            else [((*where, field), value)]
        )
        kind = _DISRUPTION_REFERENCES[field][1]
        problems += [
            Problem(loc, f"unknown {kind} {one!r} {known_ids(ids)}")
            for loc, one in located
            if isinstance(one, str) and one not in ids
        ]
    return problems


def road_selector_problems(
    entry: Mapping[str, Any], where: Location, model: Any, node_ids: set[str]
) -> list[Problem]:
    """Road selectors the road model cannot honour, and unknown nodes of a graph."""
    problems: list[Problem] = []
    if entry.get("osm_way") is not None and model != "osm":
        problems.append(
            Problem((*where, "osm_way"), f"only for roads of model 'osm' (roads are {model!r})")
        )
    between = entry.get("between")
    if between is not None and model == "great_circle":
        problems.append(
            Problem(
                (*where, "between"),
                "needs a road network (model 'graph' or 'osm'); "
                "great_circle roads have no nodes — use circle or polygon",
            )
        )
    if isinstance(between, list) and model == "graph":
        problems += [
            Problem((*where, "between", pos), f"unknown node {node!r}")
            for pos, node in enumerate(between)
            if isinstance(node, str | int) and str(node) not in node_ids
        ]
    return problems
