"""Hazard samples: reproducible from (seed, index) alone, demand as contract §7 says."""

from __future__ import annotations

import math

from supplyopt.network.geo import haversine_km
from supplyopt.readiness import Region, draw_sample, sample_scenario
from supplyopt.readiness.sampling import half_up, inside


def test_a_sample_depends_on_seed_and_index_alone(tiny_region: Region) -> None:
    """Sample 7 of seed 3 is the same drawn alone or among 20, and differs from sample 8."""
    alone = draw_sample(tiny_region, 3, 7)
    among = [draw_sample(tiny_region, 3, idx) for idx in range(20)]
    assert among[7] == alone
    assert among[8] != alone
    assert draw_sample(tiny_region, 4, 7) != alone


def test_centre_and_radius_are_within_the_hazard(tiny_region: Region) -> None:
    """Every centre lies in its hazard's polygon, every radius in its range."""
    kinds = set()
    for idx in range(200):
        sample = draw_sample(tiny_region, 0, idx)
        hazard = tiny_region.hazards[sample.hazard]
        kinds.add(sample.kind)
        assert inside(hazard.polygon, *sample.centre)
        low, high = hazard.radius_km
        assert low <= sample.radius_km <= high
    assert kinds == {"earthquake", "snowstorm"}


def test_demand_follows_the_contract(tiny_region: Region) -> None:
    """Affected = round(population × share × (1 − r/R)); demand = round(affected × need)."""
    for idx in range(30):
        sample = draw_sample(tiny_region, 1, idx)
        hazard = tiny_region.hazards[sample.hazard]
        for area in tiny_region.scenario.areas:
            r_km = float(haversine_km(*sample.centre, area.lat, area.lon))
            people = (
                half_up(area.population * hazard.affected_share * (1 - r_km / sample.radius_km))
                if r_km < sample.radius_km
                else 0
            )
            need = {
                item: half_up(people * per)
                for item, per in tiny_region.needs_per_person.items()
                if half_up(people * per) > 0
            }
            assert sample.demand.get(area.id, {}) == need
            if need:
                assert sample.affected[area.id] == people


def test_half_up_rounds_halves_up() -> None:
    """The contract's round() rounds halves up, not to even."""
    assert [half_up(x) for x in (0.5, 1.5, 2.5, 2.49)] == [1, 2, 3, 2]
    assert math.isclose(half_up(10.0), 10)


def test_sample_scenario_holds_the_affected_settlements(tiny_region: Region) -> None:
    """The sample's scenario has only settlements with demand, population = people affected."""
    sample = next(s for s in (draw_sample(tiny_region, 0, i) for i in range(50)) if s.demand)
    scenario = sample_scenario(tiny_region, sample)
    assert scenario is not None
    assert [a.id for a in scenario.areas] == list(sample.demand)
    for area in scenario.areas:
        assert area.demand == sample.demand[area.id]
        assert area.population == sample.affected[area.id]
    assert scenario.warehouses == tiny_region.scenario.warehouses


def test_a_sample_affecting_nobody_has_no_scenario(tiny_region: Region) -> None:
    """A hazard too small to reach any settlement makes no scenario to plan."""
    far = tiny_region.hazards[0].__class__(
        "meteor", 1.0, ((10.0, 10.0), (10.1, 10.0), (10.0, 10.1)), (1.0, 2.0), 1.0
    )
    region = Region(tiny_region.scenario, tiny_region.needs_per_person, (far,))
    sample = draw_sample(region, 0, 0)
    assert sample.demand == {}
    assert sample_scenario(region, sample) is None
