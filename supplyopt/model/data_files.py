"""Find data files a scenario names by a relative path (OSM extracts)."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the shared data folder (the one holding ``osm/``).
SHARED_DATA_ENV = "SUPPLYOPT_SHARED_DATA"
_SHARED_MARKER = ("shared", "data")


def candidate_paths(file: str, base_dir: Path | None) -> list[Path]:
    """Where a scenario's data file may be, in the order they are tried.

    An absolute path is taken as is. A relative path is tried relative to
    ``base_dir`` (the scenario file's folder; the working directory when
    ``None``). When it runs through a ``shared/data`` folder
    (``../../shared/data/osm/x.osm.bz2``) and the environment variable
    ``SUPPLYOPT_SHARED_DATA`` is set, the part after ``shared/data`` is also
    tried under that folder, so a bundled scenario finds the shared extracts
    from any checkout.
    """
    path = Path(file).expanduser()
    if path.is_absolute():
        return [path]
    candidates = [(base_dir or Path.cwd()) / path]
    shared = os.environ.get(SHARED_DATA_ENV)
    parts = path.parts
    for idx in range(len(parts) - 1):
        if parts[idx : idx + 2] == _SHARED_MARKER and shared:
            candidates.append(Path(shared).expanduser().joinpath(*parts[idx + 2 :]))
            break
    return candidates


def locate_data_file(file: str, base_dir: Path | None) -> tuple[Path | None, list[Path]]:
    """The first existing candidate path (or ``None``) and every path tried."""
    tried = candidate_paths(file, base_dir)
    for path in tried:
        if path.is_file():
            return path.resolve(), tried
    return None, tried
