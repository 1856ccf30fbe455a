"""Region files: valid ones parse, each defect is reported where it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import supplyopt
from supplyopt.readiness import Region, RegionError, parse_region, read_region

from .conftest import TINY_REGION, tiny_region_data


def test_tiny_region_parses() -> None:
    """The tiny region reads with its settlements, needs and hazards."""
    region = read_region(TINY_REGION)
    assert [a.id for a in region.scenario.areas] == ["s1", "s2", "s3", "s4", "s5"]
    assert region.needs_per_person == {"tent": 0.25, "quilt": 1.0}
    assert [h.kind for h in region.hazards] == ["earthquake", "snowstorm"]
    assert region.hazards[0].polygon[0] == (43.8, 86.2)
    assert region.scenario.areas[0].name == "石梯子乡"


def test_bundled_region_parses_and_is_not_a_bundled_scenario() -> None:
    """The bundled Changji region reads, and is listed as a region, not as a scenario."""
    from supplyopt.bundled import bundled_regions, default_region_path

    region = read_region(default_region_path())
    assert len(region.scenario.warehouses) == 5
    assert {h.kind for h in region.hazards} == {"earthquake", "snowstorm"}
    assert "changji-region" in bundled_regions()
    assert "changji-region" not in supplyopt.bundled_scenarios()


def test_region_round_trips_through_its_data(tiny_region: Region) -> None:
    """``to_data`` gives data that parses back to the same region."""
    again = parse_region(tiny_region.to_data())
    assert again == tiny_region


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _set(("hazards", 1, "radius_km"), [120, 60]),
            "hazards[1].radius_km: must be two numbers, low <= high",
        ),
        (
            _set(("hazards", 0, "radius_km"), [20]),
            "hazards[0].radius_km: must be two numbers, low <= high",
        ),
        (
            _set(("hazards", 0, "centre", "polygon"), [[43.8, 86.2], [44.2, 86.2]]),
            "hazards[0].centre.polygon: must be a list of at least 3 [lat, lon] points",
        ),
        (
            _set(("hazards", 0, "centre", "polygon", 1), [95.0, 86.2]),
            "hazards[0].centre.polygon[1]: must be [lat, lon]",
        ),
        (
            _set(("needs_per_person", "tnt"), 0.5),
            "needs_per_person.tnt: unknown item 'tnt' (known: tent, quilt)",
        ),
        (_set(("needs_per_person", "quilt"), -1), "needs_per_person.quilt: must be a number >= 0"),
        (_set(("hazards", 0, "weight"), 0), "hazards[0].weight: must be a number > 0 (got 0)"),
        (
            _set(("hazards", 1, "affected_share"), 1.5),
            "hazards[1].affected_share: must be a number in (0, 1] (got 1.5)",
        ),
        (
            _set(("hazards", 1, "affected_share"), 0),
            "hazards[1].affected_share: must be a number in (0, 1] (got 0)",
        ),
        (_set(("hazards", 0, "epicentre"), 1), "hazards[0].epicentre: unknown field"),
        (_drop(("hazards", 0, "kind")), "hazards[0].kind: required field is missing"),
        (_set(("hazards",), []), "hazards: must be a non-empty list of hazards"),
        (_drop(("needs_per_person",)), "needs_per_person: required field is missing"),
        (_drop(("areas", 2, "population")), "areas[2].population: required"),
        (
            _set(("areas", 1, "demand"), {"tent": 3}),
            "areas[1].demand: a region's settlements have no demand",
        ),
        (_set(("warehouses", 0, "stock", "tnt"), 3), "warehouses[0].stock.tnt: unknown item 'tnt'"),
    ],
)
def test_each_defect_is_located(change: Callable[[dict[str, Any]], None], expected: str) -> None:
    """One defect gives one located problem with its message."""
    data = tiny_region_data()
    change(data)
    with pytest.raises(RegionError) as caught:
        parse_region(data, source="r.yaml")
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 1, shown
    assert shown[0].startswith(expected), shown
    assert str(caught.value).startswith("r.yaml: invalid region (1 problem)")


def test_all_problems_are_reported_together() -> None:
    """Scenario, settlement and hazard problems come in one error."""
    data = tiny_region_data()
    data["deadline_hours"] = -1
    data["hazards"][0]["weight"] = -2
    data["needs_per_person"]["tnt"] = 1
    with pytest.raises(RegionError) as caught:
        parse_region(data)
    paths = {p.path for p in caught.value.problems}
    assert paths == {"deadline_hours", "hazards[0].weight", "needs_per_person.tnt"}


def test_region_error_is_a_scenario_error() -> None:
    """Callers catching ScenarioError or ValueError catch region errors too."""
    with pytest.raises(supplyopt.ScenarioError):
        parse_region([])
    with pytest.raises(ValueError, match="must be a mapping of region fields"):
        parse_region("x")
