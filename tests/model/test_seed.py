"""One seed bound, MAX_SEED, for the library, the CLI, sweep files and the service."""

from __future__ import annotations

import pytest

import supplyopt
from supplyopt.model import MAX_SEED
from supplyopt.solve import plan_relief


def test_max_seed_is_the_routing_engines_bound() -> None:
    """MAX_SEED is the largest 32-bit signed integer, what PyVRP accepts."""
    assert MAX_SEED == 2**31 - 1


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 2**32])
def test_plan_relief_refuses_a_seed_out_of_range(tiny: supplyopt.Scenario, seed: int) -> None:
    """plan_relief refuses a seed outside [0, MAX_SEED] with a ValueError naming the bound."""
    with pytest.raises(ValueError, match=f"at most {MAX_SEED}"):
        plan_relief(tiny, time_limit_s=5, seed=seed)
