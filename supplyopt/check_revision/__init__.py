"""Independent check of a revised plan (contract §6): ``check --previous --events``.

A revision must not undo what was under way at ``now_hours`` (the trips that
had started loading, their stops reached by then, their loads), must respect
what happened (vehicles down, warehouses out, vehicles withdrawn, roads
closed from a moment on) and must satisfy every rule of contract §2 under
the changed scenario, each leg on the roads of the moment it starts. Its
KPIs are recounted against the demand lots by the checker's own count
(:mod:`supplyopt._check_kpis`), and its ``replan`` block against a recount.

The events are applied by :func:`supplyopt.model.apply_events`, the one
reading of what they change; nothing here uses the re-planner's own
bookkeeping.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .._check_kpis import due_lots
from ..check import Rules, check_rules, scenario_mismatch
from ..model import Events, Operation, Plan, Scenario, apply_events, parse_events
from ._block import block_problems, recount_changes, same_trip
from ._roads import TimedRoads
from ._stranded import stranded_problems, strandings
from ._timed import down_mark, timed_problems
from ._underway import UnderWay, frozen_extra, load_of, under_way, under_way_problems

__all__ = ["UnderWay", "check_revision", "recount_changes", "same_trip", "under_way"]


def check_revision(
    scenario: Scenario, new: Plan, previous: Plan, events: Events | Mapping[str, Any]
) -> list[str]:
    """List every way a revised plan breaks contract §6 or §2.

    Parameters
    ----------
    scenario
        The original scenario (the one ``previous`` was made for).
    new
        The revised plan to verify.
    previous
        The plan that was being carried out.
    events
        The events file, validated (:class:`~supplyopt.model.Events`) or as
        plain data (validated here).

    Returns
    -------
    list[str]
        One located message per violation (``trips[3].stops[0]: …``,
        ``previous trips[2]: …`` for the previous plan's trips); empty when
        the revision is valid. When either plan names another scenario or
        ids it lacks, only those mismatches; when either has a stock
        transfer, only that (revisions of such plans are not supported).

    Raises
    ------
    EventsError
        When ``events`` is plain data that is invalid for this scenario and plan.
    """
    refused = _transfers(previous, "previous ") + _transfers(new, "")
    if refused:  # revisions of plans with stock transfers are not supported (docs/replan.md)
        return refused
    if not isinstance(events, Events):
        events = parse_events(events, scenario, previous)
    operation = apply_events(scenario, events)
    changed = operation.changed
    # A previous revision may already serve areas the events added.
    mismatch = [f"previous plan: {m}" for m in scenario_mismatch(changed, previous)]
    if mismatch:
        return mismatch
    mismatch = scenario_mismatch(changed, new)
    if mismatch:
        return mismatch
    roads = TimedRoads(operation)
    found = strandings(operation, new, roads)
    stranded = {v: c.hours for v, c in found.items() if c.problem is None}
    trips = under_way(operation, previous, new, stranded)
    frozen = frozenset(e.new_idx for e in trips if e.new_idx is not None)
    rules = Rules(
        leg_at=roads.at,
        now=roads.at(operation.now_hours),
        fixed_legs=frozenset(
            (e.new_idx, s_idx) for e in trips if e.new_idx is not None for s_idx in range(e.fixed)
        ),
        before=roads.before_events(),
        no_return=frozenset(
            idx
            for idx, trip in enumerate(new.trips)
            if down_mark(trip) is not None and trip.vehicle in operation.down
        )
        | {c.trip_idx for c in found.values() if c.problem is None},
        taken=frozen_extra(new, trips),
        frozen=frozen,
        earliest_load_h=operation.now_hours,
        reasons=_what_is_left(operation, trips, stranded),
    )
    problems = under_way_problems(operation, new, trips)
    problems += stranded_problems(new, found)
    problems += timed_problems(operation, new, frozen)
    problems += check_rules(changed, new, rules)
    problems += block_problems(operation, previous, new, due_lots(changed), trips)
    return problems


def _transfers(plan: Plan, prefix: str) -> list[str]:
    """The first stock transfer of ``plan``, which a revision check does not support."""
    for idx, trip in enumerate(plan.trips):
        if trip.transfer is not None:
            return [
                f"{prefix}trips[{idx}].transfer: revisions of plans with stock transfers "
                "between warehouses are not supported (docs/replan.md)"
            ]
    return []


def _what_is_left(
    operation: Operation, trips: list[UnderWay], stranded: Mapping[str, float]
) -> Scenario:
    """The changed scenario as left for new trips: what ``unmet`` reasons are judged against.

    Stock less the under-way loads; warehouses out of action hold nothing and
    base no vehicle; vehicles down, withdrawn or stranded are not in their fleets.
    """
    loaded: Counter[tuple[str, str]] = Counter()
    for entry in trips:
        for item_id, qty in load_of(entry.trip).items():
            loaded[entry.trip.warehouse, item_id] += qty
    gone: Counter[tuple[str, str]] = Counter(
        (vehicle.split("/")[0], vehicle.split("/")[1])
        for vehicle in {*operation.down, *operation.retired, *stranded}
        if vehicle.count("/") == 2
    )
    warehouses = []
    for w in operation.changed.warehouses:
        if w.id in operation.out:
            warehouses.append(w.model_copy(update={"stock": {}, "fleet": {}}))
            continue
        stock = {i: max(0, q - loaded[w.id, i]) for i, q in w.stock.items()}
        fleet = {t: max(0, n - gone[w.id, t]) for t, n in w.fleet.items()}
        warehouses.append(w.model_copy(update={"stock": stock, "fleet": fleet}))
    return operation.changed.model_copy(update={"warehouses": warehouses})
