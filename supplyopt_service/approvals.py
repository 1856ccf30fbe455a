"""Approving a plan reserves its stock; dispatching issues it; releasing gives it back.

Each operation is one database transaction. Approval locks the plan job and
every balance row it needs (in a fixed order), checks that all of it is
available, and only then reserves: either every unit is reserved or none is.

A revision of an approved or dispatched plan takes that plan's stock over:
its approval reserves only what it takes beyond what the previous plan holds
or already issued, releases (or, for issued units, returns to on-hand stock)
what it no longer takes, and the previous plan's approval becomes
``superseded``. Jobs are
locked before balance rows, and a previous plan before its revision, so
concurrent approvals never deadlock; two revisions of one plan queue on the
previous plan's row lock (on SQLite, on the write lock) and the second finds
it superseded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .core import audit
from .core.errors import ConflictError, InsufficientStockError, NotFoundError
from .core.tables import (
    MovementRow,
    PlanJobRow,
    ReservationRow,
    StockRow,
    WarehouseRow,
    utcnow,
)
from .inventory import Pair, change_stock, lock_stock


def plan_takes(plan: Mapping[str, Any]) -> dict[Pair, int]:
    """Units a plan file takes from each warehouse's own stock, per (warehouse, item).

    The sum over its trips' stops; a stock transfer (an extension) takes its
    units from the warehouse it loads at and brings them to another, whose
    loadings then take them from the transfer rather than from its own stock
    (what a transfer brings beyond them is not counted: nothing is taken).
    """
    totals: dict[Pair, int] = defaultdict(int)
    for trip in plan.get("trips", []):
        for stop in trip.get("stops", []):
            for item_id, quantity in stop.get("deliver", {}).items():
                if quantity:
                    totals[(trip["warehouse"], item_id)] += int(quantity)
        transfer = trip.get("transfer") or {}
        for item_id, quantity in transfer.get("deliver", {}).items():
            totals[(trip["warehouse"], item_id)] += int(quantity)
            totals[(transfer["warehouse"], item_id)] -= int(quantity)
    return {pair: quantity for pair, quantity in totals.items() if quantity > 0}


def lock_job(session: Session, plan_id: str) -> PlanJobRow:
    """Return the plan job, locked for update; 404 if unknown."""
    job = session.get(PlanJobRow, plan_id, with_for_update=True, populate_existing=True)
    if job is None:
        raise NotFoundError(f"no plan with id {plan_id!r}")
    return job


def approve(session: Session, plan_id: str, *, key_id: int | None) -> dict[Pair, int]:
    """Reserve every unit the plan takes from service warehouses, or nothing.

    A revision of an approved or dispatched plan reserves only the difference
    (see :func:`_approve_revision`); a revision of a plan that was never
    approved, or whose approval was released, is approved like any plan.

    Returns
    -------
    dict
        The units the plan holds afterwards per (warehouse, item).

    Raises
    ------
    ConflictError
        If the plan is not done or was already approved; if it revises a plan
        whose approval another revision took over.
    InsufficientStockError
        With the shortfall of every (warehouse, item) not available; nothing changed.
    """
    head = session.get(PlanJobRow, plan_id)
    if head is None:
        raise NotFoundError(f"no plan with id {plan_id!r}")
    # Lock order: the previous plan before its revision (never the other way round).
    previous = None if head.previous_id is None else lock_job(session, head.previous_id)
    job = lock_job(session, plan_id)
    if job.status != "done" or job.plan is None:
        raise ConflictError(f"plan {plan_id} is {job.status}; only a done plan can be approved")
    if job.approval is not None:
        raise ConflictError(f"plan {plan_id} is already {job.approval}")
    needed = _known_takes(session, job.plan)
    if previous is not None and previous.approval in ("approved", "dispatched"):
        return _approve_revision(session, job, previous, needed, key_id=key_id)
    if previous is not None and previous.approval == "superseded":
        raise ConflictError(_not_revisable(job, previous))
    locked = lock_stock(session, needed)
    _require_available(locked, needed, what=f"plan {plan_id}")
    for pair, quantity in needed.items():
        change_stock(
            session,
            locked[pair],
            kind="reserve",
            quantity=0,
            reserved_change=quantity,
            note="plan approved",
            plan_id=plan_id,
            key_id=key_id,
        )
    _hold(session, job, needed)
    audit.record(
        session,
        key_id,
        "plan.approve",
        f"plans/{plan_id}",
        {"reserved": [[w, i, q] for (w, i), q in needed.items()]},
    )
    return needed


def _approve_revision(
    session: Session,
    job: PlanJobRow,
    previous: PlanJobRow,
    needed: dict[Pair, int],
    *,
    key_id: int | None,
) -> dict[Pair, int]:
    """Take the approved or dispatched ``previous`` plan's stock over, adjusted to ``needed``.

    What ``previous`` covers per (warehouse, item) is what it holds reserved
    (when approved) plus what its chain of plans already issued and did not
    get back (:func:`on_the_road`). The revision reserves what it takes
    beyond that; of what it no longer takes it first releases reserved units,
    then returns issued ones to on-hand stock (a ``receipt`` naming both
    plans). All or nothing; ``previous`` becomes ``superseded`` by ``job``,
    which holds only what is reserved (its dispatch issues only that).

    Returns
    -------
    dict
        The units the revision holds reserved per (warehouse, item).
    """
    held = reservations(session, previous.id) if previous.approval == "approved" else {}
    out = on_the_road(session, previous)
    pairs = sorted(set(needed) | set(held) | set(out))
    change = {p: needed.get(p, 0) - held.get(p, 0) - out.get(p, 0) for p in pairs}
    locked = lock_stock(session, pairs)
    more = {p: q for p, q in change.items() if q > 0}
    _require_available(locked, more, what=f"revision {job.id} (beyond plan {previous.id})")
    released: dict[Pair, int] = {}
    returned: dict[Pair, int] = {}
    for pair, quantity in change.items():
        if quantity > 0:
            _reserve_extra(session, locked[pair], quantity, job, previous, key_id=key_id)
        elif quantity < 0:
            released[pair] = min(-quantity, held.get(pair, 0))
            returned[pair] = -quantity - released[pair]
            _give_back(session, locked[pair], released[pair], returned[pair], job, previous, key_id)
    holds = {
        p: held.get(p, 0) + max(q, 0) - released.get(p, 0)
        for p, q in change.items()
        if held.get(p, 0) + max(q, 0) - released.get(p, 0) > 0
    }
    _hold(session, job, holds)
    previous.approval = "superseded"
    previous.superseded_by = job.id
    audit.record(
        session,
        key_id,
        "plan.approve_revision",
        f"plans/{job.id}",
        {
            "previous": previous.id,
            "reserved": [[w, i, q] for (w, i), q in more.items()],
            "released": [[w, i, q] for (w, i), q in released.items() if q],
            "returned": [[w, i, q] for (w, i), q in returned.items() if q],
        },
    )
    return holds


def _reserve_extra(
    session: Session,
    row: StockRow,
    quantity: int,
    job: PlanJobRow,
    previous: PlanJobRow,
    *,
    key_id: int | None,
) -> None:
    change_stock(
        session,
        row,
        kind="reserve",
        quantity=0,
        reserved_change=quantity,
        note=f"revision approved: beyond plan {previous.id}",
        plan_id=job.id,
        key_id=key_id,
    )


def _give_back(
    session: Session,
    row: StockRow,
    release: int,
    give_back: int,
    job: PlanJobRow,
    previous: PlanJobRow,
    key_id: int | None,
) -> None:
    """Release ``release`` reserved units, then return ``give_back`` issued ones to on-hand."""
    if release:
        change_stock(
            session,
            row,
            kind="release",
            quantity=0,
            reserved_change=-release,
            note=f"revision approved: no longer in plan {previous.id}",
            plan_id=job.id,
            key_id=key_id,
        )
    if give_back:
        change_stock(
            session,
            row,
            kind="receipt",
            quantity=give_back,
            note=f"returned: revision {job.id} no longer takes these units, "
            f"which dispatched plan {previous.id} issued",
            plan_id=job.id,
            key_id=key_id,
        )


def on_the_road(session: Session, plan: PlanJobRow) -> dict[Pair, int]:
    """Units the plan and the plans it revises issued and did not get back, per pair.

    Read from the ledger: the on-hand changes of every movement made for a
    plan of the chain (dispatch issues; units returned by a revision's
    approval). Empty unless a plan of the chain was dispatched.
    """
    chain: list[str] = []
    current: PlanJobRow | None = plan
    while current is not None and current.id not in chain:
        chain.append(current.id)
        current = (
            None if current.previous_id is None else session.get(PlanJobRow, current.previous_id)
        )
    rows = session.execute(
        select(MovementRow.warehouse_id, MovementRow.item_id, func.sum(MovementRow.quantity))
        .where(MovementRow.plan_id.in_(chain))
        .group_by(MovementRow.warehouse_id, MovementRow.item_id)
    )
    return {(w, i): -int(total) for w, i, total in rows if total is not None and total < 0}


def _not_revisable(job: PlanJobRow, previous: PlanJobRow) -> str:
    return (
        f"plan {job.id} revises plan {previous.id}, whose approval was already taken over "
        f"by revision {previous.superseded_by}; revise that plan instead. Nothing was "
        "reserved"
    )


def _known_takes(session: Session, plan: Mapping[str, Any]) -> dict[Pair, int]:
    """What the plan takes from warehouses the service knows, in (warehouse, item) order."""
    takes = plan_takes(plan)
    known = set(
        session.scalars(select(WarehouseRow.id).where(WarehouseRow.id.in_({w for w, _ in takes})))
    )
    return {pair: q for pair, q in sorted(takes.items()) if pair[0] in known}


def _require_available(
    locked: Mapping[Pair, StockRow], wanted: Mapping[Pair, int], *, what: str
) -> None:
    """Raise the shortfall (409, nothing changed) unless every wanted unit is available."""
    shortfall: list[dict[str, Any]] = []
    for (warehouse_id, item_id), quantity in wanted.items():
        row = locked.get((warehouse_id, item_id))
        available = 0 if row is None else row.on_hand - row.reserved
        if available < quantity:
            shortfall.append(
                {
                    "warehouse": warehouse_id,
                    "item": item_id,
                    "requested": quantity,
                    "available": available,
                    "missing": quantity - available,
                }
            )
    if shortfall:
        total = sum(s["missing"] for s in shortfall)
        raise InsufficientStockError(
            f"{what} needs {total} more units than are available "
            f"({len(shortfall)} warehouse/item pairs short); nothing was reserved",
            shortfall,
        )


def _hold(session: Session, job: PlanJobRow, needed: Mapping[Pair, int]) -> None:
    """Record the units the approved ``job`` holds, and its approval."""
    for (warehouse_id, item_id), quantity in needed.items():
        session.add(
            ReservationRow(
                plan_id=job.id, warehouse_id=warehouse_id, item_id=item_id, quantity=quantity
            )
        )
    job.approval = "approved"
    job.approved_at = utcnow()


def _settle(
    session: Session, plan_id: str, *, key_id: int | None, dispatch: bool
) -> dict[Pair, int]:
    job = lock_job(session, plan_id)
    if job.approval != "approved":
        state = job.approval or "not approved"
        raise ConflictError(
            f"plan {plan_id} is {state}; only an approved plan can be "
            f"{'dispatched' if dispatch else 'released'}"
        )
    held = reservations(session, plan_id)
    locked = lock_stock(session, held)
    for pair, quantity in held.items():
        if dispatch:
            change_stock(
                session,
                locked[pair],
                kind="issue",
                quantity=-quantity,
                reserved_change=-quantity,
                note="plan dispatched",
                plan_id=plan_id,
                key_id=key_id,
            )
        else:
            change_stock(
                session,
                locked[pair],
                kind="release",
                quantity=0,
                reserved_change=-quantity,
                note="approval cancelled",
                plan_id=plan_id,
                key_id=key_id,
            )
    job.approval = "dispatched" if dispatch else "released"
    audit.record(
        session,
        key_id,
        "plan.dispatch" if dispatch else "plan.release",
        f"plans/{plan_id}",
        {"units": sum(held.values())},
    )
    return held


def dispatch(session: Session, plan_id: str, *, key_id: int | None) -> dict[Pair, int]:
    """Turn an approved plan's reservation into issues (on hand and reserved both drop)."""
    return _settle(session, plan_id, key_id=key_id, dispatch=True)


def release(session: Session, plan_id: str, *, key_id: int | None) -> dict[Pair, int]:
    """Cancel an approval: give the reserved units back to available stock."""
    return _settle(session, plan_id, key_id=key_id, dispatch=False)


def reservations(session: Session, plan_id: str) -> dict[Pair, int]:
    """Units an approval holds (or held) per (warehouse, item)."""
    rows = session.scalars(
        select(ReservationRow)
        .where(ReservationRow.plan_id == plan_id)
        .order_by(ReservationRow.warehouse_id, ReservationRow.item_id)
    )
    return {(r.warehouse_id, r.item_id): r.quantity for r in rows}
