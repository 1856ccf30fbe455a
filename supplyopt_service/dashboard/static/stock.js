/* supplyopt dashboard: the stock a plan will use (before running) and used (in the result).
 *
 * With "Use live inventory", each scenario warehouse that exists in the service plans with its
 * available stock, not the form's; an item it never held plans with 0. The run section shows
 * that stock (POST /plans/stock-preview) and warns, before running, about items the inventory
 * lacks; the result shows the stock the plan was made with (the job's inventory_used). */
"use strict";
(function () {
  const S = window.Supplyopt;
  const N = window.SupplyoptNames;
  const { $, t, el } = S;
  /** A column head naming an item in the page's language, its id in data-item and the title. */
  const itemHead = (i) => el("th", { scope: "col", "data-item": i, title: i }, N.item(i));
  const box = el("div", { id: "stock-preview", class: "stock-preview", hidden: true });
  const used = el("details", { id: "stock-used", class: "stock-used", hidden: true });
  $("run-box").querySelector(".progress-row").after(box);
  $("kpis").after(used);
  let preview = null; // {scenario (JSON text), rows}
  let confirmed = null; // the scenario text a "run anyway" was given for
  let warnedFor = null; // the scenario text a run was held back for

  const nameOf = (scenario, id) => {
    const w = (scenario.warehouses || []).find((x) => x.id === id);
    return w && w.name ? w.name + " (" + id + ")" : id;
  };
  const missingOf = (rows) => rows.filter((w) => w.not_held.length);

  async function load(scenario) {
    const text = JSON.stringify(scenario);
    const answer = await S.api("POST", "/plans/stock-preview", { scenario });
    preview = { scenario: text, rows: answer.warehouses };
    return preview.rows;
  }

  /** Show, per warehouse and item, the units a plan with the live inventory would use now. */
  async function show(scenario, warnRun) {
    if (!scenario || !$("use-inventory").checked) { box.hidden = true; return null; }
    let rows;
    try { rows = await load(scenario); } catch (err) {
      box.hidden = true; // a scenario the service refuses: the run request says where (422)
      return null;
    }
    N.learnScenario(scenario); // the scenario's item names, for the column heads
    const items = scenario.items.map((i) => i.id);
    const missing = missingOf(rows);
    warnRun = warnRun || warnedFor === preview.scenario; // a refresh keeps the "Run anyway" choice
    const cell = (w, i) => {
      const planned = w.stock[i], inFile = w.file_stock[i];
      if (w.not_held.includes(i)) return el("td", { class: "num short", "data-item": i }, planned + " ", el("small", {}, t("inFile", { n: inFile })));
      return el("td", { class: "num" + (planned < inFile ? " short" : ""), "data-item": i }, String(planned),
        planned !== inFile ? el("small", {}, " " + t("inFile", { n: inFile })) : null);
    };
    const table = el("table", { id: "stock-preview-table" },
      el("caption", {}, t("stockWillUse")),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("warehouse")), el("th", { scope: "col" }, t("stockSource")),
        ...items.map(itemHead))),
      el("tbody", {}, rows.map((w) => el("tr", { "data-warehouse": w.id },
        el("th", { scope: "row" }, nameOf(scenario, w.id)),
        el("td", {}, t(w.in_service ? "fromInventory" : "fromFile")),
        ...items.map((i) => cell(w, i))))));
    const warn = missing.length ? el("div", { class: "errors", role: "alert", id: "stock-missing" },
      el("p", {}, t("notHeldWarn")),
      el("ul", {}, missing.map((w) => el("li", {}, nameOf(scenario, w.id) + ": " +
        w.not_held.map((i) => t("notHeldItem", { item: N.item(i), n: w.file_stock[i] })).join(t("listSep"))))),
      el("p", {}, t("notHeldFix")),
      warnRun ? el("div", { class: "row wrap" },
        el("button", { type: "button", id: "run-anyway", class: "primary", onclick: () => { confirmed = preview.scenario; $("run-plan").click(); } }, t("runAnyway")),
        el("button", { type: "button", id: "run-import", onclick: () => $("import-warehouses").click() }, t("importWarehouses"))) : null) : null;
    box.replaceChildren(...[warn, el("div", { class: "table-wrap" }, table)].filter((x) => x));
    box.hidden = false;
    return rows;
  }

  /** Whether a live-inventory plan may run now: yes unless the inventory lacks scenario items
   * and the person has not yet chosen "Run anyway" for this very scenario. */
  async function mayRun(scenario) {
    const rows = await show(scenario, true);
    if (rows === null) return true; // no preview (e.g. 422): POST /plans reports the problems
    if (!missingOf(rows).length || confirmed === preview.scenario) return true;
    warnedFor = preview.scenario;
    S.sayKey("notHeldStatus", null, true);
    $("stock-missing").scrollIntoView({ block: "nearest" });
    return false;
  }

  /** The result: the stock the plan was made with, per warehouse and item. */
  function renderUsed(job) {
    const notes = ((job.plan && job.plan.notes) || []).filter((n) => n.startsWith("live inventory:"));
    if (!job.use_inventory || !job.inventory_used) {
      used.replaceChildren(el("summary", {}, t("stockUsedFile")));
      used.hidden = !job.plan;
      return;
    }
    const stock = job.inventory_used;
    const items = [...new Set(Object.values(stock).flatMap((s) => Object.keys(s)))];
    used.replaceChildren(...[
      el("summary", {}, t("stockUsedLive", { n: Object.keys(stock).length })),
      notes.length ? el("p", { class: "errors", id: "stock-used-notes" }, t("stockUsedMissing")) : null,
      el("div", { class: "table-wrap" }, el("table", { id: "stock-used-table" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("warehouse")), ...items.map(itemHead))),
        el("tbody", {}, Object.entries(stock).map(([w, s]) => el("tr", { "data-warehouse": w }, el("th", { scope: "row" }, w),
          ...items.map((i) => el("td", { class: "num" + (s[i] ? "" : " short") }, String(s[i] || 0)))))))),
      el("p", { class: "hint" }, t("stockUsedHint"))].filter((x) => x));
    used.open = notes.length > 0;
    used.hidden = false;
  }

  // Shown again whenever the box is ticked or the scenario (or the inventory) may have changed.
  let timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(() => show(S.scenario(), false), 150);
  }
  $("use-inventory").addEventListener("change", refresh);
  $("panel-scenario").addEventListener("change", (ev) => { if (!["use-inventory", "upload", "time-limit"].includes(ev.target.id)) refresh(); });
  S.onTab((id) => { if (id === "tab-scenario") refresh(); });
  S.onRerender(() => { if (!box.hidden) refresh(); }); // the page's language changed
  new MutationObserver(refresh).observe($("wh-table"), { childList: true }); // a scenario (re)loaded
  window.SupplyoptStock = { show, mayRun, renderUsed, refresh };
})();
