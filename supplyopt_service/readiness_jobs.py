"""Readiness jobs as the API sees them: check, queue, cancel, show.

A readiness job is a row in ``readiness_jobs``, leased and solved by the
same workers as plan jobs (:mod:`.worker`, :mod:`.leases`); it survives a
restart the same way. The request is checked when it is submitted, against
the live warehouses of that moment; the run itself uses the live
warehouses and stock of the moment a worker starts it (:mod:`.readiness_work`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from supplyopt.bundled import bundled_regions
from supplyopt.io import ScenarioFormat, load_scenario_data, loads_scenario_data
from supplyopt.model import ScenarioError
from supplyopt.readiness import RegionError, parse_region
from supplyopt.readiness.report import most_failed

from .core import audit
from .core.db import Database, serialize
from .core.errors import (
    ConflictError,
    InvalidInputError,
    Loc,
    NotFoundError,
    TooBusyError,
)
from .core.keys import Principal
from .core.settings import Settings
from .core.tables import ReadinessJobRow, utcnow
from .quotas import active_jobs, require_submitter_or_manager
from .readiness_schemas import ReadinessJob, ReadinessRequest, SamplesProgress
from .readiness_work import live_region_data
from .scenario_checks import scenario_errors, with_served_roads
from .schemas import as_utc

WHERE: Loc = ["body", "region"]


def requested_region(request: ReadinessRequest) -> dict[str, Any]:
    """The region data of the request (given, or bundled), without warehouses.

    Raises
    ------
    InvalidInputError
        Neither or both of ``region`` and ``bundled_region``; an unknown
        bundled region; a region that lists warehouses (they are the service's).
    """
    if (request.region is None) == (request.bundled_region is None):
        raise InvalidInputError([(["body"], "give either region or bundled_region (one of them)")])
    if request.bundled_region is not None:
        known = bundled_regions()
        path = known.get(request.bundled_region)
        if path is None:
            raise InvalidInputError(
                [
                    (
                        ["body", "bundled_region"],
                        f"no bundled region {request.bundled_region!r} (known: {', '.join(known)})",
                    )
                ]
            )
        data = load_scenario_data(path)
        return {k: v for k, v in data.items() if k != "warehouses"}
    assert request.region is not None
    if "warehouses" in request.region:
        raise InvalidInputError(
            [
                (
                    [*WHERE, "warehouses"],
                    "the warehouses and their stock are the service's (GET /warehouses); "
                    "leave them out of the region",
                )
            ]
        )
    return dict(request.region)


def parse_region_text(db: Database, text: bytes, file_format: ScenarioFormat) -> dict[str, Any]:
    """A region file's text as region data without warehouses, checked as a submit would be.

    Raises
    ------
    InvalidInputError
        Malformed text, or every problem of the region, located under ``body``.
    """
    try:
        data = loads_scenario_data(text, file_format, source="upload")
    except ScenarioError as err:
        raise InvalidInputError.of_problems(err.problems, ["body"]) from None
    if not isinstance(data, dict):
        raise InvalidInputError([(["body"], "must be a mapping of region fields")])
    not_text = [key for key in data if not isinstance(key, str)]
    if not_text:
        raise InvalidInputError(
            [
                (
                    ["body", key if type(key) is int else str(key)],
                    f"field names must be text (got {key!r})",
                )
                for key in not_text
            ]
        )
    dropped = data.pop("warehouses", None)
    with db.read() as session:
        region = checked_request(session, ReadinessRequest(region=data), None, where=["body"])
    return {
        "region": region,
        "dropped_warehouses": len(dropped) if isinstance(dropped, list) else 0,
    }


def checked_request(
    session: Session,
    request: ReadinessRequest,
    settings: Settings | None,
    *,
    where: Loc | None = None,
) -> dict[str, Any]:
    """The request to store: the region checked with the live warehouses, roads resolved.

    Raises
    ------
    InvalidInputError
        Every problem of the region (the library's region validation, each
        located under ``where``, default ``body.region``), a size limit, or
        too many samples. Without ``settings``, only the region is checked.
    """
    where = WHERE if where is None else where
    region_data = requested_region(request)
    if settings is not None and request.samples > settings.max_readiness_samples:
        raise InvalidInputError(
            [
                (
                    ["body", "samples"],
                    f"{request.samples} samples; this server runs at most "
                    f"{settings.max_readiness_samples} (SUPPLYOPT_MAX_READINESS_SAMPLES)",
                )
            ]
        )
    data, _stock = live_region_data(session, region_data)
    if not data["warehouses"]:
        raise ConflictError("the service has no warehouses yet: add or import them first")
    try:
        region = parse_region(data)
    except RegionError as err:
        raise InvalidInputError.of_problems(err.problems, where) from err
    if settings is None:
        return region_data
    problems = scenario_errors(region.scenario, settings, where=where)
    if problems is not None:
        raise problems
    served = with_served_roads(region.scenario, settings, where=where)
    if served.roads is not region.scenario.roads:
        region_data["roads"] = served.roads.model_dump(mode="json", exclude_none=True)
    return region_data


def submit(
    db: Database, request: ReadinessRequest, settings: Settings, *, key_id: int | None
) -> ReadinessJobRow:
    """Check and queue a readiness run; 422 (located), 409 (no warehouses) or 429 (queue full)."""
    with db.read() as session:
        region_data = checked_request(session, request, settings)
    time_limit_s = min(
        request.time_limit_s or settings.default_readiness_time_limit_s,
        settings.max_readiness_time_limit_s,
    )
    job = ReadinessJobRow(
        id=uuid.uuid4().hex,
        status="queued",
        request={"region": region_data},
        samples=request.samples,
        seed=request.seed,
        time_limit_s=time_limit_s,
        move_budget_units=request.move_budget_units,
        progress=0.0,
        message="queued",
        created_by=key_id,
    )
    with db.write() as session:
        serialize(session, "readiness-admission")
        mine = active_jobs(session, ReadinessJobRow, created_by=key_id)
        if mine >= settings.max_readiness_per_key:
            raise TooBusyError(
                f"this key already has {mine} readiness runs queued or running, its quota "
                f"(SUPPLYOPT_MAX_READINESS_PER_KEY = {settings.max_readiness_per_key}); wait "
                "for one to finish or cancel one"
            )
        active = active_jobs(session, ReadinessJobRow)
        if active >= settings.max_queued_readiness:
            raise TooBusyError(
                f"{active} readiness runs are already queued or running; retry later"
            )
        session.add(job)
        audit.record(
            session,
            key_id,
            "readiness.submit",
            f"readiness/{job.id}",
            {
                "region": region_data.get("name"),
                "samples": request.samples,
                "seed": request.seed,
                "time_limit_s": time_limit_s,
                "move_budget_units": request.move_budget_units,
            },
        )
    return job


def cancel(db: Database, run_id: str, who: Principal) -> None:
    """Cancel a queued or running run: its submitter or a manager (403); 404; 409 if finished."""
    with db.write() as session:
        job = session.get(ReadinessJobRow, run_id, with_for_update=True)
        if job is None:
            raise NotFoundError(f"no readiness run with id {run_id!r}")
        require_submitter_or_manager(
            who, job.created_by, job="readiness run", job_id=run_id, jobs="runs"
        )
        if job.status not in ("queued", "running"):
            raise ConflictError(
                f"readiness run {run_id} is {job.status}; only a queued or running run "
                "can be cancelled"
            )
        job.status, job.finished_at, job.message = "cancelled", utcnow(), "cancelled"
        job.lease_expires_at = None
        audit.record(session, who.key_id, "readiness.cancel", f"readiness/{run_id}")


def job_view(row: ReadinessJobRow) -> ReadinessJob:
    """The API view of a readiness job row."""
    total = row.samples * (2 if row.move_budget_units else 1)
    outcome = row.result or {}
    result = outcome.get("readiness")
    return ReadinessJob(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        progress=row.progress,
        samples_progress=SamplesProgress(done=round(row.progress * total), total=total),
        message=row.message,
        region=(row.request.get("region") or {}).get("name"),
        samples=row.samples,
        seed=row.seed,
        time_limit_s=row.time_limit_s,
        move_budget_units=row.move_budget_units,
        created_at=as_utc(row.created_at),  # type: ignore[arg-type]
        started_at=as_utc(row.started_at),
        finished_at=as_utc(row.finished_at),
        error=row.error,
        inventory_used=row.inventory_used,
        result=result,
        weakest=None if result is None else most_failed(result),
        preposition=outcome.get("preposition"),
        map=outcome.get("map"),
    )


def bundled_region_names() -> list[str]:
    """Names of the regions bundled with supplyopt."""
    return list(bundled_regions())
