"""Plans with stock transfers in the service: stored and served as JSON, reserved net, not revised."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from supplyopt_service.app import create_app
from supplyopt_service.approvals import plan_takes
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings
from supplyopt_service.core.tables import PlanJobRow
from tests.transfer_case import NEAR, transfer_data, transfer_plan

from .conftest import KeyMaker

EVENTS = {
    "now_hours": 1.0,
    "events": [{"kind": "set_demand", "at_hours": 0.5, "area": "a1", "demand": {"kit": 40}}],
}


@pytest.fixture
def app_client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """A running app with no embedded worker (the plan job is stored by hand)."""
    idle = settings.model_copy(update={"embedded_worker": False})
    with TestClient(create_app(idle), raise_server_exceptions=False) as client:
        yield client


def _store_done(db: Database) -> None:
    _, plan = transfer_plan()
    with db.write() as session:
        session.add(
            PlanJobRow(
                id="moved",
                status="done",
                scenario=transfer_data(n_areas=1),
                use_inventory=False,
                time_limit_s=1,
                seed=0,
                progress=1.0,
                plan=plan.model_dump(mode="json", exclude_none=True),
            )
        )


def test_plan_with_a_transfer_is_served_and_not_revised(
    app_client: TestClient, db: Database, auth: KeyMaker
) -> None:
    """GET gives the transfer back unchanged; POST replan is 409 naming the transfer trip."""
    _store_done(db)
    job = app_client.get("/plans/moved", headers=auth("viewer")).json()
    assert job["plan"]["trips"][0]["transfer"]["warehouse"] == NEAR
    answer = app_client.post(
        "/plans/moved/replan", json={"events": EVENTS}, headers=auth("planner")
    )
    assert answer.status_code == 409
    assert "trips[0].transfer: re-planning a plan with stock transfers" in answer.json()["detail"]


def test_approval_reserves_what_a_transfer_takes_at_its_warehouse() -> None:
    """Transferred units are taken from the sending warehouse, not again at the receiving one."""
    _, plan = transfer_plan()
    takes = plan_takes(plan.model_dump(mode="json", exclude_none=True))
    assert takes == {("far", "kit"): 100}
