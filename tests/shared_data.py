"""The shared data folder in tests: its files, or a skip that says how to provide them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from benchmarks.shared_data import shared_data

if TYPE_CHECKING:
    from supplyopt import Scenario

__all__ = ["andorra_scenario", "shared_data", "shared_dir", "shared_file"]


def shared_dir(relative: str = "") -> Path:
    """A folder of the shared data (the whole of it by default), or skip the test."""
    path = shared_data() / relative
    if not path.is_dir():
        pytest.skip(
            f"shared data folder {relative or '.'} not found under {shared_data()} "
            "(set SUPPLYOPT_SHARED_DATA to the shared data folder)"
        )
    return path


def shared_file(relative: str) -> Path:
    """A file of the shared data, or skip the test with a clear message."""
    path = shared_data() / relative
    if not path.is_file():
        pytest.skip(
            f"shared data file {relative} not found under {shared_data()} "
            "(set SUPPLYOPT_SHARED_DATA to the shared data folder)"
        )
    return path


def andorra_scenario() -> Scenario:
    """The bundled Andorra flood scenario on the shared OSM extract, or skip the test.

    The scenario names its extract relative to the repository; reading it with
    ``SUPPLYOPT_SHARED_DATA`` set finds the shared folder from any checkout.
    """
    import supplyopt

    shared_file("osm/andorra_2013.osm.bz2")
    patch = pytest.MonkeyPatch()
    patch.setenv("SUPPLYOPT_SHARED_DATA", str(shared_data()))
    try:
        return supplyopt.read_scenario(
            Path(__file__).resolve().parents[1] / "scenarios" / "andorra-flood.yaml"
        )
    finally:
        patch.undo()
