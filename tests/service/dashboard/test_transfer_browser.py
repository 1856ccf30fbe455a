"""A plan with a stock transfer in the dashboard: drawn as a line between warehouses, no error."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.service.dashboard.harness import assert_clean
from tests.service.dashboard.test_browser import serve
from tests.service.dashboard.test_map_browser import call, open_page
from tests.transfer_case import NEAR, transfer_data

pytestmark = pytest.mark.browser


def test_transfer_trip_is_drawn_on_the_map_and_timeline(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transfer's trip is a line on the map and a bar named after 近仓 on the timeline."""
    monkeypatch.setenv("SUPPLYOPT_PLAN_TRANSFERS", "true")  # the service's plans may transfer
    with serve(tmp_path_factory.mktemp("transfer")) as (url, key):
        body = {"scenario": transfer_data(), "time_limit_s": 20}
        plan_id = call(url, key, "POST", "/plans", body)["id"]
        for _ in range(600):
            job = call(url, key, "GET", f"/plans/{plan_id}")
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.2)
        assert job["status"] == "done", job
        trips = job["plan"]["trips"]
        assert any(t.get("transfer", {}).get("warehouse") == NEAR for t in trips)
        page = open_page(browser, url, key, plan_id, viewport={"width": 1366, "height": 900})
        page.wait_for_selector("#timeline-svg")
        assert page.locator("#map-svg polyline.trip").count() == len(trips)
        names = page.eval_on_selector_all(
            "#timeline-svg .tl-trip .dest", "ns => ns.map((n) => n.dataset.place)"
        )
        assert NEAR in names
        titles = page.eval_on_selector_all(
            "#map-svg .trip-g > title", "ns => ns.map((n) => n.textContent)"
        )
        assert any(NEAR in title for title in titles), titles
        assert not page.locator("#timeline-svg .tl-trip .late-mark").count()
        assert_clean(page)
        page.context.close()
