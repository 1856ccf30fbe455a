"""Large-neighbourhood search over vehicle-days: cut some days, rebuild them, keep what is better.

Starts from the planner's best plan. Each iteration removes the trips of a
few vehicles (a random few, those of one warehouse, those serving one
region, the poorest days by value per hour, or those nearest a warehouse
with stock left, which their repair may then load at), each from some time on,
and rebuilds those vehicles' days trip by trip by value per vehicle-hour
(:mod:`._repair`). A rebuilt plan becomes the search's current plan when
its value is at least the current one's less a threshold that shrinks to
zero over each cycle of iterations (threshold acceptance); it replaces the best plan only
when it ranks higher in the contract's objective order, so the plan
returned is never worse than the one given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..dispatch import TimedTrip
from ..instance import Instance
from ..progress import Clock
from ._days import DayPlan
from ._destroy import operators
from ._model import build_model
from ._reload import reload_visits
from ._repair import rebuild
from ._transfer import TransferTrials

Score = Callable[[list[TimedTrip]], tuple[float, ...]]
#: Iterations without a better value or fairness after which the search ends by itself:
#: STALL_PER_VEHICLE per vehicle of the fleet, at least STALL. (40 since MAX_CUT went from 4
#: to 2: about as many vehicle-days rebuilt as 25 iterations of the larger cuts.)
STALL = 500
STALL_PER_VEHICLE = 40
#: After this many iterations without a better plan, the current plan goes back to the best.
RESET = 250
#: Threshold acceptance: at the start of each cycle of CYCLE iterations, a plan worse than the
#: current one by this share of the best value is accepted; the threshold falls to 0 over the
#: cycle. The share is THRESHOLD_DAYS of an average vehicle-day's value (the best value over the
#: fleet's vehicles), at most THRESHOLD: an iteration rebuilds one or two days, so the value it
#: may give up is of a day's size, not of the plan's (docs/planner.md, section 7).
THRESHOLD = 0.001
THRESHOLD_DAYS = 0.04
CYCLE = 500
#: Randomisation of the repair's first stops (factor drawn from [1 - NOISE, 1]).
NOISE = 0.2
#: A progress report every this many iterations.
REPORT_EVERY = 50
#: Reload the kept trips that stop where a destroy freed need, before the repair.
RELOAD = True
#: Vehicles cut per iteration: from 1 up to this many (and at most a fifth of the fleet).
#: An iteration costs about its cut; 2 instead of 4 gave more per second on all six
#: large-province and xl runs (60 s, seeds 1-3: +0.0001 to +0.0061) and the medium families'
#: search, stopping by its stall limit, ends where it did (docs/planner.md, section 7).
MAX_CUT = 2
#: A rebuilt plan whose value beats the best by more than this ranks higher whatever its other
#: terms (the score rounds the value to 9 decimals): it becomes the best without being scored,
#: and is scored only when a later plan ties it. Scoring a plan (every stop of every trip) took
#: 15 % of an xl search's time; this scores a quarter fewer (xl seed 1, 1,500 iterations: 402
#: plans scored instead of 541) and returns the same plans.
CLEAR_GAIN = 2e-9


@dataclass(frozen=True)
class SearchResult:
    """What the search returns.

    Attributes
    ----------
    trips
        The best plan found (the given one if nothing beat it).
    iterations
        Iterations run.
    improvements
        How many times the best plan improved.
    cut_by_clock
        True when the clock (or a stop request) ended the search before its
        budget or its stall limit did.
    """

    trips: list[TimedTrip]
    iterations: int
    improvements: int
    cut_by_clock: bool
    transfers_tried: int = 0
    transfers_kept: int = 0


def improve(
    inst: Instance,
    trips: list[TimedTrip],
    clock: Clock,
    score: Score,
    *,
    seed: int,
    moves: bool,
    iterations: int | None = None,
    reserve_s: float = 0.0,
    transfers: bool = False,
) -> SearchResult:
    """Improve ``trips`` by large-neighbourhood search until the budget, a stall or the clock.

    Parameters
    ----------
    inst
        The instance (a plan from T0: ``inst.vehicles`` is None).
    trips
        The plan to start from; every vehicle's trips consistent in time.
    clock
        Stops the search when it says so or ``reserve_s`` seconds are left.
    score
        The contract's objective order as a tuple to maximise.
    seed
        Seeds the search; with a fixed ``iterations`` budget the same
        inputs give the same plan unless the clock cuts the search.
    moves
        Let vehicles drive empty to another warehouse to load there.
    iterations
        At most this many iterations (``None``: until the stall limit or the clock).
    reserve_s
        Seconds of the time limit left for the stages after the search.
    transfers
        Also try moving stock between warehouses (:mod:`._transfer`; only with
        ``moves``): a transfer move is kept only when it gives a better plan
        than the best.
    """
    model = build_model(inst)
    rng = np.random.default_rng([seed, 13])
    current = DayPlan.from_trips(inst, trips)
    start_score = score(trips)
    # Both None while the best plan is a clear improvement not yet scored (CLEAR_GAIN).
    best_score: tuple[float, ...] | None = start_score
    best_trips: list[TimedTrip] | None = trips
    best_value = current_value = current.value()
    best_plan = current
    if RELOAD:  # the start plan's own trips, loaded again: never worth less
        current = current.copy()
        reload_visits(model, current, set(range(model.n_groups)))
        current_value = current.value()
        if current_value > best_value + 1e-12:
            reloaded, reloaded_score = _scored(current, score)
            if reloaded_score > start_score:
                best_score, best_trips = reloaded_score, reloaded
                best_value, best_plan = current_value, current
    ops = operators(model)
    n_fleet = len(current.days)
    max_cut = max(1, min(MAX_CUT, n_fleet // 5))
    threshold = threshold_share(n_fleet)
    stall = max(STALL, STALL_PER_VEHICLE * n_fleet)
    started = clock.elapsed_s
    it = improvements = since_best = 0
    cut_by_clock = False
    longest_s = 0.0
    # A transfer leaves its vehicle at another warehouse: only when vehicles may move.
    trials = (
        TransferTrials(model, seed=seed, moves=moves, noise=NOISE) if transfers and moves else None
    )
    while (iterations is None or it < iterations) and since_best < stall and n_fleet:
        # Stop before an iteration as long as the longest so far could overrun the reserve.
        if clock.stopped() or clock.remaining_s <= reserve_s + longest_s:
            cut_by_clock = True
            break
        began_s = clock.elapsed_s
        cand = current.copy()
        operator = ops[int(rng.integers(len(ops)))]
        n_cut = int(rng.integers(1, max_cut + 1)) if max_cut > 1 else 1
        cuts = operator(model, cand, rng, n_cut)
        freed: set[int] = set()
        for key, cut_h in cuts:
            freed |= cand.remove_from(key, cut_h, model.group_of)
        settled, also_cut = cand.settle(model.group_of)  # loadings a removed transfer fed
        freed |= settled
        if RELOAD:
            reload_visits(model, cand, freed)
        rebuild(model, cand, [key for key, _ in cuts] + also_cut, rng, noise=NOISE, moves=moves)
        value = cand.value()
        # The threshold falls from its share to 0 over each cycle of iterations: the same
        # start and seed give the same iterations whatever the time limit, so more time
        # only adds iterations (from the same start, the best plan never gets worse with time).
        slack = threshold * (1.0 - (it % CYCLE) / CYCLE) * best_value
        if value >= current_value - slack:
            current, current_value = cand, value
        it += 1
        since_best += 1
        longest_s = max(longest_s, clock.elapsed_s - began_s)
        if value > best_value + CLEAR_GAIN:  # ranks higher: scored only if a later plan ties
            best_score, best_trips, best_plan = None, None, cand
            best_value = value
            since_best = 0
            improvements += 1
        elif value >= best_value - 1e-12:
            if best_score is None:
                best_trips, best_score = _scored(best_plan, score)
            cand_trips, cand_score = _scored(cand, score)
            if cand_score > best_score:
                if cand_score[:2] > best_score[:2]:
                    since_best = 0  # distance and arrival times alone do not prolong the search
                best_score, best_trips, best_plan = cand_score, cand_trips, cand
                best_value = value
                improvements += 1
        if trials is not None and trials.due(it):
            if best_score is None:
                best_trips, best_score = _scored(best_plan, score)
            found = trials.attempt(current, score)
            better = found is not None and found[1] > best_score
            if found is not None and better:
                moved, moved_score = found
                since_best = 0 if moved_score[:2] > best_score[:2] else since_best
                best_score, best_trips, best_plan = moved_score, moved.trips(), moved
                best_value = current_value = moved.value()
                current = moved
                improvements += 1
            trials.done(it, better=better)
            longest_s = max(longest_s, clock.elapsed_s - began_s)
        if it % REPORT_EVERY == 0:
            clock.report(
                "search",
                0.95 + 0.04 * _progress(it, iterations, clock, started, reserve_s),
                f"vehicle-day search: {it} iterations, weighted coverage {best_value:.3f}",
            )
        if since_best and since_best % RESET == 0:
            current, current_value = best_plan.copy(), best_value
    tried, kept = (trials.tried, trials.kept) if trials is not None else (0, 0)
    if best_trips is None:
        best_trips = best_plan.trips()
    return SearchResult(best_trips, it, improvements, cut_by_clock, tried, kept)


def _scored(plan: DayPlan, score: Score) -> tuple[list[TimedTrip], tuple[float, ...]]:
    """The plan's trips and their score."""
    trips = plan.trips()
    return trips, score(trips)


def threshold_share(n_fleet: int) -> float:
    """The share of the best value a plan may lose at a cycle's start and still be accepted.

    THRESHOLD_DAYS of an average vehicle-day's value, at most THRESHOLD
    (from 40 vehicles down, THRESHOLD).
    """
    return min(THRESHOLD, THRESHOLD_DAYS / max(n_fleet, 1))


def _progress(
    it: int, iterations: int | None, clock: Clock, started_s: float, reserve_s: float
) -> float:
    """Share of the search done: by iterations when budgeted, else by the clock."""
    if iterations:
        return min(1.0, it / iterations)
    used = clock.elapsed_s - started_s
    total = used + max(clock.remaining_s - reserve_s, 0.0)
    return min(1.0, used / total) if total > 0 else 1.0
