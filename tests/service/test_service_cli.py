"""``supplyopt keys`` and ``supplyopt serve``: same database as the server, nothing else needed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from supplyopt.cli import main

from .test_service_durability import ROOT, free_port


def test_keys_create_list_revoke_on_the_server_database(
    db_url: str,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A key made by the CLI works against the server on the same settings, until revoked."""
    monkeypatch.setenv("SUPPLYOPT_DATABASE_URL", db_url)
    assert main(["keys", "create", "--role", "admin", "--name", "bootstrap 管理员"]) == 0
    token = capsys.readouterr().out.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/keys", headers=headers).status_code == 200
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "admin" in listing
    assert "bootstrap 管理员" in listing
    assert token not in listing
    key_id = client.get("/keys", headers=headers).json()[0]["id"]
    assert main(["keys", "revoke", str(key_id)]) == 0
    assert client.get("/keys", headers=headers).status_code == 401
    assert main(["keys", "revoke", str(key_id)]) == 1
    assert "already revoked" in capsys.readouterr().err


def test_keys_create_refuses_an_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown role is a usage error (exit 2) naming the allowed roles."""
    with pytest.raises(SystemExit) as stop:
        main(["keys", "create", "--role", "root"])
    assert stop.value.code == 2
    assert "manager" in capsys.readouterr().err


def test_library_and_cli_do_not_import_the_service_stack() -> None:
    """Importing supplyopt and building the CLI parser imports neither FastAPI nor SQLAlchemy."""
    code = (
        "import sys, supplyopt, supplyopt.cli; supplyopt.cli.build_parser(); "
        "bad = [m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'supplyopt_service') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_serve_with_no_configuration_uses_a_local_sqlite_file(tmp_path: Path) -> None:
    """``supplyopt serve`` in an empty directory answers /health and keeps data in ./supplyopt.db."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPLYOPT_")}
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "supplyopt", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None
        assert answer.json() == {"status": "ok"}
        assert (tmp_path / "supplyopt.db").is_file()
        assert httpx.get(f"http://127.0.0.1:{port}/items").status_code == 401
    finally:
        process.terminate()
        process.wait(10)
