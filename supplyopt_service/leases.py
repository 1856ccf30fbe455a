"""Job leases in the database: claim, renew, finish, hand back, and recover expired ones.

A worker claims the oldest queued job by setting it running with a lease
(``lease_owner``: the worker's name and a claim number, unique to this claim)
and a deadline (``lease_expires_at``), in one transaction:
on PostgreSQL the row is picked with ``SELECT … FOR UPDATE SKIP LOCKED``, so
workers in other processes or on other machines never pick the same job and
never wait for each other; on SQLite the write transaction (``BEGIN
IMMEDIATE``) is the lock. The worker renews the lease while it solves; every
write it makes to the job afterwards is conditional on still holding it, so a
worker that lost its lease (declared dead) can never overwrite what another
did. Only a running job whose lease expired is queued again (fewer than
``max_attempts`` starts) or failed with the reason.

Times come from the database's clock on PostgreSQL (machines need not agree
on the time) and from this machine's on SQLite (a file on one machine).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .core.tables import PlanJobRow, utcnow

RUNNING = PlanJobRow.status == "running"


def database_now(session: Session) -> datetime:
    """Return the current time of the database (this machine's for SQLite), UTC."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        return utcnow()
    now: datetime | None = session.scalar(select(func.now()))
    assert now is not None
    return now


def claim(session: Session, owner: str, lease_s: float) -> PlanJobRow | None:
    """Take the oldest queued job for ``owner``: running, leased for ``lease_s``; or None."""
    job = session.scalars(
        select(PlanJobRow)
        .where(PlanJobRow.status == "queued")
        .order_by(PlanJobRow.created_at, PlanJobRow.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if job is None:
        return None
    now = database_now(session)
    job.status, job.started_at, job.message, job.progress = "running", now, "started", 0.0
    job.lease_owner = owner
    job.lease_expires_at = now + timedelta(seconds=lease_s)
    job.attempts = (job.attempts or 0) + 1
    return job


def queued_exists(session: Session) -> bool:
    """Whether some job waits (a cheap read before taking the write lock to claim)."""
    found = session.scalar(select(PlanJobRow.id).where(PlanJobRow.status == "queued").limit(1))
    return found is not None


def renew(session: Session, owners: list[str], lease_s: float) -> set[str]:
    """Extend these leases (``lease_owner`` values, one per claim); return those still held.

    A lease missing from the answer is gone: its job was cancelled, or the
    lease expired and the job was recovered. Its solve should stop, and its
    result is not wanted.
    """
    if not owners:
        return set()
    until = database_now(session) + timedelta(seconds=lease_s)
    return set(
        session.scalars(
            update(PlanJobRow)
            .where(PlanJobRow.lease_owner.in_(owners), RUNNING)
            .values(lease_expires_at=until)
            .returning(PlanJobRow.lease_owner)
        )
    )


def held(session: Session, owners: list[str]) -> set[str]:
    """The leases among ``owners`` whose jobs are still running under them (a read)."""
    if not owners:
        return set()
    return set(
        session.scalars(
            select(PlanJobRow.lease_owner).where(PlanJobRow.lease_owner.in_(owners), RUNNING)
        )
    )


def update_held(session: Session, plan_id: str, owner: str, **values: Any) -> bool:
    """Write ``values`` to the job if ``owner`` still holds it; whether it did."""
    result = session.execute(
        update(PlanJobRow)
        .where(PlanJobRow.id == plan_id, RUNNING, PlanJobRow.lease_owner == owner)
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(
    session: Session,
    plan_id: str,
    owner: str,
    *,
    status: str,
    plan: dict[str, Any] | None = None,
    error: str | None = None,
) -> bool:
    """Store the outcome of a job ``owner`` holds; False (nothing written) if it lost it."""
    values: dict[str, Any] = {
        "status": status,
        "finished_at": database_now(session),
        "error": error,
        "plan": plan,
        "message": status,
        "lease_expires_at": None,
    }
    if status == "done":
        values["progress"] = 1.0
    return update_held(session, plan_id, owner, **values)


def hand_back(session: Session, plan_id: str, owner: str) -> bool:
    """Queue again a job ``owner`` stopped solving on purpose (shutdown); not an attempt."""
    return update_held(
        session,
        plan_id,
        owner,
        status="queued",
        lease_owner=None,
        lease_expires_at=None,
        started_at=None,
        progress=0.0,
        attempts=PlanJobRow.attempts - 1,
        message=f"queued again: worker {owner} stopped",
    )


def _expired(now: datetime) -> Any:
    return RUNNING & or_(PlanJobRow.lease_expires_at.is_(None), PlanJobRow.lease_expires_at < now)


def expired_exists(session: Session) -> bool:
    """Whether a running job's lease has expired (a cheap read before recovering)."""
    now = database_now(session)
    found = session.scalar(select(PlanJobRow.id).where(_expired(now)).limit(1))
    return found is not None


def recover_expired(session: Session, max_attempts: int) -> list[tuple[str, str]]:
    """Queue again (or fail) every running job whose lease expired.

    A job started fewer than ``max_attempts`` times is queued again; otherwise
    it fails with ``worker lost: lease expired at …``. Rows another worker is
    recovering at the same moment are skipped (PostgreSQL: ``SKIP LOCKED``).

    Returns
    -------
    list
        ``(plan id, what happened)`` for each job recovered.
    """
    now = database_now(session)
    jobs = session.scalars(
        select(PlanJobRow)
        .where(_expired(now))
        .order_by(PlanJobRow.created_at)
        .with_for_update(skip_locked=True)
    ).all()
    outcomes = []
    for job in jobs:
        when = _stamp(job.lease_expires_at or now)
        lost = job.lease_owner or "unknown"
        if job.attempts < max_attempts:
            job.status, job.started_at, job.progress = "queued", None, 0.0
            job.message = f"queued again: worker {lost} lost (lease expired at {when})"
        else:
            job.status, job.finished_at, job.message = "failed", now, "failed"
            job.error = (
                f"worker lost: lease expired at {when} (worker {lost}; started "
                f"{job.attempts} time(s), at most {max_attempts}); submit it again"
            )
        job.lease_owner, job.lease_expires_at = None, None
        outcomes.append((job.id, job.message if job.status == "queued" else job.error or ""))
    return outcomes


def _stamp(moment: datetime) -> str:
    """ISO 8601 UTC with seconds (SQLite hands back naive UTC times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
