"""Exceptions raised by supplyopt.

Every error subclasses :class:`SupplyOptError` and the builtin it refines, so a
caller may catch either.
"""

from __future__ import annotations

from collections.abc import Iterable


class SupplyOptError(Exception):
    """Base class of every error raised by supplyopt."""


class ScenarioError(SupplyOptError, ValueError):
    """A scenario is invalid; ``problems`` lists every located problem.

    Parameters
    ----------
    problems
        One message per problem, each starting with the place it refers to,
        e.g. ``areas[3].demand.tnt: unknown item 'tnt' (known: tent, quilt)``.
    source
        Where the scenario came from (a file path), if known.
    """

    def __init__(self, problems: Iterable[str], *, source: str | None = None) -> None:
        self.problems: list[str] = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        count = len(self.problems)
        head = f"{where}invalid scenario ({count} problem{'s' if count != 1 else ''})"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class PlanFileError(SupplyOptError, ValueError):
    """A plan file cannot be read (malformed JSON or wrong shape)."""


class SolverUnavailableError(SupplyOptError, RuntimeError):
    """A required optimisation back end is missing or failed to start."""
