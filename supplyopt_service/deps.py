"""FastAPI dependencies every route shares: the app's services, a read session, the caller.

A route declares what it needs as a typed parameter::

    def get_items(who: Viewer, session: ReadSession) -> list[ItemOut]: ...

Write transactions are opened in the route (``with db.write() as session``),
not here: the transaction then begins and commits within the one worker
thread that runs the route, so SQLite's write lock is never held while a
request waits for a thread, and a failed commit is still the route's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, cast

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .core.db import Database
from .core.errors import ForbiddenError, UnauthorizedError
from .core.keys import Principal, find_principal
from .core.routing import ROLE_ATTRIBUTE
from .core.state import Services
from .ids import ID_PATTERN

_bearer = HTTPBearer(auto_error=False, description="An API key made with `supplyopt keys create`.")


def get_services(request: Request) -> Services:
    """Return the services of the app serving ``request``."""
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]


def get_database(services: ServicesDep) -> Database:
    """Return the app's database."""
    return services.db


DatabaseDep = Annotated[Database, Depends(get_database)]


def read_session(db: DatabaseDep) -> Iterator[Session]:
    """Yield a read session for the request; rolled back when the request is done."""
    with db.read() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]


def authenticate(request: Request, role: str) -> Principal:
    """Admit the request's key if its role is at least ``role``; remember it on the request.

    Missing or unknown key: 401. Known key, role too low: 403. Runs before the
    body is decoded (see :class:`~supplyopt_service.core.routing.GuardedRoute`).
    """
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        principal = known
    else:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise UnauthorizedError("missing API key: send 'Authorization: Bearer <key>'")
        with get_services(request).db.read() as session:
            found = find_principal(session, token)
        if found is None:
            raise UnauthorizedError("unknown or revoked API key")
        principal = found
        request.state.principal = principal
    if not principal.allows(role):
        raise ForbiddenError(f"this needs the {role!r} role; the key has {principal.role!r}")
    return principal


def require(role: str) -> Callable[..., Principal]:
    """Return a dependency that admits keys whose role is at least ``role``.

    Missing or unknown key: 401. Known key, role too low: 403.
    """

    def dependency(
        request: Request,
        _credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
    ) -> Principal:
        return authenticate(request, role)

    setattr(dependency, ROLE_ATTRIBUTE, role)
    return dependency


#: The caller, admitted with at least the named role (contract §4 roles).
Viewer = Annotated[Principal, Depends(require("viewer"))]
Planner = Annotated[Principal, Depends(require("planner"))]
Manager = Annotated[Principal, Depends(require("manager"))]
Admin = Annotated[Principal, Depends(require("admin"))]

#: A user's string id in a path (item, warehouse, bundled scenario).
IdPath = Annotated[
    str, Path(min_length=1, max_length=200, pattern=ID_PATTERN, examples=["urumqi-reserve"])
]
#: A plan job's id in a path.
PlanIdPath = Annotated[str, Path(min_length=1, max_length=32, examples=["6f1c2a9e0b7d4f7e"])]
