"""Pre-positioning (contract §7): peacetime transfers that raise readiness, verified by full plans.

:func:`recommend_moves` draws the samples, builds the two-stage stochastic LP
of :mod:`supplyopt.solve.preposition_lp` (moves first, each sample's
allocation relaxation second), rounds its transfers to whole units, then
plans every sample in full twice — with the stock as it is and with the
moves applied — and reports both. Moves that do not raise the full plans'
mean weighted coverage (ties: the 5th percentile) are not recommended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..network import build_travel_times
from ..solve.planner import WorkBudget
from ..solve.preposition_lp import (
    PrepositionProblem,
    PrepositionSolution,
    SampleNeed,
    solve_preposition,
)
from .outcome import SampleOutcome
from .region import Region
from .report import Coverage, coverage_stats
from .runner import SAMPLE_BUDGET, SampleProgress, run_samples
from .sampling import Sample, draw_sample


@dataclass(frozen=True)
class Move:
    """Units of one item to move from one warehouse to another in peacetime."""

    source: str
    target: str
    item: str
    quantity: int

    def to_json(self) -> dict[str, Any]:
        """The contract's ``{"from", "to", "item", "quantity"}``."""
        return {
            "from": self.source,
            "to": self.target,
            "item": self.item,
            "quantity": self.quantity,
        }


@dataclass(frozen=True)
class Recommendation:
    """Recommended moves, the full plans' coverage before and after, and the LP's figures.

    ``proposed`` are the LP's rounded moves; ``moves`` the recommended ones
    (empty when the proposed moves did not raise coverage in the full plans).
    """

    moves: list[Move]
    proposed: list[Move]
    before: Coverage
    after: Coverage
    lp: PrepositionSolution
    outcomes_before: list[SampleOutcome] = field(default_factory=list)
    outcomes_after: list[SampleOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON, plus the project's ``proposed``, ``lp`` and ``checked``."""
        plans = [*self.outcomes_before, *self.outcomes_after]
        return {
            "moves": [m.to_json() for m in self.moves],
            "before": {"mean": round(self.before.mean, 6), "p05": round(self.before.p05, 6)},
            "after": {"mean": round(self.after.mean, 6), "p05": round(self.after.p05, 6)},
            "moved_units": sum(m.quantity for m in self.moves),
            "proposed": [m.to_json() for m in self.proposed],
            "lp": {
                "before": round(self.lp.lp_before, 6),
                "after": round(self.lp.lp_after, 6),
                "columns": self.lp.columns,
                "rows": self.lp.rows,
            },
            "checked": {
                "plans": sum(1 for o in plans if o.area_coverage),
                "violations": sum(len(o.violations) for o in plans),
            },
        }


def recommend_moves(
    region: Region,
    *,
    budget_units: int,
    samples: int,
    seed: int = 0,
    time_limit_s: float = 10.0,
    budget: WorkBudget = SAMPLE_BUDGET,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: SampleProgress | None = None,
    lp_time_limit_s: float = 300.0,
    outcomes_before: Sequence[SampleOutcome] | None = None,
) -> Recommendation:
    """Choose transfers on samples ``0 … samples-1`` of ``seed`` and verify them by full plans.

    Parameters
    ----------
    region
        The region (its warehouses' stock is what may move).
    budget_units
        The most units moved in all.
    samples, seed, time_limit_s, budget, workers, scheduler
        As :func:`supplyopt.readiness.run_samples`, for the LP's samples and
        for the verifying plans.
    progress
        Called as each verifying plan finishes (``2 × samples`` in all).
    lp_time_limit_s
        Cap on each of the LP's solves.
    outcomes_before
        The outcomes of these samples with the stock as it is, when already
        planned (e.g. by a readiness run of the same region, samples and
        seed): only the samples with the moves are planned then, and
        ``progress`` counts ``samples`` plans.
    """
    drawn = [draw_sample(region, seed, index) for index in range(samples)]
    problem = preposition_problem(region, drawn, budget_units=budget_units)
    solution = solve_preposition(problem, time_limit_s=lp_time_limit_s)
    proposed = moves_of(region, solution.transfers)

    total = samples if outcomes_before is not None else 2 * samples

    def shifted(offset: int) -> SampleProgress | None:
        if progress is None:
            return None
        return lambda done, _total: progress(offset + done, total)

    def plan_all(which: Region, offset: int) -> list[SampleOutcome]:
        return run_samples(
            which,
            samples=samples,
            seed=seed,
            time_limit_s=time_limit_s,
            budget=budget,
            workers=workers,
            scheduler=scheduler,
            progress=shifted(offset),
        )

    if outcomes_before is not None:
        before = list(outcomes_before)
        after = plan_all(apply_moves(region, proposed), 0)
    else:
        before = plan_all(region, 0)
        after = plan_all(apply_moves(region, proposed), samples)
    stats_before, stats_after = coverage_stats(before), coverage_stats(after)
    better = (stats_after.mean, stats_after.p05) > (stats_before.mean, stats_before.p05)
    return Recommendation(
        moves=proposed if better else [],
        proposed=proposed,
        before=stats_before,
        after=stats_after if better else stats_before,
        lp=solution,
        outcomes_before=before,
        outcomes_after=after,
    )


def preposition_problem(
    region: Region,
    drawn: Sequence[Sample],
    *,
    budget_units: int,
    fleet_scale: float = 0.7,
    bay_scale: float = 0.7,
    reposition: bool = True,
) -> PrepositionProblem:
    """The LP's arrays: the region's stock, fleet and travel times, and each sample's need."""
    scenario = region.scenario
    travel = build_travel_times(scenario)
    items = scenario.item_ids
    types = scenario.vehicle_types
    warehouses = scenario.warehouses
    n_w, n_a = len(warehouses), len(scenario.areas)
    out_h = np.full((n_w, n_a, len(types)), np.inf)
    back_h = np.full((n_w, n_a, len(types)), np.inf)
    between_h = np.full((n_w, n_w, len(types)), np.inf)
    loadings = np.full(n_w, np.inf)
    for w, wh in enumerate(warehouses):
        hours_left = max(0.0, scenario.deadline_hours - wh.ready_hours)
        if wh.loading_bays is not None and wh.loading_hours > 0:
            loadings[w] = wh.loading_bays * hours_left / wh.loading_hours
    for k, vtype in enumerate(types):
        hours = travel.duration_h[vtype.id]
        out_h[:, :, k] = hours[:n_w, n_w:]
        back_h[:, :, k] = hours[n_w:, :n_w].T
        between_h[:, :, k] = hours[:n_w, :n_w]
    return PrepositionProblem(
        stock=np.array([[w.stock.get(i, 0) for i in items] for w in warehouses], np.int64),
        weight_kg=np.array([it.weight_kg for it in scenario.items]),
        volume_m3=np.array([it.volume_m3 for it in scenario.items]),
        capacity_kg=np.array([t.capacity_kg for t in types]),
        capacity_m3=np.array([t.capacity_m3 for t in types]),
        vehicles=np.array([[w.fleet.get(t.id, 0) for t in types] for w in warehouses], np.int64),
        ready_h=np.array([w.ready_hours for w in warehouses], dtype=float),
        load_h=np.array([w.loading_hours for w in warehouses], dtype=float),
        out_h=out_h,
        back_h=back_h,
        unload_h=np.array([a.unloading_hours for a in scenario.areas], dtype=float),
        between_h=between_h,
        loadings=loadings,
        deadline_h=scenario.deadline_hours,
        samples=[need for s in drawn if (need := sample_need(region, s)) is not None],
        n_samples=len(drawn),
        budget_units=budget_units,
        fleet_scale=fleet_scale,
        bay_scale=bay_scale,
        reposition=reposition,
    )


def sample_need(region: Region, sample: Sample) -> SampleNeed | None:
    """A sample's demand and the value of a unit (as the planner's ``Instance.value``)."""
    if not sample.demand:
        return None
    scenario = region.scenario
    items = scenario.item_ids
    rows = [(a, area) for a, area in enumerate(scenario.areas) if area.id in sample.demand]
    demand = np.array([[sample.demand[area.id].get(i, 0) for i in items] for _, area in rows])
    priority = np.array([float(area.priority) for _, area in rows])
    weighted = (priority[:, None] * demand).sum(axis=0)
    demanded = weighted > 0
    value = np.zeros(demand.shape)
    value[:, demanded] = priority[:, None] / weighted[demanded] / demanded.sum()
    return SampleNeed(
        np.array([a for a, _ in rows], dtype=np.int64), demand.astype(np.int64), value
    )


def moves_of(region: Region, transfers: np.ndarray) -> list[Move]:
    """The nonzero transfers as moves, net of any two-way pair, largest first."""
    warehouses = [w.id for w in region.scenario.warehouses]
    items = region.scenario.item_ids
    net = transfers - transfers.transpose(1, 0, 2)
    moves = [
        Move(warehouses[u], warehouses[w], items[i], int(net[u, w, i]))
        for u, w, i in zip(*np.nonzero(net > 0), strict=True)
    ]
    return sorted(moves, key=lambda m: (-m.quantity, m.source, m.target, m.item))


def apply_moves(region: Region, moves: Sequence[Move]) -> Region:
    """The region with the moves made.

    Raises
    ------
    ValueError
        When a move names an unknown warehouse or item, or takes more than a
        warehouse holds (after the moves before it).
    """
    stock = {w.id: dict(w.stock) for w in region.scenario.warehouses}
    items = set(region.scenario.item_ids)
    for idx, move in enumerate(moves):
        if move.source not in stock or move.target not in stock or move.item not in items:
            raise ValueError(f"moves[{idx}]: unknown warehouse or item in {move.to_json()}")
        held = stock[move.source].get(move.item, 0)
        if move.quantity < 0 or move.quantity > held:
            raise ValueError(
                f"moves[{idx}]: cannot move {move.quantity} {move.item} from {move.source} "
                f"(it holds {held})"
            )
        stock[move.source][move.item] = held - move.quantity
        stock[move.target][move.item] = stock[move.target].get(move.item, 0) + move.quantity
    return region.with_stock(stock)
