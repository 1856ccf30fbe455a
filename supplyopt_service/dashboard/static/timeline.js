/* The trucks' timeline (issue 15): one row per truck, its trips' bars named by destination,
 * unloading after the deadline marked, a filter by warehouse, drawn at its real pixel size in
 * its own horizontally scrolling box (readable on a phone without widening the page), and the
 * selection shared with the map (map.js). Uses app.js and map.js (window.Supplyopt). */
"use strict";
(function () {
  const S = window.Supplyopt;
  const { $, t, el, svg } = S;
  const COLOURS = { loading: "#7b1fa2", driving: "#1e88e5", unloading: "#fb8c00", returning: "#90caf9" };
  const EPS_H = 1e-9, FONT_PX = 11, ROW = 26, TOP = 46, R = 24;
  const state = { warehouse: "" };
  let current = null;

  function textWidth(text) {
    const ctx = textWidth.ctx || (textWidth.ctx = document.createElement("canvas").getContext("2d"));
    ctx.font = FONT_PX + "px " + getComputedStyle(document.body).fontFamily;
    return ctx.measureText(text).width;
  }
  /** The text cut to fit width px ("…" at the end), or "" when not even two characters fit. */
  function fit(text, width) {
    if (textWidth(text) <= width) return text;
    for (let n = text.length - 1; n >= 2; n--) {
      const cut = text.slice(0, n) + "…";
      if (textWidth(cut) <= width) return cut;
    }
    return "";
  }
  /** An unloading that starts after the deadline (or that the plan marks late). */
  function isLate(geo, trip, seg) {
    if (seg.kind !== "unloading" || trip.transfer) return false; // a transfer unloads at a warehouse
    const stop = trip.stops.find((s) => s.area === seg.place && Math.abs(s.arrive_hours - seg.start_hours) < 1e-6);
    return seg.start_hours > geo.deadline_hours + EPS_H || (!!stop && stop.on_time === false);
  }

  /** Draw each vehicle's trips into opts.box (default #timeline). opts.now (hours) adds the
   * "now" line; opts.marks ([{vehicle, hours, text}]) adds a cross on a vehicle's row. The result
   * timeline (#timeline) has the warehouse filter and shares the map's selection. */
  function drawTimeline(geo, opts) {
    const o = Object.assign({ box: $("timeline"), id: "timeline-svg", now: null, marks: [] }, opts || {});
    const live = o.box === $("timeline");
    if (window.SupplyoptNames) window.SupplyoptNames.learnGeo(geo); // vehicle names in the page's language
    const names = {};
    for (const f of S.byKind(geo, "area").concat(S.byKind(geo, "warehouse"))) names[f.properties.id] = S.label(f.properties);
    const warehouses = S.byKind(geo, "warehouse").map((f) => f.properties);
    if (live && state.warehouse && !warehouses.some((w) => w.id === state.warehouse)) state.warehouse = "";
    const all = S.byKind(geo, "trip").map((f) => f.properties);
    const trips = live && state.warehouse ? all.filter((p) => p.warehouse === state.warehouse) : all;
    const parts = [];
    if (live) parts.push(filterBar(geo, warehouses, all));
    const home = S.vehicleHomes(geo);
    const order = warehouses.map((w) => w.id);
    const vehicles = [...new Set(trips.map((p) => p.vehicle))]
      .sort((a, b) => order.indexOf(home[a]) - order.indexOf(home[b]) || (a < b ? -1 : a > b ? 1 : 0));
    // one heading row per home warehouse, then a row per vehicle (named without the warehouse)
    const rows = [];
    for (const v of vehicles) {
      if (!rows.length || home[rows[rows.length - 1].v] !== home[v]) rows.push({ head: home[v] });
      rows.push({ v });
    }
    const rowOf = (v) => rows.findIndex((r) => r.v === v);
    if (!vehicles.length) {
      o.box.replaceChildren(...parts, el("p", {}, t("noTrips")));
      if (live) current = null;
      return;
    }
    const end = Math.ceil(Math.max(geo.deadline_hours, o.now || 0, ...trips.map((p) => p.return_hours)));
    const boxW = o.box.clientWidth || 1100;
    const longest = Math.max(...vehicles.map((v) => textWidth(S.shortVehicle(v, home[v]))));
    const L = Math.round(Math.min(longest + 14, boxW < 600 ? 110 : 220));
    const W = Math.round(Math.max(boxW - 2, L + R + end * 52));
    const H = TOP + rows.length * ROW + 44;
    const x = (h) => L + (W - L - R) * (h / end);
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: live ? "group" : "img", "aria-label": t("timelineLabel"), id: o.id, class: "plan-timeline" });
    const legend = Object.entries(COLOURS).map(([k, c]) => [k, c, t(k)]);
    let lx = L;
    for (const [k, c, text] of legend) {
      root.append(svg("rect", { x: lx, y: 8, width: 14, height: 14, fill: c, class: "key " + k }));
      root.append(svg("text", { x: lx + 18, y: 20, "font-size": 12 }, text));
      lx += 18 + textWidth(text) * 12 / FONT_PX + 18;
    }
    root.append(svg("path", { d: lateMark(lx + 7, 8), class: "late-mark key" }));
    root.append(svg("text", { x: lx + 18, y: 20, "font-size": 12 }, t("tlLateUnload")));
    const bottom = TOP + rows.length * ROW;
    const step = end <= 16 ? 1 : end <= 32 ? 2 : 6;
    for (let h = 0; h <= end; h += step) {
      root.append(svg("line", { x1: x(h), y1: TOP - 4, x2: x(h), y2: bottom, stroke: "#e3e3e3" }));
      root.append(svg("text", { x: x(h), y: bottom + 16, "font-size": FONT_PX, "text-anchor": "middle" }, String(h)));
    }
    rows.forEach((r, row) => {
      const y = TOP + row * ROW;
      if (r.head !== undefined) {
        root.append(svg("rect", { x: 0, y: y + 2, width: W, height: ROW - 4, class: "group-band" }),
          svg("text", { x: 6, y: y + ROW / 2 + 4, "font-size": 12, "font-weight": "bold", class: "group" }, names[r.head] || r.head || ""));
        return;
      }
      const v = r.v;
      const name = svg("text", { x: L - 6, y: y + ROW / 2 + 4, "font-size": FONT_PX, "text-anchor": "end", class: "vehicle", "data-vehicle": v },
        svg("title", {}, v), fit(S.shortVehicle(v, home[v]), L - 10));
      if (live) {
        name.setAttribute("tabindex", 0);
        name.setAttribute("role", "button");
        name.setAttribute("aria-label", t("tlSelectTruck", { name: v }));
        name.addEventListener("click", () => S.select({ kind: "vehicle", id: v }));
        name.addEventListener("keydown", (ev) => {
          if (ev.key !== "Enter" && ev.key !== " ") return;
          ev.preventDefault();
          S.select({ kind: "vehicle", id: v });
        });
      }
      root.append(svg("rect", { x: 0, y, width: W, height: ROW, class: "row-band", "data-vehicle": v }), name);
      for (const p of trips.filter((tp) => tp.vehicle === v)) root.append(tripBars(geo, p, names, x, y, live));
    });
    const dx = x(geo.deadline_hours);
    root.append(svg("line", { x1: dx, y1: TOP - 8, x2: dx, y2: bottom + 4, stroke: "#d50000", "stroke-width": 2, "stroke-dasharray": "5 3", class: "deadline" }));
    root.append(svg("text", { x: dx + 4, y: TOP - 10, "font-size": 12, fill: "#d50000" }, t("deadlineLine") + " " + geo.deadline_hours + " " + t("hours")));
    for (const m of o.marks) {
      const row = rowOf(m.vehicle);
      if (row < 0) continue;
      const mx = x(m.hours), my = TOP + row * ROW + ROW / 2;
      root.append(svg("path", { d: "M" + (mx - 6) + " " + (my - 6) + "l12 12m0 -12l-12 12", stroke: "#000", "stroke-width": 3, class: "down-mark" },
        svg("title", {}, m.text)));
    }
    if (o.now !== null && o.now !== undefined) {
      const nx = x(o.now);
      root.append(svg("line", { x1: nx, y1: TOP - 8, x2: nx, y2: bottom + 4, stroke: "#000", "stroke-width": 2.5, class: "now" }));
      root.append(svg("text", { x: nx - 4, y: bottom + 30, "font-size": 12, "font-weight": "bold", "text-anchor": "end", class: "now-label" },
        t("nowLine") + " " + S.clock(o.now)));
    }
    root.style.width = W + "px";
    root.style.height = H + "px";
    const scroll = el("div", { class: "tl-scroll", tabindex: 0, role: "region", "aria-label": t("timelineLabel") }, root);
    o.box.replaceChildren(...parts, scroll);
    if (live) {
      current = root;
      drawn = { geo, boxW };
      watchSize(o.box);
      rovingTrips(root, rows);
      highlight(S.selection(), S.selectionRelated());
    }
  }
  /** The trips' bars are one tab stop: arrows move along a truck's row (left, right) and between
   * trucks (up, down, to the trip starting nearest in time); Enter or Space selects the trip. */
  function rovingTrips(root, rows) {
    const bars = (v) => [...root.querySelectorAll(".tl-trip")].filter((g) => g.dataset.vehicle === v)
      .sort((a, b) => Number(a.dataset.start) - Number(b.dataset.start));
    const vehicles = rows.filter((r) => r.v).map((r) => r.v);
    const first = vehicles.length && bars(vehicles[0])[0];
    if (first) first.setAttribute("tabindex", 0);
    root.addEventListener("keydown", (ev) => {
      const g = ev.target.closest && ev.target.closest(".tl-trip");
      if (!g) return;
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        S.select({ kind: "trip", id: g.dataset.trip });
        return;
      }
      const row = vehicles.indexOf(g.dataset.vehicle), own = bars(g.dataset.vehicle), at = own.indexOf(g);
      let to = null;
      if (ev.key === "ArrowRight") to = own[at + 1];
      else if (ev.key === "ArrowLeft") to = own[at - 1];
      else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        const next = vehicles[row + (ev.key === "ArrowDown" ? 1 : -1)];
        const start = Number(g.dataset.start);
        if (next) to = bars(next).sort((a, b) => Math.abs(a.dataset.start - start) - Math.abs(b.dataset.start - start))[0];
      } else return;
      ev.preventDefault();
      if (!to) return;
      g.setAttribute("tabindex", -1);
      to.setAttribute("tabindex", 0);
      to.focus();
    });
  }
  /** Redraw the result timeline when its box's width differs from the one it was drawn at. */
  let drawn = null, observed = null;
  function watchSize(box) {
    if (observed === box) return;
    observed = box;
    new ResizeObserver(() => {
      if (!drawn || !box.clientWidth || Math.abs(box.clientWidth - drawn.boxW) < 8) return;
      drawTimeline(drawn.geo);
    }).observe(box);
  }
  /** A small red triangle with "!" above a late unloading at (cx, top). */
  function lateMark(cx, top) { return "M" + cx + " " + top + "l6 11h-12z"; }
  /** One trip's bars: its segments, the destination's name over each drive and unloading. */
  function tripBars(geo, p, names, x, y, live) {
    const g = svg("g", { class: "tl-trip", "data-trip": p.index, "data-vehicle": p.vehicle, "data-warehouse": p.warehouse },
      svg("title", {}, S.vehicleName(p.vehicle) + " #" + p.trip_of_vehicle + ": " + p.stops.map((s) => (names[s.area] || s.area) + " " + S.clock(s.arrive_hours))
        .concat(p.transfer ? [(names[p.transfer.warehouse] || p.transfer.warehouse) + " " + S.clock(p.transfer.arrive_hours)] : []).join(" → ")));
    for (const s of p.segments) {
      if (s.end_hours <= s.start_hours) continue;
      const late = isLate(geo, p, s);
      const name = names[s.place] || s.place;
      g.append(svg("rect", { x: x(s.start_hours), y: y + 3, width: Math.max(x(s.end_hours) - x(s.start_hours), 0.6), height: ROW - 6,
        fill: COLOURS[s.kind], class: "seg " + s.kind + (late ? " late" : ""), "data-place": s.place },
      svg("title", {}, S.vehicleName(p.vehicle) + ": " + t(s.kind) + " " + name + " " + S.clock(s.start_hours) + "–" + S.clock(s.end_hours)
        + (late ? " · " + t("tlLateUnload") : ""))));
      if (late) {
        g.append(svg("path", { d: lateMark(x(s.start_hours), y - 2), class: "late-mark", "data-place": s.place },
          svg("title", {}, t("tlLateAt", { name, at: S.clock(s.start_hours), deadline: S.clock(geo.deadline_hours) }))));
      }
    }
    // the destination's name across the drive to it and its unloading
    const dests = p.stops.map((s) => s.area).concat(p.transfer ? [p.transfer.warehouse] : []);
    dests.forEach((place, i) => {
      const drive = p.segments.filter((s) => s.kind === "driving")[i], unload = p.segments.filter((s) => s.kind === "unloading")[i];
      if (!drive) return;
      const x0 = x(drive.start_hours), x1 = x(unload ? unload.end_hours : drive.end_hours);
      const text = fit(names[place] || place, x1 - x0 - 4);
      if (text) g.append(svg("text", { x: x0 + 2, y: y + ROW / 2 + 4, "font-size": FONT_PX, class: "dest", "data-place": place }, text));
    });
    if (live) {
      g.setAttribute("tabindex", -1);
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", g.firstChild.textContent);
      g.dataset.start = p.load_start_hours;
      g.addEventListener("click", () => S.select({ kind: "trip", id: p.index }));
    }
    return g;
  }
  function filterBar(geo, warehouses, trips) {
    const used = new Set(trips.map((p) => p.warehouse));
    const pick = el("select", { id: "timeline-filter" },
      el("option", { value: "" }, t("tlAllWarehouses")),
      ...warehouses.filter((w) => used.has(w.id)).map((w) => el("option", { value: w.id, selected: w.id === state.warehouse }, S.label(w))));
    pick.addEventListener("change", () => {
      state.warehouse = pick.value;
      drawTimeline(geo);
      $("timeline-filter").focus();
    });
    return el("div", { class: "row wrap tl-tools" }, el("label", { for: "timeline-filter" }, t("tlFilter")), pick);
  }
  function highlight(sel, rel) {
    if (!current || !current.isConnected) return;
    current.classList.toggle("has-selection", !!sel);
    for (const g of current.querySelectorAll(".tl-trip")) g.classList.toggle("sel", rel.trips.has(g.dataset.trip));
    for (const n of current.querySelectorAll(".vehicle, .row-band")) n.classList.toggle("sel", rel.vehicles.has(n.dataset.vehicle));
    for (const n of current.querySelectorAll(".seg, .dest")) n.classList.toggle("focus", !!sel && sel.kind === "area" && n.dataset.place === sel.id);
    for (const n of current.querySelectorAll(".vehicle")) {
      if (n.hasAttribute("role")) n.setAttribute("aria-pressed", sel && sel.kind === "vehicle" && sel.id === n.dataset.vehicle ? "true" : "false");
    }
  }
  S.onSelect(highlight);
  Object.assign(S, { drawTimeline });
})();
