/* supplyopt dashboard: compare two finished plans (What-if tab). The KPIs side by side, each
 * with its definition (contract §2), then what changes per area: on-time coverage, per item
 * on time / demand, first and last arrival. */
"use strict";
(function () {
  const S = window.Supplyopt;
  const N = window.SupplyoptNames;
  const { $, t, el, pct, num } = S;
  const EPS = 1e-9;
  let last = null; // {a, b, ja, jb, ga, gb}: redrawn in the page's language

  // [label key, summary field, decimals (null: a share, in %), higher is better (null: neither), definition key]
  const KPIS = [
    ["kpiCoverage", "coverage_on_time", null, true, "def_coverage"],
    ["kpiWeighted", "weighted_coverage_on_time", null, true, "def_weighted"],
    ["kpiMinArea", "min_area_coverage", null, true, "def_minArea"],
    ["kpiOnTimeUnits", "on_time_units", 0, true, "def_onTimeUnits"],
    ["kpiMakespan", "makespan_hours", 2, false, "def_makespan"],
    ["kpiVehicles", "vehicles_used", 0, false, "def_vehicles"],
    ["kpiDistance", "distance_km", 0, false, "def_distance"],
    ["kpiSolve", "solve_seconds", 1, null, "def_solve"],
  ];
  /** "+1.5", "−2", "±0": the sign of what is shown (a change that rounds to zero is ±0). */
  function signed(d, digits) {
    const shown = Math.abs(d).toFixed(digits).replace(/\.0+$/, "");
    return (Number(shown) === 0 ? "±" : d > 0 ? "+" : "−") + shown;
  }
  const ptDelta = (d) => signed(d * 100, 1) + " " + t("pt");
  function judge(d, up) {
    if (up === null || Math.abs(d) < EPS) return null;
    return (d > 0) === up ? "better" : "worse";
  }

  function kpiTable(sa, sb) {
    const body = KPIS.map(([k, f, digits, up, def]) => {
      const d = sb[f] - sa[f];
      const fmt = digits === null ? pct : (v) => num(v, digits);
      const shown = digits === null ? ptDelta(d) : signed(d, digits);
      return el("tr", { "data-kpi": f }, el("th", { scope: "row" }, t(k)), el("td", { class: "num" }, fmt(sa[f])),
        el("td", { class: "num" }, fmt(sb[f])), el("td", { class: "num " + (judge(d, up) || "") }, shown),
        el("td", { class: "wrap definition" }, t(def)));
    });
    $("compare-table").replaceChildren(el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("metric")),
      el("th", { scope: "col" }, t("planA") + " " + S.planLabel(last.a)), el("th", { scope: "col" }, t("planB") + " " + S.planLabel(last.b)),
      el("th", { scope: "col" }, t("delta")), el("th", { scope: "col" }, t("definition")))), el("tbody", {}, body));
  }

  const areasOf = (geo) => new Map(S.byKind(geo, "area").map((f) => [f.properties.id, f.properties]));
  /** One area's difference: null when nothing differs. */
  function areaDiff(id, pa, pb) {
    const p = pa || pb;
    const ia = new Map(((pa && pa.items) || []).map((r) => [r.item, r]));
    const ib = new Map(((pb && pb.items) || []).map((r) => [r.item, r]));
    const items = [...new Set([...ia.keys(), ...ib.keys()])].map((item) => {
      const a = ia.get(item), b = ib.get(item);
      const d = (b ? b.on_time : 0) - (a ? a.on_time : 0);
      return { item, a, b, d };
    });
    const ca = pa ? pa.coverage : null, cb = pb ? pb.coverage : null;
    const dc = ca !== null && cb !== null ? cb - ca : null;
    const arrivals = ["first_arrival_hours", "last_arrival_hours"].map((f) => [pa ? pa[f] : null, pb ? pb[f] : null]);
    const changed = !pa || !pb || (dc !== null && Math.abs(dc) > EPS) || items.some((r) => r.d !== 0 || (r.a && r.b && r.a.demand !== r.b.demand))
      || arrivals.some(([x, y]) => (x === null) !== (y === null) || (x !== null && Math.abs(x - y) > 0.005));
    return { id, label: S.label(p), pa, pb, items, ca, cb, dc, arrivals, changed };
  }
  const units = (r) => (r ? r.on_time + "/" + r.demand : t("none"));
  function arrivalCell([x, y], deadline) {
    const d = x !== null && y !== null ? y - x : null;
    const cls = d === null || Math.abs(d) < 0.005 ? null : d < 0 ? "better" : "worse";
    return el("td", { class: y !== null && y > deadline ? "late" : null }, S.clock(x), " → ", S.clock(y),
      d !== null && Math.abs(d) >= 0.005 ? el("span", { class: "d " + cls }, " (" + signed(d, 2) + " " + t("hours") + ")") : null);
  }
  function areaRow(r, deadline) {
    const onlyIn = !r.pa ? t("onlyInB") : !r.pb ? t("onlyInA") : null;
    return el("tr", { "data-area": r.id, class: r.changed ? "changed" : null },
      el("th", { scope: "row" }, r.label, onlyIn ? el("span", { class: "tag" }, onlyIn) : null),
      el("td", { class: "num" }, pct(r.ca)), el("td", { class: "num" }, pct(r.cb)),
      el("td", { class: "num " + (r.dc === null ? "" : judge(r.dc, true) || "") }, r.dc === null ? t("none") : ptDelta(r.dc)),
      el("td", { class: "wrap" }, r.items.map((x, i) => [i ? el("br") : null, el("span", { "data-item": x.item },
        N.item(x.item) + " " + units(x.a) + " → " + units(x.b),
        x.d ? el("span", { class: "d " + (x.d > 0 ? "better" : "worse") }, " (" + signed(x.d, 0) + ")") : null)])),
      arrivalCell(r.arrivals[0], deadline), arrivalCell(r.arrivals[1], deadline));
  }
  function areaTable() {
    const ma = areasOf(last.ga), mb = areasOf(last.gb);
    const ids = [...new Set([...ma.keys(), ...mb.keys()])];
    const diffs = ids.map((id) => areaDiff(id, ma.get(id), mb.get(id)));
    // most changed first: coverage change (losses before gains of the same size), then name
    diffs.sort((x, y) => (Math.abs(y.dc || 0) - Math.abs(x.dc || 0)) || ((x.dc || 0) - (y.dc || 0)) || x.label.localeCompare(y.label));
    const onlyChanged = $("cmp-only-changed").checked;
    const shown = diffs.filter((r) => !onlyChanged || r.changed);
    const n = diffs.filter((r) => r.changed).length;
    $("cmp-areas-count").textContent = t("areasChanged", { n, all: diffs.length });
    const deadline = Math.max(last.ga.deadline_hours, last.gb.deadline_hours);
    const head = el("tr", {}, ...["area", "covA", "covB", "delta", "itemsAB", "firstArrivalAB", "lastArrivalAB"].map((k) => el("th", { scope: "col" }, t(k))));
    const body = shown.length ? shown.map((r) => areaRow(r, deadline)) : [el("tr", {}, el("td", { colspan: 7 }, t("noAreaChanges")))];
    $("compare-areas").replaceChildren(el("thead", {}, head), el("tbody", {}, body));
    $("compare-areas-box").hidden = false;
  }
  function render() {
    if (!last) return;
    kpiTable(last.ja.plan.summary, last.jb.plan.summary);
    areaTable();
  }
  const asJson = (x) => (typeof x === "string" ? JSON.parse(x) : x);

  /** Compare plans a and b (ids); called by app.js's Compare button. */
  async function run(a, b) {
    if (!a || !b) { S.sayKey("pickTwo", null, true); return; }
    try {
      const [ja, jb, ga, gb] = await Promise.all([S.api("GET", "/plans/" + a), S.api("GET", "/plans/" + b),
        S.api("GET", "/plans/" + a + "/export/plan.geojson"), S.api("GET", "/plans/" + b + "/export/plan.geojson")]);
      last = { a, b, ja, jb, ga: asJson(ga), gb: asJson(gb) };
      N.learnGeo(last.ga);
      N.learnGeo(last.gb);
      render();
    } catch (err) { S.report(err); }
  }
  $("cmp-only-changed").addEventListener("change", () => { if (last) areaTable(); });
  S.onRerender(render);
  window.SupplyoptCompare = { run };
})();
