"""Authentication and roles: 401 for missing/unknown keys, 403 for roles too low."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from supplyopt_service.core.keys import hash_token
from supplyopt_service.core.tables import ApiKey

from .conftest import KeyMaker

# (method, path, lowest role allowed, body)
ENDPOINTS = [
    ("GET", "/items", "viewer", None),
    ("GET", "/warehouses", "viewer", None),
    ("GET", "/plans", "viewer", None),
    ("POST", "/plans/nope/cancel", "planner", None),
    ("POST", "/items", "manager", {"id": "x", "weight_kg": 1.0, "volume_m3": 0.1}),
    ("POST", "/warehouses", "manager", {"id": "w", "lat": 1.0, "lon": 2.0}),
    ("POST", "/plans/nope/approve", "manager", None),
    ("GET", "/keys", "admin", None),
    ("GET", "/audit", "admin", None),
]
ROLES = ["viewer", "planner", "manager", "admin"]


def test_health_needs_no_key(client: TestClient) -> None:
    """GET /health answers without a key."""
    assert client.get("/health").json() == {"status": "ok"}


@pytest.mark.parametrize(("method", "path", "_role", "body"), ENDPOINTS)
def test_missing_or_unknown_key_is_401(
    client: TestClient, method: str, path: str, _role: str, body: object
) -> None:
    """Every endpoint but /health answers 401 with a JSON detail without a valid key."""
    for headers in ({}, {"Authorization": "Bearer so_not-a-key"}, {"Authorization": "Basic x"}):
        answer = client.request(method, path, json=body, headers=headers)
        assert answer.status_code == 401, (headers, answer.text)
        assert answer.json()["detail"]
        assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "lowest", "body"), ENDPOINTS)
def test_role_too_low_is_403_and_enough_passes(
    client: TestClient, auth: KeyMaker, method: str, path: str, lowest: str, body: object
) -> None:
    """Roles below the endpoint's get 403; roles at or above it get past authorisation."""
    for role in ROLES:
        answer = client.request(method, path, json=body, headers=auth(role))
        if ROLES.index(role) < ROLES.index(lowest):
            assert answer.status_code == 403, (role, answer.text)
            assert lowest in answer.json()["detail"]
        else:
            assert answer.status_code not in (401, 403), (role, answer.text)


def test_revoked_key_stops_working(client: TestClient, auth: KeyMaker) -> None:
    """A key revoked through the API is refused (401) on its next request."""
    admin = auth("admin")
    created = client.post("/keys", json={"role": "viewer", "name": "dashboard"}, headers=admin)
    assert created.status_code == 201
    viewer = {"Authorization": f"Bearer {created.json()['key']}"}
    assert client.get("/items", headers=viewer).status_code == 200
    revoked = client.post(f"/keys/{created.json()['id']}/revoke", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/items", headers=viewer).status_code == 401
    assert client.post(f"/keys/{created.json()['id']}/revoke", headers=admin).status_code == 409


@pytest.mark.parametrize("role", ["viewer", "planner", "manager", "admin"])
def test_a_key_reads_its_own_role(client: TestClient, auth: KeyMaker, role: str) -> None:
    """``GET /keys/me`` answers any key with its own id and role (never the token); 401 without."""
    headers = auth(role)
    me = client.get("/keys/me", headers=headers)
    assert me.status_code == 200, me.text
    assert me.json()["role"] == role
    assert "key" not in me.json()
    assert client.get("/keys/me").status_code == 401


def test_only_the_hash_of_a_key_is_stored(client: TestClient, auth: KeyMaker, db) -> None:  # type: ignore[no-untyped-def]
    """The database holds the SHA-256 of a new key, never the key itself."""
    created = client.post("/keys", json={"role": "planner"}, headers=auth("admin")).json()
    token = created["key"]
    with db.read() as session:
        row = session.get(ApiKey, created["id"])
        assert row.key_hash == hash_token(token)
        stored = [str(v) for v in (row.key_hash, row.prefix, row.name)]
    assert token not in stored
    listed = client.get("/keys", headers=auth("admin")).json()
    assert all("key" not in entry for entry in listed)
