"""Service settings, read from the environment (prefix ``SUPPLYOPT_``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from supplyopt.model import MAX_VEHICLES


class Settings(BaseSettings):
    """Everything the service can be configured with.

    Every field is read from an environment variable named ``SUPPLYOPT_`` plus
    the field name in capitals, e.g. ``SUPPLYOPT_DATABASE_URL``.
    """

    model_config = SettingsConfigDict(env_prefix="SUPPLYOPT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./supplyopt.db",
        description="SQLAlchemy URL; default an SQLite file in the working directory. "
        "Use postgresql+psycopg://user@host/db for PostgreSQL.",
    )
    plan_workers: int = Field(default=2, ge=1, le=64, description="Plans solved at once.")
    max_queued_plans: int = Field(
        default=32, ge=1, description="Plans waiting or running before POST /plans answers 429."
    )
    max_plans_per_key: int = Field(
        default=8,
        ge=1,
        description="Plans one API key may have waiting or running before its POST /plans "
        "answers 429.",
    )
    default_time_limit_s: float = Field(default=30.0, gt=0)
    max_time_limit_s: float = Field(
        default=120.0, gt=0, description="Cap on a plan's requested time_limit_s."
    )
    max_body_bytes: int = Field(default=2_000_000, ge=1024, description="Largest request body.")
    max_scenario_sites: int = Field(
        default=1000, ge=2, description="Most warehouses plus areas in a submitted scenario."
    )
    max_scenario_items: int = Field(default=200, ge=1)
    max_scenario_vehicles: int = Field(
        default=5000,
        ge=1,
        le=MAX_VEHICLES,
        description="Most vehicles (fleet total) in a submitted scenario; at most the "
        f"library's own bound, {MAX_VEHICLES}.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Directory of the road files (OSM extracts) a submitted scenario may name, "
        "by file name only; none: no road files over HTTP.",
    )
    allow_road_download: bool = Field(
        default=False,
        description="Whether a submitted scenario may fetch its roads from OpenStreetMap "
        "(roads.download: true).",
    )
    audit_refusals_per_minute: int = Field(
        default=20,
        ge=0,
        description="Refused requests (401, 403, 409) recorded in the audit trail per client "
        "(key or address) and minute; beyond it one summary entry.",
    )
    sqlite_busy_timeout_s: float = Field(default=30.0, gt=0)
    progress_interval_s: float = Field(
        default=0.5, ge=0, description="Least time between two progress writes of a job."
    )
    embedded_worker: bool = Field(
        default=True,
        description="Solve plan jobs in the API process too (supplyopt serve --no-worker: "
        "leave them to supplyopt worker processes).",
    )
    job_lease_s: float = Field(
        default=30.0,
        ge=0.5,
        description="How long a worker holds a running job without renewing its lease; a job "
        "whose lease expired is queued again or failed.",
    )
    job_poll_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="How often a worker looks for queued jobs, cancelled jobs and expired leases.",
    )
    job_max_attempts: int = Field(
        default=2,
        ge=1,
        description="Times a job is started; when its lease expires on the last, it fails.",
    )
    max_readiness_samples: int = Field(
        default=200,
        ge=1,
        description="Most hazard samples in one POST /readiness (each is planned in full).",
    )
    max_readiness_time_limit_s: float = Field(
        default=30.0, gt=0, description="Cap on a readiness run's time_limit_s per sample."
    )
    default_readiness_time_limit_s: float = Field(
        default=10.0, gt=0, description="A readiness run's time limit per sample by default."
    )
    max_queued_readiness: int = Field(
        default=4,
        ge=1,
        description="Readiness runs waiting or running before POST /readiness answers 429.",
    )
    max_readiness_per_key: int = Field(
        default=2,
        ge=1,
        description="Readiness runs one API key may have waiting or running before its "
        "POST /readiness answers 429 (one desk cannot take every slot).",
    )
    readiness_on_single_thread_worker: bool = Field(
        default=False,
        description="Whether a worker solving one job at a time takes readiness runs "
        "(they take minutes, and every plan would wait for them).",
    )
    plan_transfers: bool = Field(
        default=False,
        description="Whether the service's plans may carry stock between warehouses "
        "(plan_relief(transfers=True)); such plans cannot be re-planned (409).",
    )


def get_settings() -> Settings:
    """Read the settings from the environment now (each command sees the current one)."""
    return Settings()
