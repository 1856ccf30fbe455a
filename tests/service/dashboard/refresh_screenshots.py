"""Refresh the committed dashboard screenshots in ``benchmarks/results/screenshots/``.

    python -m tests.service.dashboard.refresh_screenshots

Runs the browser tests' walk-throughs (each on a real server with an empty
temporary SQLite file, Debian's Chromium through Playwright) and writes their
screenshots over the committed ones. The tests themselves never touch them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
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
from tests.service.dashboard.test_map_browser import MAP_SHOT_NAMES, map_walk_through
from tests.service.dashboard.test_operation_browser import (
    OPERATION_SHOT_NAMES,
    operation_walk_through,
)
from tests.service.dashboard.test_readiness_browser import (
    READINESS_SHOT_NAMES,
    readiness_walk_through,
)
from tests.service.dashboard.test_scenario_browser import EDITOR_SHOT_NAMES, editor_screenshots
from tests.service.dashboard.test_views_browser import VIEWS_SHOT_NAMES, views_walk_through


def defects_screenshots(url: str, key: str, *, shots: Path) -> None:
    """The screenshots of issue 15's fixes (stock warning, approval confirmation, phone)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        defects_walk_through(browser, url, key, shots=shots)
        browser.close()


#: Each walk-through (called as ``walk(url, key, shots=...)``) and the screenshots it writes.
WALKS: tuple[tuple[Callable[..., None], tuple[str, ...]], ...] = (
    (walk_through, tuple(SHOT_NAMES)),
    (operation_walk_through, tuple(OPERATION_SHOT_NAMES)),
    (readiness_walk_through, tuple(READINESS_SHOT_NAMES)),
    (views_walk_through, tuple(VIEWS_SHOT_NAMES)),
    (editor_screenshots, tuple(EDITOR_SHOT_NAMES)),
    (map_walk_through, tuple(MAP_SHOT_NAMES)),
    (defects_screenshots, tuple(DEFECTS_SHOT_NAMES)),
)


def main() -> int:
    """Take the screenshots into ``SHOTS``, each walk-through on a fresh server; print them."""
    for walk, names in WALKS:
        with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
            walk(url, key, shots=SHOTS)
        for name in names:
            print(SHOTS / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
