"""The one way plain data becomes a :class:`Scenario`: every problem found, each located.

Pydantic's errors are translated here, once, into :class:`Problem` values
(``areas[0].priority: must be >= 1 (got 0)``), and joined with the
cross-reference problems of :func:`reference_problems`. The CLI, the HTTP API
and the dashboard all validate through :func:`parse_scenario` and only render
what it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .disruptions import DISRUPTION_KINDS
from .errors import ScenarioError
from .problems import Location, Problem
from .scenario import SKIP_REFERENCE_CHECKS, Scenario, reference_problems

_ROAD_MODELS = ("great_circle", "graph", "osm")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


#: Message templates by pydantic error type; ``{got}`` is `` (got <input>)``,
#: other fields come from the error's context.
_TEMPLATES: dict[str, str] = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "greater_than": "must be > {gt}{got}",
    "greater_than_equal": "must be >= {ge}{got}",
    "less_than_equal": "must be <= {le}{got}",
    "int_type": "must be a whole number{got}",
    "int_from_float": "must be a whole number{got}",
    "int_parsing": "must be a whole number{got}",
    "float_type": "must be a number{got}",
    "float_parsing": "must be a number{got}",
    "finite_number": "must be a finite number{got}",
    "string_type": "must be text{got}",
    "string_too_short": "must not be empty",
    "bool_type": "must be true or false{got}",
    "too_short": "must have at least {min_length} entry{got}",
    "list_type": "must be a list{got}",
    "dict_type": "must be a mapping{got}",
    "model_type": "must be a mapping{got}",
    "model_attributes_type": "must be a mapping{got}",
}


#: Kinds of the ``events`` of an events file (contract §6), for messages and locations.
_EVENT_KINDS = (
    "set_demand",
    "add_area",
    "vehicle_down",
    "stock_change",
    *DISRUPTION_KINDS,
)


def _union_tag(error: ErrorDetails, ctx: Mapping[str, Any]) -> str:
    """Messages for a discriminated union (road models, disruption and event kinds)."""
    known: Sequence[str]
    if ctx.get("discriminator") == "'kind'" and error["loc"][:1] == ("events",):
        field, what, known = "kind", "event kind", _EVENT_KINDS
    elif ctx.get("discriminator") == "'kind'":
        field, what, known = "kind", "disruption kind", DISRUPTION_KINDS
    else:
        field, what, known = "model", "road model", _ROAD_MODELS
    if error["type"] == "union_tag_invalid":
        return f"unknown {what} {_show(ctx.get('tag'))} (known: {', '.join(known)})"
    return f"missing {field!r} (known: {', '.join(known)})"


_SPECIAL: dict[str, Callable[[ErrorDetails, Mapping[str, Any]], str]] = {
    "union_tag_invalid": _union_tag,
    "union_tag_not_found": _union_tag,
    "value_error": lambda error, _ctx: str(error["msg"]).removeprefix("Value error, "),
}


def describe_error(error: ErrorDetails) -> str:
    """Say what is wrong with one field, naming the bad value and what is allowed.

    ``error`` is one of pydantic's error entries (``ValidationError.errors()``,
    or FastAPI's request errors, which have the same keys).
    """
    kind = error["type"]
    ctx: Mapping[str, Any] = error.get("ctx", {})
    if kind in _SPECIAL:
        return _SPECIAL[kind](error, ctx)
    template = _TEMPLATES.get(kind)
    if template is None:
        return str(error["msg"])
    fields = {name: _num(value) for name, value in ctx.items()}
    return template.format(**fields, got=f" (got {_show(error.get('input'))})")


def _clean_location(loc: Sequence[int | str]) -> Location:
    """A pydantic location without the tags of discriminated unions (``roads.graph.nodes``)."""
    parts: list[str | int] = []
    for idx, part in enumerate(loc):
        if idx > 0 and loc[idx - 1] == "roads" and part in _ROAD_MODELS:
            continue
        if idx > 1 and loc[idx - 2] == "disruptions" and part in DISRUPTION_KINDS:
            continue
        if idx > 1 and loc[idx - 2] == "events" and part in _EVENT_KINDS:
            continue
        if part == "[key]":  # a bad mapping key: the location already names the key
            continue
        parts.append(part)
    return tuple(parts)


def validation_problems(err: ValidationError) -> list[Problem]:
    """One located :class:`Problem` per pydantic error, in pydantic's order."""
    return [Problem(_clean_location(e["loc"]), describe_error(e)) for e in err.errors()]


def parse_scenario(data: Any, *, source: str | None = None) -> Scenario:
    """Validate plain data (parsed YAML/JSON) into a :class:`Scenario`.

    Parameters
    ----------
    data
        The scenario as nested mappings and lists.
    source
        Where the data came from, used in the error message.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found, field and cross-reference problems
        together, each located (``areas[3].demand.tnt: …``).
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [Problem((), f"must be a mapping of scenario fields (got {type(data).__name__})")],
            source=source,
        )
    problems = reference_problems(data)
    try:
        scenario = Scenario.model_validate(data, context={SKIP_REFERENCE_CHECKS: True})
    except ValidationError as err:
        problems = validation_problems(err) + problems
    if problems:
        raise ScenarioError(problems, source=source)
    return scenario
