"""The scenarios bundled with supplyopt."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SCENARIO = "hutubi-earthquake"
DEFAULT_REGION = "changji-region"
#: Region files (contract §7) end their stem with this; they are not scenarios.
REGION_SUFFIX = "-region"


def _scenario_dir() -> Path:
    installed = Path(__file__).with_name("_bundled_scenarios")
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[1] / "scenarios"  # running from a checkout


def _bundled_files() -> list[Path]:
    folder = _scenario_dir()
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.json")])


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario files by name (file stem); region files are not among them."""
    return {p.stem: p for p in _bundled_files() if not p.stem.endswith(REGION_SUFFIX)}


def bundled_regions() -> dict[str, Path]:
    """Bundled region files (contract §7) by name (file stem, ending in ``-region``)."""
    return {p.stem: p for p in _bundled_files() if p.stem.endswith(REGION_SUFFIX)}


def default_scenario_path() -> Path:
    """Path of the default scenario (the Hutubi winter earthquake)."""
    return _scenario_dir() / f"{DEFAULT_SCENARIO}.yaml"


def default_region_path() -> Path:
    """Path of the default region (the Changji/Urumqi reserve system)."""
    return _scenario_dir() / f"{DEFAULT_REGION}.yaml"
