"""A validation problem as data: where it is and what is wrong.

A :class:`Problem` is made once, where the problem is found; the CLI, the
HTTP API and the dashboard only render it (``areas[3].demand.tnt: unknown
item 'tnt'``). Nobody parses a rendered message back into a location.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

#: A place in the scenario data: field names and list positions, outermost first.
Location = tuple[str | int, ...]


def format_path(location: Sequence[str | int]) -> str:
    """Render a location as ``areas[3].demand.tnt`` (empty for the top level)."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario (or another input), located.

    Parameters
    ----------
    location
        Where in the data: ``("areas", 3, "demand", "tnt")``. Empty for the
        data as a whole, or for a problem of the file itself.
    message
        What is wrong, naming the value and what is allowed.
    in_file
        True when the problem is in the file or its text (missing file, not
        UTF-8, malformed YAML) rather than in a field of the data.
    line, column
        Where in the text (1-based), for malformed text.
    scope
        What the data belongs to when it is not the input as a whole, e.g.
        ``variants[2] 'CG-2 reopened'`` for a sweep variant's scenario.
    """

    location: Location
    message: str
    in_file: bool = False
    line: int | None = None
    column: int | None = None
    scope: str | None = None

    @classmethod
    def of_file(
        cls, message: str, *, line: int | None = None, column: int | None = None
    ) -> Problem:
        """A problem of the file or its text, not of a field (``(file): no such file``)."""
        return cls((), message, in_file=True, line=line, column=column)

    @property
    def path(self) -> str:
        """Where, as text: ``areas[3].demand.tnt``, ``(top level)`` or ``line 2, column 1``."""
        if self.in_file:
            if self.line is None:
                return "(file)"
            return f"line {self.line}, column {self.column}"
        return format_path(self.location) or "(top level)"

    def within(self, *prefix: str | int) -> Problem:
        """The same problem, its location inside ``prefix`` (a field holding the data)."""
        return replace(self, location=(*prefix, *self.location))

    def scoped(self, scope: str) -> Problem:
        """The same problem, said to be in ``scope`` (``variants[2] 'CG-2 reopened'``)."""
        return replace(self, scope=scope)

    def __str__(self) -> str:
        where = f"{self.scope}: " if self.scope else ""
        return f"{where}{self.path}: {self.message}"
