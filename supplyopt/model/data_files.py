"""Find data files a scenario names by a relative path (OSM extracts)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import MissingDataError
from .problems import Problem

#: Environment variable naming the shared data folder (the one holding ``osm/``).
SHARED_DATA_ENV = "SUPPLYOPT_SHARED_DATA"
_SHARED_MARKER = ("shared", "data")
#: Where the documentation says how to get an OSM extract.
OSM_EXTRACTS_DOC = 'docs/roads-and-disruptions.md, section "Where OSM extracts come from"'


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


def require_road_file(file: str, base_dir: Path | None, *, source: str | None = None) -> Path:
    """The existing path of the road data file ``roads.file`` names.

    Parameters
    ----------
    file
        The path as the scenario gives it.
    base_dir
        The scenario file's folder, which a relative path is relative to
        (the working directory when ``None``).
    source
        The scenario file, for the message.

    Raises
    ------
    MissingDataError
        Naming every path tried and where the documentation says how to get
        an extract.
    """
    found, tried = locate_data_file(file, base_dir)
    if found is not None:
        return found
    shown = ", ".join(str(t) for t in tried)
    relative_to = "the scenario file" if base_dir is not None else "the working directory"
    message = (
        f"no such file {file!r} (tried {shown}; a relative path is relative to {relative_to}; "
        f"set {SHARED_DATA_ENV} to the folder holding the shared data's osm/ to find the "
        f"bundled extracts); how to get an extract: {OSM_EXTRACTS_DOC}"
    )
    raise MissingDataError([Problem(("roads", "file"), message)], source=source)
