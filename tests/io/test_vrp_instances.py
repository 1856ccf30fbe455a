"""Readers of Solomon / Gehring-Homberger, VRPLIB and Cordeau benchmark files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from supplyopt.io.vrp_instances import VrpInstanceError, guess_format, read_vrp_instance
from tests.shared_data import shared_dir

from .vrp_texts import CORDEAU, SOLOMON, VRPLIB, write


def test_solomon_crlf_parsed(tmp_path: Path) -> None:
    """A CRLF Solomon file gives the depot first, fleet, capacity, windows and services."""
    inst = read_vrp_instance(write(tmp_path, "t.txt", SOLOMON))
    assert inst.format == "solomon"
    assert inst.name == "TINY1"
    assert inst.numbers == [0, 1, 2, 3]
    assert inst.vehicles == [2]
    assert inst.capacity.tolist() == [10.0]
    assert inst.tw_early.tolist() == [0, 0, 10, 0]
    assert inst.tw_late.tolist() == [100, 50, 60, 40]
    assert inst.service_duration.tolist() == [0, 2, 2, 1]
    assert inst.distance_convention == "exact"
    assert inst.distance_matrix()[0, 1] == pytest.approx(5.0)


def test_vrplib_rounds_to_nearest(tmp_path: Path) -> None:
    """VRPLIB EUC_2D distances are rounded per edge; node ids are kept as numbers."""
    inst = read_vrp_instance(write(tmp_path, "t.vrp", VRPLIB))
    assert inst.format == "vrplib"
    assert inst.numbers == [1, 2, 3, 4]
    assert inst.vehicles is None
    dist = inst.distance_matrix()
    assert dist[0, 3] == 10.0  # sqrt(101) = 10.05 -> 10
    assert dist[1, 3] == 6.0  # sqrt(4 + 36) = 6.32 -> 6


def test_cordeau_depots_first_with_limits(tmp_path: Path) -> None:
    """Cordeau depot lines (at the end) become the first locations; D, Q, m per depot."""
    inst = read_vrp_instance(write(tmp_path, "p00.txt", CORDEAU))
    assert inst.format == "cordeau"
    assert inst.num_depots == 2
    assert inst.numbers == [4, 5, 1, 2, 3]
    assert inst.vehicles == [1, 1]
    assert inst.max_duration.tolist() == [40.0, 40.0]
    assert inst.capacity.tolist() == [10.0, 10.0]
    assert inst.demand.tolist() == [0, 0, 4, 4, 5]
    assert inst.service_duration.tolist() == [0, 0, 2, 2, 1]
    assert inst.coords[1].tolist() == [10.0, 10.0]


def test_cordeau_zero_duration_means_unlimited(tmp_path: Path) -> None:
    """A route duration limit D of 0 means no limit."""
    text = CORDEAU.replace("40 10\n40 10", "0 10\n0 10")
    inst = read_vrp_instance(write(tmp_path, "p00.txt", text))
    assert all(math.isinf(v) for v in inst.max_duration)


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [("a.txt", SOLOMON, "solomon"), ("b.vrp", VRPLIB, "vrplib"), ("c.txt", CORDEAU, "cordeau")],
)
def test_format_guessed_from_content(tmp_path: Path, name: str, text: str, fmt: str) -> None:
    """The format is told from the content, not the file name."""
    assert guess_format(write(tmp_path, name, text)) == fmt


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("hello world\n", None, "unknown file format"),
        (SOLOMON.replace("  2         10", "  2"), "solomon", "NUMBER and CAPACITY"),
        (SOLOMON.replace("    3      0         10", "    3      0         x"), "solomon", ":13:"),
        (SOLOMON.replace("    0      0          0", "    9      0          0"), "solomon", "depot"),
        (SOLOMON.replace("10         60", "70         60"), "solomon", "READY TIME after"),
        (CORDEAU.replace("2 1 3 2", "4 1 3 2"), "cordeau", "not MDVRP"),
        (CORDEAU.replace("5 10 10 0 0 0 0\n", ""), "cordeau", "non-empty lines"),
        (CORDEAU.replace("1 3 4 2 4", "1 3 4 2 -4"), "cordeau", "non-negative"),
        (VRPLIB.replace("EUC_2D", "GEO"), "vrplib", "EDGE_WEIGHT_TYPE GEO"),
        (VRPLIB.replace("CAPACITY : 10\n", ""), "vrplib", "CAPACITY"),
    ],
)
def test_malformed_files_refused(tmp_path: Path, text: str, fmt: str | None, message: str) -> None:
    """Each file with one defect is refused with a message naming it."""
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(VrpInstanceError, match=message):
        read_vrp_instance(path, fmt)  # type: ignore[arg-type]


def test_missing_and_binary_files_refused(tmp_path: Path) -> None:
    """A missing file or a non-UTF-8 file is a VrpInstanceError (also a ValueError)."""
    with pytest.raises(ValueError, match="cannot read"):
        read_vrp_instance(tmp_path / "nope.txt", "solomon")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(VrpInstanceError, match="UTF-8"):
        read_vrp_instance(tmp_path / "bin.txt")


@pytest.mark.parametrize(
    ("folder", "fmt", "count"),
    [
        ("vrptw/solomon_100", "solomon", 56),
        ("vrptw/gehring_homberger_200", "solomon", 60),
        ("mdvrp/cordeau", "cordeau", 33),
        ("cvrp/X", "vrplib", 14),
    ],
)
def test_every_shared_file_reads(folder: str, fmt: str, count: int) -> None:
    """Every shared benchmark file is read, with its format guessed, and is consistent."""
    files = sorted(p for p in (shared_dir() / folder).iterdir() if p.suffix in (".txt", ".vrp"))
    assert len(files) == count
    for path in files:
        inst = read_vrp_instance(path)
        assert inst.format == fmt
        assert inst.vehicles is None or sum(inst.vehicles) >= 1
        n_customers = inst.num_locations - inst.num_depots
        assert len(set(inst.numbers)) == inst.num_locations
        assert n_customers >= 48
        assert (inst.demand[inst.num_depots :] > 0).all()
        assert np.isfinite(inst.coords).all()


def test_shared_cordeau_header_values() -> None:
    """p08 has 2 depots, 14 vehicles each, route limit 310 and capacity 500."""
    inst = read_vrp_instance(shared_dir() / "mdvrp" / "cordeau" / "p08.txt")
    assert (inst.num_depots, inst.num_locations) == (2, 251)
    assert inst.vehicles == [14, 14]
    assert inst.max_duration.tolist() == [310.0, 310.0]
    assert inst.capacity.tolist() == [500.0, 500.0]
    assert inst.numbers[:2] == [250, 251]
