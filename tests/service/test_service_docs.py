"""docs/service.md lists exactly the routes the app serves."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute

from supplyopt_service import dashboard
from supplyopt_service.app import create_app
from supplyopt_service.core.settings import Settings
from supplyopt_service.routers import ROUTERS

DOC = Path(__file__).resolve().parents[2] / "docs" / "service.md"
ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^`?]*)", re.MULTILINE)


def _shape(path: str) -> str:
    """A path with every parameter name blanked: ``/plans/{}/replan``."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_route_is_documented_and_every_documented_route_exists(tmp_path: Path) -> None:
    """The endpoint table of docs/service.md names the (method, path) pairs the app serves."""
    # create_app includes exactly these routers (FastAPI keeps included routers lazily).
    served = {
        (method, _shape(route.path))
        for router in (*ROUTERS, dashboard.router)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods - {"HEAD"}
    }
    text = DOC.read_text("utf-8")
    documented = [(method, _shape(path)) for method, path in ROW.findall(text)]
    assert len(documented) == len(set(documented))
    assert set(documented) == served
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}"))
    operations = sum(len(item) for item in app.openapi()["paths"].values())
    assert f"lists the same {operations} operations" in text
