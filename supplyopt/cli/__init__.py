"""The ``supplyopt`` command line: one module per subcommand, each with ``register``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

#: Subcommand modules under ``supplyopt.cli``; each defines ``register(subparsers)``
#: which adds its parser and sets ``func`` to a callable taking the parsed
#: arguments and returning the exit code.
COMMANDS = (
    "plan",
    "check",
    "replan",
    "solve_vrp",
    "serve",
    "worker",
    "keys",
    "export",
    "compare",
    "sweep",
    "readiness",
    "preposition",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: message (see prog --help)`` on stderr and exit 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = _Parser(
        prog="supplyopt",
        description="Plan emergency relief logistics: which warehouse sends what, on which "
        "truck, arriving when, within the delivery deadline.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code
