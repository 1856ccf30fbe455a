"""Map label placement (``static/labels.js``), run under node on made-up marker layouts.

Skipped when node is not installed (the map itself is tested in Chromium by
``test_map_browser.py``). The invariants are checked here in Python, not by
the script's own helpers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "supplyopt_service" / "dashboard" / "static"
NODE = shutil.which("node") or shutil.which("nodejs")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

Box = dict[str, Any]


def place(labels: list[dict[str, Any]], obstacles: list[Box], w: float, h: float) -> Any:
    """``placeLabels(labels, obstacles, w, h)`` computed by node."""
    return run(f"L.placeLabels({json.dumps(labels)}, {json.dumps(obstacles)}, {w}, {h})")


def run(expression: str) -> Any:
    """Evaluate ``expression`` under node with ``L`` the labels module; its value as data."""
    assert NODE is not None
    program = (
        f"const L = require({json.dumps(str(SCRIPT / 'labels.js'))});"
        f"process.stdout.write(JSON.stringify({expression}));"
    )
    done = subprocess.run(
        [NODE, "-e", program], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def _overlap(a: Box, b: Box) -> bool:
    across = bool(a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"])
    return across and bool(a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def _marker(label: dict[str, float]) -> Box:
    r = label["r"]
    return {"x": label["x"] - r, "y": label["y"] - r, "w": 2 * r, "h": 2 * r}


def _segment_hits(p: list[float], q: list[float], box: Box, steps: int = 200) -> bool:
    """Does the segment p→q pass strictly inside the box? (sampled)."""
    for i in range(steps + 1):
        x = p[0] + (q[0] - p[0]) * i / steps
        y = p[1] + (q[1] - p[1]) * i / steps
        if box["x"] < x < box["x"] + box["w"] and box["y"] < y < box["y"] + box["h"]:
            return True
    return False


#: 150 layouts of 8 to 40 markers, most of them in tight clusters (like the snowstorm's
#: Changji towns), with labels 30-190 px wide, on maps of 340-760 px.
LAYOUTS_JS = """(() => {
  let seed = 20261129;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const out = [];
  for (let n = 0; n < 150; n++) {
    const w = 340 + Math.round(rnd() * 420), h = Math.round(w * 0.74), count = 8 + Math.floor(rnd() * 33);
    const centres = [0, 1, 2].map(() => [40 + rnd() * (w - 80), 40 + rnd() * (h - 80)]);
    const labels = [];
    for (let i = 0; i < count; i++) {
      const [cx, cy] = centres[i % 3], spread = rnd() < 0.7 ? 30 : w / 2;
      labels.push({ x: Math.min(Math.max(cx + (rnd() - 0.5) * spread, 20), w - 20),
        y: Math.min(Math.max(cy + (rnd() - 0.5) * spread, 20), h - 20),
        r: rnd() < 0.2 ? 10 : 9, w: 30 + Math.round(rnd() * 160), h: 16 });
    }
    const obstacles = [{ x: 8, y: h - 38, w: 120, h: 32 }];
    out.push({ w, h, labels, obstacles, placed: L.placeLabels(labels, obstacles, w, h) });
  }
  return out;
})()"""


def test_placed_labels_never_overlap_cover_markers_or_leave_the_map() -> None:
    """In dense random clusters every placed label is clear of labels, markers, obstacles, edges."""
    layouts = run(LAYOUTS_JS)
    shown = total = 0
    for layout in layouts:
        labels, placed = layout["labels"], layout["placed"]
        markers = [_marker(label) for label in labels]
        boxes = [(i, p["box"], p["leader"]) for i, p in enumerate(placed) if p]
        shown += len(boxes)
        total += len(labels)
        for i, box, leader in boxes:
            assert box["w"] == labels[i]["w"]
            assert box["x"] >= 0, box
            assert box["x"] + box["w"] <= layout["w"], box
            assert box["y"] >= 0, box
            assert box["y"] + box["h"] <= layout["h"], box
            assert not any(_overlap(box, m) for m in markers), (i, box)
            assert not any(_overlap(box, o) for o in layout["obstacles"]), (i, box)
            for j, other, other_leader in boxes:
                if j <= i:
                    continue
                assert not _overlap(box, other), (i, j)
                if leader:
                    assert not _segment_hits(leader[0], leader[1], other), (i, j)
                if other_leader:
                    assert not _segment_hits(other_leader[0], other_leader[1], box), (j, i)
            if leader:
                near = [m for k, m in enumerate(markers) if k != i]
                assert not any(_segment_hits(leader[0], leader[1], m) for m in near), i
    # dense, but most labels still find a place
    assert shown > 0.6 * total


def test_a_lone_label_sits_right_of_its_marker() -> None:
    """The first choice is right of the marker, vertically centred, with no leader."""
    [spot] = place([{"x": 100, "y": 100, "r": 9, "w": 60, "h": 16}], [], 400, 300)
    assert spot["leader"] is None
    assert spot["box"] == {"x": 112, "y": 92, "w": 60, "h": 16}


def test_a_label_at_the_right_edge_goes_left() -> None:
    """A label that would be cut at the edge takes the left side instead."""
    [spot] = place([{"x": 380, "y": 100, "r": 9, "w": 60, "h": 16}], [], 400, 300)
    assert spot["box"]["x"] + 60 <= 380 - 9


def test_the_more_important_label_keeps_the_only_spot() -> None:
    """When only one of two labels fits (a narrow band between obstacles), the first one is shown."""
    labels = [
        {"x": 50, "y": 20, "r": 9, "w": 100, "h": 16},
        {"x": 250, "y": 20, "r": 9, "w": 100, "h": 16},
    ]
    band = [{"x": 0, "y": 0, "w": 300, "h": 8}, {"x": 0, "y": 32, "w": 300, "h": 8}]
    first, second = place(labels, band, 300, 40)
    assert first == {"box": {"x": 62, "y": 12, "w": 100, "h": 16}, "leader": None}
    assert second is None
    # alone, the second one fits
    assert place(labels[1:], band, 300, 40)[0] is not None


def test_a_label_that_fits_nowhere_is_left_out() -> None:
    """A label wider than the map is not placed (it is shown on hover instead)."""
    assert place([{"x": 50, "y": 50, "r": 9, "w": 500, "h": 16}], [], 200, 100) == [None]
