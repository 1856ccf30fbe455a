"""The route class of every API route: the key first, then the body, decoded off the event loop.

FastAPI decodes a JSON body and validates it on the event loop, before any
dependency runs. Two things go wrong with that: a large scenario (its
validation through the library takes a while) stalls every other request,
``/health`` included; and a malformed body is answered 422 before the key is
looked at. :class:`GuardedRoute` runs, in this order:

1. the route's key check (401/403, see :func:`~supplyopt_service.deps.require`),
   in a worker thread;
2. the JSON decoding and the validation of the body, in a worker thread;
   scenarios validated there are remembered for the request (see
   :func:`validated_once`), so that FastAPI's own validation, which follows on
   the event loop, does not repeat the library's work;
3. FastAPI's usual handling.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

#: Attribute naming the role a key dependency admits (set by ``deps.require``).
ROLE_ATTRIBUTE = "supplyopt_role"

#: Scenarios validated for the current request, by the identity of their raw data.
_VALIDATED: ContextVar[dict[int, tuple[Any, Any]] | None] = ContextVar(
    "supplyopt_validated", default=None
)

Authenticate = Callable[[Request, str], Any]


def remembered(value: Any) -> Any | None:
    """Return the result validated earlier in this request for the raw ``value``, if any."""
    cache = _VALIDATED.get()
    if cache is None:
        return None
    entry = cache.get(id(value))
    return None if entry is None or entry[0] is not value else entry[1]


def remember(value: Any, result: Any) -> None:
    """Remember ``result`` as the validation of the raw ``value`` for this request."""
    cache = _VALIDATED.get()
    if cache is not None:
        cache[id(value)] = (value, result)


@contextmanager
def validated_once() -> Iterator[None]:
    """Within this block, validated scenarios are remembered (see :func:`remember`)."""
    token = _VALIDATED.set({})
    try:
        yield
    finally:
        _VALIDATED.reset(token)


def required_role(dependant: Dependant) -> str | None:
    """The role the route's key dependency admits (searched through sub-dependencies)."""
    for sub in dependant.dependencies:
        role = getattr(sub.call, ROLE_ATTRIBUTE, None)
        if isinstance(role, str):
            return role
        found = required_role(sub)
        if found is not None:
            return found
    return None


def _is_json(request: Request) -> bool:
    content_type = request.headers.get("content-type")
    if not content_type:
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", err.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": err.msg},
                }
            ],
            body=err.doc,
        ) from None


class GuardedRoute(APIRoute):
    """An API route that checks the key first and decodes and validates its body off the loop.

    The key check is the function ``app.state.authenticate(request, role)``
    (raising 401/403); it stores the caller on ``request.state.principal``.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler: key check, then body decoding and validation, in threads."""
        handler = super().get_route_handler()
        role = required_role(self.dependant)
        body_params = self.dependant.body_params
        body_field = body_params[0] if len(body_params) == 1 else None

        async def guarded(request: Request) -> Response:
            if role is not None:
                await run_in_threadpool(request.app.state.authenticate, request, role)
            if body_field is None:
                return await handler(request)
            raw = await request.body()
            if not raw or not _is_json(request):
                return await handler(request)
            with validated_once():
                data = await run_in_threadpool(self._decode_and_validate, raw, body_field)
                # FastAPI reads the decoded body from here instead of decoding it again.
                request._json = data
                return await handler(request)

        return guarded

    @staticmethod
    def _decode_and_validate(raw: bytes, field: Any) -> Any:
        data = _decode(raw)
        _value, errors = field.validate(data, {}, loc=("body",))
        if errors:
            raise RequestValidationError(errors, body=data)
        return data
