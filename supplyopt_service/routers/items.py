"""The item catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request

from supplyopt.model import Item

from ..auth import require
from ..catalogue import create_item, item_model, list_items
from ..errors import NotFoundError
from ..examples import ITEM, example
from ..keys import Principal
from ..state import services
from ..tables import ItemRow
from ._common import IdPath, answers

router = APIRouter(prefix="/items", tags=["items"])


@router.get("", summary="List the item catalogue", responses=answers())
def get_items(
    request: Request, who: Annotated[Principal, Depends(require("viewer"))]
) -> list[Item]:
    """Every item, by id."""
    with services(request).db.read() as session:
        return list_items(session)


@router.post("", status_code=201, summary="Add an item", responses=answers(409, 413))
def post_item(
    request: Request,
    item: Annotated[Item, Body(openapi_examples=example("a relief tent", ITEM))],
    who: Annotated[Principal, Depends(require("manager"))],
) -> Item:
    """Add an item (same fields as a scenario item); 409 if the id exists."""
    with services(request).db.write() as session:
        create_item(session, item, key_id=who.key_id)
    return item


@router.get("/{item_id}", summary="One item", responses=answers(404))
def get_item(
    request: Request, item_id: IdPath, who: Annotated[Principal, Depends(require("viewer"))]
) -> Item:
    """One item of the catalogue."""
    with services(request).db.read() as session:
        row = session.get(ItemRow, item_id)
        if row is None:
            raise NotFoundError(f"no item with id {item_id!r}")
        return item_model(row)
