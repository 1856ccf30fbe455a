"""The readiness result (contract §7) from the outcomes of every sample."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import UnmetReason
from .outcome import SampleOutcome
from .region import Region

#: A settlement counts as fully served on time in a sample when its coverage reaches this.
FULL = 1.0 - 1e-9
#: Reasons of the contract's ``shortfall`` block, then the project's ``not_served``.
REASONS = tuple(reason.value for reason in UnmetReason)


@dataclass(frozen=True)
class Coverage:
    """Mean, 5th percentile and minimum of the samples' weighted on-time coverage."""

    mean: float
    p05: float
    min: float


def coverage_stats(outcomes: Sequence[SampleOutcome]) -> Coverage:
    """The weighted coverage's mean, 5th percentile (linear interpolation) and minimum."""
    values = np.array([o.weighted_coverage for o in outcomes], dtype=np.float64)
    if values.size == 0:
        return Coverage(1.0, 1.0, 1.0)
    return Coverage(float(values.mean()), float(np.percentile(values, 5)), float(values.min()))


def readiness_result(
    region: Region, seed: int, outcomes: Sequence[SampleOutcome], *, time_limit_s: float
) -> dict[str, Any]:
    """The readiness JSON of contract §7, plus the project's extensions.

    Extensions: ``shortfall.not_served``; ``binding`` (units short per
    reason, warehouse and item, most first); ``checked`` (plans checked and
    violations found); ``time_limited`` (samples the time cap cut); and
    ``time_limit_s``. Shortfall units are summed over all samples.
    """
    stats = coverage_stats(outcomes)
    return {
        "region": region.scenario.name,
        "samples": len(outcomes),
        "seed": seed,
        "weighted_coverage": {
            "mean": round(stats.mean, 6),
            "p05": round(stats.p05, 6),
            "min": round(stats.min, 6),
        },
        "areas": area_rows(region, outcomes),
        "shortfall": shortfall(region, outcomes),
        "sample_results": [
            {
                "hazard": o.kind,
                "centre": [round(o.centre[0], 5), round(o.centre[1], 5)],
                "radius_km": round(o.radius_km, 3),
                "weighted_coverage": round(o.weighted_coverage, 6),
                "min_area_coverage": round(o.min_area_coverage, 6),
            }
            for o in outcomes
        ],
        "binding": binding_rows(outcomes),
        "checked": {
            "plans": sum(1 for o in outcomes if o.area_coverage),
            "violations": sum(len(o.violations) for o in outcomes),
        },
        "time_limited": sum(1 for o in outcomes if o.time_limited),
        "time_limit_s": time_limit_s,
    }


def area_rows(region: Region, outcomes: Sequence[SampleOutcome]) -> list[dict[str, Any]]:
    """Per settlement (file order): samples affecting it, share fully served on time, mean coverage.

    ``full_on_time_share`` and ``mean_coverage`` are ``null`` for a
    settlement no sample affected.
    """
    seen: defaultdict[str, list[float]] = defaultdict(list)
    for outcome in outcomes:
        for area_id, cov in outcome.area_coverage.items():
            seen[area_id].append(cov)
    rows = []
    for area in region.scenario.areas:
        covs = seen.get(area.id, [])
        rows.append(
            {
                "id": area.id,
                "affected_in": len(covs),
                "full_on_time_share": (
                    round(sum(c >= FULL for c in covs) / len(covs), 6) if covs else None
                ),
                "mean_coverage": round(sum(covs) / len(covs), 6) if covs else None,
            }
        )
    return rows


def shortfall(region: Region, outcomes: Sequence[SampleOutcome]) -> dict[str, dict[str, int]]:
    """Units short per reason and item, summed over the samples (every reason listed)."""
    total: dict[str, Counter[str]] = {reason: Counter() for reason in REASONS}
    for outcome in outcomes:
        for reason, items in outcome.shortfall.items():
            total[reason].update(items)
    order = region.scenario.item_ids
    return {
        reason: {item: total[reason][item] for item in order if total[reason][item]}
        for reason in REASONS
    }


def binding_rows(outcomes: Sequence[SampleOutcome]) -> list[dict[str, Any]]:
    """Units short per (reason, warehouse, item) over the samples, with how many samples, most first."""
    units: Counter[tuple[str, str, str]] = Counter()
    samples: Counter[tuple[str, str, str]] = Counter()
    for outcome in outcomes:
        units.update(outcome.binding)
        samples.update(outcome.binding.keys())
    ordered = sorted(units, key=lambda key: (-units[key], key))
    return [
        {
            "reason": reason,
            "warehouse": warehouse or None,
            "item": item,
            "units": units[reason, warehouse, item],
            "samples": samples[reason, warehouse, item],
        }
        for reason, warehouse, item in ordered
    ]


def most_failed(result: dict[str, Any], *, limit: int = 10) -> list[dict[str, Any]]:
    """Settlements not fully served on time in the most samples (then the lowest share)."""
    rows = [
        {
            **row,
            "failed_in": row["affected_in"] - round(row["full_on_time_share"] * row["affected_in"]),
        }
        for row in result["areas"]
        if row["affected_in"]
    ]
    rows = [row for row in rows if row["failed_in"] > 0]
    rows.sort(key=lambda r: (-r["failed_in"], r["full_on_time_share"], r["id"]))
    return rows[:limit]
