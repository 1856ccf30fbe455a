"""Locate the shared data folder (../shared/data next to the repository, or $SUPPLYOPT_SHARED_DATA)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """The shared data folder; may not exist."""
    configured = os.environ.get("SUPPLYOPT_SHARED_DATA")
    return Path(configured) if configured else ROOT / ".." / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of the shared data, or skip the test with a clear message."""
    path = shared_data() / relative
    if not path.is_file():
        pytest.skip(
            f"shared data file {relative} not found under {shared_data()} "
            "(set SUPPLYOPT_SHARED_DATA to the shared data folder)"
        )
    return path
