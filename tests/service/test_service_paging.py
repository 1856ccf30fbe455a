"""Every list endpoint is paged: ``limit`` (default 100, at most 1000) and a cursor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supplyopt_service.core.db import Database
from supplyopt_service.core.tables import ItemRow

from .conftest import KeyMaker, plan_taking


def follow(client: TestClient, url: str, headers: dict[str, str]) -> list[list[Any]]:
    """Every page of a list, following the ``Link: <…>; rel="next"`` header."""
    pages: list[list[Any]] = []
    next_url: str | None = url
    while next_url is not None:
        answer = client.get(next_url, headers=headers)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        next_url = answer.links.get("next", {}).get("url")
        assert len(pages) < 20
    return pages


def test_items_are_paged_by_id(client: TestClient, auth: KeyMaker) -> None:
    """Five items, two a page: three pages, by id, the last without a next link."""
    manager = auth("manager")
    for n in range(5):
        body = {"id": f"item-{n}", "weight_kg": 1.0, "volume_m3": 0.1}
        assert client.post("/items", json=body, headers=manager).status_code == 201
    pages = follow(client, "/items?limit=2", manager)
    assert [[i["id"] for i in page] for page in pages] == [
        ["item-0", "item-1"],
        ["item-2", "item-3"],
        ["item-4"],
    ]


def test_lists_default_to_100_and_refuse_more_than_1000(
    client: TestClient, auth: KeyMaker, db: Database
) -> None:
    """101 items: the first page holds 100 and links to the rest; limit=1001 is a 422."""
    with db.write() as session:
        session.add_all(ItemRow(id=f"i{n:03d}", weight_kg=1.0, volume_m3=0.1) for n in range(101))
    viewer = auth("viewer")
    answer = client.get("/items", headers=viewer)
    assert len(answer.json()) == 100
    assert "after=i099" in answer.links["next"]["url"]
    for path in ("/items", "/warehouses", "/keys", "/plans", "/audit"):
        assert client.get(f"{path}?limit=1001", headers=auth("admin")).status_code == 422, path


def test_warehouses_are_paged(
    client: TestClient, stocked: dict[str, str], scenario: dict[str, Any]
) -> None:
    """The tiny scenario's two warehouses, one a page."""
    pages = follow(client, "/warehouses?limit=1", stocked)
    assert [[w["id"] for w in page] for page in pages] == [["north"], ["south"]]


def test_keys_and_audit_are_paged(client: TestClient, auth: KeyMaker) -> None:
    """Keys by id and audit entries by id, two a page, every one seen once."""
    admin = auth("admin")
    for role in ("viewer", "planner", "manager"):
        auth(role)
    key_pages = follow(client, "/keys?limit=2", admin)
    assert [len(p) for p in key_pages] == [2, 2]
    ids = [k["id"] for p in key_pages for k in p]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4
    audit_pages = follow(client, "/audit?limit=3", admin)
    assert [len(p) for p in audit_pages] == [3, 1]


def test_plans_are_paged_newest_first(
    client: TestClient, auth: KeyMaker, store_done_plan: Callable[..., str]
) -> None:
    """Three plans, two a page: newest first; ``next`` is the cursor of the following page."""
    made = [store_done_plan(plan_taking({"north": {"tent": 1}})) for _ in range(3)]
    viewer = auth("viewer")
    first = client.get("/plans?limit=2", headers=viewer).json()
    assert first["next"] is not None
    second = client.get(f"/plans?limit=2&after={first['next']}", headers=viewer).json()
    assert second["next"] is None
    seen = [p["id"] for p in first["plans"] + second["plans"]]
    assert sorted(seen) == sorted(made)
    assert len(set(seen)) == 3


@pytest.mark.parametrize("path", ["/items?after=a%2Fb", "/plans?after=nope"])
def test_a_bad_cursor_is_a_located_422(client: TestClient, auth: KeyMaker, path: str) -> None:
    """A cursor that is no id (or no plan) is refused at query.after."""
    answer = client.get(path, headers=auth("viewer"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["path"] == "query.after"
