/* supplyopt dashboard: the Readiness view (contract §7 on the live inventory). The planner runs
 * the hazard samples of a region (bundled or uploaded) against the service's stock, reads the
 * map of settlements coloured by the share of their disasters fully served on time, the weakest
 * settlements and the recommended transfers, and drafts a transfer in one click; a manager
 * approves or rejects the drafts. Uses app.js (window.Supplyopt). */
"use strict";
(function () {
  const S = window.Supplyopt;
  const { $, t, el, svg, api } = S;
  const UPLOADED = "__uploaded";
  const rd = {
    runId: sessionStorage.getItem("supplyopt.readiness") || null,
    run: null, // the run shown (GET /readiness/{id})
    uploaded: null, // {name, region} of an uploaded region file
    drafted: {}, // move key -> transfer id, for the run shown
    polling: null,
  };
  const share = (x) => S.pct(x);
  // one decimal, rounded down like S.pct: 0.9996 reads 99.9 %, never 100.0 %
  const fine = (x) => (x === null || x === undefined ? t("none") : (Math.floor(x * 1000 + 1e-9) / 10).toFixed(1) + "%");
  // Settlements labelled on the map: all of a small region, else the weakest.
  const MAX_LABELS = 30;

  // ---------- colours and projection (the map is drawn here, in the page's language) ----------
  // The dashboard's coverage colours (app.js); a settlement never struck is a lighter grey.
  const colour = (c) => (c === null || c === undefined ? "#bdbdbd" : S.coverageColour(c));
  // The result map's projection (map.js), north up, scale true at the middle latitude.
  const project = (points, w, h, pad) => S.projector(points, w, h, pad).xy;

  // ---------- the form ----------
  async function loadRegions() {
    try {
      const data = await api("GET", "/readiness/regions");
      const current = $("rd-region").value;
      const options = data.regions.map((r) => el("option", { value: r.name, selected: r.default }, r.name));
      if (rd.uploaded) options.push(el("option", { value: UPLOADED }, t("rdUploadedRegion", { name: rd.uploaded.name })));
      $("rd-region").replaceChildren(...options);
      if (options.some((o) => o.value === current)) $("rd-region").value = current;
    } catch (err) { S.report(err); }
  }
  function showErrors(err) {
    const box = $("rd-errors");
    const errors = (err.body && err.body.errors) || [];
    box.replaceChildren(el("p", {}, t("rdInvalid")),
      el("ul", {}, errors.length ? errors.map((e) => el("li", {}, (e.path ? e.path + ": " : "") + e.msg)) : el("li", {}, err.message)));
    box.hidden = false;
  }
  async function upload(file) {
    const text = await file.text();
    const format = /\.json$/i.test(file.name) ? "json" : "yaml";
    $("rd-errors").hidden = true;
    try {
      const data = await api("POST", "/readiness/regions/parse?format=" + format, undefined, { text });
      rd.uploaded = { name: data.region.name || file.name, region: data.region };
      await loadRegions();
      $("rd-region").value = UPLOADED;
      S.sayKey("rdUploaded", { name: rd.uploaded.name, n: data.dropped_warehouses });
    } catch (err) {
      if (err.status === 422) { showErrors(err); S.sayKey("rdInvalid", null, true); } else S.report(err);
    }
  }
  async function submit(ev) {
    ev.preventDefault();
    $("rd-errors").hidden = true;
    const body = {
      samples: Number($("rd-samples").value), seed: Number($("rd-seed").value),
      time_limit_s: Number($("rd-time").value),
    };
    const budget = Number($("rd-budget").value);
    if (budget > 0) body.move_budget_units = budget;
    const which = $("rd-region").value;
    if (which === UPLOADED && rd.uploaded) body.region = rd.uploaded.region; else body.bundled_region = which;
    try {
      const job = await api("POST", "/readiness", body);
      rd.runId = job.id;
      rd.drafted = {};
      sessionStorage.setItem("supplyopt.readiness", job.id);
      S.sayKey("rdQueued", { id: job.id.slice(0, 8) });
      follow(job.id);
    } catch (err) {
      if (err.status === 422) showErrors(err);
      S.report(err);
    }
  }
  async function cancel() {
    if (!rd.runId) return;
    try { render(await api("POST", "/readiness/" + rd.runId + "/cancel")); } catch (err) { S.report(err); }
  }

  // ---------- following a run ----------
  function follow(id) {
    clearTimeout(rd.polling);
    const tick = async () => {
      try {
        const run = await api("GET", "/readiness/" + id);
        if (id !== rd.runId) return;
        render(run);
        if (run.status === "queued" || run.status === "running") rd.polling = setTimeout(tick, 700);
        else if (run.status === "done") S.sayKey("rdDone");
        else if (run.status === "failed") S.say(t("rdFailed", { error: run.error || "" }), true);
      } catch (err) { S.report(err); }
    };
    tick();
  }
  function progressText(run) {
    const p = run.samples_progress;
    if (run.status === "queued") return t("rdStatusQueued");
    if (run.status === "running") return t("rdStatusRunning", { done: p.done, total: p.total });
    return t("rdStatus_" + run.status);
  }
  function render(run) {
    rd.run = run;
    if (!run) return;
    const active = run.status === "queued" || run.status === "running";
    $("rd-progress").value = run.progress;
    $("rd-progress-text").textContent = progressText(run);
    $("rd-cancel").hidden = !active;
    $("rd-run").disabled = active;
    $("rd-result").hidden = !run.result;
    if (!run.result) return;
    drawKpis(run);
    drawMap(run);
    drawWeakest(run);
    drawMoves(run);
  }
  function kpi(value, key) {
    return el("div", { class: "kpi" }, el("div", { class: "v" }, value), el("div", { class: "k" }, t(key)));
  }
  function drawKpis(run) {
    const w = run.result.weighted_coverage;
    const boxes = [kpi(share(w.mean), "rdMean"), kpi(share(w.p05), "rdP05"), kpi(share(w.min), "rdMin"),
      kpi(String(run.result.samples), "rdSamplesDone")];
    if (run.preposition) boxes.push(kpi(share(run.preposition.after.mean), "rdAfterMean"), kpi(share(run.preposition.after.p05), "rdAfterP05"));
    $("rd-kpis").replaceChildren(...boxes);
  }
  function settlementName(run, id) {
    const s = run.map.settlements.find((x) => x.id === id);
    return s && s.name ? s.name : id;
  }
  function warehouseName(run, id) {
    const w = run.map && run.map.warehouses.find((x) => x.id === id);
    return w && w.name ? w.name : id;
  }
  function drawMap(run) {
    const W = 640, H = 460;
    const rows = Object.fromEntries(run.result.areas.map((a) => [a.id, a]));
    const places = [...run.map.settlements, ...run.map.warehouses];
    const xy = project(places.map((p) => [p.lon, p.lat]), W, H, 30);
    const biggest = Math.max(1, ...run.map.settlements.map((s) => s.population || 0));
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", id: "rd-map-svg", "aria-labelledby": "rd-map-title" });
    root.append(svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#f4f7fb" }));
    for (const s of run.map.settlements) {
      const row = rows[s.id] || {};
      const [x, y] = xy([s.lon, s.lat]);
      const r = 4 + 10 * Math.sqrt((s.population || 0) / biggest);
      const tip = (s.name || s.id) + ": " + (row.affected_in
        ? t("rdTip", { share: share(row.full_on_time_share), n: row.affected_in })
        : t("rdNotAffected"));
      root.append(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), fill: colour(row.full_on_time_share),
        stroke: "#333", "stroke-width": 1, class: "rd-settlement", "data-id": s.id }, svg("title", {}, tip)));
    }
    const weak = new Set((run.weakest || []).map((a) => a.id));
    const labelled = run.map.settlements.length <= MAX_LABELS ? run.map.settlements
      : run.map.settlements.filter((s) => weak.has(s.id)).slice(0, MAX_LABELS);
    for (const s of labelled) {
      const [x, y] = xy([s.lon, s.lat]);
      root.append(svg("text", { x: (x + 8).toFixed(1), y: (y - 8).toFixed(1), "font-size": 11, fill: "#333",
        class: "rd-label" }, s.name || s.id));
    }
    for (const w of run.map.warehouses) {
      const [x, y] = xy([w.lon, w.lat]);
      root.append(svg("rect", { x: (x - 6).toFixed(1), y: (y - 6).toFixed(1), width: 12, height: 12, fill: "#1e5aa8",
        stroke: "#fff", "stroke-width": 1.5, class: "rd-warehouse" }, svg("title", {}, w.name || w.id)));
      root.append(svg("text", { x: (x + 9).toFixed(1), y: (y + 4).toFixed(1), "font-size": 11, fill: "#1e3a66" }, w.name || w.id));
    }
    $("rd-map").replaceChildren(root);
    const swatch = (c) => el("i", { class: "round rd-swatch-" + c });
    $("rd-legend").replaceChildren(
      el("span", {}, swatch("bad"), t("rdLegend0")), el("span", {}, swatch("mid"), t("rdLegend50")),
      el("span", {}, swatch("ok"), t("rdLegend100")), el("span", {}, swatch("none"), t("rdNotAffected")),
      el("span", {}, el("i", { class: "rd-swatch-wh" }), t("rdWarehouse")));
  }
  function drawWeakest(run) {
    const weak = run.weakest || [];
    $("rd-weak-empty").hidden = weak.length > 0;
    $("rd-weak").replaceChildren(
      el("thead", {}, el("tr", {}, ...["rdSettlement", "rdAffectedIn", "rdFailedIn", "rdFullShare", "rdMeanCoverage"].map((k) => el("th", {}, t(k))))),
      el("tbody", {}, weak.map((a) => el("tr", {}, el("td", {}, settlementName(run, a.id)), el("td", { class: "num" }, a.affected_in),
        el("td", { class: "num" }, a.failed_in), el("td", { class: "num" }, share(a.full_on_time_share)),
        el("td", { class: "num" }, share(a.mean_coverage))))));
  }
  function drawMoves(run) {
    const moves = run.preposition ? run.preposition.moves : [];
    $("rd-moves-box").hidden = !run.preposition;
    if (!run.preposition) return;
    $("rd-moves-hint").textContent = moves.length
      ? t("rdMovesHint", { before: fine(run.preposition.before.mean), after: fine(run.preposition.after.mean) })
      : t("rdNoMoves");
    $("rd-moves").replaceChildren(
      el("thead", {}, el("tr", {}, ...["rdFrom", "rdTo", "item", "quantity", "rdAction"].map((k) => el("th", {}, t(k))))),
      el("tbody", {}, moves.map((m) => {
        const key = [m.from, m.to, m.item, m.quantity].join("|");
        const done = rd.drafted[key];
        const action = done
          ? el("span", { class: "tag" }, t("rdDrafted", { id: done }))
          : el("button", { type: "button", class: "rd-draft needs-planner", onclick: () => draft(m, key) }, t("rdDraft"));
        return el("tr", {}, el("td", {}, warehouseName(run, m.from)), el("td", {}, warehouseName(run, m.to)), el("td", {}, m.item),
          el("td", { class: "num" }, m.quantity), el("td", {}, action));
      })));
  }

  // ---------- transfers ----------
  async function draft(move, key) {
    try {
      const made = await api("POST", "/transfers", { from: move.from, to: move.to, item: move.item, quantity: move.quantity,
        readiness_id: rd.runId });
      rd.drafted[key] = made.id;
      S.sayKey("rdDraftMade", { id: made.id });
      drawMoves(rd.run);
      loadTransfers();
    } catch (err) { S.report(err); }
  }
  async function decide(id, verb) {
    try {
      const done = await api("POST", "/transfers/" + id + "/" + verb);
      S.sayKey(verb === "approve" ? "rdApproved" : "rdRejected", { id: done.id });
    } catch (err) { S.report(err); }
    loadTransfers();
  }
  async function loadTransfers() {
    if (!sessionStorage.getItem("supplyopt.key")) return;
    try {
      const data = await api("GET", "/transfers?limit=50");
      $("rd-transfers-empty").hidden = data.transfers.length > 0;
      const named = (id) => warehouseName(rd.run, id);
      $("rd-transfers").replaceChildren(
        el("thead", {}, el("tr", {}, ...["rdTransfer", "rdState", "rdFrom", "rdTo", "item", "quantity", "rdAction"].map((k) => el("th", {}, t(k))))),
        el("tbody", {}, data.transfers.map((tr) => el("tr", { "data-transfer": tr.id },
          el("td", { class: "num" }, "#" + tr.id), el("td", {}, t("rdState_" + tr.status)), el("td", {}, named(tr.from)),
          el("td", {}, named(tr.to)), el("td", {}, tr.item), el("td", { class: "num" }, tr.quantity),
          el("td", {}, tr.status === "draft"
            ? [el("button", { type: "button", class: "primary rd-approve needs-manager", onclick: () => decide(tr.id, "approve") }, t("rdApprove")), " ",
              el("button", { type: "button", class: "rd-reject needs-manager", onclick: () => decide(tr.id, "reject") }, t("rdReject"))]
            : "")))));
    } catch (err) { S.report(err); }
  }

  // ---------- wiring ----------
  $("rd-form").addEventListener("submit", submit);
  $("rd-cancel").addEventListener("click", cancel);
  $("rd-upload").addEventListener("change", (ev) => { if (ev.target.files[0]) upload(ev.target.files[0]); });
  $("rd-transfers-refresh").addEventListener("click", loadTransfers);
  S.onTab((id) => {
    if (id !== "tab-readiness" || !sessionStorage.getItem("supplyopt.key")) return;
    loadRegions();
    loadTransfers();
    if (rd.runId && (!rd.run || rd.run.id !== rd.runId)) follow(rd.runId);
  });
  S.onRerender(() => {
    if (rd.run) render(rd.run);
    if (!$("panel-readiness").hidden) { loadRegions(); loadTransfers(); }
  });
})();
