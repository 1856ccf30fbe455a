"""Scenario families of the relief benchmark: what each one stresses, in numbers.

A family fixes the shape of a scenario (how many areas, warehouses and
trucks, how much stock against demand, how many loading bays); the seed then
draws the places, populations and stock splits (see ``generator.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """Shape of a family of generated relief scenarios.

    Attributes
    ----------
    name
        Family name used on the command line and in the results.
    n_areas, n_warehouses
        Number of affected areas and of reserve warehouses.
    n_trucks
        Vehicles in all, spread over the warehouses (a mix of 10 t, 5 t and
        2 t trucks).
    stock_ratio
        Stock of each item, all warehouses together, divided by its total
        demand (below 1: stock is short).
    region_km
        Width of the square region holding the warehouses.
    displaced_scale
        Mean number of displaced people per area at the epicentre (demand
        falls off with distance from it).
    loading_bays
        Loading bays per warehouse, as (fewest, most); ``None`` for unlimited.
    loading_hours
        Time to load one vehicle, as (shortest, longest).
    remote_fraction
        Share of areas placed in remote valleys beyond the region's edge,
        several of them out of 12-hour reach.
    summary
        One line saying what the family stresses.
    """

    name: str
    n_areas: int
    n_warehouses: int
    n_trucks: int
    stock_ratio: float
    region_km: float
    displaced_scale: float
    loading_bays: tuple[int, int] | None
    loading_hours: tuple[float, float]
    remote_fraction: float
    summary: str


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            name="small-loose",
            n_areas=10,
            n_warehouses=2,
            n_trucks=16,
            stock_ratio=1.6,
            region_km=200.0,
            displaced_scale=300.0,
            loading_bays=(3, 4),
            loading_hours=(0.25, 0.5),
            remote_fraction=0.0,
            summary="plenty of everything: both planners should reach full coverage",
        ),
        Family(
            name="small-one-depot",
            n_areas=30,
            n_warehouses=1,
            n_trucks=8,
            stock_ratio=1.2,
            region_km=200.0,
            displaced_scale=300.0,
            loading_bays=(2, 2),
            loading_hours=(0.5, 0.75),
            remote_fraction=0.0,
            summary="one county reserve and its own eight trucks: which townships, in what order",
        ),
        Family(
            name="small-tight-stock",
            n_areas=30,
            n_warehouses=3,
            n_trucks=30,
            stock_ratio=0.6,
            region_km=300.0,
            displaced_scale=400.0,
            loading_bays=(3, 4),
            loading_hours=(0.25, 0.5),
            remote_fraction=0.1,
            summary="stock covers 60% of need: who gets the scarce units decides the score",
        ),
        Family(
            name="medium-tight-fleet",
            n_areas=200,
            n_warehouses=6,
            n_trucks=40,
            stock_ratio=1.3,
            region_km=400.0,
            displaced_scale=600.0,
            loading_bays=(4, 6),
            loading_hours=(0.5, 0.75),
            remote_fraction=0.05,
            summary="enough stock, too few trucks: trip length, multi-stop and reuse decide",
        ),
        Family(
            name="medium-bays",
            n_areas=200,
            n_warehouses=8,
            n_trucks=120,
            stock_ratio=1.3,
            region_km=400.0,
            displaced_scale=500.0,
            loading_bays=(1, 1),
            loading_hours=(0.75, 1.0),
            remote_fraction=0.05,
            summary="one slow loading bay per warehouse: every loading must count",
        ),
        Family(
            name="large-province",
            n_areas=1000,
            n_warehouses=20,
            n_trucks=300,
            stock_ratio=0.9,
            region_km=500.0,
            displaced_scale=350.0,
            loading_bays=(2, 4),
            loading_hours=(0.5, 0.75),
            remote_fraction=0.05,
            summary="province scale (issue 2): 20 warehouses, 1,000 areas, 300 trucks, 4 items",
        ),
        Family(
            name="xl",
            n_areas=2000,
            n_warehouses=30,
            n_trucks=450,
            stock_ratio=0.9,
            region_km=600.0,
            displaced_scale=300.0,
            loading_bays=(2, 4),
            loading_hours=(0.5, 0.75),
            remote_fraction=0.05,
            summary="largest size the issue names: 2,000 areas, 30 warehouses",
        ),
    )
}

#: Families run by ``python -m benchmarks.relief.run --ci``.
CI_FAMILIES = ("small-loose", "small-tight-stock", "medium-tight-fleet")
