"""API key management (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from .. import keys
from ..auth import require
from ..keys import Principal
from ..schemas import KeyCreate, KeyCreated, KeyOut
from ..state import services
from ._common import answers

router = APIRouter(prefix="/keys", tags=["keys"])
Admin = Annotated[Principal, Depends(require("admin"))]


@router.get("", summary="List API keys", responses=answers())
def list_keys(request: Request, who: Admin) -> list[KeyOut]:
    """Every key with its role and prefix; tokens are never shown again."""
    with services(request).db.read() as session:
        return [KeyOut.model_validate(k) for k in keys.list_keys(session)]


@router.post("", status_code=201, summary="Create an API key", responses=answers(413))
def create_key(request: Request, body: KeyCreate, who: Admin) -> KeyCreated:
    """Create a key; the answer is the only time its token is shown."""
    with services(request).db.write() as session:
        row, token = keys.create_key(session, body.role, name=body.name, by=who.key_id)
        return KeyCreated.model_validate({**KeyOut.model_validate(row).model_dump(), "key": token})


@router.post("/{key_id}/revoke", summary="Revoke an API key", responses=answers(404, 409))
def revoke_key(
    request: Request, key_id: Annotated[int, Path(ge=1, le=2**62)], who: Admin
) -> KeyOut:
    """Revoke a key: it stops working at once."""
    with services(request).db.write() as session:
        return KeyOut.model_validate(keys.revoke_key(session, key_id, by=who.key_id))
