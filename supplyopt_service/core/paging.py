"""Paging of list endpoints: ``limit`` and a cursor, and the ``Link`` header to the next page.

A list answers at most ``limit`` entries (default :data:`DEFAULT_LIMIT`, at
most :data:`MAX_LIMIT`). When there are more, the answer carries
``Link: <url of the next page>; rel="next"`` (RFC 8288), the URL being the
request's own with the cursor (``after`` or ``after_id``: the last entry of
this page) set. Job lists (plans, readiness runs) page newest first with
:func:`newest_first`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar, TypeVarTuple

from fastapi import Query, Request, Response
from sqlalchemy import Row, Select, and_, or_, select
from sqlalchemy.orm import Session

from ..ids import ID_PATTERN
from .errors import InvalidInputError
from .tables import PlanJobRow, ReadinessJobRow

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
Columns = TypeVarTuple("Columns")


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


def newest_first(
    session: Session,
    query: Select[*Columns],
    table: type[PlanJobRow] | type[ReadinessJobRow],
    *,
    after: str | None,
    limit: int,
    what: str,
) -> tuple[list[Row[*Columns]], bool]:
    """Run a job list's ``query`` newest first: ``limit`` rows older than job ``after``.

    Parameters
    ----------
    session
        The session to read with.
    query
        The columns to list, selected from ``table``.
    table
        The jobs' table (ordered by ``created_at`` descending, then ``id``).
    after, limit
        The cursor (the last id of the previous page, or ``None``) and page size.
    what
        What a job is called in the message when ``after`` is unknown (``"plan"``).

    Returns
    -------
    tuple
        The page's rows, and whether more follow.

    Raises
    ------
    InvalidInputError
        When no job has the id ``after`` (located at ``query.after``).
    """
    query = query.order_by(table.created_at.desc(), table.id).limit(limit + 1)
    if after is not None:
        created_at = session.scalar(select(table.created_at).where(table.id == after))
        if created_at is None:
            raise InvalidInputError([(["query", "after"], f"no {what} with id {after!r}")])
        query = query.where(
            or_(
                table.created_at < created_at,
                and_(table.created_at == created_at, table.id > after),
            )
        )
    rows = list(session.execute(query))
    return rows[:limit], len(rows) > limit
