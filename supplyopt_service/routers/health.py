"""``GET /health`` (liveness) and ``GET /health/ready`` (readiness), no key needed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ..core.routing import GuardedRoute
from ..deps import ServicesDep
from ..schemas import Health, Readiness

router = APIRouter(tags=["health"], route_class=GuardedRoute)


@router.get("/health", summary="Liveness check (no API key needed)")
def health() -> Health:
    """Answer ``{"status": "ok"}`` while the process serves requests (it checks nothing else)."""
    return Health()


@router.get(
    "/health/ready",
    summary="Readiness check: database and job runner (no API key needed)",
    responses={503: {"model": Readiness, "description": "A check failed; each one says why."}},
)
def ready(svc: ServicesDep) -> JSONResponse:
    """200 when the database answers and the job runner runs; else 503 naming what failed."""
    checks = {"database": _database_check(svc), "jobs": _jobs_check(svc)}
    ok = all(v == "ok" for v in checks.values())
    body = Readiness(status="ready" if ok else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


def _database_check(svc: ServicesDep) -> str:
    try:
        with svc.db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as err:  # any failure means "not ready"; the reason is what matters
        return f"unreachable: {type(err).__name__}"
    return "ok"


def _jobs_check(svc: ServicesDep) -> str:
    # The embedded worker's threads (always "ok" when jobs are solved by `supplyopt worker`).
    return "ok" if svc.jobs.alive() else "stopped"
