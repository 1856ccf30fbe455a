"""Scenarios are parsed and validated off the event loop; keys are checked before bodies."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supplyopt.model import Scenario
from supplyopt_service import scenario_checks
from supplyopt_service.routers import scenarios as scenario_routes

from .conftest import KeyMaker

BOMB = """\
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


class HealthGate:
    """Wraps a parsing function so that it waits, while parsing, for ``/health`` to answer.

    On the event loop the wait can only time out (``/health`` cannot be served
    while the loop is blocked): ``health_answered_during_parse`` stays false.
    """

    def __init__(self, wrapped: Callable[..., Any]) -> None:
        self.wrapped = wrapped
        self.parsing = threading.Event()
        self.health_done = threading.Event()
        self.health_answered_during_parse = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.parsing.set()
        self.health_answered_during_parse = self.health_done.wait(timeout=10)
        return self.wrapped(*args, **kwargs)


def _health_during(client: TestClient, gate: HealthGate, request: Callable[[], Any]) -> Any:
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(request)
        assert gate.parsing.wait(timeout=30)
        assert client.get("/health").status_code == 200
        gate.health_done.set()
        return pending.result()


@pytest.fixture
def viewer(auth: KeyMaker) -> dict[str, str]:
    return auth("viewer")


def test_health_answers_while_a_yaml_scenario_parses(
    client: TestClient, viewer: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """/health is served while POST /scenarios/parse is still parsing (not on the event loop)."""
    gate = HealthGate(scenario_routes.loads_scenario)
    monkeypatch.setattr(scenario_routes, "loads_scenario", gate)
    text = "name: x\n"
    answer = _health_during(
        client,
        gate,
        lambda: client.post("/scenarios/parse", content=text.encode(), headers=viewer),
    )
    assert answer.status_code == 422
    assert gate.health_answered_during_parse


def test_health_answers_while_a_submitted_scenario_is_validated(
    client: TestClient,
    auth: KeyMaker,
    scenario: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/health is served while POST /plans validates its scenario through the library."""
    gate = HealthGate(scenario_checks.parse_scenario)
    monkeypatch.setattr(scenario_checks, "parse_scenario", gate)
    planner = auth("planner")
    answer = _health_during(
        client,
        gate,
        lambda: client.post("/plans", json={"scenario": scenario}, headers=planner),
    )
    assert answer.status_code == 202, answer.text
    assert gate.health_answered_during_parse


def test_a_scenario_is_validated_once_per_request(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation off the loop is not repeated on it: the library parses the scenario once."""
    calls: list[int] = []

    def counted(data: Any, **kwargs: Any) -> Scenario:
        calls.append(1)
        return real(data, **kwargs)

    real = scenario_checks.parse_scenario
    monkeypatch.setattr(scenario_checks, "parse_scenario", counted)
    answer = client.post("/plans", json={"scenario": scenario}, headers=auth("planner"))
    assert answer.status_code == 202, answer.text
    assert len(calls) == 1


def test_yaml_alias_bomb_is_refused_with_422(client: TestClient, viewer: dict[str, str]) -> None:
    """A few hundred bytes of nested aliases expanding to 10**7 values: 422 saying why."""
    answer = client.post("/scenarios/parse", content=BOMB.encode(), headers=viewer)
    assert answer.status_code == 422
    assert "expands to more than 2,000,000 values" in answer.json()["errors"][0]["msg"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/items"),
        ("POST", "/warehouses"),
        ("POST", "/warehouses/import"),
        ("POST", "/plans"),
        ("POST", "/keys"),
        ("POST", "/warehouses/north/movements"),
        ("POST", "/plans/nope/replan"),
    ],
)
def test_malformed_json_without_a_key_is_401(client: TestClient, method: str, path: str) -> None:
    """The key is checked before the body is even decoded: 401, not 422."""
    answer = client.request(
        method, path, content=b'{"id": ', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 401, answer.text


def test_malformed_json_with_too_low_a_role_is_403(client: TestClient, auth: KeyMaker) -> None:
    """A viewer's malformed body to a manager's route: 403, not 422."""
    headers = {**auth("viewer"), "Content-Type": "application/json"}
    answer = client.post("/items", content=b'{"id": ', headers=headers)
    assert answer.status_code == 403, answer.text


def test_malformed_json_with_a_key_is_still_a_located_422(
    client: TestClient, auth: KeyMaker
) -> None:
    """With a good key, a malformed body is a 422 located in the body."""
    headers = {**auth("manager"), "Content-Type": "application/json"}
    answer = client.post("/items", content=b'{"id": ', headers=headers)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"][0] == "body"
