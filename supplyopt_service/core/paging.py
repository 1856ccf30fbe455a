"""Paging of list endpoints: ``limit`` and a cursor, and the ``Link`` header to the next page.

A list answers at most ``limit`` entries (default :data:`DEFAULT_LIMIT`, at
most :data:`MAX_LIMIT`). When there are more, the answer carries
``Link: <url of the next page>; rel="next"`` (RFC 8288), the URL being the
request's own with the cursor (``after`` or ``after_id``: the last entry of
this page) set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response

from ..ids import ID_PATTERN

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

#: How many entries a page holds.
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Entries per page (at most {MAX_LIMIT}).")
]
#: The cursor of an id-ordered list: the last id of the previous page.
AfterId = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=ID_PATTERN,
        description='The last id of the previous page (its `Link: rel="next"` gives it).',
    ),
]

T = TypeVar("T")


def page(
    request: Request,
    response: Response,
    rows: Sequence[T],
    limit: int,
    *,
    param: str,
    key: Callable[[T], str | int],
) -> list[T]:
    """Return the first ``limit`` of ``rows`` (fetched as ``limit + 1``); link the next page.

    Parameters
    ----------
    request, response
        The request, and the response whose ``Link`` header is set when more rows exist.
    rows
        Up to ``limit + 1`` rows in list order.
    limit
        The page size asked for.
    param, key
        The cursor's query parameter, and the cursor value of a row (the last
        row of this page starts the next).
    """
    if len(rows) <= limit:
        return list(rows)
    url = request.url.include_query_params(**{param: key(rows[limit - 1]), "limit": limit})
    response.headers["Link"] = f'<{url}>; rel="next"'
    return list(rows[:limit])
