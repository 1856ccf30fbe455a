"""Several processes on one database: workers killed with -9, API processes side by side.

Workers are real ``supplyopt worker`` processes (their solves slowed down by
``tests.service.lease_worker`` so there is a solve to interrupt); API
processes are real ``supplyopt serve --no-worker``. Leases are short (2 s) so
expiry happens within the test.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from supplyopt_service.core import keys
from supplyopt_service.core.db import Database
from supplyopt_service.core.tables import PlanJobRow

from .conftest import TINY_SCENARIO

ROOT = Path(__file__).resolve().parents[2]
LEASE_S = 2.0
JOBS = 12


def environment(db_url: str, **settings: str) -> dict[str, str]:
    """The environment of a service process on ``db_url`` with short leases."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SUPPLYOPT_DATABASE_URL": db_url,
        "SUPPLYOPT_JOB_LEASE_S": str(LEASE_S),
        "SUPPLYOPT_JOB_POLL_INTERVAL_S": "0.1",
        "SUPPLYOPT_PROGRESS_INTERVAL_S": "0",
        "SUPPLYOPT_MAX_QUEUED_PLANS": "1000",
        "SUPPLYOPT_MAX_PLANS_PER_KEY": "1000",  # one key submits every plan here
    }
    env.update({f"SUPPLYOPT_{k.upper()}": v for k, v in settings.items()})
    return env


class Processes:
    """Started subprocesses; every one still running is killed at the end."""

    def __init__(self, db_url: str, workdir: Path) -> None:
        self.db_url = db_url
        self.workdir = workdir
        self.log = workdir / "solves.log"
        self.started: list[subprocess.Popen[bytes]] = []

    def _start(self, args: list[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{name}.log").open("wb") as out:  # the child keeps its own
            process = subprocess.Popen(
                [sys.executable, *args], cwd=self.workdir, env=env, stdout=out, stderr=out
            )
        self.started.append(process)
        return process

    def worker(self, name: str, delay_s: float, **settings: str) -> subprocess.Popen[bytes]:
        """Start a worker named ``name`` whose solves take at least ``delay_s``."""
        args = ["-m", "tests.service.lease_worker", str(self.log), str(delay_s)]
        args += ["--name", name, "--concurrency", "2"]
        return self._start(args, environment(self.db_url, **settings), name)

    def apis(self, count: int) -> list[str]:
        """Start ``count`` API processes (no worker) at once; their base URLs once they answer."""
        bases = []
        for n in range(count):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            args = ["-m", "supplyopt", "serve", "--no-worker", "--port", str(port)]
            self._start(args, environment(self.db_url), f"api-{n}")
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 40
        for name, base in zip([f"api-{n}" for n in range(count)], bases, strict=True):
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    log = (self.workdir / f"{name}.log").read_text()
                    pytest.fail(f"{name} did not start: {log}")
                time.sleep(0.1)
        return bases

    def solves(self) -> Counter[str]:
        """How many solves of each scenario name started and ended: ``{"end job-1": 1, …}``."""
        if not self.log.exists():
            return Counter()
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return Counter(" ".join(line.split()[:2]) for line in lines)

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def processes(db_url: str, db: Database, tmp_path: Path) -> Iterator[Processes]:
    """Subprocesses on the test database (migrated); all stopped at the end."""
    started = Processes(db_url, tmp_path)
    yield started
    started.stop()


def jobs(db: Database) -> dict[str, PlanJobRow]:
    with db.read() as session:
        return {job.id: job for job in session.query(PlanJobRow)}


def wait_until(condition: Callable[[], bool], timeout_s: float = 45.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached in time")
        time.sleep(0.05)


def queue(db: Database, name: str) -> None:
    with db.write() as session:
        session.add(
            PlanJobRow(
                id=name,
                status="queued",
                scenario={**TINY_SCENARIO, "name": name},
                use_inventory=False,
                time_limit_s=1,
                seed=0,
                progress=0.0,
            )
        )


@pytest.mark.slow
@pytest.mark.parametrize(("max_attempts", "outcome"), [("2", "done"), ("1", "failed")])
def test_kill_9_mid_solve_reruns_or_fails_the_job_after_its_lease(
    db: Database, processes: Processes, max_attempts: str, outcome: str
) -> None:
    """Kill -9 of the worker solving a job: after the lease, re-run (or failed, saying why)."""
    queue(db, "victim")
    doomed = processes.worker("doomed", 60.0, job_max_attempts=max_attempts)
    wait_until(lambda: jobs(db)["victim"].status == "running")
    assert str(jobs(db)["victim"].lease_owner).startswith("doomed/")
    processes.worker("heir", 0.0, job_max_attempts=max_attempts)  # idle: nothing queued
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    wait_until(lambda: jobs(db)["victim"].status not in ("queued", "running"))
    job = jobs(db)["victim"]
    assert job.status == outcome
    if outcome == "done":
        assert job.plan is not None
        assert (job.attempts, str(job.lease_owner).split("/")[0]) == (2, "heir")
        assert processes.solves() == Counter({"start victim": 2, "end victim": 1})
    else:
        assert job.error is not None
        assert job.error.startswith("worker lost: lease expired at ")
        assert "doomed/" in job.error
        assert processes.solves() == Counter({"start victim": 1})


@pytest.mark.slow
def test_two_apis_and_two_workers_solve_every_job_once_when_a_worker_is_killed(
    db_url: str, db: Database, processes: Processes
) -> None:
    """Plans submitted to two API processes; two workers; one killed -9 mid-solve.

    Every job is solved and stored exactly once (the killed worker's jobs are
    re-run by the other, after their lease); racing approvals of each plan
    sent to both API processes at once: exactly one wins, stock exact.
    """
    if not db_url.startswith("postgresql"):
        pytest.skip("several API processes on one database: PostgreSQL")
    with db.write() as session:
        _row, token = keys.create_key(session, "admin", name="multi-process test")
    headers = {"Authorization": f"Bearer {token}"}
    workers = [processes.worker("w1", 0.8), processes.worker("w2", 0.8)]  # start meanwhile
    apis = processes.apis(2)
    stock = {w["id"]: dict(w["stock"]) for w in TINY_SCENARIO["warehouses"]}
    answer = httpx.post(
        f"{apis[0]}/warehouses/import", json={"scenario": TINY_SCENARIO}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    submitted: list[str] = []
    for n in range(JOBS):
        scenario: dict[str, Any] = {**TINY_SCENARIO, "name": f"job-{n:02d}"}
        answer = httpx.post(
            f"{apis[n % 2]}/plans",
            json={"scenario": scenario, "use_inventory": True, "time_limit_s": 1},
            headers=headers,
        )
        assert answer.status_code == 202, answer.text
        submitted.append(answer.json()["id"])
    wait_until(
        lambda: any(
            str(j.lease_owner).startswith("w1/") for j in jobs(db).values() if j.status == "running"
        )
    )
    killed_holding = {
        j.id
        for j in jobs(db).values()
        if j.status == "running" and str(j.lease_owner).startswith("w1/")
    }
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait(10)
    wait_until(lambda: all(j.status not in ("queued", "running") for j in jobs(db).values()))
    finished = jobs(db)
    assert {j.status for j in finished.values()} == {"done"}
    assert all(j.plan is not None for j in finished.values())
    ends = {k: v for k, v in processes.solves().items() if k.startswith("end ")}
    assert ends == {f"end job-{n:02d}": 1 for n in range(JOBS)}
    for plan_id in killed_holding:
        assert finished[plan_id].attempts == 2
        assert str(finished[plan_id].lease_owner).startswith("w2/")

    # Racing approvals: each plan approved through both API processes at once.
    codes: dict[str, list[int]] = {plan_id: [] for plan_id in submitted}

    def approve(plan_id: str, base: str) -> None:
        answer = httpx.post(f"{base}/plans/{plan_id}/approve", headers=headers, timeout=30)
        codes[plan_id].append(answer.status_code)

    racers = [threading.Thread(target=approve, args=(p, b)) for p in submitted for b in apis]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    won = [p for p, c in codes.items() if 200 in c]
    assert all(sorted(c) in ([200, 409], [409, 409]) for c in codes.values()), codes
    reserved: Counter[tuple[str, str]] = Counter()
    for plan_id in won:
        for trip in finished[plan_id].plan["trips"]:  # type: ignore[index]
            for stop in trip["stops"]:
                for item, units in stop["deliver"].items():
                    reserved[(trip["warehouse"], item)] += units
    for warehouse, items in stock.items():
        balance = httpx.get(f"{apis[1]}/warehouses/{warehouse}/stock", headers=headers).json()
        for item, on_hand in items.items():
            assert balance[item]["on_hand"] == on_hand
            assert balance[item]["reserved"] == reserved[(warehouse, item)]
            assert 0 <= balance[item]["reserved"] <= on_hand
