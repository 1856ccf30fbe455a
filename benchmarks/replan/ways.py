"""The three ways through an operation's events, and how each is scored.

1. *carry on*: the first plan as given, less what the events made
   impossible (``supplyopt.carry_on``);
2. *re-plan*: at each event time, ``supplyopt.replan`` from the plan then in
   force with every event known so far; the revision is the next step's
   previous plan, and the last one is the operation's plan;
3. *hindsight*: ``plan_relief`` on the operation's changed scenario, every
   event known at T0 (an upper reference no dispatcher can reach).

Each is scored on the final operation (every event known): the weighted
on-time coverage over all demand lots, ``summarize(operation.changed,
trips)``. Every revision goes through ``check_revision`` and the
hindsight plan through ``check_plan``.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import supplyopt
from supplyopt.check_revision import check_revision
from supplyopt.model import Operation, Plan, Scenario, Trip, apply_events, parse_events, summarize

from .events import cap_losses, event_times, events_file

#: Times within this (hours) are the same time.
TIME_TOL_H = 1e-6


@dataclass
class Step:
    """One re-plan of way (2)."""

    now_hours: float
    plan: Plan
    seconds: float
    kept: int
    changed: int
    cancelled: int
    new: int
    violations: list[str] = field(default_factory=list)
    #: Stock losses capped at what the plan in force left (``events.cap_losses``).
    capped_losses: int = 0


@dataclass
class Rolling:
    """Way (2): the revisions in order; the last one is the operation's plan."""

    plan: Plan
    steps: list[Step]


def library(name: str) -> Callable[..., Any]:
    """``supplyopt.<name>``, looked up when called (re-planning may land after this module)."""
    module = importlib.import_module("supplyopt")
    found = getattr(module, name, None)
    if not callable(found):  # absent, or only the subpackage of that name
        raise RuntimeError(f"supplyopt.{name} is not available in this version of supplyopt")
    return found  # type: ignore[no-any-return]


def final_operation(scenario: Scenario, plan: Plan, events: list[dict[str, Any]]) -> Operation:
    """The operation once every event is known (now = the last event's time)."""
    data = events_file(events, event_times(events)[-1])
    return apply_events(scenario, parse_events(data, scenario, plan, source="benchmark events"))


def coverage(operation: Operation, plan: Plan) -> float:
    """Weighted on-time coverage of a whole-operation plan over every lot of the operation."""
    return summarize(operation.changed, plan.trips).weighted_coverage_on_time


def carry_on(
    scenario: Scenario, plan: Plan, events: list[dict[str, Any]]
) -> tuple[Plan, list[str]]:
    """Way (1): the first plan carried on through every event, and the checker's verdict."""
    data = events_file(events, event_times(events)[-1])
    carried: Plan = library("carry_on")(scenario, plan, data)
    return carried, revision_problems(scenario, carried, plan, data)


def rolling_replan(
    scenario: Scenario,
    plan: Plan,
    events: list[dict[str, Any]],
    *,
    time_limit_s: float,
    seed: int,
) -> Rolling:
    """Way (2): re-plan at each event time from the plan then in force.

    Every revision is checked against its previous plan and the events known
    then, with ``check_revision`` and with :func:`started_trip_problems`.
    """
    replan = library("replan")
    current = plan
    steps: list[Step] = []
    for now_hours in event_times(events):
        data, capped = cap_losses(events_file(events, now_hours), scenario, current)
        started = time.perf_counter()
        revised: Plan = replan(scenario, current, data, time_limit_s=time_limit_s, seed=seed)
        seconds = time.perf_counter() - started
        block = revised.replan
        problems = revision_problems(scenario, revised, current, data)
        problems += started_trip_problems(current, revised, now_hours)
        if block is None:
            problems.append("the revision has no replan block")
        steps.append(
            Step(
                now_hours=now_hours,
                plan=revised,
                seconds=seconds,
                kept=block.kept if block else 0,
                changed=block.changed if block else 0,
                cancelled=block.cancelled if block else 0,
                new=block.new if block else 0,
                violations=[f"re-plan at {now_hours:g} h: {p}" for p in problems],
                capped_losses=capped,
            )
        )
        current = revised
    return Rolling(plan=current, steps=steps)


def revision_problems(
    scenario: Scenario, new: Plan, previous: Plan, data: dict[str, Any]
) -> list[str]:
    """The independent checker's violations of a revision (``check --previous --events``)."""
    return check_revision(scenario, new, previous, data)


def started_trip_problems(previous: Plan, new: Plan, now_hours: float) -> list[str]:
    """Trips of ``previous`` under way at ``now_hours`` that ``new`` does not keep as started.

    A second, plain check beside the library's checker: each trip that began
    loading before ``now_hours`` must be in ``new`` with the same vehicle,
    warehouse, loading and departure times, its stops that arrived by
    ``now_hours`` exactly as they were, and no more of any item delivered
    than it loaded.
    """
    problems: list[str] = []
    by_start = {(t.vehicle, round(t.load_start_hours, 6)): t for t in new.trips}
    for idx, old in enumerate(previous.trips):
        if old.load_start_hours >= now_hours:
            continue
        where = f"previous trips[{idx}] ({old.vehicle} loading at {old.load_start_hours:g} h)"
        kept = by_start.get((old.vehicle, round(old.load_start_hours, 6)))
        if kept is None:
            problems.append(f"{where}: started but missing from the revision")
            continue
        if (
            kept.warehouse != old.warehouse
            or abs(kept.depart_hours - old.depart_hours) > TIME_TOL_H
        ):
            problems.append(f"{where}: warehouse or departure changed")
        fixed = [s for s in old.stops if s.arrive_hours <= now_hours + TIME_TOL_H]
        if [_stop_key(s) for s in kept.stops[: len(fixed)]] != [_stop_key(s) for s in fixed]:
            problems.append(f"{where}: a stop made by {now_hours:g} h changed")
        over = {item: qty for item, qty in _load(kept).items() if qty > _load(old).get(item, 0)}
        if over:
            problems.append(f"{where}: delivers more than it loaded ({over})")
    return problems


def _stop_key(stop: Any) -> tuple[str, float, tuple[tuple[str, int], ...]]:
    return (stop.area, round(stop.arrive_hours, 6), tuple(sorted(stop.deliver.items())))


def _load(trip: Trip) -> dict[str, int]:
    units: dict[str, int] = {}
    for stop in trip.stops:
        for item, qty in stop.deliver.items():
            units[item] = units.get(item, 0) + qty
    return units


def hindsight_scenario(operation: Operation) -> Scenario:
    """The changed scenario with every vehicle that breaks down or is withdrawn gone from T0.

    Knowing every event at T0 means planning the added demand, the stock and
    the closed roads from the start, and never counting on a vehicle that
    will break down or be withdrawn (its base has one vehicle of its type
    fewer). Warehouses out of action are not generated by this benchmark and
    are refused here.
    """
    if operation.out:
        raise ValueError("hindsight with warehouse_out events is not modelled")
    gone: dict[tuple[str, str], int] = {}
    for vehicle in {*operation.down, *operation.retired}:
        base, type_id, _ = vehicle.split("/")
        gone[base, type_id] = gone.get((base, type_id), 0) + 1
    warehouses = []
    for warehouse in operation.changed.warehouses:
        fleet = {
            type_id: count - gone.get((warehouse.id, type_id), 0)
            for type_id, count in warehouse.fleet.items()
        }
        fleet = {type_id: n for type_id, n in fleet.items() if n > 0}
        warehouses.append(warehouse.model_copy(update={"fleet": fleet}))
    return operation.changed.model_copy(update={"warehouses": warehouses})


def hindsight(operation: Operation, *, time_limit_s: float, seed: int) -> tuple[Plan, list[str]]:
    """Way (3): plan the operation knowing every event at T0, and the checker's verdict."""
    scenario = hindsight_scenario(operation)
    plan = supplyopt.plan_relief(scenario, time_limit_s=time_limit_s, seed=seed)
    return plan, list(supplyopt.check_plan(scenario, plan))


def gap_closed(carry_on: float, replan: float, hindsight: float, *, min_gap: float) -> float | None:
    """Share of the gap between carrying on and hindsight that re-planning closes.

    ``None`` when hindsight beats carrying on by ``min_gap`` or less (no gap
    to speak of). May exceed 1 (hindsight is a plan, not an optimum) or be
    negative.
    """
    gap = hindsight - carry_on
    if gap <= min_gap:
        return None
    return (replan - carry_on) / gap


def mean(values: Sequence[float]) -> float | None:
    """Mean, or ``None`` of nothing."""
    return sum(values) / len(values) if values else None
