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
  // Rounded down: a shortfall never reads 100 % (147 of 150 is 98 %); the hair keeps 0.29 at 29 %.
  const pct = (x) => (x === null || x === undefined ? t("none") : Math.floor(x * 100 + 1e-12) + "%");
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
      // the item catalogue keeps each item's display names: shown in the page's language, the id in data-item and title
      const N = window.SupplyoptNames;
      try { N.learn("item", await apiAll("/items")); } catch (err) { /* bare ids then */ }
      const itemCell = (item) => el("td", { "data-item": item, title: item }, N.item(item));
      warehouses.forEach((w, i) => {
        const rows = Object.entries(stocks[i]).map(([item, s]) =>
          el("tr", {}, itemCell(item), el("td", { class: "num" }, s.on_hand), el("td", { class: "num" }, s.reserved),
            el("td", { class: "num" }, s.available)));
        box.append(el("div", { class: "card" },
          el("h3", {}, (w.name || w.id) + (w.name ? " (" + w.id + ")" : "")),
          el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, t("item")), el("th", { class: "num" }, t("onHand")),
            el("th", { class: "num" }, t("reserved")), el("th", { class: "num" }, t("available")))), el("tbody", {}, rows))),
          el("p", { class: "hint" }, t("fleet") + ": " + Object.entries(w.fleet).map(([k, v]) => N.vehicleType(k) + " × " + v).join(", "))));
      });
      for (const hook of inventoryHooks) hook(warehouses, stocks);
      const ledgers = await Promise.all(warehouses.map((w) => api("GET", "/warehouses/" + encodeURIComponent(w.id) + "/movements")));
      const recent = ledgers.flat().sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, 15);
      $("movements").replaceChildren(
        el("thead", {}, el("tr", {}, ...["when", "warehouse", "item", "kind", "quantity", "reserved", "note"].map((k) => el("th", {}, t(k))))),
        el("tbody", {}, recent.map((m) => el("tr", {}, el("td", {}, new Date(m.created_at).toLocaleString()), el("td", {}, m.warehouse),
          itemCell(m.item), el("td", {}, m.kind), el("td", { class: "num" }, m.quantity), el("td", { class: "num" }, m.reserved_change),
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
    // With the live inventory: warn first when the inventory lacks items the scenario stocks.
    if ($("use-inventory").checked && window.SupplyoptStock && !(await window.SupplyoptStock.mayRun(state.scenario))) return;
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
      $("cancel-plan").disabled = false;
      $("progress").value = 0;
      poll(job.id);
    } catch (err) {
      if (err.status === 422) showProblems(err);
      report(err);
    }
  }
  /** A job's progress in the page's language: what it is doing in plain words and the seconds
   * it has solved of its time limit (by the server's clock). The solver's own messages stay out. */
  function progressText(job) {
    const limit = Number(job.time_limit_s) || 0;
    const ran = Math.max(0, Math.floor(job.elapsed_s || 0));
    if (job.status === "queued") return t("phaseQueued");
    if (job.status === "running") {
      const phase = ran < limit ? t("phaseSearching") : t("phaseFinishing");
      return phase + " · " + t("elapsedOf", { s: Math.min(ran, Math.ceil(limit)), limit: num(limit, 0) });
    }
    if (job.status === "done") return t("phaseDone", { s: num(job.elapsed_s, 1) });
    return t(job.status);
  }
  /** The bar: the share of the time limit used (the search stops at the limit or earlier). */
  function progressShare(job) {
    if (job.status === "done") return 1;
    if (job.status !== "running") return 0;
    const limit = Number(job.time_limit_s) || 0;
    return limit > 0 ? Math.min((job.elapsed_s || 0) / limit, 0.99) : 0;
  }
  function poll(id) {
    clearTimeout(state.polling);
    api("GET", "/plans/" + id).then((job) => {
      $("progress").value = progressShare(job);
      $("progress-text").textContent = progressText(job);
      if (job.status === "queued" || job.status === "running") { state.polling = setTimeout(() => poll(id), 400); return; }
      $("run-plan").disabled = false;
      $("cancel-plan").hidden = true;
      state.running = null;
      if (job.status === "done") {
        sayKey("planDone", { id });
        showPlan(id);
        selectTab($("tab-result"), false);
      } else if (job.status === "cancelled") sayKey("planCancelled", { id });
      else say(t("planFailed", { id, error: job.error || t(job.status) }), true);
    }).catch((err) => { report(err); $("run-plan").disabled = false; });
  }
  async function cancelPlan() {
    const id = state.running;
    if (!id) return;
    $("cancel-plan").disabled = true;
    try { await api("POST", "/plans/" + id + "/cancel"); poll(id); } catch (err) { report(err); $("cancel-plan").disabled = false; }
  }

  // ---------- result ----------
  /** A plan in a list: scenario, when, status and coverage (the same in every browser session). */
  function planLabel(p) {
    const when = p.created_at ? new Date(p.created_at).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB",
      { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
    const parts = [p.scenario_name || t("plan"), when, t(p.status)];
    if (p.status === "done") parts.push(t("coverage") + " " + pct(p.coverage_on_time));
    if (p.approval) parts.push(t("appr_" + p.approval));
    if (p.previous) parts.push(t("revisionShort"));
    return parts.filter((x) => x).join(" · ");
  }
  async function loadPlanList() {
    if (!sessionStorage.getItem("supplyopt.key")) return;
    try {
      const list = await api("GET", "/plans?limit=50");
      state.plans = list.plans;
      const done = list.plans.filter((p) => p.status === "done");
      const opts = (rows, sel) => rows.map((p) => el("option", { value: p.id, selected: p.id === sel, disabled: p.status !== "done", title: p.id }, planLabel(p)));
      $("plan-pick").replaceChildren(...opts(list.plans, state.planId || (done[0] && done[0].id)));
      $("cmp-a").replaceChildren(...opts(done, done[1] && done[1].id));
      $("cmp-b").replaceChildren(...opts(done, done[0] && done[0].id));
      if (!state.job) $("result-empty").textContent = t(done.length ? "pickPlan" : "noPlan");
    } catch (err) { report(err); }
  }
  rerenderHooks.push(() => { if (state.plans) loadPlanList(); }); // the labels in the new language
  async function showPlan(id) {
    state.planId = id;
    sessionStorage.setItem("supplyopt.plan", id);
    try {
      const [job, geo] = await Promise.all([api("GET", "/plans/" + id), api("GET", "/plans/" + id + "/export/plan.geojson")]);
      state.job = job;
      state.geo = typeof geo === "string" ? JSON.parse(geo) : geo;
      renderResult();
    } catch (err) {
      if (err.status === 404) { state.planId = null; sessionStorage.removeItem("supplyopt.plan"); }
      report(err);
    }
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
    // each KPI's definition (the Compare tab's def_* texts) behind a small disclosure button on its card
    const defs = { kpiCoverage: "def_coverage", kpiWeighted: "def_weighted", kpiMinArea: "def_minArea", kpiMakespan: "def_makespan",
      kpiVehicles: "def_vehicles", kpiDistance: "def_distance", kpiUnits: "def_units" };
    const define = (k) => (defs[k] ? el("details", { class: "kpi-def" },
      el("summary", { "aria-label": t("kpiDefine", { name: t(k) }), title: t("kpiDefine", { name: t(k) }) }, "ⓘ"),
      el("p", {}, t(defs[k]))) : null);
    $("kpis").replaceChildren(...kpis.map(([k, v]) => el("div", { class: "kpi", "data-kpi": k },
      el("div", { class: "v" }, v), el("div", { class: "k" }, t(k)), define(k))));
    showApproval(job);
    if (window.SupplyoptStock) window.SupplyoptStock.renderUsed(job);
    drawMap(geo);
    drawAreaTable(geo);
    drawTimeline(geo);
  }
  const byKind = (geo, kind) => geo.features.filter((f) => f.properties.kind === kind);

  // The map and the timeline are drawn by map.js and timeline.js (they add drawMap and
  // drawTimeline to window.Supplyopt once this file has run).
  function drawMap(geo, opts) { return window.Supplyopt.drawMap(geo, opts); }
  /** The per-area table (static/areas.js) and the shortage summary (static/shortage.js). */
  function drawAreaTable(geo) {
    window.SupplyoptAreas.draw(geo);
    window.SupplyoptShortage.draw(geo);
  }
  function drawTimeline(geo, opts) { return window.Supplyopt.drawTimeline(geo, opts); }
  /** The approval line and buttons of the shown plan (approve, dispatch, release: approval.js). */
  function showApproval(job) {
    $("approval").textContent = job.approval ? t("approvalState", { state: t("appr_" + job.approval) }) : "";
    $("approve").disabled = !!job.approval; // a released approval is final too (the API answers 409)
    $("operate").hidden = !(job.approval === "approved" || job.approval === "dispatched");
    if (window.SupplyoptApproval) window.SupplyoptApproval.render(job);
  }
  /** Approve asks first: approval.js shows what will be reserved, then confirms or cancels. */
  function approve() {
    if (!state.planId || !state.job) return;
    window.SupplyoptApproval.ask("approve", state.job);
  }
  /** After approve, dispatch or release: the job as the API answered it. */
  function approvalChanged(job) {
    state.job = job;
    showApproval(job);
    if (!$("panel-inventory").hidden) loadInventory();
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
      const me = await api("GET", "/keys/me");
      // what this key's role cannot do is hidden (app.css: .needs-planner, .needs-manager)
      document.body.dataset.role = me.role;
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
      const added = Object.keys(r.added_stock || {}).length;
      sayKey(added ? "importedAdded" : "imported", { created: r.created_warehouses.length, existing: r.existing_warehouses.length, added });
      if (window.SupplyoptStock) window.SupplyoptStock.refresh();
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
    progressText, progressShare, approvalChanged, planId: () => state.planId, job: () => state.job,
    scenario: () => state.scenario,
    selectTab: (id) => selectTab($(id), false), onTab: (f) => tabHooks.push(f),
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
