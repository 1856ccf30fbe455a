"""Every benchmark command prints its ``--help`` (argparse expands ``%`` in help texts)."""

from __future__ import annotations

import importlib

import pytest

MODULES = (
    "benchmarks.readiness.run",
    "benchmarks.relief.run",
    "benchmarks.replan.run",
    "benchmarks.vrp.run",
    "benchmarks.vrp.smoke",
)


@pytest.mark.parametrize("module", MODULES)
def test_help_prints(module: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m <module> --help`` exits 0 and prints a usage line."""
    main = importlib.import_module(module).main
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    assert "usage:" in capsys.readouterr().out
