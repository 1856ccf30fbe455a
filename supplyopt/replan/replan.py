"""Re-planning an operation under way (contract §6), and carrying on without it.

:func:`replan` revises a plan at ``now_hours``: the under-way trips keep
their loads and fixed stops (their remainders may go where they serve
more), orders not started are kept where they still work or planned again,
and the residual need is planned from where the fleet really is. Two
candidates are compared: *keep* (the orders that still work kept verbatim,
the rest planned around them) and *free* (every order not started planned
again); the one with the higher weighted on-time coverage of the whole
operation wins, then the one that changes fewer orders, then the fairer,
then the shorter. :func:`carry_on` is the plan carried on with what became
impossible dropped and nothing new planned.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import (
    Events,
    EventsError,
    LotEntry,
    Operation,
    Plan,
    Replan,
    Scenario,
    Summary,
    Trip,
    Unmet,
    apply_events,
    assemble_plan,
    parse_events,
    summarize,
)
from ..model.events import AddArea, event_problems
from ..network import TravelTimes
from ..solve import plan_relief
from ..solve.progress import Progress, ProgressCallback, StopCallback
from ..solve.unmet import refute_fleet
from .availability import fleet_start
from .carry import carry_orders
from .changes import Counts, count_changes
from .keep import keep_orders
from .ledger import Ledger, stop_deliveries
from .legs import Legs
from .reasons import Reasons
from .remainder import Revision, revise_remainders, revision_tag
from .residual import residual_scenario, residual_units, stock_left
from .state import State, classify
from .transfers import refuse_transfers
from .unmet import operation_unmet

#: Passes over the under-way trips at most (each stranding found may void later trips).
MAX_PASSES = 4
#: Share of the time limit the residual plans get (the rest: state, assembly, margin).
PLAN_SHARE = 0.9
#: Share of the time limit the remainders of trucks under way may search; the trucks
#: not reached by then keep their planned stops, retimed (anytime).
REMAINDER_SHARE = 0.2


@dataclass
class _Candidate:
    """One way to revise: the trips after the under-way ones, and how they rank."""

    name: str
    later: list[Trip]
    why_not: dict[int, str]
    residual: Plan | None
    trips: list[Trip] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    summary: Summary = field(default_factory=Summary)

    def rank(self) -> tuple[float, int, float, float]:
        """Weighted coverage, then fewer orders disturbed, then fairness, then distance."""
        return (
            round(self.summary.weighted_coverage_on_time, 9),
            -self.counts.disturbed,
            round(self.summary.min_area_coverage, 9),
            -round(self.summary.distance_km, 3),
        )


def replan(
    scenario: Scenario,
    plan: Plan,
    events: Events | Mapping[str, Any],
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
) -> Plan:
    """Revise ``plan`` at the events' ``now_hours`` (contract §6).

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan being carried out.
    events
        The events file: :class:`~supplyopt.model.Events` or its raw data.
    time_limit_s
        Wall-clock budget of the whole revision.
    seed
        Seed of the planner's randomised search.
    progress
        Called with a :class:`~supplyopt.solve.Progress` as stages finish.
    should_stop
        Polled by the planner; when it returns True the best revision so far
        is returned.

    Returns
    -------
    Plan
        The whole operation from T0: under-way trips (fixed stops verbatim,
        remainders revised), orders kept, changed and new trips; KPIs against
        every demand lot; the ``replan`` block.

    Raises
    ------
    EventsError
        When the events are invalid or do not fit the scenario and plan.
    PlanNotSupportedError
        When the plan has stock transfers (not revised yet: docs/replan.md).
    """
    started = time.perf_counter()
    refuse_transfers(plan)
    legs = Legs(apply_events(scenario, _validated(events, scenario, plan)))
    op, state, ledger, revisions = _revised(
        legs,
        plan,
        with_orders=True,
        reassign=True,
        deadline=started + REMAINDER_SHARE * time_limit_s,
    )
    for idx, _ in state.not_started:
        ledger.remove(("order", idx))
    under_way = [r.trip for r in revisions]
    stock = stock_left(state)
    free_residual = residual_scenario(op, ledger, stock)
    free_start = fleet_start(op, under_way)
    why_not: dict[int, str] = {}
    kept = keep_orders(state, legs, ledger, under_way, stock, why_not)
    kept_trips = [trip for _, trip in kept]
    keep_residual = residual_scenario(op, ledger, stock)
    keep_start = fleet_start(op, [*under_way, *kept_trips])

    runs: list[tuple[str, Scenario, Any, list[Trip], dict[int, str]]] = [
        ("keep", keep_residual, keep_start, kept_trips, why_not)
    ]
    if kept and residual_units(keep_residual) > 0:
        runs.append(("free", free_residual, free_start, [], {}))
    elif not kept:
        runs = [("free", free_residual, free_start, [], {})]
    budget = max(PLAN_SHARE * time_limit_s - (time.perf_counter() - started), 0.05)
    candidates: list[_Candidate] = []
    overrun = 0.0
    for pos, (name, residual, start, later, why) in enumerate(runs):
        if pos and should_stop is not None and should_stop():
            break
        share = budget / (len(runs) - pos) - overrun
        begun = time.perf_counter()
        planned = _plan_residual(
            residual,
            start,
            legs,
            max(share, 0.05),
            seed,
            _scaled(progress, pos, len(runs), started),
            should_stop,
        )
        took = time.perf_counter() - begun
        budget -= took
        # The planner explains what is unmet after its clock stops: leave that much for the next.
        overrun = max(overrun, took - share) if planned is not None else overrun
        candidates.append(_Candidate(name, [*later, *_fresh(planned)], why, planned))
    for cand in candidates:
        _score(cand, op, state, revisions)
    best = max(candidates, key=lambda c: c.rank())
    notes = _notes(state, revisions, best, candidates)
    revised = _assemble(op, state, legs, best, notes, started, seed=seed, time_limit_s=time_limit_s)
    if any(not r.searched for r in revisions):
        revised.summary.time_limited = True
    # Never worse than carrying on: a re-plan cut short, or a residual heuristic that
    # lost what the orders already gave, must not leave the operation worse off.
    carried = _carry(legs, plan, started)
    if _rank(carried) > _rank(revised):
        carried.notes.append(
            "re-planning found nothing better than carrying on with the plan "
            f"(weighted coverage {revised.summary.weighted_coverage_on_time:.3f} against "
            f"{carried.summary.weighted_coverage_on_time:.3f}): the plan carried on is kept"
        )
        carried.seed, carried.time_limit_s = seed, time_limit_s
        carried.summary.time_limited = revised.summary.time_limited
        return carried
    return revised


def _rank(plan: Plan) -> tuple[float, int, float, float]:
    """The order :class:`_Candidate` ranks by, read off an assembled revision."""
    block = plan.replan
    disturbed = block.changed + block.cancelled if block is not None else 0
    return (
        round(plan.summary.weighted_coverage_on_time, 9),
        -disturbed,
        round(plan.summary.min_area_coverage, 9),
        -round(plan.summary.distance_km, 3),
    )


def carry_on(scenario: Scenario, plan: Plan, events: Events | Mapping[str, Any]) -> Plan:
    """The plan carried on after the events, nothing new planned (the "do nothing" revision).

    Under-way trips keep their planned remaining stops, retimed on the
    roads of each leg's start (a stop no road reaches is dropped; a vehicle
    down stops there, its load lost); orders not started go ahead where they
    still can (see :mod:`supplyopt.replan.carry`). Same plan file and
    ``replan`` block as :func:`replan`. A plan with stock transfers raises
    :class:`~supplyopt.model.PlanNotSupportedError`, as for :func:`replan`.
    """
    started = time.perf_counter()
    refuse_transfers(plan)
    legs = Legs(apply_events(scenario, _validated(events, scenario, plan)))
    return _carry(legs, plan, started)


def _carry(legs: Legs, plan: Plan, started: float) -> Plan:
    """:func:`carry_on` on events already applied (``legs``)."""
    op, state, ledger, revisions = _revised(legs, plan, with_orders=False, reassign=False)
    under_way = [r.trip for r in revisions]
    why_not: dict[int, str] = {}
    carried = carry_orders(state, legs, ledger, under_way, stock_left(state), why_not)
    cand = _Candidate("carry", [trip for _, trip in carried], why_not, None)
    _score(cand, op, state, revisions)
    notes = [*_notes(state, revisions, cand, [cand])]
    return _assemble(op, state, legs, cand, notes, started, seed=None, time_limit_s=None)


def _validated(events: Events | Mapping[str, Any], scenario: Scenario, plan: Plan) -> Events:
    """The events checked against the scenario and the plan (``EventsError`` if not)."""
    if isinstance(events, Events):
        problems = event_problems(events, scenario, plan)
        if problems:
            raise EventsError(problems)
        return events
    return parse_events(events, scenario, plan)


def _revised(
    legs: Legs, plan: Plan, *, with_orders: bool, reassign: bool, deadline: float | None = None
) -> tuple[Operation, State, Ledger, list[Revision]]:
    """The state at now and the under-way trips revised, strandings taken into account.

    A truck stranded on an under-way trip (no road back) starts no later
    trip: its later trips that the plan had loading before now never
    started, so the trips are sorted again until no stranding changes that.
    Past ``deadline`` (``time.perf_counter()``) the trucks left keep their
    planned stops, retimed. The operation returned counts a stranded vehicle as withdrawn from the
    moment it is stranded (it is not used again).
    """
    stranded: dict[str, float] = {}
    for _ in range(MAX_PASSES):
        op = _with_stranded(legs.op, stranded)
        state = classify(op, plan, stranded)
        ledger = _ledger(state, with_orders=with_orders)
        revisions = revise_remainders(state, legs, ledger, reassign=reassign, deadline=deadline)
        merged = dict(stranded)
        for r in revisions:
            if r.stranded_hours is not None:
                merged[r.trip.vehicle] = min(r.stranded_hours, merged.get(r.trip.vehicle, math.inf))
        if merged == stranded:
            break
        stranded = merged
    return op, state, ledger, revisions


def _with_stranded(op: Operation, stranded: Mapping[str, float]) -> Operation:
    """The operation with stranded vehicles starting no trip from when they are stranded."""
    if not stranded:
        return op
    retired = dict(op.retired)
    for vehicle, hours in stranded.items():
        retired[vehicle] = min(hours, retired.get(vehicle, math.inf))
    return dataclasses.replace(op, retired=retired)


def _ledger(state: State, *, with_orders: bool) -> Ledger:
    """The fixed stops, the planned remainders and (optionally) the orders not started."""
    ledger = Ledger(state.op.changed)
    for under_way in state.under_way:
        ledger.add(("fixed", under_way.index), stop_deliveries(under_way.fixed))
        ledger.add(revision_tag(under_way), stop_deliveries(under_way.remainder))
    if with_orders:
        for idx, trip in state.not_started:
            ledger.add(("order", idx), stop_deliveries(trip.stops))
    return ledger


def _plan_residual(
    residual: Scenario,
    start: Any,
    legs: Legs,
    time_limit_s: float,
    seed: int,
    progress: ProgressCallback | None,
    should_stop: StopCallback | None,
) -> Plan | None:
    """New trips for the residual scenario, or ``None`` when nothing is left to plan."""
    if residual_units(residual) == 0 or not start.vehicles:
        return None
    return plan_relief(
        residual,
        time_limit_s=time_limit_s,
        seed=seed,
        progress=progress,
        should_stop=should_stop,
        start=start,
        travel=_travel_for(residual, legs),
    )


def _travel_for(residual: Scenario, legs: Legs) -> TravelTimes | None:
    """The matrices legs starting at now are timed on, when the planner would build the same.

    The residual scenario has the changed scenario's sites and every road
    event (all known by now). A road network is searched up to the
    deadline only: when a residual lot is due later, the planner builds its
    own matrices searched that far.
    """
    travel = legs.travel_at(legs.op.now_hours)
    later = any(lot.due_hours > residual.deadline_hours for a in residual.areas for lot in a.lots)
    return travel if travel.horizon_h is None or not later else None


def _fresh(planned: Plan | None) -> list[Trip]:
    return list(planned.trips) if planned is not None else []


def _scaled(
    progress: ProgressCallback | None, pos: int, runs: int, started: float
) -> ProgressCallback | None:
    """Progress of run ``pos`` of ``runs``, as a share of the whole revision."""
    if progress is None:
        return None
    callback = progress

    def report(update: Progress) -> None:
        callback(
            Progress(
                update.stage,
                (pos + update.fraction) / runs,
                update.message,
                time.perf_counter() - started,
            )
        )

    return report


def _score(cand: _Candidate, op: Operation, state: State, revisions: list[Revision]) -> None:
    """Fill in the candidate's trips, counts and summary."""
    cand.trips = _sorted([*(r.trip for r in revisions), *cand.later])
    added = [e.area.id for e in op.events.events if isinstance(e, AddArea)]
    cand.counts = count_changes(
        state, revisions, cand.later, why_not_kept=cand.why_not, added_areas=added
    )
    cand.summary = summarize(op.changed, cand.trips)


def _reasons(op: Operation, state: State, legs: Legs, best: _Candidate) -> Reasons:
    """The reasons the state at now bears out, for the winner's trips."""
    under_way = {id(trip) for trip in _under_way_trips(best)}
    frozen = {idx for idx, trip in enumerate(best.trips) if id(trip) in under_way}
    return Reasons(op, legs, stock_left(state), best.trips, frozen)


def _under_way_trips(cand: _Candidate) -> list[Trip]:
    later = {id(trip) for trip in cand.later}
    return [trip for trip in cand.trips if id(trip) not in later]


def _sorted(trips: list[Trip]) -> list[Trip]:
    def number(vehicle: str) -> int:
        tail = vehicle.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    return sorted(
        trips, key=lambda t: (t.load_start_hours, t.warehouse, t.vehicle_type, number(t.vehicle))
    )


def _notes(
    state: State, revisions: list[Revision], best: _Candidate, candidates: list[_Candidate]
) -> list[str]:
    """What happened, in a few readable lines."""
    notes: list[str] = []
    now = state.now_hours
    if revisions:
        same = sum(1 for r in revisions if r.kind is None)
        notes.append(
            f"{len(revisions)} trips under way at {now:g} h: {same} kept as planned, "
            f"{len(revisions) - same} revised"
        )
        unsearched = sum(1 for r in revisions if not r.searched)
        if unsearched:
            notes.append(
                f"cut short (time limit): {unsearched} trips under way keep their planned "
                "stops, retimed, without looking for better ones"
            )
    for r in revisions:
        if r.kind == "down":
            lost = ", ".join(f"{q} {i}" for i, q in r.under_way.carried.items()) or "nothing"
            notes.append(f"{r.trip.vehicle} down at {r.under_way.down_hours:.1f} h: {lost} lost")
    void = list(state.cancelled)
    if void:
        notes.append(
            f"{len(void)} trips can no longer start ({void[0].why}"
            + (", …)" if len(void) > 1 else ")")
        )
    counts = best.counts
    if best.name == "carry":
        notes.append(
            "carried on: orders not started go ahead where they still can; nothing new planned"
        )
    elif best.name == "keep":
        n_kept = sum(1 for _ in best.later) - len(_fresh(best.residual))
        notes.append(
            f"{n_kept} of {len(state.not_started)} orders not started kept verbatim; "
            f"{len(_fresh(best.residual))} trips planned for what is left"
        )
    else:
        other = next((c for c in candidates if c.name == "keep"), None)
        why = (
            f" (weighted coverage {best.summary.weighted_coverage_on_time:.3f} against "
            f"{other.summary.weighted_coverage_on_time:.3f} keeping the orders that still work)"
            if other is not None
            else ""
        )
        notes.append(f"every order not started was planned again{why}")
    notes.append(
        f"trips: {counts.kept} kept, {counts.changed} changed, {counts.cancelled} cancelled, "
        f"{counts.new} new"
    )
    if best.residual is not None:
        notes += [f"new trips: {note}" for note in best.residual.notes]
    return notes


def _assemble(
    op: Operation,
    state: State,
    legs: Legs,
    best: _Candidate,
    notes: list[str],
    started: float,
    *,
    seed: int | None,
    time_limit_s: float | None,
) -> Plan:
    explained: list[Unmet] = list(best.residual.unmet) if best.residual is not None else []
    carry = best.name == "carry"
    reasons = _reasons(op, state, legs, best)
    unmet = operation_unmet(
        op,
        best.trips,
        explained,
        reasons=reasons,
        fallback_detail=(
            "carried on without re-planning" if carry else "left short by the trips already decided"
        ),
    )
    unmet = refute_fleet(op.changed, best.trips, unmet, exclude=reasons.frozen)
    counts = best.counts
    block = Replan(
        now_hours=op.now_hours,
        lots=[
            LotEntry(area=lot.area, item=lot.item, quantity=lot.quantity, due_hours=lot.due_hours)
            for lot in op.lots()
        ],
        kept=counts.kept,
        changed=counts.changed,
        cancelled=counts.cancelled,
        new=counts.new,
        changes=counts.changes,
    )
    extra: dict[str, Any] = {"notes": notes, "replan": block}
    if seed is not None:
        extra["seed"] = seed
    if time_limit_s is not None:
        extra["time_limit_s"] = time_limit_s
    plan = assemble_plan(
        op.changed,
        best.trips,
        unmet,
        solve_seconds=round(time.perf_counter() - started, 3),
        **extra,
    )
    if best.residual is not None and best.residual.summary.time_limited:
        plan.summary.time_limited = True

    return plan
