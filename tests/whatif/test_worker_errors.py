"""Errors raised in worker processes come back exactly as raised."""

from __future__ import annotations

import pytest

from supplyopt.model import ScenarioError, parse_scenario
from supplyopt.whatif import run_variants
from tests.conftest import tiny_data


def test_problem_found_in_a_worker_process_arrives_whole() -> None:
    """A ScenarioError raised while planning in a process pool keeps its problems and text."""
    data = tiny_data()
    data["roads"] = {
        "model": "graph",
        "nodes": [
            {"id": "n1", "lat": 43.80, "lon": 87.60},
            {"id": "n2", "lat": 44.01, "lon": 87.30},
            {"id": "n3", "lat": 44.20, "lon": 86.60},
        ],
        "edges": [{"from": "n1", "to": "n2", "length_km": 40}],
    }
    data["disruptions"] = [{"kind": "close_roads", "between": ["n1", "n3"]}]
    scenario = parse_scenario(data)  # valid data; the roads are checked when planning
    with pytest.raises(ScenarioError) as caught:
        run_variants([("a", scenario), ("b", scenario)], time_limit_s=1, workers=2)
    assert [str(p) for p in caught.value.problems] == [
        "disruptions[0].between: nodes 'n1' and 'n3' are not joined by a road nor on one OSM way"
    ]
    assert str(caught.value).splitlines() == [
        "invalid scenario (1 problem)",
        "  disruptions[0].between: nodes 'n1' and 'n3' are not joined by a road nor on one OSM way",
    ]
