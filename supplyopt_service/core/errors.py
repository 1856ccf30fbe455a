"""Service errors and the one place that maps every error to an HTTP answer.

Routes and services raise the exceptions below (or let validation fail);
:func:`install_error_handlers` turns each into a JSON body with a
human-readable ``detail``. Unexpected exceptions are logged with their
traceback and answered with a bare 500 and a reference, never the trace.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from supplyopt.model import Problem, SupplyOptError, describe_error, format_path

log = logging.getLogger("supplyopt.service")

Loc = list[str | int]

#: Pydantic error type of a scenario refused by the library; its context holds
#: the library's ``problems`` (see ``scenario_checks.library_validated``).
INVALID_SCENARIO = "invalid_scenario"

#: Statuses of refusals recorded in the audit trail (see :mod:`.refusals`).
AUDITED_STATUSES = (401, 403, 409)

#: Error type of a request refused after schema validation (:class:`InvalidInputError`).
INVALID_VALUE = "value_error"


class ServiceError(SupplyOptError):
    """Base of the errors the service answers with; ``status_code`` is the HTTP status."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        """Return the JSON body of the answer."""
        return {"detail": self.detail}


class UnauthorizedError(ServiceError, PermissionError):
    """No API key, or one the service does not know (or revoked)."""

    status_code = 401


class ForbiddenError(ServiceError, PermissionError):
    """A known key whose role is too low for the request."""

    status_code = 403


class NotFoundError(ServiceError, LookupError):
    """The addressed resource does not exist."""

    status_code = 404


class ConflictError(ServiceError, ValueError):
    """The request conflicts with the stored state (duplicate id, wrong job state…)."""

    status_code = 409


class InsufficientStockError(ConflictError):
    """Stock is not there: nothing was changed. ``shortfall`` says what is missing."""

    def __init__(self, detail: str, shortfall: Sequence[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.shortfall = list(shortfall)

    def body(self) -> dict[str, Any]:
        """Return the JSON body, with the shortfall per warehouse and item."""
        return {"detail": self.detail, "shortfall": self.shortfall}


class InvalidInputError(ServiceError, ValueError):
    """A request that passed schema validation but is still wrong; ``errors`` locate it."""

    status_code = 422

    def __init__(self, errors: Sequence[tuple[Loc, str]], *, kind: str = INVALID_VALUE) -> None:
        self.errors = [_field_error(loc, msg, kind) for loc, msg in errors]
        super().__init__(_summary(self.errors))

    @classmethod
    def of_problems(cls, problems: Iterable[Problem], where: Loc) -> InvalidInputError:
        """The library's problems of a scenario found at ``where`` in the request."""
        return cls(_problem_errors(problems, where), kind=INVALID_SCENARIO)

    def body(self) -> dict[str, Any]:
        """Return the JSON body with one entry per bad field."""
        return {"detail": self.detail, "errors": self.errors}


class TooBusyError(ServiceError):
    """Too many plan jobs are waiting; try again later."""

    status_code = 429


def _problem_errors(problems: Iterable[Problem], where: Loc) -> list[tuple[Loc, str]]:
    """Locate the library's problems of a scenario found at ``where`` in the request.

    A field's problem is at ``where`` plus its location, in the library's
    words; a problem of the text itself (malformed YAML) is at ``where``,
    saying where in the text.
    """
    return [(where, str(p)) if p.in_file else ([*where, *p.location], p.message) for p in problems]


def _field_error(loc: Loc, msg: str, kind: str) -> dict[str, Any]:
    """One entry of a 422's ``errors``: the same keys in every answer."""
    return {"loc": loc, "path": format_path(loc), "msg": msg, "type": kind}


def _summary(errors: Sequence[dict[str, Any]]) -> str:
    count = len(errors)
    head = f"{count} invalid field{'s' if count != 1 else ''}"
    shown = "; ".join(f"{e['path']}: {e['msg']}" for e in errors[:10])
    more = f"; … and {count - 10} more" if count > 10 else ""
    return f"{head}: {shown}{more}"


def _validation_answer(exc: RequestValidationError) -> JSONResponse:
    """One located entry per bad field, each in the library's words (``must be > 0 (got -1)``)."""
    errors: list[dict[str, Any]] = []
    for error in exc.errors():
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ())]
        if error.get("type") == INVALID_SCENARIO:
            errors += [
                _field_error(at, msg, INVALID_SCENARIO)
                for at, msg in _problem_errors(error["ctx"]["problems"], loc)
            ]
        else:
            errors.append(_field_error(loc, describe_error(error), str(error.get("type", ""))))
    return JSONResponse({"detail": _summary(errors), "errors": errors}, status_code=422)


async def _audit_refusal(request: Request, exc: ServiceError) -> None:
    refusals = getattr(request.app.state, "refusals", None)
    services = getattr(request.app.state, "services", None)
    if refusals is None or services is None:
        return
    await run_in_threadpool(refusals.record, services.db, request, exc.status_code, exc.detail)


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping from exceptions to HTTP answers on ``app``."""

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        if exc.status_code in AUDITED_STATUSES:
            await _audit_refusal(request, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_answer(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error refused a change: %s", exc.orig)
        return JSONResponse(
            {
                "detail": "the change conflicts with stored data (e.g. stock would go negative) "
                "and was not applied"
            },
            status_code=409,
        )

    @app.exception_handler(DataError)
    async def _unstorable(_request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses some values SQLite takes, e.g. text with a NUL character.
        log.info("database refused a value: %s", exc.orig)
        detail = "a value in the request cannot be stored (e.g. text with a NUL character)"
        errors = [_field_error(["request"], detail, "unstorable_value")]
        return JSONResponse({"detail": detail, "errors": errors}, status_code=422)

    @app.exception_handler(OperationalError)
    async def _operational(_request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc.orig)
        return JSONResponse(
            {"detail": "the database is busy or unavailable; retry shortly"},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        reference = uuid.uuid4().hex[:12]
        log.error("unexpected error (reference %s)", reference, exc_info=exc)
        return JSONResponse(
            {"detail": f"internal error (reference {reference}); nothing was changed"},
            status_code=500,
        )
