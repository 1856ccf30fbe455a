"""The audit trail (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from ..auth import require
from ..keys import Principal
from ..schemas import AuditEntry
from ..state import services
from ..tables import AuditRow
from ._common import answers

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", summary="Read the audit trail", responses=answers())
def get_audit(
    request: Request,
    who: Annotated[Principal, Depends(require("admin"))],
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Entries after this id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[AuditEntry]:
    """Who changed what and when, oldest first."""
    with services(request).db.read() as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.id > after_id).order_by(AuditRow.id).limit(limit)
        )
        return [AuditEntry.model_validate(r) for r in rows]
