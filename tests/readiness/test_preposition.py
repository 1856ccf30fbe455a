"""Pre-positioning: moves within budget and holdings, verified by full plans."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from supplyopt.cli import main
from supplyopt.readiness import Region, coverage_stats, read_region, run_samples
from supplyopt.readiness.preposition import Move, apply_moves, recommend_moves
from supplyopt.solve.preposition_lp import round_transfers

from .conftest import TINY_REGION


@pytest.fixture(scope="module")
def found() -> tuple[Region, object]:
    """Moves of at most 60 units chosen and verified on 8 samples of the tiny region."""
    region = read_region(TINY_REGION)
    return region, recommend_moves(region, budget_units=60, samples=8, seed=1, workers=1)


def test_moves_stay_within_budget_and_holdings(found: tuple[Region, object]) -> None:
    """The moves add up to at most the budget and never take more than a warehouse holds."""
    region, rec = found
    assert rec.proposed  # the far west stock is worth moving
    assert sum(m.quantity for m in rec.proposed) <= 60
    held = {w.id: w.stock for w in region.scenario.warehouses}
    out: dict[tuple[str, str], int] = {}
    for m in rec.proposed:
        assert m.quantity > 0
        assert m.source != m.target
        out[m.source, m.item] = out.get((m.source, m.item), 0) + m.quantity
    for (source, item), qty in out.items():
        assert qty <= held[source].get(item, 0)


def test_after_is_verified_by_full_plans(found: tuple[Region, object]) -> None:
    """``after`` is what full plans of every sample give with the moves made, all checked."""
    region, rec = found
    moved = apply_moves(region, rec.moves)
    again = coverage_stats(run_samples(moved, samples=8, seed=1, workers=1))
    assert (rec.after.mean, rec.after.p05) == pytest.approx((again.mean, again.p05))
    before = coverage_stats(run_samples(region, samples=8, seed=1, workers=1))
    assert (rec.before.mean, rec.before.p05) == pytest.approx((before.mean, before.p05))
    assert (rec.after.mean, rec.after.p05) >= (rec.before.mean, rec.before.p05)
    assert all(not o.violations for o in (*rec.outcomes_before, *rec.outcomes_after))
    assert len(rec.outcomes_before) == len(rec.outcomes_after) == 8


def test_outcomes_before_given_are_not_planned_again(found: tuple[Region, object]) -> None:
    """With the 'before' outcomes given, only the moved samples are planned; same recommendation."""
    region, rec = found
    before = run_samples(region, samples=8, seed=1, workers=1)
    counted: list[tuple[int, int]] = []
    again = recommend_moves(
        region,
        budget_units=60,
        samples=8,
        seed=1,
        workers=1,
        outcomes_before=before,
        progress=lambda done, total: counted.append((done, total)),
    )
    assert counted[-1] == (8, 8)
    assert again.to_json() == rec.to_json()


def test_result_has_the_contract_shape(found: tuple[Region, object]) -> None:
    """``moves``, ``before`` and ``after`` as §7 gives them."""
    _, rec = found
    data = rec.to_json()
    assert {"moves", "before", "after"} <= set(data)
    assert set(data["before"]) == set(data["after"]) == {"mean", "p05"}
    for move in data["moves"]:
        assert set(move) == {"from", "to", "item", "quantity"}


def test_rounding_never_exceeds_budget_or_holdings() -> None:
    """Rounded transfers stay within the budget and each holder's stock."""
    stock = np.array([[5, 0], [1, 9]])
    values = {(0, 1, 0): 4.6, (1, 0, 0): 0.9, (1, 0, 1): 2.5, (1, 0, 1 + 0): 2.5}
    out = round_transfers(values, stock, budget_units=7)
    assert out.sum() <= 7
    assert (out.sum(axis=1) <= stock).all()
    out = round_transfers({(0, 1, 0): 5.0000001, (1, 0, 0): 1.0000001}, stock, budget_units=5)
    assert out.sum() == 5
    assert (out.sum(axis=1) <= stock).all()


def test_apply_moves_refuses_taking_more_than_held(tiny_region: Region) -> None:
    """A move of more than the warehouse holds is refused."""
    with pytest.raises(ValueError, match="cannot move 11 tent from w2"):
        apply_moves(tiny_region, [Move("w2", "w1", "tent", 11)])
    moved = apply_moves(tiny_region, [Move("w3", "w2", "tent", 100)])
    stock = {w.id: w.stock for w in moved.scenario.warehouses}
    assert stock["w3"]["tent"] == 200
    assert stock["w2"]["tent"] == 110


def test_the_command_writes_moves_and_region(tmp_path: Path) -> None:
    """``preposition`` writes the moves JSON and the region with the moves applied."""
    out, region_out = tmp_path / "m.json", tmp_path / "r2.yaml"
    code = main(
        [
            "preposition",
            str(TINY_REGION),
            "--move-budget",
            "40",
            "--samples",
            "4",
            "--workers",
            "1",
            "--out",
            str(out),
            "--region-out",
            str(region_out),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    moved = read_region(region_out)
    total = {
        item: sum(w.stock.get(item, 0) for w in moved.scenario.warehouses)
        for item in ("tent", "quilt")
    }
    assert total == {"tent": 350, "quilt": 3500}  # moves keep the totals
    assert sum(m["quantity"] for m in data["moves"]) <= 40


def _hub_and_spokes(*, small: tuple[int, int], large: tuple[int, int]) -> Region:
    """Seven small reserves near the settlements, one large reserve further out.

    ``small`` and ``large`` are (quilts, trucks) of each small reserve and of the large one.
    """
    from supplyopt.readiness import parse_region

    from .conftest import tiny_region_data

    data = tiny_region_data()
    data["items"] = [data["items"][1]]
    data["needs_per_person"] = {"quilt": 1.0}

    def site(wid: str, lat: float, quilts_trucks: tuple[int, int]) -> dict[str, object]:
        quilts, trucks = quilts_trucks
        return {
            "id": wid,
            "lat": lat,
            "lon": 86.6,
            "stock": {"quilt": quilts},
            "fleet": {"truck": trucks} if trucks else {},
            "loading_hours": 0.25,
        }

    data["warehouses"] = [site(f"small-{k}", 44.0 + 0.02 * k, small) for k in range(7)]
    data["warehouses"].append(site("large", 44.6, large))
    return parse_region(data)


def test_lp_draws_on_stock_beyond_the_six_fastest_warehouses() -> None:
    """The second stage offers the fastest holders of the stock a sample needs, not just the six nearest.

    Without them the LP would see 14 quilts where the planner ships hundreds
    from the large reserve, and value stock there at nothing.
    """
    from supplyopt.readiness import draw_sample
    from supplyopt.readiness.preposition import preposition_problem
    from supplyopt.solve.preposition_lp import solve_preposition

    region = _hub_and_spokes(small=(2, 1), large=(1000, 2))
    drawn = [s for s in (draw_sample(region, 5, k) for k in range(12)) if s.demand][:3]
    need = sum(sum(d.values()) for s in drawn for d in s.demand.values())
    assert need > 3 * 14  # far more than the seven small reserves hold
    solution = solve_preposition(preposition_problem(region, drawn, budget_units=0))
    planned = coverage_stats(
        [plan for plan in run_samples(region, samples=12, seed=5, workers=1) if plan.area_coverage][
            :3
        ]
    )
    assert solution.lp_before > 0.9
    assert solution.lp_before == pytest.approx(planned.mean, abs=0.05)


def test_lp_counts_vehicles_driven_empty_to_a_warehouse() -> None:
    """Stock at reserves with no trucks of their own is worth something: trucks drive in, as the planner's do."""
    from supplyopt.readiness import draw_sample
    from supplyopt.readiness.preposition import preposition_problem
    from supplyopt.solve.preposition_lp import solve_preposition

    region = _hub_and_spokes(small=(200, 0), large=(0, 4))
    drawn = [s for s in (draw_sample(region, 5, k) for k in range(12)) if s.demand][:3]
    with_moves = solve_preposition(preposition_problem(region, drawn, budget_units=0))
    without = solve_preposition(
        preposition_problem(region, drawn, budget_units=0, reposition=False)
    )
    assert without.lp_before == 0.0
    assert with_moves.lp_before > 0.5
