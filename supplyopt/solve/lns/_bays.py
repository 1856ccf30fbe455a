"""Loading bays shared by every vehicle of a warehouse: when can the next loading start."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort

from ..instance import Instance

#: Loadings closer than this are taken as back to back, not overlapping (hours).
EPS_H = 1e-7


class BayBook:
    """The loading starts booked at each warehouse, and the earliest free slot.

    A loading at ``w`` occupies one bay for ``load_h[w]`` hours from its
    start; at most ``bays[w]`` overlap (contract §2). Warehouses with
    unlimited bays or no loading time never make a vehicle wait.
    """

    def __init__(self, inst: Instance, starts: list[list[float]] | None = None) -> None:
        self.bays = inst.bays
        self.load_h = [float(x) for x in inst.load_h]
        self.starts = starts if starts is not None else [[] for _ in inst.bays]

    def copy(self) -> BayBook:
        """An independent copy of the bookings."""
        book = BayBook.__new__(BayBook)
        book.bays, book.load_h = self.bays, self.load_h
        book.starts = [list(s) for s in self.starts]
        return book

    def add(self, w: int, start_h: float) -> None:
        """Book a loading at ``w`` from ``start_h``."""
        insort(self.starts[w], start_h)

    def remove(self, w: int, start_h: float) -> None:
        """Free the loading booked at ``w`` from ``start_h``."""
        starts = self.starts[w]
        pos = bisect_left(starts, start_h)
        if pos < len(starts) and starts[pos] == start_h:
            del starts[pos]

    def earliest(self, w: int, from_h: float) -> float:
        """The earliest loading start at ``w`` at or after ``from_h`` with a bay free throughout."""
        n_bays, load_h = self.bays[w], self.load_h[w]
        if n_bays is None or load_h <= 0:
            return from_h
        starts = self.starts[w]
        candidates = [from_h] + [x + load_h for x in starts if x + load_h > from_h]
        for start in candidates:
            lo = bisect_right(starts, start - load_h + EPS_H)
            hi = bisect_left(starts, start + load_h - EPS_H)
            if hi - lo < n_bays:
                return start
        return candidates[-1]  # after every booked loading ends: always free
