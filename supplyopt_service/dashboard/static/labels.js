/* supplyopt dashboard: where map labels go (issue 15). Pure functions, no page access: map.js
 * uses them, and tests/service/dashboard/test_labels_js.py runs them under node. */
"use strict";
(function (root) {
  const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  /** Does the segment p→q cross the box (Liang–Barsky)? */
  function crosses(p, q, b) {
    let lo = 0, hi = 1;
    const dx = q[0] - p[0], dy = q[1] - p[1];
    for (const [pp, qq] of [[-dx, p[0] - b.x], [dx, b.x + b.w - p[0]], [-dy, p[1] - b.y], [dy, b.y + b.h - p[1]]]) {
      if (pp === 0) { if (qq < 0) return false; continue; }
      const r = qq / pp;
      if (pp < 0) lo = Math.max(lo, r); else hi = Math.min(hi, r);
      if (lo > hi) return false;
    }
    return true;
  }
  // preferred directions: right, left, the four diagonals, above, below
  const DIRECTIONS = [0, 180, -45, 45, -135, 135, -90, 90].map((d) => [Math.cos(d * Math.PI / 180), Math.sin(d * Math.PI / 180)]);
  const DIRECTIONS_FAR = DIRECTIONS.concat([-22.5, 22.5, 157.5, -157.5, -67.5, 67.5, -112.5, 112.5]
    .map((d) => [Math.cos(d * Math.PI / 180), Math.sin(d * Math.PI / 180)]));
  /** Where a w×h box sits when its nearest side touches point (px, py) in direction (cx, cy). */
  function boxAt(px, py, cx, cy, w, h) {
    const x = cx > 0.3 ? px : cx < -0.3 ? px - w : px - w / 2;
    const y = cy > 0.3 ? py : cy < -0.3 ? py - h : py - h / 2;
    return { x, y, w, h };
  }
  /**
   * Place labels, most important first: each takes the first candidate position (next to its
   * marker, then farther out with a leader line) that stays inside the w×h map and overlaps no
   * marker, no obstacle, no label and no leader placed before it. Then a label left out may take
   * a position blocked by a single label if that one can move to another free position.
   * labels: [{x, y, r, w, h}] in priority order; obstacles: boxes no label may cover.
   * Returns [{box, leader}] with null for a label that fits nowhere.
   */
  function placeLabels(labels, obstacles, w, h) {
    const margin = 2, gapPx = 2;
    const markers = labels.map((l) => ({ x: l.x - l.r - 1, y: l.y - l.r - 1, w: 2 * l.r + 2, h: 2 * l.r + 2, owner: l }));
    const candidates = (l) => {
      const out = [];
      if (l.x < 0 || l.y < 0 || l.x > w || l.y > h) return out;
      for (const extra of [0, 12, 24, 40, 60, 84]) {
        const d = l.r + 3 + extra;
        for (const [cx, cy] of extra ? DIRECTIONS_FAR : DIRECTIONS) {
          const box = boxAt(l.x + cx * d, l.y + cy * d, cx, cy, l.w, l.h);
          if (box.x < margin || box.y < margin || box.x + box.w > w - margin || box.y + box.h > h - margin) continue;
          const padded = { x: box.x - gapPx, y: box.y - gapPx, w: box.w + 2 * gapPx, h: box.h + 2 * gapPx };
          if (obstacles.some((o) => overlaps(padded, o)) || markers.some((m) => overlaps(padded, m))) continue;
          const leader = extra ? [[l.x + cx * (l.r + 1), l.y + cy * (l.r + 1)], [l.x + cx * d, l.y + cy * d]] : null;
          if (leader && (obstacles.some((o) => crosses(leader[0], leader[1], o)) ||
            markers.some((m) => m.owner !== l && crosses(leader[0], leader[1], m)))) continue;
          out.push({ box, padded, leader });
        }
      }
      return out;
    };
    const cands = labels.map(candidates), placed = labels.map(() => null);
    const clash = (a, b) => overlaps(a.padded, b.padded) || (!!b.leader && crosses(b.leader[0], b.leader[1], a.padded)) ||
      (!!a.leader && crosses(a.leader[0], a.leader[1], b.padded));
    const blockers = (c, i) => placed.flatMap((p, k) => (p && k !== i && clash(c, p) ? [k] : []));
    labels.forEach((l, i) => { placed[i] = cands[i].find((c) => !blockers(c, i).length) || null; });
    labels.forEach((l, i) => {
      if (placed[i]) return;
      for (const c of cands[i]) {
        const block = blockers(c, i);
        if (block.length !== 1) continue;
        const k = block[0], old = placed[k];
        placed[i] = c;
        placed[k] = null;
        const alt = cands[k].find((a) => a !== old && !blockers(a, k).length);
        if (alt) { placed[k] = alt; return; }
        placed[i] = null;
        placed[k] = old;
      }
    });
    return placed.map((p) => p && { box: p.box, leader: p.leader });
  }

  const api = { placeLabels, overlaps, crosses };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.SupplyoptLabels = api;
})(typeof window !== "undefined" ? window : this);
