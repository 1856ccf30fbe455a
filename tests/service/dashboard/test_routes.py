"""The dashboard's routes: page and assets, scenario files, plan exports."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from tests.service.conftest import KeyMaker, plan_taking

STATIC = Path(__file__).resolve().parents[3] / "supplyopt_service" / "dashboard" / "static"


def test_page_is_self_contained(client: TestClient) -> None:
    """``/`` serves the page without a key; it loads nothing from outside this server."""
    res = client.get("/")
    assert res.status_code == 200
    assert "default-src 'self'" in res.headers["content-security-policy"]
    assert not re.search(r"(src|href)=\"(https?:)?//", res.text)
    assets = ("app.js", "revision.js", "operation.js", "scenario.js", "stock.js", "approval.js")
    for asset in (*assets, "app.css", "i18n.js", "icon.svg"):
        got = client.get(f"/dashboard/{asset}")
        assert got.status_code == 200, asset
        assert "http://" not in got.text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in got.text


def test_page_loads_every_script_it_has(client: TestClient) -> None:
    """The page loads each script of the static folder, the Operation view's after app.js."""
    html = client.get("/").text
    scripts = re.findall(r'<script src="/dashboard/([\w.]+)"></script>', html)
    static = sorted(p.name for p in STATIC.glob("*.js"))
    assert sorted(scripts) == static
    assert scripts[:2] == ["i18n.js", "app.js"]  # every other script uses window.Supplyopt
    assert scripts.index("revision.js") < scripts.index("operation.js")
    assert scripts.index("names.js") < min(
        scripts.index(s) for s in ("areas.js", "shortage.js", "compare.js", "inventory.js")
    )
    assert scripts.index("labels.js") < scripts.index("map.js") < scripts.index("timeline.js")
    assert 'id="tab-operation"' in html
    assert 'id="panel-operation"' in html


def test_unknown_asset_is_404(client: TestClient) -> None:
    """Only the dashboard's own script, style and icon files are served."""
    assert client.get("/dashboard/index.html").status_code == 404
    assert client.get("/dashboard/nope.js").status_code == 404
    assert client.get("/dashboard/..%2Frouter.py").status_code == 404


def test_bundled_scenarios(client: TestClient, auth: KeyMaker) -> None:
    """The bundled scenarios are listed and served as JSON with Chinese names intact."""
    key = auth("viewer")
    assert client.get("/scenarios/bundled").status_code == 401
    listing = client.get("/scenarios/bundled", headers=key).json()["scenarios"]
    default = next(s["name"] for s in listing if s["default"])
    assert default == "hutubi-earthquake"
    data = client.get(f"/scenarios/bundled/{default}", headers=key).json()
    assert data["name"] == "hutubi-earthquake"
    assert any("呼图壁" in (w.get("name") or "") for w in data["warehouses"])
    assert client.get("/scenarios/bundled/nope", headers=key).status_code == 404


def test_parse_yaml_upload(client: TestClient, auth: KeyMaker, scenario: dict[str, Any]) -> None:
    """An uploaded JSON or YAML file comes back as a scenario; problems come back located."""
    key = auth("viewer")
    ok = client.post(
        "/scenarios/parse?format=json",
        headers=key,
        content=json.dumps(scenario, ensure_ascii=False).encode("utf-8"),
    )
    assert ok.status_code == 200
    assert ok.json()["scenario"]["areas"][0]["name"] == "呼图壁"
    bad_yaml = "name: x\ndeadline_hours: [\n"
    res = client.post("/scenarios/parse?format=yaml", headers=key, content=bad_yaml.encode())
    assert res.status_code == 422
    assert "malformed YAML" in res.json()["detail"]
    scenario["areas"][1]["demand"] = {"tnt": 3}
    res = client.post(
        "/scenarios/parse?format=json", headers=key, content=json.dumps(scenario).encode()
    )
    assert res.status_code == 422
    assert [e["path"] for e in res.json()["errors"]] == ["body.areas[1].demand.tnt"]


def _finished_plan(client: TestClient, key: dict[str, str], scenario: dict[str, Any]) -> str:
    job = client.post("/plans", headers=key, json={"scenario": scenario, "time_limit_s": 2})
    assert job.status_code == 202
    plan_id: str = job.json()["id"]
    for _ in range(300):
        status = client.get(f"/plans/{plan_id}", headers=key).json()["status"]
        if status not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert status == "done"
    return plan_id


def test_exports_of_a_finished_plan(
    client: TestClient, auth: KeyMaker, scenario: dict[str, Any]
) -> None:
    """A done plan exports GeoJSON, CSV, HTML and SVG; unknown names and vehicles are 404."""
    key = auth("planner")
    plan_id = _finished_plan(client, key, scenario)
    geo = client.get(f"/plans/{plan_id}/export/plan.geojson", headers=key)
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    kinds = {f["properties"]["kind"] for f in geo.json()["features"]}
    assert {"warehouse", "area", "trip"} <= kinds
    manifest = client.get(f"/plans/{plan_id}/export/manifest.csv", headers=key)
    rows = list(csv.DictReader(io.StringIO(manifest.text)))
    assert rows
    assert sum(int(r["quantity"]) for r in rows) > 0
    vehicle = rows[0]["vehicle"]
    sheet = client.get(
        f"/plans/{plan_id}/export/sheets.html", headers=key, params={"vehicle": vehicle}
    )
    assert sheet.text.count('<section class="sheet"') == 1
    _assert_sheet_style_allowed(client, sheet.headers["content-security-policy"], sheet.text)
    svg = client.get(f"/plans/{plan_id}/export/map.svg", headers=key)
    assert svg.text.lstrip().startswith("<?xml")
    assert "呼图壁" in svg.text
    assert client.get(f"/plans/{plan_id}/export/nope.txt", headers=key).status_code == 404
    assert (
        client.get(
            f"/plans/{plan_id}/export/sheets.html", headers=key, params={"vehicle": "ghost"}
        ).status_code
        == 404
    )
    assert client.get("/plans/0000/export/map.svg", headers=key).status_code == 404
    assert client.get(f"/plans/{plan_id}/export/map.svg").status_code == 401


def _assert_sheet_style_allowed(client: TestClient, sheet_csp: str, html: str) -> None:
    """The sheets' one style sheet is allowed by hash: by their own policy and the page's.

    The page opens the sheets as a blob: document, which inherits the page's
    policy; ``style-src 'self'`` alone blocked their style (issue 15).
    """
    import base64
    import hashlib

    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    page_csp = client.get("/").headers["content-security-policy"]
    for policy in (sheet_csp, page_csp):
        style_src = re.search(r"style-src ([^;]*)", policy)
        assert style_src is not None
        assert f"'sha256-{digest}'" in style_src.group(1).split()
        assert "'unsafe-inline'" not in policy
    assert "script-src" not in sheet_csp  # default-src 'none': no scripts at all
    assert "default-src 'none'" in sheet_csp


def test_export_file_name_keeps_chinese_scenario_names(
    client: TestClient, auth: KeyMaker, store_done_plan: Callable[[dict[str, Any]], str]
) -> None:
    """An export's file name keeps a Chinese scenario name (RFC 5987), an ASCII one stays plain."""
    key = auth("viewer")
    plan = plan_taking({"north": {"tent": 10}})
    plan_id = store_done_plan(plan)
    ascii_name = client.get(f"/plans/{plan_id}/export/map.svg", headers=key)
    assert ascii_name.headers["content-disposition"] == (
        f'inline; filename="tiny-{plan_id}-map.svg"'
    )
    plan_id = store_done_plan({**plan, "scenario": "昌吉州 演练"})
    chinese = client.get(f"/plans/{plan_id}/export/map.svg", headers=key)
    assert chinese.status_code == 200
    expected = quote(f"昌吉州_演练-{plan_id}-map.svg")
    assert chinese.headers["content-disposition"] == f"inline; filename*=utf-8''{expected}"
