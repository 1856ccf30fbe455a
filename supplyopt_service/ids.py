"""The one rule every id the service stores follows (items, warehouses, vehicle types, areas).

An id is 1 to 200 characters with no control character (a NUL cannot even be
stored on PostgreSQL), and an item, warehouse or vehicle type id holds no
``/``: it becomes part of a URL (``/warehouses/{id}``) and separates the parts
of a vehicle id (``warehouse/type/n``), so an id with one would be unreachable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from supplyopt.model import Problem

MAX_ID_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The rule as a regular expression (path parameters), ``/`` excluded.
ID_PATTERN = r"^[^/\x00-\x1f\x7f-\x9f]{1,200}$"
#: Scenario lists whose ids may not hold ``/``, and those that may.
_NO_SLASH = ("items", "vehicle_types", "warehouses")
_ANY_SLASH = ("areas",)


def id_problem(value: str, *, slash: bool = False) -> str | None:
    """What is wrong with ``value`` as an id, or ``None`` (``slash``: may it hold '/')."""
    if not 1 <= len(value) <= MAX_ID_CHARS:
        return f"must be 1 to {MAX_ID_CHARS} characters (got {len(value)})"
    bad = _CONTROL.search(value)
    if bad is not None:
        return (
            f"must not contain control characters (got {value!r}, {bad.group()!r} at {bad.start()})"
        )
    if not slash and "/" in value:
        return f"must not contain '/' (got {value!r}); ids are parts of URLs and vehicle ids"
    return None


def check_id(value: str) -> str:
    """A pydantic validator: return ``value`` if it is a good id, else raise ``ValueError``."""
    problem = id_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def scenario_id_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Every id of a (validated) scenario's data that breaks the rule, located."""
    problems: list[Problem] = []
    for key in (*_NO_SLASH, *_ANY_SLASH):
        for idx, entry in enumerate(data.get(key) or []):
            entry_id = entry.get("id") if isinstance(entry, Mapping) else None
            if not isinstance(entry_id, str):
                continue
            problem = id_problem(entry_id, slash=key in _ANY_SLASH)
            if problem is not None:
                problems.append(Problem((key, idx, "id"), problem))
    return problems
