"""Turn pydantic validation errors into located, human-readable messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_ROAD_MODELS = ("great_circle", "graph", "osm")
_DISRUPTION_KINDS = ("close_roads", "slow_roads", "warehouse_out", "reduce_fleet", "scale_demand")


def format_location(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as ``areas[3].demand.tnt``."""
    parts: list[str] = []
    for idx, part in enumerate(loc):
        # Discriminated unions insert the tag (``roads.graph.nodes``): drop it.
        if idx > 0 and loc[idx - 1] == "roads" and part in _ROAD_MODELS:
            continue
        if idx > 1 and loc[idx - 2] == "disruptions" and part in _DISRUPTION_KINDS:
            continue
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(f".{part}" if parts else str(part))
    return "".join(parts) or "(top level)"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe(error: ErrorDetails) -> str:
    """Say what is wrong with one field, naming the bad value and what is allowed."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = f" (got {_show(error.get('input'))})"
    match kind:
        case "missing":
            return "required field is missing"
        case "extra_forbidden":
            return "unknown field"
        case "greater_than":
            return f"must be > {_num(ctx.get('gt'))}{got}"
        case "greater_than_equal":
            return f"must be >= {_num(ctx.get('ge'))}{got}"
        case "less_than_equal":
            return f"must be <= {_num(ctx.get('le'))}{got}"
        case "int_type" | "int_from_float" | "int_parsing":
            return f"must be a whole number{got}"
        case "float_type" | "float_parsing":
            return f"must be a number{got}"
        case "finite_number":
            return f"must be a finite number{got}"
        case "string_type":
            return f"must be text{got}"
        case "string_too_short":
            return "must not be empty"
        case "bool_type":
            return f"must be true or false{got}"
        case "too_short":
            return f"must have at least {ctx.get('min_length')} entry{got}"
        case "list_type":
            return f"must be a list{got}"
        case "dict_type" | "model_type" | "model_attributes_type":
            return f"must be a mapping{got}"
        case "union_tag_invalid" if ctx.get("discriminator") == "'kind'":
            return (
                f"unknown disruption kind {_show(ctx.get('tag'))} "
                f"(known: {', '.join(_DISRUPTION_KINDS)})"
            )
        case "union_tag_invalid":
            return f"unknown road model {_show(ctx.get('tag'))} (known: {', '.join(_ROAD_MODELS)})"
        case "union_tag_not_found" if ctx.get("discriminator") == "'kind'":
            return f"missing 'kind' (known: {', '.join(_DISRUPTION_KINDS)})"
        case "union_tag_not_found":
            return f"missing 'model' (known: {', '.join(_ROAD_MODELS)})"
        case "value_error":
            return str(error["msg"]).removeprefix("Value error, ")
        case _:
            return str(error["msg"])


def validation_messages(err: ValidationError) -> list[str]:
    """One ``location: problem`` message per pydantic error."""
    return [f"{format_location(e['loc'])}: {describe(e)}" for e in err.errors()]
