"""Request and answer bodies of readiness runs and stock transfers (contract §7 in the service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .ids import ID_PATTERN
from .schemas import JobStatus

TransferState = Literal["draft", "approved", "rejected"]


class ReadinessRequest(BaseModel):
    """Ask for a readiness run on the live inventory: a region (or a bundled one) and samples."""

    model_config = ConfigDict(extra="forbid")

    region: dict[str, Any] | None = Field(
        default=None,
        description="A region file (contract §7) without `warehouses`: items (default: the "
        "catalogue's), vehicle_types, settlements as `areas` with `population`, roads, "
        "deadline, `needs_per_person` and `hazards`. The warehouses and their available "
        "stock are the service's.",
    )
    bundled_region: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Instead of `region`: a region bundled with supplyopt, e.g. "
        "`changji-region` (its own warehouses are replaced by the service's).",
        examples=["changji-region"],
    )
    samples: int = Field(
        default=20, ge=1, description="Hazard samples, each planned in full (server bound)."
    )
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    time_limit_s: float | None = Field(
        default=None, gt=0, description="Safety cap per sample (capped by the server)."
    )
    move_budget_units: int | None = Field(
        default=None,
        ge=1,
        description="Also recommend peacetime transfers of at most this many units in all "
        "(`supplyopt preposition`), verified by planning the samples again with them.",
    )


class ReadinessAccepted(BaseModel):
    """A readiness run was queued."""

    id: str = Field(examples=["0b7d4f7e9a3c1d2e5f6a7b8c6f1c2a9e"])
    status: JobStatus = Field(examples=["queued"])


class ReadinessList(BaseModel):
    """Readiness runs, newest first; ``next``: the cursor of the following page."""

    runs: list[ReadinessAccepted]
    next: str | None = Field(
        default=None, description="Pass as `after` for the following page; null on the last."
    )


class SamplesProgress(BaseModel):
    """How many sample plans are done, of how many (twice the samples with a move budget)."""

    done: int
    total: int


class ReadinessJob(BaseModel):
    """A readiness run: its state and progress; when done, the result."""

    id: str
    status: JobStatus
    progress: float = Field(ge=0, le=1, description="Fraction of the sample plans done.")
    samples_progress: SamplesProgress
    message: str | None = None
    region: str | None = Field(default=None, description="The region's name.")
    samples: int
    seed: int
    time_limit_s: float
    move_budget_units: int | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    inventory_used: dict[str, dict[str, int]] | None = Field(
        default=None, description="The available stock per warehouse and item it ran with."
    )
    result: dict[str, Any] | None = Field(
        default=None, description="When done: the readiness JSON of contract §7 (and extensions)."
    )
    weakest: list[dict[str, Any]] | None = Field(
        default=None,
        description="When done: the settlements not fully served on time in the most samples.",
    )
    preposition: dict[str, Any] | None = Field(
        default=None,
        description="When done with a move budget: the recommended moves of contract §7 "
        "(`moves`, `before`, `after`).",
    )
    map: dict[str, Any] | None = Field(
        default=None,
        description="When done: positions of the settlements and warehouses, for drawing the map.",
    )


class TransferIn(BaseModel):
    """Draft a transfer of stock from one warehouse to another."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: str = Field(
        alias="from", min_length=1, max_length=200, pattern=ID_PATTERN, examples=["w-urumqi"]
    )
    target: str = Field(
        alias="to", min_length=1, max_length=200, pattern=ID_PATTERN, examples=["w-hutubi"]
    )
    item: str = Field(min_length=1, max_length=200, pattern=ID_PATTERN, examples=["quilt"])
    quantity: int = Field(ge=1, le=10**12)
    readiness_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        pattern=ID_PATTERN,
        description="The run that recommended it.",
    )
    note: str | None = Field(default=None, max_length=1000)


class TransferOut(BaseModel):
    """A transfer: drafted, approved (issue and receipt booked) or rejected."""

    model_config = ConfigDict(populate_by_name=True)

    id: int
    status: TransferState
    source: str = Field(serialization_alias="from")
    target: str = Field(serialization_alias="to")
    item: str
    quantity: int
    readiness_id: str | None = None
    note: str | None = None
    created_by: int | None = None
    created_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None
    issue_id: int | None = Field(default=None, description="The issue at `from`, once approved.")
    receipt_id: int | None = Field(default=None, description="The receipt at `to`, once approved.")


class TransferList(BaseModel):
    """Transfers, newest first; ``next``: the cursor of the following page."""

    transfers: list[TransferOut]
    next: int | None = Field(
        default=None, description="Pass as `after` for the following page; null on the last."
    )
