/* supplyopt dashboard: approve, dispatch and release a plan, each confirmed first.
 *
 * Approving reserves every unit the plan takes from service warehouses (often thousands), so
 * the page first shows what will be reserved per warehouse and item against what is available
 * now; a 409 shortfall comes back as a table. Dispatch (POST /plans/{id}/dispatch) issues the
 * reservation, release (POST /plans/{id}/release) gives it back; both confirm with the units. */
"use strict";
(function () {
  const S = window.Supplyopt;
  const N = window.SupplyoptNames;
  const { $, t, el } = S;
  const dispatchBtn = el("button", { type: "button", id: "dispatch", class: "needs-manager", hidden: true, onclick: () => ask("dispatch", S.job()) }, t("dispatchPlan"));
  const releaseBtn = el("button", { type: "button", id: "release", class: "needs-manager", hidden: true, onclick: () => ask("release", S.job()) }, t("releasePlan"));
  $("approve").after(dispatchBtn, releaseBtn);
  const panel = el("div", { id: "approval-confirm", class: "preview", hidden: true });
  const refused = el("div", { id: "approval-shortfall", class: "errors", role: "alert", hidden: true });
  $("result").querySelector(".actions").after(panel, refused);
  let asked = null; // {action, planId}

  const fmt = (n) => Number(n).toLocaleString(S.lang() === "zh" ? "zh-CN" : "en-GB");

  /** Units the plan loads per warehouse and item (what approving reserves at service warehouses). */
  function takes(plan) {
    const out = {};
    const add = (warehouse, item, q) => {
      out[warehouse] = out[warehouse] || {};
      out[warehouse][item] = (out[warehouse][item] || 0) + q;
    };
    for (const trip of plan.trips || []) {
      for (const stop of trip.stops) for (const [item, q] of Object.entries(stop.deliver)) add(trip.warehouse, item, q);
      // A stock transfer takes from its warehouse what the other's loadings then need not take.
      if (trip.transfer) for (const [item, q] of Object.entries(trip.transfer.deliver)) {
        add(trip.warehouse, item, q);
        add(trip.transfer.warehouse, item, -q);
      }
    }
    for (const w of Object.keys(out)) for (const item of Object.keys(out[w])) if (out[w][item] <= 0) delete out[w][item];
    return out;
  }
  function unitsTable(id, rows, cols) {
    return el("div", { class: "table-wrap" }, el("table", { id },
      el("thead", {}, el("tr", {}, ...cols.map(([k]) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, rows.map((r) => el("tr", { class: r.short ? "short" : null },
        ...cols.map(([k, f, num], i) => el(i ? "td" : "th", i ? { class: num ? "num" : null } : { scope: "row" }, f(r))))))));
  }

  /** Ask before approve, dispatch or release: what changes, per warehouse and item. */
  async function ask(action, job) {
    if (!job || !job.plan) return;
    refused.hidden = true;
    let rows, text, delta = false;
    try {
      const previous = action === "approve" && job.previous ? await S.api("GET", "/plans/" + job.previous) : null;
      if (previous && (previous.approval === "approved" || previous.approval === "dispatched")) {
        // a revision takes its plan's reservation over: it reserves (or releases) only the difference
        const warehouses = (await S.apiAll("/warehouses")).map((w) => w.id);
        delta = true;
        rows = window.SupplyoptRevision.reservationDelta(previous.plan, job.plan, warehouses).map((r) =>
          ({ warehouse: r.warehouse, item: r.item, units: r.delta, change: t(r.delta > 0 ? "reserveN" : "releaseN", { n: fmt(Math.abs(r.delta)) }) }));
      } else if (action === "approve") {
        const warehouses = await S.apiAll("/warehouses");
        const known = Object.fromEntries(warehouses.map((w) => [w.id, w]));
        rows = [];
        for (const [w, items] of Object.entries(takes(job.plan)).sort()) {
          if (!known[w]) continue; // not in the service: nothing to reserve there
          for (const [item, q] of Object.entries(items).sort()) {
            const available = (known[w].available || {})[item] || 0;
            rows.push({ warehouse: known[w].name ? known[w].name + " (" + w + ")" : w, item, units: q, available, after: available - q, short: available < q });
          }
        }
      } else {
        rows = Object.entries(job.reservations || {}).sort().flatMap(([w, items]) =>
          Object.entries(items).sort().map(([item, q]) => ({ warehouse: w, item, units: q })));
      }
    } catch (err) { S.report(err); return; }
    const total = rows.reduce((a, r) => a + Math.max(r.units, 0), 0);
    const nw = new Set(rows.map((r) => r.warehouse)).size;
    if (delta) text = rows.length ? t("confirm_revision", { n: fmt(total), id: job.previous }) : t("previewNothing");
    else text = t("confirm_" + action, { n: fmt(total), w: nw });
    const cols = [["warehouse", (r) => r.warehouse], ["item", (r) => N.item(r.item)]];
    if (delta) cols.push(["reservation", (r) => r.change]);
    else cols.push([action === "approve" ? "willReserve" : "reservedUnits", (r) => fmt(r.units), true]);
    if (action === "approve" && !delta) cols.push(["availableNow", (r) => fmt(r.available), true], ["leftAfter", (r) => fmt(r.after), true]);
    asked = { action, planId: job.id };
    panel.replaceChildren(...[el("p", { id: "approval-confirm-text" }, text),
      rows.length ? unitsTable("approval-confirm-table", rows, cols) : null,
      rows.some((r) => r.short) ? el("p", { class: "late" }, t("willBeRefused")) : null,
      el("div", { class: "row wrap" },
        el("button", { type: "button", id: "approval-confirm-ok", class: "primary", onclick: confirm }, t("confirmBtn_" + action)),
        el("button", { type: "button", id: "approval-confirm-cancel", onclick: () => { panel.hidden = true; asked = null; } }, t("cancel")))].filter((x) => x));
    panel.hidden = false;
    $("approval-confirm-ok").focus();
  }

  async function confirm() {
    if (!asked) return;
    const { action, planId } = asked;
    asked = null;
    panel.hidden = true;
    try {
      const job = await S.api("POST", "/plans/" + planId + "/" + action);
      S.sayKey("done_" + action);
      if (S.planId() === planId) S.approvalChanged(job);
    } catch (err) {
      const shortfall = (err.body && err.body.shortfall) || [];
      if (err.status === 409 && shortfall.length) showShortfall(shortfall);
      else S.report(err);
    }
  }

  /** A 409: nothing was reserved; what is missing, per warehouse and item, as a table. */
  function showShortfall(shortfall) {
    const missing = shortfall.reduce((a, s) => a + s.missing, 0);
    S.sayKey("approveRefused", { n: fmt(missing) }, true);
    refused.replaceChildren(el("p", {}, t("approveRefusedLong", { n: fmt(missing), pairs: shortfall.length })),
      unitsTable("approval-shortfall-table", shortfall, [["warehouse", (s) => s.warehouse], ["item", (s) => N.item(s.item)],
        ["requested", (s) => fmt(s.requested), true], ["available", (s) => fmt(s.available), true], ["missing", (s) => fmt(s.missing), true]]));
    refused.hidden = false;
  }

  /** Buttons for the shown plan's approval state. */
  let shownId = null;
  function render(job) {
    if (job.id !== shownId) { shownId = job.id; refused.hidden = true; panel.hidden = true; asked = null; }
    const approved = job.approval === "approved";
    dispatchBtn.hidden = !approved;
    releaseBtn.hidden = !approved;
    dispatchBtn.textContent = t("dispatchPlan");
    releaseBtn.textContent = t("releasePlan");
    if (asked) ask(asked.action, job); // shown again (e.g. the language changed): in its words
  }

  window.SupplyoptApproval = { ask, render };
})();
