"""The LP bound's vehicle time: bay queues at the first loading, empty drives between warehouses.

Every vehicle with an on-time trip has a first loading (of any trip, a
stock transfer's too), at warehouse ``w1``, starting at ``f``, and a
warehouse ``c`` it loads or unloads a transfer at that is the farthest from
``w1`` (by shortest drive, through any sites). From ``f`` on, its trips and
its empty drives fit in ``deadline − f`` (plus what its last trip need not
do by the deadline, credited in the hour rows of :mod:`.bound`), and its
empty drives and transfer drives together take at least ``drive(w1, c)``:
delivery trips come back where they loaded, so only empty drives and
transfers (``A → B``, leaving it at ``B``) move it. Its trips load, and its
transfers end, only at warehouses ``w`` with ``drive(w1, w) ≤ drive(w1, c)``.
The hour rows charge a transfer its loading and unloading, not its drive
(:mod:`.bound`); so the class's trip hours fit in its time less
``drive(w1, c)`` (R5), and, with ``G`` its transfers' drive hours (at
least the pro-rata drives its transfers carry, summed over a type's
classes in :mod:`.bound`), in its time (R8): the second keeps a vehicle
shuttling between two warehouses paying for its drives.

Summed over the vehicles of a *class* ``(w1, c)`` of one type: the hours
``H[w1, c, w]`` they spend on trips at each such ``w`` fit in
``F[w1, c] − drive(w1, c) × b[w1, c]``, where ``b`` counts them and ``F``
sums their ``deadline − f``. What bounds ``F``:

- each vehicle is ready no earlier than its base's ``ready_hours`` and must
  drive there: ``deadline − f ≤ deadline − ready(u) − drive(u, w1)``, with
  ``a[u, w1]`` the vehicles of base ``u`` loading first at ``w1``;
- a loading at ``w1`` starts no earlier than ``w1`` is ready, and the first
  loadings of the ``k`` vehicles (of every type) that load first at ``w1``
  are ``k`` loadings of its bays: the ``j``-th earliest starts no earlier
  than ``ready(w1) + floor((j − 1) / bays) × loading_hours``. So the sum of
  their ``f − ready(w1)`` is at least
  ``Q(k) = Σ_(j<k) floor(j / bays) × loading_hours``, convex in ``k``, and
  ``Σ F ≤ (deadline − ready(w1)) × k − Q(k)``, kept through the lines of
  ``Q`` at the integers where its slope changes (``k`` is an integer in a
  real plan, so the lines are exact there).

All counts are fractional in the LP (a relaxation); every column has a
finite upper bound that every valid plan respects.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ...model import Scenario
from .._lp import LinearProgram

_Index = NDArray[np.int64]


def queue_lines(n: int, bays: int | None, loading_h: float) -> list[tuple[float, float]]:
    """``(slope, intercept)`` of lines under ``Q(k)`` (least total wait of k first loadings).

    ``Q(k) = Σ_(j<k) floor(j / bays) × loading_h``; the line through ``k = t``
    and ``t + 1`` for each ``t`` where the slope changes, up to ``n``. Empty
    when no vehicle ever waits (unlimited bays, no loading time, or ``n ≤ bays``).
    """
    if bays is None or loading_h <= 0 or n <= bays:
        return []
    lines = []
    q_t = 0.0  # Q(t), built up bay-load by bay-load
    for t in range(bays, n, bays):  # slope floor(t / bays) × loading_h from k = t on
        q_t += loading_h * bays * (t // bays - 1)  # the bays loadings of the step before t
        slope = loading_h * (t // bays)
        lines.append((slope, q_t - slope * t))
    return lines


def add_vehicle_time(
    lp: LinearProgram,
    scenario: Scenario,
    vw: _Index,
    drive_h: dict[str, NDArray[np.float64]],
    moving: frozenset[int] = frozenset(),
) -> tuple[_Index, _Index, dict[int, list[int]]]:
    """Add the vehicle-time columns and rows; return the ``H`` and ``G`` columns, the hour rows.

    Parameters
    ----------
    lp
        The bound's linear programme.
    scenario
        The scenario (disruptions applied).
    vw
        Sorted ``type × n_warehouses + warehouse`` of each (type, warehouse)
        hour row of the caller; a type loads only at the warehouses listed.
    drive_h
        Travel matrices per vehicle type id (warehouses first), their drives
        between warehouses already the shortest through any sites
        (:func:`._vd_data.closure_at_warehouses_h`).
    moving
        Indices of the types that may make stock transfers: each of their
        classes gets a column ``G`` of its transfer drive hours (R8).

    Returns
    -------
    tuple
        The ``H`` columns; for each the index into ``vw`` of the hour row
        it supplies (the hours spent on trips loading at that warehouse, and
        on transfers ending there); per type in ``moving``, its ``G`` columns.
    """
    wh = scenario.warehouses
    n_wh = len(wh)
    deadline_h = scenario.deadline_hours
    ready_h = np.array([w.ready_hours for w in wh])
    a_cols: list[list[tuple[int, float]]] = [[] for _ in range(n_wh)]  # per w1: (col, hours)
    shared_f: list[list[int]] = [[] for _ in range(n_wh)]  # F columns per w1, every type
    h_cols: list[int] = []
    h_rows: list[int] = []
    g_cols: dict[int, list[int]] = {}
    n_all = 0
    for v_idx, vt in enumerate(scenario.vehicle_types):
        based = np.array([float(w.fleet.get(vt.id, 0)) for w in wh])
        n_v = float(based.sum())
        loads_at = vw[vw // n_wh == v_idx] % n_wh
        if n_v <= 0 or len(loads_at) == 0:
            continue
        n_all += int(n_v)
        sp = np.asarray(drive_h[vt.id], dtype=np.float64)[:n_wh, :n_wh]
        per_w1: list[list[tuple[int, float]]] = [[] for _ in range(n_wh)]
        base_terms: list[tuple[int, int]] = []  # (row u, a col)
        for u in np.flatnonzero(based > 0).tolist():
            for w1 in range(n_wh):
                left_h = deadline_h - max(float(ready_h[u]) + float(sp[u, w1]), float(ready_h[w1]))
                if not np.isfinite(sp[u, w1]) or left_h <= 0:
                    continue
                col = lp.add_columns([based[u]])[0]
                base_terms.append((u, col))
                per_w1[w1].append((col, left_h))
        if not base_terms:
            continue
        # (R1) Each vehicle loads first at one warehouse at most.
        lp.add_rows(
            based,
            row=np.array([u for u, _ in base_terms], dtype=np.int64),
            col=np.array([c for _, c in base_terms], dtype=np.int64),
            coef=np.ones(len(base_terms)),
        )
        for w1 in range(n_wh):
            firsts = per_w1[w1]
            if not firsts:
                continue
            a_cols[w1].extend(firsts)
            window_h = deadline_h - float(ready_h[w1])
            classes = [
                c
                for c in sorted({w1, *loads_at.tolist()})
                if np.isfinite(sp[w1, c]) and window_h - float(sp[w1, c]) > 0
            ]
            b = list(lp.add_columns([n_v] * len(classes)))
            f = list(lp.add_columns([n_v * window_h] * len(classes)))
            shared_f[w1].extend(f)
            a = np.array([col for col, _ in firsts], dtype=np.int64)
            n_c = len(classes)
            # (R2) The classes hold no more vehicles than load first at w1.
            lp.add_rows(
                [0.0],
                row=np.zeros(n_c + len(a), dtype=np.int64),
                col=np.concatenate([b, a]),
                coef=np.concatenate([np.ones(n_c), -np.ones(len(a))]),
            )
            # (R3) Their time left after the first loading, by base ready time and drive.
            lp.add_rows(
                [0.0],
                row=np.zeros(n_c + len(a), dtype=np.int64),
                col=np.concatenate([f, a]),
                coef=np.concatenate([np.ones(n_c), -np.array([h for _, h in firsts])]),
            )
            for k, c in enumerate(classes):
                # (R4) No vehicle loads at w1 before it is ready.
                lp.add_rows([0.0], row=[0, 0], col=[f[k], b[k]], coef=[1.0, -window_h])
                within = [w for w in loads_at.tolist() if sp[w1, w] <= sp[w1, c]]
                hs = list(lp.add_columns([n_v * deadline_h] * len(within)))
                h_cols.extend(hs)
                h_rows.extend(int(np.searchsorted(vw, v_idx * n_wh + w)) for w in within)
                # (R5) The class's trip hours fit in its time less the drive to its farthest.
                lp.add_rows(
                    [0.0],
                    row=np.zeros(len(hs) + 2, dtype=np.int64),
                    col=np.array([*hs, f[k], b[k]], dtype=np.int64),
                    coef=np.array([*([1.0] * len(hs)), -1.0, float(sp[w1, c])]),
                )
                if v_idx in moving:
                    # (R8) ... and, with the drives of its transfers, in its time.
                    g = lp.add_columns([n_v * deadline_h])[0]
                    g_cols.setdefault(v_idx, []).append(g)
                    lp.add_rows(
                        [0.0],
                        row=np.zeros(len(hs) + 2, dtype=np.int64),
                        col=np.array([*hs, g, f[k]], dtype=np.int64),
                        coef=np.array([*([1.0] * len(hs)), 1.0, -1.0]),
                    )
    # (R6, R7) The bays of w1: first loadings queue, whatever the type.
    for w1, w in enumerate(wh):
        if not a_cols[w1]:
            continue
        a_all = np.array([col for col, _ in a_cols[w1]], dtype=np.int64)
        f_all = np.array(shared_f[w1], dtype=np.int64)
        lines = queue_lines(n_all, w.loading_bays, w.loading_hours)
        if not lines:
            continue
        q_max = max(slope * n_all + icpt for slope, icpt in lines)
        wq = lp.add_columns([q_max])[0]
        window_h = deadline_h - float(ready_h[w1])
        lp.add_rows(
            [0.0],
            row=np.zeros(len(f_all) + len(a_all) + 1, dtype=np.int64),
            col=np.concatenate([f_all, a_all, [wq]]),
            coef=np.concatenate([np.ones(len(f_all)), -window_h * np.ones(len(a_all)), [1.0]]),
        )
        for slope, icpt in lines:
            lp.add_rows(
                [-icpt],
                row=np.zeros(len(a_all) + 1, dtype=np.int64),
                col=np.concatenate([a_all, [wq]]),
                coef=np.concatenate([slope * np.ones(len(a_all)), [-1.0]]),
            )
    return np.array(h_cols, dtype=np.int64), np.array(h_rows, dtype=np.int64), g_cols
