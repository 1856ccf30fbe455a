/* supplyopt dashboard: the Scenario tab. Loads a bundled scenario or an uploaded file, edits it
 * (areas, warehouses, vehicle types, disruptions drawn on a small map), checks it with the
 * service (the library's located problems, shown next to the fields; nothing is ever replaced
 * by a default) and downloads it as the YAML file the library writes. Uses window.Supplyopt
 * (app.js) and the scenario held by app.js (window.SupplyoptScenarioState). */
"use strict";
(function () {
  const S = window.Supplyopt;
  const { $, t, el, svg, api, ApiError } = S;
  const store = window.SupplyoptScenarioState;
  const MAX_TIME_LIMIT_S = 86400; // supplyopt.model.MAX_TIME_LIMIT_S, the bound of POST /plans
  const ed = {
    problems: [], // [{path, msg}] of the scenario, path relative to it ("areas[3].demand.tent")
    runProblems: [], // [{path, msg}] of the run form (time_limit_s)
    seq: 0, // the latest check; older answers are dropped
    timer: null,
    tool: null, // map tool: "area", "warehouse" (place one), "circle", "polygon" (draw a closed zone)
    target: null, // the area or warehouse a "place" tool sets
    draft: [], // polygon being drawn: [[lat, lon], …]
    drag: null, // circle being drawn: {x, y, lat, lon, radius_km}
    map: null, // {root, overlay, proj}
    failed: null, // a failed upload: {file, errors, previous}
    letRunThrough: false,
  };
  const sc = () => store.get();

  // ---------- small helpers ----------
  function save() {
    const data = sc();
    if (data) sessionStorage.setItem("supplyopt.scenario", JSON.stringify(data));
    else sessionStorage.removeItem("supplyopt.scenario");
  }
  function formatPath(parts) {
    let out = "";
    for (const p of parts) out += typeof p === "number" ? "[" + p + "]" : (out ? "." : "") + p;
    return out;
  }
  const rounded = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
  const siteLabel = (s) => (s.name || s.id || "?");
  function uniqueId(base, list) {
    const taken = new Set(list.map((x) => x.id));
    let n = list.length + 1;
    while (taken.has(base + "-" + n)) n++;
    return base + "-" + n;
  }
  /** Set obj[key] from an input's text: empty removes the key (the library then says what is
   * missing, or takes the documented default); anything else is kept as typed. */
  function setOrDelete(obj, key, value) {
    if (value === null || value === "") delete obj[key];
    else obj[key] = value;
  }
  function numberInput(value, path, label, onchange, attrs) {
    return el("input", Object.assign({
      type: "number", step: "any", value: value === undefined || value === null ? "" : value, "data-path": path, "aria-label": label,
      onchange: (ev) => { onchange(ev.target.value === "" ? null : Number(ev.target.value)); edited(); },
    }, attrs || {}));
  }
  function textInput(value, path, label, onchange, attrs) {
    return el("input", Object.assign({
      value: value === undefined || value === null ? "" : value, "data-path": path, "aria-label": label,
      onchange: (ev) => { onchange(ev.target.value.trim()); edited(); },
    }, attrs || {}));
  }
  function removeButton(label, onclick) {
    return el("button", { type: "button", class: "remove", "aria-label": t("remove") + " " + label, onclick }, t("remove"));
  }

  // ---------- loading ----------
  function useScenario(data) {
    store.set(data);
    ed.failed = null;
    ed.problems = [];
    ed.tool = null;
    save();
    render();
    S.sayKey("loaded", { name: data.name });
  }
  async function uploadFile(file) {
    const text = await file.text();
    const format = /\.json$/i.test(file.name) ? "json" : "yaml";
    try {
      const data = await api("POST", "/scenarios/parse?format=" + format, undefined, { text });
      useScenario(data.scenario);
    } catch (err) {
      uploadFailed(file.name, err);
    } finally {
      $("upload").value = ""; // choosing the same (fixed) file again uploads it again
    }
  }
  /** A failed upload leaves nothing loaded: a planner who uploaded a new file must not run the
   * old scenario by mistake. The old one is one click away ("Go back to …"). */
  function uploadFailed(file, err) {
    const previous = sc() || (ed.failed && ed.failed.previous) || null;
    const errors = err instanceof ApiError && err.body && err.body.errors ? err.body.errors : [];
    ed.failed = { file, errors: errors.map((e) => ({ path: e.path === "body" ? "" : e.path.replace(/^body\.?/, ""), msg: e.msg })),
      detail: err.message, previous };
    store.set(null);
    ed.problems = [];
    save();
    render();
    S.sayKey("uploadFailedStatus", { file }, true);
  }
  function showFailure() {
    const f = ed.failed, box = $("scenario-errors");
    const list = f.errors.length ? f.errors.map((e) => el("li", {}, (e.path ? e.path + ": " : "") + e.msg)) : [el("li", {}, f.detail)];
    box.replaceChildren(el("p", { class: "strong" }, t("uploadFailed", { file: f.file })), el("ul", {}, list),
      el("p", {}, t("uploadNothing")),
      f.previous ? el("button", { type: "button", id: "keep-previous", onclick: goBack }, t("keepPrevious", { name: f.previous.name })) : null);
    box.hidden = false;
  }
  function goBack() {
    const previous = ed.failed && ed.failed.previous;
    if (!previous) return;
    store.set(previous);
    ed.failed = null;
    save();
    render();
    S.sayKey("restoredPrevious", { name: previous.name });
    check();
  }

  // ---------- problems: the service's located messages, next to their fields ----------
  /** The API's 422 entries as problems of the scenario ({path, msg}, path inside the scenario)
   * and of the run form (time_limit_s). */
  function located(err) {
    const scenario = [], run = [];
    for (const e of (err.body && err.body.errors) || []) {
      const loc = e.loc || [];
      if (loc[0] === "body" && loc[1] === "scenario") scenario.push({ path: formatPath(loc.slice(2)), msg: e.msg });
      else if (loc[0] === "body" && loc[1] === "time_limit_s") run.push({ path: "time_limit_s", msg: e.msg });
      else scenario.push({ path: "", msg: (e.path ? e.path + ": " : "") + e.msg });
    }
    if (!scenario.length && !run.length) scenario.push({ path: "", msg: err.message });
    return { scenario, run };
  }
  function showProblems(err) {
    const found = located(err);
    ed.problems = found.scenario;
    if (found.run.length) ed.runProblems = found.run;
    markProblems();
  }
  /** Find the element a problem's path belongs to: the field itself, else its row or section. */
  function placeOf(path) {
    const scope = $("panel-scenario");
    let p = path;
    while (p) {
      const found = scope.querySelector('[data-path="' + CSS.escape(p) + '"]');
      if (found) return found;
      const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
      p = cut > 0 ? p.slice(0, cut) : "";
    }
    return null;
  }
  function markProblems() {
    for (const old of document.querySelectorAll("#panel-scenario .field-error")) old.remove();
    for (const f of document.querySelectorAll("#panel-scenario [aria-invalid]")) { f.removeAttribute("aria-invalid"); f.removeAttribute("aria-describedby"); }
    if (ed.failed) { showFailure(); return; }
    const all = ed.problems.concat(ed.runProblems);
    const box = $("scenario-errors");
    box.hidden = !all.length;
    if (!all.length) { box.replaceChildren(); return; }
    box.replaceChildren(el("p", { class: "strong" }, t("formProblems", { n: all.length })),
      el("ul", {}, all.map((e) => el("li", {}, (e.path ? e.path + ": " : "") + e.msg))));
    all.forEach((e, i) => {
      const place = e.path ? placeOf(e.path) : null;
      if (!place) return;
      const id = "fe-" + i;
      const note = el("span", { class: "field-error", id }, (place.dataset.path === e.path ? "" : e.path + ": ") + e.msg);
      if (place.tagName === "TR") place.firstElementChild.append(note);
      else if (place.tagName === "INPUT" || place.tagName === "SELECT") {
        place.setAttribute("aria-invalid", "true");
        place.setAttribute("aria-describedby", ((place.getAttribute("aria-describedby") || "") + " " + id).trim());
        place.after(note);
      } else place.append(note);
    });
  }
  /** Ask the service whether the scenario is valid (the same check as POST /plans): true or
   * false, or null when it could not say (no answer, or a newer check is under way). */
  async function check() {
    clearTimeout(ed.timer);
    const scenario = sc();
    if (!scenario) return null;
    const seq = ++ed.seq;
    let problems = [];
    try {
      await api("POST", "/scenarios/render?format=json", { scenario }, { raw: true });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) { S.report(err); return null; }
      problems = located(err).scenario;
    }
    if (seq !== ed.seq) return null;
    ed.problems = problems;
    markProblems();
    return !problems.length;
  }
  function edited() {
    save();
    if (sc()) renderMap(sc());
    clearTimeout(ed.timer);
    ed.timer = setTimeout(check, 250);
  }
  /** The time limit as POST /plans takes it: a number of seconds, > 0 and <= 86400. */
  function timeLimitProblems() {
    const text = $("time-limit").value.trim(), v = Number(text);
    if (text === "" || !Number.isFinite(v)) return [{ path: "time_limit_s", msg: "must be a number (got " + (text ? JSON.stringify(text) : "nothing") + ")" }];
    if (v <= 0) return [{ path: "time_limit_s", msg: "must be > 0 (got " + text + ")" }];
    if (v > MAX_TIME_LIMIT_S) return [{ path: "time_limit_s", msg: "must be <= " + MAX_TIME_LIMIT_S + " (got " + text + ")" }];
    return [];
  }
  /** Run only a scenario and a time limit the service takes as they are shown. */
  async function guardRun() {
    if (!sc()) return false;
    readGeneralFields();
    ed.runProblems = timeLimitProblems();
    const ok = await check();
    if (ok === null) return false; // the status line says why (no key, no connection…)
    markProblems();
    const n = ed.problems.length + ed.runProblems.length;
    if (ok && !n) return true;
    S.sayKey("runRefused", { n }, true);
    const first = document.querySelector("#panel-scenario [aria-invalid=true]");
    if (first) first.focus();
    return false;
  }
  document.addEventListener("click", (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest("#run-plan") : null;
    if (!button || ed.letRunThrough) return;
    ev.stopImmediatePropagation();
    ev.preventDefault();
    guardRun().then((ok) => {
      if (!ok) return;
      ed.letRunThrough = true;
      try { button.click(); } finally { ed.letRunThrough = false; }
    });
  }, true);

  // ---------- the form ----------
  function readGeneralFields() {
    const data = sc();
    if (!data) return;
    data.name = $("sc-name").value.trim();
    const deadline = $("sc-deadline").value;
    setOrDelete(data, "deadline_hours", deadline === "" ? null : Number(deadline));
    const speed = $("sc-speed").value;
    if (speed !== "" || data.roads) {
      data.roads = data.roads || { model: "great_circle" };
      setOrDelete(data.roads, "speed_kmh", speed === "" ? null : Number(speed));
    }
    save();
  }
  function render() {
    const data = sc();
    $("scenario-form").hidden = !data;
    $("run-box").hidden = !data;
    if (!data) { markProblems(); return; }
    $("sc-name").value = data.name === undefined ? "" : data.name;
    $("sc-deadline").value = data.deadline_hours === undefined ? "" : data.deadline_hours;
    $("sc-speed").value = data.roads && data.roads.speed_kmh !== undefined ? data.roads.speed_kmh : "";
    $("sc-speed").placeholder = data.roads && data.roads.model === "osm" ? "30" : "60"; // the library's default when empty
    renderVehicleTypes(data);
    renderWarehouses(data);
    renderAreas(data);
    renderDisruptions(data);
    renderMap(data);
    markProblems();
  }
  function renderVehicleTypes(data) {
    const cols = ["fld_id", "fld_name", "capacityKg", "capacityM3", "speedKmh", "remove"];
    $("vt-table").replaceChildren(el("thead", {}, el("tr", {}, cols.map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, data.vehicle_types.map((v, i) => {
        const at = "vehicle_types[" + i + "]", name = siteLabel(v);
        return el("tr", { "data-path": at },
          el("th", { scope: "row" }, textInput(v.id, at + ".id", name + " " + t("fld_id"), (x) => renameVehicleType(v, x), { class: "id" })),
          el("td", {}, textInput(v.name, at + ".name", name + " " + t("fld_name"), (x) => setOrDelete(v, "name", x), { class: "name" })),
          el("td", {}, numberInput(v.capacity_kg, at + ".capacity_kg", name + " " + t("capacityKg"), (x) => setOrDelete(v, "capacity_kg", x), { min: 0 })),
          el("td", {}, numberInput(v.capacity_m3, at + ".capacity_m3", name + " " + t("capacityM3"), (x) => setOrDelete(v, "capacity_m3", x), { min: 0 })),
          el("td", {}, numberInput(v.speed_kmh, at + ".speed_kmh", name + " " + t("speedKmh"), (x) => setOrDelete(v, "speed_kmh", x), { min: 0 })),
          el("td", {}, removeButton(name, () => removeVehicleType(i))));
      })));
  }
  function renderWarehouses(data) {
    const items = data.items.map((x) => x.id), types = data.vehicle_types.map((v) => v.id);
    $("wh-table").replaceChildren(
      el("thead", {}, el("tr", {}, ...["fld_id", "fld_name", "fld_lat", "fld_lon", "readyH", "loadingH", "bays"].map((k) => el("th", { scope: "col" }, t(k))),
        ...items.map((i) => el("th", { scope: "col" }, t("stock") + ": " + i)), ...types.map((v) => el("th", { scope: "col" }, t("fleet") + ": " + v)),
        el("th", { scope: "col" }, t("remove")))),
      el("tbody", {}, data.warehouses.map((w, n) => {
        const at = "warehouses[" + n + "]", name = siteLabel(w);
        w.stock = w.stock || {};
        w.fleet = w.fleet || {};
        return el("tr", { "data-path": at, class: ed.target === w ? "placing" : null },
          el("th", { scope: "row" }, textInput(w.id, at + ".id", name + " " + t("fld_id"), (x) => renameWarehouse(w, x), { class: "id" })),
          el("td", {}, textInput(w.name, at + ".name", name + " " + t("fld_name"), (x) => setOrDelete(w, "name", x), { class: "name" })),
          el("td", {}, numberInput(w.lat, at + ".lat", name + " " + t("fld_lat"), (x) => setOrDelete(w, "lat", x), { class: "coord" })),
          el("td", {}, numberInput(w.lon, at + ".lon", name + " " + t("fld_lon"), (x) => setOrDelete(w, "lon", x), { class: "coord" })),
          el("td", {}, numberInput(w.ready_hours, at + ".ready_hours", name + " " + t("readyH"), (x) => setOrDelete(w, "ready_hours", x), { min: 0 })),
          el("td", {}, numberInput(w.loading_hours, at + ".loading_hours", name + " " + t("loadingH"), (x) => setOrDelete(w, "loading_hours", x), { min: 0 })),
          el("td", {}, numberInput(w.loading_bays, at + ".loading_bays", name + " " + t("bays"), (x) => setOrDelete(w, "loading_bays", x), { min: 1 })),
          ...items.map((i) => el("td", {}, numberInput(w.stock[i], at + ".stock." + i, name + " " + t("stock") + " " + i, (x) => setOrDelete(w.stock, i, x), { min: 0 }))),
          ...types.map((ty) => el("td", {}, numberInput(w.fleet[ty], at + ".fleet." + ty, name + " " + t("fleet") + " " + ty, (x) => setOrDelete(w.fleet, ty, x), { min: 0 }))),
          el("td", {}, removeButton(name, () => { data.warehouses.splice(n, 1); changedStructure(); })));
      })));
  }
  function renderAreas(data) {
    const items = data.items.map((x) => x.id);
    $("area-table").replaceChildren(
      el("thead", {}, el("tr", {}, ...["fld_id", "fld_name", "fld_lat", "fld_lon", "population", "priority", "unloadingH"].map((k) => el("th", { scope: "col" }, t(k))),
        ...items.map((i) => el("th", { scope: "col" }, t("demand") + ": " + i)), el("th", { scope: "col" }, t("remove")))),
      el("tbody", {}, data.areas.map((a, n) => {
        const at = "areas[" + n + "]", name = siteLabel(a);
        a.demand = a.demand || {};
        return el("tr", { "data-path": at, class: ed.target === a ? "placing" : null },
          el("th", { scope: "row" }, textInput(a.id, at + ".id", name + " " + t("fld_id"), (x) => renameArea(a, x), { class: "id" })),
          el("td", {}, textInput(a.name, at + ".name", name + " " + t("fld_name"), (x) => setOrDelete(a, "name", x), { class: "name" })),
          el("td", {}, numberInput(a.lat, at + ".lat", name + " " + t("fld_lat"), (x) => setOrDelete(a, "lat", x), { class: "coord" })),
          el("td", {}, numberInput(a.lon, at + ".lon", name + " " + t("fld_lon"), (x) => setOrDelete(a, "lon", x), { class: "coord" })),
          el("td", {}, numberInput(a.population, at + ".population", name + " " + t("population"), (x) => setOrDelete(a, "population", x), { min: 0 })),
          el("td", {}, numberInput(a.priority, at + ".priority", name + " " + t("priority"), (x) => setOrDelete(a, "priority", x), { min: 1 })),
          el("td", {}, numberInput(a.unloading_hours, at + ".unloading_hours", name + " " + t("unloadingH"), (x) => setOrDelete(a, "unloading_hours", x), { min: 0 })),
          ...items.map((i) => el("td", {}, numberInput(a.demand[i], at + ".demand." + i, name + " " + t("demand") + " " + i, (x) => setOrDelete(a.demand, i, x), { min: 0 }))),
          el("td", {}, removeButton(name, () => { data.areas.splice(n, 1); changedStructure(); })));
      })));
  }

  // ---------- disruptions ----------
  const DISRUPTION_KINDS = ["close_roads", "slow_roads", "warehouse_out", "reduce_fleet", "scale_demand"];
  const listText = (xs) => (xs || []).join(", ");
  const textList = (s) => s.split(/[,，]/).map((x) => x.trim()).filter((x) => x);
  function nodeRef(s) { return /^-?\d+$/.test(s) ? Number(s) : s; }
  function selectInput(value, options, path, label, onchange) {
    return el("select", { "data-path": path, "aria-label": label, onchange: (ev) => { onchange(ev.target.value); edited(); } },
      options.map(([v, text]) => el("option", { value: v, selected: v === (value === undefined ? "" : value) }, text)));
  }
  function field(labelKey, input) { return el("label", { class: "dfield" }, el("span", {}, t(labelKey)), input); }
  function disruptionFields(d, at, data) {
    const name = t("dis_" + d.kind) + " " + at;
    const num = (key, labelKey, attrs) => field(labelKey, numberInput(d[key], at + "." + key, name + " " + t(labelKey), (x) => setOrDelete(d, key, x), attrs));
    const whs = [["", t("allWarehouses")]].concat(data.warehouses.map((w) => [w.id, siteLabel(w)]));
    const types = [["", t("allTypes")]].concat(data.vehicle_types.map((v) => [v.id, siteLabel(v)]));
    if (d.kind === "close_roads" || d.kind === "slow_roads") {
      const out = [];
      if (d.kind === "slow_roads") out.push(num("factor", "factor", { min: 0, max: 1 }));
      if (d.circle) {
        const c = d.circle;
        for (const [key, k] of [["lat", "fld_lat"], ["lon", "fld_lon"], ["radius_km", "fld_radius_km"]])
          out.push(field(k, numberInput(c[key], at + ".circle." + key, name + " " + t(k), (x) => setOrDelete(c, key, x), { class: "coord" })));
      } else if (d.polygon) out.push(el("span", { "data-path": at + ".polygon" }, t("polygonPoints", { n: d.polygon.length })));
      else if (d.osm_way !== undefined) out.push(num("osm_way", "osmWay", { step: 1, class: "osm" }));
      else if (d.between) {
        d.between.forEach((v, j) => out.push(field("betweenNode", textInput(v, at + ".between[" + j + "]", name + " " + t("betweenNode"), (x) => { d.between[j] = nodeRef(x); }))));
      } else out.push(el("span", { "data-path": at + ".circle" }, t("drawToSelect")));
      return out;
    }
    if (d.kind === "warehouse_out")
      return [field("warehouse", selectInput(d.warehouse, data.warehouses.map((w) => [w.id, siteLabel(w)]), at + ".warehouse", name + " " + t("warehouse"), (x) => { d.warehouse = x; }))];
    if (d.kind === "reduce_fleet")
      return [num("factor", "factor", { min: 0, max: 1 }),
        field("warehouse", selectInput(d.warehouse, whs, at + ".warehouse", name + " " + t("warehouse"), (x) => setOrDelete(d, "warehouse", x))),
        field("vehicleType", selectInput(d.vehicle_type, types, at + ".vehicle_type", name + " " + t("vehicleType"), (x) => setOrDelete(d, "vehicle_type", x)))];
    return [num("factor", "factor", { min: 0 }),
      field("areaIds", textInput(listText(d.areas), at + ".areas", name + " " + t("areaIds"), (x) => setOrDelete(d, "areas", x ? textList(x) : null))),
      field("itemIds", textInput(listText(d.items), at + ".items", name + " " + t("itemIds"), (x) => setOrDelete(d, "items", x ? textList(x) : null)))];
  }
  function renderDisruptions(data) {
    const list = data.disruptions || [];
    $("dis-empty").hidden = list.length > 0;
    $("dis-table").hidden = !list.length;
    const kinds = (d) => (d.kind === "close_roads" || d.kind === "slow_roads" ? ["close_roads", "slow_roads"] : [d.kind]);
    $("dis-table").replaceChildren(el("thead", {}, el("tr", {}, ["disNumber", "disKind", "disWhat", "disLabel", "remove"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, list.map((d, i) => {
        const at = "disruptions[" + i + "]";
        return el("tr", { "data-path": at },
          el("th", { scope: "row" }, String(i + 1)),
          el("td", {}, selectInput(d.kind, kinds(d).map((k) => [k, t("dis_" + k)]), at + ".kind", t("disKind") + " " + (i + 1), (x) => {
            d.kind = x;
            if (x === "close_roads") delete d.factor;
            renderPart(renderDisruptions, renderMap);
          })),
          el("td", { class: "dfields" }, disruptionFields(d, at, data)),
          el("td", {}, textInput(d.label, at + ".label", t("disLabel") + " " + (i + 1), (x) => setOrDelete(d, "label", x), { class: "name" })),
          el("td", {}, removeButton(t("dis_" + d.kind) + " " + (i + 1), () => { list.splice(i, 1); changedStructure(); })));
      })));
  }
  function addDisruption(kind) {
    const data = sc();
    // a road disruption starts as a circle to type in (or draw one with the map's tools)
    const d = kind === "close_roads" || kind === "slow_roads" ? { kind, circle: {} } : { kind };
    if (kind === "warehouse_out" && data.warehouses.length) d.warehouse = data.warehouses[0].id;
    (data.disruptions = data.disruptions || []).push(d);
    changedStructure();
  }

  // ---------- adding, removing and renaming ----------
  function changedStructure() {
    render();
    edited();
  }
  function addArea() {
    const data = sc();
    const a = { id: uniqueId("area", data.areas), demand: {} };
    data.areas.push(a);
    setTool("area", a);
    changedStructure();
    $("editor-map").scrollIntoView({ block: "nearest" });
  }
  function addWarehouse() {
    const data = sc();
    const w = { id: uniqueId("warehouse", data.warehouses), stock: {}, fleet: {} };
    data.warehouses.push(w);
    setTool("warehouse", w);
    changedStructure();
    $("editor-map").scrollIntoView({ block: "nearest" });
  }
  function addVehicleType() {
    const data = sc();
    data.vehicle_types.push({ id: uniqueId("vehicle", data.vehicle_types) });
    changedStructure();
    focusLast("#vt-table tbody tr");
  }
  function focusLast(rows) {
    const all = document.querySelectorAll(rows);
    if (all.length) all[all.length - 1].querySelector("input").focus();
  }
  function removeVehicleType(i) {
    const data = sc(), gone = data.vehicle_types[i].id;
    data.vehicle_types.splice(i, 1);
    for (const w of data.warehouses) if (w.fleet) delete w.fleet[gone];
    changedStructure();
  }
  function renameKey(map, from, to) {
    if (!map || !(from in map) || from === to) return;
    map[to] = map[from];
    delete map[from];
  }
  /** Redraw some tables of the form, never the row being typed in (a change event fires as the
   * focus leaves a field: rebuilding that field's table would drop what is typed next). The
   * focused field, if redrawn, gets the focus back. */
  function renderPart(...parts) {
    const data = sc(), path = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
    for (const part of parts) part(data);
    markProblems();
    const again = path ? document.querySelector('#panel-scenario [data-path="' + CSS.escape(path) + '"]') : null;
    if (again && again !== document.activeElement) again.focus();
  }
  // A renamed id is renamed where the scenario refers to it, so a rename never breaks a reference.
  function renameVehicleType(v, id) {
    const data = sc(), from = v.id;
    v.id = id;
    for (const w of data.warehouses) renameKey(w.fleet, from, id);
    for (const d of data.disruptions || []) if (d.vehicle_type === from) d.vehicle_type = id;
    renderPart(renderWarehouses, renderDisruptions);
  }
  function renameWarehouse(w, id) {
    const data = sc(), from = w.id;
    w.id = id;
    for (const d of data.disruptions || []) if (d.warehouse === from) d.warehouse = id;
    renderPart(renderDisruptions);
  }
  function renameArea(a, id) {
    const data = sc(), from = a.id;
    a.id = id;
    for (const d of data.disruptions || []) if (d.areas) d.areas = d.areas.map((x) => (x === from ? id : x));
    renderPart(renderDisruptions);
  }

  // ---------- the map: place a site, draw a closed zone ----------
  const W = 760, H = 420, PAD = 36;
  /** Equirectangular projection of [lon, lat] points into the map, north up, scale true at
   * the middle latitude; a lone point (or none) gets a half-degree frame around it. */
  function projector(points) {
    const pts = points.length ? points : [[0, 0]];
    let minLon = Math.min(...pts.map((p) => p[0])), maxLon = Math.max(...pts.map((p) => p[0]));
    let minLat = Math.min(...pts.map((p) => p[1])), maxLat = Math.max(...pts.map((p) => p[1]));
    if (maxLon - minLon < 0.05) { minLon -= 0.25; maxLon += 0.25; }
    if (maxLat - minLat < 0.05) { minLat -= 0.25; maxLat += 0.25; }
    const shrink = Math.max(Math.cos(((minLat + maxLat) / 2) * Math.PI / 180), 0.05);
    const k = Math.min((W - 2 * PAD) / ((maxLon - minLon) * shrink), (H - 2 * PAD) / (maxLat - minLat));
    const x0 = (W - (maxLon - minLon) * shrink * k) / 2, y0 = (H + (maxLat - minLat) * k) / 2;
    return { xy: (lon, lat) => [x0 + (lon - minLon) * shrink * k, y0 - (lat - minLat) * k], kmPerPx: 111.195 / k,
      lonLat: (x, y) => [minLon + (x - x0) / (shrink * k), minLat + (y0 - y) / k] };
  }
  const placed = (s) => Number.isFinite(s.lat) && Number.isFinite(s.lon);
  function renderMap(data) {
    const points = data.warehouses.concat(data.areas).filter(placed).map((s) => [s.lon, s.lat]);
    for (const d of data.disruptions || []) {
      if (d.circle && placed(d.circle)) points.push([d.circle.lon, d.circle.lat]);
      for (const p of d.polygon || []) points.push([p[1], p[0]]);
    }
    const proj = projector(points);
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": t("editorMapLabel"), id: "editor-map-svg" });
    root.append(svg("rect", { width: W, height: H, class: "sea" }));
    const shapes = svg("g", { class: "zones" }), sites = svg("g", { class: "sites" }), overlay = svg("g", { class: "overlay" });
    (data.disruptions || []).forEach((d, i) => {
      const cls = "zone " + d.kind, tip = svg("title", {}, (i + 1) + ". " + t("dis_" + d.kind) + (d.label ? " — " + d.label : ""));
      if (d.circle && placed(d.circle) && d.circle.radius_km > 0) {
        const [x, y] = proj.xy(d.circle.lon, d.circle.lat);
        shapes.append(svg("circle", { cx: x, cy: y, r: Math.max(d.circle.radius_km / proj.kmPerPx, 2), class: cls }, tip));
      } else if (d.polygon) {
        shapes.append(svg("polygon", { points: d.polygon.map((p) => proj.xy(p[1], p[0]).map((v) => v.toFixed(1)).join(",")).join(" "), class: cls }, tip));
      }
    });
    const marks = data.warehouses.filter(placed).map((w) => ({ site: w, kind: "warehouse", half: 7 }))
      .concat(data.areas.filter(placed).map((a) => ({ site: a, kind: "area", half: 6 })));
    for (const m of marks) [m.x, m.y] = proj.xy(m.site.lon, m.site.lat);
    const labels = placeLabels(marks);
    marks.forEach((m, i) => {
      const g = svg("g", { class: "site " + m.kind }, svg("title", {}, t(m.kind) + ": " + siteLabel(m.site)),
        m.kind === "warehouse" ? svg("rect", { x: m.x - 7, y: m.y - 7, width: 14, height: 14 }) : svg("circle", { cx: m.x, cy: m.y, r: 6 }));
      if (labels[i]) g.append(svg("text", labels[i], siteLabel(m.site)));
      sites.append(g);
    });
    let km = 1;
    for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) if (step <= 120 * proj.kmPerPx) km = step;
    root.append(shapes, sites, overlay,
      svg("line", { x1: 16, y1: H - 16, x2: 16 + km / proj.kmPerPx, y2: H - 16, class: "scale" }),
      svg("text", { x: 16, y: H - 24, class: "scale" }, km + " km"));
    root.addEventListener("pointerdown", pointerDown);
    root.addEventListener("pointermove", pointerMove);
    root.addEventListener("pointerup", pointerUp);
    root.addEventListener("dblclick", (ev) => { if (ed.tool === "polygon") { ev.preventDefault(); finishPolygon(); } });
    $("editor-map").replaceChildren(root);
    ed.map = { root, overlay, proj };
    drawOverlay();
    showTool();
  }
  /** Where each site's label goes: right, left, above or below its mark, the first place that
   * overlaps no mark, no label placed before and stays inside the map; warehouses first. A
   * label with no free place is left out (the mark's tooltip still names it). */
  function placeLabels(marks) {
    const boxes = marks.map((m) => [m.x - m.half, m.y - m.half, m.x + m.half, m.y + m.half]);
    const hits = (b) => boxes.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]);
    return marks.map((m) => {
      const text = siteLabel(m.site);
      const w = Array.from(text).reduce((sum, ch) => sum + (/[\u2e80-\uffff]/.test(ch) ? 12 : 7), 0), h = 13, gap = m.half + 3;
      const tries = [[m.x + gap, m.y - h / 2, "start"], [m.x - gap - w, m.y - h / 2, "end"],
        [m.x - w / 2, m.y - gap - h, "middle"], [m.x - w / 2, m.y + gap, "middle"]];
      for (const [left, top, anchor] of tries) {
        const box = [left, top, left + w, top + h];
        if (left < 2 || top < 2 || box[2] > W - 2 || box[3] > H - 2 || hits(box)) continue;
        boxes.push(box);
        const x = anchor === "start" ? left : anchor === "end" ? left + w : left + w / 2;
        return { x, y: top + h - 3, "text-anchor": anchor };
      }
      return null;
    });
  }
  function drawOverlay() {
    if (!ed.map) return;
    const { overlay, proj } = ed.map;
    overlay.replaceChildren();
    if (ed.tool === "circle" && ed.drag && ed.drag.radius_km > 0) {
      const [x, y] = proj.xy(ed.drag.lon, ed.drag.lat);
      overlay.append(svg("circle", { cx: x, cy: y, r: ed.drag.radius_km / proj.kmPerPx, class: "draft-zone" }));
    }
    if (ed.tool === "polygon" && ed.draft.length) {
      const pts = ed.draft.map((p) => proj.xy(p[1], p[0]).map((v) => v.toFixed(1)).join(",")).join(" ");
      overlay.append(svg(ed.draft.length > 2 ? "polygon" : "polyline", { points: pts, class: "draft-zone" }));
      for (const p of ed.draft) {
        const [x, y] = proj.xy(p[1], p[0]);
        overlay.append(svg("circle", { cx: x, cy: y, r: 3.5, class: "vertex" }));
      }
    }
  }
  function svgPoint(ev) {
    const pt = ed.map.root.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(ed.map.root.getScreenCTM().inverse());
  }
  function pointerDown(ev) {
    if (!ed.tool) return;
    ev.preventDefault();
    const p = svgPoint(ev), [lon, lat] = ed.map.proj.lonLat(p.x, p.y);
    if (ed.tool === "area" || ed.tool === "warehouse") {
      const site = ed.target, data = sc();
      if (!data.areas.includes(site) && !data.warehouses.includes(site)) { setTool(null); return; } // removed meanwhile
      site.lat = rounded(lat, 4);
      site.lon = rounded(lon, 4);
      setTool(null);
      changedStructure();
      S.sayKey("placed", { name: siteLabel(site), lat: site.lat, lon: site.lon });
    } else if (ed.tool === "circle") {
      ed.drag = { x: p.x, y: p.y, lat: rounded(lat, 4), lon: rounded(lon, 4), radius_km: 0 };
      ed.map.root.setPointerCapture(ev.pointerId);
    } else if (ed.tool === "polygon") {
      ed.draft.push([rounded(lat, 4), rounded(lon, 4)]);
      drawOverlay();
      showTool();
    }
  }
  function pointerMove(ev) {
    if (ed.tool !== "circle" || !ed.drag) return;
    const p = svgPoint(ev);
    ed.drag.radius_km = rounded(Math.hypot(p.x - ed.drag.x, p.y - ed.drag.y) * ed.map.proj.kmPerPx, 1);
    drawOverlay();
  }
  function pointerUp() {
    if (ed.tool !== "circle" || !ed.drag) return;
    const { lat, lon, radius_km } = ed.drag;
    ed.drag = null;
    if (!(radius_km > 0)) { drawOverlay(); S.sayKey("dragToDraw", null, true); return; }
    addZone({ circle: { lat, lon, radius_km } });
  }
  function finishPolygon() {
    if (ed.draft.length < 3) { S.sayKey("polygonTooFew", null, true); return; }
    // a double click also adds its point twice: drop repeated points
    const pts = ed.draft.filter((p, i) => i === 0 || p[0] !== ed.draft[i - 1][0] || p[1] !== ed.draft[i - 1][1]);
    ed.draft = [];
    addZone({ polygon: pts });
  }
  function addZone(selector) {
    const data = sc();
    (data.disruptions = data.disruptions || []).push(Object.assign({ kind: "close_roads" }, selector));
    setTool(null);
    changedStructure();
    S.sayKey("zoneAdded", { n: data.disruptions.length });
  }
  function setTool(tool, target) {
    ed.tool = tool;
    ed.target = target || null;
    ed.draft = [];
    ed.drag = null;
    drawOverlay();
    showTool();
  }
  function showTool() {
    const hint = { area: "hintPlaceArea", warehouse: "hintPlaceWarehouse", circle: "hintCircle", polygon: "hintPolygon" }[ed.tool] || "hintIdle";
    $("editor-hint").textContent = t(hint, { name: ed.target ? siteLabel(ed.target) : "" });
    $("editor-map").classList.toggle("drawing", !!ed.tool);
    $("tool-circle").setAttribute("aria-pressed", ed.tool === "circle" ? "true" : "false");
    $("tool-polygon").setAttribute("aria-pressed", ed.tool === "polygon" ? "true" : "false");
    $("tool-finish").hidden = ed.tool !== "polygon";
    $("tool-finish").disabled = ed.draft.length < 3;
    $("tool-cancel").hidden = !ed.tool;
  }

  // ---------- download ----------
  async function downloadYaml() {
    if (!sc()) return;
    readGeneralFields();
    try {
      const res = await api("POST", "/scenarios/render?format=yaml", { scenario: sc() }, { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const name = (sc().name || "scenario").replace(/[^\p{L}\p{N}_.-]+/gu, "_") + ".yaml";
      const a = el("a", { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      ed.problems = [];
      markProblems();
      S.sayKey("yamlDownloaded", { file: name });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 422) { S.report(err); return; }
      ed.problems = located(err).scenario;
      markProblems();
      S.sayKey("downloadRefused", { n: ed.problems.length }, true);
    }
  }

  // ---------- wiring ----------
  $("time-limit").setAttribute("data-path", "time_limit_s");
  $("time-limit").addEventListener("change", () => { if (ed.runProblems.length) { ed.runProblems = timeLimitProblems(); markProblems(); } });
  for (const id of ["sc-name", "sc-deadline", "sc-speed"]) $(id).addEventListener("change", () => { readGeneralFields(); edited(); });
  $("scenario-form").addEventListener("submit", (ev) => ev.preventDefault());
  $("add-area").addEventListener("click", addArea);
  $("add-warehouse").addEventListener("click", addWarehouse);
  $("add-vehicle-type").addEventListener("click", addVehicleType);
  $("add-disruption").addEventListener("click", () => addDisruption($("dis-kind").value));
  $("tool-circle").addEventListener("click", () => setTool(ed.tool === "circle" ? null : "circle"));
  $("tool-polygon").addEventListener("click", () => setTool(ed.tool === "polygon" ? null : "polygon"));
  $("tool-finish").addEventListener("click", finishPolygon);
  $("tool-cancel").addEventListener("click", () => setTool(null));
  $("editor-map").addEventListener("keydown", (ev) => { if (ev.key === "Escape") setTool(null); });
  $("download-yaml").addEventListener("click", downloadYaml);
  function fillKinds() {
    const pick = $("dis-kind"), was = pick.value;
    pick.replaceChildren(...DISRUPTION_KINDS.map((k) => el("option", { value: k, selected: k === was }, t("dis_" + k))));
  }
  fillKinds();
  S.onRerender(() => { fillKinds(); });

  window.SupplyoptScenario = { render, useScenario, uploadFile, readGeneralFields, showProblems };
  if (sc()) render();
})();
