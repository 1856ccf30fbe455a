"""Criticality: close each warehouse, or each major road, in turn.

Only roads on a fastest route between a warehouse and an area can change
the plan when closed (closing any other road leaves every travel time as it
is), so the candidates are the major roads on those routes, ranked by how
many warehouse→area routes use them.
"""

from __future__ import annotations

from ..model import GraphRoads, OsmRoads, Scenario
from ..model.disruptions import CloseRoads, WarehouseOut
from .sweep import Variant


def warehouse_variants(base: Scenario) -> list[Variant]:
    """One variant per warehouse, that warehouse out of action."""
    return [
        Variant(
            name=f"warehouse out: {w.id}",
            disruptions=[WarehouseOut(kind="warehouse_out", warehouse=w.id)],
        )
        for w in base.warehouses
    ]


def major_road_variants(base: Scenario, *, limit: int) -> list[Variant]:
    """Up to ``limit`` variants, each closing one major road used by warehouse→area routes."""
    roads = base.roads
    if not isinstance(roads, GraphRoads | OsmRoads):
        return []  # straight-line roads have nothing to close
    from ..network.road_usage import route_usage

    usage = route_usage(base)
    variants: list[Variant] = []
    for road, _count in usage.most_common(limit):
        if isinstance(road, int):
            closure = CloseRoads(kind="close_roads", osm_way=road, label=usage_label(base, road))
            name = f"road closed: way {road} {closure.label or ''}".rstrip()
        else:
            closure = CloseRoads(kind="close_roads", between=list(road))
            name = f"road closed: {road[0]}–{road[1]}"
        variants.append(Variant(name=name, disruptions=[closure]))
    return variants


def usage_label(base: Scenario, way: int) -> str | None:
    """A readable label of an OSM way (ref, name, class)."""
    from ..network.road_usage import way_label

    return way_label(base, way)


def criticality_variants(base: Scenario, *, roads: int = 20) -> list[Variant]:
    """Every warehouse out in turn, then the ``roads`` most used major roads closed in turn."""
    return [*warehouse_variants(base), *major_road_variants(base, limit=roads)]
