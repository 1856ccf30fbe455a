"""The plan: trips with timed stops, what is left unmet and why, and KPIs.

Mirrors section 2 of the public contract. A plan is plain data; it is built
by a solver and can be read back from a plan file and re-checked with
:func:`supplyopt.check_plan`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class UnmetReason(StrEnum):
    """Why an (area, item) is left short.

    ``stock``: every unit of the item that could reach the area in time was
    used elsewhere or does not exist. ``fleet``: stock that could reach the
    area in time was left in a warehouse because no vehicle or loading bay was
    free to carry it in time. ``deadline``: the area can be reached, but not
    by the deadline from any warehouse holding the item. ``unreachable``: no
    road connects any warehouse holding the item to the area.
    ``not_served`` (an extension of the contract's list): none of these binds —
    stock, vehicles and time were there, and this plan did not use them for it
    (``Unmet.detail`` names the vehicle or warehouse that could have).
    """

    STOCK = "stock"
    FLEET = "fleet"
    DEADLINE = "deadline"
    UNREACHABLE = "unreachable"
    NOT_SERVED = "not_served"


class _Data(BaseModel):
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class Stop(_Data):
    """One visit of a trip: where, when it arrives, and what it unloads."""

    area: str
    arrive_hours: float
    deliver: dict[str, int]


class Transfer(_Data):
    """Stock a trip carries to another warehouse instead of to areas (an extension).

    The vehicle loads at its trip's ``warehouse``, drives to ``warehouse``
    here, arrives at ``arrive_hours`` and unloads ``deliver`` into that
    warehouse's stock, in one of its loading bays for its ``loading_hours``;
    the unloading ends at the trip's ``return_hours``, and the units can be
    loaded there by loadings that start at or after it.
    """

    warehouse: str
    arrive_hours: float
    deliver: dict[str, int]


class Trip(_Data):
    """One loading at a warehouse and the stops that follow.

    ``based_at`` and ``empty_km`` extend the contract: they are present when
    the vehicle is based at another warehouse and was driven empty from
    there (``empty_km``, counted on its first trip at this warehouse) to
    load here. ``distance_km`` is the loaded round trip alone.

    ``transfer`` (an extension) makes the trip a stock transfer: no stops,
    the load taken to another warehouse (:class:`Transfer`); ``distance_km``
    is then the drive there and ``return_hours`` the end of the unloading,
    after which the vehicle is at that warehouse.
    """

    vehicle: str
    warehouse: str
    vehicle_type: str
    load_start_hours: float
    depart_hours: float
    stops: list[Stop]
    return_hours: float
    distance_km: float
    based_at: str | None = None
    empty_km: float | None = None
    transfer: Transfer | None = None

    @property
    def base(self) -> str:
        """The warehouse the vehicle is based at: ``based_at``, else this trip's warehouse."""
        return self.based_at or self.warehouse

    @property
    def ends_at(self) -> str:
        """The warehouse the vehicle is at after the trip: a transfer's, else this trip's."""
        return self.transfer.warehouse if self.transfer is not None else self.warehouse


class Unmet(_Data):
    """Units of one item an area does not get by the deadline, and why."""

    area: str
    item: str
    quantity: int
    reason: UnmetReason
    detail: str | None = None


class Summary(_Data):
    """Key figures of a plan (see contract section 2 for the definitions).

    ``distance_km`` is everything driven: the trips' ``distance_km`` plus
    their ``empty_km``. ``time_limited`` (an extension of the contract) is
    True when the time limit or a stop request cut the search short (the
    plan's ``notes`` say what was cut); absent otherwise.
    """

    demand_units: int = 0
    delivered_units: int = 0
    on_time_units: int = 0
    coverage_on_time: float = 0.0
    weighted_coverage_on_time: float = 0.0
    min_area_coverage: float = 0.0
    makespan_hours: float = 0.0
    vehicles_used: int = 0
    distance_km: float = 0.0
    solve_seconds: float = 0.0
    time_limited: bool | None = None


PlanStatus = Literal["complete", "partial", "empty"]


class LotEntry(_Data):
    """A demand lot in force during an operation (contract §6)."""

    area: str
    item: str
    quantity: int
    due_hours: float


class Change(_Data):
    """What a revision changed for one vehicle, in one readable sentence.

    ``what`` is English; ``kind`` (``rerouted``, ``retimed``, ``reloaded``,
    ``cancelled``, ``new``, ``down``) and ``trips`` (the vehicle's trips it is
    about, by ``load_start_hours`` in the revised plan or, when cancelled,
    the previous one) let a page say it in another language.
    """

    vehicle: str
    what: str
    kind: str | None = None


class Replan(_Data):
    """The ``replan`` block of a revised plan (contract §6).

    ``kept``, ``changed``, ``cancelled`` and ``new`` count trips: the
    previous plan's trips kept verbatim, kept but changed (stops, loads or
    times), dropped, and trips the previous plan did not have.
    ``previous`` (an extension) names the plan revised when known.
    """

    now_hours: float
    lots: list[LotEntry] = Field(default_factory=list)
    kept: int = 0
    changed: int = 0
    cancelled: int = 0
    new: int = 0
    changes: list[Change] = Field(default_factory=list)
    previous: str | None = None


class Plan(_Data):
    """A relief plan: the contract's plan file as a typed object."""

    scenario: str
    deadline_hours: float
    status: PlanStatus
    summary: Summary
    trips: list[Trip] = Field(default_factory=list)
    unmet: list[Unmet] = Field(default_factory=list)
    seed: int | None = None
    time_limit_s: float | None = None
    notes: list[str] = Field(default_factory=list)
    replan: Replan | None = None

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialise to the plan file format (UTF-8 text, names unescaped)."""
        return self.model_dump_json(indent=indent, exclude_none=True)
