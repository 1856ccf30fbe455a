"""One router for the dashboard: the page and its assets, plan exports, scenario files.

The service includes it with ``app.include_router(dashboard.router)``.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import exports, pages, scenarios

router = APIRouter()
router.include_router(pages.router)
router.include_router(exports.router)
router.include_router(scenarios.router)
