"""The sweep format: a base scenario plus a list of changes, listed or generated.

.. code-block:: yaml

    base: andorra-flood.yaml      # relative to the sweep file
    time_limit_s: 5               # per variant
    seed: 0
    variants:                     # listed changes
      - name: CG-2 reopened
        replace_disruptions: true # drop the base's disruptions first
        disruptions: []
      - name: Escaldes store flooded
        disruptions: [{kind: warehouse_out, warehouse: escaldes}]
        set: {deadline_hours: 8}  # override top-level scenario fields
    generate:                     # generated changes (all optional)
      warehouse_out: true         # one variant per warehouse out of action
      scale_demand: [0.8, 1.2]    # one per factor
      reduce_fleet: [0.5]         # one per factor, every fleet
      close_major_roads: 20       # the 20 most used major roads, closed one at a time
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from ..io import load_scenario_data, read_scenario
from ..model import (
    MAX_SEED,
    MAX_TIME_LIMIT_S,
    Problem,
    Scenario,
    ScenarioError,
    SweepFileError,
    parse_scenario,
    validation_problems,
)
from ..model.disruptions import Disruption

#: The longest time limit per variant a sweep file may ask for (one day, as the CLI).

#: Top-level sweep fields that other fields do not depend on: when only they are
#: wrong, the variants are still checked, so every problem is reported at once.
_SCALAR_FIELDS = frozenset({"time_limit_s", "seed"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Variant(_Strict):
    """One change to the base scenario."""

    name: Annotated[StrictStr, Field(min_length=1)]
    disruptions: list[Disruption] = Field(default_factory=list)
    replace_disruptions: StrictBool = False
    set: dict[StrictStr, Any] = Field(default_factory=dict)


class Generate(_Strict):
    """Changes generated from the base scenario."""

    warehouse_out: StrictBool = False
    scale_demand: list[Annotated[float, Field(ge=0, strict=True)]] = Field(default_factory=list)
    reduce_fleet: list[Annotated[float, Field(ge=0, le=1, strict=True)]] = Field(
        default_factory=list
    )
    close_major_roads: Annotated[StrictInt, Field(ge=0)] = 0


class Sweep(_Strict):
    """A sweep file: the base scenario and the variants to plan."""

    base: StrictStr
    time_limit_s: Annotated[
        float, Field(gt=0, le=MAX_TIME_LIMIT_S, allow_inf_nan=False, strict=True)
    ] = 5.0
    seed: Annotated[StrictInt, Field(ge=0, le=MAX_SEED)] = 0
    variants: list[Variant] = Field(default_factory=list)
    generate: Generate = Field(default_factory=Generate)


def read_sweep(path: str | os.PathLike[str]) -> tuple[Sweep, Scenario]:
    """Read a sweep file and its base scenario.

    Raises
    ------
    SweepFileError
        With located messages for the sweep file; when only ``time_limit_s`` or
        ``seed`` are wrong, the variants' problems are listed with them.
    ScenarioError
        With located messages for the base scenario.
    """
    data = load_scenario_data(path)
    source = str(path)
    try:
        sweep = Sweep.model_validate(data)
    except ValidationError as err:
        problems = validation_problems(err)
        rest = _without_scalars(data, problems)
        if rest is None:
            raise SweepFileError(problems, source=source) from None
        base = read_scenario(_base_path(path, rest))
        problems += _variants(rest, base)[1]
        raise SweepFileError(problems, source=source) from None
    return sweep, read_scenario(_base_path(path, sweep))


def _base_path(path: str | os.PathLike[str], sweep: Sweep) -> Path:
    """The base scenario's path, relative to the sweep file unless absolute."""
    base_path = Path(sweep.base)
    if not base_path.is_absolute():
        base_path = Path(path).resolve().parent / base_path
    return base_path


def _without_scalars(data: Any, problems: list[Problem]) -> Sweep | None:
    """The sweep without its wrong scalar fields, when only those are wrong; else None."""
    if not isinstance(data, dict) or not problems:
        return None
    if any(not p.location or p.location[0] not in _SCALAR_FIELDS for p in problems):
        return None
    try:
        return Sweep.model_validate({k: v for k, v in data.items() if k not in _SCALAR_FIELDS})
    except ValidationError:
        return None


def variant_scenario(base: Scenario, variant: Variant, *, where: str = "variant") -> Scenario:
    """The base scenario with one variant's changes, validated.

    Raises
    ------
    ScenarioError
        With messages located in the variant (``variants[2]: disruptions[0].warehouse: …``).
    """
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    data.update(variant.set)
    own = [d.model_dump(mode="json", exclude_none=True) for d in variant.disruptions]
    data["disruptions"] = own if variant.replace_disruptions else [*data["disruptions"], *own]
    try:
        return parse_scenario(data)
    except ScenarioError as err:
        scope = f"{where} {variant.name!r}"
        raise ScenarioError([p.scoped(scope) for p in err.problems]) from None


def generated_variants(base: Scenario, generate: Generate) -> list[Variant]:
    """The variants a ``generate`` section asks for (major roads via criticality)."""
    from .criticality import major_road_variants, warehouse_variants

    variants: list[Variant] = []
    if generate.warehouse_out:
        variants += warehouse_variants(base)
    variants += [
        Variant(name=f"demand ×{f:g}", disruptions=[_d({"kind": "scale_demand", "factor": f})])
        for f in generate.scale_demand
    ]
    variants += [
        Variant(name=f"fleet ×{f:g}", disruptions=[_d({"kind": "reduce_fleet", "factor": f})])
        for f in generate.reduce_fleet
    ]
    if generate.close_major_roads:
        variants += major_road_variants(base, limit=generate.close_major_roads)
    return variants


def _d(data: dict[str, Any]) -> Any:
    return Variant.model_validate({"name": "-", "disruptions": [data]}).disruptions[0]


def sweep_variants(
    sweep: Sweep, base: Scenario, *, source: str | None = None
) -> list[tuple[str, Scenario]]:
    """Every variant of a sweep as (name, scenario), listed ones first.

    Raises
    ------
    SweepFileError
        With every variant's problems, located (``variants[2] 'x': deadline_hours: …``);
        ``source`` (the sweep file) heads the message.
    """
    out, problems = _variants(sweep, base)
    if problems:
        raise SweepFileError(problems, source=source)
    return out


def _variants(sweep: Sweep, base: Scenario) -> tuple[list[tuple[str, Scenario]], list[Problem]]:
    """The variants that are valid, and the problems of those that are not."""
    variants = [*sweep.variants, *generated_variants(base, sweep.generate)]
    problems: list[Problem] = []
    out: list[tuple[str, Scenario]] = []
    for idx, variant in enumerate(variants):
        try:
            out.append((variant.name, variant_scenario(base, variant, where=f"variants[{idx}]")))
        except ScenarioError as err:
            problems += err.problems
    return out, problems
