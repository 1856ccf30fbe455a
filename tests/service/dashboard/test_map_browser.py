"""The result map and timeline in headless Chromium (issue 15): labels, roads, zoom, selection.

One server and one page for the module; the plans are made through the API
with 2 s limits (Hutubi, the Changji snowstorm and a tiny scenario on an
explicit road graph) and shown through the page's plan picker. Every check
reads what the page rendered: label boxes, transforms, classes.
"""

from __future__ import annotations

import json
import math
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import scenario_data
from tests.service.dashboard.harness import assert_clean, guarded_page
from tests.service.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, serve

pytestmark = pytest.mark.browser

#: The screenshots of the map and timeline, committed with the others.
MAP_SHOT_NAMES = (
    "dashboard-map-en.png",
    "dashboard-timeline-en.png",
    "dashboard-map-zh.png",
    "dashboard-map-roads-en.png",
    "dashboard-timeline-phone-zh.png",
)

#: Junctions of the tiny road graph, between the tiny-quake sites.
_JUNCTIONS = {"j1": (43.75, 86.72), "j2": (43.86, 86.93), "j3": (43.62, 86.62)}
_EDGES = [
    ("north", "j2"), ("j2", "a1"), ("a1", "j1"), ("j1", "a2"), ("j1", "j3"),
    ("j3", "south"), ("j3", "a3"), ("a3", "j2"),
]  # fmt: skip


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def graph_scenario() -> dict[str, Any]:
    """The tiny-quake scenario on an explicit road graph: a node at each site, three junctions."""
    data = scenario_data("tiny-quake")
    data["name"] = "tiny-quake-roads"
    where = {s["id"]: (s["lat"], s["lon"]) for s in data["warehouses"] + data["areas"]}
    where.update(_JUNCTIONS)
    data["roads"] = {
        "model": "graph",
        "speed_kmh": 50,
        "nodes": [{"id": n, "lat": lat, "lon": lon} for n, (lat, lon) in where.items()],
        "edges": [
            {"from": a, "to": b, "length_km": round(1.25 * _km(where[a], where[b]), 2)}
            for a, b in _EDGES
        ],
    }
    return data


def call(url: str, key: str, method: str, path: str, body: Any = None) -> Any:
    """One request to the service API; the JSON answer."""
    req = urllib.request.Request(
        url + path,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        data=None if body is None else json.dumps(body, ensure_ascii=False).encode(),
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.load(res)


def make_plans(url: str, key: str) -> dict[str, str]:
    """Plan Hutubi, the snowstorm and the tiny road graph (2 s each); their plan ids by name."""
    scenarios = {
        name: yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
        for name in ("hutubi-earthquake", "changji-snowstorm")
    }
    scenarios["graph"] = graph_scenario()
    ids = {
        name: call(url, key, "POST", "/plans", {"scenario": data, "time_limit_s": 2})["id"]
        for name, data in scenarios.items()
    }
    for plan_id in ids.values():
        for _ in range(600):
            status = call(url, key, "GET", f"/plans/{plan_id}")["status"]
            if status not in ("queued", "running"):
                break
            time.sleep(0.2)
        assert status == "done", (plan_id, status)
    return ids


def open_page(browser: Any, url: str, key: str, plan_id: str, **context: Any) -> Any:
    """A guarded page on the result tab of ``plan_id``, the API key already given."""
    page = guarded_page(browser, **context)
    state = {"supplyopt.key": key, "supplyopt.plan": plan_id, "supplyopt.tab": "tab-result"}
    page.add_init_script(
        "for (const [k, v] of Object.entries("
        + json.dumps(state)
        + ")) sessionStorage.setItem(k, v);"
    )
    page.goto(url + "/")
    page.wait_for_selector("#map-svg .site")
    return page


def show(page: Any, plan_id: str) -> None:
    """Show another finished plan through the page's plan picker."""
    page.wait_for_selector(f"#plan-pick option[value='{plan_id}']", state="attached")
    page.select_option("#plan-pick", plan_id)
    page.evaluate(
        "() => { document.getElementById('map').replaceChildren(); document.getElementById('timeline').replaceChildren(); }"
    )
    page.click("#plan-show")
    page.wait_for_selector("#map-svg .site")
    page.wait_for_selector("#timeline-svg")


def fetch_geo(page: Any, plan_id: str) -> dict[str, Any]:
    """The plan's GeoJSON, fetched by the page with its key."""
    geo: dict[str, Any] = page.evaluate(
        """id => fetch("/plans/" + id + "/export/plan.geojson",
          {headers: {Authorization: "Bearer " + sessionStorage.getItem("supplyopt.key")}}).then((r) => r.json())""",
        plan_id,
    )
    return geo


#: Boxes (client pixels) of the visible labels, of the markers and of the map itself.
BOXES_JS = """() => {
  const box = (n) => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const root = document.getElementById("map-svg");
  const labels = [...root.querySelectorAll(".label")].filter((n) => getComputedStyle(n).display !== "none");
  return {
    svg: box(root),
    labels: labels.map((n) => ({ id: n.dataset.id, box: box(n), text: n.textContent })),
    markers: [...root.querySelectorAll(".site .dot")].map((n) => ({ id: n.parentNode.dataset.id, box: box(n) })),
    hidden: root.querySelectorAll(".label.hidden").length,
  };
}"""


def _intersect(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_labels_clear(page: Any) -> dict[str, Any]:
    """No two visible labels intersect, none covers a marker, none leaves the map."""
    found: dict[str, Any] = page.evaluate(BOXES_JS)
    labels, markers, frame = found["labels"], found["markers"], found["svg"]
    assert labels, "no label is shown"
    for i, a in enumerate(labels):
        assert frame[0] <= a["box"][0], a
        assert a["box"][2] <= frame[2], a
        assert frame[1] <= a["box"][1], a
        assert a["box"][3] <= frame[3], a
        for b in labels[i + 1 :]:
            assert not _intersect(a["box"], b["box"]), (a, b)
        for m in markers:
            inside = frame[0] <= m["box"][0] and m["box"][2] <= frame[2]
            assert not (inside and _intersect(a["box"], m["box"])), (a, m)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, dict[str, str]]]:
    """A running service with the three plans made: (url, key, plan ids)."""
    with serve(tmp_path_factory.mktemp("map")) as (url, key):
        yield url, key, make_plans(url, key)


@pytest.fixture(scope="module")
def page(browser: Any, site: tuple[str, str, dict[str, str]]) -> Iterator[Any]:
    """One laptop-sized page for the module's tests, on the Hutubi plan."""
    url, key, ids = site
    opened = open_page(
        browser, url, key, ids["hutubi-earthquake"], viewport={"width": 1366, "height": 900}
    )
    yield opened
    assert_clean(opened)
    opened.context.close()


@pytest.mark.parametrize("scenario", ["hutubi-earthquake", "changji-snowstorm"])
def test_labels_neither_overlap_nor_leave_the_map(page: Any, site: Any, scenario: str) -> None:
    """Hutubi's Manas labels and the snowstorm's Changji cluster: every shown label is clear."""
    show(page, site[2][scenario])
    found = assert_labels_clear(page)
    ids = {label["id"] for label in found["labels"]}
    # the warehouses come first: each keeps its name on the map
    warehouses = page.eval_on_selector_all(
        "#map-svg .site.warehouse", "ns => ns.map((n) => n.dataset.id)"
    )
    assert set(warehouses) <= ids
    # a label that does not fit is shown on hover, above everything else
    hidden = page.locator("#map-svg .label.hidden")
    if hidden.count():
        area = hidden.first.get_attribute("data-id")
        page.hover(f"#map-svg .site[data-id='{area}']")
        assert page.eval_on_selector(
            f"#map-svg .label[data-id='{area}']", "n => getComputedStyle(n).display !== 'none'"
        )
        page.mouse.move(1, 1)


def test_focused_area_keeps_a_readable_label(page: Any, site: Any) -> None:
    """Focusing an area rings its marker; its label keeps dark text on a white halo."""
    show(page, site[2]["hutubi-earthquake"])
    page.focus("#map-svg .site.area[data-id='manas-town']")
    style = page.eval_on_selector(
        "#map-svg .label[data-id='manas-town'] text",
        """n => { const s = getComputedStyle(n); return [s.fill, s.stroke, s.strokeWidth,
          getComputedStyle(n.parentNode).display]; }""",
    )
    assert style == ["rgb(17, 17, 17)", "rgb(255, 255, 255)", "3px", "inline"]
    ring = page.eval_on_selector(
        "#map-svg .site[data-id='manas-town'] .ring", "n => getComputedStyle(n).stroke"
    )
    assert ring == "rgb(255, 152, 0)"


def _view(page: Any) -> dict[str, Any]:
    view: dict[str, Any] = page.evaluate(
        """() => { const root = document.getElementById("map-svg");
          const dot = root.querySelector(".site.area .dot").getBoundingClientRect();
          return { zoom: Number(root.dataset.zoom), world: root.querySelector(".world").getAttribute("transform"),
                   dot: Math.round(dot.width) }; }"""
    )
    return view


def test_zoom_and_pan(page: Any, site: Any) -> None:
    """Buttons, wheel, drag and keys zoom and pan the map; markers keep their size; reset."""
    show(page, site[2]["changji-snowstorm"])
    start = _view(page)
    assert start["zoom"] == 1
    page.click("#map .zoom-in")
    page.wait_for_function("() => document.getElementById('map-svg').dataset.zoom === '1.500'")
    # the mouse works in viewport coordinates: have the whole map on screen first (sections
    # above it make the page taller than the viewport)
    page.locator("#map-svg").evaluate("(m) => m.scrollIntoView({block: 'center'})")
    box = page.locator("#map-svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function("() => Number(document.getElementById('map-svg').dataset.zoom) > 1.6")
    zoomed = _view(page)
    assert zoomed["dot"] == start["dot"]
    assert_labels_clear(page)
    cx, cy = box["x"] + 30, box["y"] + box["height"] - 80
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy - 40, steps=5)
    page.mouse.up()
    page.wait_for_timeout(100)
    dragged = _view(page)
    assert dragged["world"] != zoomed["world"]
    assert dragged["zoom"] == zoomed["zoom"]
    page.focus("#map-svg")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(100)
    assert _view(page)["world"] != dragged["world"]
    page.keyboard.press("-")
    page.wait_for_timeout(100)
    assert _view(page)["zoom"] < zoomed["zoom"]
    page.keyboard.press("0")
    page.wait_for_function("() => document.getElementById('map-svg').dataset.zoom === '1.000'")
    assert _view(page)["world"] == start["world"]
    page.click("#map .zoom-reset")


def _selected(page: Any) -> dict[str, Any]:
    got: dict[str, Any] = page.evaluate(
        """() => ({
          rows: [...document.querySelectorAll("#area-results tr[aria-selected=true]")].map((n) => n.dataset.area),
          primary: [...document.querySelectorAll("#area-results tr.map-selected")].map((n) => n.dataset.area),
          mapTrips: [...document.querySelectorAll("#map-svg .trip-g.sel")].map((n) => n.dataset.trip).sort(),
          mapAreas: [...document.querySelectorAll("#map-svg .site.sel")].map((n) => n.dataset.id).sort(),
          tlTrips: [...document.querySelectorAll("#timeline-svg .tl-trip.sel")].map((n) => n.dataset.trip).sort(),
          tlVehicles: [...document.querySelectorAll("#timeline-svg .vehicle.sel")].map((n) => n.dataset.vehicle),
          text: document.getElementById("map-selection").textContent,
        })"""
    )
    return got


def test_selection_is_shared_by_map_table_and_timeline(page: Any, site: Any) -> None:
    """Clicking an area, a table row, a truck or a trip highlights the same thing in all three."""
    show(page, site[2]["hutubi-earthquake"])
    geo = fetch_geo(page, site[2]["hutubi-earthquake"])
    trips = [f["properties"] for f in geo["features"] if f["properties"]["kind"] == "trip"]
    # the area most trips serve (what a 2 s plan does depends on the machine's load)
    visits = Counter(s["area"] for p in trips for s in p["stops"])
    area = visits.most_common(1)[0][0]
    other = next(a for a in visits if a != area)
    serving = sorted(str(p["index"]) for p in trips if area in [s["area"] for s in p["stops"]])
    name = next(
        f["properties"]["name"] for f in geo["features"] if f["properties"].get("id") == area
    )

    page.click(f"#map-svg .site.area[data-id='{area}']")
    got = _selected(page)
    assert got["rows"] == got["primary"] == [area]
    assert got["mapTrips"] == got["tlTrips"] == serving
    assert got["mapAreas"] == [area]
    assert name in got["text"]

    row_visible = page.evaluate(
        """area => { const tr = document.querySelector(`#area-results tr[data-area='${area}']`);
          const wrap = tr.closest(".table-wrap").getBoundingClientRect(), r = tr.getBoundingClientRect();
          return r.top >= wrap.top - 1 && r.bottom <= wrap.bottom + 1; }""",
        area,
    )
    assert row_visible

    page.click(f"#area-results tbody tr[data-area='{other}'] td")
    got = _selected(page)
    assert got["primary"] == got["mapAreas"] == [other]

    vehicle = trips[0]["vehicle"]
    page.click(f"#timeline-svg .vehicle[data-vehicle='{vehicle}']")
    got = _selected(page)
    own = [p for p in trips if p["vehicle"] == vehicle]
    assert got["tlVehicles"] == [vehicle]
    assert got["mapTrips"] == got["tlTrips"] == sorted(str(p["index"]) for p in own)
    assert sorted(got["rows"]) == sorted({s["area"] for p in own for s in p["stops"]})
    assert (
        page.get_attribute(f"#map-legend .veh[data-vehicle='{vehicle}']", "aria-pressed") == "true"
    )

    trip = trips[-1]
    page.dispatch_event(f"#map-svg .trip-g[data-trip='{trip['index']}']", "click")
    got = _selected(page)
    assert got["mapTrips"] == got["tlTrips"] == [str(trip["index"])]
    assert sorted(got["rows"]) == sorted({s["area"] for s in trip["stops"]})

    # from the keyboard: the trips' bars are one tab stop, arrows move, Enter selects
    first = page.get_attribute("#timeline-svg .tl-trip[tabindex='0']", "data-trip")
    page.focus("#timeline-svg .tl-trip[tabindex='0']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    focused = page.evaluate("() => document.activeElement.dataset.trip")
    assert focused != first
    got = _selected(page)
    assert got["mapTrips"] == got["tlTrips"] == [focused]

    page.focus("#map-svg")
    page.keyboard.press("Escape")
    got = _selected(page)
    assert got["rows"] == got["mapTrips"] == got["tlTrips"] == []


def test_routes_have_one_colour_per_vehicle(page: Any, site: Any) -> None:
    """Each vehicle's trips share a colour no other vehicle has; the legend lists each vehicle."""
    show(page, site[2]["hutubi-earthquake"])
    pairs = page.eval_on_selector_all(
        "#map-svg .trip-g",
        "ns => ns.map((n) => [n.dataset.vehicle, n.querySelector('.trip').getAttribute('stroke')])",
    )
    by_vehicle: dict[str, set[str]] = {}
    for vehicle, colour in pairs:
        by_vehicle.setdefault(vehicle, set()).add(colour)
    assert all(len(c) == 1 for c in by_vehicle.values())
    assert len({next(iter(c)) for c in by_vehicle.values()}) == len(by_vehicle)
    legend = page.eval_on_selector_all("#map-legend .veh", "ns => ns.map((n) => n.dataset.vehicle)")
    assert sorted(legend) == sorted(by_vehicle)


def test_road_graph_is_drawn_under_trips(page: Any, site: Any) -> None:
    """A graph scenario: the roads are the base layer; each trip follows the geometry given."""
    show(page, site[2]["graph"])
    geo = fetch_geo(page, site[2]["graph"])
    roads = [f for f in geo["features"] if f["properties"]["kind"] == "road"]
    assert len(roads) == len(_EDGES)
    drawn = page.eval_on_selector_all(
        "#map-svg path.road",
        "ns => ns.map((n) => [Number(n.dataset.count), (n.getAttribute('d').match(/M/g) || []).length])",
    )
    assert sum(count for count, _ in drawn) == len(roads)
    assert sum(moves for _, moves in drawn) == len(roads)
    # roads are drawn before (under) the trips
    assert page.evaluate(
        "() => { const r = document.querySelector('#map-svg path.road'), t = document.querySelector('#map-svg .trip');"
        " return !!(r.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING); }"
    )
    trips = {
        str(f["properties"]["index"]): len(f["geometry"]["coordinates"])
        for f in geo["features"]
        if f["properties"]["kind"] == "trip"
    }
    assert trips
    points = dict(
        page.eval_on_selector_all(
            "#map-svg .trip-g",
            "ns => ns.map((n) => [n.dataset.trip, n.querySelector('.trip').points.numberOfItems])",
        )
    )
    assert points == trips
    assert_labels_clear(page)

    # the GeoJSON of roads followed (path_geometry "roads", closed roads): drawn as given
    drawn = page.evaluate(
        """geo => {
          geo.path_geometry = "roads";
          const road = geo.features.find((f) => f.properties.kind === "road");
          road.properties.closed = true;
          const trip = geo.features.find((f) => f.properties.kind === "trip");
          const [a, b] = trip.geometry.coordinates;
          trip.geometry.coordinates.splice(1, 0, [(a[0] + b[0]) / 2, a[1]], [(a[0] + b[0]) / 2, b[1]]);
          window.Supplyopt.drawMap(geo);
          return { closed: Number(document.querySelector("#map-svg path.road.closed").dataset.count),
                   open: Number(document.querySelector("#map-svg path.road:not(.closed)").dataset.count),
                   points: document.querySelector("#map-svg .trip-g .trip").points.numberOfItems,
                   want: trip.geometry.coordinates.length };
        }""",
        geo,
    )
    assert drawn["closed"] == 1
    assert drawn["open"] == len(roads) - 1
    assert drawn["points"] == drawn["want"]


def test_timeline_names_late_unloads_and_filter(page: Any, site: Any) -> None:
    """Bars carry their destination's name; unloading after the deadline is marked; filter by warehouse."""
    show(page, site[2]["hutubi-earthquake"])
    names = page.eval_on_selector_all("#timeline-svg .dest", "ns => ns.map((n) => n.textContent)")
    geo = fetch_geo(page, site[2]["hutubi-earthquake"])
    trips = [f["properties"] for f in geo["features"] if f["properties"]["kind"] == "trip"]
    label = {f["properties"].get("id"): f["properties"].get("name") for f in geo["features"]}
    assert {label[s["area"]] for p in trips for s in p["stops"]} & set(names)
    assert not page.locator("#timeline-svg .tl-trip .late-mark").count()
    # the planner delivers on time, so move the deadline earlier than some unloading
    late = page.evaluate(
        """async (id) => {
          const geo = await fetch('/plans/' + id + '/export/plan.geojson',
            {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('supplyopt.key')}}).then((r) => r.json());
          geo.deadline_hours = 6;
          window.Supplyopt.drawTimeline(geo);
          return geo.features.filter((f) => f.properties.kind === 'trip')
            .flatMap((f) => f.properties.segments).filter((s) => s.kind === 'unloading' && s.start_hours > 6 && s.end_hours > s.start_hours).length;
        }""",
        site[2]["hutubi-earthquake"],
    )
    assert late > 0
    assert page.locator("#timeline-svg .tl-trip .late-mark").count() == late
    assert page.locator("#timeline-svg rect.unloading.late").count() == late

    # a warehouse that loads some trips but not all of them
    warehouse = Counter(p["warehouse"] for p in trips).most_common()[-1][0]
    page.select_option("#timeline-filter", warehouse)
    shown = page.eval_on_selector_all(
        "#timeline-svg .tl-trip", "ns => ns.map((n) => n.dataset.warehouse)"
    )
    assert set(shown) == {warehouse}
    loading = [p for p in trips if p["warehouse"] == warehouse]
    assert len(shown) == len(loading)
    page.select_option("#timeline-filter", "")
    assert page.locator("#timeline-svg .tl-trip").count() > len(shown)


def test_drawn_while_hidden_fits_when_shown(page: Any, site: Any) -> None:
    """A language switch on another tab redraws a hidden map; shown again, it is drawn at its width."""
    show(page, site[2]["hutubi-earthquake"])
    page.click("#tab-inventory")
    page.click("#lang-toggle")
    page.click("#tab-result")
    page.wait_for_function(
        """() => { const box = document.getElementById("map"), svg = document.getElementById("map-svg");
          const tl = document.getElementById("timeline"), tsvg = document.getElementById("timeline-svg");
          return svg.viewBox.baseVal.width === box.clientWidth && tsvg.viewBox.baseVal.width === tl.clientWidth - 2; }"""
    )
    assert page.get_attribute("#map .zoom-in", "aria-label") == "放大"
    assert_labels_clear(page)
    page.click("#lang-toggle")


def test_phone_width(browser: Any, site: Any) -> None:
    """At 390 px the map fits, labels stay clear, and the timeline scrolls in its own box at real size."""
    url, key, ids = site
    phone = open_page(
        browser,
        url,
        key,
        ids["changji-snowstorm"],
        viewport={"width": 390, "height": 844},
        has_touch=True,
    )
    try:
        assert_labels_clear(phone)
        sizes = phone.evaluate(
            """() => { const map = document.getElementById("map-svg").getBoundingClientRect();
              const scroll = document.querySelector("#timeline .tl-scroll");
              const text = document.querySelector("#timeline-svg .vehicle").getBoundingClientRect();
              const fig = document.getElementById("timeline").getBoundingClientRect();
              return { map: map.right, fig: fig.right, client: scroll.clientWidth, scroll: scroll.scrollWidth, textH: text.height }; }"""
        )
        assert sizes["map"] <= 390, sizes
        assert sizes["fig"] <= 390, sizes
        assert sizes["scroll"] > sizes["client"], sizes
        assert sizes["textH"] >= 10, sizes
        wide = phone.evaluate(
            """() => [...document.querySelectorAll("figure:has(#map) *, figure:has(#timeline) *")]
              .filter((n) => !n.closest("svg, .tl-scroll") && n.getBoundingClientRect().right > 390)
              .map((n) => n.tagName + "#" + n.id + "." + n.className)"""
        )
        assert wide == []
        # two fingers moving apart zoom in
        phone.locator("#map-svg").scroll_into_view_if_needed()
        box = phone.locator("#map-svg").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = phone.context.new_cdp_session(phone)
        for i, spread in enumerate((20, 35, 50, 65, 80)):
            cdp.send(
                "Input.dispatchTouchEvent",
                {
                    "type": "touchStart" if i == 0 else "touchMove",
                    "touchPoints": [
                        {"x": cx - spread, "y": cy, "id": 1},
                        {"x": cx + spread, "y": cy, "id": 2},
                    ],
                },
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        phone.wait_for_timeout(100)
        assert float(phone.get_attribute("#map-svg", "data-zoom")) > 2
        phone.click("#map .zoom-reset")
        # turned to a tablet: the map is drawn again at its new width, labels still clear
        before = phone.get_attribute("#map-svg", "viewBox")
        phone.set_viewport_size({"width": 820, "height": 1180})
        phone.wait_for_function(
            "vb => document.getElementById('map-svg').getAttribute('viewBox') !== vb", arg=before
        )
        assert_labels_clear(phone)
        assert_clean(phone)
    finally:
        phone.context.close()


def map_walk_through(url: str, key: str, *, shots: Path) -> None:
    """Screenshots of the map and the timeline in English and Chinese, of the roads, and on a phone."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    ids = make_plans(url, key)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = open_page(
            chromium, url, key, ids["hutubi-earthquake"], viewport={"width": 1366, "height": 900}
        )
        page.click("#map-legend .veh >> nth=0")
        page.locator("figure:has(#map)").screenshot(path=str(shots / "dashboard-map-en.png"))
        page.locator("figure:has(#timeline)").screenshot(
            path=str(shots / "dashboard-timeline-en.png")
        )
        page.click("#lang-toggle")
        show(page, ids["changji-snowstorm"])
        page.locator("figure:has(#map)").screenshot(path=str(shots / "dashboard-map-zh.png"))
        page.click("#lang-toggle")
        show(page, ids["graph"])
        page.locator("figure:has(#map)").screenshot(path=str(shots / "dashboard-map-roads-en.png"))
        assert_clean(page)
        page.context.close()
        phone = open_page(
            chromium, url, key, ids["hutubi-earthquake"], viewport={"width": 390, "height": 844}
        )
        phone.click("#lang-toggle")
        phone.wait_for_timeout(200)
        phone.locator("figure:has(#timeline)").screenshot(
            path=str(shots / "dashboard-timeline-phone-zh.png")
        )
        assert_clean(phone)
        chromium.close()
