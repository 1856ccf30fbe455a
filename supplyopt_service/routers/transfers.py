"""Stock transfers between warehouses: draft (planner), approve or reject (manager), list."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from .. import transfers
from ..core.paging import DEFAULT_LIMIT, Limit
from ..core.routing import GuardedRoute
from ..deps import DatabaseDep, Manager, Planner, ReadSession, Viewer
from ..readiness_schemas import TransferIn, TransferList, TransferOut
from .responses import answers

router = APIRouter(prefix="/transfers", tags=["transfers"], route_class=GuardedRoute)

TransferId = Annotated[int, Path(ge=1, le=2**62, examples=[1])]


@router.post("", status_code=201, summary="Draft a stock transfer", responses=answers(413))
def draft(body: TransferIn, who: Planner, db: DatabaseDep) -> TransferOut:
    """Draft moving ``quantity`` units of ``item`` from warehouse ``from`` to ``to``.

    No stock moves until a manager approves it. ``readiness_id`` names the
    readiness run that recommended it. 422 with every unknown warehouse,
    item or run located.
    """
    with db.write() as session:
        return transfers.transfer_out(transfers.create(session, body, key_id=who.key_id))


@router.get("", summary="List stock transfers", responses=answers())
def list_transfers(
    who: Viewer,
    session: ReadSession,
    status: Annotated[
        Literal["draft", "approved", "rejected"] | None, Query(description="Only these.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    after: Annotated[
        int | None,
        Query(ge=1, le=2**62, description="The `next` of the previous page: older transfers."),
    ] = None,
) -> TransferList:
    """Return transfers, newest first, a page at a time (``next``: the following page)."""
    rows, following = transfers.list_transfers(session, status=status, after=after, limit=limit)
    return TransferList(transfers=[transfers.transfer_out(r) for r in rows], next=following)


@router.post(
    "/{transfer_id}/approve",
    summary="Approve a transfer: issue at the source, receipt at the destination",
    responses=answers(404, 409),
)
def approve(transfer_id: TransferId, who: Manager, db: DatabaseDep) -> TransferOut:
    """Book the transfer in the ledger, both movements in one transaction.

    409 with the shortfall, and nothing changed, if the source no longer has
    the units available (or the transfer is not a draft).
    """
    with db.write() as session:
        return transfers.transfer_out(transfers.approve(session, transfer_id, key_id=who.key_id))


@router.post(
    "/{transfer_id}/reject", summary="Reject a draft transfer", responses=answers(404, 409)
)
def reject(transfer_id: TransferId, who: Manager, db: DatabaseDep) -> TransferOut:
    """Mark the draft rejected; no stock moves. 409 unless it is a draft."""
    with db.write() as session:
        return transfers.transfer_out(transfers.reject(session, transfer_id, key_id=who.key_id))
