"""What planning one sample in full gives: coverage, shortfall by reason, binding resources."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..check import check_plan
from ..model import Plan, Scenario, UnmetReason, apply_disruptions, area_coverage, count_deliveries
from ..network import build_travel_times
from .sampling import Sample

#: (reason, warehouse id or '', item id): what binds, where.
BindingKey = tuple[str, str, str]


@dataclass(frozen=True)
class SampleOutcome:
    """One sample planned in full (plain data: it crosses process and cluster boundaries).

    Attributes
    ----------
    index, kind, centre, radius_km
        The sample (see :class:`~supplyopt.readiness.sampling.Sample`).
    weighted_coverage, min_area_coverage
        The plan's ``weighted_coverage_on_time`` and ``min_area_coverage``
        (both 1.0 when the sample affects nobody).
    area_coverage
        On-time coverage of each affected settlement, by id.
    shortfall
        Units short per reason and item (``shortfall[reason][item]``).
    binding
        Units short per (reason, warehouse, item): the warehouse whose stock
        ran out (``stock``), whose vehicles or bays could not carry what it
        still held (``fleet``, ``not_served``), or the nearest holder too far
        (``deadline``); '' for ``unreachable``.
    violations
        What :func:`supplyopt.check_plan` found wrong with the plan (none expected).
    time_limited
        True when the time limit cut the plan's budgeted search short.
    """

    index: int
    kind: str
    centre: tuple[float, float]
    radius_km: float
    weighted_coverage: float
    min_area_coverage: float
    area_coverage: dict[str, float] = field(default_factory=dict)
    shortfall: dict[str, dict[str, int]] = field(default_factory=dict)
    binding: dict[BindingKey, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    time_limited: bool = False


def nothing_to_plan(sample: Sample) -> SampleOutcome:
    """The outcome of a sample that affects nobody: nothing is needed, all of it is met."""
    return SampleOutcome(sample.index, sample.kind, sample.centre, sample.radius_km, 1.0, 1.0)


def outcome_of(sample: Sample, scenario: Scenario, plan: Plan) -> SampleOutcome:
    """Summarise the full plan of one sample, checked by :func:`supplyopt.check_plan`."""
    scenario = apply_disruptions(scenario)
    on_time = count_deliveries(plan.trips, scenario.deadline_hours).on_time
    shortfall: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in plan.unmet:
        shortfall[entry.reason.value][entry.item] += entry.quantity
    return SampleOutcome(
        index=sample.index,
        kind=sample.kind,
        centre=sample.centre,
        radius_km=sample.radius_km,
        weighted_coverage=plan.summary.weighted_coverage_on_time,
        min_area_coverage=plan.summary.min_area_coverage,
        area_coverage=area_coverage(scenario, on_time),
        shortfall={reason: dict(items) for reason, items in shortfall.items()},
        binding=binding(scenario, plan),
        violations=check_plan(scenario, plan),
        time_limited=bool(plan.summary.time_limited),
    )


def binding(scenario: Scenario, plan: Plan) -> dict[BindingKey, int]:
    """Units short per (reason, warehouse, item), each unmet entry put on one warehouse.

    The warehouse is the one nearest in time to the area (ready + loading +
    fastest drive with a vehicle based there) among those that can reach it
    by the deadline: for ``stock`` the nearest of them, for ``fleet`` and
    ``not_served`` the nearest still holding the item after the plan, for
    ``deadline`` the nearest holder (too far); '' for ``unreachable``.
    """
    if not plan.unmet:
        return {}
    reach = _reach_h(scenario)
    item_idx = {item: idx for idx, item in enumerate(scenario.item_ids)}
    area_idx = {area.id: idx for idx, area in enumerate(scenario.areas)}
    held = _stock(scenario, item_idx)
    left = held - _taken(scenario, plan, item_idx)
    in_time = reach <= scenario.deadline_hours + 1e-9
    out: defaultdict[BindingKey, int] = defaultdict(int)
    for entry in plan.unmet:
        a, i = area_idx[entry.area], item_idx[entry.item]
        order = np.argsort(reach[:, a], kind="stable").tolist()
        reason = entry.reason
        if reason is UnmetReason.UNREACHABLE:
            pick: int | None = None
        elif reason is UnmetReason.DEADLINE:
            pick = next((w for w in order if held[w, i] > 0), order[0])
        elif reason is UnmetReason.STOCK:
            pick = next((w for w in order if in_time[w, a]), order[0])
        else:
            pick = next(
                (w for w in order if in_time[w, a] and left[w, i] > 0),
                next((w for w in order if in_time[w, a]), order[0]),
            )
        wid = "" if pick is None else scenario.warehouses[pick].id
        out[reason.value, wid, entry.item] += entry.quantity
    return dict(out)


def _reach_h(scenario: Scenario) -> np.ndarray:
    """(W, A) earliest arrival from each warehouse with a vehicle based there (inf if none)."""
    travel = build_travel_times(scenario)
    n_w = len(scenario.warehouses)
    reach = np.full((n_w, len(scenario.areas)), np.inf)
    for w, wh in enumerate(scenario.warehouses):
        for type_id, count in wh.fleet.items():
            if count > 0:
                hours = travel.duration_h[type_id][w, n_w:]
                reach[w] = np.minimum(reach[w], wh.ready_hours + wh.loading_hours + hours)
    return reach


def _taken(scenario: Scenario, plan: Plan, item_idx: dict[str, int]) -> np.ndarray:
    wh_idx = {w.id: idx for idx, w in enumerate(scenario.warehouses)}
    taken = np.zeros((len(scenario.warehouses), len(item_idx)), dtype=np.int64)
    for trip in plan.trips:
        for stop in trip.stops:
            for item, qty in stop.deliver.items():
                taken[wh_idx[trip.warehouse], item_idx[item]] += qty
    return taken


def _stock(scenario: Scenario, item_idx: dict[str, int]) -> np.ndarray:
    return np.array(
        [[w.stock.get(i, 0) for i in item_idx] for w in scenario.warehouses], dtype=np.int64
    )
