"""The FastAPI application: settings → database (migrated) → job runner → routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from supplyopt import __version__

from . import dashboard
from .core.db import Database
from .core.errors import install_error_handlers
from .core.limits import BodySizeLimit
from .core.migrate import upgrade
from .core.refusals import RefusalAudit
from .core.settings import Settings, get_settings
from .core.state import Services
from .deps import authenticate
from .jobs import JobRunner, ReplanFn, SolveFn, replan_with_library, solve_with_library
from .routers import ROUTERS

DESCRIPTION = """\
Live reserve-warehouse stock, relief plan jobs, and approvals that never over-commit.

Every request but `GET /health` needs `Authorization: Bearer <api key>`; make the first
(admin) key with `supplyopt keys create --role admin`. Roles: viewer (read), planner (also
submit and cancel plans), manager (also stock movements, warehouses, items, approvals),
admin (everything, keys too). Missing or unknown key: 401; role too low: 403.
"""


def create_app(
    settings: Settings | None = None,
    *,
    solve: SolveFn = solve_with_library,
    replan: ReplanFn = replan_with_library,
) -> FastAPI:
    """Build the app; the database is migrated and its plan worker started at start-up.

    The worker (unless ``settings.embedded_worker`` is off) first recovers jobs
    whose lease expired: those of a dead process, never those another live
    process is solving.

    Parameters
    ----------
    settings
        Service settings (default: from the environment).
    solve
        The planning function run by the embedded worker (default: the library's planner).
    replan
        The revising function run for revisions (default: the library's ``replan``).
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url, busy_timeout_s=settings.sqlite_busy_timeout_s)
        upgrade(db)
        jobs = JobRunner(db, settings, solve, replan)
        jobs.start()
        app.state.services = Services(settings=settings, db=db, jobs=jobs)
        app.state.authenticate = authenticate
        app.state.refusals = RefusalAudit(settings.audit_refusals_per_minute)
        try:
            yield
        finally:
            jobs.shutdown()
            db.dispose()

    app = FastAPI(
        title="supplyopt service",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(dashboard.router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    logging.getLogger("supplyopt.service").setLevel(logging.INFO)
    return app
