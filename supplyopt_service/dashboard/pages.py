"""Serve the dashboard page at ``/`` and its static assets (no key needed: no data in them)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from supplyopt.report.dispatch_sheet import sheet_style_source

from ..core.errors import NotFoundError

STATIC_DIR = Path(__file__).with_name("static")
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
}
#: The dispatch sheets' own style sheet, allowed by its hash and nothing else inline.
SHEET_STYLE = (
    "'sha256-"
    + base64.b64encode(hashlib.sha256(sheet_style_source().encode("utf-8")).digest()).decode()
    + "'"
)
#: A strict policy: everything the page uses comes from this server. The dispatch
#: sheets the page opens (a blob: document, which inherits this policy) may apply
#: their own inline style sheet, by its hash.
_CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {SHEET_STYLE}; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
#: The policy of the dispatch sheets themselves (no scripts, only their style sheet).
SHEET_CSP = (
    f"default-src 'none'; style-src {SHEET_STYLE}; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

router = APIRouter(tags=["dashboard"])


@router.get("/", response_class=HTMLResponse, summary="The dashboard (HTML page)")
def index() -> HTMLResponse:
    """The single-page dashboard; it asks for an API key and then calls this API."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(
        html, headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-cache"}
    )


@router.get(
    "/dashboard/{asset}",
    summary="A dashboard asset (script, style sheet, icon)",
    responses={404: {"description": "No such asset."}},
)
def asset(asset: str) -> FileResponse:
    """One file of ``supplyopt_service/dashboard/static`` (scripts, style sheets and icons only)."""
    path = STATIC_DIR / asset
    media_type = _TYPES.get(path.suffix)
    if media_type is None or "/" in asset or asset.startswith(".") or not path.is_file():
        raise NotFoundError(f"no dashboard asset {asset!r}")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})
