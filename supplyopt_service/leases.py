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

Plan jobs (``plan_jobs``) and readiness jobs (``readiness_jobs``) are leased
alike: every function takes the job ``table`` (plan jobs by default).

Times come from the database's clock on PostgreSQL (machines need not agree
on the time) and from this machine's on SQLite (a file on one machine).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .core.tables import PlanJobRow, ReadinessJobRow, utcnow

#: A table of leased jobs (the same status, lease and attempt columns).
JobTable = type[PlanJobRow] | type[ReadinessJobRow]
JobRow = PlanJobRow | ReadinessJobRow


def _running(table: JobTable) -> Any:
    return table.status == "running"


def database_now(session: Session) -> datetime:
    """Return the current time of the database (this machine's for SQLite), UTC."""
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        return utcnow()
    now: datetime | None = session.scalar(select(func.now()))
    assert now is not None
    return now


def claim(
    session: Session, owner: str, lease_s: float, *, table: JobTable = PlanJobRow
) -> JobRow | None:
    """Take the oldest queued job for ``owner``: running, leased for ``lease_s``; or None."""
    job: JobRow | None = session.scalars(  # type: ignore[assignment]
        select(table)
        .where(table.status == "queued")
        .order_by(table.created_at, table.id)
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


def queued_exists(session: Session, *, table: JobTable = PlanJobRow) -> bool:
    """Whether some job waits (a cheap read before taking the write lock to claim)."""
    found = session.scalar(select(table.id).where(table.status == "queued").limit(1))
    return found is not None


def renew(
    session: Session, owners: list[str], lease_s: float, *, table: JobTable = PlanJobRow
) -> set[str]:
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
            update(table)
            .where(table.lease_owner.in_(owners), _running(table))
            .values(lease_expires_at=until)
            .returning(table.lease_owner)
        )
    )


def held(session: Session, owners: list[str], *, table: JobTable = PlanJobRow) -> set[str]:
    """The leases among ``owners`` whose jobs are still running under them (a read)."""
    if not owners:
        return set()
    return set(
        session.scalars(
            select(table.lease_owner).where(table.lease_owner.in_(owners), _running(table))
        )
    )


def update_held(
    session: Session, plan_id: str, owner: str, *, table: JobTable = PlanJobRow, **values: Any
) -> bool:
    """Write ``values`` to the job if ``owner`` still holds it; whether it did."""
    result = session.execute(
        update(table)
        .where(table.id == plan_id, _running(table), table.lease_owner == owner)
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
    table: JobTable = PlanJobRow,
) -> bool:
    """Store the outcome of a job ``owner`` holds; False (nothing written) if it lost it.

    ``plan`` is the job's result: a plan job's ``plan``, a readiness job's ``result``.
    """
    values: dict[str, Any] = {
        "status": status,
        "finished_at": database_now(session),
        "error": error,
        ("plan" if table is PlanJobRow else "result"): plan,
        "message": status,
        "lease_expires_at": None,
    }
    if status == "done":
        values["progress"] = 1.0
    return update_held(session, plan_id, owner, table=table, **values)


def fail_at_start(job: JobRow, error: str) -> None:
    """Fail a job just claimed whose input cannot be run (called in the claiming transaction)."""
    job.status, job.finished_at, job.message = "failed", utcnow(), "failed"
    job.error = error


def hand_back(session: Session, plan_id: str, owner: str, *, table: JobTable = PlanJobRow) -> bool:
    """Queue again a job ``owner`` stopped solving on purpose (shutdown); not an attempt."""
    return update_held(
        session,
        plan_id,
        owner,
        table=table,
        status="queued",
        lease_owner=None,
        lease_expires_at=None,
        started_at=None,
        progress=0.0,
        attempts=table.attempts - 1,
        message=f"queued again: worker {owner} stopped",
    )


def _expired(table: JobTable, now: datetime) -> Any:
    return _running(table) & or_(table.lease_expires_at.is_(None), table.lease_expires_at < now)


def expired_exists(session: Session, *, table: JobTable = PlanJobRow) -> bool:
    """Whether a running job's lease has expired (a cheap read before recovering)."""
    now = database_now(session)
    found = session.scalar(select(table.id).where(_expired(table, now)).limit(1))
    return found is not None


def recover_expired(
    session: Session, max_attempts: int, *, table: JobTable = PlanJobRow
) -> list[tuple[str, str]]:
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
    jobs: list[JobRow] = list(
        session.scalars(
            select(table)
            .where(_expired(table, now))
            .order_by(table.created_at)
            .with_for_update(skip_locked=True)
        )
    )
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
