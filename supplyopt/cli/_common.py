"""Helpers shared by subcommands: reading scenarios with exit code 2 on bad input."""

from __future__ import annotations

import sys
from pathlib import Path

from ..bundled import default_scenario_path
from ..io import read_scenario
from ..model import Scenario, ScenarioError

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
        print(str(err), file=sys.stderr)
        return None


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number >= 0 (seeds), refused with a clear message otherwise."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0 (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0 (got {value})")
    return value
