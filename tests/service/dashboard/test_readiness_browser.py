"""The Readiness view end to end in headless Chromium (contract §7 on the live inventory).

The tiny region's warehouses are imported; the page uploads the region file,
runs a small readiness (4 samples and a move budget; the time limit is a
generous cap, so a loaded machine cannot change the outcome), shows the map,
the weakest settlements and a recommended transfer, drafts it in one click
and approves it — the stock moves in the ledger. Both languages. Runs
the real server and service API like ``test_browser.py``; offline (harness).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.readiness.conftest import TINY_REGION
from tests.service.dashboard.harness import assert_clean, connect, guarded_page
from tests.service.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.service.dashboard.test_operation_browser import call

pytestmark = pytest.mark.browser

#: The screenshots the walk-through takes, committed with the others.
READINESS_SHOT_NAMES = ("dashboard-readiness-en.png", "dashboard-readiness-zh.png")


def test_readiness_draft_and_approve(playwright_api: object, tmp_path: Path) -> None:
    """Upload a region, run it, draft the recommended transfer, approve it: the stock moves."""
    (tmp_path / "server").mkdir()
    with serve(tmp_path / "server") as (url, key):
        readiness_walk_through(url, key, shots=tmp_path / "shots")
    assert sorted(p.name for p in (tmp_path / "shots").glob("*.png")) == sorted(
        READINESS_SHOT_NAMES
    )


def readiness_walk_through(url: str, key: str, *, shots: Path) -> None:
    """Drive the Readiness view, asserting each step; screenshots into ``shots``."""
    from playwright.sync_api import expect, sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    region = yaml.safe_load(TINY_REGION.read_text(encoding="utf-8"))
    scenario = {k: v for k, v in region.items() if k not in ("needs_per_person", "hazards")}
    call(url, key, "POST", "/warehouses/import", {"scenario": scenario})
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = guarded_page(browser, viewport={"width": 1366, "height": 900})
        connect(page, url, key)
        page.click("#tab-readiness")
        page.set_input_files("#rd-upload", str(TINY_REGION))
        expect(page.locator("#status")).to_contain_text("Region tiny-region checked")
        expect(page.locator("#rd-region")).to_have_value("__uploaded")
        page.fill("#rd-samples", "4")
        page.fill("#rd-seed", "1")
        page.fill("#rd-time", "30")  # a cap only: the fixed work budget decides, not the clock
        page.fill("#rd-budget", "100")
        page.click("#rd-run")
        expect(page.locator("#rd-result")).to_be_visible(timeout=120_000)
        expect(page.locator("#rd-progress-text")).to_have_text("Done")
        expect(page.locator("#rd-map svg .rd-settlement")).to_have_count(5)
        expect(page.locator("#rd-map svg .rd-warehouse")).to_have_count(3)
        expect(page.locator("#rd-weak tbody tr").first).to_be_visible()
        draft = page.locator("#rd-moves button.rd-draft").first
        expect(draft).to_be_visible()
        (run,) = call(url, key, "GET", "/readiness")["runs"]
        move = call(url, key, "GET", f"/readiness/{run['id']}")["preposition"]["moves"][0]
        source, target, item, quantity = move["from"], move["to"], move["item"], move["quantity"]
        expect(page.locator("#rd-moves tbody tr").first).to_contain_text(str(quantity))
        page.screenshot(path=str(shots / "dashboard-readiness-en.png"), full_page=True)

        draft.click()
        expect(page.locator("#status")).to_contain_text("drafted")
        row = page.locator("#rd-transfers tbody tr").first
        expect(row).to_contain_text("Draft")
        before = call(url, key, "GET", f"/warehouses/{target}/stock")[item]["on_hand"]

        page.click("#lang-toggle")
        expect(page.locator("#tab-readiness")).to_have_text("备灾评估")
        expect(page.locator("#rd-progress-text")).to_have_text("已完成")
        page.screenshot(path=str(shots / "dashboard-readiness-zh.png"), full_page=True)
        row.locator("button.rd-approve").click()
        expect(page.locator("#status")).to_contain_text("已批准")
        expect(page.locator("#rd-transfers tbody tr").first).to_contain_text("已批准")
        page.click("#lang-toggle")
        assert_clean(page)
        browser.close()
    after = call(url, key, "GET", f"/warehouses/{target}/stock")[item]["on_hand"]
    assert after == before + quantity
    transfers = call(url, key, "GET", "/transfers")["transfers"]
    assert [(t["from"], t["to"], t["status"]) for t in transfers] == [(source, target, "approved")]
