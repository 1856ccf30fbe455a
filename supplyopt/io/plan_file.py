"""Read and write plan files (JSON, UTF-8)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import ValidationError

from ..model import Plan, PlanFileError, validation_problems
from .scenario_file import write_text_atomic


def write_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write the plan file atomically (UTF-8 JSON, Chinese names unescaped)."""
    write_text_atomic(Path(path), plan.to_json() + "\n")


def read_plan(path: str | os.PathLike[str]) -> Plan:
    """Read a plan file.

    Raises
    ------
    PlanFileError
        When the file is missing, not JSON, or not shaped like a plan.
    """
    file = Path(path)
    try:
        data = json.loads(file.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise PlanFileError(f"{file}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PlanFileError(f"{file}: not a JSON plan file ({err})") from None
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        lines = "\n  ".join(str(p) for p in validation_problems(err))
        raise PlanFileError(f"{file}: not a valid plan file\n  {lines}") from None
