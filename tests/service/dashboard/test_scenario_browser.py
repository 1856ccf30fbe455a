"""The Scenario tab in headless Chromium: located checks, a failed upload, the editor's round trip.

Issue 15: the form changed values without a word (deadline 0 ran with 12,
demand -50 became 0, time limit 0 ran 10 s); after a bad upload the old
scenario stayed visible and runnable under the error. And the editor: add an
area, draw closed zones, remove a warehouse, download the YAML the library
writes, read it back with the library. One server and one page for the
module; every request must stay on 127.0.0.1 (``harness.py``).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supplyopt.io import read_scenario, scenario_to_data
from supplyopt.model import parse_scenario
from tests.service.dashboard.harness import assert_clean, connect, guarded_page
from tests.service.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, ROOT
from tests.service.dashboard.test_browser import server as server  # the module's one server

pytestmark = pytest.mark.browser

HUTUBI = ROOT / "scenarios" / "hutubi-earthquake.yaml"
#: The screenshots the editor walk-through takes, committed with the others.
EDITOR_SHOT_NAMES = ("dashboard-editor-en.png", "dashboard-editor-zh.png")
#: Chromium logs each refused request (the located 422s the page asks for) as a console error.
EXPECTED_FAILURES = ("status of 422",)
#: The area the round trip adds, its name in Chinese.
NEW_AREA: dict[str, Any] = {
    "id": "xincun",
    "name": "新村",
    "demand": {"cotton-tent": 120, "quilt": 300},
}
#: The vehicle type the round trip adds (two of them at the first warehouse).
NEW_TYPE: dict[str, Any] = {
    "id": "pickup-1t",
    "name": "皮卡",
    "capacity_kg": 1000,
    "capacity_m3": 5,
}
#: The warehouse the round trip removes.
REMOVED = "shihezi-reserve"


def call(url: str, key: str, path: str) -> Any:
    """GET one service path; the JSON answer."""
    req = urllib.request.Request(url + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.load(res)


def open_dashboard(browser: Any, url: str, key: str) -> Any:
    """A guarded page, connected with ``key``, on the Scenario tab, in English."""
    page = guarded_page(browser, viewport={"width": 1366, "height": 900}, accept_downloads=True)
    connect(page, url, key)
    page.click("#tab-scenario")
    return page


@pytest.fixture(scope="module")
def page(playwright_api: Any, server: tuple[str, str]) -> Iterator[Any]:
    """The module's one page (Chromium), connected as an admin."""
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = open_dashboard(browser, *server)
        yield page
        assert_clean(page, allowed_errors=EXPECTED_FAILURES)
        browser.close()


def load_bundled(page: Any) -> None:
    """Load the default bundled scenario (hutubi-earthquake) into the form."""
    from playwright.sync_api import expect

    page.click("#tab-scenario")
    page.click("#load-bundled")
    expect(page.locator("#status")).to_have_text("Scenario “hutubi-earthquake” loaded.")
    expect(page.locator("#area-table tbody tr")).to_have_count(15)


def error_of(page: Any, path: str) -> Any:
    """The message shown next to the field at ``path`` (the field's aria-describedby)."""
    return page.locator(f'[data-path="{path}"] + .field-error')


def test_invalid_values_are_shown_next_to_their_fields_and_refuse_the_run(
    page: Any, server: tuple[str, str]
) -> None:
    """Deadline 0, demand -50, time limit 0: kept as typed, located messages, no plan; fixed, it runs."""
    from playwright.sync_api import expect

    url, key = server
    load_bundled(page)
    page.fill("#sc-deadline", "0")
    page.keyboard.press("Tab")
    expect(error_of(page, "deadline_hours")).to_have_text("must be > 0 (got 0)")
    expect(page.locator("#sc-deadline")).to_have_attribute("aria-invalid", "true")
    demand = page.locator('[data-path="areas[0].demand.cotton-tent"]')
    demand.fill("-50")
    demand.press("Tab")
    expect(error_of(page, "areas[0].demand.cotton-tent")).to_have_text("must be >= 0 (got -50)")
    expect(demand).to_have_value("-50")
    page.fill("#time-limit", "0")
    page.click("#run-plan")
    expect(page.locator("#status")).to_have_text(
        "Not run: 3 problem(s), shown next to the fields. Nothing was changed or replaced."
    )
    expect(error_of(page, "time_limit_s")).to_have_text("must be > 0 (got 0)")
    expect(page.locator("#scenario-errors")).to_contain_text(
        "areas[0].demand.cotton-tent: must be >= 0 (got -50)"
    )
    assert call(url, key, "/plans")["plans"] == []

    page.fill("#sc-deadline", "10")
    demand.fill("50")
    page.fill("#time-limit", "2")
    page.click("#run-plan")
    expect(page.locator("#status")).to_contain_text("submitted")
    expect(page.locator("#scenario-errors")).to_be_hidden()
    [job] = call(url, key, "/plans")["plans"]
    expect(page.locator("#tab-result")).to_have_attribute("aria-selected", "true", timeout=60_000)
    plan = call(url, key, f"/plans/{job['id']}")["plan"]
    assert plan["deadline_hours"] == 10


def test_a_failed_upload_leaves_nothing_runnable(page: Any, tmp_path: Path) -> None:
    """After a bad file the old scenario is gone from view (nothing to run by mistake), one click back."""
    from playwright.sync_api import expect

    load_bundled(page)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: 坏文件\ndeadline_hours: [12\n", encoding="utf-8")
    page.set_input_files("#upload", str(bad))
    expect(page.locator("#status")).to_have_text("Upload failed: bad.yaml was not loaded.")
    errors = page.locator("#scenario-errors")
    expect(errors).to_contain_text("The file bad.yaml was not loaded:")
    expect(errors).to_contain_text("malformed YAML")
    expect(page.locator("#scenario-form")).to_be_hidden()
    expect(page.locator("#run-plan")).to_be_hidden()
    page.click("#keep-previous")
    expect(page.locator("#status")).to_contain_text("Back to hutubi-earthquake")
    expect(page.locator("#scenario-form")).to_be_visible()
    expect(page.locator("#run-plan")).to_be_visible()
    expect(errors).to_be_hidden()


def test_editor_round_trip(page: Any, tmp_path: Path) -> None:
    """Upload (中文 names) → add an area and a vehicle type, draw zones, remove a warehouse → download → read."""
    saved = editor_walk_through(page, shots=tmp_path / "shots", downloads=tmp_path)
    assert sorted(p.name for p in (tmp_path / "shots").glob("*.png")) == sorted(EDITOR_SHOT_NAMES)
    text = saved.read_text(encoding="utf-8")
    assert "新村" in text
    assert "皮卡" in text
    assert "石梯子乡" in text
    got = scenario_to_data(read_scenario(saved))
    expected = scenario_to_data(read_scenario(HUTUBI))
    expected["warehouses"] = [w for w in expected["warehouses"] if w["id"] != REMOVED]
    expected["vehicle_types"].append(NEW_TYPE)
    expected["warehouses"][0]["fleet"][NEW_TYPE["id"]] = 2
    added = got["areas"][-1]
    lats = [a["lat"] for a in expected["areas"]]
    lons = [a["lon"] for a in expected["areas"]]
    assert min(lats) - 1 < added["lat"] < max(lats) + 1
    assert min(lons) - 1 < added["lon"] < max(lons) + 1
    expected["areas"].append({**NEW_AREA, "lat": added["lat"], "lon": added["lon"]})
    circle, polygon = got["disruptions"]
    assert circle["kind"] == "close_roads"
    assert set(circle) == {"kind", "circle"}
    assert circle["circle"]["radius_km"] > 0
    assert polygon["kind"] == "slow_roads"
    assert polygon["factor"] == 0.5
    assert len(polygon["polygon"]) == 3
    expected["disruptions"] = got["disruptions"]
    assert got == scenario_to_data(parse_scenario(expected))


def editor_screenshots(url: str, key: str, *, shots: Path) -> None:
    """Run the editor walk-through on its own page (for ``refresh_screenshots``)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as downloads:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = open_dashboard(browser, url, key)
        editor_walk_through(page, shots=shots, downloads=Path(downloads))
        assert_clean(page, allowed_errors=EXPECTED_FAILURES)
        browser.close()


def map_centre(page: Any) -> tuple[float, float]:
    """Where on the screen the editor's map has its middle (scrolled into view first)."""
    svg = page.locator("#editor-map-svg")
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    return box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5


def editor_walk_through(page: Any, *, shots: Path, downloads: Path) -> Path:
    """Edit the uploaded Hutubi scenario on the Scenario tab; screenshots into ``shots``.

    Returns the downloaded YAML file.
    """
    from playwright.sync_api import expect

    shots.mkdir(parents=True, exist_ok=True)
    page.click("#tab-scenario")
    page.set_input_files("#upload", str(HUTUBI))
    expect(page.locator("#status")).to_have_text("Scenario “hutubi-earthquake” loaded.")
    expect(page.locator("#area-table tbody tr")).to_have_count(15)
    page.fill("#time-limit", "2")

    # an area placed on the map, named in Chinese, with its demand
    page.click("#add-area")
    expect(page.locator("#editor-hint")).to_contain_text("Click the map where area-16 is")
    centre_x, centre_y = map_centre(page)
    page.mouse.click(centre_x, centre_y)
    expect(page.locator("#status")).to_contain_text("area-16 placed at")
    row = 'data-path="areas[15]'
    page.fill(f'[{row}.id"]', NEW_AREA["id"])
    page.fill(f'[{row}.name"]', NEW_AREA["name"])
    for item, quantity in NEW_AREA["demand"].items():
        page.fill(f'[{row}.demand.{item}"]', str(quantity))
    page.keyboard.press("Tab")
    expect(page.locator("#area-table tbody tr")).to_have_count(16)

    # a vehicle type, named in Chinese, based at the first warehouse
    page.click("#add-vehicle-type")
    expect(page.locator("#vt-table tbody tr")).to_have_count(4)
    vt = 'data-path="vehicle_types[3]'
    expect(page.locator(f'[{vt}.id"]')).to_be_focused()
    page.fill(f'[{vt}.id"]', NEW_TYPE["id"])
    page.fill(f'[{vt}.name"]', NEW_TYPE["name"])
    page.fill(f'[{vt}.capacity_kg"]', str(NEW_TYPE["capacity_kg"]))
    page.fill(f'[{vt}.capacity_m3"]', str(NEW_TYPE["capacity_m3"]))
    page.fill(f'[data-path="warehouses[0].fleet.{NEW_TYPE["id"]}"]', "2")
    page.keyboard.press("Tab")

    # a closed circle dragged out with the mouse; a polygon clicked corner by corner, then slowed
    page.click("#tool-circle")
    centre_x, centre_y = map_centre(page)
    page.mouse.move(centre_x - 120, centre_y - 40)
    page.mouse.down()
    page.mouse.move(centre_x - 80, centre_y - 40, steps=5)
    page.mouse.up()
    expect(page.locator("#status")).to_have_text("Closed zone added as disruption 1.")
    page.click("#tool-polygon")
    for dx, dy in ((60, -60), (140, -50), (110, 20)):
        page.mouse.click(centre_x + dx, centre_y + dy)
        page.wait_for_timeout(350)
    page.click("#tool-finish")
    expect(page.locator("#dis-table tbody tr")).to_have_count(2)
    expect(page.locator("#editor-map-svg .zone")).to_have_count(2)
    page.select_option('[data-path="disruptions[1].kind"]', "slow_roads")
    expect(error_of(page, "disruptions[1].factor")).to_be_visible()
    page.fill('[data-path="disruptions[1].factor"]', "0.5")
    page.keyboard.press("Tab")
    expect(error_of(page, "disruptions[1].factor")).to_have_count(0)

    # a warehouse removed
    page.locator("#wh-table tbody tr").nth(4).locator("button.remove").click()
    expect(page.locator("#wh-table tbody tr")).to_have_count(4)
    expect(page.locator("#editor-map-svg .warehouse")).to_have_count(4)
    expect(page.locator("#scenario-errors")).to_be_hidden()
    page.eval_on_selector_all(
        "#panel-scenario .table-wrap", "ws => ws.forEach((w) => { w.scrollLeft = 0; })"
    )
    page.locator("#panel-scenario").screenshot(path=str(shots / "dashboard-editor-en.png"))

    page.click("#lang-toggle")
    expect(page.locator("#tab-scenario")).to_have_text("情景与求解")
    expect(page.locator("#dis-table")).to_contain_text("道路减速")
    page.locator("#panel-scenario").screenshot(path=str(shots / "dashboard-editor-zh.png"))
    with page.expect_download() as download:
        page.click("#download-yaml")
    saved = downloads / "edited.yaml"
    download.value.save_as(saved)
    expect(page.locator("#status")).to_have_text("已下载 hutubi-earthquake.yaml。")
    assert download.value.suggested_filename == "hutubi-earthquake.yaml"
    page.click("#lang-toggle")
    expect(page.locator("#tab-scenario")).to_have_text("Scenario & run")
    return saved
