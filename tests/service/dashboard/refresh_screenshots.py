"""Refresh the committed dashboard screenshots in ``benchmarks/results/screenshots/``.

    python -m tests.service.dashboard.refresh_screenshots

Runs the browser tests' walk-throughs (each on a real server with an empty
temporary SQLite file, Debian's Chromium through Playwright) and writes their
screenshots over the committed ones. The tests themselves never touch them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.service.dashboard.test_browser import SHOT_NAMES, SHOTS, serve, walk_through
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


def main() -> int:
    """Take the screenshots into ``SHOTS``; print where they went."""
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        walk_through(url, key, shots=SHOTS)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        operation_walk_through(url, key, shots=SHOTS)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        readiness_walk_through(url, key, shots=SHOTS)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        views_walk_through(url, key, shots=SHOTS)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        editor_screenshots(url, key, shots=SHOTS)
    for name in (
        SHOT_NAMES + OPERATION_SHOT_NAMES + READINESS_SHOT_NAMES + VIEWS_SHOT_NAMES + EDITOR_SHOT_NAMES
    ):
        print(SHOTS / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
