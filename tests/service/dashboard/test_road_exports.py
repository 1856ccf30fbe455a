"""The dashboard's plan export on a road network: trips along their roads, roads with closures."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.network.test_road_paths import NORTH, SOUTH, two_roads
from tests.service.conftest import KeyMaker


def test_geojson_export_has_road_paths_and_closed_roads(client: TestClient, auth: KeyMaker) -> None:
    """GET /plans/{id}/export/plan.geojson of a graph scenario: roads, closures, road paths."""
    key = auth("planner")
    scenario: dict[str, Any] = json.loads(
        two_roads(close_north=True).model_dump_json(by_alias=True, exclude_none=True)
    )
    job = client.post("/plans", headers=key, json={"scenario": scenario, "time_limit_s": 2})
    assert job.status_code == 202, job.text
    plan_id = job.json()["id"]
    for _ in range(300):
        if client.get(f"/plans/{plan_id}", headers=key).json()["status"] not in (
            "queued",
            "running",
        ):
            break
        time.sleep(0.1)
    geo = client.get(f"/plans/{plan_id}/export/plan.geojson", headers=key)
    assert geo.status_code == 200, geo.text
    doc = geo.json()
    assert doc["path_geometry"] == "roads"
    roads = [f for f in doc["features"] if f["properties"]["kind"] == "road"]
    assert [r["properties"]["closed"] for r in roads] == [True, False, False, False]
    trips = [f for f in doc["features"] if f["properties"]["kind"] == "trip"]
    assert trips
    for trip in trips:
        points = [tuple(p) for p in trip["geometry"]["coordinates"]]
        assert SOUTH in points
        assert NORTH not in points


def _done(client: TestClient, key: dict[str, str], plan_id: str) -> dict[str, Any]:
    for _ in range(300):
        job: dict[str, Any] = client.get(f"/plans/{plan_id}", headers=key).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"plan {plan_id} still running")


def test_revision_export_draws_each_leg_on_the_roads_of_its_start(
    client: TestClient, auth: KeyMaker
) -> None:
    """A closure from 0.5 h: the truck already out drove north; its way back is drawn south."""
    key = auth("planner")
    scenario: dict[str, Any] = json.loads(
        two_roads().model_dump_json(by_alias=True, exclude_none=True)
    )
    first = client.post("/plans", headers=key, json={"scenario": scenario, "time_limit_s": 2})
    plan_id = first.json()["id"]
    previous = _done(client, key, plan_id)
    assert [t["depart_hours"] for t in previous["plan"]["trips"]] == [0.0]
    events = {
        "now_hours": 0.5,
        "events": [{"kind": "close_roads", "at_hours": 0.5, "between": ["nw", "nn"]}],
    }
    answer = client.post(
        f"/plans/{plan_id}/replan", headers=key, json={"events": events, "time_limit_s": 2}
    )
    assert answer.status_code == 202, answer.text
    revision = _done(client, key, answer.json()["id"])
    assert revision["status"] == "done", revision
    geo = client.get(f"/plans/{revision['id']}/export/plan.geojson", headers=key).json()
    (trip,) = [f for f in geo["features"] if f["properties"]["kind"] == "trip"]
    points = [tuple(p) for p in trip["geometry"]["coordinates"]]
    assert points.index(NORTH) < points.index(SOUTH)  # out by the north, back by the south
    (closed,) = [f for f in geo["features"] if f["properties"].get("closed")]
    assert (closed["properties"]["from"], closed["properties"]["to"]) == ("nw", "nn")
