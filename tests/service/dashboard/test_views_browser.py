"""A dispatcher's views in headless Chromium (issue 15, "Missing for a dispatcher").

Two plans of the default scenario are made through the API (the second with a
quarter of the cotton tents, so it is short of stock); then one page load
drives: the inventory forms (a receipt whose answer is lost and which is
clicked again is booked once; a double click books once; an issue beyond the
stock is refused in words), the shortage summary, the per-area table sorted
by mouse and keyboard and filtered, the comparison of the two plans per area
with a definition beside every KPI, and item and vehicle names and the page
title in Chinese. Runs the real server and API like ``test_browser.py``.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.dashboard.harness import assert_clean, connect, guarded_page
from tests.service.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.service.dashboard.test_operation_browser import call

pytestmark = pytest.mark.browser

#: The screenshots the walk-through takes (committed by refresh_screenshots.py).
VIEWS_SHOT_NAMES = (
    "dashboard-views-inventory-en.png",
    "dashboard-views-result-en.png",
    "dashboard-views-compare-en.png",
    "dashboard-views-result-zh.png",
    "dashboard-views-compare-zh.png",
    "dashboard-views-inventory-zh.png",
)
#: Failed requests the walk-through provokes on purpose (Chromium logs each as an error).
EXPECTED_FAILURES = ("status of 409", "net::ERR_FAILED")
SHORT_ITEM = "cotton-tent"
WAREHOUSE = "hutubi-county-reserve"


def finished(url: str, key: str, plan_id: str) -> dict[str, Any]:
    """Wait for a plan job to finish; its job view."""
    for _ in range(600):
        job: dict[str, Any] = call(url, key, "GET", f"/plans/{plan_id}")
        if job["status"] not in ("queued", "running"):
            assert job["status"] == "done", job
            return job
        time.sleep(0.2)
    raise AssertionError(f"plan {plan_id} did not finish")


def geojson(url: str, key: str, plan_id: str) -> dict[str, Any]:
    """The plan's GeoJSON export."""
    req = urllib.request.Request(
        f"{url}/plans/{plan_id}/export/plan.geojson", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        doc: dict[str, Any] = json.load(res)
        return doc


def make_plans(url: str, key: str) -> tuple[str, str]:
    """Import the default scenario's warehouses; plan it as is (A) and with 1/4 of the tents (B)."""
    scenario = call(url, key, "GET", "/scenarios/bundled/hutubi-earthquake")
    call(url, key, "POST", "/warehouses/import", {"scenario": scenario})
    short = json.loads(json.dumps(scenario))
    for w in short["warehouses"]:
        if SHORT_ITEM in w["stock"]:
            w["stock"][SHORT_ITEM] //= 4
    ids = []
    for sc in (scenario, short):
        body = {"scenario": sc, "use_inventory": False, "time_limit_s": 2}
        ids.append(call(url, key, "POST", "/plans", body)["id"])
    for plan_id in ids:
        finished(url, key, plan_id)
    return ids[0], ids[1]


@pytest.fixture(scope="module")
def views_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One server for the module: empty SQLite file; yields (url, admin key)."""
    with serve(tmp_path_factory.mktemp("views")) as running:
        yield running


def test_dispatcher_views(
    playwright_api: object, views_server: tuple[str, str], tmp_path: Path
) -> None:
    """Inventory forms book once, shortage summary, sortable/filterable areas, compare, names in zh."""
    views_walk_through(*views_server, shots=tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(VIEWS_SHOT_NAMES)


def views_walk_through(url: str, key: str, *, shots: Path) -> None:
    """Drive every view of this module, asserting each step; screenshots into ``shots``."""
    from playwright.sync_api import expect, sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    plan_a, plan_b = make_plans(url, key)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = guarded_page(browser, viewport={"width": 1366, "height": 900})
        connect(page, url, key)
        expect(page).to_have_title("supplyopt — relief planning")

        _inventory_forms(page, expect, url, key)
        page.screenshot(path=str(shots / "dashboard-views-inventory-en.png"), full_page=True)

        page.click("#tab-result")
        page.select_option("#plan-pick", plan_b)
        page.click("#plan-show")
        expect(page.locator("#area-results tbody tr")).to_have_count(15)
        _shortage_summary(page, expect, geojson(url, key, plan_b))
        _area_table(page, expect, geojson(url, key, plan_b))
        _vehicle_names(page, expect, "10 t box truck")
        _kpi_definitions(page, expect)
        page.screenshot(path=str(shots / "dashboard-views-result-en.png"), full_page=True)

        page.click("#tab-compare")
        page.select_option("#cmp-a", plan_a)
        page.select_option("#cmp-b", plan_b)
        page.click("#compare")
        _compare(page, expect, geojson(url, key, plan_a), geojson(url, key, plan_b))
        page.screenshot(path=str(shots / "dashboard-views-compare-en.png"), full_page=True)

        _chinese(page, expect, shots)
        assert_clean(page, allowed_errors=EXPECTED_FAILURES)
        browser.close()


def _areas(geo: dict[str, Any]) -> list[dict[str, Any]]:
    return [f["properties"] for f in geo["features"] if f["properties"]["kind"] == "area"]


def _ledger(url: str, key: str, note: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = call(url, key, "GET", f"/warehouses/{WAREHOUSE}/movements")
    return [e for e in entries if e["note"] == note]


def _fill_movement(page: Any, kind: str, quantity: str, note: str) -> None:
    page.select_option("#mv-warehouse", WAREHOUSE)
    page.select_option("#mv-item", "quilt")
    page.select_option("#mv-kind", kind)
    page.fill("#mv-quantity", quantity)
    page.fill("#mv-note", note)


def _inventory_forms(page: Any, expect: Any, url: str, key: str) -> None:
    """Refusals in words; a retried receipt (first answer lost) and a double click each book once."""
    expect(page.locator("#mv-box")).to_be_visible()
    expect(page.locator("#mv-item option[value=quilt]")).to_have_text("Quilt (quilt)")
    _fill_movement(page, "issue", "1000000", "views: too many")
    page.click("#mv-submit")
    expect(page.locator("#mv-errors")).to_contain_text("short; nothing was booked")
    assert _ledger(url, key, "views: too many") == []
    page.fill("#mv-quantity", "0")
    page.click("#mv-submit")
    expect(page.locator("#mv-quantity")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#mv-errors")).to_contain_text("Quantity: must be a positive whole number")
    lost: list[str] = []

    def lose_first_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            lost.append(route.request.headers["idempotency-key"])
            route.fetch()  # the server books it; the page never hears back
            route.abort()
        else:
            route.continue_()

    page.route("**/movements", lose_first_answer)
    _fill_movement(page, "receipt", "7", "views: retried")
    page.click("#mv-submit")
    expect(page.locator("#status")).to_contain_text("No answer from the server")
    assert len(_ledger(url, key, "views: retried")) == 1  # booked although unanswered
    with page.expect_request("**/movements") as retry:
        page.click("#mv-submit")
    assert retry.value.headers["idempotency-key"] == lost[0]
    expect(page.locator("#status")).to_contain_text("Booked as entry")
    expect(page.locator("#mv-quantity")).to_have_value("")
    assert [e["quantity"] for e in _ledger(url, key, "views: retried")] == [7]
    page.unroute("**/movements")

    _fill_movement(page, "issue", "3", "views: double click")
    page.dblclick("#mv-submit")
    expect(page.locator("#status")).to_contain_text("Booked as entry")
    expect(page.locator("#movements")).to_contain_text("views: double click")
    assert [e["quantity"] for e in _ledger(url, key, "views: double click")] == [-3]
    # the cards and the recent movements name items in the page's language, the id kept beside
    card = page.locator("#inventory .card", has_text=WAREHOUSE)
    expect(card.locator("td[data-item=quilt]")).to_have_text("Quilt")
    expect(card.locator("td[data-item=quilt]")).to_have_attribute("title", "quilt")
    moved = page.locator("#movements tr", has_text="views: double click")
    expect(moved.locator("td[data-item=quilt]")).to_have_text("Quilt")


def _shortage_summary(page: Any, expect: Any, geo: dict[str, Any]) -> None:
    """The short item, each reason of its unmet entries, its warehouses and vehicles, in words."""
    unmet = [u for p in _areas(geo) for u in p["unmet"] if u["item"] == SHORT_ITEM]
    assert unmet, "plan B should leave cotton tents short"
    block = page.locator(f"#shortage-body article[data-item={SHORT_ITEM}]")
    expect(block.locator("h4")).to_contain_text("Cotton tent (12 m²)")
    short = sum(u["quantity"] for u in unmet)
    expect(block.locator("h4 .tag")).to_contain_text(f"{short:,} of ")
    reasons = sorted({u["reason"] for u in unmet})
    assert (
        sorted(block.locator("ul.reasons li").evaluate_all("els => els.map(e => e.dataset.reason)"))
        == reasons
    )
    if "stock" in reasons:
        expect(block.locator("li[data-reason=stock]")).to_contain_text("for lack of stock")
    expect(block.locator("table.shortage-wh")).to_contain_text("10 t box truck")
    areas = block.locator("details tbody tr")
    expect(areas).to_have_count(len(unmet))


def _rows(page: Any) -> list[str]:
    ids: list[str] = page.locator("#area-results tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.area)"
    )
    return ids


def _area_table(page: Any, expect: Any, geo: dict[str, Any]) -> None:
    """Sorting by mouse and keyboard with aria-sort; text, "only short" and item filters."""
    areas = _areas(geo)
    by_id = {p["id"]: p for p in areas}
    header = page.locator("#area-results th:has(button[data-col=coverage])")
    page.click("#area-results button[data-col=coverage]")
    expect(header).to_have_attribute("aria-sort", "ascending")
    up = sorted(areas, key=lambda p: (p["coverage"], p["id"]))
    assert _rows(page) == [p["id"] for p in up]
    page.keyboard.press("Enter")  # the sort button keeps the focus
    expect(header).to_have_attribute("aria-sort", "descending")
    assert _rows(page) == [p["id"] for p in sorted(areas, key=lambda p: (-p["coverage"], p["id"]))]
    page.click("#area-results button[data-col=area]")
    expect(header).to_have_attribute("aria-sort", "none")

    page.fill("#area-filter", "石梯")
    expect(page.locator("#area-results tbody tr")).to_have_count(1)
    assert by_id[_rows(page)[0]]["name"] == "石梯子乡"
    page.fill("#area-filter", "")
    page.check("#area-only-short")
    short = sorted(p["id"] for p in areas if p["unmet"])
    expect(page.locator("#area-results tbody tr")).to_have_count(len(short) or 1)
    assert sorted(_rows(page)) == short
    page.select_option("#area-item", "quilt")
    quilt_short = sorted(p["id"] for p in areas if any(u["item"] == "quilt" for u in p["unmet"]))
    if quilt_short:
        assert sorted(_rows(page)) == quilt_short
    else:
        expect(page.locator("#area-results tbody")).to_contain_text("No area matches")
    page.select_option("#area-item", SHORT_ITEM)
    tent_short = sorted(p["id"] for p in areas if any(u["item"] == SHORT_ITEM for u in p["unmet"]))
    assert sorted(_rows(page)) == tent_short
    expect(page.locator("#area-count")).to_have_text(f"{len(tent_short)} of 15 areas")
    page.uncheck("#area-only-short")
    page.select_option("#area-item", "")
    expect(page.locator("#area-results tbody tr")).to_have_count(15)


def _kpi_definitions(page: Any, expect: Any) -> None:
    """Each result KPI card but the status opens its definition (the Compare tab's) by keyboard."""
    cards = page.locator("#kpis .kpi")
    expect(cards.locator("details.kpi-def")).to_have_count(cards.count() - 1)
    card = page.locator("#kpis .kpi[data-kpi=kpiMinArea]")
    summary = card.locator("details.kpi-def > summary")
    expect(summary).to_have_attribute("aria-label", "What “Worst area” means")
    expect(card.locator("details.kpi-def > p")).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(card.locator("details.kpi-def > p")).to_be_visible()
    expect(card.locator("details.kpi-def > p")).to_contain_text("then the worst area")


def _vehicle_names(page: Any, expect: Any, truck: str) -> None:
    """The map legend, the trip tooltips and the timeline name vehicles by their type's name."""
    legend = page.locator("#map-legend .veh").first
    expect(legend).to_contain_text(truck)
    vehicle = legend.get_attribute("data-vehicle")
    assert vehicle
    assert vehicle.count("/") == 2
    expect(legend).to_have_attribute("title", vehicle)  # the id stays in the title
    expect(
        page.locator(f"#map-svg g.trip-g[data-vehicle='{vehicle}'] > title").first
    ).to_contain_text(truck)
    row = page.locator(f"#timeline text.vehicle[data-vehicle='{vehicle}']")
    expect(row).to_contain_text(truck.split(" ")[0])
    expect(
        page.locator(f"#timeline g.tl-trip[data-vehicle='{vehicle}'] > title").first
    ).to_contain_text(truck)


def _compare(page: Any, expect: Any, geo_a: dict[str, Any], geo_b: dict[str, Any]) -> None:
    """A definition beside every KPI; one row per area that changes, with its coverage change."""
    expect(page.locator("#compare-table tbody tr")).to_have_count(8)
    expect(
        page.locator("#compare-table tr[data-kpi=min_area_coverage] td.definition")
    ).to_contain_text("then the worst area")
    cov_a = {p["id"]: p for p in _areas(geo_a)}
    cov_b = {p["id"]: p for p in _areas(geo_b)}
    moved = [i for i in cov_a if abs(cov_b[i]["coverage"] - cov_a[i]["coverage"]) > 1e-9]
    assert moved, "a quarter of the tents should change some area's coverage"
    rows = page.locator("#compare-areas tbody tr")
    listed = rows.evaluate_all("rows => rows.map(r => r.dataset.area)")
    assert set(moved) <= set(listed)
    worst = min(moved, key=lambda i: cov_b[i]["coverage"] - cov_a[i]["coverage"])
    row = page.locator(f"#compare-areas tr[data-area='{worst}']")
    delta = (cov_b[worst]["coverage"] - cov_a[worst]["coverage"]) * 100
    expect(row.locator("td").nth(2)).to_have_text(f"−{abs(delta):.1f} pt".replace(".0 pt", " pt"))
    expect(row.locator("td").nth(2)).to_have_class("num worse")
    tent_a = next(r for r in cov_a[worst]["items"] if r["item"] == SHORT_ITEM)
    tent_b = next(r for r in cov_b[worst]["items"] if r["item"] == SHORT_ITEM)
    expect(row.locator(f"span[data-item={SHORT_ITEM}]")).to_contain_text(
        f"{tent_a['on_time']}/{tent_a['demand']} → {tent_b['on_time']}/{tent_b['demand']}"
    )
    page.uncheck("#cmp-only-changed")
    expect(rows).to_have_count(15)


def _chinese(page: Any, expect: Any, shots: Path) -> None:
    """In 中文: the page title, item and vehicle names, the views' own texts."""
    page.click("#lang-toggle")
    expect(page).to_have_title("supplyopt — 救灾物资调度")
    # the status line still tells of the last booking, now in Chinese
    expect(page.locator("#status")).to_contain_text("出库 救灾棉被 3 件")
    expect(page.locator("#compare-table thead")).to_contain_text("含义")
    expect(page.locator("#compare-areas")).to_contain_text("12平方米救灾棉帐篷")
    page.screenshot(path=str(shots / "dashboard-views-compare-zh.png"), full_page=True)
    page.click("#tab-result")
    block = page.locator(f"#shortage-body article[data-item={SHORT_ITEM}]")
    expect(block.locator("h4")).to_contain_text("12平方米救灾棉帐篷")
    expect(block.locator("table.shortage-wh")).to_contain_text("10吨厢式货车")
    expect(page.locator("#shortage-title")).to_have_text("缺什么，为什么")
    expect(page.locator("#area-results")).to_contain_text("救灾棉被")
    expect(page.locator("#area-results thead")).to_contain_text("按时送达")
    _vehicle_names(page, expect, "10吨厢式货车")
    expect(page.locator("#kpis .kpi[data-kpi=kpiMinArea] details.kpi-def > p")).to_contain_text(
        "最差的受灾点"
    )
    page.screenshot(path=str(shots / "dashboard-views-result-zh.png"), full_page=True)
    page.click("#tab-inventory")
    expect(page.locator("#mv-item option[value=quilt]")).to_have_text("救灾棉被 (quilt)")
    expect(page.locator("#inventory td[data-item=quilt]").first).to_have_text("救灾棉被")
    # vehicle types have no catalogue: named once a plan or scenario has told the page their names
    expect(page.locator("#inventory")).to_contain_text("吨厢式货车 ×")
    expect(page.locator("#mv-kind option[value=receipt]")).to_have_text("入库")
    page.screenshot(path=str(shots / "dashboard-views-inventory-zh.png"), full_page=True)
