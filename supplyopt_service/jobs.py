"""Plan jobs, as the API sees them: queue, admit, cancel.

A job is a row in ``plan_jobs``; its state moves queued → running → done,
failed or cancelled, each step a committed transaction, so a crash leaves a
visible state. Workers (:class:`~.worker.JobWorker`) claim queued jobs under
a lease, in this process (``supplyopt serve``, unless ``embedded_worker`` is
off) or in others (``supplyopt worker``), on this machine or another; see
:mod:`.leases`. Cancelling marks the job cancelled; the worker solving it
sees that (at once in this process, within ``job_poll_interval_s`` in
another), tells its solver to stop and drops the result. A revision
(``previous_id`` set) runs the library's ``replan`` on the previous job's
scenario and plan instead of planning from scratch.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .approvals import lock_job
from .core import audit
from .core.db import Database, serialize
from .core.errors import ConflictError, TooBusyError
from .core.settings import Settings
from .core.tables import PlanJobRow, utcnow
from .quotas import active_jobs, require_quota
from .revisions import require_done
from .schemas import PlanRequest, ReplanRequest
from .solving import (
    ProgressFn,
    ReplanFn,
    SolveFn,
    StopFn,
    replan_with_library,
    solve_with_library,
)
from .worker import JobWorker

__all__ = [
    "JobRunner",
    "ProgressFn",
    "ReplanFn",
    "SolveFn",
    "StopFn",
    "replan_with_library",
    "solve_with_library",
]


class JobRunner:
    """Queues and cancels plan jobs; runs a worker in this process unless told not to.

    Parameters
    ----------
    db
        The service database.
    settings
        Queue bound, time-limit cap; for the embedded worker (``embedded_worker``)
        its concurrency (``plan_workers``) and lease settings.
    solve
        The solving function of the embedded worker (the library's planner by default).
    replan
        The revising function of the embedded worker (the library's ``replan`` by default).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        solve: SolveFn = solve_with_library,
        replan: ReplanFn = replan_with_library,
    ) -> None:
        self.db = db
        self.settings = settings
        self.worker = JobWorker(db, settings, solve, replan) if settings.embedded_worker else None

    # -- life cycle -------------------------------------------------------
    def start(self) -> None:
        """Start the embedded worker (it first recovers jobs whose lease expired)."""
        if self.worker is not None:
            self.worker.start()

    def alive(self) -> bool:
        """Whether the embedded worker runs (True without one: other processes solve)."""
        return self.worker is None or self.worker.alive()

    def shutdown(self) -> None:
        """Stop the embedded worker; the jobs it was solving are queued again."""
        if self.worker is not None:
            self.worker.shutdown()

    # -- requests -------------------------------------------------------------
    def submit(self, request: PlanRequest, *, key_id: int | None) -> PlanJobRow:
        """Queue a plan job; 429 when too many are waiting or running."""
        time_limit_s = self._time_limit(request.time_limit_s)
        job = PlanJobRow(
            id=uuid.uuid4().hex,
            status="queued",
            scenario=request.scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
            use_inventory=request.use_inventory,
            time_limit_s=time_limit_s,
            seed=request.seed,
            progress=0.0,
            message="queued",
            created_by=key_id,
        )
        with self.db.write() as session:
            self._admit(session, key_id)
            session.add(job)
            audit.record(
                session,
                key_id,
                "plan.submit",
                f"plans/{job.id}",
                {
                    "scenario": request.scenario.name,
                    "time_limit_s": time_limit_s,
                    "use_inventory": request.use_inventory,
                },
            )
        self._wake()
        return job

    def submit_replan(
        self, previous_id: str, request: ReplanRequest, *, key_id: int | None
    ) -> PlanJobRow:
        """Queue a revision of a finished plan; 404, 409 (not done) or 429 (too many waiting).

        The events must have been checked (:func:`~.revisions.check_events`):
        a done job never changes, so they stay valid for it.
        """
        time_limit_s = self._time_limit(request.time_limit_s)
        with self.db.write() as session:
            previous = lock_job(session, previous_id)
            require_done(previous)  # a done job stays done: the checked events stay valid
            self._admit(session, key_id)
            job = PlanJobRow(
                id=uuid.uuid4().hex,
                status="queued",
                scenario=previous.scenario,
                use_inventory=previous.use_inventory,
                inventory_used=previous.inventory_used,
                time_limit_s=time_limit_s,
                seed=request.seed,
                progress=0.0,
                message="queued",
                created_by=key_id,
                previous_id=previous_id,
                events=request.events,
            )
            session.add(job)
            audit.record(
                session,
                key_id,
                "plan.replan",
                f"plans/{job.id}",
                {
                    "previous": previous_id,
                    "now_hours": request.events.get("now_hours"),
                    "events": len(request.events.get("events") or []),
                    "time_limit_s": time_limit_s,
                },
            )
        self._wake()
        return job

    def _time_limit(self, requested_s: float | None) -> float:
        return min(
            requested_s or self.settings.default_time_limit_s, self.settings.max_time_limit_s
        )

    def _admit(self, session: Session, key_id: int | None) -> None:
        """429 when the queue is full or the key has used its quota.

        Counted inside the write transaction that adds the job, with the
        admissions serialised (:func:`~supplyopt_service.core.db.serialize`):
        racing submits cannot both take the last slot.
        """
        serialize(session, "plan-admission")
        require_quota(session, key_id, self.settings)
        active = active_jobs(session, PlanJobRow)
        if active >= self.settings.max_queued_plans:
            raise TooBusyError(f"{active} plans are already queued or running; retry later")

    def cancel(self, plan_id: str, *, key_id: int | None) -> PlanJobRow:
        """Cancel a queued or running job; 409 for a finished one."""
        with self.db.write() as session:
            job = lock_job(session, plan_id)
            if job.status not in ("queued", "running"):
                raise ConflictError(
                    f"plan {plan_id} is {job.status}; only a queued or running plan "
                    "can be cancelled"
                )
            job.status = "cancelled"
            job.finished_at = utcnow()
            job.message = "cancelled"
            audit.record(session, key_id, "plan.cancel", f"plans/{plan_id}")
        if self.worker is not None:
            self.worker.stop_job(plan_id)
        return job

    def _wake(self) -> None:
        if self.worker is not None:
            self.worker.wake()
