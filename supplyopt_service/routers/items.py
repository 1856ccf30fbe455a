"""The item catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from ..catalogue import create_item, list_items
from ..core.errors import NotFoundError
from ..core.paging import DEFAULT_LIMIT, AfterId, Limit, page
from ..core.routing import GuardedRoute
from ..core.tables import ItemRow
from ..deps import DatabaseDep, IdPath, Manager, ReadSession, Viewer
from ..examples import ITEM, example
from ..schemas import ItemIn, ItemOut
from .responses import answers

router = APIRouter(prefix="/items", tags=["items"], route_class=GuardedRoute)


@router.get("", summary="List the item catalogue", responses=answers())
def get_items(
    who: Viewer,
    session: ReadSession,
    request: Request,
    response: Response,
    after: AfterId = None,
    limit: Limit = DEFAULT_LIMIT,
) -> list[ItemOut]:
    """The catalogue by id, a page at a time (``Link: rel="next"`` when there is more)."""
    rows = page(
        request,
        response,
        list_items(session, after, limit + 1),
        limit,
        param="after",
        key=lambda r: r.id,
    )
    return [ItemOut.model_validate(row) for row in rows]


@router.post("", status_code=201, summary="Add an item", responses=answers(409, 413))
def post_item(
    item: Annotated[ItemIn, Body(openapi_examples=example("a relief tent", ITEM))],
    who: Manager,
    db: DatabaseDep,
) -> ItemOut:
    """Add an item (same fields as a scenario item); 409 if the id exists."""
    with db.write() as session:
        row = create_item(session, item, key_id=who.key_id)
        return ItemOut.model_validate(row)


@router.get("/{item_id}", summary="One item", responses=answers(404))
def get_item(item_id: IdPath, who: Viewer, session: ReadSession) -> ItemOut:
    """One item of the catalogue."""
    row = session.get(ItemRow, item_id)
    if row is None:
        raise NotFoundError(f"no item with id {item_id!r}")
    return ItemOut.model_validate(row)
