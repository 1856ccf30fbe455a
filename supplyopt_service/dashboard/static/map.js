/* The plan's map (issue 15): roads under the trips, trips coloured by vehicle, labels placed
 * so that none overlaps another or leaves the map, zoom and pan (wheel, pinch, drag, buttons,
 * keys), and one selection — an area, a truck or a trip — that the map, the area table
 * (#area-results) and the timeline (timeline.js) highlight together. Uses app.js
 * (window.Supplyopt) and labels.js (window.SupplyoptLabels); adds projector, drawMap, select and
 * onSelect to window.Supplyopt. */
"use strict";
(function () {
  const S = window.Supplyopt;
  const { $, t, el, svg } = S;
  const { placeLabels } = window.SupplyoptLabels;
  const FONT_PX = 12, ZOOM_MIN = 0.5, ZOOM_MAX = 64, AREA_R = 9, WAREHOUSE_R = 8;

  function projector(points, w, h, pad) {
    const lons = points.map((p) => p[0]), lats = points.map((p) => p[1]);
    const minLon = Math.min(...lons), maxLon = Math.max(...lons), minLat = Math.min(...lats), maxLat = Math.max(...lats);
    const shrink = Math.max(Math.cos(((minLat + maxLat) / 2) * Math.PI / 180), 0.05);
    const spanX = Math.max((maxLon - minLon) * shrink, 1e-6), spanY = Math.max(maxLat - minLat, 1e-6);
    const k = Math.min((w - 2 * pad) / spanX, (h - 2 * pad) / spanY);
    const x0 = (w - spanX * k) / 2, y0 = (h + spanY * k) / 2;
    return { xy: (p) => [x0 + (p[0] - minLon) * shrink * k, y0 - (p[1] - minLat) * k], kmPerPx: 111.195 / k,
      lonLat: (x, y) => [minLon + (x - x0) / (shrink * k), minLat + (y0 - y) / k] };
  }

  // ---------- geometry of the GeoJSON ----------
  /** The lines of a feature's geometry: a LineString is one, a MultiLineString several. */
  function lines(geometry) {
    if (!geometry) return [];
    if (geometry.type === "LineString") return [geometry.coordinates];
    if (geometry.type === "MultiLineString") return geometry.coordinates;
    return [];
  }
  function points(geometry) {
    if (!geometry) return [];
    return geometry.type === "Point" ? [geometry.coordinates] : lines(geometry).flat();
  }
  /** A distinct colour per vehicle (golden-angle hues, two lightnesses), by sorted vehicle id. */
  function vehicleColours(vehicles) {
    const out = {};
    vehicles.forEach((v, i) => { out[v] = "hsl(" + Math.round((i * 137.508 + 210) % 360) + ",70%," + (i % 2 ? 34 : 44) + "%)"; });
    return out;
  }

  // ---------- text size (measured as the page renders it) ----------
  let meter = null;
  const widths = new Map();
  function textWidth(text, bold) {
    const key = (bold ? "b" : "n") + text;
    if (widths.has(key)) return widths.get(key);
    if (!meter || !meter.isConnected) {
      meter = svg("svg", { width: 10, height: 10, "aria-hidden": "true", class: "text-meter" });
      document.body.append(meter);
    }
    const node = svg("text", { "font-size": FONT_PX, "font-weight": bold ? "bold" : null }, text);
    meter.append(node);
    const w = node.getComputedTextLength() || text.length * FONT_PX;
    node.remove();
    widths.set(key, w);
    return w;
  }

  // ---------- selection shared by the map, the area table and the timeline ----------
  const shared = { geo: null, sel: null, hooks: [] };
  /** What a selection touches: the trips, areas and vehicles to highlight. */
  function related(geo, sel) {
    const out = { trips: new Set(), areas: new Set(), vehicles: new Set() };
    if (!geo || !sel) return out;
    for (const f of S.byKind(geo, "trip")) {
      const p = f.properties, stops = p.stops.map((s) => s.area);
      const hit = sel.kind === "trip" ? String(p.index) === String(sel.id)
        : sel.kind === "vehicle" ? p.vehicle === sel.id : stops.includes(sel.id);
      if (!hit) continue;
      out.trips.add(String(p.index));
      out.vehicles.add(p.vehicle);
      if (sel.kind !== "area") for (const a of stops) out.areas.add(a);
    }
    if (sel.kind === "area") out.areas.add(sel.id);
    return out;
  }
  function select(sel, fromTable) {
    const same = sel && shared.sel && sel.kind === shared.sel.kind && String(sel.id) === String(shared.sel.id);
    shared.sel = !sel || same ? null : { kind: sel.kind, id: String(sel.id) };
    shared.scrollRow = !fromTable;
    applySelection();
  }
  function applySelection() {
    const rel = related(shared.geo, shared.sel);
    for (const hook of shared.hooks) hook(shared.sel, rel);
  }
  function areaName(id) {
    const f = shared.geo && S.byKind(shared.geo, "area").find((a) => a.properties.id === id);
    return f ? S.label(f.properties) : id;
  }
  function tripText(p) {
    const legs = p.stops.map((s) => areaName(s.area) + " " + S.clock(s.arrive_hours));
    // A stock transfer (no stops) drives its load to another warehouse: drawn as a line there.
    if (p.transfer) legs.push(warehouseName(p.transfer.warehouse) + " " + S.clock(p.transfer.arrive_hours));
    return vehicleName(p.vehicle) + " #" + p.trip_of_vehicle + ": " + legs.join(" → ");
  }
  function warehouseName(id) {
    const f = shared.geo && S.byKind(shared.geo, "warehouse").find((w) => w.properties.id === id);
    return f ? S.label(f.properties) : id;
  }
  function describe(sel, rel) {
    if (!sel) return "";
    if (sel.kind === "area") return t("mapSelArea", { name: areaName(sel.id), trips: rel.trips.size, trucks: rel.vehicles.size });
    if (sel.kind === "vehicle") return t("mapSelTruck", { name: vehicleName(sel.id), trips: rel.trips.size, areas: rel.areas.size });
    const f = S.byKind(shared.geo, "trip").find((x) => String(x.properties.index) === sel.id);
    return f ? t("mapSelTrip", { trip: tripText(f.properties) }) : "";
  }
  // the area table (drawn by app.js): its rows carry data-area; a click on one selects the area
  function areaRows() { return $("area-results") ? $("area-results").querySelectorAll("tbody tr") : []; }
  function markTableRows(sel, rel) {
    const byName = {};
    if (shared.geo) for (const f of S.byKind(shared.geo, "area")) byName[S.label(f.properties)] = f.properties.id;
    for (const tr of areaRows()) {
      if (!tr.dataset.area) {
        const head = tr.querySelector("th, td");
        const id = head && byName[head.textContent.trim()];
        if (id) tr.dataset.area = id;
      }
      const on = !!sel && rel.areas.has(tr.dataset.area);
      tr.classList.toggle("map-selected", on && sel.kind === "area");
      tr.classList.toggle("map-related", on && sel.kind !== "area");
      if (on) tr.setAttribute("aria-selected", "true"); else tr.removeAttribute("aria-selected");
      // bring the selected area's row into view inside the table's own scroll box
      const wrap = tr.closest(".table-wrap");
      if (on && sel.kind === "area" && shared.scrollRow && wrap) {
        wrap.scrollTop = Math.max(0, tr.offsetTop - (wrap.clientHeight - tr.offsetHeight) / 2);
      }
    }
    shared.scrollRow = false;
  }
  shared.hooks.push(markTableRows);
  function watchTable() {
    const table = $("area-results");
    if (!table || table.dataset.mapWatch) return;
    table.dataset.mapWatch = "1";
    table.addEventListener("click", (ev) => {
      const tr = ev.target.closest("tbody tr");
      if (!tr || ev.target.closest("button, a, input, select, label")) return;
      if (tr.dataset.area) select({ kind: "area", id: tr.dataset.area }, true);
    });
    new MutationObserver(() => markTableRows(shared.sel, related(shared.geo, shared.sel)))
      .observe(table, { childList: true, subtree: true });
  }

  // ---------- drawing ----------
  /** Draw the plan's map into opts.box (default #map); opts.extra: more [lon, lat] points to keep
   * in view. The result map (#map) can be zoomed and panned, shares the selection and is drawn
   * again when its width changes; other maps (the Operation view's) have no zoom and are drawn
   * once, so the overlays their callers add with proj stay put.
   * Returns {root, proj} so a caller can overlay and read clicks. */
  function drawMap(geo, opts) {
    const o = Object.assign({ box: $("map"), id: "map-svg", legend: $("map-legend"), extra: [] }, opts || {});
    if (window.SupplyoptNames) window.SupplyoptNames.learnGeo(geo); // item and vehicle names in the page's language
    const live = o.box === $("map") && o.zoom !== false;
    // drawn at the box's own width, so that 12 px text is 12 px on screen (760 while hidden)
    const W = Math.round(o.box.clientWidth || 760);
    const H = Math.round(Math.min(Math.max(W * 0.74, 300), 640));
    const pad = Math.max(36, Math.min(60, W * 0.07));
    const sites = geo.features.filter((f) => f.properties.kind !== "road").flatMap((f) => points(f.geometry));
    const proj = projector(sites.concat(o.extra).concat(sites.length ? [] : [[0, 0]]), W, H, pad);
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": t("mapLabel"), id: o.id, class: "plan-map" });
    root.append(svg("rect", { width: W, height: H, fill: "#f7f9fc", class: "bg" }));
    const world = svg("g", { class: "world" });
    root.append(world);
    const line = (coords) => coords.map((c) => proj.xy(c).map((v) => v.toFixed(1)).join(",")).join(" ");
    const path = (all) => all.map((coords) => "M" + line(coords).replace(/ /g, "L")).join("");
    const roads = S.byKind(geo, "road");
    const open = roads.filter((r) => !r.properties.closed), closed = roads.filter((r) => r.properties.closed);
    if (open.length) world.append(svg("path", { d: path(open.flatMap((r) => lines(r.geometry))), class: "road", "data-count": open.length }));
    if (closed.length) {
      world.append(svg("path", { d: path(closed.flatMap((r) => lines(r.geometry))), class: "road closed", "data-count": closed.length },
        svg("title", {}, t("mapRoadClosed"))));
    }
    const trips = S.byKind(geo, "trip");
    const vehicles = [...new Set(trips.map((f) => f.properties.vehicle))].sort();
    const colours = vehicleColours(vehicles);
    if (live) {
      if (shared.geo !== geo) shared.sel = null; // another plan: its selection would not exist
      shared.geo = geo;
    }
    for (const f of trips) {
      const p = f.properties, pts = lines(f.geometry).map(line).join(" ");
      const g = svg("g", { class: "trip-g" + (p.on_time ? "" : " late"), "data-trip": p.index, "data-vehicle": p.vehicle },
        svg("title", {}, tripText(p)));
      g.append(svg("polyline", { points: pts, class: "trip-hit" }));
      g.append(svg("polyline", { points: pts, fill: "none", stroke: colours[p.vehicle], "stroke-width": 2.4, class: "trip",
        "stroke-dasharray": p.on_time ? null : "7 4", "data-points": lines(f.geometry).reduce((n, c) => n + c.length, 0) }));
      if (live) g.addEventListener("click", () => select({ kind: "trip", id: p.index }));
      world.append(g);
    }
    // markers and labels are drawn in screen units, so zooming moves them but keeps their size
    const markers = svg("g", { class: "markers" }), leaders = svg("g", { class: "leaders" }), labels = svg("g", { class: "labels" });
    root.append(markers, leaders, labels);
    const sitesDrawn = [];
    const rank = (p) => [-(p.priority || 1), -(p.population || 0)];
    const areas = S.byKind(geo, "area").slice().sort((a, b) => {
      const ra = rank(a.properties), rb = rank(b.properties);
      return ra[0] - rb[0] || ra[1] - rb[1];
    });
    for (const f of S.byKind(geo, "warehouse").concat(areas)) {
      const p = f.properties, isArea = p.kind === "area";
      const text = isArea ? S.label(p) + " " + S.pct(p.coverage) : S.label(p);
      const g = svg("g", { class: "site " + p.kind, tabindex: 0, role: isArea && live ? "button" : "img", "data-id": p.id,
        "aria-label": isArea ? S.label(p) + ": " + t("coverage") + " " + S.pct(p.coverage) : t("warehouse") + ": " + S.label(p) });
      g.append(svg("title", {}, isArea ? S.label(p) + " — " + S.pct(p.coverage) : S.label(p)));
      if (isArea) {
        g.append(svg("circle", { r: AREA_R + 4, fill: "none", class: "ring" }));
        g.append(svg("circle", { r: AREA_R, fill: S.coverageColour(p.coverage), stroke: "#222", "stroke-width": 1, class: "dot" }));
      } else {
        g.append(svg("rect", { x: -12, y: -12, width: 24, height: 24, fill: "none", class: "ring" }));
        g.append(svg("rect", { x: -WAREHOUSE_R, y: -WAREHOUSE_R, width: 16, height: 16, fill: p.colour, stroke: "#000", "stroke-width": 1.5, class: "dot" }));
      }
      const w = textWidth(text, !isArea) + 2, h = FONT_PX + 4;
      const lab = svg("g", { class: "label", "data-kind": p.kind, "data-id": p.id, "aria-hidden": "true" });
      lab.append(svg("rect", { width: w, height: h, x: -1, y: 0, rx: 2, class: "label-bg" }));
      lab.append(svg("text", { x: 0, y: FONT_PX, "font-size": FONT_PX, "font-weight": isArea ? null : "bold" }, text));
      const site = { p, base: proj.xy(f.geometry.coordinates), g, lab, w: w + 2, h, r: isArea ? AREA_R : WAREHOUSE_R + 2 };
      const peek = (on) => () => { lab.classList.toggle("peek", on); if (on) labels.append(lab); };
      g.addEventListener("pointerenter", peek(true)); g.addEventListener("pointerleave", peek(false));
      g.addEventListener("focus", peek(true)); g.addEventListener("blur", peek(false));
      if (isArea && live) {
        g.addEventListener("click", () => select({ kind: "area", id: p.id }));
        g.addEventListener("keydown", (ev) => {
          if (ev.key !== "Enter" && ev.key !== " ") return;
          ev.preventDefault();
          select({ kind: "area", id: p.id });
        });
      }
      markers.append(g);
      labels.append(lab);
      sitesDrawn.push(site);
    }
    const scale = svg("g", { class: "scale" });
    root.append(scale);
    const view = { k: 1, tx: 0, ty: 0 };
    const map = { root, proj, W, H, view, sites: sitesDrawn, world, scale, leaders, colours, geo };
    layout(map);
    if (live) enableZoom(map, o.box);
    o.box.replaceChildren(...(live ? [toolbar(map)] : []), root, ...(live ? [el("p", { id: "map-selection", class: "map-selection", "aria-live": "polite" })] : []));
    if (live) {
      current = map;
      watchTable();
      watchSize(o.box);
      applySelection();
    }
    if (o.legend) drawLegend(o.legend, geo, colours, live);
    return { root, proj };
  }

  /** Move everything to the current view, place the labels, redraw the scale bar. */
  function layout(map) {
    const { view, W, H } = map;
    map.world.setAttribute("transform", "translate(" + view.tx.toFixed(2) + " " + view.ty.toFixed(2) + ") scale(" + view.k.toFixed(4) + ")");
    const screen = map.sites.map((s) => [s.base[0] * view.k + view.tx, s.base[1] * view.k + view.ty]);
    map.sites.forEach((s, i) => s.g.setAttribute("transform", "translate(" + screen[i][0].toFixed(1) + " " + screen[i][1].toFixed(1) + ")"));
    // the scale bar: about 140 px of round kilometres
    const kmPerPx = map.proj.kmPerPx / view.k;
    let km = 0.1;
    for (const step of [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]) if (step <= 120 * kmPerPx) km = step;
    const len = km / kmPerPx;
    map.scale.replaceChildren(svg("rect", { x: 8, y: H - 38, width: len + 24, height: 32, class: "scale-bg" }),
      svg("line", { x1: 20, y1: H - 14, x2: 20 + len, y2: H - 14, stroke: "#000", "stroke-width": 3 }),
      svg("text", { x: 20, y: H - 20, "font-size": FONT_PX }, km + " km"));
    const obstacles = [{ x: 8, y: H - 38, w: len + 24, h: 32 }];
    // the selected area's label first, then warehouses, then areas by priority and population
    const order = map.sites.map((s, i) => i);
    const sel = shared.sel && map === current && shared.sel.kind === "area" ? shared.sel.id : null;
    order.sort((a, b) => (map.sites[b].p.id === sel) - (map.sites[a].p.id === sel) || a - b);
    const placed = placeLabels(order.map((i) => ({ x: screen[i][0], y: screen[i][1], r: map.sites[i].r, w: map.sites[i].w, h: map.sites[i].h })), obstacles, W, H);
    map.leaders.replaceChildren();
    order.forEach((i, j) => {
      const s = map.sites[i], spot = placed[j];
      s.lab.classList.toggle("hidden", !spot);
      if (spot) {
        s.lab.setAttribute("transform", "translate(" + (spot.box.x + 1).toFixed(1) + " " + spot.box.y.toFixed(1) + ")");
        if (spot.leader) {
          const [[x1, y1], [x2, y2]] = spot.leader;
          map.leaders.append(svg("line", { x1, y1, x2, y2, class: "leader-halo" }), svg("line", { x1, y1, x2, y2, class: "leader" }),
            svg("circle", { cx: x2, cy: y2, r: 1.8, class: "leader-end" }));
        }
      } else {
        // shown on hover or focus only: right of the marker, kept inside the map
        const x = Math.min(Math.max(screen[i][0] + s.r + 4, 2), W - s.w - 4), y = Math.min(Math.max(screen[i][1] - s.h / 2, 2), H - s.h - 2);
        s.lab.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
      }
    });
  }

  // ---------- zoom and pan ----------
  let current = null;
  function zoomBy(map, factor, cx, cy) {
    const v = map.view, k = Math.min(Math.max(v.k * factor, ZOOM_MIN), ZOOM_MAX);
    if (cx === undefined) { cx = map.W / 2; cy = map.H / 2; }
    v.tx = cx - (cx - v.tx) * (k / v.k);
    v.ty = cy - (cy - v.ty) * (k / v.k);
    v.k = k;
    clampView(map);
    schedule(map);
  }
  function panBy(map, dx, dy) {
    map.view.tx += dx;
    map.view.ty += dy;
    clampView(map);
    schedule(map);
  }
  function clampView(map) {
    const v = map.view, keep = 60;
    v.tx = Math.min(Math.max(v.tx, keep - map.W * v.k), map.W - keep);
    v.ty = Math.min(Math.max(v.ty, keep - map.H * v.k), map.H - keep);
  }
  function resetView(map) { Object.assign(map.view, { k: 1, tx: 0, ty: 0 }); schedule(map); }
  function schedule(map) {
    if (map.pending) return;
    map.pending = requestAnimationFrame(() => { map.pending = null; layout(map); updateButtons(map); });
  }
  function updateButtons(map) {
    if (!map.buttons) return;
    map.buttons.zoomIn.disabled = map.view.k >= ZOOM_MAX;
    map.buttons.zoomOut.disabled = map.view.k <= ZOOM_MIN;
    map.root.dataset.zoom = map.view.k.toFixed(3);
  }
  function toolbar(map) {
    const b = (cls, text, aria, fn) => el("button", { type: "button", class: cls, "aria-label": aria, title: aria, onclick: fn }, text);
    map.buttons = {
      zoomIn: b("zoom-in", "+", t("mapZoomIn"), () => zoomBy(map, 1.5)),
      zoomOut: b("zoom-out", "−", t("mapZoomOut"), () => zoomBy(map, 1 / 1.5)),
    };
    const bar = el("div", { class: "map-tools", role: "toolbar", "aria-label": t("mapTools") },
      map.buttons.zoomIn, map.buttons.zoomOut, b("zoom-reset", t("mapReset"), t("mapReset"), () => resetView(map)),
      b("sel-clear", t("mapClear"), t("mapClear"), () => select(null)),
      el("span", { class: "hint" }, t("mapKeys")));
    updateButtons(map);
    return bar;
  }
  /** Client pixels → map units. */
  function toMap(map, clientX, clientY) {
    const r = map.root.getBoundingClientRect();
    return [(clientX - r.left) * (map.W / r.width), (clientY - r.top) * (map.H / r.height)];
  }
  function enableZoom(map, box) {
    const root = map.root;
    root.setAttribute("tabindex", 0);
    root.setAttribute("aria-keyshortcuts", "+ - 0 ArrowUp ArrowDown ArrowLeft ArrowRight");
    root.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const [x, y] = toMap(map, ev.clientX, ev.clientY);
      zoomBy(map, Math.exp(-ev.deltaY * (ev.deltaMode ? 0.05 : 0.0015)), x, y);
    }, { passive: false });
    const down = new Map();
    let moved = false, pinch = null;
    root.addEventListener("pointerdown", (ev) => {
      down.set(ev.pointerId, [ev.clientX, ev.clientY]);
      if (down.size === 1) moved = false;
      if (down.size === 2) {
        const [a, b] = [...down.values()];
        pinch = { dist: Math.hypot(a[0] - b[0], a[1] - b[1]), mid: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
      }
    });
    root.addEventListener("pointermove", (ev) => {
      const last = down.get(ev.pointerId);
      if (!last) return;
      const r = root.getBoundingClientRect(), unit = map.W / r.width;
      if (down.size >= 2 && pinch) {
        down.set(ev.pointerId, [ev.clientX, ev.clientY]);
        const [a, b] = [...down.values()];
        const dist = Math.hypot(a[0] - b[0], a[1] - b[1]), mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        const [x, y] = toMap(map, mid[0], mid[1]);
        panBy(map, (mid[0] - pinch.mid[0]) * unit, (mid[1] - pinch.mid[1]) * unit);
        if (pinch.dist > 0) zoomBy(map, dist / pinch.dist, x, y);
        pinch = { dist, mid };
        moved = true;
        return;
      }
      const dx = ev.clientX - last[0], dy = ev.clientY - last[1];
      if (!moved && Math.hypot(dx, dy) < 4) return;
      if (!moved) { moved = true; root.setPointerCapture(ev.pointerId); root.classList.add("panning"); }
      down.set(ev.pointerId, [ev.clientX, ev.clientY]);
      panBy(map, dx * unit, dy * unit);
    });
    const up = (ev) => { down.delete(ev.pointerId); if (down.size < 2) pinch = null; if (!down.size) root.classList.remove("panning"); };
    root.addEventListener("pointerup", up);
    root.addEventListener("pointercancel", up);
    // a drag is not a click: the click that ends a pan selects nothing
    root.addEventListener("click", (ev) => { if (moved) { ev.stopPropagation(); moved = false; } }, true);
    root.addEventListener("keydown", (ev) => {
      const step = 40;
      const pan = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[ev.key];
      if (pan) panBy(map, pan[0], pan[1]);
      else if (ev.key === "+" || ev.key === "=") zoomBy(map, 1.5);
      else if (ev.key === "-" || ev.key === "_") zoomBy(map, 1 / 1.5);
      else if (ev.key === "0") resetView(map);
      else if (ev.key === "Escape") select(null);
      else return;
      ev.preventDefault();
    });
    map.box = box;
  }
  /** Redraw the result map when its box's width differs from the one it was drawn at (a turned
   * phone, a resized window, a map drawn while its tab was hidden). */
  let observed = null;
  function watchSize(box) {
    if (observed === box) return;
    observed = box;
    new ResizeObserver(() => {
      if (!current || !box.clientWidth || Math.abs(box.clientWidth - current.W) < 8) return;
      drawMap(current.geo);
    }).observe(box);
  }

  /** Each vehicle's home warehouse: the warehouse its id starts with ("wh/type/n"), else the
   * warehouse of its first trip (a vehicle may reposition and load elsewhere). */
  function homes(geo) {
    const ids = new Set(S.byKind(geo, "warehouse").map((f) => f.properties.id)), out = {};
    for (const f of S.byKind(geo, "trip")) {
      const v = f.properties.vehicle, prefix = v.split("/")[0];
      if (!(v in out)) out[v] = ids.has(prefix) ? prefix : f.properties.warehouse;
    }
    return out;
  }
  /** A vehicle's name without its home warehouse's id in front. */
  function shortVehicle(v, home) {
    const N = window.SupplyoptNames;
    const rest = home && v.startsWith(home + "/") ? v.slice(home.length + 1) : null;
    if (!N) return rest || v;
    if (rest === null) return N.vehicle(v);
    const [type, n] = rest.split("/");
    return n === undefined ? rest : N.vehicleType(type) + " " + n; // "truck-10t/3" → "10 t box truck 3"
  }
  /** A vehicle's display name in the page's language ("urumqi/truck-10t/3" → "10 t box truck 3 (urumqi)"). */
  function vehicleName(v) { return window.SupplyoptNames ? window.SupplyoptNames.vehicle(v) : v; }

  // ---------- legend ----------
  function drawLegend(box, geo, colours, live) {
    const coverage = [0, 0.5, 1].map((c) => el("span", {}, el("i", { class: "round", "data-c": c }), S.pct(c)));
    const warehouses = S.byKind(geo, "warehouse");
    const wh = warehouses.map((f) => el("span", {}, el("i", { "data-fill": f.properties.colour }), S.label(f.properties)));
    const parts = [el("div", { class: "legend-row" }, ...coverage, ...wh, el("span", {}, "- - " + t("lateTrip")))];
    const trips = S.byKind(geo, "trip").map((f) => f.properties);
    const home = homes(geo);
    for (const w of warehouses) {
      const own = Object.keys(home).filter((v) => home[v] === w.properties.id).sort();
      if (!own.length) continue;
      parts.push(el("div", { class: "legend-row vehicles" }, el("span", { class: "legend-head" }, t("mapTrucksOf", { name: S.label(w.properties) })),
        ...own.map((v) => el(live ? "button" : "span", { type: live ? "button" : null, class: "veh", "data-vehicle": v, "data-fill": colours[v],
          "aria-pressed": live ? "false" : null, title: v, onclick: live ? () => select({ kind: "vehicle", id: v }) : null },
        el("i", { class: "line", "data-fill": colours[v] }), shortVehicle(v, w.properties.id)))));
    }
    box.replaceChildren(...parts);
    for (const i of box.querySelectorAll("i")) i.style.background = i.dataset.fill || S.coverageColour(Number(i.dataset.c));
  }

  // ---------- highlighting on the result map ----------
  shared.hooks.push((sel, rel) => {
    const map = current;
    if (!map || !map.root.isConnected) return;
    map.root.classList.toggle("has-selection", !!sel);
    for (const g of map.root.querySelectorAll(".trip-g")) {
      const on = rel.trips.has(g.dataset.trip);
      g.classList.toggle("sel", on);
      if (on) map.world.append(g);
    }
    for (const s of map.sites) {
      s.g.classList.toggle("sel", !!sel && s.p.kind === "area" && rel.areas.has(s.p.id));
      if (s.p.kind === "area") s.g.setAttribute("aria-pressed", sel && sel.kind === "area" && sel.id === s.p.id ? "true" : "false");
    }
    for (const b of document.querySelectorAll("#map-legend .veh")) {
      b.setAttribute("aria-pressed", sel && sel.kind === "vehicle" && sel.id === b.dataset.vehicle ? "true" : "false");
      b.classList.toggle("sel", !!sel && rel.vehicles.has(b.dataset.vehicle));
    }
    const info = $("map-selection");
    if (info) info.textContent = describe(sel, rel);
    const clear = map.root.parentNode && map.root.parentNode.querySelector(".sel-clear");
    if (clear) clear.hidden = !sel;
    layout(map);
  });

  Object.assign(S, {
    projector, drawMap, select, selection: () => shared.sel, onSelect: (f) => shared.hooks.push(f),
    selectionRelated: () => related(shared.geo, shared.sel), vehicleColours, vehicleHomes: homes, shortVehicle, vehicleName,
  });
})();
