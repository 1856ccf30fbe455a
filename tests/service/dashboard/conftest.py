"""Fixtures of the dashboard's browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api() -> object:
    """Return ``playwright.sync_api``, or skip when it or Chromium is not installed."""
    try:
        from playwright import sync_api
    except ImportError:
        _missing("playwright is not installed: pip install playwright (uses Debian's chromium)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    return sync_api


@pytest.fixture(scope="module")
def browser(playwright_api: Any) -> Iterator[Any]:
    """Debian's Chromium, once for the module."""
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
