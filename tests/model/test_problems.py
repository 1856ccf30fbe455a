"""Problems are data: located once, rendered everywhere, surviving pickling unchanged."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from supplyopt.model import (
    MAX_QUANTITY,
    MAX_VEHICLES,
    MissingDataError,
    PlanFileError,
    Problem,
    ScenarioError,
    SupplyOptError,
    parse_scenario,
)
from supplyopt.solve.routing.problem import RoutingProblemError
from tests.conftest import tiny_data


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            Problem(("areas", 3, "demand", "tnt"), "unknown item"),
            "areas[3].demand.tnt: unknown item",
        ),
        (Problem((), "must be a mapping"), "(top level): must be a mapping"),
        (Problem.of_file("no such file"), "(file): no such file"),
        (
            Problem.of_file("malformed YAML: x", line=2, column=1),
            "line 2, column 1: malformed YAML: x",
        ),
        (
            Problem(("roads", "edges", 0, "to"), "bad").scoped("variant 'v'"),
            "variant 'v': roads.edges[0].to: bad",
        ),
    ],
)
def test_problem_renders_path_then_message(problem: Problem, text: str) -> None:
    """str(problem) is 'path: message', the path built from the location parts."""
    assert str(problem) == text


def test_within_prefixes_the_location() -> None:
    """A problem moved inside a field keeps its message and gets the longer location."""
    moved = Problem(("areas", 0, "priority"), "must be >= 1 (got 0)").within("body", "scenario")
    assert moved.location == ("body", "scenario", "areas", 0, "priority")
    assert moved.path == "body.scenario.areas[0].priority"


def test_field_and_reference_problems_come_located_together() -> None:
    """Priority 0 and an unknown item in one scenario give both problems, as data."""
    data = tiny_data()
    data["areas"][0]["priority"] = 0
    data["areas"][1]["demand"]["tnt"] = 3
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert {(p.location, p.message) for p in caught.value.problems} == {
        (("areas", 0, "priority"), "must be >= 1 (got 0)"),
        (("areas", 1, "demand", "tnt"), "unknown item 'tnt' (known: tent, quilt)"),
    }


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


QUANTITIES = [
    (("areas", 0, "demand", "tent"), MAX_QUANTITY),
    (("areas", 0, "population"), MAX_QUANTITY),
    (("warehouses", 0, "stock", "quilt"), MAX_QUANTITY),
    (("warehouses", 0, "fleet", "truck"), MAX_VEHICLES),
    (("warehouses", 0, "loading_bays"), MAX_VEHICLES),
]


@pytest.mark.parametrize(("path", "bound"), QUANTITIES)
@pytest.mark.parametrize("over", [1, MAX_QUANTITY, 2**63 - 1, 2**63, 10**30])
def test_every_quantity_has_one_upper_bound(
    path: tuple[str | int, ...], bound: int, over: int
) -> None:
    """Stock, demand and population above MAX_QUANTITY, fleet and bays above MAX_VEHICLES: one problem."""
    value = over if over > bound else bound + over
    data = tiny_data()
    _set(data, path, value)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert [(p.location, p.message) for p in caught.value.problems] == [
        (path, f"must be <= {bound} (got {value})")
    ]


@pytest.mark.parametrize(("path", "bound"), QUANTITIES)
def test_quantity_at_its_bound_is_accepted(path: tuple[str | int, ...], bound: int) -> None:
    """Each bound itself is a valid value."""
    data = tiny_data()
    data["warehouses"][1]["fleet"] = {}  # so that w1's fleet may take all MAX_VEHICLES
    _set(data, path, bound)
    parse_scenario(data)


def test_fleets_together_have_one_upper_bound() -> None:
    """Fleets within MAX_VEHICLES each but above it together are one problem at warehouses."""
    data = tiny_data()
    data["warehouses"][0]["fleet"]["truck"] = MAX_VEHICLES - 1
    parse_scenario(data)  # with w2's one truck: exactly MAX_VEHICLES
    data["warehouses"][0]["fleet"]["truck"] = MAX_VEHICLES
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert [str(p) for p in caught.value.problems] == [
        f"warehouses: {MAX_VEHICLES + 1} vehicles in all fleets together; "
        f"a scenario may have at most {MAX_VEHICLES}"
    ]


def test_quantity_at_the_bound_is_accepted() -> None:
    """MAX_QUANTITY itself is a valid quantity."""
    data = tiny_data()
    data["areas"][0]["demand"]["tent"] = MAX_QUANTITY
    assert parse_scenario(data).areas[0].demand["tent"] == MAX_QUANTITY


def test_demand_scaled_above_the_bound_is_refused_at_the_factor() -> None:
    """A scale_demand factor that would push a demand above MAX_QUANTITY is located at the factor."""
    data = tiny_data()
    data["disruptions"] = [
        {"kind": "scale_demand", "factor": 2.0},
        {"kind": "scale_demand", "factor": 1e10, "areas": ["a2"], "items": ["tent"]},
    ]
    data["areas"][1]["demand"]["tent"] = 40
    parse_scenario(data)  # 40 × 2 × 1e10 = 8e11: within the bound
    data["areas"][1]["demand"]["tent"] = 400
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)  # 400 × 2 × 1e10 = 8e12
    assert [str(p) for p in caught.value.problems] == [
        f"disruptions[1].factor: scales areas[1].demand.tent (800 units) above {MAX_QUANTITY}, "
        "the most a quantity may be"
    ]


def test_scenario_error_pickles_exactly() -> None:
    """A ScenarioError crossing a process pool keeps its problems, source and message."""
    problems = [
        Problem(("areas", 0, "priority"), "must be >= 1 (got 0)"),
        Problem.of_file("malformed YAML: x", line=2, column=1),
    ]
    err = ScenarioError(problems, source="flood.yaml")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ScenarioError
    assert again.problems == err.problems
    assert again.source == "flood.yaml"
    assert str(again) == str(err)
    assert str(again).splitlines()[0] == "flood.yaml: invalid scenario (2 problems)"


@pytest.mark.parametrize(
    "err",
    [
        PlanFileError("plan.json: no such file"),
        MissingDataError([Problem(("roads", "file"), "no such file 'x.osm'")], source="s.yaml"),
        SupplyOptError("anything"),
        RoutingProblemError(["depots: none given", "vehicles: none given"]),
    ],
)
def test_every_supplyopt_error_pickles_exactly(err: SupplyOptError) -> None:
    """Errors whose constructor takes more than a message rebuild with the same state and text."""
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is type(err)
    assert str(again) == str(err)
    assert again.__dict__ == err.__dict__
