"""Documented error answers of the routes (OpenAPI ``responses``), and the text request body."""

from __future__ import annotations

from typing import Any

from ..schemas import Error, StockConflict, ValidationFailure

_ANSWERS: dict[int, dict[str, Any]] = {
    401: {"model": Error, "description": "Missing, unknown or revoked API key."},
    403: {"model": Error, "description": "The key's role is too low."},
    404: {"model": Error, "description": "No such resource."},
    409: {
        "model": StockConflict,
        "description": "Conflicts with the stored state; nothing changed.",
    },
    413: {"model": Error, "description": "Request body too large."},
    422: {"model": ValidationFailure, "description": "Invalid request; every bad field located."},
    429: {"model": Error, "description": "Too many plans queued or running."},
    503: {"model": Error, "description": "Database busy or unavailable; retry."},
}


def answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error codes, plus 401, 403, 422 and 503."""
    wanted = sorted({401, 403, 422, 503, *codes})
    return {code: _ANSWERS[code] for code in wanted}


#: OpenAPI ``openapi_extra`` of a route whose body is a file's text (YAML or JSON), read raw.
TEXT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}
