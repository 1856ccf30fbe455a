"""Database tables (SQLAlchemy 2 declarative). Alembic migrations create them.

The inventory is an append-only ledger (``movements``; triggers refuse
UPDATE and DELETE) plus one balance row per warehouse and item (``stock``)
updated in the same transaction, whose CHECK constraints make negative
on-hand or available stock impossible whatever the application does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("viewer", "planner", "manager", "admin")
MOVEMENT_KINDS = ("receipt", "issue", "adjustment", "reserve", "release")
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
APPROVAL_STATES = ("approved", "dispatched", "released", "superseded")
TRANSFER_STATES = ("draft", "approved", "rejected")

#: Auto-incrementing 64-bit key (SQLite only auto-increments ``INTEGER PRIMARY KEY``).
BigId = BigInteger().with_variant(Integer(), "sqlite")
Ident = String(200)


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names (for migrations)."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class ApiKey(Base):
    """An API key: only the SHA-256 of the token is stored."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class ItemRow(Base):
    """An item of the catalogue (same fields as a scenario item)."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("weight_kg > 0", name="weight_positive"),
        CheckConstraint("volume_m3 > 0", name="volume_positive"),
    )

    id: Mapped[str] = mapped_column(Ident, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    names: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    weight_kg: Mapped[float] = mapped_column(Float)
    volume_m3: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WarehouseRow(Base):
    """A reserve warehouse (scenario fields except stock, which lives in the ledger)."""

    __tablename__ = "warehouses"

    id: Mapped[str] = mapped_column(Ident, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    fleet: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ready_hours: Mapped[float] = mapped_column(Float, default=0.0)
    loading_hours: Mapped[float] = mapped_column(Float, default=0.0)
    loading_bays: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StockRow(Base):
    """The balance of one item at one warehouse; never negative (CHECK constraints)."""

    __tablename__ = "stock"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        CheckConstraint("reserved >= 0", name="reserved_non_negative"),
        CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    )

    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)


class MovementRow(Base):
    """One ledger entry: a change of on-hand and/or reserved stock. Append-only."""

    __tablename__ = "movements"
    __table_args__ = (CheckConstraint(_in("kind", MOVEMENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"))
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(BigInteger)
    reserved_change: Mapped[int] = mapped_column(BigInteger, default=0)
    on_hand_after: Mapped[int] = mapped_column(BigInteger)
    reserved_after: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[str | None] = mapped_column(String(32))
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRow(Base):
    """The first answer to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanJobRow(Base):
    """A plan job: the submitted scenario, its progress, result and approval state.

    A revision (``POST /plans/{id}/replan``) names the plan it revises in
    ``previous_id`` and keeps the events file it was asked with in ``events``;
    a plan whose approval passed to an approved revision names that revision
    in ``superseded_by`` (its approval is then ``superseded``).

    A running job is leased: ``lease_owner`` (the worker) holds it until
    ``lease_expires_at`` and renews that while it solves; ``attempts`` counts
    its claims, so a job whose workers keep dying is failed, not retried forever.
    """

    __tablename__ = "plan_jobs"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint(f"approval IS NULL OR {_in('approval', APPROVAL_STATES)}", name="approval"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    scenario: Mapped[dict[str, Any]] = mapped_column()
    use_inventory: Mapped[bool] = mapped_column(Boolean)
    time_limit_s: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    inventory_used: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    approval: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    previous_id: Mapped[str | None] = mapped_column(ForeignKey("plan_jobs.id"), index=True)
    events: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    superseded_by: Mapped[str | None] = mapped_column(ForeignKey("plan_jobs.id"))
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReadinessJobRow(Base):
    """A readiness job (contract §7 on the live inventory): its request, progress and result.

    Leased like a plan job (same status, lease and attempt columns; see
    :mod:`supplyopt_service.leases`). ``request`` is the region without its
    warehouses, the samples, seed, per-sample time limit and move budget;
    ``inventory_used`` the live warehouses and stock the run started with.
    """

    __tablename__ = "readiness_jobs"
    __table_args__ = (CheckConstraint(_in("status", JOB_STATUSES), name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    request: Mapped[dict[str, Any]] = mapped_column()
    samples: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    time_limit_s: Mapped[float] = mapped_column(Float)
    move_budget_units: Mapped[int | None] = mapped_column(BigInteger)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    inventory_used: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TransferRow(Base):
    """A stock transfer between two warehouses: drafted by a planner, approved by a manager.

    Approving books an issue at ``source_id`` and a receipt at ``target_id``
    in one transaction (``issue_id``, ``receipt_id``: the ledger entries).
    """

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint(_in("status", TRANSFER_STATES), name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("source_id <> target_id", name="distinct_warehouses"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"))
    target_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"))
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    readiness_id: Mapped[str | None] = mapped_column(ForeignKey("readiness_jobs.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("movements.id"))


class ReservationRow(Base):
    """Units an approved plan holds at one warehouse for one item."""

    __tablename__ = "reservations"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan_jobs.id"), primary_key=True)
    warehouse_id: Mapped[str] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger)


class AuditRow(Base):
    """Who changed what, when: one row per change, written in the change's transaction.

    Append-only: triggers refuse UPDATE and DELETE (migration 0004). ``actor``
    names who acted (``key:<id>`` or, on the command line, ``local:<os user>``).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str | None] = mapped_column(String(200))
