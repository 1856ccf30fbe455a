"""Exceptions raised by supplyopt.

Every error subclasses :class:`SupplyOptError` and the builtin it refines, so a
caller may catch either. Every error pickles exactly (it crosses process
pools when variants are planned in parallel).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .problems import Problem


def _rebuild(cls: type[SupplyOptError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Recreate a pickled error without calling its ``__init__`` (whose arguments differ)."""
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


class SupplyOptError(Exception):
    """Base class of every error raised by supplyopt."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The default calls ``cls(*self.args)``: wrong for every subclass whose
        # ``__init__`` takes something else than its rendered message.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ScenarioError(SupplyOptError, ValueError):
    """A scenario is invalid; ``problems`` lists every located problem.

    Parameters
    ----------
    problems
        Every problem found, each located (``str(problem)`` reads
        ``areas[3].demand.tnt: unknown item 'tnt' (known: tent, quilt)``).
    source
        Where the scenario came from (a file path), if known.
    """

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        head = where + self._heading()
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))

    def _heading(self) -> str:
        """The first line of the message, after the source: what kind of failure this is."""
        count = len(self.problems)
        return f"invalid scenario ({count} problem{'s' if count != 1 else ''})"


class MissingDataError(ScenarioError):
    """The road data a scenario names (an OSM extract or GraphML file) is not there.

    The scenario itself may be valid: its message says the data is missing,
    not that the scenario is invalid. A :class:`ScenarioError`, so callers
    catching that (or ``ValueError``) catch this too.
    """

    def _heading(self) -> str:
        return "road data missing (the scenario names a file that is not there)"


class SweepFileError(ScenarioError):
    """A sweep file is invalid: its own fields, or the variants it makes of the base.

    A :class:`ScenarioError` (so ``ValueError``) whose heading says the sweep
    file, not a scenario, is at fault; ``source`` names the sweep file.
    """

    def _heading(self) -> str:
        count = len(self.problems)
        return f"invalid sweep file ({count} problem{'s' if count != 1 else ''})"


class PlanFileError(SupplyOptError, ValueError):
    """A plan file cannot be read (malformed JSON or wrong shape)."""


class PlanNotSupportedError(SupplyOptError, ValueError):
    """A plan uses something an operation does not support (revising stock transfers)."""


class SolverUnavailableError(SupplyOptError, RuntimeError):
    """A required optimisation back end is missing or failed to start."""
