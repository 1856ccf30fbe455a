"""Plan jobs: a bounded pool of worker threads solving submitted scenarios.

A job is a row in ``plan_jobs``; its state moves queued → running → done,
failed or cancelled, each step a committed transaction, so a crash leaves a
visible state. At start-up :meth:`JobRunner.recover` marks jobs that were
running as failed (with the reason) and queues the waiting ones again.
Cancelling sets a flag the solver polls (``should_stop``); the solver then
returns early and its result is discarded. A revision (``previous_id`` set)
runs the library's ``replan`` on the previous job's scenario and plan instead
of planning from scratch.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from supplyopt.model import Plan, Scenario, ScenarioError, SupplyOptError, parse_scenario

from .approvals import lock_job
from .core import audit
from .core.db import Database
from .core.errors import ConflictError, TooBusyError
from .core.settings import Settings
from .core.tables import PlanJobRow, utcnow
from .inventory import available_stock
from .revisions import require_done, revision_inputs, with_stock
from .schemas import PlanRequest, ReplanRequest

log = logging.getLogger("supplyopt.service.jobs")

ProgressFn = Callable[[float, str], None]
StopFn = Callable[[], bool]
#: Solves a scenario: (scenario, time_limit_s, seed, progress, should_stop) → plan file data.
SolveFn = Callable[[Scenario, float, int, ProgressFn, StopFn], dict[str, Any]]
#: Revises a plan: (scenario, previous plan, events file, time_limit_s, seed, progress,
#: should_stop) → plan file data.
ReplanFn = Callable[
    [Scenario, Plan, dict[str, Any], float, int, ProgressFn, StopFn], dict[str, Any]
]

INTERRUPTED = "interrupted: the server stopped while this plan was being solved; submit it again"


def solve_with_library(
    scenario: Scenario, time_limit_s: float, seed: int, progress: ProgressFn, should_stop: StopFn
) -> dict[str, Any]:
    """Solve with :func:`supplyopt.plan_relief`; returns the plan file as data."""
    from supplyopt import Progress, plan_relief

    def report(update: Progress) -> None:
        progress(update.fraction, update.message)

    plan = plan_relief(
        scenario, time_limit_s=time_limit_s, seed=seed, progress=report, should_stop=should_stop
    )
    return plan.model_dump(mode="json", exclude_none=True)


def replan_with_library(
    scenario: Scenario,
    previous: Plan,
    events: dict[str, Any],
    time_limit_s: float,
    seed: int,
    progress: ProgressFn,
    should_stop: StopFn,
) -> dict[str, Any]:
    """Revise ``previous`` with :func:`supplyopt.replan`; returns the plan file as data."""
    from supplyopt import Progress, replan

    def report(update: Progress) -> None:
        progress(update.fraction, update.message)

    plan = replan(
        scenario,
        previous,
        events,
        time_limit_s=time_limit_s,
        seed=seed,
        progress=report,
        should_stop=should_stop,
    )
    return plan.model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class _Work:
    """What a started job solves: a scenario; for a revision, also the plan and events."""

    scenario: Scenario
    time_limit_s: float
    seed: int
    previous: Plan | None = None
    events: dict[str, Any] | None = None
    previous_id: str | None = None


class JobRunner:
    """Queues, runs, cancels and recovers plan jobs.

    Parameters
    ----------
    db
        The service database.
    settings
        Worker count, queue bound, time-limit cap, progress write interval.
    solve
        The solving function (the library's planner by default).
    replan
        The revising function (the library's ``replan`` by default).
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
        self._solve = solve
        self._replan = replan
        self._executor = ThreadPoolExecutor(settings.plan_workers, thread_name_prefix="plan")
        self._stop_flags: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()

    # -- life cycle -------------------------------------------------------
    def recover(self) -> None:
        """Fail jobs a previous server left running; queue again the ones it left waiting."""
        with self.db.write() as session:
            failed = list(
                session.scalars(
                    update(PlanJobRow)
                    .where(PlanJobRow.status == "running")
                    .values(status="failed", error=INTERRUPTED, finished_at=utcnow())
                    .returning(PlanJobRow.id)
                )
            )
            queued = list(
                session.scalars(
                    select(PlanJobRow.id)
                    .where(PlanJobRow.status == "queued")
                    .order_by(PlanJobRow.created_at)
                )
            )
        if failed:
            log.warning("marked interrupted plan job(s) as failed: %s", ", ".join(failed))
        for plan_id in queued:
            self._executor.submit(self._run, plan_id)

    def shutdown(self) -> None:
        """Stop running solves (their jobs fail as interrupted); waiting jobs stay queued."""
        self._closing.set()
        with self._lock:
            for flag in self._stop_flags.values():
                flag.set()
        self._executor.shutdown(wait=True, cancel_futures=True)

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
            self._admit(session)
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
        self._executor.submit(self._run, job.id)
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
            self._admit(session)
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
        self._executor.submit(self._run, job.id)
        return job

    def _time_limit(self, requested_s: float | None) -> float:
        return min(
            requested_s or self.settings.default_time_limit_s, self.settings.max_time_limit_s
        )

    def _admit(self, session: Session) -> None:
        """429 when the queue is full (counted inside the write transaction that adds a job)."""
        active = session.scalar(
            select(func.count())
            .select_from(PlanJobRow)
            .where(PlanJobRow.status.in_(("queued", "running")))
        )
        if (active or 0) >= self.settings.max_queued_plans:
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
        with self._lock:
            flag = self._stop_flags.get(plan_id)
        if flag is not None:
            flag.set()
        return job

    # -- the worker -------------------------------------------------------------
    def _run(self, plan_id: str) -> None:
        try:
            self._run_job(plan_id)
        except Exception:  # the job row says what happened; never kill the worker
            log.exception("plan job %s failed unexpectedly", plan_id)
            self._finish(plan_id, status="failed", error="internal error while solving")

    def _run_job(self, plan_id: str) -> None:
        if self._closing.is_set():
            return
        flag = threading.Event()
        with self._lock:
            self._stop_flags[plan_id] = flag
        try:
            work = self._start(plan_id)
            if work is None:
                return
            try:
                plan = self._work(plan_id, work, flag.is_set)
            except SupplyOptError as err:
                self._finish(plan_id, status="failed", error=str(err))
                return
            if self._closing.is_set():
                self._finish(plan_id, status="failed", error=INTERRUPTED)
            else:
                self._finish(plan_id, status="done", plan=_named(plan, work))
        finally:
            with self._lock:
                self._stop_flags.pop(plan_id, None)

    def _work(self, plan_id: str, work: _Work, should_stop: StopFn) -> dict[str, Any]:
        progress = self._progress_writer(plan_id)
        if work.previous is None or work.events is None:
            return self._solve(work.scenario, work.time_limit_s, work.seed, progress, should_stop)
        return self._replan(
            work.scenario,
            work.previous,
            work.events,
            work.time_limit_s,
            work.seed,
            progress,
            should_stop,
        )

    def _start(self, plan_id: str) -> _Work | None:
        with self.db.write() as session:
            job = lock_job(session, plan_id)
            if job.status != "queued":
                return None
            work = (
                self._start_revision(session, job)
                if job.previous_id is not None
                else self._start_plan(session, job)
            )
            if work is not None:
                job.status, job.started_at, job.message = "running", utcnow(), "started"
            return work

    @staticmethod
    def _start_plan(session: Session, job: PlanJobRow) -> _Work | None:
        data = dict(job.scenario)
        if job.use_inventory:
            data, used = _with_live_stock(session, data)
            job.inventory_used = used
        try:
            scenario = parse_scenario(data)
        except ScenarioError as err:
            # Live stock can make a valid submitted scenario invalid: say where.
            job.status, job.finished_at, job.message = "failed", utcnow(), "failed"
            job.error = f"with live inventory: {err}"
            return None
        return _Work(scenario, job.time_limit_s, job.seed)

    @staticmethod
    def _start_revision(session: Session, job: PlanJobRow) -> _Work:
        # The previous job is done (checked when queued) and a done job never changes.
        previous = session.get(PlanJobRow, job.previous_id)
        assert previous is not None  # a foreign key, and jobs are never deleted
        scenario, plan = revision_inputs(previous)
        events = dict(job.events or {})
        return _Work(scenario, job.time_limit_s, job.seed, plan, events, previous.id)

    def _progress_writer(self, plan_id: str) -> ProgressFn:
        last = [0.0]

        def write(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] < self.settings.progress_interval_s and fraction < 1.0:
                return
            last[0] = now
            with self.db.write() as session:
                session.execute(
                    update(PlanJobRow)
                    .where(PlanJobRow.id == plan_id, PlanJobRow.status == "running")
                    .values(progress=min(max(fraction, 0.0), 1.0), message=message[:500])
                )

        return write

    def _finish(
        self,
        plan_id: str,
        *,
        status: str,
        plan: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status,
            "finished_at": utcnow(),
            "error": error,
            "plan": plan,
            "message": status,
        }
        if status == "done":
            values["progress"] = 1.0
        with self.db.write() as session:
            session.execute(
                update(PlanJobRow)
                .where(PlanJobRow.id == plan_id, PlanJobRow.status.in_(("queued", "running")))
                .values(**values)
            )


def _with_live_stock(
    session: Session, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """Return the scenario with service warehouses' available stock; and that stock."""
    item_ids = [item["id"] for item in data["items"]]
    live = available_stock(session, [w["id"] for w in data["warehouses"]])
    used = {
        warehouse_id: {i: max(stock.get(i, 0), 0) for i in item_ids}
        for warehouse_id, stock in live.items()
    }
    return with_stock(data, used), used


def _named(plan: dict[str, Any], work: _Work) -> dict[str, Any]:
    """A revision's plan file data, its ``replan`` block naming the plan it revises."""
    block = plan.get("replan")
    if work.previous_id is not None and isinstance(block, dict):
        plan = {**plan, "replan": {**block, "previous": work.previous_id}}
    return plan
