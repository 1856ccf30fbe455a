"""The benchmark's scenario generator: deterministic, valid, shaped as each family says."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.relief.families import FAMILIES
from benchmarks.relief.generator import ITEMS, family_names, generate, generate_data
from supplyopt.network import build_travel_times


@pytest.mark.parametrize("family", family_names())
def test_same_family_and_seed_give_the_same_scenario(family: str) -> None:
    """generate(family, seed) is a pure function of its arguments."""
    assert generate_data(family, 7) == generate_data(family, 7)


def test_different_seeds_give_different_scenarios() -> None:
    """The seed changes places, needs and stock."""
    assert generate_data("small-tight-stock", 1) != generate_data("small-tight-stock", 2)


@pytest.mark.parametrize("family", family_names())
def test_scenario_has_the_family_shape(family: str) -> None:
    """Counts of areas, warehouses and vehicles match the family; priorities are 1-3."""
    fam = FAMILIES[family]
    scenario = generate(family, 1)
    assert scenario.name == f"{family}-s1"
    assert len(scenario.areas) == fam.n_areas
    assert len(scenario.warehouses) == fam.n_warehouses
    assert sum(wh.vehicle_count for wh in scenario.warehouses) == fam.n_trucks
    assert all(wh.vehicle_count >= 1 for wh in scenario.warehouses)
    assert {area.priority for area in scenario.areas} <= {1, 2, 3}
    assert [item.id for item in scenario.items] == [i[0] for i in ITEMS]
    assert scenario.deadline_hours == 12.0


@pytest.mark.parametrize("family", family_names())
def test_stock_is_the_family_share_of_demand(family: str) -> None:
    """Each item's total stock is stock_ratio times its total demand (rounded)."""
    fam = FAMILIES[family]
    scenario = generate(family, 3)
    for item in scenario.items:
        need = sum(area.demand.get(item.id, 0) for area in scenario.areas)
        held = sum(wh.stock.get(item.id, 0) for wh in scenario.warehouses)
        assert held == round(fam.stock_ratio * need)


def test_region_is_a_few_hundred_km_wide() -> None:
    """Warehouses of the province family lie within its 500 km square."""
    scenario = generate("large-province", 1)
    lat = np.array([wh.lat for wh in scenario.warehouses])
    lon = np.array([wh.lon for wh in scenario.warehouses])
    assert (lat.max() - lat.min()) * 111.2 <= 500.0
    assert (lat.max() - lat.min()) * 111.2 >= 100.0
    assert (lon.max() - lon.min()) * 111.2 * np.cos(np.radians(44.0)) <= 500.0


def test_some_areas_are_beyond_reach_in_remote_families() -> None:
    """small-tight-stock places remote valleys no warehouse can reach in 12 hours."""
    scenario = generate("small-tight-stock", 1)
    travel = build_travel_times(scenario)
    n_wh = len(scenario.warehouses)
    earliest = np.full(len(scenario.areas), np.inf)
    for w_idx, wh in enumerate(scenario.warehouses):
        for vt in scenario.vehicle_types:
            if wh.fleet.get(vt.id, 0):
                arrive = wh.ready_hours + wh.loading_hours + travel.duration_h[vt.id][w_idx, n_wh:]
                earliest = np.minimum(earliest, arrive)
    assert (earliest > scenario.deadline_hours).sum() >= 1
    assert (earliest <= scenario.deadline_hours).sum() >= len(scenario.areas) // 2
