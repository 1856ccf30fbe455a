"""What the whole operation leaves short, and why.

Per (area, item): the demand less the units filling a lot on time. Units of
lots due by ``now_hours`` that nothing filled are short for the
``deadline`` (no new trip reaches them in time); the rest take the reasons
the residual plan gave for that (area, item); when it gave none (or when
nothing new was planned), ``stock`` or ``unreachable`` when one of them
binds, else ``not_served``. Every reason is then held against the state at
now as the checker reads it (:class:`~supplyopt.replan.reasons.Reasons`):
one it does not bear out becomes ``stock`` or ``not_served``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model import Operation, Trip, Unmet, UnmetReason, demand_lots, fill_lots
from .reasons import Reasons

_DETAILS = {
    UnmetReason.STOCK: "the stock that could reach it in time is taken by other deliveries",
    UnmetReason.UNREACHABLE: "no road from a warehouse holding it",
    UnmetReason.NOT_SERVED: "left short by the trips already decided",
}


def operation_unmet(
    op: Operation,
    trips: Sequence[Trip],
    explained: Sequence[Unmet],
    *,
    reasons: Reasons,
    fallback_detail: str | None = None,
) -> list[Unmet]:
    """The ``unmet`` list of a revised plan (see the module docstring).

    ``reasons.binding(area, item)`` says ``stock`` when no usable warehouse
    has a unit of the item left, ``unreachable`` when none of those that do
    has a road to the area, else ``None``; it overrules a residual plan's
    ``unreachable`` (the residual plan sees only the stock it may still use).
    """
    binding = reasons.binding
    fill = fill_lots(op.changed, trips)
    passed: defaultdict[tuple[str, str], int] = defaultdict(int)
    for lot in demand_lots(op.changed):
        if lot.due_hours <= op.now_hours:
            passed[lot.area, lot.item] += lot.quantity - fill.filled.get(lot, 0)
    said: defaultdict[tuple[str, str], list[Unmet]] = defaultdict(list)
    for entry in explained:
        said[entry.area, entry.item].append(entry)
    unmet: list[Unmet] = []
    for area in op.changed.areas:
        for item, need in area.demand.items():
            key = (area.id, item)
            short = need - min(fill.on_time.get(key, 0), need)
            if short <= 0:
                continue
            late = min(short, passed.get(key, 0))
            if late:
                unmet.append(
                    Unmet(
                        area=area.id,
                        item=item,
                        quantity=late,
                        reason=UnmetReason.DEADLINE,
                        detail=f"due by {op.now_hours:g} h, before the re-plan, and not delivered by then",
                    )
                )
            rest = short - late
            bound = binding(area.id, item)
            for entry in said.get(key, []):
                take = min(rest, entry.quantity)
                if take > 0:
                    if entry.reason is UnmetReason.UNREACHABLE and bound is None:
                        entry = entry.model_copy(
                            update={
                                "reason": UnmetReason.STOCK,
                                "detail": "the stock that could reach it is taken by trips under way or kept",
                            }
                        )
                    unmet.append(entry.model_copy(update={"quantity": take}))
                    rest -= take
            if rest > 0:
                if said.get(key):
                    reason, detail = said[key][0].reason, said[key][0].detail
                elif bound is UnmetReason.STOCK:
                    reason, detail = bound, "no usable warehouse has any left"
                elif bound is UnmetReason.UNREACHABLE:
                    reason, detail = bound, "no road from a warehouse holding it"
                else:
                    reason, detail = UnmetReason.NOT_SERVED, fallback_detail
                unmet.append(
                    Unmet(area=area.id, item=item, quantity=rest, reason=reason, detail=detail)
                )
    return _merged([_borne_out(entry, reasons) for entry in unmet])


def _borne_out(entry: Unmet, reasons: Reasons) -> Unmet:
    """The entry, or the same units with the reason the state at now bears out."""
    if reasons.allows(entry.area, entry.item, entry.reason):
        return entry
    reason = reasons.fallback(entry.area, entry.item)
    return entry.model_copy(update={"reason": reason, "detail": _DETAILS.get(reason)})


def _merged(unmet: list[Unmet]) -> list[Unmet]:
    """Entries of the same (area, item, reason, detail) as one."""
    merged: dict[tuple[str, str, str, str | None], Unmet] = {}
    for entry in unmet:
        key = (entry.area, entry.item, entry.reason.value, entry.detail)
        if key in merged:
            merged[key].quantity += entry.quantity
        else:
            merged[key] = entry.model_copy()
    return list(merged.values())
