"""API keys: who the caller is (any key); managing keys (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from ..core import keys
from ..core.paging import DEFAULT_LIMIT, Limit, page
from ..core.routing import GuardedRoute
from ..deps import Admin, DatabaseDep, ReadSession, Viewer
from ..schemas import KeyCreate, KeyCreated, KeyOut
from .responses import answers

router = APIRouter(prefix="/keys", tags=["keys"], route_class=GuardedRoute)


@router.get("", summary="List API keys", responses=answers())
def list_keys(
    who: Admin,
    session: ReadSession,
    request: Request,
    response: Response,
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Keys after this id.")] = 0,
    limit: Limit = DEFAULT_LIMIT,
) -> list[KeyOut]:
    """Keys by id with their role and prefix, a page at a time; tokens are never shown again."""
    rows = keys.list_keys(session, after_id=after_id, limit=limit + 1)
    entries = page(request, response, rows, limit, param="after_id", key=lambda k: k.id)
    return [KeyOut.model_validate(k) for k in entries]


@router.get("/me", summary="The calling key", responses=answers())
def who_am_i(who: Viewer, session: ReadSession) -> KeyOut:
    """The key the request was made with: its role tells a client what it may do.

    The dashboard hides what the key's role cannot do (approving, booking stock)
    instead of offering buttons that end in 403.
    """
    return KeyOut.model_validate(keys.get_key(session, who.key_id))


@router.post("", status_code=201, summary="Create an API key", responses=answers(413))
def create_key(body: KeyCreate, who: Admin, db: DatabaseDep) -> KeyCreated:
    """Create a key; the answer is the only time its token is shown."""
    with db.write() as session:
        row, token = keys.create_key(session, body.role, name=body.name, by=who.key_id)
        return KeyCreated.model_validate({**KeyOut.model_validate(row).model_dump(), "key": token})


@router.post("/{key_id}/revoke", summary="Revoke an API key", responses=answers(404, 409))
def revoke_key(key_id: Annotated[int, Path(ge=1, le=2**62)], who: Admin, db: DatabaseDep) -> KeyOut:
    """Revoke a key: it stops working at once."""
    with db.write() as session:
        return KeyOut.model_validate(keys.revoke_key(session, key_id, by=who.key_id))
