"""Where the shared data folder is (OSM extracts, VRP instances): one definition for benchmarks and tests."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the shared data folder.
SHARED_DATA_ENV = "SUPPLYOPT_SHARED_DATA"
ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    """``$SUPPLYOPT_SHARED_DATA``, else ``../shared/data`` next to the repository; may not exist."""
    configured = os.environ.get(SHARED_DATA_ENV)
    return Path(configured) if configured else ROOT / ".." / "shared" / "data"
