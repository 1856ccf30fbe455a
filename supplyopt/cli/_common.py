"""Helpers shared by subcommands: reading scenarios with exit code 2 on bad input."""

from __future__ import annotations

import sys
from pathlib import Path

from ..bundled import default_scenario_path
from ..io import read_scenario
from ..model import Scenario, ScenarioError

EXIT_INVALID = 2


def load_scenario_or_exit(path: str | None) -> Scenario | None:
    """Read the scenario (the bundled default when ``path`` is None); print problems on failure."""
    file = Path(path) if path else default_scenario_path()
    try:
        return read_scenario(file)
    except ScenarioError as err:
        print(str(err), file=sys.stderr)
        return None
