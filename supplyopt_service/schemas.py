"""Request and response bodies of the HTTP API (with OpenAPI examples).

Request bodies that carry scenario data (an item, a warehouse, a whole
scenario) extend the library's scenario models, so the service accepts exactly
the fields, and applies exactly the checks, of a scenario file. Answers are
the service's own models: what the database holds, not a scenario.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    WrapValidator,
    field_validator,
)
from pydantic_core.core_schema import ValidationInfo

from supplyopt.model import (
    MAX_QUANTITY,
    MAX_SEED,
    MAX_TIME_LIMIT_S,
    Item,
    Plan,
    Scenario,
    Warehouse,
)

from .core.tables import MovementRow
from .ids import check_id
from .scenario_checks import library_validated

#: An id the service stores or looks up: the rule of :mod:`supplyopt_service.ids`.
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_id)]


def as_utc(moment: datetime | None) -> datetime | None:
    """Return a stored time as timezone-aware UTC (SQLite hands back naive times)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Health(BaseModel):
    """Liveness answer."""

    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    """Readiness answer: each check's result (``ok`` or why not)."""

    status: Literal["ready", "not ready"]
    checks: dict[str, str] = Field(examples=[{"database": "ok", "jobs": "ok"}])


class Error(BaseModel):
    """An error: what went wrong, for a human."""

    detail: str = Field(examples=["no warehouse with id 'urumqi'"])


class FieldError(BaseModel):
    """One bad field of a request."""

    loc: list[str | int] = Field(examples=[["body", "quantity"]])
    path: str = Field(examples=["body.quantity"])
    msg: str = Field(examples=["an issue takes stock out: quantity must be negative"])
    type: str | None = None


class ValidationFailure(BaseModel):
    """A 422 answer: a summary and every bad field with its path."""

    detail: str
    errors: list[FieldError]


class Shortfall(BaseModel):
    """Units missing at one warehouse for one item."""

    warehouse: str
    item: str
    requested: int
    available: int
    missing: int


class StockConflict(BaseModel):
    """A 409 answer for stock that is not there; nothing was changed."""

    detail: str
    shortfall: list[Shortfall] = Field(default_factory=list)


# -- keys ----------------------------------------------------------------
Role = Literal["viewer", "planner", "manager", "admin"]


class KeyCreate(BaseModel):
    """Ask for a new API key."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"role": "planner", "name": "command-centre dashboard"}]},
    )

    role: Role
    name: Annotated[str, Field(max_length=200)] | None = None


class KeyOut(_Out):
    """An API key as listed (never the token itself)."""

    id: int
    role: Role
    name: str | None
    prefix: str = Field(description="First characters of the token, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None

    @field_validator("created_at", "revoked_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)


class KeyCreated(KeyOut):
    """A new key, with its token: shown only in this answer."""

    key: str


# -- items and warehouses -----------------------------------------------
#: A scenario in a request body, validated by the library's one path: every
#: field and cross-reference problem is answered located, in the library's words.
ScenarioIn = Annotated[Scenario, WrapValidator(library_validated)]


class ItemIn(Item):
    """An item to add to the catalogue: the fields of a scenario item."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value)


class ItemOut(_Out):
    """An item of the catalogue."""

    id: str
    name: str | None = None
    names: dict[str, str] | None = Field(
        default=None, description="Display names per language (``{en: Tent, zh: 帐篷}``)."
    )
    weight_kg: float
    volume_m3: float


class WarehouseIn(Warehouse):
    """A warehouse to add: the fields of a scenario warehouse, ``stock`` its opening balance."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value)


class WarehouseOut(BaseModel):
    """A warehouse: the scenario fields, ``stock`` being the current on-hand stock."""

    id: str
    name: str | None = None
    lat: float
    lon: float
    stock: dict[str, int] = Field(description="On-hand units per item.")
    available: dict[str, int] = Field(description="On hand minus reserved, per item.")
    fleet: dict[str, int]
    ready_hours: float
    loading_hours: float
    loading_bays: int | None = None


class StockLevel(BaseModel):
    """Stock of one item at one warehouse."""

    on_hand: int = Field(examples=[3000])
    reserved: int = Field(examples=[400])
    available: int = Field(examples=[2600])


class ScenarioImport(BaseModel):
    """Import a scenario's items and warehouses (with their stock as opening balance)."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioIn


class ScenarioToWrite(BaseModel):
    """A scenario to write as a file (``POST /scenarios/render``)."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioIn


class ImportResult(BaseModel):
    """What an import created, what already existed, and the stock new to existing warehouses."""

    created_items: list[str]
    existing_items: list[str]
    created_warehouses: list[str]
    existing_warehouses: list[str]
    added_stock: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="Per existing warehouse, the scenario stock of items it had never held, "
        "received as opening balance ({warehouse: {item: units}}).",
    )


# -- movements ------------------------------------------------------------
MovementKind = Literal["receipt", "issue", "adjustment"]


class MovementIn(BaseModel):
    """A stock movement.

    Receipts add (quantity > 0), issues take out (quantity < 0), adjustments
    correct a count (either sign, not zero).
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"item": "tent", "kind": "receipt", "quantity": 500, "note": "delivery from Xi'an"},
                {"item": "quilt", "kind": "issue", "quantity": -200, "note": "to Hutubi county"},
            ]
        },
    )

    item: Id
    kind: MovementKind
    quantity: Annotated[StrictInt, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
    note: Annotated[str, Field(max_length=2000)] | None = None

    @field_validator("quantity")
    @classmethod
    def _signed(cls, quantity: int, info: ValidationInfo) -> int:
        kind = info.data.get("kind")
        if kind == "receipt" and quantity <= 0:
            raise ValueError("a receipt adds stock: quantity must be positive")
        if kind == "issue" and quantity >= 0:
            raise ValueError("an issue takes stock out: quantity must be negative")
        if quantity == 0:
            raise ValueError("quantity must not be zero")
        return quantity


class MovementOut(_Out):
    """One ledger entry. ``quantity`` changes on-hand stock, ``reserved_change`` reserved stock."""

    id: int
    warehouse: str = Field(validation_alias="warehouse_id")
    item: str = Field(validation_alias="item_id")
    kind: Literal["receipt", "issue", "adjustment", "reserve", "release"]
    quantity: int
    reserved_change: int
    on_hand_after: int
    reserved_after: int
    note: str | None
    plan_id: str | None
    key_id: int | None
    created_at: datetime

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime | None:
        return as_utc(value)

    @classmethod
    def of(cls, row: MovementRow) -> MovementOut:
        """Build from a ledger row."""
        return cls.model_validate(row)


# -- plans ------------------------------------------------------------------
class WarehouseStockPreview(BaseModel):
    """The stock one scenario warehouse would be planned with under ``use_inventory``."""

    id: str
    in_service: bool = Field(
        description="Whether the warehouse exists in the service (else its file stock is used)."
    )
    stock: dict[str, int] = Field(description="Units per scenario item a plan would use now.")
    file_stock: dict[str, int] = Field(description="Units per item in the scenario file.")
    not_held: list[str] = Field(
        description="Items the file stocks here that the service warehouse has never held "
        "(planned with 0; importing the scenario receives them)."
    )


class StockPreview(BaseModel):
    """Per scenario warehouse, the stock a plan with the live inventory would use now."""

    warehouses: list[WarehouseStockPreview]


class PlanRequest(BaseModel):
    """Ask for a plan."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioIn
    use_inventory: bool = Field(
        default=False,
        description="Plan each scenario warehouse that exists in the service with its live "
        "available stock instead of the scenario's.",
    )
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None, description="Solver time limit; capped by the server's maximum."
    )
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0


class ReplanRequest(BaseModel):
    """Ask for a revision of a finished plan (contract §6)."""

    model_config = ConfigDict(extra="forbid")

    events: dict[str, Any] = Field(
        description="The operation's events file up to ``now_hours``: every event since T0, "
        "as ``supplyopt replan`` reads it (a revision of a revision repeats the earlier "
        "events and adds the new ones)."
    )
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None, description="Solver time limit; capped by the server's maximum."
    )
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0


JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
ApprovalState = Literal["approved", "dispatched", "released", "superseded"]


class PlanAccepted(BaseModel):
    """A plan job was queued."""

    id: str = Field(examples=["6f1c2a9e0b7d4f7e9a3c1d2e5f6a7b8c"])
    status: JobStatus = Field(examples=["queued"])


class ReplanSummary(BaseModel):
    """What a revision changed: trips of the previous plan kept, changed, cancelled; new trips."""

    now_hours: float
    kept: int = 0
    changed: int = 0
    cancelled: int = 0
    new: int = 0


class RevisionAccepted(PlanAccepted):
    """A revision job was queued."""

    previous: str = Field(description="The plan it revises.")


class PlanJob(BaseModel):
    """A plan job: its state, progress, and the plan when done."""

    id: str
    status: JobStatus
    progress: float = Field(
        ge=0, le=1, description="Share of the time limit the solve has used (1 when done)."
    )
    message: str | None = None
    elapsed_s: float | None = Field(
        default=None,
        description="Seconds since the job started solving (to when it finished), by the "
        "server's clock; null while queued.",
    )
    use_inventory: bool
    time_limit_s: float
    seed: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    plan: Plan | None = None
    error: str | None = None
    inventory_used: dict[str, dict[str, int]] | None = Field(
        default=None, description="With use_inventory: the available stock planned with."
    )
    approval: ApprovalState | None = Field(
        default=None,
        description="``superseded``: an approved revision took this plan's reservation over "
        "(see ``superseded_by``).",
    )
    reservations: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Units held for this plan, per warehouse and item."
    )
    previous: str | None = Field(default=None, description="The plan this job revises.")
    revisions: list[str] = Field(
        default_factory=list, description="Jobs that revise this plan, oldest first."
    )
    superseded_by: str | None = Field(
        default=None, description="The approved revision that holds this plan's reservation."
    )
    events: dict[str, Any] | None = Field(
        default=None, description="A revision's events file, as submitted."
    )
    replan: ReplanSummary | None = Field(
        default=None, description="A finished revision's counts (the plan's ``replan`` block)."
    )


class PlanListEntry(PlanAccepted):
    """A plan job in the list: enough to tell it apart (scenario, when, how it ended)."""

    scenario_name: str | None = Field(default=None, description="The scenario's name.")
    created_at: datetime | None = None
    coverage_on_time: float | None = Field(
        default=None, description="The plan's on-time coverage (done plans only)."
    )
    approval: ApprovalState | None = None
    previous: str | None = Field(default=None, description="For a revision: the plan it revises.")


class PlanList(BaseModel):
    """Plan jobs, newest first, without their plans; ``next``: the cursor of the following page."""

    plans: list[PlanListEntry]
    next: str | None = Field(
        default=None, description="Pass as `after` for the following page; null on the last."
    )


class AuditEntry(_Out):
    """One audit entry."""

    id: int
    at: datetime
    key_id: int | None
    actor: str | None = Field(
        default=None,
        description="Who acted: `key:<id>`, or `local:<os user>` on the command line.",
    )
    action: str
    target: str
    detail: dict[str, Any]

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime | None:
        return as_utc(value)
