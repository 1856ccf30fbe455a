"""The proportional baseline: stock re-spread toward each warehouse's share of the population it serves.

Each settlement is served by the warehouse that reaches it first (ready +
loading + fastest drive with a vehicle based there). A warehouse's target
stock of an item is the item's total times its share of the population;
surpluses move to deficits (largest deficit first, from the largest
surplus), all of it scaled down to the budget, in whole units.
"""

from __future__ import annotations

import numpy as np

from supplyopt.readiness import Region
from supplyopt.readiness.preposition import Move, preposition_problem


def proportional_moves(region: Region, budget_units: int) -> list[Move]:
    """Moves of at most ``budget_units`` toward the population-proportional stock."""
    scenario = region.scenario
    problem = preposition_problem(region, [], budget_units=budget_units)
    first = problem.arrival_h.min(axis=2)  # (W, A)
    serving = np.argmin(first, axis=0)
    population = np.array([a.population or 0 for a in scenario.areas], dtype=float)
    served = np.bincount(serving, weights=population, minlength=len(scenario.warehouses))
    share = served / served.sum()
    stock = problem.stock.astype(float)
    target = share[:, None] * stock.sum(axis=0)[None, :]
    surplus = np.maximum(stock - target, 0.0)
    deficit = np.maximum(target - stock, 0.0)
    scale = min(1.0, budget_units / max(deficit.sum(), 1.0))
    moves: list[Move] = []
    ids = [w.id for w in scenario.warehouses]
    left = budget_units
    for i, item in enumerate(scenario.item_ids):
        want = np.floor(deficit[:, i] * scale)
        have = surplus[:, i].copy()
        for w in np.argsort(-want, kind="stable").tolist():
            for u in np.argsort(-have, kind="stable").tolist():
                qty = int(min(want[w], np.floor(have[u]), left))
                if qty <= 0 or u == w:
                    continue
                moves.append(Move(ids[u], ids[w], item, qty))
                want[w] -= qty
                have[u] -= qty
                left -= qty
    return moves
