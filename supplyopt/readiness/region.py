"""Region files (contract §7): a scenario of settlements, what a person needs, where disasters strike.

A region file is a scenario file whose ``areas`` are settlements with a
``population`` and no ``demand``, plus ``needs_per_person`` and ``hazards``.
:func:`parse_region` validates the scenario part with
:func:`supplyopt.model.parse_scenario` and the rest here, and reports every
problem of both at once, each located (``hazards[1].radius_km: must be two
numbers, low <= high``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..io import load_scenario_data
from ..model import Problem, Scenario, ScenarioError, parse_scenario
from ..model.scenario import known_ids

#: The keys a region file adds to a scenario file.
REGION_KEYS = ("needs_per_person", "hazards")


class RegionError(ScenarioError):
    """A region file is invalid: its scenario part, its needs or its hazards."""

    def _heading(self) -> str:
        count = len(self.problems)
        return f"invalid region ({count} problem{'s' if count != 1 else ''})"


@dataclass(frozen=True)
class Hazard:
    """A kind of disaster and where it may strike.

    Attributes
    ----------
    kind
        What it is (``earthquake``, ``snowstorm``…), free text.
    weight
        Relative frequency among the region's hazards (> 0).
    polygon
        The centre is drawn uniformly inside this polygon, as ``(lat, lon)`` corners.
    radius_km
        The radius is drawn uniformly in ``(low, high)``.
    affected_share
        Share of a settlement's population affected at the centre, in (0, 1];
        it falls linearly to 0 at the radius.
    """

    kind: str
    weight: float
    polygon: tuple[tuple[float, float], ...]
    radius_km: tuple[float, float]
    affected_share: float


@dataclass(frozen=True)
class Region:
    """A validated region: its scenario (settlements without demand), needs and hazards."""

    scenario: Scenario
    needs_per_person: dict[str, float]
    hazards: tuple[Hazard, ...]

    def to_data(self) -> dict[str, Any]:
        """The region as plain data, in the region file format."""
        data = self.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
        for area in data["areas"]:
            area.pop("demand", None)
            area.pop("lots", None)
        data["needs_per_person"] = dict(self.needs_per_person)
        data["hazards"] = [
            {
                "kind": h.kind,
                "weight": h.weight,
                "centre": {"polygon": [list(p) for p in h.polygon]},
                "radius_km": list(h.radius_km),
                "affected_share": h.affected_share,
            }
            for h in self.hazards
        ]
        return data

    def with_stock(self, stock: Mapping[str, Mapping[str, int]]) -> Region:
        """The same region with each warehouse's stock replaced (``stock[warehouse][item]``)."""
        warehouses = [
            w.model_copy(update={"stock": {i: q for i, q in stock[w.id].items() if q > 0}})
            for w in self.scenario.warehouses
        ]
        scenario = self.scenario.model_copy(update={"warehouses": warehouses})
        return Region(scenario, dict(self.needs_per_person), self.hazards)


def read_region(path: str | os.PathLike[str]) -> Region:
    """Read and validate a region file (``.yaml``, ``.yml`` or ``.json``).

    Raises
    ------
    RegionError
        With every problem found, each located. A file that cannot be read
        at all raises the :class:`ScenarioError` that says so.
    """
    return parse_region(load_scenario_data(path), source=str(path))


def parse_region(data: Any, *, source: str | None = None) -> Region:
    """Validate plain data (a parsed region file) into a :class:`Region`.

    Raises
    ------
    RegionError
        With every problem of the scenario part, the settlements, the needs
        and the hazards together, each located.
    """
    if not isinstance(data, Mapping):
        message = f"must be a mapping of region fields (got {type(data).__name__})"
        raise RegionError([Problem((), message)], source=source)
    problems: list[Problem] = []
    scenario_part = {k: v for k, v in data.items() if k not in REGION_KEYS}
    scenario: Scenario | None = None
    try:
        scenario = parse_scenario(scenario_part, source=source)
    except ScenarioError as err:
        problems += err.problems
    problems += _settlement_problems(scenario_part.get("areas"))
    items = _item_ids(scenario_part.get("items"))
    needs, need_problems = _needs(data.get("needs_per_person"), items)
    hazards, hazard_problems = _hazards(data.get("hazards"))
    problems += need_problems + hazard_problems
    if problems or scenario is None:
        raise RegionError(problems, source=source)
    return Region(scenario, needs, hazards)


def _item_ids(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [e["id"] for e in items if isinstance(e, Mapping) and isinstance(e.get("id"), str)]


def _settlement_problems(areas: Any) -> list[Problem]:
    """Every settlement needs a population and may not give demand (samples make it)."""
    problems: list[Problem] = []
    if not isinstance(areas, list):
        return problems
    for idx, area in enumerate(areas):
        if not isinstance(area, Mapping):
            continue
        if "population" not in area:
            problems.append(
                Problem(("areas", idx, "population"), "required: a settlement's population")
            )
        for key in ("demand", "lots"):
            if key in area:
                problems.append(
                    Problem(
                        ("areas", idx, key),
                        "a region's settlements have no demand: each hazard sample makes it "
                        "from the population and needs_per_person",
                    )
                )
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _needs(raw: Any, items: list[str]) -> tuple[dict[str, float], list[Problem]]:
    """``needs_per_person``: a mapping of known items to finite numbers >= 0."""
    where = ("needs_per_person",)
    if raw is None:
        return {}, [Problem(where, "required field is missing")]
    if not isinstance(raw, Mapping) or not raw:
        return {}, [
            Problem(where, f"must be a non-empty mapping of item to units per person (got {raw!r})")
        ]
    needs: dict[str, float] = {}
    problems: list[Problem] = []
    for item, value in raw.items():
        if item not in items:
            problems.append(
                Problem((*where, str(item)), f"unknown item {item!r} {known_ids(items)}")
            )
        elif not _is_number(value) or value < 0:
            problems.append(Problem((*where, str(item)), f"must be a number >= 0 (got {value!r})"))
        else:
            needs[str(item)] = float(value)
    return needs, problems


def _hazards(raw: Any) -> tuple[tuple[Hazard, ...], list[Problem]]:
    """``hazards``: a non-empty list, each hazard checked in full."""
    if raw is None:
        return (), [Problem(("hazards",), "required field is missing")]
    if not isinstance(raw, list) or not raw:
        return (), [Problem(("hazards",), f"must be a non-empty list of hazards (got {raw!r})")]
    hazards: list[Hazard] = []
    problems: list[Problem] = []
    for idx, entry in enumerate(raw):
        hazard, found = _hazard(entry, ("hazards", idx))
        problems += found
        if hazard is not None:
            hazards.append(hazard)
    return tuple(hazards), problems


_HAZARD_KEYS = ("kind", "weight", "centre", "radius_km", "affected_share")


def _hazard(entry: Any, where: tuple[str | int, ...]) -> tuple[Hazard | None, list[Problem]]:
    if not isinstance(entry, Mapping):
        return None, [Problem(where, f"must be a mapping (got {entry!r})")]
    problems = [Problem((*where, str(k)), "unknown field") for k in entry if k not in _HAZARD_KEYS]
    problems += [
        Problem((*where, k), "required field is missing") for k in _HAZARD_KEYS if k not in entry
    ]
    kind: Any = entry.get("kind")
    weight: Any = entry.get("weight")
    if "kind" in entry and (not isinstance(kind, str) or not kind):
        problems.append(Problem((*where, "kind"), f"must be non-empty text (got {kind!r})"))
    if "weight" in entry and (not _is_number(weight) or weight <= 0):
        problems.append(Problem((*where, "weight"), f"must be a number > 0 (got {weight!r})"))
    share: Any = entry.get("affected_share")
    if "affected_share" in entry and not (_is_number(share) and 0 < share <= 1):
        problems.append(
            Problem((*where, "affected_share"), f"must be a number in (0, 1] (got {share!r})")
        )
    polygon, found = (
        _polygon(entry.get("centre"), (*where, "centre")) if "centre" in entry else ((), [])
    )
    problems += found
    radius, found = (
        _radius(entry.get("radius_km"), (*where, "radius_km"))
        if "radius_km" in entry
        else ((0.0, 0.0), [])
    )
    problems += found
    if problems:
        return None, problems
    return Hazard(str(kind), float(weight), polygon, radius, float(share)), []


def _polygon(
    centre: Any, where: tuple[str | int, ...]
) -> tuple[tuple[tuple[float, float], ...], list[Problem]]:
    """``centre: {polygon: [[lat, lon], …]}`` with at least 3 corners in range."""
    if not isinstance(centre, Mapping) or set(centre) != {"polygon"}:
        return (), [Problem(where, f"must be a mapping with one field, polygon (got {centre!r})")]
    raw = centre["polygon"]
    here = (*where, "polygon")
    if not isinstance(raw, list) or len(raw) < 3:
        count = len(raw) if isinstance(raw, list) else raw
        return (), [
            Problem(here, f"must be a list of at least 3 [lat, lon] points (got {count!r})")
        ]
    points: list[tuple[float, float]] = []
    problems: list[Problem] = []
    for idx, point in enumerate(raw):
        if (
            isinstance(point, list)
            and len(point) == 2
            and all(_is_number(v) for v in point)
            and -90 <= point[0] <= 90
            and -180 <= point[1] <= 180
        ):
            points.append((float(point[0]), float(point[1])))
        else:
            problems.append(
                Problem(
                    (*here, idx),
                    f"must be [lat, lon] with lat in [-90, 90] and lon in "
                    f"[-180, 180] (got {point!r})",
                )
            )
    if not problems and _area(points) == 0.0:
        problems.append(Problem(here, "encloses no area (its points are on one line)"))
    return tuple(points), problems


def _area(points: list[tuple[float, float]]) -> float:
    """The polygon's area in square degrees (shoelace formula)."""
    total = 0.0
    for (y1, x1), (y2, x2) in zip(points, points[1:] + points[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def _radius(raw: Any, where: tuple[str | int, ...]) -> tuple[tuple[float, float], list[Problem]]:
    """``radius_km: [low, high]`` with 0 < low <= high."""
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(_is_number(v) for v in raw)
        and 0 < raw[0] <= raw[1]
    ):
        return (float(raw[0]), float(raw[1])), []
    return (0.0, 0.0), [Problem(where, f"must be two numbers, low <= high, both > 0 (got {raw!r})")]
