"""The scenarios bundled with supplyopt."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SCENARIO = "hutubi-earthquake"


def _scenario_dir() -> Path:
    installed = Path(__file__).with_name("_bundled_scenarios")
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[1] / "scenarios"  # running from a checkout


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario files by name (file stem)."""
    folder = _scenario_dir()
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.json")])
    return {path.stem: path for path in files}


def default_scenario_path() -> Path:
    """Path of the default scenario (the Hutubi winter earthquake)."""
    return _scenario_dir() / f"{DEFAULT_SCENARIO}.yaml"
