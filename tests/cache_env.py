"""Keep the OSM network cache of a test session in a temporary folder (used by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point SUPPLYOPT_CACHE_DIR at a session temp folder (never the user's cache)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("SUPPLYOPT_CACHE_DIR", str(tmp_path_factory.mktemp("supplyopt-cache")))
    yield
    patch.undo()
