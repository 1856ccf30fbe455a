"""Refused requests (401, 403, 409) in the audit trail, at a bounded rate per client.

A client is its API key when the key is known, else its address. Each client
gets at most ``SUPPLYOPT_AUDIT_REFUSALS_PER_MINUTE`` entries a minute (action
``request.refused``); the first refusal beyond that writes one
``request.refusals_capped`` entry and the rest of that minute is not recorded,
so a flood of bad requests cannot flood the trail (nor hold the write lock).
The count is kept per process.
"""

from __future__ import annotations

import logging
import threading
import time

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from . import audit
from .db import Database
from .errors import AUDITED_STATUSES
from .keys import Principal

log = logging.getLogger("supplyopt.service")

__all__ = ["AUDITED_STATUSES", "RefusalAudit"]


class RefusalAudit:
    """Records refused requests in the audit trail, at most ``per_minute`` per client."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._minute = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def _admit(self, client: str) -> str | None:
        """``refused`` to record, ``capped`` for the one summary entry, ``None`` to skip."""
        minute = int(time.time() // 60)
        with self._lock:
            if minute != self._minute:
                self._minute, self._counts = minute, {}
            count = self._counts.get(client, 0) + 1
            self._counts[client] = min(count, self.per_minute + 2)
        if count <= self.per_minute:
            return "refused"
        return "capped" if count == self.per_minute + 1 else None

    def record(self, db: Database, request: Request, status: int, detail: str) -> None:
        """Write one entry for a refused request (or the minute's summary, or nothing)."""
        principal = getattr(request.state, "principal", None)
        key_id = principal.key_id if isinstance(principal, Principal) else None
        address = request.client.host if request.client else "unknown"
        client = f"key:{key_id}" if key_id is not None else f"address:{address}"
        kind = self._admit(client)
        if kind is None:
            return
        target = f"{request.method} {request.url.path}"[:300]
        action = "request.refused" if kind == "refused" else "request.refusals_capped"
        if kind == "refused":
            info = {"status": status, "client": address, "detail": detail[:500]}
        else:
            info = {
                "status": status,
                "client": address,
                "note": f"more than {self.per_minute} refused requests from {client} this "
                "minute (SUPPLYOPT_AUDIT_REFUSALS_PER_MINUTE); the rest of the minute's "
                "are not recorded",
            }
        try:
            with db.write() as session:
                audit.record(session, key_id, action, target, info)
        except SQLAlchemyError as err:  # the refusal stands; only its record is lost
            log.warning("could not audit a refused request: %s", err)
