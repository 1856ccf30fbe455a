"""The audit trail (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from ..core.paging import DEFAULT_LIMIT, Limit, page
from ..core.routing import GuardedRoute
from ..core.tables import AuditRow
from ..deps import Admin, ReadSession
from ..schemas import AuditEntry
from .responses import answers

router = APIRouter(prefix="/audit", tags=["audit"], route_class=GuardedRoute)


@router.get("", summary="Read the audit trail", responses=answers())
def get_audit(
    who: Admin,
    session: ReadSession,
    request: Request,
    response: Response,
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Entries after this id.")] = 0,
    limit: Limit = DEFAULT_LIMIT,
) -> list[AuditEntry]:
    """Who changed what and when, oldest first, a page at a time."""
    rows = session.scalars(
        select(AuditRow).where(AuditRow.id > after_id).order_by(AuditRow.id).limit(limit + 1)
    )
    entries = page(request, response, list(rows), limit, param="after_id", key=lambda r: r.id)
    return [AuditEntry.model_validate(r) for r in entries]
