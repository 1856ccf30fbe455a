/* supplyopt dashboard: what a plan leaves short, per item and warehouse, and why, in plain
 * words (#shortage). Reads the plan GeoJSON: each area's `unmet` entries (contract §2: area,
 * item, quantity, reason; `detail` is the planner's evidence) and each warehouse's `stock`
 * (what the plan had) and `shipped` (what it sends). */
"use strict";
(function () {
  const S = window.Supplyopt;
  const N = window.SupplyoptNames;
  const { $, t, el } = S;
  const REASONS = ["stock", "fleet", "deadline", "unreachable", "not_served"];
  const MAX_NAMED = 4;

  const fmt = (n) => new Intl.NumberFormat(S.lang() === "zh" ? "zh-CN" : "en").format(n);
  /** "A, B, C and 2 more" in the page's language. */
  function areaList(names) {
    const head = names.slice(0, MAX_NAMED).join(t("listSep"));
    return names.length > MAX_NAMED ? t("andMore", { list: head, n: names.length - MAX_NAMED }) : head;
  }
  /** {item: {demand, short, byReason: {reason: {quantity, areas: [{id, label, quantity, detail}]}}}} */
  function shortages(geo) {
    const out = new Map();
    for (const f of S.byKind(geo, "area")) {
      const p = f.properties;
      for (const r of p.items) {
        if (!out.has(r.item)) out.set(r.item, { demand: 0, short: 0, areas: new Set(), byReason: {} });
        out.get(r.item).demand += r.demand;
      }
      for (const u of p.unmet) {
        if (!out.has(u.item)) out.set(u.item, { demand: 0, short: 0, areas: new Set(), byReason: {} });
        const s = out.get(u.item);
        s.short += u.quantity;
        s.areas.add(p.id);
        const why = s.byReason[u.reason] || (s.byReason[u.reason] = { quantity: 0, areas: [] });
        why.quantity += u.quantity;
        why.areas.push({ id: p.id, label: S.label(p), quantity: u.quantity, detail: u.detail || "" });
      }
    }
    return out;
  }
  function warehouseTable(geo, item) {
    const rows = S.byKind(geo, "warehouse").map((f) => f.properties).filter((w) => (w.stock || {})[item] || (w.shipped || {})[item]);
    if (!rows.length) return el("p", { class: "hint" }, t("noStockAnywhere"));
    const fleet = (w) => Object.entries(w.fleet || {}).filter(([, n]) => n > 0).map(([ty, n]) => N.vehicleType(ty) + " × " + n).join(t("listSep"));
    return el("div", { class: "table-wrap" }, el("table", { class: "shortage-wh" },
      el("thead", {}, el("tr", {}, ...["warehouse", "stockPlanned", "sent", "left", "fleet"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, rows.map((w) => {
        const held = (w.stock || {})[item] || 0, sent = (w.shipped || {})[item] || 0;
        return el("tr", { "data-warehouse": w.id }, el("th", { scope: "row" }, S.label(w)), el("td", { class: "num" }, fmt(held)),
          el("td", { class: "num" }, fmt(sent)), el("td", { class: "num" }, fmt(held - sent)), el("td", { class: "wrap" }, fleet(w) || t("none")));
      }))));
  }
  function itemBlock(geo, item, s) {
    const held = S.byKind(geo, "warehouse").reduce((n, f) => n + ((f.properties.stock || {})[item] || 0), 0);
    const sent = S.byKind(geo, "warehouse").reduce((n, f) => n + ((f.properties.shipped || {})[item] || 0), 0);
    const reasons = REASONS.filter((r) => s.byReason[r]).map((r) => {
      const why = s.byReason[r];
      return el("li", { "data-reason": r }, t("why_" + r, {
        q: fmt(why.quantity), areas: areaList(why.areas.map((a) => a.label)), held: fmt(held), sent: fmt(sent),
        left: fmt(held - sent), deadline: geo.deadline_hours,
      }));
    });
    const perArea = REASONS.filter((r) => s.byReason[r]).flatMap((r) => s.byReason[r].areas.map((a) =>
      el("tr", { "data-area": a.id }, el("th", { scope: "row" }, a.label), el("td", { class: "num" }, fmt(a.quantity)),
        el("td", {}, t("reason_" + r)), el("td", { class: "wrap detail", lang: "en" }, a.detail || t("none")))));
    return el("article", { class: "shortage-item", "data-item": item },
      el("h4", {}, N.item(item), el("span", { class: "tag" }, t("shortOf", { short: fmt(s.short), demand: fmt(s.demand), n: s.areas.size }))),
      el("ul", { class: "reasons" }, reasons),
      warehouseTable(geo, item),
      el("details", {}, el("summary", {}, t("shortPerArea")), el("div", { class: "table-wrap" }, el("table", {},
        el("thead", {}, el("tr", {}, ...["area", "quantity", "reason", "plannerNote"].map((k) => el("th", { scope: "col" }, t(k))))),
        el("tbody", {}, perArea)))));
  }

  /** Draw the summary of a plan's GeoJSON into #shortage-body. */
  function draw(geo) {
    N.learnGeo(geo);
    const all = shortages(geo);
    const short = [...all.entries()].filter(([, s]) => s.short > 0).sort((a, b) => b[1].short - a[1].short);
    const box = $("shortage-body");
    if (!short.length) { box.replaceChildren(el("p", { class: "all-met" }, t("nothingShort"))); return; }
    const total = short.reduce((n, [, s]) => n + s.short, 0);
    box.replaceChildren(el("p", {}, t("shortLead", { total: fmt(total), items: short.length })),
      ...short.map(([item, s]) => itemBlock(geo, item, s)));
  }
  window.SupplyoptShortage = { draw };
})();
