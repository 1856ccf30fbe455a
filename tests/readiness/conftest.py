"""The tiny region of the readiness tests, as plain data and parsed."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from supplyopt.readiness import Region, parse_region

DATA = Path(__file__).resolve().parent / "data"
TINY_REGION = DATA / "tiny-region.yaml"


@functools.cache
def _tiny() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TINY_REGION.read_text(encoding="utf-8"))
    return data


def tiny_region_data() -> dict[str, Any]:
    """The tiny region as plain data (a fresh copy)."""
    return copy.deepcopy(_tiny())


@pytest.fixture
def tiny_region() -> Region:
    """The tiny region, parsed."""
    return parse_region(tiny_region_data())
