"""HTTP routes, one module per resource, collected in :data:`ROUTERS`."""

from __future__ import annotations

from . import (
    audit,
    exports,
    health,
    items,
    keys,
    plans,
    readiness,
    scenarios,
    transfers,
    warehouses,
)

ROUTERS = (
    health.router,
    keys.router,
    items.router,
    warehouses.router,
    plans.router,
    audit.router,
    exports.router,
    scenarios.router,
    readiness.router,
    transfers.router,
)
