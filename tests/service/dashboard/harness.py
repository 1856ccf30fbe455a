"""What every browser test of the dashboard shares: a page that must stay offline and quiet.

``guarded_page(browser)`` opens a page that records page errors, console errors
and every request that would leave 127.0.0.1 (those are aborted, never sent).
``assert_clean(page)`` fails the test on any of them. The dashboard must work
in a disaster zone without connectivity: no CDN, no tiles, no fonts from
anywhere (issue 15: "``GET /`` stays fully offline").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

#: Hosts a dashboard page may talk to.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


def guarded_page(browser: Any, **context_args: Any) -> Any:
    """A new page (own context) that aborts and records any request leaving 127.0.0.1.

    The records are on ``page.supplyopt_errors`` (page and console errors) and
    ``page.supplyopt_outside`` (the URLs of aborted requests).
    """
    context = browser.new_context(**context_args)
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []

    def route(route: Any) -> None:
        if _is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.supplyopt_errors = errors
    page.supplyopt_outside = outside
    return page


def assert_clean(page: Any, *, allowed_errors: tuple[str, ...] = ()) -> None:
    """Fail on any request that left 127.0.0.1, and on page or console errors not allowed."""
    assert page.supplyopt_outside == [], f"requests left 127.0.0.1: {page.supplyopt_outside}"
    errors = [e for e in page.supplyopt_errors if not any(a in e for a in allowed_errors)]
    assert errors == [], f"page errors: {errors}"


def connect(page: Any, url: str, key: str) -> None:
    """Open the dashboard at ``url`` and connect with ``key``: the status line says so."""
    from playwright.sync_api import expect

    page.goto(url + "/")
    page.fill("#api-key", key)
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("Connected.")
