/* supplyopt dashboard: the per-area table of a plan (#area-results), sortable by every column
 * (a button in each header: click, Enter or Space; aria-sort says the order) and filterable
 * (name, only areas short of something, one item). Each row keeps data-area = the area id;
 * SupplyoptAreas.onDrawn(f) calls f(table) after each redraw (to re-apply a highlight). */
"use strict";
(function () {
  const S = window.Supplyopt;
  const N = window.SupplyoptNames;
  const { $, t, el } = S;
  const view = { geo: null, sort: null, dir: 1, text: "", onlyShort: false, item: "" };
  const drawn = []; // called with the table after every redraw (sorting and filtering redraw it)

  /** One area's row data under the item filter: what every column shows and sorts by. */
  function rowOf(p) {
    const items = view.item ? p.items.filter((r) => r.item === view.item) : p.items;
    const unmet = view.item ? p.unmet.filter((u) => u.item === view.item) : p.unmet;
    const demand = items.reduce((n, r) => n + r.demand, 0);
    const onTime = items.reduce((n, r) => n + r.on_time, 0);
    let coverage = p.coverage;
    if (view.item) coverage = items.length ? items[0].coverage : null;
    return { p, items, unmet, demand, onTime, coverage, short: unmet.reduce((n, u) => n + u.quantity, 0) };
  }
  const COLUMNS = [
    ["area", (r) => S.label(r.p)],
    ["coverage", (r) => r.coverage],
    ["firstArrival", (r) => r.p.first_arrival_hours],
    ["lastArrival", (r) => r.p.last_arrival_hours],
    ["items", (r) => (r.demand ? r.onTime / r.demand : null)],
    ["unmet", (r) => r.short],
  ];
  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1; // no value: always last
    if (b === null || b === undefined) return -1;
    if (typeof a === "string") return a.localeCompare(b, S.lang() === "zh" ? "zh-CN" : "en") * view.dir;
    return (a < b ? -1 : 1) * view.dir;
  }
  function matches(r) {
    if (view.item && !r.items.length && !r.unmet.length) return false;
    if (view.onlyShort && !r.short) return false;
    const q = view.text.trim().toLowerCase();
    return !q || S.label(r.p).toLowerCase().includes(q) || r.p.id.toLowerCase().includes(q);
  }
  function header() {
    return el("tr", {}, COLUMNS.map(([key], i) => {
      const on = view.sort === i;
      return el("th", { scope: "col", "aria-sort": on ? (view.dir > 0 ? "ascending" : "descending") : "none" },
        el("button", { type: "button", class: "sort", "data-col": key, onclick: () => sortBy(i) },
          t(key), el("span", { class: "arrow", "aria-hidden": "true" }, on ? (view.dir > 0 ? " ▲" : " ▼") : " ↕")));
    }));
  }
  function sortBy(i) {
    if (view.sort === i) view.dir = -view.dir;
    else { view.sort = i; view.dir = 1; }
    render();
    const button = $("area-results").querySelectorAll("thead button.sort")[i];
    if (button) button.focus();
  }
  function row(r) {
    const p = r.p, deadline = view.geo.deadline_hours;
    const late = p.last_arrival_hours !== null && p.last_arrival_hours > deadline;
    return el("tr", { "data-area": p.id, class: r.short ? "short" : null },
      el("th", { scope: "row" }, el("span", { class: "swatch", "data-c": r.coverage === null ? "" : r.coverage }), S.label(p)),
      el("td", { class: "num" }, S.pct(r.coverage)),
      el("td", {}, S.clock(p.first_arrival_hours)),
      el("td", { class: late ? "late" : null }, S.clock(p.last_arrival_hours)),
      el("td", { class: "wrap" }, r.items.map((x, i) => [i ? el("br") : null, N.item(x.item) + " " + x.on_time + "/" + x.demand])),
      el("td", { class: "wrap" }, r.unmet.length
        ? r.unmet.map((u, i) => [i ? el("br") : null, N.item(u.item) + " " + u.quantity + " (" + t("reason_" + u.reason) + ")"])
        : t("none")));
  }
  function render() {
    const geo = view.geo;
    if (!geo) return;
    const all = S.byKind(geo, "area").map((f) => rowOf(f.properties));
    const shown = all.filter(matches);
    if (view.sort !== null) {
      const key = COLUMNS[view.sort][1];
      shown.sort((a, b) => compare(key(a), key(b)) || a.p.id.localeCompare(b.p.id));
    }
    const body = shown.length ? shown.map(row) : [el("tr", { class: "empty" }, el("td", { colspan: COLUMNS.length }, t("noAreaMatches")))];
    $("area-results").replaceChildren(el("thead", {}, header()), el("tbody", {}, body));
    for (const s of $("area-results").querySelectorAll(".swatch")) s.style.background = S.coverageColour(s.dataset.c === "" ? null : Number(s.dataset.c));
    $("area-count").textContent = t("areasShown", { shown: shown.length, all: all.length });
    for (const hook of drawn) hook($("area-results"));
  }
  function fillItems() {
    const ids = [...new Set(S.byKind(view.geo, "area").flatMap((f) => f.properties.items.map((r) => r.item)))];
    if (view.item && !ids.includes(view.item)) view.item = "";
    $("area-item").replaceChildren(el("option", { value: "" }, t("allItems")),
      ...ids.map((id) => el("option", { value: id, selected: id === view.item }, N.item(id))));
  }

  /** Draw the table of a plan's GeoJSON (called by app.js whenever the result is drawn). */
  function draw(geo) {
    N.learnGeo(geo);
    view.geo = geo;
    fillItems();
    render();
  }
  $("area-filter").addEventListener("input", (ev) => { view.text = ev.target.value; render(); });
  $("area-only-short").addEventListener("change", (ev) => { view.onlyShort = ev.target.checked; render(); });
  $("area-item").addEventListener("change", (ev) => { view.item = ev.target.value; render(); });
  window.SupplyoptAreas = { draw, onDrawn: (f) => drawn.push(f) };
})();
