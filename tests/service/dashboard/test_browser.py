"""End to end in headless Chromium: empty service → uploaded scenario → plan → approval.

Runs the real server (uvicorn, temporary SQLite) and drives Debian's
``chromium`` through Playwright's Python package (``playwright install`` is
never needed: the system browser is used). The test writes its screenshots
to a temporary folder; ``python -m tests.service.dashboard.refresh_screenshots``
refreshes the committed ones in ``benchmarks/results/screenshots/``. Skipped
when Chromium or Playwright is missing, except under ``CI=true`` where that
is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.service.dashboard.harness import assert_clean, connect, guarded_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "benchmarks" / "results" / "screenshots"
CHROMIUM = os.environ.get("SUPPLYOPT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Start the service on a free local port with an empty SQLite file; yield (url, admin key)."""
    with serve(tmp_path_factory.mktemp("dashboard")) as running:
        yield running


@contextmanager
def serve(tmp: Path) -> Iterator[tuple[str, str]]:
    """Run the service with an empty SQLite file in ``tmp``; yield (url, admin key)."""
    env = {**os.environ, "SUPPLYOPT_DATABASE_URL": f"sqlite:///{tmp / 'supplyopt.db'}"}
    made = subprocess.run(
        [sys.executable, "-m", "supplyopt", "keys", "create", "--role", "admin"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    key = made.stdout.strip().splitlines()[-1]
    port = _free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "supplyopt_service.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as res:
                    if res.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"service did not start: {(tmp / 'server.log').read_text()}")
        yield url, key
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_empty_service_to_approved_plan(
    playwright_api: object, server: tuple[str, str], tmp_path: Path
) -> None:
    """A person uploads the default scenario, runs a plan, sees map/table/timeline, switches language, approves."""
    walk_through(*server, shots=tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(SHOT_NAMES)


#: The screenshots the walk-through takes, committed in ``SHOTS``.
SHOT_NAMES = (
    "dashboard-result-en.png",
    "dashboard-result-zh.png",
    "dashboard-inventory-zh.png",
    "dashboard-tablet-zh.png",
)


def walk_through(url: str, key: str, *, shots: Path) -> None:
    """Upload the default scenario, plan, approve; assert each step and screenshot it into ``shots``."""
    from playwright.sync_api import expect, sync_playwright

    scenario_file = ROOT / "scenarios" / "hutubi-earthquake.yaml"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = guarded_page(browser, viewport={"width": 1366, "height": 900})
        errors = page.supplyopt_errors
        connect(page, url, key)

        # keyboard: the tab list moves with the arrow keys
        page.focus("#tab-inventory")
        page.keyboard.press("ArrowRight")
        expect(page.locator("#tab-scenario")).to_have_attribute("aria-selected", "true")
        expect(page.locator("#panel-scenario")).to_be_visible()

        page.set_input_files("#upload", str(scenario_file))
        expect(page.locator("#status")).to_contain_text("hutubi-earthquake")
        expect(page.locator("#area-table tbody tr")).to_have_count(15)
        page.click("#import-warehouses")
        expect(page.locator("#status")).to_contain_text("Imported 5 new")
        page.check("#use-inventory")
        page.fill("#time-limit", "5")
        page.click("#run-plan")

        expect(page.locator("#map-svg")).to_be_visible(timeout=90_000)
        expect(page.locator("#map-svg g.area")).to_have_count(15)
        assert page.locator("#map-svg polyline.trip").count() > 0
        expect(page.locator("#area-results tbody tr")).to_have_count(15)
        expect(page.locator("#area-results")).to_contain_text("石梯子乡")
        expect(page.locator("#timeline-svg line.deadline")).to_have_count(1)
        assert page.locator("#timeline-svg rect.loading").count() > 0
        page.screenshot(path=str(shots / "dashboard-result-en.png"), full_page=True)

        page.click("#lang-toggle")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator("#tab-result")).to_have_text("方案结果")
        expect(page.locator("#area-results thead")).to_contain_text("按时送达")
        page.click("#approve")
        page.click("#approval-confirm-ok")
        expect(page.locator("#approval")).to_contain_text("已批准")
        expect(page.locator("#status")).to_have_text("已批准：库存已预留。")
        page.screenshot(path=str(shots / "dashboard-result-zh.png"), full_page=True)

        page.click("#tab-inventory")
        expect(page.locator("#movements tbody tr").first).to_contain_text("reserve")
        page.screenshot(path=str(shots / "dashboard-inventory-zh.png"), full_page=True)

        page.set_viewport_size({"width": 820, "height": 1180})
        page.click("#tab-result")
        expect(page.locator("#map-svg")).to_be_visible()
        page.screenshot(path=str(shots / "dashboard-tablet-zh.png"), full_page=True)
        assert_clean(page)
        browser.close()
    assert errors == []
