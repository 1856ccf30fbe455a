"""What a revision changed: trip counts and one readable sentence per vehicle.

Per vehicle, the previous plan's trips against the revised plan's, in
loading order (REPLAN.md): an under-way trip is *kept* when its remainder
is unchanged, else *changed*. The previous trips not under way pair with
the vehicle's revised trips loading at ``now_hours`` or later: identical
ones first (*kept*), the others in order (*changed*); previous trips left
over are *cancelled*, revised ones left over *new*.

``Change.kind`` is the vehicle's main change, the first of ``down``,
``stranded``, ``cancelled``, ``rerouted``, ``reloaded``, ``retimed``, ``new`` that
applies; pages render their own language from it and ``trips``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Change, Stop, Trip
from .remainder import Revision
from .state import State

#: Change kinds, most important first.
KINDS = ("down", "stranded", "cancelled", "rerouted", "reloaded", "retimed", "new")
#: Times within this many hours are the same (contract §2 rounding; the checker's TIME_TOL_H).
SAME_H = 0.0101
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


@dataclass
class Counts:
    """The ``replan`` block's counts and changes."""

    kept: int = 0
    changed: int = 0
    cancelled: int = 0
    new: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def disturbed(self) -> int:
        """Previous trips changed or cancelled (fewer is more stable)."""
        return self.changed + self.cancelled


@dataclass
class _Vehicle:
    parts: list[tuple[str, str, float]] = field(default_factory=list)  # (kind, text, load start)


def count_changes(
    state: State,
    revisions: Sequence[Revision],
    later: Sequence[Trip],
    *,
    why_not_kept: Mapping[int, str] | None = None,
    added_areas: Iterable[str] = (),
) -> Counts:
    """Counts and per-vehicle sentences of a revision.

    Parameters
    ----------
    state
        The previous plan's trips, classified at ``now_hours``.
    revisions
        The under-way trips as revised.
    later
        Every other trip of the revised plan (kept orders and new trips).
    why_not_kept
        Per index in the previous plan, why an order was not kept verbatim.
    added_areas
        Areas the events added (said as "new area").
    """
    counts = Counts()
    why_not_kept = why_not_kept or {}
    added = set(added_areas)
    all_new = sorted([*(r.trip for r in revisions), *later], key=lambda t: t.load_start_hours)
    nth: dict[int, int] = {}
    seen: defaultdict[str, int] = defaultdict(int)
    for trip in all_new:
        nth[id(trip)] = seen[trip.vehicle]
        seen[trip.vehicle] += 1
    vehicles: defaultdict[str, _Vehicle] = defaultdict(_Vehicle)
    for revision in revisions:
        trip = revision.trip
        if revision.kind is None:
            counts.kept += 1
            continue
        counts.changed += 1
        text = _under_way_text(revision, nth[id(trip)], added)
        vehicles[trip.vehicle].parts.append((revision.kind, text, trip.load_start_hours))
    previous: defaultdict[str, list[tuple[int, Trip, str | None]]] = defaultdict(list)
    for cancelled in state.cancelled:
        previous[cancelled.trip.vehicle].append((cancelled.index, cancelled.trip, cancelled.why))
    for idx, trip in state.not_started:
        previous[trip.vehicle].append((idx, trip, why_not_kept.get(idx)))
    fresh: defaultdict[str, list[Trip]] = defaultdict(list)
    for trip in later:
        fresh[trip.vehicle].append(trip)
    for vehicle in sorted(set(previous) | set(fresh)):
        _pair(
            sorted(previous[vehicle], key=lambda p: p[1].load_start_hours),
            sorted(fresh[vehicle], key=lambda t: t.load_start_hours),
            counts,
            vehicles[vehicle],
            nth,
            added,
        )
    for vehicle, record in sorted(vehicles.items()):
        if not record.parts:
            continue
        kinds = {kind for kind, _, _ in record.parts}
        counts.changes.append(
            Change.model_validate(
                {
                    "vehicle": vehicle,
                    "what": "; ".join(text for _, text, _ in record.parts),
                    "kind": next(kind for kind in KINDS if kind in kinds),
                    "trips": sorted({round(t, 4) for _, _, t in record.parts}),
                }
            )
        )
    return counts


def _pair(
    previous: list[tuple[int, Trip, str | None]],
    fresh: list[Trip],
    counts: Counts,
    record: _Vehicle,
    nth: Mapping[int, int],
    added: set[str],
) -> None:
    """Pair one vehicle's previous orders with its revised trips (see the module docstring)."""
    left = list(fresh)
    unmatched: list[tuple[int, Trip, str | None]] = []
    for entry in previous:
        same = next((t for t in left if identical(entry[1], t)), None)
        if same is not None:
            left.remove(same)
            counts.kept += 1
        else:
            unmatched.append(entry)
    for (_, old, why), new in zip(unmatched, left, strict=False):
        counts.changed += 1
        kind = trip_difference(old, new) or "retimed"
        text = _changed_text(old, new, kind, nth[id(new)], added, why)
        record.parts.append((kind, text, new.load_start_hours))
    for _, old, why in unmatched[len(left) :]:
        counts.cancelled += 1
        text = f"cancelled: its {old.load_start_hours:.1f} h trip from {old.warehouse}"
        record.parts.append(
            ("cancelled", text + (f" ({why})" if why else ""), old.load_start_hours)
        )
    for new in left[len(unmatched) :]:
        counts.new += 1
        text = (
            f"new: {_ordinal(nth[id(new)])} trip loads at {new.warehouse} at "
            f"{new.load_start_hours:.1f} h and unloads {_stops_text(new.stops, added)}"
        )
        record.parts.append(("new", text, new.load_start_hours))


def identical(old: Trip, new: Trip) -> bool:
    """Same warehouse, loading, stops and loads, every time within 0.01 h."""
    return (
        old.warehouse == new.warehouse
        and old.vehicle_type == new.vehicle_type
        and trip_difference(old, new) is None
        and abs(old.load_start_hours - new.load_start_hours) <= SAME_H
        and abs(old.depart_hours - new.depart_hours) <= SAME_H
    )


def trip_difference(old: Trip, new: Trip) -> str | None:
    """``rerouted``, ``reloaded``, ``retimed`` or ``None``: how ``new`` differs from ``old``."""
    if old.warehouse != new.warehouse or [s.area for s in old.stops] != [s.area for s in new.stops]:
        return "rerouted"
    if any(
        _units(a.deliver) != _units(b.deliver) for a, b in zip(old.stops, new.stops, strict=True)
    ):
        return "reloaded"
    times = [(a.arrive_hours, b.arrive_hours) for a, b in zip(old.stops, new.stops, strict=True)]
    times += [(old.load_start_hours, new.load_start_hours), (old.return_hours, new.return_hours)]
    if any(abs(a - b) > SAME_H for a, b in times):
        return "retimed"
    return None


def _under_way_text(revision: Revision, nth: int, added: set[str]) -> str:
    old, new = revision.under_way.trip, revision.trip
    trip_name = f"{_ordinal(nth)} trip (on the road from {old.warehouse})"
    if revision.kind == "down":
        down = revision.under_way.down_hours or 0.0
        lost = _units_text(revision.under_way.carried) or "nothing"
        dropped = [s.area for s in old.stops[len(new.stops) :]]
        text = f"broke down at {down:.1f} h during its {trip_name}: {lost} lost"
        return text + (f"; stops at {', '.join(dropped)} dropped" if dropped else "")
    fixed = len(revision.under_way.fixed)
    was, now = old.stops[fixed:], new.stops[fixed:]
    if revision.kind == "stranded":
        lost = _units_text((new.model_extra or {}).get("lost", {})) or "nothing"
        place = new.stops[-1].area if new.stops else old.warehouse
        text = (
            f"stranded at {place} from {revision.stranded_hours or 0.0:.2f} h during its "
            f"{trip_name}: no road back to {old.warehouse}; {lost} stays aboard"
        )
        if now:
            text += f"; unloads {_stops_text(now, added)} first"
        dropped = [s.area for s in was if s.area not in {x.area for x in now}]
        return text + (f"; stops at {', '.join(dropped)} dropped" if dropped else "")
    return _change_sentence(trip_name, was, now, revision.kind or "retimed", added, old, new)


def _changed_text(
    old: Trip, new: Trip, kind: str, nth: int, added: set[str], why: str | None
) -> str:
    trip_name = f"{_ordinal(nth)} trip ({new.load_start_hours:.1f} h from {new.warehouse})"
    text = _change_sentence(trip_name, old.stops, new.stops, kind, added, old, new)
    return text + (f" ({why})" if why else "")


def _change_sentence(
    trip_name: str,
    was: Sequence[Stop],
    now: Sequence[Stop],
    kind: str,
    added: set[str],
    old: Trip,
    new: Trip,
) -> str:
    if kind == "rerouted":
        if not now:
            return f"{trip_name} now makes no further stop (was: {_areas(was)}); returns {new.return_hours:.2f} h"
        text = f"{trip_name} now unloads {_stops_text(now, added)}"
        gone = [s.area for s in was if s.area not in {x.area for x in now}]
        if gone:
            text += f" instead of {', '.join(gone)}"
        elif old.warehouse != new.warehouse:
            text += f" (loading at {new.warehouse} instead of {old.warehouse})"
        else:
            text += " (new order of stops)"
        return text
    if kind == "reloaded":
        return f"{trip_name} now unloads {_stops_text(now, added)} (was {_stops_text(was, added)})"
    moved = [
        (a, b)
        for a, b in zip(was, now, strict=False)
        if abs(a.arrive_hours - b.arrive_hours) > SAME_H
    ]
    if moved:
        a, b = moved[0]
        return (
            f"{trip_name} now arrives at {b.area} at {b.arrive_hours:.2f} h "
            f"(was {a.arrive_hours:.2f} h)"
        )
    return f"{trip_name} now returns at {new.return_hours:.2f} h (was {old.return_hours:.2f} h)"


def _stops_text(stops: Sequence[Stop], added: set[str]) -> str:
    return "; ".join(
        f"{_units_text(s.deliver)} at {s.area}{' (new area)' if s.area in added else ''}, "
        f"arriving {s.arrive_hours:.2f} h"
        if _units(s.deliver)
        else f"nothing at {s.area}, driving back through it at {s.arrive_hours:.2f} h (road closed)"
        for s in stops
    )


def _areas(stops: Sequence[Stop]) -> str:
    return ", ".join(s.area for s in stops)


def _units_text(units: Mapping[str, int]) -> str:
    return ", ".join(f"{qty} {item}" for item, qty in units.items() if qty > 0)


def _units(deliver: Mapping[str, int]) -> dict[str, int]:
    return {item: qty for item, qty in deliver.items() if qty > 0}


def _ordinal(nth: int) -> str:
    return _ORDINALS[nth] if nth < len(_ORDINALS) else f"{nth + 1}th"
