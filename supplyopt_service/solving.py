"""What a plan job solves, and the library functions that solve it.

A claimed job becomes a :class:`Work`: its scenario (with the live stock when
it uses the inventory), time limit and seed; for a revision also the plan it
revises and the events. :func:`solve_with_library` and
:func:`replan_with_library` run the library on it; tests pass their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from supplyopt.model import Plan, Scenario, ScenarioError, parse_scenario

from .core.settings import get_settings
from .core.tables import PlanJobRow
from .inventory import available_stock
from .leases import fail_at_start
from .revisions import revision_inputs, with_stock

ProgressFn = Callable[[float, str], None]
StopFn = Callable[[], bool]
#: Solves a scenario: (scenario, time_limit_s, seed, progress, should_stop) → plan file data.
SolveFn = Callable[[Scenario, float, int, ProgressFn, StopFn], dict[str, Any]]
#: Revises a plan: (scenario, previous plan, events file, time_limit_s, seed, progress,
#: should_stop) → plan file data.
ReplanFn = Callable[
    [Scenario, Plan, dict[str, Any], float, int, ProgressFn, StopFn], dict[str, Any]
]


def solve_with_library(
    scenario: Scenario, time_limit_s: float, seed: int, progress: ProgressFn, should_stop: StopFn
) -> dict[str, Any]:
    """Solve with :func:`supplyopt.plan_relief`; returns the plan file as data.

    Stock transfers only where the service is set to allow them
    (``SUPPLYOPT_PLAN_TRANSFERS``), read when the job runs.
    """
    from supplyopt import Progress, plan_relief

    def report(update: Progress) -> None:
        progress(update.fraction, update.message)

    plan = plan_relief(
        scenario,
        time_limit_s=time_limit_s,
        seed=seed,
        progress=report,
        should_stop=should_stop,
        transfers=get_settings().plan_transfers,
    )
    return plan.model_dump(mode="json", exclude_none=True)


def replan_with_library(
    scenario: Scenario,
    previous: Plan,
    events: dict[str, Any],
    time_limit_s: float,
    seed: int,
    progress: ProgressFn,
    should_stop: StopFn,
) -> dict[str, Any]:
    """Revise ``previous`` with :func:`supplyopt.replan`; returns the plan file as data."""
    from supplyopt import Progress, replan

    def report(update: Progress) -> None:
        progress(update.fraction, update.message)

    plan = replan(
        scenario,
        previous,
        events,
        time_limit_s=time_limit_s,
        seed=seed,
        progress=report,
        should_stop=should_stop,
    )
    return plan.model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class Work:
    """What a started job solves: a scenario; for a revision, also the plan and events."""

    scenario: Scenario
    time_limit_s: float
    seed: int
    previous: Plan | None = None
    events: dict[str, Any] | None = None
    previous_id: str | None = None
    #: Notes added to the plan (e.g. items the live inventory lacks).
    notes: tuple[str, ...] = ()

    def run(
        self, solve: SolveFn, replan: ReplanFn, progress: ProgressFn, should_stop: StopFn
    ) -> dict[str, Any]:
        """Solve (or revise) with the given functions; returns the plan file data."""
        if self.previous is None or self.events is None:
            plan = solve(self.scenario, self.time_limit_s, self.seed, progress, should_stop)
            if self.notes:
                plan = {**plan, "notes": [*plan.get("notes", []), *self.notes]}
            return plan
        plan = replan(
            self.scenario,
            self.previous,
            self.events,
            self.time_limit_s,
            self.seed,
            progress,
            should_stop,
        )
        block = plan.get("replan")
        if self.previous_id is not None and isinstance(block, dict):
            plan = {**plan, "replan": {**block, "previous": self.previous_id}}
        return plan


def start_work(session: Session, job: PlanJobRow) -> Work | None:
    """Return what a just-claimed job solves; or fail the job (and return None).

    Called in the claiming transaction: the live stock a job uses is read
    there, and recorded in ``inventory_used``.
    """
    if job.previous_id is not None:
        # The previous job is done (checked when queued) and a done job never changes.
        previous = session.get(PlanJobRow, job.previous_id)
        assert previous is not None  # a foreign key, and jobs are never deleted
        scenario, plan = revision_inputs(previous)
        events = dict(job.events or {})
        return Work(scenario, job.time_limit_s, job.seed, plan, events, previous.id)
    data = dict(job.scenario)
    notes: tuple[str, ...] = ()
    if job.use_inventory:
        live = live_stock(session, data)
        data, job.inventory_used = live.data, live.used
        notes = live.notes()
    try:
        scenario = parse_scenario(data)
    except ScenarioError as err:
        # Live stock can make a valid submitted scenario invalid: say where.
        fail_at_start(job, f"with live inventory: {err}")
        return None
    return Work(scenario, job.time_limit_s, job.seed, notes=notes)


@dataclass(frozen=True)
class LiveStock:
    """A scenario planned with the live inventory: the stock it uses and what the service lacks.

    Attributes
    ----------
    data
        The scenario data, its service warehouses holding their available stock.
    used
        ``{warehouse: {item: units}}`` for every scenario warehouse in the
        service: the available units planned with (items never held: 0).
    not_held
        ``{warehouse: {item: units in the file}}``: scenario stock (> 0) of
        items the service warehouse has never held; planned with 0.
    """

    data: dict[str, Any]
    used: dict[str, dict[str, int]]
    not_held: dict[str, dict[str, int]]

    def notes(self) -> tuple[str, ...]:
        """One plan note per warehouse planned with 0 of items its file stock lists."""
        return tuple(
            f"live inventory: {warehouse_id} has never held "
            + ", ".join(f"{item} (the scenario says {units})" for item, units in items.items())
            + "; planned with 0"
            for warehouse_id, items in sorted(self.not_held.items())
        )


def live_stock(session: Session, data: dict[str, Any]) -> LiveStock:
    """The scenario with service warehouses' available stock (read now), and that stock."""
    item_ids = [item["id"] for item in data["items"]]
    live = available_stock(session, [w["id"] for w in data["warehouses"]])
    used = {
        warehouse_id: {i: max(stock.get(i, 0), 0) for i in item_ids}
        for warehouse_id, stock in live.items()
    }
    not_held: dict[str, dict[str, int]] = {}
    for w in data["warehouses"]:
        held = live.get(w["id"])
        if held is None:
            continue
        lacking = {i: int(q) for i, q in (w.get("stock") or {}).items() if q > 0 and i not in held}
        if lacking:
            not_held[w["id"]] = lacking
    return LiveStock(with_stock(data, used), used, not_held)
