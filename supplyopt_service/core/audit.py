"""The audit trail: who changed what, written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .tables import AuditRow


def record(
    session: Session,
    key_id: int | None,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry to the session's transaction.

    Parameters
    ----------
    session
        The write session whose transaction makes the change.
    key_id
        The API key that asked for the change (``None`` for the command line).
    action
        What was done, e.g. ``movement.create`` or ``plan.approve``.
    target
        What it was done to, e.g. ``warehouses/urumqi-reserve``.
    detail
        Any JSON-able particulars.
    """
    session.add(AuditRow(key_id=key_id, action=action, target=target, detail=detail or {}))
