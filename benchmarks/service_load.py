"""Load figures for the HTTP service on loopback: stock reads, movements, plan submits.

Starts the service as real ``supplyopt serve`` processes on 127.0.0.1 (random
free ports): on SQLite one process solving its own jobs; on PostgreSQL 1, 2
and 4 API processes (``--no-worker``) side by side in the same run, each on a
fresh database with one ``supplyopt worker`` process solving the plans. The
same concurrent clients (spread round-robin over the API processes) do a
fixed number of requests each (bounded in time too); the report gives
throughput and p50/p99 latency. Results go to ``benchmarks/results/service_load.md``.

Run from the repository root::

    python -m benchmarks.service_load            # SQLite, and PostgreSQL if reachable
    python -m benchmarks.service_load --quick    # fewer requests

PostgreSQL: a throw-away database ``supplyopt_bench_<random>`` is created on
``SUPPLYOPT_BENCH_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "service_load.md"
PG_URL = os.environ.get("SUPPLYOPT_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TIME_CAP_S = 120.0

SCENARIO: dict[str, Any] = {
    "name": "load-test",
    "deadline_hours": 12,
    "items": [
        {"id": "tent", "name": "救灾帐篷", "weight_kg": 75.0, "volume_m3": 0.4},
        {"id": "quilt", "name": "棉被", "weight_kg": 3.0, "volume_m3": 0.03},
    ],
    "vehicle_types": [{"id": "truck", "capacity_kg": 10000, "capacity_m3": 45}],
    "warehouses": [
        {
            "id": f"wh-{i}",
            "lat": 43.8 + 0.1 * i,
            "lon": 87.3 + 0.1 * i,
            "stock": {"tent": 100_000, "quilt": 1_000_000},
            "fleet": {"truck": 4},
        }
        for i in range(4)
    ],
    "areas": [
        {
            "id": f"area-{i}",
            "lat": 44.0 + 0.05 * i,
            "lon": 86.5 + 0.05 * i,
            "demand": {"tent": 50, "quilt": 400},
        }
        for i in range(6)
    ],
}


@dataclass
class Workload:
    """One kind of request, sent by ``clients`` threads ``per_client`` times each."""

    name: str
    clients: int
    per_client: int
    send: Callable[[httpx.Client, int, int], httpx.Response]
    ok: tuple[int, ...]


@dataclass
class Figures:
    """Measured figures of one workload."""

    name: str
    requests: int
    clients: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SUPPLYOPT_DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "SUPPLYOPT_MAX_QUEUED_PLANS": "1000",
    }


def start_servers(
    database_url: str, workdir: Path, count: int, *, worker: bool
) -> tuple[list[subprocess.Popen[bytes]], list[str]]:
    """Start ``count`` ``supplyopt serve`` processes at once; return them and their URLs."""
    processes, bases = [], []
    for _ in range(count):
        port = free_port()
        args = [sys.executable, "-m", "supplyopt", "serve", "--port", str(port)]
        processes.append(
            subprocess.Popen(
                args if worker else [*args, "--no-worker"],
                cwd=workdir,
                env=_env(database_url),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 90
    for base in bases:
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                for process in processes:
                    process.kill()
                raise RuntimeError("the service did not start")
            time.sleep(0.1)
    return processes, bases


def start_worker(database_url: str, workdir: Path) -> subprocess.Popen[bytes]:
    """Start one ``supplyopt worker`` (2 jobs at once)."""
    return subprocess.Popen(
        [sys.executable, "-m", "supplyopt", "worker", "--concurrency", "2"],
        cwd=workdir,
        env=_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def admin_token(database_url: str) -> str:
    from supplyopt_service.core import keys
    from supplyopt_service.core.db import Database
    from supplyopt_service.core.migrate import upgrade

    db = Database(database_url)
    upgrade(db)
    with db.write() as session:
        _row, token = keys.create_key(session, "admin", name="load benchmark")
    db.dispose()
    return token


def run_workload(bases: list[str], headers: dict[str, str], work: Workload) -> Figures:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + TIME_CAP_S

    def client(worker: int) -> None:
        with httpx.Client(base_url=bases[worker % len(bases)], headers=headers, timeout=30) as http:
            for n in range(work.per_client):
                if time.monotonic() > stop_at:
                    return
                start = time.perf_counter()
                answer = work.send(http, worker, n)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if answer.status_code not in work.ok:
                        errors[0] += 1

    threads = [threading.Thread(target=client, args=(w,)) for w in range(work.clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return Figures(
        work.name,
        len(latencies),
        work.clients,
        errors[0],
        seconds,
        statistics.median(ordered) * 1000,
        p99 * 1000,
    )


def workloads(scale: int, run_id: str) -> list[Workload]:
    def read_stock(http: httpx.Client, worker: int, n: int) -> httpx.Response:
        return http.get(f"/warehouses/wh-{(worker + n) % 4}/stock")

    def move(http: httpx.Client, worker: int, n: int) -> httpx.Response:
        body = {
            "item": "tent",
            "kind": "issue" if n % 2 else "receipt",
            "quantity": -1 if n % 2 else 1,
        }
        return http.post(
            f"/warehouses/wh-{worker % 4}/movements",
            json=body,
            headers={"Idempotency-Key": f"{run_id}-{worker}-{n}"},
        )

    def submit(http: httpx.Client, worker: int, n: int) -> httpx.Response:
        return http.post(
            "/plans", json={"scenario": SCENARIO, "use_inventory": True, "time_limit_s": 2}
        )

    return [
        Workload("stock reads (GET /warehouses/{id}/stock)", 8, 50 * scale, read_stock, (200,)),
        Workload("movements (POST …/movements, Idempotency-Key)", 8, 25 * scale, move, (201,)),
        Workload("plan submits (POST /plans, 202)", 4, 5 * scale, submit, (202,)),
    ]


def wait_for_plans(base: str, headers: dict[str, str]) -> tuple[int, int, float]:
    """Wait until no plan is queued or running; return (done, other, seconds waited)."""
    began = time.perf_counter()
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        while time.perf_counter() - began < TIME_CAP_S:
            plans = http.get("/plans", params={"limit": 1000}).json()["plans"]
            if all(p["status"] not in ("queued", "running") for p in plans):
                done = sum(p["status"] == "done" for p in plans)
                return done, len(plans) - done, time.perf_counter() - began
            time.sleep(0.2)
    return 0, 0, time.perf_counter() - began


def bench_backend(
    label: str, database_url: str, scale: int, apis: int = 1, *, separate_worker: bool = False
) -> tuple[list[Figures], str]:
    """Measure ``apis`` API processes on one database.

    Plans are solved by one separate worker process, or by the API process itself.
    """
    token = admin_token(database_url)
    headers = {"Authorization": f"Bearer {token}"}
    with tempfile.TemporaryDirectory() as workdir:
        processes, bases = start_servers(
            database_url, Path(workdir), apis, worker=not separate_worker
        )
        if separate_worker:
            processes.append(start_worker(database_url, Path(workdir)))
        base = bases[0]
        try:
            httpx.post(
                f"{base}/warehouses/import",
                json={"scenario": SCENARIO},
                headers=headers,
                timeout=30,
            ).raise_for_status()
            figures = [
                run_workload(bases, headers, w) for w in workloads(scale, uuid.uuid4().hex[:8])
            ]
            done, other, waited = wait_for_plans(base, headers)
            solver = "one supplyopt worker process" if separate_worker else "the API process"
            note = (
                f"{label}: {done} submitted plans solved ({other} not done) "
                f"{waited:.1f} s after the last submit ({solver}, 2 jobs at once, 2 s limit "
                "each)"
            )
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(30)
    return figures, note


def pg_database() -> tuple[str, Callable[[], None]] | None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"supplyopt_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    except psycopg.OperationalError as err:
        print(f"PostgreSQL not reachable ({err}); skipping it", file=sys.stderr)
        return None

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]

    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return url, drop


def report(results: dict[str, list[Figures]], notes: list[str], command: str) -> str:
    lines = [
        "# Service load figures",
        "",
        f"Command: `{command}` (from the repository root). Machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f} when it finished (the machine is shared: other work shows "
        "here, and the figures vary from run to run accordingly). Servers, the plan worker, "
        "PostgreSQL and the clients all share those cores (loopback 127.0.0.1; clients are "
        "threads in the benchmark process, spread round-robin over the API processes; each "
        "sends its requests one after another). With 2 cores, more API processes than cores "
        "cannot add CPU: what they can show is whether processes contend on the database.",
        "",
        "| storage | workload | clients | requests | errors | req/s | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, figures in results.items():
        for f in figures:
            lines.append(
                f"| {backend} | {f.name} | {f.clients} | {f.requests} | {f.errors} | "
                f"{f.throughput:.0f} | {f.p50_ms:.1f} | {f.p99_ms:.1f} |"
            )
    lines += ["", *[f"- {n}" for n in notes], ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the requests")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    scale = 1 if args.quick else 5
    results: dict[str, list[Figures]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        figures, note = bench_backend("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", scale)
        results["SQLite (WAL), 1 API process"] = figures
        notes.append(note)
    for apis in (1, 2, 4):
        pg = pg_database()
        if pg is None:
            break
        url, drop = pg
        try:
            label = f"PostgreSQL 15, {apis} API process{'es' if apis > 1 else ''}"
            figures, note = bench_backend(label, url, scale, apis, separate_worker=True)
            results[label] = figures
            notes.append(note)
        finally:
            drop()
    command = "python -m benchmarks.service_load" + (" --quick" if args.quick else "")
    text = report(results, notes, command)
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
