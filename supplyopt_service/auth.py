"""Bearer-key authentication and role checks, as FastAPI dependencies."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ForbiddenError, UnauthorizedError
from .keys import Principal, find_principal
from .state import services

_bearer = HTTPBearer(auto_error=False, description="An API key made with `supplyopt keys create`.")


def require(role: str) -> Callable[..., Principal]:
    """Return a dependency that admits keys whose role is at least ``role``.

    Missing or unknown key: 401. Known key, role too low: 403.
    """

    def dependency(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
    ) -> Principal:
        if credentials is None or not credentials.credentials:
            raise UnauthorizedError("missing API key: send 'Authorization: Bearer <key>'")
        with services(request).db.read() as session:
            principal = find_principal(session, credentials.credentials)
        if principal is None:
            raise UnauthorizedError("unknown or revoked API key")
        if not principal.allows(role):
            raise ForbiddenError(f"this needs the {role!r} role; the key has {principal.role!r}")
        return principal

    return dependency
