"""Refresh the committed dashboard screenshots in ``benchmarks/results/screenshots/``.

    python -m tests.service.dashboard.refresh_screenshots

Runs the browser test's walk-through (a real server on an empty temporary
SQLite file, Debian's Chromium through Playwright) and writes its four
screenshots over the committed ones. The test itself never touches them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.service.dashboard.test_browser import SHOT_NAMES, SHOTS, serve, walk_through


def main() -> int:
    """Take the screenshots into ``SHOTS``; print where they went."""
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as (url, key):
        walk_through(url, key, shots=SHOTS)
    for name in SHOT_NAMES:
        print(SHOTS / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
