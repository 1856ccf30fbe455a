"""A job worker: threads that claim queued jobs (plans, readiness runs) and solve them under a lease.

Each of ``concurrency`` threads claims the oldest queued job
(:func:`~.leases.claim`), solves it and stores the outcome only if it still
holds the lease. One housekeeping thread, every ``job_poll_interval_s``:

- renews the leases of the jobs being solved (every third of ``job_lease_s``)
  and otherwise checks that they are still held: a job cancelled by any
  process, or recovered after its lease expired, has its solver told to stop;
- recovers jobs of any worker whose lease expired (queued again, or failed
  after ``job_max_attempts`` starts).

A worker in the API process (``supplyopt serve``) and workers of their own
(``supplyopt worker``) are the same class. Stopping it (:meth:`JobWorker.shutdown`)
tells running solves to stop and queues their jobs again for another worker.

Each kind of job (:data:`KINDS`) has its table and the function that turns a
claimed row into work; plan jobs are claimed before readiness jobs, and a
worker solving several jobs at once keeps one thread free of readiness runs
(they take minutes) for plans; a worker of one thread takes none, unless
``readiness_on_single_thread_worker`` is set.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from supplyopt.model import SupplyOptError

from . import leases
from .core.db import Database
from .core.settings import Settings
from .core.tables import PlanJobRow, ReadinessJobRow
from .readiness_work import start_readiness
from .solving import (
    ProgressFn,
    ReplanFn,
    SolveFn,
    StopFn,
    replan_with_library,
    solve_with_library,
    start_work,
)

log = logging.getLogger("supplyopt.service.worker")


def worker_name() -> str:
    """A name no other worker has: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Runnable(Protocol):
    """What a claimed job does: runs with the solving functions, returns its result."""

    def run(
        self, solve: SolveFn, replan: ReplanFn, progress: ProgressFn, should_stop: StopFn
    ) -> dict[str, Any]:
        """Do the job's work; the result stored in the job row."""


@dataclass(frozen=True)
class JobKind:
    """A kind of leased job: its name (in logs), its table, and how a claimed row starts.

    ``start`` is called in the claiming transaction; it returns the work, or
    ``None`` after failing the job (e.g. its live stock is invalid).
    """

    name: str
    table: leases.JobTable
    start: Callable[[Session, Any], Runnable | None]


PLAN_JOBS = JobKind("plan", PlanJobRow, start_work)
READINESS_JOBS = JobKind("readiness", ReadinessJobRow, start_readiness)
#: Every kind of job a worker claims, in the order it looks for them.
KINDS = (PLAN_JOBS, READINESS_JOBS)


@dataclass(frozen=True)
class _Claimed:
    plan_id: str
    lease: str  # the claim's lease_owner: the worker's name and a number of its own
    work: Runnable | None  # None: the job failed as it started (e.g. live stock invalid)
    stop: threading.Event
    kind: JobKind = PLAN_JOBS


class JobWorker:
    """Claims and solves plan jobs from the database, in threads.

    Parameters
    ----------
    db
        The service database.
    settings
        Lease length, poll interval, attempts, progress write interval, and
        ``plan_workers`` (the default concurrency).
    solve, replan
        The solving and revising functions (the library's by default).
    concurrency
        Jobs solved at once (default ``settings.plan_workers``).
    name
        The worker's name in ``lease_owner`` (default ``host:pid:random``).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        solve: SolveFn = solve_with_library,
        replan: ReplanFn = replan_with_library,
        *,
        concurrency: int | None = None,
        name: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.name = name or worker_name()
        self.concurrency = concurrency or settings.plan_workers
        self._solve = solve
        self._replan = replan
        self._held: dict[str, _Claimed] = {}  # by lease
        self._claims = itertools.count(1)
        self._lock = threading.Lock()
        # One claim at a time per worker: the check "a thread stays free for plans" and the
        # claim it allows must not interleave with another thread's (both would take a run).
        self._claiming = threading.Lock()
        self._wakeup = threading.Condition()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- life cycle -------------------------------------------------------
    def start(self) -> None:
        """Recover expired leases, then start the solving threads and the housekeeping one."""
        self._housekeep(renew=False)
        self._threads = [
            threading.Thread(target=self._solve_loop, name=f"plan-{i}", daemon=True)
            for i in range(self.concurrency)
        ]
        self._threads.append(
            threading.Thread(target=self._housekeeping_loop, name="plan-leases", daemon=True)
        )
        for thread in self._threads:
            thread.start()
        log.info("worker %s started: %d job(s) at once", self.name, self.concurrency)
        if self._claimable() == [PLAN_JOBS]:
            log.info(
                "worker %s takes no readiness runs: it solves one job at a time "
                "(SUPPLYOPT_READINESS_ON_SINGLE_THREAD_WORKER=true lets it)",
                self.name,
            )

    def alive(self) -> bool:
        """Whether every thread of the worker runs."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def wake(self) -> None:
        """Look for queued jobs now (a job was just queued in this process)."""
        with self._wakeup:
            self._wakeup.notify()

    def stop_job(self, plan_id: str) -> None:
        """Tell the solver of ``plan_id`` to stop, if this worker solves it."""
        with self._lock:
            for claimed in self._held.values():
                if claimed.plan_id == plan_id:
                    claimed.stop.set()

    def shutdown(self, timeout_s: float | None = None) -> None:
        """Stop: running solves are told to stop and their jobs queued again."""
        self._closing.set()
        with self._lock:
            for claimed in self._held.values():
                claimed.stop.set()
        with self._wakeup:
            self._wakeup.notify_all()
        for thread in self._threads:
            thread.join(timeout_s)

    # -- solving -----------------------------------------------------------
    def _solve_loop(self) -> None:
        poll_s = self.settings.job_poll_interval_s
        while not self._closing.is_set():
            try:
                claimed = self._claim()
            except Exception:  # the database may be away for a while: keep trying
                log.exception("worker %s could not claim a job", self.name)
                self._closing.wait(poll_s)
                continue
            if claimed is None:
                with self._wakeup:
                    if not self._closing.is_set():
                        self._wakeup.wait(poll_s)
            elif claimed.work is not None:
                self._run(claimed, claimed.work)

    def _claimable(self) -> list[JobKind]:
        """The kinds of job this thread may take now (one thread stays free for plans).

        A worker of one thread takes no readiness run at all, unless
        ``readiness_on_single_thread_worker`` allows it.
        """
        if self.concurrency == 1 and not self.settings.readiness_on_single_thread_worker:
            return [PLAN_JOBS]
        with self._lock:
            long_runs = sum(1 for c in self._held.values() if c.kind is not PLAN_JOBS)
        room = long_runs < max(self.concurrency - 1, 1)
        return [kind for kind in KINDS if kind is PLAN_JOBS or room]

    def _claim(self) -> _Claimed | None:
        with self._claiming:
            return self._claim_one()

    def _claim_one(self) -> _Claimed | None:
        kinds = self._claimable()
        with self.db.read() as session:
            kinds = [k for k in kinds if leases.queued_exists(session, table=k.table)]
        if not kinds:
            return None
        # A lease of its own for each claim: should this worker claim the same job
        # again (after losing its lease), the earlier solve cannot store anything.
        lease = f"{self.name}/{next(self._claims)}"
        with self.db.write() as session:
            for kind in kinds:
                job = leases.claim(session, lease, self.settings.job_lease_s, table=kind.table)
                if job is not None:
                    break
            else:
                return None
            work = kind.start(session, job)
            claimed = _Claimed(job.id, lease, work, threading.Event(), kind)
        if claimed.work is not None:
            with self._lock:  # housekeeping renews its lease from now on
                self._held[lease] = claimed
                if self._closing.is_set():  # shutdown went through _held before this claim
                    claimed.stop.set()
        return claimed

    def _run(self, claimed: _Claimed, work: Runnable) -> None:
        plan_id, stop = claimed.plan_id, claimed.stop
        try:
            try:
                plan = work.run(self._solve, self._replan, self._progress(claimed), stop.is_set)
            except SupplyOptError as err:
                self._store(claimed, status="failed", error=str(err))
                return
            except Exception:  # the job row says what happened; never kill the worker
                log.exception("%s job %s failed unexpectedly", claimed.kind.name, plan_id)
                self._store(claimed, status="failed", error="internal error while solving")
                return
            self._store(claimed, status="done", plan=plan)
        finally:
            with self._lock:
                self._held.pop(claimed.lease, None)

    def _store(self, claimed: _Claimed, **outcome: object) -> None:
        """Store the outcome; a solve stopped by shutdown gives its job back instead."""
        plan_id, lease, kind = claimed.plan_id, claimed.lease, claimed.kind
        try:
            with self.db.write() as session:
                if claimed.stop.is_set() and self._closing.is_set():
                    stored = leases.hand_back(session, plan_id, lease, table=kind.table)
                    what = "queued again (worker stopping)"
                elif claimed.stop.is_set():
                    stored, what = False, ""  # cancelled, or the lease was lost
                else:
                    stored = leases.finish(session, plan_id, lease, table=kind.table, **outcome)  # type: ignore[arg-type]
                    what = str(outcome["status"])
        except Exception:
            log.exception("could not store the outcome of %s job %s", kind.name, plan_id)
            return
        if stored:
            log.info("%s job %s %s (lease %s)", kind.name, plan_id, what, lease)
        else:
            log.info(
                "%s job %s: result dropped (cancelled, or lease %s lost)", kind.name, plan_id, lease
            )

    def _progress(self, claimed: _Claimed) -> ProgressFn:
        last = [0.0]

        def write(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] < self.settings.progress_interval_s and fraction < 1.0:
                return
            last[0] = now
            with self.db.write() as session:
                leases.update_held(
                    session,
                    claimed.plan_id,
                    claimed.lease,
                    table=claimed.kind.table,
                    progress=min(max(fraction, 0.0), 1.0),
                    message=message[:500],
                )

        return write

    # -- housekeeping ---------------------------------------------------------
    def _housekeeping_loop(self) -> None:
        renew_every_s = self.settings.job_lease_s / 3
        renewed = time.monotonic()
        while not self._closing.wait(self.settings.job_poll_interval_s):
            due = time.monotonic() - renewed >= renew_every_s
            try:
                self._housekeep(renew=due)
            except Exception:  # the database may be away for a while: keep trying
                log.exception("worker %s: lease housekeeping failed", self.name)
                continue
            if due:
                renewed = time.monotonic()

    def _housekeep(self, *, renew: bool) -> None:
        for kind in KINDS:
            self._keep_leases(kind, renew=renew)
            self._recover(kind)

    def _keep_leases(self, kind: JobKind, *, renew: bool) -> None:
        """Renew (or check) this worker's leases of ``kind``; stop the solves that lost theirs."""
        with self._lock:
            mine = [lease for lease, c in self._held.items() if c.kind is kind]
        if not mine:
            return
        if renew:
            with self.db.write() as session:
                kept = leases.renew(session, mine, self.settings.job_lease_s, table=kind.table)
        else:
            with self.db.read() as session:
                kept = leases.held(session, mine, table=kind.table)
        with self._lock:
            for lease in set(mine) - kept:
                if lease in self._held:
                    self._held[lease].stop.set()

    def _recover(self, kind: JobKind) -> None:
        """Queue again (or fail) the jobs of ``kind`` of any worker whose lease expired."""
        with self.db.read() as session:
            expired = leases.expired_exists(session, table=kind.table)
        if not expired:
            return
        with self.db.write() as session:
            outcomes = leases.recover_expired(
                session, self.settings.job_max_attempts, table=kind.table
            )
        for plan_id, what in outcomes:
            log.warning("%s job %s: %s", kind.name, plan_id, what)
        if outcomes:
            with self._wakeup:
                self._wakeup.notify_all()
