"""Refresh the committed dashboard screenshots in ``benchmarks/results/screenshots/``.

    python -m tests.service.dashboard.refresh_screenshots

Runs the browser tests' walk-throughs (each on a real server with an empty
temporary SQLite file, Debian's Chromium through Playwright) and writes their
screenshots over the committed ones. The tests themselves never touch them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.service.dashboard.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOT_NAMES,
    SHOTS,
    serve,
    walk_through,
)
from tests.service.dashboard.test_defects_browser import DEFECTS_SHOT_NAMES, defects_walk_through
from tests.service.dashboard.test_operation_browser import (
    OPERATION_SHOT_NAMES,
    operation_walk_through,
)


def main() -> int:
    """Take the screenshots into ``SHOTS``; print where they went."""
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        walk_through(url, key, shots=SHOTS)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        operation_walk_through(url, key, shots=SHOTS)
    defects_screenshots()
    for name in SHOT_NAMES + OPERATION_SHOT_NAMES + DEFECTS_SHOT_NAMES:
        print(SHOTS / name)
    return 0


def defects_screenshots() -> None:
    """The screenshots of issue 15's fixes (stock warning, approval confirmation, phone)."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        serve(Path(tmp)) as (url, key),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        defects_walk_through(browser, url, key, shots=SHOTS)
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
