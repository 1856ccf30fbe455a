/* supplyopt dashboard: vanilla JS, no external resources. Talks to the service API
 * (contract section 4) with the API key kept in sessionStorage. */
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const state = {
    lang: localStorage.getItem("supplyopt.lang") || "en",
    scenario: null, // scenario data being edited
    planId: sessionStorage.getItem("supplyopt.plan") || null,
    labels: JSON.parse(sessionStorage.getItem("supplyopt.labels") || "{}"),
    polling: null,
  };

  // ---------- text ----------
  function t(key, vars) {
    const table = window.I18N[state.lang] || window.I18N.en;
    let text = table[key] !== undefined ? table[key] : (window.I18N.en[key] !== undefined ? window.I18N.en[key] : key);
    for (const [k, v] of Object.entries(vars || {})) text = text.replace("{" + k + "}", String(v));
    return text;
  }
  function applyLanguage() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
    const toggle = $("lang-toggle");
    toggle.textContent = state.lang === "zh" ? "English" : "中文";
    toggle.lang = state.lang === "zh" ? "en" : "zh-CN";
    toggle.setAttribute("aria-label", state.lang === "zh" ? "Switch to English" : "切换到中文");
  }
  function setLanguage(lang) {
    state.lang = lang;
    localStorage.setItem("supplyopt.lang", lang);
    applyLanguage();
    rerender();
  }

  // ---------- helpers ----------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  const pct = (x) => (x === null || x === undefined ? t("none") : Math.round(x * 100) + "%");
  const num = (x, d = 1) => (x === null || x === undefined ? t("none") : Number(x).toFixed(d));
  function clock(h) {
    if (h === null || h === undefined) return t("none");
    const m = Math.round(h * 60);
    return "T+" + String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
  }
  function coverageColour(c) {
    if (c === null || c === undefined) return "#9e9e9e";
    const stops = [[0, [198, 40, 40]], [0.5, [249, 168, 37]], [1, [46, 125, 50]]];
    const v = Math.min(Math.max(c, 0), 1);
    for (let i = 0; i < stops.length - 1; i++) {
      const [lo, a] = stops[i], [hi, b] = stops[i + 1];
      if (v <= hi) {
        const f = (v - lo) / (hi - lo);
        return "rgb(" + a.map((x, j) => Math.round(x + (b[j] - x) * f)).join(",") + ")";
      }
    }
    return "rgb(46,125,50)";
  }
  function sayKey(key, vars, isError) {
    state.said = { key, vars, isError };
    say(t(key, vars), isError, true);
  }
  function say(text, isError, keep) {
    if (!keep) state.said = null;
    const s = $("status");
    s.textContent = text;
    s.classList.toggle("error", !!isError);
  }
  function label(props) { return props.name || props.id; }

  // ---------- API ----------
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.detail) || ("HTTP " + status));
      this.status = status;
      this.body = body;
    }
  }
  async function api(method, path, body, opts) {
    const key = sessionStorage.getItem("supplyopt.key");
    if (!key) throw new ApiError(401, { detail: t("keyMissing") });
    const headers = Object.assign({}, (opts && opts.headers) || {}, { Authorization: "Bearer " + key });
    let payload;
    if (opts && opts.text !== undefined) { headers["Content-Type"] = "text/plain; charset=utf-8"; payload = opts.text; }
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    const res = await fetch(path, { method, headers, body: payload });
    if (opts && opts.raw && res.ok) return res;
    const type = res.headers.get("content-type") || "";
    const data = type.includes("json") ? await res.json() : await res.text();
    if (!res.ok) throw new ApiError(res.status, typeof data === "object" ? data : { detail: data });
    return data;
  }
  // Every page of a list endpoint: the API pages lists (Link: <next page>; rel="next").
  async function apiAll(path) {
    const rows = [];
    let next = path + (path.includes("?") ? "&" : "?") + "limit=1000";
    while (next) {
      const res = await api("GET", next, undefined, { raw: true });
      rows.push(...(await res.json()));
      const link = (res.headers.get("link") || "").match(/<([^>]+)>;\s*rel="next"/);
      next = link ? link[1] : null;
    }
    return rows;
  }
  function report(err) {
    if (err instanceof ApiError) say(t("error", { code: err.status, detail: err.message }), true);
    else say(String(err), true);
  }

  // ---------- tabs (WAI-ARIA tabs pattern: arrows, Home, End) ----------
  const tabs = Array.from(document.querySelectorAll("[role=tab]"));
  const tabHooks = [], rerenderHooks = [], inventoryHooks = [];
  function selectTab(tab, focus) {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    sessionStorage.setItem("supplyopt.tab", tab.id);
    if (tab.id === "tab-inventory") loadInventory();
    if (tab.id === "tab-result" || tab.id === "tab-compare") loadPlanList();
    for (const hook of tabHooks) hook(tab.id);
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (ev) => {
      const i = tabs.indexOf(tab);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (to === undefined) return;
      ev.preventDefault();
      selectTab(tabs[(to + tabs.length) % tabs.length], true);
    });
  }

  // ---------- inventory ----------
  async function loadInventory() {
    if (!sessionStorage.getItem("supplyopt.key")) return;
    const box = $("inventory");
    try {
      const warehouses = await apiAll("/warehouses");
      box.replaceChildren();
      if (!warehouses.length) box.append(el("p", { class: "hint" }, t("noWarehouses")));
      const stocks = await Promise.all(warehouses.map((w) => api("GET", "/warehouses/" + encodeURIComponent(w.id) + "/stock")));
      warehouses.forEach((w, i) => {
        const rows = Object.entries(stocks[i]).map(([item, s]) =>
          el("tr", {}, el("td", {}, item), el("td", { class: "num" }, s.on_hand), el("td", { class: "num" }, s.reserved),
            el("td", { class: "num" }, s.available)));
        box.append(el("div", { class: "card" },
          el("h3", {}, (w.name || w.id) + (w.name ? " (" + w.id + ")" : "")),
          el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("item")), el("th", {}, t("onHand")),
            el("th", {}, t("reserved")), el("th", {}, t("available")))), el("tbody", {}, rows)),
          el("p", { class: "hint" }, t("fleet") + ": " + Object.entries(w.fleet).map(([k, v]) => k + " × " + v).join(", "))));
      });
      for (const hook of inventoryHooks) hook(warehouses, stocks);
      const ledgers = await Promise.all(warehouses.map((w) => api("GET", "/warehouses/" + encodeURIComponent(w.id) + "/movements")));
      const recent = ledgers.flat().sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, 15);
      $("movements").replaceChildren(
        el("thead", {}, el("tr", {}, ...["when", "warehouse", "item", "kind", "quantity", "reserved", "note"].map((k) => el("th", {}, t(k))))),
        el("tbody", {}, recent.map((m) => el("tr", {}, el("td", {}, new Date(m.created_at).toLocaleString()), el("td", {}, m.warehouse),
          el("td", {}, m.item), el("td", {}, m.kind), el("td", { class: "num" }, m.quantity), el("td", { class: "num" }, m.reserved_change),
          el("td", {}, m.note || (m.plan_id ? t("plan") + " " + m.plan_id : ""))))));
    } catch (err) { report(err); }
  }

  // ---------- scenario ----------
  async function loadBundledList() {
    try {
      const data = await api("GET", "/scenarios/bundled");
      $("bundled").replaceChildren(...data.scenarios.map((s) => el("option", { value: s.name, selected: s.default }, s.name)));
    } catch (err) { report(err); }
  }
  // The Scenario tab (loading, uploading, the editor and its checks) is static/scenario.js;
  // it keeps the scenario being edited in this page's state through SupplyoptScenarioState.
  window.SupplyoptScenarioState = { get: () => state.scenario, set: (data) => { state.scenario = data; } };
  const scenarioTab = () => window.SupplyoptScenario;
  function showProblems(err) { scenarioTab().showProblems(err); }
  function useScenario(data) { scenarioTab().useScenario(data); }
  function renderScenarioForm() { if (scenarioTab()) scenarioTab().render(); }
  function readGeneralFields() { scenarioTab().readGeneralFields(); }
  function uploadFile(file) { return scenarioTab().uploadFile(file); }

  // ---------- running a plan ----------
  async function runPlan() {
    if (!state.scenario) return;
    readGeneralFields();
    try {
      const job = await api("POST", "/plans", {
        scenario: state.scenario, use_inventory: $("use-inventory").checked, time_limit_s: Number($("time-limit").value) || 10,
      });
      state.labels[job.id] = state.scenario.name + " · " + new Date().toLocaleTimeString();
      sessionStorage.setItem("supplyopt.labels", JSON.stringify(state.labels));
      state.running = job.id;
      sayKey("submitted", { id: job.id });
      $("run-plan").disabled = true;
      $("cancel-plan").hidden = false;
      poll(job.id);
    } catch (err) {
      if (err.status === 422) showProblems(err);
      report(err);
    }
  }
  /** A job's progress in the page's language: its status, the solver's own fraction, and the
   * seconds it has run of its time limit (the solver's message, which is English, in English only). */
  function progressText(job) {
    const parts = [t(job.status), Math.round((job.progress || 0) * 100) + "%"];
    if (job.status === "running" && job.started_at) {
      const ran = Math.max(0, Math.round((Date.now() - Date.parse(job.started_at)) / 1000));
      parts.push(t("elapsedOf", { s: Math.min(ran, Math.ceil(job.time_limit_s)), limit: num(job.time_limit_s, 0) }));
    }
    if (job.message && state.lang === "en" && job.message !== job.status) parts.push(job.message);
    return parts.join(" · ");
  }
  function poll(id) {
    clearTimeout(state.polling);
    api("GET", "/plans/" + id).then((job) => {
      $("progress").value = job.progress || 0;
      $("progress-text").textContent = progressText(job);
      if (job.status === "queued" || job.status === "running") { state.polling = setTimeout(() => poll(id), 400); return; }
      $("run-plan").disabled = false;
      $("cancel-plan").hidden = true;
      if (job.status === "done") {
        sayKey("planDone", { id });
        showPlan(id);
        selectTab($("tab-result"), false);
      } else say(t("planFailed", { id, error: job.error || t(job.status) }), job.status === "failed");
    }).catch((err) => { report(err); $("run-plan").disabled = false; });
  }
  async function cancelPlan() {
    const id = state.running;
    if (!id) return;
    try { await api("POST", "/plans/" + id + "/cancel"); } catch (err) { report(err); }
  }

  // ---------- result ----------
  async function loadPlanList() {
    if (!sessionStorage.getItem("supplyopt.key")) return;
    try {
      const list = await api("GET", "/plans?limit=50");
      const done = list.plans.filter((p) => p.status === "done");
      const opts = (sel) => done.map((p) => el("option", { value: p.id, selected: p.id === sel }, (state.labels[p.id] || "") + " [" + p.id + "]"));
      $("plan-pick").replaceChildren(...opts(state.planId));
      $("cmp-a").replaceChildren(...opts(done[1] && done[1].id));
      $("cmp-b").replaceChildren(...opts(done[0] && done[0].id));
    } catch (err) { report(err); }
  }
  async function showPlan(id) {
    state.planId = id;
    sessionStorage.setItem("supplyopt.plan", id);
    try {
      const [job, geo] = await Promise.all([api("GET", "/plans/" + id), api("GET", "/plans/" + id + "/export/plan.geojson")]);
      state.job = job;
      state.geo = typeof geo === "string" ? JSON.parse(geo) : geo;
      renderResult();
    } catch (err) { report(err); }
  }
  function renderResult() {
    const job = state.job, geo = state.geo;
    if (!job || !geo || !job.plan) return;
    $("result-empty").hidden = true;
    $("result").hidden = false;
    const s = job.plan.summary;
    const kpis = [["kpiStatus", t("status_" + job.plan.status)], ["kpiCoverage", pct(s.coverage_on_time)],
      ["kpiWeighted", pct(s.weighted_coverage_on_time)], ["kpiMinArea", pct(s.min_area_coverage)],
      ["kpiMakespan", num(s.makespan_hours, 2)], ["kpiVehicles", s.vehicles_used], ["kpiDistance", num(s.distance_km, 0)],
      ["kpiUnits", s.on_time_units + " / " + s.demand_units]];
    $("kpis").replaceChildren(...kpis.map(([k, v]) => el("div", { class: "kpi" }, el("div", { class: "v" }, v), el("div", { class: "k" }, t(k)))));
    $("approval").textContent = job.approval ? t("approvalState", { state: t("appr_" + job.approval) }) : "";
    $("approve").disabled = !!job.approval && job.approval !== "released";
    $("operate").hidden = !(job.approval === "approved" || job.approval === "dispatched");
    drawMap(geo);
    drawAreaTable(geo);
    drawTimeline(geo);
  }
  const byKind = (geo, kind) => geo.features.filter((f) => f.properties.kind === kind);

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
  /** Draw the plan's map into opts.box (default #map); opts.extra: more [lon, lat] points to
   * keep in view. Returns {root, proj} so a caller can overlay and read clicks. */
  function drawMap(geo, opts) {
    const o = Object.assign({ box: $("map"), id: "map-svg", legend: $("map-legend"), extra: [] }, opts || {});
    const W = 760, H = 560;
    const pts = geo.features.flatMap((f) => (f.geometry.type === "Point" ? [f.geometry.coordinates] : f.geometry.coordinates));
    const proj = projector(pts.concat(o.extra), W, H, 60);
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": t("mapLabel"), id: o.id });
    root.append(svg("rect", { width: W, height: H, fill: "#f7f9fc" }));
    const line = (coords) => coords.map((c) => proj.xy(c).map((v) => v.toFixed(1)).join(",")).join(" ");
    for (const r of byKind(geo, "road")) root.append(svg("polyline", { points: line(r.geometry.coordinates), fill: "none", stroke: "#c8c8c8", "stroke-width": 3, class: "road" }));
    for (const f of byKind(geo, "trip")) {
      const p = f.properties;
      const tip = p.vehicle + " #" + p.trip_of_vehicle + ": " + p.stops.map((s) => s.area + " " + clock(s.arrive_hours)).join(" → ");
      root.append(svg("polyline", { points: line(f.geometry.coordinates), fill: "none", stroke: p.colour, "stroke-width": 2.2,
        "stroke-opacity": 0.75, "stroke-dasharray": p.on_time ? null : "7 4", class: "trip" }, svg("title", {}, tip)));
    }
    for (const f of byKind(geo, "area")) {
      const p = f.properties, [x, y] = proj.xy(f.geometry.coordinates);
      const g = svg("g", { class: "area", tabindex: 0, role: "img", "aria-label": label(p) + ": " + t("coverage") + " " + pct(p.coverage) });
      g.append(svg("title", {}, label(p) + " — " + pct(p.coverage)));
      g.append(svg("circle", { cx: x, cy: y, r: 9, fill: coverageColour(p.coverage), stroke: "#222", "stroke-width": 1 }));
      g.append(svg("text", { x: x + 12, y: y + 4, "font-size": 12 }, label(p) + " " + pct(p.coverage)));
      root.append(g);
    }
    for (const f of byKind(geo, "warehouse")) {
      const p = f.properties, [x, y] = proj.xy(f.geometry.coordinates);
      const right = x > W * 0.7;
      const g = svg("g", { class: "warehouse", tabindex: 0, role: "img", "aria-label": t("warehouse") + ": " + label(p) });
      g.append(svg("title", {}, label(p)));
      g.append(svg("rect", { x: x - 8, y: y - 8, width: 16, height: 16, fill: p.colour, stroke: "#000", "stroke-width": 1.5 }));
      g.append(svg("text", { x: right ? x - 12 : x + 12, y: y - 10, "font-size": 12, "font-weight": "bold", "text-anchor": right ? "end" : "start" }, label(p)));
      root.append(g);
    }
    let km = 1; const target = 140 * proj.kmPerPx;
    for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) if (step <= target) km = step;
    root.append(svg("line", { x1: 20, y1: H - 20, x2: 20 + km / proj.kmPerPx, y2: H - 20, stroke: "#000", "stroke-width": 3 }));
    root.append(svg("text", { x: 20, y: H - 28, "font-size": 12 }, km + " km"));
    o.box.replaceChildren(root);
    if (!o.legend) return { root, proj };
    const legend = [0, 0.5, 1].map((c) => el("span", {}, el("i", { class: "round", style: null, "data-c": c }), pct(c)));
    const wh = byKind(geo, "warehouse").map((f) => el("span", {}, el("i", { "data-fill": f.properties.colour }), label(f.properties)));
    o.legend.replaceChildren(...legend, ...wh, el("span", {}, "- - " + t("lateTrip")));
    for (const i of o.legend.querySelectorAll("i")) i.style.background = i.dataset.fill || coverageColour(Number(i.dataset.c));
    return { root, proj };
  }
  /** The per-area table (static/areas.js) and the shortage summary (static/shortage.js). */
  function drawAreaTable(geo) {
    window.SupplyoptAreas.draw(geo);
    window.SupplyoptShortage.draw(geo);
  }
  /** Draw each vehicle's trips into opts.box (default #timeline). opts.now (hours) adds the
   * "now" line; opts.marks ([{vehicle, hours, text}]) adds a cross on a vehicle's row. */
  function drawTimeline(geo, opts) {
    const o = Object.assign({ box: $("timeline"), id: "timeline-svg", now: null, marks: [] }, opts || {});
    const trips = byKind(geo, "trip").map((f) => f.properties);
    const vehicles = [...new Set(trips.map((p) => p.vehicle))].sort();
    if (!vehicles.length) { o.box.replaceChildren(el("p", {}, t("noTrips"))); return; }
    const colours = { loading: "#7b1fa2", driving: "#1e88e5", unloading: "#fb8c00", returning: "#90caf9" };
    const end = Math.ceil(Math.max(geo.deadline_hours, o.now || 0, ...trips.map((p) => p.return_hours)));
    const L = 230, R = 20, TOP = 40, ROW = 20, W = 1100, H = TOP + vehicles.length * ROW + 40;
    const x = (h) => L + (W - L - R) * (h / end);
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": t("timelineLabel"), id: o.id });
    Object.entries(colours).forEach(([k, c], i) => {
      root.append(svg("rect", { x: L + i * 130, y: 8, width: 14, height: 14, fill: c }));
      root.append(svg("text", { x: L + i * 130 + 18, y: 20, "font-size": 12 }, t(k)));
    });
    const bottom = TOP + vehicles.length * ROW;
    const step = end <= 16 ? 1 : end <= 32 ? 2 : 6;
    for (let h = 0; h <= end; h += step) {
      root.append(svg("line", { x1: x(h), y1: TOP - 4, x2: x(h), y2: bottom, stroke: "#e3e3e3" }));
      root.append(svg("text", { x: x(h), y: bottom + 16, "font-size": 11, "text-anchor": "middle" }, String(h)));
    }
    vehicles.forEach((v, row) => {
      const y = TOP + row * ROW;
      root.append(svg("text", { x: L - 6, y: y + ROW / 2 + 4, "font-size": 11, "text-anchor": "end" }, v));
      for (const p of trips.filter((tp) => tp.vehicle === v)) {
        for (const s of p.segments) {
          if (s.end_hours <= s.start_hours) continue;
          root.append(svg("rect", { x: x(s.start_hours), y: y + 3, width: Math.max(x(s.end_hours) - x(s.start_hours), 0.6), height: ROW - 6,
            fill: colours[s.kind], class: "seg " + s.kind }, svg("title", {}, v + ": " + t(s.kind) + " " + s.place + " " + clock(s.start_hours) + "–" + clock(s.end_hours))));
        }
      }
    });
    const dx = x(geo.deadline_hours);
    root.append(svg("line", { x1: dx, y1: TOP - 8, x2: dx, y2: bottom + 4, stroke: "#d50000", "stroke-width": 2, "stroke-dasharray": "5 3", class: "deadline" }));
    root.append(svg("text", { x: dx + 4, y: TOP - 10, "font-size": 12, fill: "#d50000" }, t("deadlineLine") + " " + geo.deadline_hours + " " + t("hours")));
    for (const m of o.marks) {
      const row = vehicles.indexOf(m.vehicle);
      if (row < 0) continue;
      const mx = x(m.hours), my = TOP + row * ROW + ROW / 2;
      root.append(svg("path", { d: "M" + (mx - 6) + " " + (my - 6) + "l12 12m0 -12l-12 12", stroke: "#000", "stroke-width": 3, class: "down-mark" },
        svg("title", {}, m.text)));
    }
    if (o.now !== null && o.now !== undefined) {
      const nx = x(o.now);
      root.append(svg("line", { x1: nx, y1: TOP - 8, x2: nx, y2: bottom + 4, stroke: "#000", "stroke-width": 2.5, class: "now" }));
      root.append(svg("text", { x: nx - 4, y: bottom + 30, "font-size": 12, "font-weight": "bold", "text-anchor": "end", class: "now-label" },
        t("nowLine") + " " + clock(o.now)));
    }
    o.box.replaceChildren(root);
  }
  async function approve() {
    if (!state.planId) return;
    try {
      const job = await api("POST", "/plans/" + state.planId + "/approve");
      state.job = job;
      sayKey("approved");
      $("approval").textContent = t("approvalState", { state: t("appr_" + job.approval) });
      $("approve").disabled = true;
      $("operate").hidden = false;
    } catch (err) {
      const lines = ((err.body && err.body.shortfall) || []).map((s) => JSON.stringify(s)).join("; ");
      say(t("error", { code: err.status, detail: err.message + (lines ? " " + lines : "") }), true);
    }
  }
  async function download(name) {
    try {
      const res = await api("GET", "/plans/" + state.planId + "/export/" + name, undefined, { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const a = el("a", { href: url, download: state.planId + "-" + name });
      if (name.endsWith(".html")) { a.removeAttribute("download"); a.target = "_blank"; a.rel = "noopener"; }
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (err) { report(err); }
  }

  // ---------- comparison ----------
  /** The comparison of two plans: static/compare.js. */
  function compare() { return window.SupplyoptCompare.run($("cmp-a").value, $("cmp-b").value); }

  function rerender() {
    if (state.said) say(t(state.said.key, state.said.vars), state.said.isError, true);
    renderScenarioForm();
    renderResult();
    if (!$("panel-inventory").hidden) loadInventory();
    for (const hook of rerenderHooks) hook();
  }

  // ---------- wiring ----------
  $("lang-toggle").addEventListener("click", () => setLanguage(state.lang === "zh" ? "en" : "zh"));
  $("key-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem("supplyopt.key", $("api-key").value.trim());
    try {
      await apiAll("/warehouses");
      sayKey("connected");
      loadBundledList();
      loadInventory();
      loadPlanList();
    } catch (err) { report(err); }
  });
  $("inventory-refresh").addEventListener("click", loadInventory);
  $("load-bundled").addEventListener("click", async () => {
    try { useScenario(await api("GET", "/scenarios/bundled/" + encodeURIComponent($("bundled").value))); } catch (err) { report(err); }
  });
  $("upload").addEventListener("change", (ev) => { if (ev.target.files[0]) uploadFile(ev.target.files[0]); });
  for (const id of ["sc-name", "sc-deadline", "sc-speed"]) $(id).addEventListener("change", readGeneralFields);
  $("import-warehouses").addEventListener("click", async () => {
    readGeneralFields();
    try {
      const r = await api("POST", "/warehouses/import", { scenario: state.scenario });
      sayKey("imported", { created: r.created_warehouses.length, existing: r.existing_warehouses.length });
    } catch (err) { if (err.status === 422) showProblems(err); report(err); }
  });
  $("run-plan").addEventListener("click", runPlan);
  $("cancel-plan").addEventListener("click", cancelPlan);
  $("plan-show").addEventListener("click", () => { if ($("plan-pick").value) showPlan($("plan-pick").value); });
  $("approve").addEventListener("click", approve);
  $("operate").addEventListener("click", () => { if (state.planId) window.SupplyoptOperation.open(state.planId); });
  for (const b of document.querySelectorAll("button.export")) b.addEventListener("click", () => download(b.dataset.export));
  $("compare").addEventListener("click", compare);

  // What the Operation view (operation.js) uses of this page.
  window.Supplyopt = {
    $, t, el, svg, api, apiAll, ApiError, pct, num, clock, say, sayKey, report, label, byKind, drawMap, drawTimeline,
    progressText, selectTab: (id) => selectTab($(id), false), onTab: (f) => tabHooks.push(f),
    onRerender: (f) => rerenderHooks.push(f), lang: () => state.lang,
    coverageColour, loadInventory, onInventory: (f) => inventoryHooks.push(f), planLabel: (id) => state.labels[id] || id,
  };
  applyLanguage();
  const key = sessionStorage.getItem("supplyopt.key");
  if (key) {
    $("api-key").value = key;
    loadBundledList();
    const saved = sessionStorage.getItem("supplyopt.scenario");
    if (saved) { state.scenario = JSON.parse(saved); renderScenarioForm(); }
    if (state.planId) showPlan(state.planId);
  }
  // after every script of the page has run, so the Operation view's hooks see the first tab
  document.addEventListener("DOMContentLoaded", () =>
    selectTab($(sessionStorage.getItem("supplyopt.tab") || "tab-inventory") || $("tab-inventory"), false));
})();
