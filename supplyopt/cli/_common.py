"""Helpers shared by subcommands: reading scenarios with exit code 2 on bad input."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from rich.console import Console

from ..bundled import default_scenario_path
from ..io import read_scenario
from ..model import MAX_SEED, MAX_TIME_LIMIT_S, Scenario, ScenarioError

EXIT_INVALID = 2


def read_scenario_or_none(path: str | None) -> Scenario | None:
    """Read the scenario (the bundled default when ``path`` is None), or print its problems.

    Returns ``None`` after printing the validation problems to stderr; the
    caller decides the exit code (``EXIT_INVALID``).
    """
    file = Path(path) if path else default_scenario_path()
    try:
        return read_scenario(file)
    except ScenarioError as err:
        print(error_text(err), file=sys.stderr)
        return None


def error_text(err: ScenarioError) -> str:
    """The error as printed: one plain line for a file that cannot be read at all.

    ``nonexist.yaml: no such file`` rather than a heading saying the scenario
    is invalid over ``(file): no such file``; every other error as it renders.
    """
    problems = err.problems
    if err.source and len(problems) == 1 and problems[0].in_file and problems[0].line is None:
        return f"{err.source}: {problems[0].message}"
    return str(err)


def seed_int(text: str) -> int:
    """An argparse type: a seed, a whole number in [0, MAX_SEED], refused clearly otherwise."""
    try:
        value: int | None = int(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"must be a whole number >= 0 and at most {MAX_SEED} (got {text!r})"
        )
    return value


def time_limit_seconds(text: str) -> float:
    """An argparse type: a time limit in seconds, finite, > 0 and at most MAX_TIME_LIMIT_S.

    Every command with ``--time-limit`` uses it, so ``inf``, ``nan``, ``0`` and
    negative values are refused the same way everywhere, before any work starts.
    """
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIME_LIMIT_S:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds > 0 and at most {MAX_TIME_LIMIT_S:g} (got {text!r})"
        )
    return seconds


def one_line(err: BaseException) -> str:
    """A library error as one line: a ScenarioError's problems joined with '; '."""
    problems = getattr(err, "problems", None)
    if isinstance(problems, list) and problems:
        return "; ".join(str(p) for p in problems)
    return " ".join(str(err).split()) or type(err).__name__


#: Line width used when stdout is not a terminal: wide enough never to wrap a value.
PLAIN_WIDTH = 10_000


def stdout_console() -> Console:
    """A console for stdout: the terminal's width there, else unwrapped plain lines.

    Piped or redirected output is read by scripts and pasted into messages, so
    nothing is wrapped or cut to 80 columns and no colour codes are written.
    """
    console = Console()
    if console.is_terminal:
        return console
    return Console(width=PLAIN_WIDTH, soft_wrap=True, no_color=True, highlight=False)
