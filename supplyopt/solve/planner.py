"""The relief planner: a greedy first plan, then allocation LP and dispatch, within a time limit."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import (
    MAX_SEED,
    Plan,
    Scenario,
    Stop,
    Transfer,
    Trip,
    apply_disruptions,
    assemble_plan,
    has_lots,
    parse_scenario,
)
from ..network import TravelTimes, build_travel_times
from .dispatch import TimedTransfer, TimedTrip
from .feedback import Scales, measured_scales
from .instance import Instance, IntArray, build_instance
from .lns import improve
from .progress import Clock, ProgressCallback, StopCallback
from .rounds import FirstRound, first_plan, plan_rounds, units_delivered, units_taken
from .sequence import MIN_STOPS, resequence_trips
from .start import FleetStart, resolve_start
from .unmet import explain_unmet, refute_fleet

#: Variants tried in order while time allows, the best plan kept. Each sets, for the first
#: allocation round, the scale of the vehicle-hour budgets and of the bay-hour budgets (see
#: ``allocate``'s ``fleet_scale`` and ``bay_scale``) and whether vehicles may be sent empty
#: to load at other warehouses. Province-scale scenarios have time for the first one or
#: two, the best there (large-province seeds 1-3, xl seed 1; docs/planner.md); smaller
#: ones try them all.
VARIANTS: tuple[tuple[float, float, bool], ...] = (
    (0.5, 0.5, True),
    (0.7, 0.7, True),
    (0.5, 1.0, True),
    (0.7, 1.0, True),
    (0.35, 1.0, True),
    (1.0, 1.0, True),
    (1.0, 1.0, False),
    (0.7, 1.0, False),
    (0.5, 1.0, False),
)
#: The first variant above FEEDBACK_MAX_SIZE, where only the first one or two run before the
#: search (a fifth of the limit): the LP planning for 70 % of the fleet and bays, not 50 %,
#: gives the search a fuller start. 60 s, xl seeds 1-6: 0.7578 / 0.7392 / 0.7341 / 0.7349 /
#: 0.7525 / 0.7385 -> 0.7614 / 0.7471 / 0.7333 / 0.7359 / 0.7619 / 0.7454; large-province
#: seeds 1-3 unchanged (both variants run there and the better one is kept).
FIRST_VARIANT_LARGE = (0.7, 0.7, True)
#: Feedback rounds after the first variant at most (see :mod:`supplyopt.solve.feedback`):
#: each re-plans the first round with the budget scales the last dispatch achieved per
#: warehouse and vehicle type. The loop stops earlier when FEEDBACK_PATIENCE rounds in a row
#: do not beat the best plan so far or the scales stop changing: decided by the plans, not
#: the clock, so a fixed budget gives a fixed plan.
#: Two rounds: under a 60 s limit the loop takes the time of randomised restarts, and six
#: rounds cost medium-tight-fleet seeds 2-3 0.008 and 0.003 of coverage after the search
#: (0.6690 -> 0.6613, 0.6727 -> 0.6695; two rounds: 0.6701 on seed 2) while they gained
#: medium-bays seed 1 0.005 (docs/planner.md §1).
FEEDBACK_ROUNDS = 2
FEEDBACK_PATIENCE = 2
#: No feedback rounds by default above this size (areas × warehouses): at province scale a
#: round costs a province-size LP and dispatch (10 s on xl) that the other variants turn into
#: a better start for the search (60 s, without against with: xl seeds 1-2 0.7601 / 0.7462
#: against 0.7556 / 0.7395; large-province seeds 1-2 0.7753 / 0.7781 against 0.7748 / 0.7781).
FEEDBACK_MAX_SIZE = 10_000
#: Randomised restarts after the variants: RESTART_WORK // (areas × warehouses), at most
#: MAX_RESTARTS (a 30-area, one-warehouse scenario gets 40; province scale none).
RESTART_WORK = 20_000
MAX_RESTARTS = 40
#: Share of the time limit the stages plan within (the rest is margin).
SAFETY = 0.95
#: Share of the time limit after which no further variant or restart starts, so that the
#: large-neighbourhood search over vehicle-days has the rest (the first variant always runs;
#: only when the search's iterations are not fixed by the work budget).
VARIANTS_SHARE = 0.5
#: The share above FEEDBACK_MAX_SIZE (areas × warehouses), where the variants are all there
#: is before the search (no feedback, at most one restart) and the search turns the time into
#: more coverage than the later variants do. 60 s, 0.2 against 0.5, two runs beside each other
#: (large-province seeds 1-2: 0.7765 / 0.7795 against 0.7759 / 0.7793; xl seed 1: 0.7548
#: against 0.7525; before the repair's soonest warehouse, §7: large-province seeds 1-3
#: 0.7763 / 0.7795 / 0.7893 against 0.7711 / 0.7781 / 0.7854).
VARIANTS_SHARE_LARGE = 0.2
#: Above FEEDBACK_MAX_SIZE, a time limit shorter than LP_START_MIN_S seconds at
#: LP_START_REF_SIZE areas × warehouses (scaled by the size to the power LP_START_EXPONENT:
#: 6 s at large-province's 20,000, 31 s at xl's 60,000) skips the LP variants, and the
#: vehicle-day search starts from the greedy first plan. A province-scale variant's LP takes
#: seconds to tens of seconds, and under a short limit the search from the first plan carries
#: more than that LP's plan does. Measured on one machine, LP variants against search only,
#: seeds 1/2/3: large-province at 5 s 0.7179 / 0.7283 / 0.7315 against 0.7457 / 0.7181 /
#: 0.7338, at 10 s 0.7566 / 0.7547 / 0.7635 against 0.7552 / 0.7403 / 0.7502; xl seeds 1/2
#: at 20 s 0.7219 / 0.7080 against 0.7226 / 0.7080, at 30 s 0.7263 / 0.7141 against
#: 0.7301 / 0.7160, at 40 s 0.7546 / 0.7333 against 0.7184 (seed 2) (docs/planner.md §0).
#: Decided by the time limit and the size, not the clock: a limit takes the same path on
#: any machine.
LP_START_MIN_S = 6.0
LP_START_REF_SIZE = 20_000
LP_START_EXPONENT = 1.5
#: Share of the time limit the large-neighbourhood search leaves to re-sequencing, explaining
#: what is unmet and assembling the plan; at least LNS_RESERVE_MIN_S seconds plus
#: LNS_RESERVE_S_PER_SIZE per area × warehouse, as those stages grow with the size (after the
#: search under a 10 s limit: 0.19 s on medium-tight-fleet, 1.0 s on large-province, 2.0 s on
#: xl, whose solves overran 5 and 10 s limits by 1.0-1.4 s with the 0.25 s minimum alone).
LNS_RESERVE = 0.05
LNS_RESERVE_MIN_S = 0.25
LNS_RESERVE_S_PER_SIZE = 2e-5
#: Decimals kept for hours in the plan file (0.0001 h = 0.36 s).
TIME_DECIMALS = 4


@dataclass(frozen=True)
class WorkBudget:
    """How much search a solve does, fixed before it starts and independent of the clock.

    Attributes
    ----------
    variants
        How many of :data:`VARIANTS` to plan, in order (``None``: all of them).
    feedback
        How many feedback rounds at most follow the first variant (``None``:
        :data:`FEEDBACK_ROUNDS`, none above :data:`FEEDBACK_MAX_SIZE`; 0: none).
        The loop may stop earlier, decided by the plans it makes, never by the
        clock (see :func:`_feedback`).
    restarts
        How many randomised restarts of the best variant (``None``: the number
        fixed by the scenario's size, see :func:`_restarts`).
    lns_iterations
        How many iterations of the large-neighbourhood search over
        vehicle-days (:mod:`supplyopt.solve.lns`) follow (``None``: until it
        stalls or the clock stops it; 0: none).

    The time limit stays a safety cap: when it cuts the budgeted work short,
    the plan says so (``summary.time_limited``).
    """

    variants: int | None = None
    feedback: int | None = None
    restarts: int | None = None
    lns_iterations: int | None = None


def plan_relief(
    scenario: Scenario,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    reposition: bool = True,
    budget: WorkBudget | None = None,
    start: FleetStart | None = None,
    travel: TravelTimes | None = None,
    transfers: bool = False,
) -> Plan:
    """Plan which warehouse sends what, on which vehicle, arriving when.

    Parameters
    ----------
    scenario
        The scenario; validated again here, so one changed in code is safe.
    time_limit_s
        Wall-clock budget. The best plan found by then is returned; a greedy
        first plan is always complete, so the clock can make the plan less
        good, never empty.
    seed
        Seed of the randomised restarts and of the routing engine that
        re-sequences multi-stop trips; recorded in the plan. Same scenario
        and seed give the same plan unless the time limit cuts a stage short.
    progress
        Called with a :class:`~supplyopt.solve.progress.Progress` as stages finish.
    should_stop
        Polled between stages; when it returns True the best plan so far is
        returned (a partial plan is still a valid plan).
    reposition
        Allow sending vehicles empty from their base to load at another
        warehouse (such trips carry ``based_at`` and ``empty_km``). False
        keeps every vehicle loading at its own base.
    budget
        How many variants and restarts to plan (default: all variants, the
        restarts fixed by the size).
    start
        Plan from this state (re-planning, see :mod:`supplyopt.solve.start`):
        only the vehicles it lists, each loading first at its warehouse, no
        earlier than its free time, ``not_before_hours`` and the warehouse's
        ready time; loading bays busy until the given times. No vehicle is
        repositioned; trips keep the given vehicle ids (``based_at`` when a
        vehicle loads away from its base). ``None``: every vehicle at its
        base from its warehouse's ready time.
    travel
        Travel matrices already built for this scenario (its sites in order,
        its road disruptions, every vehicle type), searched at least up to its
        latest due time, as :func:`~supplyopt.network.build_travel_times`
        builds them for it (re-planning passes the ones it timed legs on).
        ``None``: built here.
    transfers
        Let the vehicle-day search carry stock between warehouses when that
        serves more (such trips carry ``transfer``, docs/planner.md "Stock
        transfers"); only with ``reposition`` (the vehicle then loads at the
        other warehouse). Off by default: a plan with transfers cannot be
        re-planned yet (contract §6), and on the benchmark families no
        transfer was ever kept. False: every unit leaves from the warehouse
        that holds it.

    Returns
    -------
    Plan
        Trips, unmet demand with reasons and the contract's KPIs. Never
        raises for an infeasible scenario: what cannot be done is in ``unmet``.
        When the time limit or ``should_stop`` cut the search short,
        ``summary.time_limited`` is True and ``notes`` says what was cut.

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    ValueError
        If ``seed`` is negative or above ``MAX_SEED`` (2**31 - 1), or
        ``start`` does not fit the scenario (the message names the field), or
        ``travel`` does not have the scenario's sites and vehicle types.
    """
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed: must be >= 0 and at most {MAX_SEED} (got {seed})")
    # The stages plan within 95 % of the limit: an LP being built or a warehouse being
    # dispatched is not interrupted, and the plan must still be explained and assembled.
    clock = Clock(SAFETY * time_limit_s, progress, should_stop)
    scenario = apply_disruptions(_validated(scenario))
    resolved = resolve_start(scenario, start) if start is not None else None
    clock.report("travel", 0.0, "computing travel times")
    if travel is None:
        travel = _travel_times(scenario)
    else:
        _check_travel(scenario, travel)
    inst = build_instance(scenario, travel, resolved)
    # From a given state the vehicles are where they are: no repositioning moves.
    timed = _plan_best(
        inst,
        clock,
        reposition=reposition and start is None,
        seed=seed,
        budget=budget or WorkBudget(),
        fixed_fleet=start is not None,
        time_limit_s=time_limit_s,
    )
    if start is None:  # the search over vehicle-days plans from T0 only
        timed = _improve(
            inst,
            timed,
            clock,
            seed=seed,
            moves=reposition,
            budget=budget or WorkBudget(),
            time_limit_s=time_limit_s,
            transfers=transfers,  # only with ``reposition``: a transfer leaves its vehicle at B
        )
    timed = _resequence(inst, timed, clock, seed)
    trips = [_to_trip(inst, trip) for trip in timed]
    trips.sort(key=lambda t: (t.load_start_hours, t.warehouse, t.vehicle_type, _number(t.vehicle)))
    on_time = units_delivered(inst, timed)
    left = inst.stock - units_taken(inst, timed)
    unmet = refute_fleet(scenario, trips, explain_unmet(inst, timed, on_time, left))
    plan = assemble_plan(
        scenario,
        trips,
        unmet,
        solve_seconds=round(clock.elapsed_s, 3),
        seed=seed,
        time_limit_s=time_limit_s,
        notes=[*travel.notes, *_cut_notes(clock, time_limit_s)],
    )
    if clock.cuts:
        plan.summary.time_limited = True
    clock.report(
        "done", 1.0, f"{len(trips)} trips, coverage {plan.summary.weighted_coverage_on_time:.3f}"
    )
    return plan


def _travel_times(scenario: Scenario) -> TravelTimes:
    """Travel matrices searched up to the latest due time (road networks stop at a horizon)."""
    latest = max((lot.due_hours for area in scenario.areas for lot in area.lots), default=0.0)
    if has_lots(scenario) and latest > scenario.deadline_hours:
        horizon = scenario.model_copy(update={"deadline_hours": latest})
        return build_travel_times(horizon)
    return build_travel_times(scenario)


def _check_travel(scenario: Scenario, travel: TravelTimes) -> None:
    """Raise ``ValueError`` when ``travel`` was not built for ``scenario``'s sites and types."""
    sites = (len(scenario.warehouses), len(scenario.areas))
    if (travel.n_warehouses, travel.n_areas) != sites:
        raise ValueError(
            f"travel: built for {travel.n_warehouses} warehouses and {travel.n_areas} areas, "
            f"the scenario has {sites[0]} and {sites[1]}"
        )
    missing = [vt.id for vt in scenario.vehicle_types if vt.id not in travel.duration_h]
    if missing:
        raise ValueError(f"travel: no matrices for vehicle type {missing[0]!r}")


def _validated(scenario: Scenario) -> Scenario:
    """The scenario validated again through the model (one changed in code may be broken)."""
    return parse_scenario(scenario.model_dump(by_alias=True))


def _improve(
    inst: Instance,
    timed: list[TimedTrip],
    clock: Clock,
    *,
    seed: int,
    moves: bool,
    budget: WorkBudget,
    time_limit_s: float,
    transfers: bool,
) -> list[TimedTrip]:
    """The large-neighbourhood search over vehicle-days from the best plan so far."""
    if budget.lns_iterations == 0:
        return timed
    result = improve(
        inst,
        timed,
        clock,
        lambda trips: _score(inst, trips),
        seed=seed,
        moves=moves,
        iterations=budget.lns_iterations,
        reserve_s=_reserve_s(inst, time_limit_s),
        transfers=transfers,
    )
    if result.cut_by_clock:
        clock.cut_short(f"large-neighbourhood search after {result.iterations} iterations")
    clock.report(
        "search",
        0.97,
        f"vehicle-day search: {result.iterations} iterations, {result.improvements} improvements"
        + (f", {result.transfers_kept} stock transfer moves kept" if result.transfers_kept else ""),
    )
    return result.trips


def _resequence(inst: Instance, timed: list[TimedTrip], clock: Clock, seed: int) -> list[TimedTrip]:
    """Re-sequence multi-stop trips; record a cut if the clock stopped it with some left."""
    if clock.stopped() and any(len(trip.stops) >= MIN_STOPS for trip in timed):
        clock.cut_short("re-sequencing of multi-stop trips")
        return timed
    timed = resequence_trips(inst, timed, clock, seed=seed)
    if clock.stopped() and any(len(trip.stops) >= MIN_STOPS for trip in timed):
        clock.cut_short("re-sequencing of multi-stop trips")
    return timed


def _cut_notes(clock: Clock, time_limit_s: float) -> list[str]:
    """The note a plan cut short carries: why, and what was cut."""
    if not clock.cuts:
        return []
    why = "stopped on request" if clock.stop_requested else f"time limit of {time_limit_s:g} s"
    return [f"cut short ({why}): {', '.join(clock.cuts)}; this is the best plan found by then"]


def _number(vehicle: str) -> int:
    """The running number at the end of a vehicle id (``w/truck/12`` → 12)."""
    tail = vehicle.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


#: A first-round setting: the LP's budget scales and whether vehicles may be moved.
_Config = tuple[Scales, bool]


@dataclass(frozen=True)
class _Run:
    """One planned run: its score, setting and first round."""

    score: tuple[float, ...]
    config: _Config
    first: FirstRound | None


class _Search:
    """The best plan so far, in the contract's objective order, and the time a run takes."""

    def __init__(self, inst: Instance, clock: Clock, first: list[TimedTrip]) -> None:
        self.inst, self.clock = inst, clock
        self.score = _score(inst, first)
        self.trips = first
        self.from_search = False  # False while the first plan is the best
        #: The best-ranked fixed variant (restarts randomise its dispatch).
        self.best_variant: _Run | None = None
        self.runs = 0  # runs planned (the first always runs, whatever the clock's share)
        self.last_run_s = 0.0
        #: No variant or restart after the first starts once this many seconds have passed.
        self.until_s = math.inf

    def attempt(
        self,
        config: _Config,
        span: tuple[float, float],
        label: str,
        noise: tuple[int, int] | None = None,
    ) -> _Run | None:
        """Plan one setting unless time is short; keep it if better. ``None``: out of time.

        ``noise`` seeds the randomised dispatch of a restart (``None``: none).
        """
        clock = self.clock
        if clock.stopped() or clock.remaining_s < 1.5 * self.last_run_s:
            return None
        if self.runs and clock.elapsed_s + self.last_run_s > self.until_s:
            return None
        started = clock.elapsed_s
        scales, moves = config
        run = plan_rounds(
            self.inst,
            clock,
            scales.fleet,
            bay_scale=scales.bays,
            span=span,
            label=label,
            reposition=moves,
            rng=None if noise is None else np.random.default_rng(list(noise)),
        )
        self.last_run_s = clock.elapsed_s - started
        self.runs += 1
        result = _Run(_score(self.inst, run.trips), config, run.first)
        # The first plan gives way on a tie: the searched plans decide among equals.
        if result.score > self.score or (not self.from_search and result.score == self.score):
            self.score, self.trips, self.from_search = result.score, run.trips, True
        return result


def _plan_best(
    inst: Instance,
    clock: Clock,
    *,
    reposition: bool,
    seed: int,
    budget: WorkBudget,
    fixed_fleet: bool = False,
    time_limit_s: float = math.inf,
) -> list[TimedTrip]:
    """A greedy first plan, the variants with the feedback after the first, restarts of the best.

    The feedback rounds (:func:`_feedback`) follow the first variant; the
    other variants follow them as fallback candidates, and the restarts
    randomise the best fixed variant's dispatch, so a fixed budget plans
    every plan it planned before the feedback existed, and more. Ranked in
    the contract's objective order: on-time value first, then the
    worst area's coverage, then the mean arrival of a unit, then the distance
    driven (empty drives included). A plan replaces the best so far only if
    it ranks higher, so the first plan is returned when nothing beats it.
    With ``fixed_fleet`` (a given start state) each variant's budget scales
    are planned without moves, once each. Above FEEDBACK_MAX_SIZE, with the
    default budget and ``time_limit_s`` (the caller's limit, before SAFETY)
    under :func:`_lp_start_min_s`, no variant is planned: the first plan is
    returned for the vehicle-day search, and the plan says the variants were cut.
    """
    search = _Search(inst, clock, first_plan(inst))
    if budget.lns_iterations is None and not fixed_fleet:  # the search runs until the clock
        search.until_s = _variants_until_s(inst, clock.time_limit_s)
    clock.report("first", 0.05, f"first plan: weighted coverage {search.score[0]:.3f}")
    # Only the default budget: one that names any stage gets the stages it names.
    if budget == WorkBudget() and not fixed_fleet and _large(inst):
        least_s = _lp_start_min_s(inst)
        if time_limit_s < least_s:
            clock.cut_short(
                f"the LP variants (a limit under {least_s:.1f} s at this size: the vehicle-day "
                "search started from the first plan)"
            )
            clock.report("first", 0.05, "the vehicle-day search starts from the first plan")
            return search.trips
    if fixed_fleet:
        scales = dict.fromkeys((scale, bays) for scale, bays, _ in VARIANTS)
        variants = [(scale, bays, False) for scale, bays in scales]
    else:
        variants = [variant for variant in VARIANTS if reposition or not variant[2]]
        if _large(inst) and FIRST_VARIANT_LARGE in variants:
            variants.remove(FIRST_VARIANT_LARGE)
            variants.insert(0, FIRST_VARIANT_LARGE)
    variants = variants[: budget.variants]
    n_runs = len(variants)
    n_feedback = FEEDBACK_ROUNDS if budget.feedback is None else budget.feedback
    if budget.feedback is None and _large(inst):
        n_feedback = 0
    for run, (scale, bays, moves) in enumerate(variants):
        span = (0.05 + 0.9 * run / n_runs, 0.05 + 0.9 * (run + 1) / n_runs)
        config = (Scales.uniform(inst, scale, bays), moves)
        result = search.attempt(config, span, f"variant {run + 1}/{n_runs}")
        if result is None:
            clock.cut_short(f"variants {run + 1}-{n_runs} of {n_runs}")
            return search.trips
        if search.best_variant is None or result.score > search.best_variant.score:
            search.best_variant = result
        if run == 0 and not _feedback(search, result, n_feedback):
            if n_runs > 1:  # the variants and restarts after the loop are skipped too
                clock.cut_short(f"variants 2-{n_runs} of {n_runs}")
            return search.trips
    if search.best_variant is None:
        return search.trips
    # Randomised restarts of the best variant's dispatch, a number fixed by the size.
    winner = search.best_variant.config
    n_restarts = _restarts(inst) if budget.restarts is None else budget.restarts
    for restart in range(n_restarts):
        if search.attempt(winner, (0.95, 0.95), f"restart {restart + 1}", (seed, restart)) is None:
            clock.cut_short(f"restarts {restart + 1}-{n_restarts} of {n_restarts}")
            break
    return search.trips


def _feedback(search: _Search, start: _Run, n_rounds: int) -> bool:
    """Re-plan the first round with the scales the dispatch achieved, while it improves.

    From ``start`` (the first variant's run), each round measures the last
    run's first round (:func:`~supplyopt.solve.feedback.measured_scales`),
    re-solves the LP with those scales and dispatches again. Stops after
    ``n_rounds``, when the scales no longer change, or after
    FEEDBACK_PATIENCE rounds in a row that do not beat the best plan: all
    decided by the plans, not the clock, so a fixed budget gives a fixed
    plan. False: out of time.
    """
    last, stalled = start, 0
    for round_no in range(n_rounds):
        if last.first is None:
            break
        scales, moves = last.config
        measured = measured_scales(search.inst, last.first, scales)
        if measured.same_as(scales):
            break
        best_score = search.score
        result = search.attempt((measured, moves), (0.05, 0.05), f"feedback round {round_no + 1}")
        if result is None:
            search.clock.cut_short(f"feedback rounds {round_no + 1}-{n_rounds} of {n_rounds}")
            return False
        last = result
        stalled = 0 if result.score > best_score else stalled + 1
        if stalled >= FEEDBACK_PATIENCE:
            break
    return True


def _size(inst: Instance) -> int:
    """Areas × warehouses: the size the stages' budgets and thresholds scale with."""
    return inst.n_areas * inst.n_warehouses


def _large(inst: Instance) -> bool:
    """Province scale: above FEEDBACK_MAX_SIZE areas × warehouses (no feedback, an early search)."""
    return _size(inst) > FEEDBACK_MAX_SIZE


def _reserve_s(inst: Instance, time_limit_s: float) -> float:
    """Seconds the vehicle-day search leaves to the stages after it."""
    return max(LNS_RESERVE * time_limit_s, LNS_RESERVE_MIN_S + LNS_RESERVE_S_PER_SIZE * _size(inst))


def _lp_start_min_s(inst: Instance) -> float:
    """The shortest time limit for which a province-scale plan starts with the LP variants."""
    return float(LP_START_MIN_S * (_size(inst) / LP_START_REF_SIZE) ** LP_START_EXPONENT)


def _variants_until_s(inst: Instance, time_limit_s: float) -> float:
    """Seconds after which no variant or restart starts (the search has the rest)."""
    return (VARIANTS_SHARE_LARGE if _large(inst) else VARIANTS_SHARE) * time_limit_s


def _restarts(inst: Instance) -> int:
    """How many randomised restarts: many on small scenarios, none at province scale."""
    return min(MAX_RESTARTS, RESTART_WORK // max(_size(inst), 1))


def _score(inst: Instance, trips: list[TimedTrip]) -> tuple[float, ...]:
    """The contract's objective order as a tuple to maximise (rounded so noise cannot decide)."""
    stops = [stop for trip in trips for stop in trip.stops]
    delivered = np.zeros_like(inst.demand)
    counts: list[int] = []
    if stops:  # the search scores many plans: one array of every stop's units
        per_stop = np.stack([stop.units for stop in stops])
        np.add.at(delivered, np.array([stop.area_idx for stop in stops]), per_stop)
        counts = per_stop.sum(axis=1).tolist()
    on_time = np.minimum(delivered, inst.demand)
    units = sum(counts)
    unit_hours = sum(stop.arrive_h * n for stop, n in zip(stops, counts, strict=True))
    km = sum(trip.distance_km + trip.empty_km for trip in trips)
    return (
        round(float((inst.value * on_time).sum()), 9),
        round(_min_area_coverage(inst, on_time), 9),
        -round(unit_hours / max(units, 1), 6),
        -round(km, 3),
    )


def _min_area_coverage(inst: Instance, on_time: IntArray) -> float:
    on_time, demand = inst.per_scenario_area(on_time), inst.per_scenario_area(inst.demand)
    demanded = demand > 0
    ratio = np.where(demanded, on_time / np.maximum(demand, 1), 0.0)
    counts = demanded.sum(axis=1)
    per_area = ratio.sum(axis=1)[counts > 0] / counts[counts > 0]
    return float(per_area.min()) if per_area.size else 0.0


def _hours(value: float) -> float:
    return round(value, TIME_DECIMALS)


def _to_trip(inst: Instance, trip: TimedTrip) -> Trip:
    """The plan's trip: scenario ids, consecutive stops at one area's lots as one stop."""
    scenario = inst.scenario
    warehouse = scenario.warehouses[trip.warehouse_idx]
    base = scenario.warehouses[trip.base_idx] if trip.base_idx is not None else warehouse
    vtype = inst.types[trip.vehicle_type_idx]
    visits: list[tuple[int, float, IntArray]] = []  # (scenario area, arrival, units)
    for stop in trip.stops:
        area_idx = int(inst.area_of[stop.area_idx])
        if visits and visits[-1][0] == area_idx:  # another lot of the same area: same stop
            visits[-1] = (area_idx, visits[-1][1], visits[-1][2] + stop.units)
        else:
            visits.append((area_idx, stop.arrive_h, stop.units))
    stops = [
        Stop(
            area=scenario.areas[area_idx].id,
            arrive_hours=_hours(arrive_h),
            deliver={inst.item_ids[i]: int(q) for i, q in enumerate(units) if q > 0},
        )
        for area_idx, arrive_h, units in visits
    ]
    return Trip(
        vehicle=f"{base.id}/{vtype.id}/{trip.vehicle_idx + 1}",
        warehouse=warehouse.id,
        vehicle_type=vtype.id,
        load_start_hours=_hours(trip.load_start_h),
        depart_hours=_hours(trip.depart_h),
        stops=stops,
        return_hours=_hours(trip.return_h),
        distance_km=round(trip.distance_km, 3),
        based_at=base.id if base is not warehouse else None,
        empty_km=round(trip.empty_km, 3) if trip.empty_km else None,
        transfer=_to_transfer(inst, trip.transfer),
    )


def _to_transfer(inst: Instance, transfer: TimedTransfer | None) -> Transfer | None:
    """The plan's transfer: the receiving warehouse's id, arrival and units by item id."""
    if transfer is None:
        return None
    return Transfer(
        warehouse=inst.scenario.warehouses[transfer.warehouse_idx].id,
        arrive_hours=_hours(transfer.arrive_h),
        deliver={inst.item_ids[i]: int(q) for i, q in enumerate(transfer.units) if q > 0},
    )
