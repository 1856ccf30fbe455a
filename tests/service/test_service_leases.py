"""Leased plan jobs: exclusive claims, renewal, expiry, cancellation and restarts.

Workers here are threads of this process, each with its own database handle
(its own connections, as another process would have); the subprocess cases
(kill -9) are in ``test_multiprocess.py``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from supplyopt.model import Scenario
from supplyopt_service import leases
from supplyopt_service.app import create_app
from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings
from supplyopt_service.core.tables import PlanJobRow, utcnow
from supplyopt_service.jobs import ProgressFn, StopFn
from supplyopt_service.worker import JobWorker

from .conftest import TINY_SCENARIO, KeyMaker

FAKE_PLAN: dict[str, Any] = {
    "deadline_hours": 12,
    "status": "empty",
    "summary": {},
    "trips": [],
    "unmet": [],
}


@pytest.fixture
def lease_settings(settings: Settings) -> Settings:
    """Short leases and polls, so expiry and renewal happen within a test."""
    return settings.model_copy(
        update={"job_lease_s": 1.0, "job_poll_interval_s": 0.05, "max_queued_plans": 100}
    )


@pytest.fixture
def workers(lease_settings: Settings) -> Iterator[Callable[..., JobWorker]]:
    """Start workers (each on its own database handle); stopped at the end of the test."""
    started: list[tuple[JobWorker, Database]] = []

    def start(name: str, solve: Any, **options: Any) -> JobWorker:
        handle = Database(lease_settings.database_url)
        settings = lease_settings.model_copy(update=options)
        worker = JobWorker(handle, settings, solve, name=name, concurrency=2)
        worker.start()
        started.append((worker, handle))
        return worker

    yield start
    for worker, handle in started:
        worker.shutdown(10)
        handle.dispose()


def queue_jobs(db: Database, count: int) -> list[str]:
    """Queue ``count`` jobs directly; their scenarios are named by their ids."""
    ids = [f"job-{n:03d}" for n in range(count)]
    with db.write() as session:
        for plan_id in ids:
            session.add(
                PlanJobRow(
                    id=plan_id,
                    status="queued",
                    scenario={**TINY_SCENARIO, "name": plan_id},
                    use_inventory=False,
                    time_limit_s=1,
                    seed=0,
                    progress=0.0,
                )
            )
    return ids


def wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached in time")
        time.sleep(0.02)


def statuses(db: Database) -> dict[str, PlanJobRow]:
    with db.read() as session:
        return {job.id: job for job in session.query(PlanJobRow)}


class CountingSolver:
    """Records which scenarios it solved; optionally blocks until released or told to stop."""

    def __init__(self, *, block: bool = False) -> None:
        self.solved: list[str] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.stopped = threading.Event()
        self.block = block
        self._lock = threading.Lock()

    def __call__(
        self,
        scenario: Scenario,
        time_limit_s: float,
        seed: int,
        progress: ProgressFn,
        should_stop: StopFn,
    ) -> dict[str, Any]:
        self.started.set()
        while self.block and not self.release.is_set():
            if should_stop():
                self.stopped.set()
                break
            time.sleep(0.01)
        time.sleep(0.01)  # long enough for the other worker to try the same job
        with self._lock:
            self.solved.append(scenario.name)
        return {**FAKE_PLAN, "scenario": scenario.name}


def test_two_workers_solve_every_job_exactly_once(
    db: Database, workers: Callable[..., JobWorker]
) -> None:
    """Two workers racing for 30 queued jobs: each job is solved once and stored once."""
    ids = queue_jobs(db, 30)
    first, second = CountingSolver(), CountingSolver()
    workers("first", first)
    workers("second", second)
    wait_until(lambda: all(j.status == "done" for j in statuses(db).values()))
    solved = Counter(first.solved + second.solved)
    assert solved == Counter(ids)
    jobs = statuses(db)
    assert {j.plan["scenario"] for j in jobs.values() if j.plan} == set(ids)
    assert {j.attempts for j in jobs.values()} == {1}
    by_owner = Counter(str(j.lease_owner).split("/")[0] for j in jobs.values())
    assert by_owner == Counter({"first": len(first.solved), "second": len(second.solved)})


def test_a_renewed_lease_outlives_its_length(
    db: Database, workers: Callable[..., JobWorker]
) -> None:
    """A solve taking several lease lengths keeps its job: no other worker recovers it.

    Leases of 2 s here (renewed every 0.67 s): with the file's 1 s, a busy 2-core CI
    machine once delayed a renewal past the lease's end (30c547e, 2026-11-30).
    """
    lease_s = 2.0
    (plan_id,) = queue_jobs(db, 1)
    slow = CountingSolver(block=True)
    workers("slow", slow, job_lease_s=lease_s)
    assert slow.started.wait(10)
    with db.read() as session:
        first_expiry = session.get(PlanJobRow, plan_id).lease_expires_at  # type: ignore[union-attr]
    # Its housekeeping would recover an expired lease.
    workers("other", CountingSolver(), job_lease_s=lease_s)
    time.sleep(3.5 * lease_s)  # three and a half lease lengths
    job = statuses(db)[plan_id]
    assert (job.status, job.attempts) == ("running", 1)
    assert str(job.lease_owner).startswith("slow/")
    assert job.lease_expires_at is not None
    assert first_expiry is not None
    assert job.lease_expires_at > first_expiry
    slow.release.set()
    wait_until(lambda: statuses(db)[plan_id].status == "done")
    assert slow.solved == [plan_id]


def test_an_expired_lease_is_queued_again_then_failed_with_the_reason(db: Database) -> None:
    """A job whose worker vanished is re-queued; after max attempts it fails, saying why."""
    (plan_id,) = queue_jobs(db, 1)

    def expire() -> None:
        with db.write() as session:
            session.execute(
                update(PlanJobRow)
                .where(PlanJobRow.id == plan_id)
                .values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )

    with db.write() as session:
        assert leases.claim(session, "ghost-1", 60.0) is not None
    with db.write() as session:
        assert leases.recover_expired(session, max_attempts=2) == []  # lease still valid
    expire()
    with db.write() as session:
        (outcome,) = leases.recover_expired(session, max_attempts=2)
    job = statuses(db)[plan_id]
    assert (job.status, job.lease_owner, job.attempts) == ("queued", None, 1)
    assert outcome[1].startswith("queued again: worker ghost-1 lost (lease expired at ")
    with db.write() as session:
        assert leases.claim(session, "ghost-2", 60.0) is not None
    expire()
    with db.write() as session:
        leases.recover_expired(session, max_attempts=2)
    job = statuses(db)[plan_id]
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.error is not None
    assert job.error.startswith("worker lost: lease expired at ")
    assert "ghost-2" in job.error
    # The vanished worker comes back: it no longer holds the job and can store nothing.
    with db.write() as session:
        assert not leases.finish(session, plan_id, "ghost-2", status="done", plan=FAKE_PLAN)
    assert statuses(db)[plan_id].plan is None


def test_a_worker_that_lost_its_lease_drops_its_result(
    db: Database, workers: Callable[..., JobWorker]
) -> None:
    """When the job was recovered meanwhile, the late result of the lost lease is dropped."""
    (plan_id,) = queue_jobs(db, 1)
    slow = CountingSolver(block=True)
    workers("slow", slow)
    assert slow.started.wait(10)
    first_lease = statuses(db)[plan_id].lease_owner
    with db.write() as session:  # as if it had stopped renewing and been recovered
        session.execute(
            update(PlanJobRow)
            .where(PlanJobRow.id == plan_id)
            .values(status="queued", lease_owner=None, lease_expires_at=None)
        )
    assert slow.stopped.wait(10)  # its housekeeping noticed and told the solver to stop
    slow.release.set()
    wait_until(lambda: statuses(db)[plan_id].status == "done")
    job = statuses(db)[plan_id]
    # Claimed again (by the same worker, as it happens), under a lease of its own: the
    # first solve, whose lease was gone, stored nothing.
    assert job.attempts == 2
    assert job.lease_owner != first_lease
    assert str(job.lease_owner).startswith("slow/")


def test_cancel_from_another_process_stops_the_solver(
    lease_settings: Settings,
    db: Database,
    auth: KeyMaker,
    scenario: dict[str, Any],
    workers: Callable[..., JobWorker],
) -> None:
    """An API process without a worker cancels a job another process solves: it stops."""
    solver = CountingSolver(block=True)
    workers("elsewhere", solver)
    api_only = lease_settings.model_copy(update={"embedded_worker": False})
    with TestClient(create_app(api_only)) as client:
        planner = auth("planner")
        plan_id = client.post("/plans", json={"scenario": scenario}, headers=planner).json()["id"]
        assert solver.started.wait(10)
        running = client.get(f"/plans/{plan_id}", headers=planner).json()
        assert running["status"] == "running"
        answer = client.post(f"/plans/{plan_id}/cancel", headers=planner)
        assert answer.json()["status"] == "cancelled"
        assert solver.stopped.wait(10)
    job = statuses(db)[plan_id]
    assert (job.status, job.plan) == ("cancelled", None)


def test_a_second_server_leaves_the_first_servers_running_job_alone(
    lease_settings: Settings, db: Database, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """Starting (and stopping) another server on the database does not touch a live job.

    Leases of 2 s here, as in the renewal test above: with the file's 1 s, a busy 2-core
    CI machine delayed the first server's renewal past the lease's end and the second
    server recovered the job (a80bc1c, 2026-12-01).
    """
    settings = lease_settings.model_copy(update={"job_lease_s": 2.0})
    solver = CountingSolver(block=True)
    with TestClient(create_app(settings, solve=solver)) as first:
        planner = auth("planner")
        plan_id = first.post("/plans", json={"scenario": scenario}, headers=planner).json()["id"]
        assert solver.started.wait(10)
        with TestClient(create_app(settings, solve=CountingSolver())) as second:
            time.sleep(1.25 * settings.job_lease_s)  # longer than a lease: the first renews it
            job = second.get(f"/plans/{plan_id}", headers=planner).json()
            assert (job["status"], job["error"]) == ("running", None)
        solver.release.set()
        wait_until(lambda: statuses(db)[plan_id].status == "done")
    job_row = statuses(db)[plan_id]
    assert (job_row.attempts, job_row.plan is not None) == (1, True)
    assert solver.solved == [scenario["name"]]
