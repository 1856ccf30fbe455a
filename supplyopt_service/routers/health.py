"""``GET /health``: liveness, no key needed."""

from __future__ import annotations

from fastapi import APIRouter

from ..core.routing import GuardedRoute
from ..schemas import Health

router = APIRouter(tags=["health"], route_class=GuardedRoute)


@router.get("/health", summary="Liveness check (no API key needed)")
def health() -> Health:
    """Answer ``{"status": "ok"}`` while the service runs."""
    return Health()
