"""Plan jobs: a bounded pool of worker threads solving submitted scenarios.

A job is a row in ``plan_jobs``; its state moves queued → running → done,
failed or cancelled, each step a committed transaction, so a crash leaves a
visible state. At start-up :meth:`JobRunner.recover` marks jobs that were
running as failed (with the reason) and queues the waiting ones again.
Cancelling sets a flag the solver polls (``should_stop``); the solver then
returns early and its result is discarded.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select, update

from supplyopt.model import Scenario, ScenarioError, SupplyOptError, parse_scenario

from .approvals import lock_job
from .core import audit
from .core.db import Database
from .core.errors import ConflictError, TooBusyError
from .core.settings import Settings
from .core.tables import PlanJobRow, utcnow
from .inventory import available_stock
from .schemas import PlanRequest

log = logging.getLogger("supplyopt.service.jobs")

ProgressFn = Callable[[float, str], None]
StopFn = Callable[[], bool]
#: Solves a scenario: (scenario, time_limit_s, seed, progress, should_stop) → plan file data.
SolveFn = Callable[[Scenario, float, int, ProgressFn, StopFn], dict[str, Any]]

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
    """

    def __init__(
        self, db: Database, settings: Settings, solve: SolveFn = solve_with_library
    ) -> None:
        self.db = db
        self.settings = settings
        self._solve = solve
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
        time_limit_s = min(
            request.time_limit_s or self.settings.default_time_limit_s,
            self.settings.max_time_limit_s,
        )
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
            active = session.scalar(
                select(func.count())
                .select_from(PlanJobRow)
                .where(PlanJobRow.status.in_(("queued", "running")))
            )
            if (active or 0) >= self.settings.max_queued_plans:
                raise TooBusyError(f"{active} plans are already queued or running; retry later")
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
            started = self._start(plan_id)
            if started is None:
                return
            scenario, time_limit_s, seed = started
            try:
                plan = self._solve(
                    scenario, time_limit_s, seed, self._progress_writer(plan_id), flag.is_set
                )
            except SupplyOptError as err:
                self._finish(plan_id, status="failed", error=str(err))
                return
            if self._closing.is_set():
                self._finish(plan_id, status="failed", error=INTERRUPTED)
            else:
                self._finish(plan_id, status="done", plan=plan)
        finally:
            with self._lock:
                self._stop_flags.pop(plan_id, None)

    def _start(self, plan_id: str) -> tuple[Scenario, float, int] | None:
        with self.db.write() as session:
            job = lock_job(session, plan_id)
            if job.status != "queued":
                return None
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
            job.status, job.started_at, job.message = "running", utcnow(), "started"
            return scenario, job.time_limit_s, job.seed

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
    session: Any, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """Return the scenario with service warehouses' available stock; and that stock."""
    item_ids = [item["id"] for item in data["items"]]
    live = available_stock(session, [w["id"] for w in data["warehouses"]])
    warehouses = []
    for warehouse in data["warehouses"]:
        if warehouse["id"] in live:
            stock = {i: max(live[warehouse["id"]].get(i, 0), 0) for i in item_ids}
            warehouse = {**warehouse, "stock": stock}
        warehouses.append(warehouse)
    used = {w["id"]: w["stock"] for w in warehouses if w["id"] in live}
    return {**data, "warehouses": warehouses}, used
