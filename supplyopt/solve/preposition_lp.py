"""Pre-positioning (contract §7): a two-stage stochastic LP over hazard samples, solved with GLOP.

First stage: peacetime transfers ``x[u, w, i] >= 0`` of item ``i`` from
warehouse ``u`` to ``w``, at most the budget in all and never more than ``u``
holds; ``after[w, i]`` is the stock they leave. Second stage, per sample
``s``: the planner's allocation relaxation (see :mod:`._allocation_model`) —
units ``y[s, w, a, i]`` from a warehouse to an affected settlement it can
reach by the deadline, fractional truckloads ``t[s, w, a, k]`` carrying them
(kg and m³ rows per pair), the round trips of each (w, k) within the hours
its vehicles have before the deadline (times ``fleet_scale``), the loadings
of a warehouse within its bays' hours, and each warehouse's shipments
within ``after``. Objective, lexicographically: the mean over samples of
the weighted on-time coverage; then its lower tail (the mean of the worst
5 %, the LP form of "ties: the 5th percentile"); then the fewest units moved.

The transfers are rounded to whole units here (down, then the largest
remainders up while the budget and the holder's stock allow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import SolverUnavailableError
from ._lp import LinearProgram, LpStatus
from .instance import FloatArray, IntArray

#: The share of worst samples whose mean coverage is the second objective.
TAIL_SHARE = 0.05
#: Fastest warehouses (reachable by the deadline) offered to each affected settlement (and,
#: besides them, the fastest holders of the stock the sample needs).
CANDIDATES_PER_AREA = 6
#: Warehouses that may each send vehicles empty to a warehouse, per vehicle type (nearest first).
MOVE_SOURCES = 5
#: Each stage keeps the previous ones' optimum within this (absolute, in coverage).
_KEEP = 1e-7


@dataclass(frozen=True)
class SampleNeed:
    """One sample's demand: which settlements, what they need, what a unit is worth.

    Attributes
    ----------
    areas
        (A_s,) settlement indices.
    demand
        (A_s, I) units needed.
    value
        (A_s, I) weighted on-time coverage one unit delivered adds (the
        planner's ``Instance.value`` for the sample's scenario).
    """

    areas: IntArray
    demand: IntArray
    value: FloatArray


@dataclass(frozen=True)
class PrepositionProblem:
    """Arrays of a pre-positioning problem (warehouse ``w``, settlement ``a``, item ``i``, type ``k``).

    Attributes
    ----------
    stock
        (W, I) units held now.
    weight_kg, volume_m3
        (I,) size of a unit.
    capacity_kg, capacity_m3
        (K,) what a vehicle carries.
    vehicles
        (W, K) vehicles of each type based at each warehouse.
    ready_h, load_h
        (W,) when each warehouse can start loading, and the hours to load a vehicle.
    out_h, back_h
        (W, A, K) hours to drive a type-k vehicle from ``w`` to ``a`` and back
        (``inf`` where there is no road).
    unload_h
        (A,) hours to unload a vehicle at each settlement.
    between_h
        (W, W, K) hours to drive a type-k vehicle empty from ``u`` to ``w``.
    loadings
        (W,) most loadings before the deadline (``inf`` for unlimited bays).
    deadline_h
        The deadline.
    samples
        The samples' needs (samples with no demand left out).
    n_samples
        All samples, those with no demand (fully covered) included.
    budget_units
        The most units moved in all.
    fleet_scale, bay_scale
        Multiply every vehicle-hour and bay budget (fractional trips make the
        relaxation optimistic; 0.7 is the planner's second variant).
    reposition
        Whether vehicles may drive empty to another warehouse and load there,
        as the planner's variants do.
    """

    stock: IntArray
    weight_kg: FloatArray
    volume_m3: FloatArray
    capacity_kg: FloatArray
    capacity_m3: FloatArray
    vehicles: IntArray
    ready_h: FloatArray
    load_h: FloatArray
    out_h: FloatArray
    back_h: FloatArray
    unload_h: FloatArray
    between_h: FloatArray
    loadings: FloatArray
    deadline_h: float
    samples: Sequence[SampleNeed]
    n_samples: int
    budget_units: int
    fleet_scale: float = 0.7
    bay_scale: float = 0.7
    reposition: bool = True

    @property
    def arrival_h(self) -> FloatArray:
        """(W, A, K) earliest arrival of a type-k vehicle based at ``w`` (``inf`` where none is)."""
        start = (self.ready_h + self.load_h)[:, None, None] + self.out_h
        return np.where(self.vehicles[:, None, :] > 0, start, np.inf)

    @property
    def cycle_h(self) -> FloatArray:
        """(W, A, K) hours of a round trip: loading, drive, unloading, back."""
        return self.load_h[:, None, None] + self.out_h + self.unload_h[None, :, None] + self.back_h

    @property
    def vehicle_h(self) -> FloatArray:
        """(W, K) vehicle hours before the deadline (vehicles × (deadline − ready))."""
        left = np.maximum(0.0, self.deadline_h - self.ready_h)
        hours: FloatArray = self.vehicles.astype(float) * left[:, None]
        return hours

    def move_sources(self) -> dict[tuple[int, int], list[tuple[int, float]]]:
        """For each (w, k): warehouses ``u`` that could send a type-k vehicle empty, and when it could load.

        The nearest :data:`MOVE_SOURCES` of them by loading start, each
        leaving time to load before the deadline (as the planner's moves).
        """
        out: dict[tuple[int, int], list[tuple[int, float]]] = {}
        if not self.reposition:
            return out
        n_w, n_k = self.vehicles.shape
        for k in range(n_k):
            for w in range(n_w):
                found = []
                for u in range(n_w):
                    drive = float(self.between_h[u, w, k])
                    if u == w or self.vehicles[u, k] <= 0 or not np.isfinite(drive):
                        continue
                    start = max(float(self.ready_h[u]) + drive, float(self.ready_h[w]))
                    if start + float(self.load_h[w]) < self.deadline_h:
                        found.append((start, u))
                found.sort()
                if found:
                    out[w, k] = [(u, start) for start, u in found[:MOVE_SOURCES]]
        return out

    def reach_h(self, moves: dict[tuple[int, int], list[tuple[int, float]]]) -> FloatArray:
        """(W, A, K) earliest arrival loading at ``w``, with vehicles based there or moved in."""
        arrival = self.arrival_h.copy()
        for (w, k), sources in moves.items():
            start = min(s for _, s in sources)
            moved = start + float(self.load_h[w]) + self.out_h[w, :, k]
            arrival[w, :, k] = np.minimum(arrival[w, :, k], moved)
        return arrival


@dataclass(frozen=True)
class PrepositionSolution:
    """Whole-unit transfers and the LP's own figures.

    Attributes
    ----------
    transfers
        (W, W, I) units of ``i`` moved from ``u`` to ``w`` (whole, rounded).
    lp_before, lp_after
        Mean weighted coverage the relaxation gives without moves and with
        its (fractional) moves.
    columns, rows
        Size of the LP.
    """

    transfers: IntArray
    lp_before: float
    lp_after: float
    columns: int = 0
    rows: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Built:
    lp: LinearProgram
    moves: dict[tuple[int, int, int], int]
    sources: dict[tuple[int, int], list[tuple[int, float]]]
    reach_h: FloatArray
    y_cols: list[int] = field(default_factory=list)
    y_coef: list[float] = field(default_factory=list)
    y_sample: list[int] = field(default_factory=list)


def solve_preposition(
    problem: PrepositionProblem, *, time_limit_s: float = 300.0
) -> PrepositionSolution:
    """Solve the two-stage LP and round its transfers to whole units.

    Raises
    ------
    SolverUnavailableError
        When GLOP cannot start or fails on the first stage.
    """
    n_w, n_i = problem.stock.shape
    empty = np.zeros((n_w, n_w, n_i), dtype=np.int64)
    if not problem.samples:
        return PrepositionSolution(empty, 1.0, 1.0)
    built = _build(problem)
    lp, scale = built.lp, 1.0 / problem.n_samples
    objective = np.array(built.y_coef) * scale
    # Without moves: the relaxation's own "before".
    for col in built.moves.values():
        lp.set_bounds(col, 0.0, 0.0)
    _solve(lp, built.y_cols, objective, maximise=True, time_limit_s=time_limit_s)
    before = lp.objective_value() + (problem.n_samples - len(problem.samples)) * scale
    for (u, _w, i), col in built.moves.items():
        lp.set_bounds(col, 0.0, float(problem.stock[u, i]))
    _solve(lp, built.y_cols, objective, maximise=True, time_limit_s=time_limit_s)
    best = lp.objective_value()
    after = best + (problem.n_samples - len(problem.samples)) * scale
    lp.add_row(built.y_cols, objective.tolist(), lower=best - _KEEP, upper=np.inf)
    tail_cols, tail_coef = _add_tail(lp, problem, built)
    _solve(lp, tail_cols, tail_coef, maximise=True, time_limit_s=time_limit_s)
    lp.add_row(tail_cols, tail_coef.tolist(), lower=lp.objective_value() - _KEEP, upper=np.inf)
    move_cols = list(built.moves.values())
    _solve(lp, move_cols, np.ones(len(move_cols)), maximise=False, time_limit_s=time_limit_s)
    values = dict(zip(built.moves, lp.values(move_cols).tolist(), strict=True))
    transfers = round_transfers(values, problem.stock, problem.budget_units)
    return PrepositionSolution(transfers, before, after, lp.n_columns, lp.n_rows)


def _solve(
    lp: LinearProgram, cols: Sequence[int], coef: FloatArray, *, maximise: bool, time_limit_s: float
) -> None:
    status = lp.solve(col=cols, coef=coef, maximise=maximise, time_limit_s=time_limit_s)
    if status is LpStatus.FAILED:
        raise SolverUnavailableError("GLOP found no solution of the pre-positioning LP")


def _build(problem: PrepositionProblem) -> _Built:
    """Columns and rows: moves, stock after moves, then each sample's allocation."""
    lp = LinearProgram()
    n_w, n_i = problem.stock.shape
    moves: dict[tuple[int, int, int], int] = {}
    for u in range(n_w):
        for i in range(n_i):
            if problem.stock[u, i] <= 0:
                continue
            for w in range(n_w):
                if w != u:
                    moves[u, w, i] = lp.add_columns([float(problem.stock[u, i])])[0]
    after = {(w, i): lp.add_columns([np.inf])[0] for w in range(n_w) for i in range(n_i)}
    for (w, i), col in after.items():
        cols, coefs = [col], [1.0]
        for (u, v, j), m in moves.items():
            if j == i and v == w:
                cols.append(m)
                coefs.append(-1.0)
            elif j == i and u == w:
                cols.append(m)
                coefs.append(1.0)
        held = float(problem.stock[w, i])
        lp.add_row(cols, coefs, lower=held, upper=held)
    for u, i in {(u, i) for (u, _, i) in moves}:
        out = [m for (v, _, j), m in moves.items() if v == u and j == i]
        lp.add_row(out, [1.0] * len(out), upper=float(problem.stock[u, i]))
    if moves:
        lp.add_row(list(moves.values()), [1.0] * len(moves), upper=float(problem.budget_units))
    sources = problem.move_sources()
    built = _Built(lp, moves, sources, problem.reach_h(sources))
    for s, need in enumerate(problem.samples):
        _add_sample(problem, built, after, s, need)
    return built


def _candidates(
    problem: PrepositionProblem, reach_h: FloatArray, a: int, wanted: Mapping[int, int]
) -> list[int]:
    """Warehouses offered to settlement ``a``, fastest first: all reach it by the deadline.

    The fastest :data:`CANDIDATES_PER_AREA` of them (where moved stock could
    sit), and for each item ``i`` in ``wanted`` the fastest holders of it
    until their stock covers ``wanted[i]`` (the sample's whole demand for
    it: the stock the plan could draw on, however far down the list it sits).
    """
    best = reach_h[:, a, :].min(axis=1)
    order = [int(w) for w in np.argsort(best, kind="stable") if best[w] <= problem.deadline_h]
    chosen = set(order[:CANDIDATES_PER_AREA])
    for i, units in wanted.items():
        held = 0
        for w in order:
            if held >= units:
                break
            if problem.stock[w, i] > 0:
                chosen.add(w)
                held += int(problem.stock[w, i])
    return [w for w in order if w in chosen]


def _add_sample(
    problem: PrepositionProblem,
    built: _Built,
    after: dict[tuple[int, int], int],
    s: int,
    need: SampleNeed,
) -> None:
    """One sample's allocation relaxation (see the module docstring)."""
    lp = built.lp
    by_stock: dict[tuple[int, int], list[int]] = {}
    by_need: dict[tuple[int, int], list[int]] = {}
    by_fleet: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
    by_bay: dict[int, list[int]] = {}
    total = need.demand.sum(axis=0)
    for row, a in enumerate(need.areas.tolist()):
        items = np.flatnonzero(need.demand[row] > 0).tolist()
        wanted = {i: int(total[i]) for i in items}
        for w in _candidates(problem, built.reach_h, a, wanted):
            kinds = np.flatnonzero(built.reach_h[w, a] <= problem.deadline_h).tolist()
            y = list(lp.add_columns([float(need.demand[row, i]) for i in items]))
            t = list(lp.add_columns([np.inf] * len(kinds)))
            for i, col in zip(items, y, strict=True):
                built.y_cols.append(col)
                built.y_coef.append(float(need.value[row, i]))
                built.y_sample.append(s)
                by_stock.setdefault((w, i), []).append(col)
                by_need.setdefault((row, i), []).append(col)
            for k, col in zip(kinds, t, strict=True):
                cols, cycles = by_fleet.setdefault((w, k), ([], []))
                cols.append(col)
                cycles.append(float(problem.cycle_h[w, a, k]))
                by_bay.setdefault(w, []).append(col)
            for size, capacity in (
                (problem.weight_kg, problem.capacity_kg),
                (problem.volume_m3, problem.capacity_m3),
            ):
                coefs = [float(size[i]) for i in items] + [-float(capacity[k]) for k in kinds]
                lp.add_row(y + t, coefs, upper=0.0)
    for (w, i), cols in by_stock.items():
        lp.add_row([*cols, after[w, i]], [1.0] * len(cols) + [-1.0], upper=0.0)
    for (row, i), cols in by_need.items():
        lp.add_row(cols, [1.0] * len(cols), upper=float(need.demand[row, i]))
    fleet_rows = {
        (w, k): lp.add_row(cols, cycles, upper=problem.fleet_scale * float(problem.vehicle_h[w, k]))
        for (w, k), (cols, cycles) in by_fleet.items()
    }
    _add_vehicle_moves(problem, built, fleet_rows)
    for w, cols in by_bay.items():
        if np.isfinite(problem.loadings[w]):
            lp.add_row(
                cols, [1.0] * len(cols), upper=problem.bay_scale * float(problem.loadings[w])
            )


def _add_vehicle_moves(
    problem: PrepositionProblem, built: _Built, fleet_rows: dict[tuple[int, int], int]
) -> None:
    """One sample's vehicles driven empty ``u`` → ``w``: hours gained at ``w``, lost at ``u``.

    As the planner's allocation relaxation: a vehicle moved to ``w`` adds the
    hours from when it could load there to the deadline; it takes a based
    vehicle's hours from ``u``'s budget; no more vehicles leave ``u`` than it has.
    """
    lp = built.lp
    scale = problem.fleet_scale
    sent: dict[tuple[int, int], list[int]] = {}
    for (w, k), row_w in fleet_rows.items():
        for u, start in built.sources.get((w, k), []):
            y = lp.add_columns([float(problem.vehicles[u, k])])[0]
            rows = [row_w]
            coefs = [-scale * max(0.0, problem.deadline_h - start)]
            row_u = fleet_rows.get((u, k))
            if row_u is not None:
                rows.append(row_u)
                coefs.append(scale * max(0.0, problem.deadline_h - float(problem.ready_h[u])))
            lp.add_terms(row=rows, col=[y] * len(rows), coef=coefs)
            sent.setdefault((u, k), []).append(y)
    for (u, k), ys in sent.items():
        lp.add_row(ys, [1.0] * len(ys), upper=float(problem.vehicles[u, k]))


def _add_tail(
    lp: LinearProgram, problem: PrepositionProblem, built: _Built
) -> tuple[list[int], FloatArray]:
    """Columns and objective of the mean coverage of the worst ``TAIL_SHARE`` of samples.

    ``eta - sum(z_s) / (share × n)`` with ``z_s >= eta - coverage_s``: the
    linear form of the conditional value at risk. Samples with no demand are
    fully covered and never in the tail (``eta <= 1``).
    """
    eta = lp.add_columns([1.0])[0]
    z = list(lp.add_columns([np.inf] * len(problem.samples)))
    terms: dict[int, tuple[list[int], list[float]]] = {}
    for col, coef, s in zip(built.y_cols, built.y_coef, built.y_sample, strict=True):
        cols, coefs = terms.setdefault(s, ([z[s], eta], [1.0, -1.0]))
        cols.append(col)
        coefs.append(coef)
    for s in range(len(problem.samples)):
        cols, coefs = terms.get(s, ([z[s], eta], [1.0, -1.0]))
        lp.add_row(cols, coefs, lower=0.0, upper=np.inf)
    weight = 1.0 / (TAIL_SHARE * problem.n_samples)
    return [eta, *z], np.array([1.0] + [-weight] * len(z))


def round_transfers(
    values: dict[tuple[int, int, int], float], stock: IntArray, budget_units: int
) -> IntArray:
    """Whole units per (u, w, i): down, then the largest remainders (>= 0.5) up where allowed.

    Never more than ``budget_units`` in all nor more than ``stock[u, i]`` out of ``u``.
    """
    n_w, n_i = stock.shape
    out = np.zeros((n_w, n_w, n_i), dtype=np.int64)
    for (u, w, i), val in values.items():
        out[u, w, i] = int(np.floor(val + 1e-6))
    sent = out.sum(axis=1)
    left = budget_units - int(out.sum())
    remainders = sorted(
        ((val - out[key], key) for key, val in values.items() if val - out[key] >= 0.5),
        reverse=True,
    )
    for _frac, (u, w, i) in remainders:
        if left <= 0:
            break
        if sent[u, i] < stock[u, i]:
            out[u, w, i] += 1
            sent[u, i] += 1
            left -= 1
    _within(out, stock, budget_units)
    return out


def _within(out: IntArray, stock: IntArray, budget_units: int) -> None:
    """Take units off the biggest transfers where the LP's tolerances let rounding overshoot."""
    n_w, _, n_i = out.shape
    for u in range(n_w):
        for i in range(n_i):
            while out[u, :, i].sum() > stock[u, i]:
                out[u, int(np.argmax(out[u, :, i])), i] -= 1
    while out.sum() > budget_units:
        out[np.unravel_index(int(np.argmax(out)), out.shape)] -= 1
