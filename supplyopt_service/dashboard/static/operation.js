/* supplyopt dashboard: the Operation view of an approved plan (contract §6). The planner sets
 * "now", lists what happened (events), re-plans, reads the revision as a diff against the
 * plan being carried out, and a manager approves it. Uses app.js (window.Supplyopt) and
 * revision.js (window.SupplyoptRevision). */
"use strict";
(function () {
  const S = window.Supplyopt, R = window.SupplyoptRevision, N = window.SupplyoptNames;
  const { $, t, el, svg, api } = S;
  const KINDS = ["set_demand", "add_area", "close_roads", "vehicle_down", "stock_change"];
  // The form's fields per event kind: [name, input type]; "demand" is one number per item.
  const FIELDS = {
    set_demand: [["area", "area"], ["item", "item"], ["total", "count"]],
    add_area: [["id", "text"], ["name", "text"], ["lat", "lat"], ["lon", "lon"], ["demand", "demand"], ["priority", "count"]],
    close_roads: [["lat", "lat"], ["lon", "lon"], ["radius_km", "radius"]],
    vehicle_down: [["vehicle", "vehicle"]],
    stock_change: [["warehouse", "warehouse"], ["item", "item"], ["quantity", "signed"]],
  };
  const saved = JSON.parse(sessionStorage.getItem("supplyopt.op") || "null") || {};
  const op = {
    planId: saved.planId || null, // the plan being carried out
    events: saved.events || [], // the events to send, in the API's form
    earlier: saved.earlier || 0, // how many of them the plan's own revision already had
    now: saved.now === undefined ? null : saved.now,
    kind: saved.kind || "add_area",
    draft: saved.draft || {}, // the form's field values (text), kept across kinds
    at: saved.at === undefined ? null : saved.at, // the form's at_hours, null: follows now
    revisionId: saved.revisionId || null,
    editing: null, // index of the event the form edits
    job: null, geo: null, rev: null, // loaded plan, its GeoJSON; the revision shown
    apiErrors: {}, generalErrors: [], formErrors: [],
    polling: null, drag: null, map: null,
  };
  function save() {
    sessionStorage.setItem("supplyopt.op", JSON.stringify({ planId: op.planId, events: op.events, earlier: op.earlier,
      now: op.now, kind: op.kind, draft: op.draft, at: op.at, revisionId: op.revisionId }));
  }
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

  // ---------- what the plan knows: names, items, vehicles ----------
  function areaFeatures() { return op.geo ? S.byKind(op.geo, "area").map((f) => f.properties) : []; }
  function warehouseFeatures() { return op.geo ? S.byKind(op.geo, "warehouse").map((f) => f.properties) : []; }
  function addedAreas() { return op.events.filter((e) => e.kind === "add_area" && e.area).map((e) => e.area); }
  function nameOf(id) {
    const hit = areaFeatures().find((a) => a.id === id) || addedAreas().find((a) => a.id === id) ||
      warehouseFeatures().find((w) => w.id === id);
    return hit ? S.label(hit) : id;
  }
  function items() {
    const seen = [];
    const add = (i) => { if (!seen.includes(i)) seen.push(i); };
    for (const w of warehouseFeatures()) Object.keys(w.stock || {}).forEach(add);
    for (const a of areaFeatures()) a.items.forEach((r) => add(r.item));
    return seen;
  }
  function vehicles() {
    return op.job && op.job.plan ? [...new Set(op.job.plan.trips.map((tr) => tr.vehicle))].sort() : [];
  }

  // ---------- opening a plan ----------
  async function open(planId) {
    if (op.planId !== planId) {
      Object.assign(op, { planId, events: [], earlier: 0, now: null, at: null, revisionId: null, editing: null,
        rev: null, apiErrors: {}, generalErrors: [], formErrors: [], job: null, geo: null });
      op.fresh = true;
    }
    S.selectTab("tab-operation");
    await load();
  }
  function load() {
    if (!op.loading) op.loading = loadNow().finally(() => { op.loading = null; });
    return op.loading;
  }
  async function loadNow() {
    if (!op.planId || !sessionStorage.getItem("supplyopt.key")) { render(); return; }
    try {
      const [job, geo] = await Promise.all([api("GET", "/plans/" + op.planId),
        api("GET", "/plans/" + op.planId + "/export/plan.geojson")]);
      op.job = job;
      op.geo = typeof geo === "string" ? JSON.parse(geo) : geo;
      N.learnGeo(op.geo); // item and vehicle names in the page's language
      if (op.fresh) {
        // a revision is revised with every event since T0: start from the ones it had
        op.events = job.events && job.events.events ? JSON.parse(JSON.stringify(job.events.events)) : [];
        op.earlier = op.events.length;
        op.now = defaultNow(job);
        op.fresh = false;
      }
      if (op.now === null) op.now = defaultNow(job);
      save();
      render();
      if (op.revisionId) followRevision(op.revisionId);
    } catch (err) { S.report(err); }
  }
  /** Hours since the approval (when the API says when), capped to the deadline; never before
   * the now of the events the plan already has. */
  function defaultNow(job) {
    const floor = job.events && typeof job.events.now_hours === "number" ? job.events.now_hours : 0;
    const deadline = job.plan ? job.plan.deadline_hours : Infinity;
    let hours = 0;
    if (job.approved_at) hours = Math.min((Date.now() - Date.parse(job.approved_at)) / 3.6e6, deadline);
    return round(Math.max(floor, hours), 2);
  }

  // ---------- rendering ----------
  function render() {
    const ready = !!(op.job && op.geo && op.job.plan);
    $("op-empty").hidden = ready;
    $("op").hidden = !ready;
    if (!ready) { $("op-plan").textContent = ""; return; }
    const job = op.job;
    $("op-plan").textContent = t("opPlan", { id: job.id }) + (job.previous ? " · " + t("revisionOf", { id: job.previous }) : "") +
      (job.approval ? " · " + t("approvalState", { state: t("appr_" + job.approval) }) : "");
    $("op-now").value = op.now;
    $("ev-kind").replaceChildren(...KINDS.map((k) => el("option", { value: k, selected: k === op.kind }, t("ev_" + k))));
    $("ev-at").value = op.at === null ? op.now : op.at;
    $("ev-add").textContent = t(op.editing === null ? "addEventBtn" : "updateEventBtn");
    $("ev-cancel-edit").hidden = op.editing === null;
    $("ev-legend").textContent = op.editing === null ? t("addEvent") : t("editEvent", { n: op.editing + 1 });
    renderFields();
    renderFormErrors();
    renderPending();
    renderTimeline();
    renderMap();
    if (op.rev) renderRevision();
  }
  function renderTimeline() {
    const marks = op.events.filter((e) => e.kind === "vehicle_down")
      .map((e) => ({ vehicle: e.vehicle, hours: e.at_hours, text: t("ev_vehicle_down") + " " + N.vehicle(e.vehicle) + " " + S.clock(e.at_hours) }));
    S.drawTimeline(op.geo, { box: $("op-timeline"), id: "op-timeline-svg", now: op.now, marks });
  }

  function fieldLabel(name) { return t("fld_" + name); }
  function renderFields() {
    const box = $("ev-fields");
    const its = items();
    const input = (name, type, attrs) => el("input", Object.assign({ id: "ev-" + name, type, value: op.draft[name] === undefined ? "" : op.draft[name],
      oninput: (ev) => { op.draft[name] = ev.target.value; save(); if (["lat", "lon", "radius_km"].includes(name)) drawOverlay(); } }, attrs || {}));
    const select = (name, options) => {
      if (op.draft[name] === undefined || !options.some(([v]) => v === op.draft[name])) op.draft[name] = options.length ? options[0][0] : "";
      return el("select", { id: "ev-" + name, onchange: (ev) => { op.draft[name] = ev.target.value; save(); } },
        options.map(([v, text]) => el("option", { value: v, selected: v === op.draft[name] }, text)));
    };
    const rows = FIELDS[op.kind].map(([name, type]) => {
      let control;
      if (type === "area") {
        const ids = areaFeatures().map((a) => a.id).concat(addedAreas().map((a) => a.id));
        control = select(name, [...new Set(ids)].map((id) => [id, nameOf(id) === id ? id : nameOf(id) + " (" + id + ")"]));
      } else if (type === "item") control = select(name, its.map((i) => [i, N.item(i) === i ? i : N.item(i) + " (" + i + ")"]));
      else if (type === "vehicle") control = select(name, vehicles().map((v) => [v, N.vehicle(v)]));
      else if (type === "warehouse") control = select(name, warehouseFeatures().map((w) => [w.id, S.label(w)]));
      else if (type === "text") control = input(name, "text", { class: "name", autocomplete: "off" });
      else if (type === "lat") control = input(name, "number", { step: "0.0001", min: -90, max: 90 });
      else if (type === "lon") control = input(name, "number", { step: "0.0001", min: -180, max: 180 });
      else if (type === "radius") control = input(name, "number", { step: "0.1", min: 0.1 });
      else if (type === "count") {
        if (name === "priority" && op.draft.priority === undefined) op.draft.priority = "1";
        control = input(name, "number", { step: 1, min: name === "priority" ? 1 : 0 });
      } else if (type === "signed") control = input(name, "number", { step: 1 });
      if (type === "demand") {
        return el("fieldset", { class: "demand" }, el("legend", {}, fieldLabel("demand")),
          its.map((i) => el("label", {}, el("span", {}, i), input("demand-" + i, "number", { step: 1, min: 0 }))));
      }
      return el("label", { for: "ev-" + name }, el("span", {}, fieldLabel(name)), control);
    });
    box.replaceChildren(...rows);
    for (const p of op.formErrors) {
      const field = $("ev-" + p.field);
      if (field) field.setAttribute("aria-invalid", "true");
    }
    const hints = { add_area: "mapHintArea", close_roads: "mapHintClosure" };
    $("op-map-hint").textContent = t(hints[op.kind] || "mapHintOther");
  }

  // ---------- the form: draft <-> event ----------
  /** The event the form describes, or the located problems ({field, msg}) that stop it. */
  function formEvent() {
    const d = op.draft, problems = [];
    const need = (name) => { const v = (d[name] === undefined ? "" : String(d[name])).trim(); if (!v) problems.push({ field: name, msg: t("errRequired") }); return v; };
    const number = (name, lo, hi, integer) => {
      const v = need(name);
      if (!v) return null;
      const x = Number(v);
      if (!Number.isFinite(x)) { problems.push({ field: name, msg: t("errNumber") }); return null; }
      if (integer && !Number.isInteger(x)) problems.push({ field: name, msg: t("errInteger") });
      else if ((lo !== null && x < lo) || (hi !== null && x > hi)) problems.push({ field: name, msg: t("errRange", { lo: lo === null ? "−∞" : lo, hi: hi === null ? "∞" : hi }) });
      return x;
    };
    const atText = String($("ev-at").value).trim();
    const at = atText === "" ? op.now : Number(atText);
    if (!Number.isFinite(at) || at < 0) problems.push({ field: "at", msg: t("errRange", { lo: 0, hi: "∞" }) });
    let ev = null;
    if (op.kind === "set_demand") {
      const area = need("area"), item = need("item"), total = number("total", 0, null, true);
      ev = { kind: "set_demand", at_hours: at, area, demand: { [item]: total } };
    } else if (op.kind === "add_area") {
      const id = need("id"), lat = number("lat", -90, 90), lon = number("lon", -180, 180), priority = number("priority", 1, null, true);
      const demand = {};
      for (const i of items()) {
        const v = String(d["demand-" + i] || "").trim();
        if (!v) continue;
        const q = Number(v);
        if (!Number.isInteger(q) || q < 0) problems.push({ field: "demand-" + i, msg: t("errInteger") });
        else if (q > 0) demand[i] = q;
      }
      if (!Object.keys(demand).length && !problems.some((p) => p.field.startsWith("demand-"))) problems.push({ field: "demand-" + (items()[0] || ""), msg: t("errDemand") });
      const area = { id, lat, lon, demand, priority };
      if (String(d.name || "").trim()) area.name = String(d.name).trim();
      ev = { kind: "add_area", at_hours: at, area };
    } else if (op.kind === "close_roads") {
      const lat = number("lat", -90, 90), lon = number("lon", -180, 180), radius = number("radius_km", 0.1, null);
      ev = { kind: "close_roads", at_hours: at, circle: { lat, lon, radius_km: radius } };
    } else if (op.kind === "vehicle_down") {
      ev = { kind: "vehicle_down", at_hours: at, vehicle: need("vehicle") };
    } else if (op.kind === "stock_change") {
      const warehouse = need("warehouse"), item = need("item"), q = number("quantity", null, null, true);
      if (q === 0) problems.push({ field: "quantity", msg: t("errNonZero") });
      ev = { kind: "stock_change", at_hours: at, warehouse, item, quantity: q };
    }
    return { ev, problems };
  }
  /** The form's fields for an event (to edit it). */
  function draftOf(ev) {
    const d = {};
    if (ev.kind === "set_demand") { const [item, total] = Object.entries(ev.demand || {})[0] || ["", ""]; Object.assign(d, { area: ev.area, item, total: String(total) }); }
    if (ev.kind === "add_area") {
      const a = ev.area || {};
      Object.assign(d, { id: a.id, name: a.name || "", lat: String(a.lat), lon: String(a.lon), priority: String(a.priority || 1) });
      for (const [i, q] of Object.entries(a.demand || {})) d["demand-" + i] = String(q);
    }
    if (ev.kind === "close_roads" && ev.circle) Object.assign(d, { lat: String(ev.circle.lat), lon: String(ev.circle.lon), radius_km: String(ev.circle.radius_km) });
    if (ev.kind === "vehicle_down") d.vehicle = ev.vehicle;
    if (ev.kind === "stock_change") Object.assign(d, { warehouse: ev.warehouse, item: ev.item, quantity: String(ev.quantity) });
    return d;
  }
  function renderFormErrors() {
    const box = $("ev-errors");
    box.hidden = !op.formErrors.length;
    box.replaceChildren(el("ul", {}, op.formErrors.map((p) => el("li", {}, (p.field === "at" ? t("atHours") : p.field.startsWith("demand-") ? fieldLabel("demand") + " " + p.field.slice(7) : fieldLabel(p.field)) + ": " + p.msg))));
  }
  function submitForm(evt) {
    evt.preventDefault();
    const { ev, problems } = formEvent();
    op.formErrors = problems;
    if (problems.length) { render(); S.sayKey("formInvalid", null, true); return; }
    if (op.editing !== null) {
      op.events[op.editing] = ev;
      delete op.apiErrors[op.editing];
      op.editing = null;
    } else op.events.push(ev);
    // keep what stays useful for the next event of the same kind (the area, the item)
    for (const name of ["id", "name", "lat", "lon", "total", "quantity", "radius_km"]) delete op.draft[name];
    for (const key of Object.keys(op.draft)) if (key.startsWith("demand-")) delete op.draft[key];
    op.at = null;
    save();
    render();
    S.sayKey("eventAdded", { n: op.events.length });
  }
  function editEvent(idx) {
    const ev = op.events[idx];
    op.editing = idx;
    if (KINDS.includes(ev.kind)) op.kind = ev.kind;
    op.draft = Object.assign({}, op.draft, draftOf(ev));
    op.at = ev.at_hours;
    op.formErrors = [];
    render();
    $("ev-kind").focus();
  }
  function removeEvent(idx) {
    op.events.splice(idx, 1);
    const shifted = {};
    for (const [k, v] of Object.entries(op.apiErrors)) {
      const i = Number(k);
      if (i < idx) shifted[i] = v; else if (i > idx) shifted[i - 1] = v;
    }
    op.apiErrors = shifted;
    if (idx < op.earlier) op.earlier -= 1;
    if (op.editing === idx) op.editing = null; else if (op.editing !== null && op.editing > idx) op.editing -= 1;
    save();
    render();
  }

  // ---------- the list of events to send ----------
  function describe(ev) {
    const demand = (d) => Object.entries(d || {}).map(([i, q]) => N.item(i) + " " + q).join(", ");
    if (ev.kind === "set_demand") {
      const [item, total] = Object.entries(ev.demand || {})[0] || ["?", "?"];
      return t("desc_set_demand", { area: nameOf(ev.area), item: N.item(item), total });
    }
    if (ev.kind === "add_area" && ev.area) {
      const a = ev.area;
      return t("desc_add_area", { name: a.name ? a.name + " (" + a.id + ")" : a.id, lat: a.lat, lon: a.lon, demand: demand(a.demand), priority: a.priority || 1 });
    }
    if (ev.kind === "close_roads" && ev.circle) return t("desc_close_roads", { r: ev.circle.radius_km, lat: ev.circle.lat, lon: ev.circle.lon });
    if (ev.kind === "vehicle_down") return t("desc_vehicle_down", { vehicle: N.vehicle(ev.vehicle) });
    if (ev.kind === "stock_change") {
      return t(ev.quantity < 0 ? "desc_stock_lost" : "desc_stock_received", { warehouse: nameOf(ev.warehouse), item: N.item(ev.item), q: Math.abs(ev.quantity) });
    }
    const rest = Object.assign({}, ev);
    delete rest.kind; delete rest.at_hours;
    return JSON.stringify(rest);
  }
  function renderPending() {
    $("pending-empty").hidden = op.events.length > 0;
    const head = el("tr", {}, ...["#", t("kind"), t("evWhat"), t("atShort"), ""].map((h) => el("th", { scope: "col" }, h)));
    const rows = [];
    op.events.forEach((ev, idx) => {
      const errors = op.apiErrors[idx] || [];
      rows.push(el("tr", { "data-index": idx, class: errors.length ? "has-errors" : null },
        el("td", { class: "num" }, idx + 1),
        el("td", {}, t("ev_" + ev.kind) !== "ev_" + ev.kind ? t("ev_" + ev.kind) : ev.kind,
          idx < op.earlier ? el("span", { class: "tag" }, t("earlier")) : null),
        el("td", { class: "wrap" }, describe(ev)),
        el("td", {}, el("input", { type: "number", min: 0, step: 0.25, value: ev.at_hours, class: "at", "aria-label": t("atHours") + " " + (idx + 1),
          onchange: (e) => { ev.at_hours = Number(e.target.value); delete op.apiErrors[idx]; save(); renderPending(); renderTimeline(); } })),
        el("td", {}, el("button", { type: "button", class: "edit", onclick: () => editEvent(idx) }, t("edit")), " ",
          el("button", { type: "button", class: "remove", onclick: () => removeEvent(idx) }, t("remove")))));
      if (errors.length) {
        rows.push(el("tr", { class: "row-errors" }, el("td", { colspan: 5 },
          el("ul", {}, errors.map((m) => el("li", {}, m))))));
      }
    });
    $("pending").hidden = !op.events.length;
    $("pending").replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
    const box = $("op-errors");
    const all = op.generalErrors.concat(...Object.entries(op.apiErrors).map(([i, list]) =>
      list.map((m) => t("eventN", { n: Number(i) + 1 }) + " — " + m)));
    box.hidden = !all.length;
    box.replaceChildren(el("p", {}, t("eventsInvalid")), el("ul", {}, all.map((m) => el("li", {}, m))));
  }

  // ---------- the map: click a new area, draw a closure ----------
  function renderMap() {
    const extra = [];
    for (const e of op.events) {
      if (e.kind === "add_area" && e.area) extra.push([e.area.lon, e.area.lat]);
      if (e.kind === "close_roads" && e.circle) extra.push([e.circle.lon, e.circle.lat]);
    }
    op.map = S.drawMap(op.geo, { box: $("op-map"), id: "op-map-svg", legend: null, extra });
    op.map.overlay = svg("g", { class: "overlay" });
    op.map.root.append(op.map.overlay);
    op.map.root.addEventListener("pointerdown", pointerDown);
    op.map.root.addEventListener("pointermove", pointerMove);
    op.map.root.addEventListener("pointerup", () => { op.drag = null; });
    drawOverlay();
  }
  function diamond(x, y, r, attrs) {
    return svg("polygon", Object.assign({ points: [[x, y - r], [x + r, y], [x, y + r], [x - r, y]].map((p) => p.join(",")).join(" ") }, attrs));
  }
  function drawOverlay() {
    if (!op.map) return;
    const { proj, overlay } = op.map;
    overlay.replaceChildren();
    const circle = (c, cls) => {
      const [x, y] = proj.xy([c.lon, c.lat]);
      overlay.append(svg("circle", { cx: x, cy: y, r: Math.max(c.radius_km / proj.kmPerPx, 2), class: cls }, svg("title", {}, t("ev_close_roads") + " " + c.radius_km + " km")));
    };
    op.events.forEach((e) => {
      if (e.kind === "close_roads" && e.circle) circle(e.circle, "closure");
      if (e.kind === "add_area" && e.area && Number.isFinite(e.area.lat) && Number.isFinite(e.area.lon)) {
        const [x, y] = proj.xy([e.area.lon, e.area.lat]);
        overlay.append(diamond(x, y, 10, { class: "new-area" }), svg("text", { x: x + 13, y: y + 4, "font-size": 12, "font-weight": "bold" }, e.area.name || e.area.id));
      }
    });
    const d = op.draft, lat = Number(d.lat), lon = Number(d.lon);
    if (String(d.lat || "").trim() === "" || String(d.lon || "").trim() === "" || !Number.isFinite(lat) || !Number.isFinite(lon)) return;
    if (op.kind === "add_area") {
      const [x, y] = proj.xy([lon, lat]);
      overlay.append(diamond(x, y, 10, { class: "draft" }));
    } else if (op.kind === "close_roads") {
      const r = Number(d.radius_km);
      circle({ lat, lon, radius_km: Number.isFinite(r) && r > 0 ? r : 0 }, "draft-closure");
    }
  }
  function svgPoint(ev) {
    const root = op.map.root, pt = root.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(root.getScreenCTM().inverse());
  }
  function setField(name, value) {
    op.draft[name] = String(value);
    const field = $("ev-" + name);
    if (field) field.value = String(value);
  }
  function pointerDown(ev) {
    if (op.kind !== "add_area" && op.kind !== "close_roads") return;
    const p = svgPoint(ev), [lon, lat] = op.map.proj.lonLat(p.x, p.y);
    setField("lat", round(lat, 4));
    setField("lon", round(lon, 4));
    if (op.kind === "close_roads") {
      op.drag = { x: p.x, y: p.y };
      op.map.root.setPointerCapture(ev.pointerId);
      if (!(Number(op.draft.radius_km) > 0)) setField("radius_km", 5);
    }
    ev.preventDefault();
    save();
    drawOverlay();
  }
  function pointerMove(ev) {
    if (!op.drag) return;
    const p = svgPoint(ev);
    const km = Math.hypot(p.x - op.drag.x, p.y - op.drag.y) * op.map.proj.kmPerPx;
    if (km < 0.1) return;
    setField("radius_km", round(km, 1));
    save();
    drawOverlay();
  }

  // ---------- re-planning ----------
  function applyApiProblems(err) {
    op.apiErrors = {};
    op.generalErrors = [];
    const errors = (err.body && err.body.errors) || [];
    for (const e of errors) {
      const loc = e.loc || [];
      const at = loc.findIndex((part, i) => part === "events" && loc[i + 1] === "events" && Number.isInteger(loc[i + 2]));
      if (at >= 0) {
        const idx = loc[at + 2], rest = loc.slice(at + 3).join(".");
        (op.apiErrors[idx] = op.apiErrors[idx] || []).push((rest ? rest + ": " : "") + e.msg);
      } else if (loc.includes("now_hours")) op.generalErrors.push(t("nowHours") + ": " + e.msg);
      else op.generalErrors.push((e.path ? e.path + ": " : "") + e.msg);
    }
    if (!errors.length) op.generalErrors.push(err.message);
  }
  async function replan() {
    if (!op.planId) return;
    op.apiErrors = {};
    op.generalErrors = [];
    const body = { events: { now_hours: op.now, events: op.events }, time_limit_s: Number($("op-time-limit").value) || 10, seed: 0 };
    try {
      const job = await api("POST", "/plans/" + op.planId + "/replan", body);
      op.revisionId = job.id;
      op.rev = null;
      $("rev").hidden = true;
      save();
      renderPending();
      S.sayKey("replanSubmitted", { id: job.id });
      followRevision(job.id);
    } catch (err) {
      if (err.status === 422) {
        applyApiProblems(err);
        renderPending();
        S.sayKey("eventsInvalid", null, true);
      } else S.report(err);
    }
  }
  function followRevision(id) {
    clearTimeout(op.polling);
    api("GET", "/plans/" + id).then((job) => {
      $("op-progress").value = job.progress || 0;
      $("op-progress-text").textContent = S.progressText(job);
      const running = job.status === "queued" || job.status === "running";
      $("replan").disabled = running;
      $("replan-cancel").hidden = !running;
      if (running) { op.polling = setTimeout(() => followRevision(id), 400); return; }
      if (job.status === "done") showRevision(job);
      else S.say(t("planFailed", { id, error: job.error || t(job.status) }), job.status === "failed");
    }).catch((err) => { S.report(err); $("replan").disabled = false; });
  }
  async function cancelReplan() {
    if (!op.revisionId) return;
    try { await api("POST", "/plans/" + op.revisionId + "/cancel"); } catch (err) { S.report(err); }
  }
  async function showRevision(job) {
    try {
      const previousId = job.previous || op.planId;
      const previous = previousId === op.planId && op.job ? op.job : await api("GET", "/plans/" + previousId);
      let geo = null;
      try {
        const got = await api("GET", "/plans/" + job.id + "/export/plan.geojson");
        geo = typeof got === "string" ? JSON.parse(got) : got;
      } catch (err) { geo = null; } // the diff does not need it; the revised timeline does
      op.rev = { job, previous, geo, preview: null, shortfall: null, approved: false };
      renderRevision();
      S.sayKey("revisionDone", { id: job.id });
    } catch (err) { S.report(err); }
  }

  // ---------- the revision as a diff ----------
  function changeSentence(change, facts) {
    // the server's English sentence names the vehicle by id: used only where the scenario gives no type names
    const type = String(change.vehicle).split("/")[1];
    if (S.lang() === "en" && change.what && (!type || N.vehicleType(type) === type)) return change.what.startsWith(change.vehicle) ? change.what : change.vehicle + ": " + change.what;
    const route = (r) => (r.length ? r.map((trip) => trip.map(nameOf).join(" → ")).join(t("tripSep")) : t("none"));
    const load = (l) => (Object.keys(l).length ? Object.entries(l).map(([i, q]) => N.item(i) + " " + q).join(", ") : t("none"));
    const vars = { vehicle: N.vehicle(change.vehicle), before: route(facts.route_before), after: route(facts.route_after) };
    if (facts.kind === "retimed") Object.assign(vars, { before: S.clock(facts.first_before), after: S.clock(facts.first_after) });
    if (facts.kind === "reloaded") Object.assign(vars, { before: load(facts.load_before), after: load(facts.load_after) });
    if (facts.kind === "cancelled") vars.n = Math.max(1, facts.trips_before - facts.trips_after);
    if (facts.kind === "down") vars.at = S.clock(facts.down_hours);
    const key = "chg_" + (facts.kind || "other");
    return t(window.I18N.en[key] !== undefined ? key : "chg_other", vars);
  }
  function renderRevision() {
    const { job, previous } = op.rev;
    const plan = job.plan, block = plan.replan || {};
    const now = typeof block.now_hours === "number" ? block.now_hours : op.now;
    $("rev").hidden = false;
    $("rev-title").textContent = t("revTitle", { id: job.id, previous: previous.id, now: S.clock(now) });
    $("rev-counts").replaceChildren(...["kept", "changed", "cancelled", "new"].map((k) =>
      el("div", { class: "kpi count-" + k, "data-count": block[k] || 0 }, el("div", { class: "v" }, block[k] || 0), el("div", { class: "k" }, t("cnt_" + k)))));
    // coverage before/after
    const names = { weighted_coverage_on_time: "kpiWeighted", coverage_on_time: "kpiCoverage", min_area_coverage: "kpiMinArea",
      on_time_units: "kpiOnTimeUnits", demand_units: "kpiDemandUnits", makespan_hours: "kpiMakespan", vehicles_used: "kpiVehicles", distance_km: "kpiDistance" };
    const isPct = (f) => f.endsWith("coverage") || f.endsWith("coverage_on_time");
    const fmt = (f, v) => (isPct(f) ? S.pct(v) : f === "makespan_hours" ? S.num(v, 2) : f === "distance_km" ? S.num(v, 0) : v);
    const rows = R.kpiDiff(previous.plan.summary, plan.summary).map((r) => {
      const same = Math.abs(r.delta) < 1e-9;
      const cls = r.higher_is_better === null || same ? null : (r.delta > 0) === r.higher_is_better ? "better" : "worse";
      const shown = isPct(r.field) ? (r.delta >= 0 ? "+" : "") + (r.delta * 100).toFixed(1) + " pt" : (r.delta >= 0 ? "+" : "") + (Number.isInteger(r.delta) ? r.delta : r.delta.toFixed(2));
      return el("tr", { "data-field": r.field }, el("th", { scope: "row" }, t(names[r.field])), el("td", { class: "num" }, fmt(r.field, r.before)),
        el("td", { class: "num" }, fmt(r.field, r.after)), el("td", { class: "num " + (cls || "") }, shown));
    });
    $("rev-kpis").replaceChildren(el("thead", {}, el("tr", {}, ...["metric", "before", "after", "change"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, rows));
    // which trucks change
    const downs = {};
    for (const e of (job.events && job.events.events) || op.events) if (e.kind === "vehicle_down") downs[e.vehicle] = e.at_hours;
    const changes = block.changes || [];
    $("rev-changes").replaceChildren(...(changes.length ? changes.map((c) => {
      const facts = R.changeFacts(c, previous.plan, plan, now, downs[c.vehicle]);
      return el("li", { "data-vehicle": c.vehicle, "data-kind": c.kind || "" },
        el("span", { class: "tag kind-" + (c.kind || "other") }, t("chgkind_" + (c.kind || "other"))), " ", changeSentence(c, facts));
    }) : [el("li", {}, t("noChanges"))]));
    // what arrives earlier or later
    const diff = R.arrivalDiff(previous.plan, plan);
    const when = (a) => (a ? t("unitsBy", { units: a.units, at: S.clock(a.last) }) : t("none"));
    const shift = (r) => {
      const parts = [];
      if (r.before === null) parts.push([t("newDelivery"), "better"]);
      else if (r.after === null) parts.push([t("noLongerDelivered"), "worse"]);
      else if (Math.abs(r.shift_hours) > R.EPS_H) parts.push([t(r.shift_hours > 0 ? "laterBy" : "earlierBy", { h: S.num(Math.abs(r.shift_hours), 2) }), r.shift_hours > 0 ? "worse" : "better"]);
      if (r.units_delta && r.before !== null && r.after !== null) parts.push([t(r.units_delta > 0 ? "moreUnits" : "fewerUnits", { n: Math.abs(r.units_delta) }), r.units_delta > 0 ? "better" : "worse"]);
      return parts.map(([text, cls], i) => [i ? "; " : null, el("span", { class: cls }, text)]);
    };
    $("rev-arrivals").replaceChildren(
      el("thead", {}, el("tr", {}, ...["area", "item", "before", "after", "change"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, diff.length ? diff.map((r) => el("tr", { "data-area": r.area, "data-item": r.item },
        el("th", { scope: "row" }, nameOf(r.area)), el("td", { title: r.item }, N.item(r.item)), el("td", {}, when(r.before)), el("td", {}, when(r.after)), el("td", { class: "wrap" }, shift(r))))
        : [el("tr", {}, el("td", { colspan: 5 }, t("noArrivalChanges")))]));
    // the revised timeline, when the revision's GeoJSON could be drawn
    $("rev-timeline-box").hidden = !op.rev.geo;
    const marks = Object.entries(downs).map(([vehicle, hours]) => ({ vehicle, hours, text: t("ev_vehicle_down") + " " + N.vehicle(vehicle) + " " + S.clock(hours) }));
    if (op.rev.geo) S.drawTimeline(op.rev.geo, { box: $("rev-timeline"), id: "rev-timeline-svg", now, marks });
    renderApproval();
  }

  // ---------- approving the revision ----------
  function renderApproval() {
    const { job, preview, shortfall } = op.rev;
    const state = job.approval;
    $("rev-approval").textContent = state ? t("approvalState", { state: t("appr_" + state) }) : "";
    $("rev-approve").disabled = !!state && state !== "released";
    $("rev-continue").hidden = !(state === "approved" || state === "dispatched");
    $("rev-preview").hidden = !preview;
    if (preview) {
      $("rev-preview-text").textContent = t(preview.length ? "previewText" : "previewNothing");
      $("rev-takes").hidden = !preview.length;
      $("rev-takes").replaceChildren(
        el("thead", {}, el("tr", {}, ...["warehouse", "item", "previousTakes", "revisionTakes", "reservation"].map((k) => el("th", { scope: "col" }, t(k))))),
        el("tbody", {}, preview.map((r) => el("tr", { "data-warehouse": r.warehouse, "data-item": r.item },
          el("th", { scope: "row" }, nameOf(r.warehouse)), el("td", { title: r.item }, N.item(r.item)), el("td", { class: "num" }, r.before), el("td", { class: "num" }, r.after),
          el("td", { class: "num " + (r.delta > 0 ? "reserve" : "release") }, t(r.delta > 0 ? "reserveN" : "releaseN", { n: Math.abs(r.delta) }))))));
    }
    const box = $("rev-shortfall");
    box.hidden = !shortfall;
    if (shortfall) {
      box.replaceChildren(el("p", {}, t("shortfallText", { detail: shortfall.detail })),
        shortfall.rows.length ? el("table", { id: "shortfall-table" },
          el("thead", {}, el("tr", {}, ...["warehouse", "item", "requested", "available", "missing"].map((k) => el("th", { scope: "col" }, t(k))))),
          el("tbody", {}, shortfall.rows.map((s) => el("tr", {}, el("th", { scope: "row" }, nameOf(s.warehouse)), el("td", { title: s.item }, N.item(s.item)),
            el("td", { class: "num" }, s.requested), el("td", { class: "num" }, s.available), el("td", { class: "num late" }, s.missing))))) : null);
    }
  }
  async function previewApproval() {
    if (!op.rev) return;
    try {
      const known = (await S.apiAll("/warehouses")).map((w) => w.id);
      op.rev.preview = R.reservationDelta(op.rev.previous.plan, op.rev.job.plan, known);
      op.rev.shortfall = null;
      renderApproval();
      $("rev-confirm").focus();
    } catch (err) { S.report(err); }
  }
  async function confirmApproval() {
    if (!op.rev) return;
    try {
      op.rev.job = await api("POST", "/plans/" + op.rev.job.id + "/approve");
      op.rev.preview = null;
      op.rev.shortfall = null;
      S.sayKey("revisionApproved", { id: op.rev.job.id });
    } catch (err) {
      op.rev.preview = null;
      if (err.status === 409) {
        op.rev.shortfall = { detail: err.message, rows: (err.body && err.body.shortfall) || [] };
        S.sayKey("revisionRefused", null, true);
      } else S.report(err);
    }
    renderApproval();
  }

  // ---------- wiring ----------
  $("ev-form").addEventListener("submit", submitForm);
  $("ev-kind").addEventListener("change", (ev) => { op.kind = ev.target.value; op.formErrors = []; save(); renderFields(); renderFormErrors(); drawOverlay(); });
  $("ev-at").addEventListener("change", (ev) => { op.at = ev.target.value === "" ? null : Number(ev.target.value); save(); });
  $("ev-cancel-edit").addEventListener("click", () => { op.editing = null; op.at = null; op.formErrors = []; render(); });
  $("op-now").addEventListener("change", (ev) => {
    const v = Number(ev.target.value);
    if (ev.target.value === "" || !Number.isFinite(v) || v < 0) { ev.target.value = op.now; return; }
    op.now = v;
    if (op.at === null) $("ev-at").value = v;
    save();
    renderTimeline();
  });
  $("replan").addEventListener("click", replan);
  $("replan-cancel").addEventListener("click", cancelReplan);
  $("rev-approve").addEventListener("click", previewApproval);
  $("rev-confirm").addEventListener("click", confirmApproval);
  $("rev-preview-cancel").addEventListener("click", () => { if (op.rev) { op.rev.preview = null; renderApproval(); } });
  $("rev-continue").addEventListener("click", () => { if (op.rev) open(op.rev.job.id); });
  S.onTab((id) => { if (id === "tab-operation" && !op.job) load(); });
  S.onRerender(() => { if (op.job) render(); });
  window.SupplyoptOperation = { open };
})();
