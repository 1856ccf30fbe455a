"""The shared data folder in tests: its files, or a skip that says how to provide them."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.shared_data import shared_data

__all__ = ["shared_data", "shared_dir", "shared_file"]


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
