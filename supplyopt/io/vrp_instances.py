"""Readers for standard vehicle routing benchmark files.

Three formats, read into one real-valued :class:`VrpInstance`:

- ``solomon``: Solomon (1987) and Gehring–Homberger VRPTW text files
  (name line, ``VEHICLE`` block, ``CUSTOMER`` table; customer 0 is the depot;
  CRLF or LF line endings). Real-valued Euclidean distances; travel time =
  distance.
- ``vrplib``: VRPLIB/TSPLIB files such as CVRPLIB's X set, read with the
  ``vrplib`` package. Distances follow the file's convention: ``EUC_2D``
  rounds each edge to the nearest integer, ``CEIL_2D`` rounds it up,
  ``EXPLICIT`` takes the matrix as given.
- ``cordeau``: Cordeau, Gendreau & Laporte (1997) MDVRP files (``type m n t``
  line, ``t`` lines ``D Q``, ``n`` customer lines, then ``t`` depot lines).
  Real-valued Euclidean distances; ``D`` (0 = none) limits each route's
  duration (travel + service); ``m`` vehicles per depot.

Locations are stored depots first, then customers; ``numbers`` keeps each
location's number as written in the file (VRPLIB node ids, Solomon customer
numbers, Cordeau ids).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from supplyopt.model.errors import SupplyOptError

VrpFormat = Literal["solomon", "vrplib", "cordeau"]
FORMATS: tuple[VrpFormat, ...] = ("solomon", "vrplib", "cordeau")

#: How real distances are turned into the objective: ``exact`` keeps the
#: real Euclidean value, ``nint`` rounds each edge to the nearest integer,
#: ``ceil`` rounds it up, ``explicit`` uses the file's matrix.
DistanceConvention = Literal["exact", "nint", "ceil", "explicit"]


class VrpInstanceError(SupplyOptError, ValueError):
    """A benchmark file cannot be read; the message names the file and line."""


@dataclass(frozen=True, eq=False)
class VrpInstance:
    """A routing benchmark instance with real values, as written in its file.

    Parameters
    ----------
    name
        Instance name (from the file, else the file stem).
    format
        The file format it was read from.
    coords
        ``(N, 2)`` coordinates, depots first (``num_depots`` rows) then customers.
    numbers
        Each location's number in the file.
    num_depots
        Number of depots (the first rows).
    demand, service_duration, tw_early, tw_late
        Per location (depots: demand 0); ``tw_late`` is ``inf`` when open.
        Service must start within ``[tw_early, tw_late]``; a route must be
        back at its depot by the depot's ``tw_late``.
    capacity
        Vehicle capacity per depot.
    vehicles
        Fleet limit per depot (Cordeau: ``m`` at each depot; Solomon: the
        single depot's ``NUMBER``); ``None`` for the total when the file has
        no limit (VRPLIB without ``VEHICLES``).
    max_duration
        Route duration limit per depot (``inf`` when none).
    distance_convention
        See :data:`DistanceConvention`.
    explicit_distance
        The file's matrix when ``distance_convention == "explicit"``.
    path
        The file read.
    """

    name: str
    format: VrpFormat
    coords: NDArray[np.float64]
    numbers: list[int]
    num_depots: int
    demand: NDArray[np.float64]
    service_duration: NDArray[np.float64]
    tw_early: NDArray[np.float64]
    tw_late: NDArray[np.float64]
    capacity: NDArray[np.float64]
    vehicles: list[int] | None
    max_duration: NDArray[np.float64]
    distance_convention: DistanceConvention
    explicit_distance: NDArray[np.float64] | None = None
    path: str = ""

    @property
    def num_locations(self) -> int:
        """Depots plus customers."""
        return int(self.coords.shape[0])

    @property
    def customers(self) -> range:
        """Location indices of the customers."""
        return range(self.num_depots, self.num_locations)

    @property
    def has_time_windows(self) -> bool:
        """True when any window or service time constrains the schedule."""
        return bool(
            np.isfinite(self.tw_late).any()
            or (self.tw_early > 0).any()
            or np.isfinite(self.max_duration).any()
        )

    def euclidean(self) -> NDArray[np.float64]:
        """``(N, N)`` real Euclidean distances."""
        diff = self.coords[:, None, :] - self.coords[None, :, :]
        return np.asarray(np.sqrt((diff**2).sum(axis=-1)), dtype=np.float64)

    def distance_matrix(self) -> NDArray[np.float64]:
        """``(N, N)`` distances in the file's convention (the objective)."""
        if self.distance_convention == "explicit":
            assert self.explicit_distance is not None
            return self.explicit_distance
        exact = self.euclidean()
        if self.distance_convention == "nint":
            return np.floor(exact + 0.5)
        if self.distance_convention == "ceil":
            return np.ceil(exact)
        return exact

    def travel_matrix(self) -> NDArray[np.float64]:
        """``(N, N)`` travel times: the distances (speed 1), as every format assumes."""
        return self.distance_matrix()


# -- format detection ------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise VrpInstanceError(f"{path}: cannot read file ({err.strerror or err})") from err
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise VrpInstanceError(
            f"{path}: not a text file (invalid UTF-8 at byte {err.start})"
        ) from err


def guess_format(path: str | Path) -> VrpFormat:
    """Tell the format of a benchmark file from its content.

    Raises
    ------
    VrpInstanceError
        When the file cannot be read or matches no known format.
    """
    path = Path(path)
    text = _read_text(path)
    upper = text.upper()
    if "NODE_COORD_SECTION" in upper or "EDGE_WEIGHT_SECTION" in upper or "DIMENSION" in upper:
        return "vrplib"
    if "CUSTOMER" in upper and "VEHICLE" in upper:
        return "solomon"
    first = next((line.split() for line in text.splitlines() if line.strip()), [])
    if len(first) >= 4 and all(_is_int(tok) for tok in first[:4]):
        return "cordeau"
    raise VrpInstanceError(
        f"{path}: unknown file format (expected a Solomon, VRPLIB or Cordeau file; "
        "pass --format to say which)"
    )


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _is_int(token: str) -> bool:
    try:
        int(token)
    except ValueError:
        return False
    return True


def read_vrp_instance(path: str | Path, fmt: VrpFormat | None = None) -> VrpInstance:
    """Read a benchmark file.

    Parameters
    ----------
    path
        The file.
    fmt
        ``"solomon"``, ``"vrplib"`` or ``"cordeau"``; guessed from the content when None.

    Raises
    ------
    VrpInstanceError
        When the file cannot be read or is malformed (the message names the line).
    """
    path = Path(path)
    fmt = fmt or guess_format(path)
    if fmt == "solomon":
        return _read_solomon(path)
    if fmt == "vrplib":
        return _read_vrplib(path)
    if fmt == "cordeau":
        return _read_cordeau(path)
    raise VrpInstanceError(f"{path}: unknown format {fmt!r} (known: {', '.join(FORMATS)})")


# -- Solomon / Gehring–Homberger ------------------------------------------------------


def _floats(path: Path, lineno: int, line: str, count: int, what: str) -> list[float]:
    tokens = line.split()
    if len(tokens) < count:
        raise VrpInstanceError(
            f"{path}:{lineno}: {what} needs {count} numbers, found {len(tokens)}: {line.strip()!r}"
        )
    try:
        values = [float(tok) for tok in tokens[:count]]
    except ValueError as err:
        raise VrpInstanceError(f"{path}:{lineno}: {what}: {err}") from err
    if not all(math.isfinite(v) for v in values):
        raise VrpInstanceError(f"{path}:{lineno}: {what}: values must be finite")
    return values


def _read_solomon(path: Path) -> VrpInstance:
    lines = _read_text(path).splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if not numbered:
        raise VrpInstanceError(f"{path}: empty file")
    name = numbered[0][1].strip()
    upper = [line.upper() for _, line in numbered]
    try:
        veh_at = next(i for i, u in enumerate(upper) if u.strip().startswith("NUMBER"))
        cust_at = next(i for i, u in enumerate(upper) if u.strip().startswith("CUSTOMER"))
    except StopIteration:
        raise VrpInstanceError(
            f"{path}: not a Solomon file (no 'NUMBER CAPACITY' line or 'CUSTOMER' block)"
        ) from None
    # Skip the column header ("CUST NO.  XCOORD. ...") after the CUSTOMER keyword.
    while cust_at + 1 < len(numbered) and not _is_number(numbered[cust_at + 1][1].split()[0]):
        cust_at += 1
    if veh_at + 1 >= len(numbered):
        raise VrpInstanceError(f"{path}: missing the vehicle NUMBER and CAPACITY line")
    lineno, line = numbered[veh_at + 1]
    number, capacity = _floats(path, lineno, line, 2, "vehicle NUMBER and CAPACITY")
    if number < 1 or number != int(number) or capacity <= 0:
        raise VrpInstanceError(
            f"{path}:{lineno}: vehicle NUMBER must be a positive integer and CAPACITY positive"
        )
    rows: list[list[float]] = []
    for lineno, line in numbered[cust_at + 1 :]:
        rows.append(_floats(path, lineno, line, 7, "customer line"))
    if len(rows) < 2:
        raise VrpInstanceError(f"{path}: needs the depot (customer 0) and at least one customer")
    data = np.array(rows)
    numbers = [int(v) for v in data[:, 0]]
    if numbers[0] != 0:
        raise VrpInstanceError(f"{path}: the first customer line must be the depot, number 0")
    if len(set(numbers)) != len(numbers):
        raise VrpInstanceError(f"{path}: customer numbers are not unique")
    if (data[:, 3] < 0).any() or (data[:, 6] < 0).any():
        raise VrpInstanceError(f"{path}: demands and service times must be non-negative")
    bad = np.flatnonzero(data[:, 4] > data[:, 5])
    if bad.size:
        raise VrpInstanceError(f"{path}: customer {numbers[bad[0]]}: READY TIME after DUE DATE")
    return VrpInstance(
        name=name,
        format="solomon",
        coords=data[:, 1:3].copy(),
        numbers=numbers,
        num_depots=1,
        demand=data[:, 3].copy(),
        service_duration=data[:, 6].copy(),
        tw_early=data[:, 4].copy(),
        tw_late=data[:, 5].copy(),
        capacity=np.array([capacity]),
        vehicles=[int(number)],
        max_duration=np.array([math.inf]),
        distance_convention="exact",
        path=str(path),
    )


# -- VRPLIB ---------------------------------------------------------------------------


def _read_vrplib(path: Path) -> VrpInstance:
    import vrplib  # the one place the vrplib package is used

    _read_text(path)  # uniform message for unreadable files
    try:
        data = vrplib.read_instance(str(path), compute_edge_weights=False)
    except Exception as err:  # vrplib raises many kinds on malformed text
        raise VrpInstanceError(f"{path}: not a readable VRPLIB file ({err})") from err
    missing = [k for k in ("dimension", "capacity", "demand", "depot") if k not in data]
    if missing:
        raise VrpInstanceError(f"{path}: VRPLIB file lacks {', '.join(missing).upper()}")
    dimension = int(data["dimension"])
    weight_type = str(data.get("edge_weight_type", "")).upper()
    conventions: dict[str, DistanceConvention] = {
        "EUC_2D": "nint",
        "CEIL_2D": "ceil",
        "EXACT_2D": "exact",
        "EXPLICIT": "explicit",
    }
    if weight_type not in conventions:
        raise VrpInstanceError(
            f"{path}: EDGE_WEIGHT_TYPE {weight_type or '(missing)'} is not supported "
            "(supported: EUC_2D, CEIL_2D, EXACT_2D, EXPLICIT)"
        )
    convention = conventions[weight_type]
    if "node_coord" in data:
        coords = np.asarray(data["node_coord"], dtype=np.float64)
    elif convention == "explicit":
        coords = np.zeros((dimension, 2))
    else:
        raise VrpInstanceError(f"{path}: NODE_COORD_SECTION is missing")
    depots = [int(d) for d in np.atleast_1d(data["depot"])]
    if not depots or any(not 0 <= d < dimension for d in depots):
        raise VrpInstanceError(f"{path}: DEPOT_SECTION must name nodes 1..{dimension}")
    order = depots + [i for i in range(dimension) if i not in set(depots)]
    demand = np.asarray(data["demand"], dtype=np.float64)
    if demand.shape != (dimension,) or coords.shape != (dimension, 2):
        raise VrpInstanceError(f"{path}: section lengths do not match DIMENSION {dimension}")
    if (demand < 0).any():
        raise VrpInstanceError(f"{path}: demands must be non-negative")
    service = np.asarray(data.get("service_time", np.zeros(dimension)), dtype=np.float64)
    service = np.broadcast_to(service, (dimension,))
    if "time_window" in data:
        tw = np.asarray(data["time_window"], dtype=np.float64)
        early, late = tw[:, 0], tw[:, 1]
    else:
        early, late = np.zeros(dimension), np.full(dimension, math.inf)
    explicit = None
    if convention == "explicit":
        if "edge_weight" not in data:
            raise VrpInstanceError(f"{path}: EDGE_WEIGHT_SECTION is missing")
        explicit = np.asarray(data["edge_weight"], dtype=np.float64)[np.ix_(order, order)]
    vehicles = [int(data["vehicles"])] if "vehicles" in data else None
    limit = float(data["distance"]) if "distance" in data else math.inf
    return VrpInstance(
        name=str(data.get("name", path.stem)),
        format="vrplib",
        coords=coords[order],
        numbers=[i + 1 for i in order],
        num_depots=len(depots),
        demand=demand[order],
        service_duration=np.array(service[order], dtype=np.float64),
        tw_early=early[order],
        tw_late=late[order],
        capacity=np.full(len(depots), float(data["capacity"])),
        vehicles=vehicles if len(depots) == 1 else None,
        max_duration=np.full(len(depots), limit),
        distance_convention=convention,
        explicit_distance=explicit,
        path=str(path),
    )


# -- Cordeau MDVRP ------------------------------------------------------------------


def _read_cordeau(path: Path) -> VrpInstance:
    numbered = [(i + 1, line) for i, line in enumerate(_read_text(path).splitlines())]
    numbered = [(n, line) for n, line in numbered if line.strip()]
    if not numbered:
        raise VrpInstanceError(f"{path}: empty file")
    lineno, line = numbered[0]
    kind, m, n, t = (int(v) for v in _floats(path, lineno, line, 4, "header 'type m n t'"))
    if kind != 2:
        raise VrpInstanceError(f"{path}:{lineno}: problem type {kind} is not MDVRP (type 2)")
    if m < 1 or n < 1 or t < 1:
        raise VrpInstanceError(f"{path}:{lineno}: m, n and t must be positive")
    if len(numbered) < 1 + t + n + t:
        raise VrpInstanceError(
            f"{path}: expected {1 + t + n + t} non-empty lines (header, {t} depot limits, "
            f"{n} customers, {t} depots), found {len(numbered)}"
        )
    limits = [_floats(path, ln, li, 2, "depot limits 'D Q'") for ln, li in numbered[1 : 1 + t]]
    cust = [_floats(path, ln, li, 5, "customer line") for ln, li in numbered[1 + t : 1 + t + n]]
    depot_lines = numbered[1 + t + n : 1 + 2 * t + n]
    deps = [_floats(path, ln, li, 3, "depot line") for ln, li in depot_lines]
    rows = deps + cust
    numbers = [int(r[0]) for r in rows]
    if len(set(numbers)) != len(numbers):
        raise VrpInstanceError(f"{path}: customer and depot numbers are not unique")
    coords = np.array([r[1:3] for r in rows], dtype=np.float64)
    service = np.array([r[3] if len(r) > 3 else 0.0 for r in deps] + [r[3] for r in cust])
    demand = np.array([0.0] * t + [r[4] for r in cust])
    if (demand < 0).any() or (service < 0).any():
        raise VrpInstanceError(f"{path}: demands and service durations must be non-negative")
    max_duration = np.array([lim[0] if lim[0] > 0 else math.inf for lim in limits])
    capacity = np.array([lim[1] for lim in limits])
    if (capacity <= 0).any():
        raise VrpInstanceError(f"{path}: vehicle capacities Q must be positive")
    return VrpInstance(
        name=path.stem,
        format="cordeau",
        coords=coords,
        numbers=numbers,
        num_depots=t,
        demand=demand,
        service_duration=service,
        tw_early=np.zeros(t + n),
        tw_late=np.full(t + n, math.inf),
        capacity=capacity,
        vehicles=[m] * t,
        max_duration=max_duration,
        distance_convention="exact",
        path=str(path),
    )
