/* supplyopt dashboard: what a revision changes, computed from two plan files (contract §6).
 * Pure functions, no page access: the Operation view renders them, and
 * tests/service/dashboard/test_revision_js.py runs them under node. */
"use strict";
(function (root) {
  const EPS_H = 0.01; // times within this many hours are the same (as the replan counts)

  /** Units a plan loads per "warehouse|item": the sum of its trips' deliveries. */
  function takes(plan) {
    const out = {};
    for (const trip of plan.trips || []) {
      for (const stop of trip.stops) {
        for (const [item, q] of Object.entries(stop.deliver)) {
          if (!q) continue;
          const key = trip.warehouse + "|" + item;
          out[key] = (out[key] || 0) + q;
        }
      }
    }
    return out;
  }

  /** Rows {warehouse, item, before, after, delta} where a revision takes more (reserve) or
   * less (release) than the previous plan; only `warehouses` (ids) when given. */
  function reservationDelta(previous, revision, warehouses) {
    const a = takes(previous), b = takes(revision);
    const keep = warehouses ? new Set(warehouses) : null;
    const rows = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const [warehouse, item] = key.split("|");
      if (keep && !keep.has(warehouse)) continue;
      const before = a[key] || 0, after = b[key] || 0;
      if (before !== after) rows.push({ warehouse, item, before, after, delta: after - before });
    }
    return rows;
  }

  /** Per "area|item": {units, first, last} arrival hours of the stops delivering it. */
  function arrivals(plan) {
    const out = {};
    for (const trip of plan.trips || []) {
      for (const stop of trip.stops) {
        for (const [item, q] of Object.entries(stop.deliver)) {
          if (!q) continue;
          const key = stop.area + "|" + item;
          const got = out[key] || (out[key] = { units: 0, first: Infinity, last: -Infinity });
          got.units += q;
          got.first = Math.min(got.first, stop.arrive_hours);
          got.last = Math.max(got.last, stop.arrive_hours);
        }
      }
    }
    return out;
  }

  /** What arrives earlier or later per area and item: rows {area, item, before, after,
   * shift_hours, units_delta} for every pair whose units or last arrival differ; `before` or
   * `after` is null where a plan delivers none; `shift_hours` (after.last − before.last) is
   * null unless both deliver. Later arrivals first, then fewer units, then by area. */
  function arrivalDiff(previous, revision) {
    const a = arrivals(previous), b = arrivals(revision);
    const rows = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const [area, item] = key.split("|");
      const before = a[key] || null, after = b[key] || null;
      const shift = before && after ? after.last - before.last : null;
      const delta = (after ? after.units : 0) - (before ? before.units : 0);
      if (delta === 0 && shift !== null && Math.abs(shift) <= EPS_H) continue;
      rows.push({ area, item, before, after, shift_hours: shift, units_delta: delta });
    }
    const rank = (r) => (r.shift_hours === null ? 0 : r.shift_hours);
    return rows.sort((x, y) => rank(y) - rank(x) || x.units_delta - y.units_delta ||
      (x.area + x.item < y.area + y.item ? -1 : 1));
  }

  /** One vehicle's trips in load-start order. */
  function vehicleTrips(plan, vehicle) {
    return (plan.trips || []).filter((tr) => tr.vehicle === vehicle)
      .sort((x, y) => x.load_start_hours - y.load_start_hours);
  }

  /** Area ids of the stops still ahead at `now` (arrive after it), one list per trip. */
  function routeAhead(trips, now) {
    return trips.map((tr) => tr.stops.filter((s) => s.arrive_hours > now + 1e-9).map((s) => s.area))
      .filter((r) => r.length);
  }

  /** Items loaded by trips that start loading at or after `now`: {item: units}. */
  function loadAhead(trips, now) {
    const out = {};
    for (const tr of trips) {
      if (tr.load_start_hours < now - 1e-9) continue;
      for (const s of tr.stops) for (const [item, q] of Object.entries(s.deliver)) if (q) out[item] = (out[item] || 0) + q;
    }
    return out;
  }

  /** First stop arrival after `now`, or null. */
  function firstAhead(trips, now) {
    let best = null;
    for (const tr of trips) for (const s of tr.stops) {
      if (s.arrive_hours > now + 1e-9 && (best === null || s.arrive_hours < best)) best = s.arrive_hours;
    }
    return best;
  }

  /** The structured facts behind one `replan.changes` entry, for a page to phrase in any
   * language: the vehicle's route, load and first arrival ahead of `now` in both plans,
   * the number of its not-started trips in each, and when it broke down (or null). */
  function changeFacts(change, previous, revision, now, downHours) {
    const before = vehicleTrips(previous, change.vehicle), after = vehicleTrips(revision, change.vehicle);
    const notStarted = (trips) => trips.filter((tr) => tr.load_start_hours >= now - 1e-9).length;
    const downTrip = after.find((tr) => tr.down_hours !== undefined && tr.down_hours !== null);
    return {
      vehicle: change.vehicle,
      kind: change.kind || null,
      route_before: routeAhead(before, now),
      route_after: routeAhead(after, now),
      load_before: loadAhead(before, now),
      load_after: loadAhead(after, now),
      first_before: firstAhead(before, now),
      first_after: firstAhead(after, now),
      trips_before: notStarted(before),
      trips_after: notStarted(after),
      down_hours: downTrip ? downTrip.down_hours : (downHours === undefined ? null : downHours),
    };
  }

  /** Before/after rows of the key figures: [field, before, after, delta, higher is better]. */
  function kpiDiff(before, after) {
    const fields = [["weighted_coverage_on_time", true], ["coverage_on_time", true], ["min_area_coverage", true],
      ["on_time_units", true], ["demand_units", null], ["makespan_hours", false], ["vehicles_used", null],
      ["distance_km", false]];
    return fields.map(([f, up]) => ({ field: f, before: before[f], after: after[f],
      delta: (after[f] || 0) - (before[f] || 0), higher_is_better: up }));
  }

  const api = { takes, reservationDelta, arrivals, arrivalDiff, vehicleTrips, routeAhead, loadAhead,
    firstAhead, changeFacts, kpiDiff, EPS_H };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.SupplyoptRevision = api;
})(typeof window !== "undefined" ? window : this);
