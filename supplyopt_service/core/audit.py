"""The audit trail: who changed what, written in the same transaction as the change."""

from __future__ import annotations

import getpass
import os
from typing import Any

from sqlalchemy.orm import Session

from .tables import AuditRow


def record(
    session: Session,
    key_id: int | None,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
    *,
    actor: str | None = None,
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
    actor
        Who acted, when not an API key (default ``key:<key_id>``); the command
        line passes :func:`local_actor`.
    """
    if actor is None and key_id is not None:
        actor = f"key:{key_id}"
    session.add(
        AuditRow(key_id=key_id, action=action, target=target, detail=detail or {}, actor=actor)
    )


def local_actor() -> str:
    """``local:<os user>``: who acts on the command line, on the machine that holds the data."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. in a bare container)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"local:{user}"
