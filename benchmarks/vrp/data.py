"""Where the benchmark instances and best-known solutions are, and which sets exist."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..shared_data import shared_data

#: Instance sets: folder under the shared data directory, file suffix.
SETS: dict[str, tuple[str, str]] = {
    "solomon": ("vrptw/solomon_100", ".txt"),
    "gh200": ("vrptw/gehring_homberger_200", ".txt"),
    "x": ("cvrp/X", ".vrp"),
    "cordeau": ("mdvrp/cordeau", ".txt"),
}

#: The 12 Solomon instances of the issue's reference figures (two per class).
SOLOMON_12 = (
    "C101",
    "C105",
    "C201",
    "C205",
    "R101",
    "R105",
    "R201",
    "R205",
    "RC101",
    "RC105",
    "RC201",
    "RC205",
)

#: Three small instances for the CI smoke run (VRPTW, CVRP, MDVRP).
SMOKE = (("solomon", "C101"), ("x", "X-n101-k25"), ("cordeau", "p01"))


class DataMissingError(FileNotFoundError):
    """The shared benchmark data folder is not there."""


def shared_data_dir() -> Path:
    """``$SUPPLYOPT_SHARED_DATA`` or ``../shared/data`` next to the repository.

    Raises
    ------
    DataMissingError
        When the folder does not exist.
    """
    path = shared_data()
    if not path.is_dir():
        raise DataMissingError(
            f"benchmark data folder {path} not found: set SUPPLYOPT_SHARED_DATA to the folder "
            "holding vrptw/, cvrp/ and mdvrp/ (see benchmarks/vrp/README.md)"
        )
    return path.resolve()


@dataclass(frozen=True)
class Bks:
    """Best-known solution of an instance: route count (if known) and distance."""

    vehicles: int | None
    distance: float


def set_dir(name: str) -> Path:
    """Return the folder of instance set ``name``."""
    return shared_data_dir() / SETS[name][0]


def instance_path(set_name: str, instance: str) -> Path:
    """Return the file of ``instance`` in set ``set_name``."""
    return set_dir(set_name) / f"{instance}{SETS[set_name][1]}"


def list_instances(set_name: str) -> list[str]:
    """Every instance name of a set, sorted."""
    suffix = SETS[set_name][1]
    return sorted(p.stem for p in set_dir(set_name).glob(f"*{suffix}") if p.stem != "bks")


def bks_file(set_name: str) -> Path:
    """Return the reference file of a set: distance-only BKS where the data has them.

    ``solve-vrp`` minimises distance within the fleet limit, so for Solomon the
    distance-only best known values are the fair reference; the other sets
    only have their usual BKS (hierarchical for Gehring-Homberger: fewest
    vehicles first, so a distance-minimising solver can go below them).
    """
    distance_only = set_dir(set_name) / "bks_distance_only.csv"
    return distance_only if distance_only.is_file() else set_dir(set_name) / "bks.csv"


def read_bks(set_name: str) -> dict[str, Bks]:
    """Read the set's reference values (see :func:`bks_file`), upper-case instance names."""
    out: dict[str, Bks] = {}
    with bks_file(set_name).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            vehicles = int(row["vehicles"]) if row["vehicles"] else None
            out[row["instance"].upper()] = Bks(vehicles, float(row["distance"]))
    return out
