"""Durability: kill -9 the server mid-write, restart it, the ledger and stock are intact."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from supplyopt_service.core import keys
from supplyopt_service.core.db import Database

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The service as a real uvicorn process on a loopback port."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "SUPPLYOPT_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "supplyopt_service.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()  # else a ResourceWarning (an error in the tests)


@pytest.mark.slow
def test_kill_9_mid_write_loses_no_acknowledged_movement(
    db_url: str, db: Database, tmp_path: Path
) -> None:
    """After kill -9 mid-write: acknowledged movements kept, stock = ledger sum, retries apply once."""
    with db.write() as session:
        _row, token = keys.create_key(session, "admin")
    headers = {"Authorization": f"Bearer {token}"}
    server = Server(db_url, tmp_path)
    server.start()
    try:
        with httpx.Client(base_url=server.base, headers=headers, timeout=10) as http:
            http.post("/items", json={"id": "tent", "weight_kg": 75.0, "volume_m3": 0.4})
            http.post(
                "/warehouses",
                json={"id": "north", "lat": 44.0, "lon": 87.0, "stock": {"tent": 1000}},
            )
        acknowledged: dict[str, int] = {}
        attempted: dict[str, dict[str, Any]] = {}
        lock = threading.Lock()

        def writer(worker: int) -> None:
            with httpx.Client(base_url=server.base, headers=headers, timeout=10) as http:
                for n in range(10_000):
                    key = f"w{worker}-{n}"
                    body = {
                        "item": "tent",
                        "kind": "receipt" if n % 3 else "issue",
                        "quantity": 5 if n % 3 else -3,
                        "note": key,
                    }
                    with lock:
                        attempted[key] = body
                    try:
                        answer = http.post(
                            "/warehouses/north/movements",
                            json=body,
                            headers={"Idempotency-Key": key},
                        )
                    except httpx.TransportError:
                        return
                    if answer.status_code == 201:
                        with lock:
                            acknowledged[key] = answer.json()["id"]

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        while len(acknowledged) < 150:
            time.sleep(0.01)
        server.kill()
        for thread in threads:
            thread.join(30)
        server.start()
        with httpx.Client(base_url=server.base, headers=headers, timeout=10) as http:
            ledger = http.get("/warehouses/north/movements", params={"limit": 10000}).json()
            by_note = {m["note"]: m for m in ledger}
            for key, movement_id in acknowledged.items():
                assert by_note[key]["id"] == movement_id
            on_hand = http.get("/warehouses/north/stock").json()["tent"]["on_hand"]
            assert on_hand == sum(m["quantity"] for m in ledger)
            assert [m["on_hand_after"] for m in ledger] == [
                sum(m["quantity"] for m in ledger[: i + 1]) for i in range(len(ledger))
            ]
            for key, body in attempted.items():
                answer = http.post(
                    "/warehouses/north/movements", json=body, headers={"Idempotency-Key": key}
                )
                assert answer.status_code == 201
                if key in acknowledged:
                    assert answer.json()["id"] == acknowledged[key]
            ledger = http.get("/warehouses/north/movements", params={"limit": 10000}).json()
            assert sorted(m["note"] for m in ledger[1:]) == sorted(attempted)
            expected = 1000 + sum(b["quantity"] for b in attempted.values())
            assert http.get("/warehouses/north/stock").json()["tent"]["on_hand"] == expected
    finally:
        server.kill()
