"""The page offers each key only what its role may do (``GET /keys/me``), in Chromium.

A viewer sees no Run, Approve, Import or stock-movement form; a planner runs but
does not approve or book stock; a manager sees all of it. Before this, every
button was shown and a planner's Approve or a viewer's Run ended in a 403.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.dashboard.harness import assert_clean, connect, guarded_page
from tests.service.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, serve
from tests.service.dashboard.test_operation_browser import call

pytestmark = pytest.mark.browser

#: Each control and the least role that may use it.
GATED = {
    "#run-plan": "planner",
    "#rd-run": "planner",
    "#approve": "manager",
    "#import-warehouses": "manager",
    "#mv-form": "manager",
}
ORDER = ("viewer", "planner", "manager")


def test_each_role_sees_only_what_it_may_do(playwright_api: object, tmp_path: Path) -> None:
    """Connect with a viewer, a planner and a manager key; the gated controls follow the role."""
    from playwright.sync_api import expect, sync_playwright

    with serve(tmp_path) as (url, admin), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for role in ORDER:
            key = call(url, admin, "POST", "/keys", {"role": role, "name": role})["key"]
            assert call(url, key, "GET", "/keys/me")["role"] == role
            page = guarded_page(browser)
            connect(page, url, key)
            expect(page.locator("body")).to_have_attribute("data-role", role)
            for selector, least in GATED.items():
                allowed = ORDER.index(role) >= ORDER.index(least)
                shown = page.locator(selector).evaluate(
                    "(e) => getComputedStyle(e).display !== 'none'"
                )
                assert shown == allowed, (role, selector)
            assert_clean(page)
            page.context.close()
        browser.close()
