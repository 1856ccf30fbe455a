"""API key management (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..core import keys
from ..core.routing import GuardedRoute
from ..deps import Admin, DatabaseDep, ReadSession
from ..schemas import KeyCreate, KeyCreated, KeyOut
from .responses import answers

router = APIRouter(prefix="/keys", tags=["keys"], route_class=GuardedRoute)


@router.get("", summary="List API keys", responses=answers())
def list_keys(who: Admin, session: ReadSession) -> list[KeyOut]:
    """Every key with its role and prefix; tokens are never shown again."""
    return [KeyOut.model_validate(k) for k in keys.list_keys(session)]


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
