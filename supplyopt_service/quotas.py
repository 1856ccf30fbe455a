"""Fair use of the solver: each key's plan jobs queued or running, and who may cancel a job."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .core.db import Database
from .core.errors import ForbiddenError, NotFoundError, TooBusyError
from .core.keys import Principal
from .core.settings import Settings
from .core.tables import PlanJobRow

#: The statuses of a job that holds a slot of the queue.
ACTIVE = ("queued", "running")
#: ``active_jobs(..., created_by=ANY_KEY)``: every key's jobs.
ANY_KEY = object()


def active_jobs(session: Session, table: Any, *, created_by: object = ANY_KEY) -> int:
    """How many jobs of ``table`` (plan or readiness jobs) are queued or running.

    With ``created_by``, only those one key submitted (``None``: submitted
    without a key). Admission counts with this inside the write transaction
    that adds the job, after :func:`~supplyopt_service.core.db.serialize`.
    """
    query = select(func.count()).select_from(table).where(table.status.in_(ACTIVE))
    if created_by is not ANY_KEY:
        query = query.where(table.created_by == created_by)
    return session.scalar(query) or 0


def require_quota(session: Session, key_id: int | None, settings: Settings) -> None:
    """429 when the key already has ``SUPPLYOPT_MAX_PLANS_PER_KEY`` plans queued or running.

    The server-wide bound (``SUPPLYOPT_MAX_QUEUED_PLANS``) still applies on
    top; this one keeps one busy desk from taking every slot. Called inside
    the write transaction that adds the job, after
    :func:`~supplyopt_service.core.db.serialize`, so two submits of one key
    racing each other cannot both pass it.
    """
    active = active_jobs(session, PlanJobRow, created_by=key_id)
    quota = settings.max_plans_per_key
    if active >= quota:
        raise TooBusyError(
            f"this key already has {active} plans queued or running, its quota "
            f"(SUPPLYOPT_MAX_PLANS_PER_KEY = {quota}); wait for one to finish or cancel one"
        )


def require_may_cancel(db: Database, who: Principal, plan_id: str) -> None:
    """A planner cancels only the plans its key submitted (403); managers and admins any (404)."""
    with db.read() as session:
        job = session.get(PlanJobRow, plan_id)
    if job is None:
        raise NotFoundError(f"no plan with id {plan_id!r}")
    require_submitter_or_manager(who, job.created_by, job="plan", job_id=plan_id, jobs="plans")


def require_submitter_or_manager(
    who: Principal, created_by: int | None, *, job: str, job_id: str, jobs: str
) -> None:
    """403 unless ``who`` submitted the job (``created_by``) or is a manager (or admin).

    ``job`` and ``jobs`` name the kind in the message (``"plan"``, ``"plans"``).
    """
    if not who.allows("manager") and created_by != who.key_id:
        raise ForbiddenError(
            f"{job} {job_id} was submitted with another key; a planner's key can only cancel "
            f"{jobs} it submitted (a manager can cancel any)"
        )
