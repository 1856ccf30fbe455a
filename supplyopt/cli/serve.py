"""``supplyopt serve``: run the HTTP service (needs the ``service`` extra)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service (stock, plan jobs, approvals)",
        description="Run the supplyopt HTTP service. Configuration comes from SUPPLYOPT_* "
        "environment variables; with none, data is kept in ./supplyopt.db (SQLite).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn with the service app; returns when the server stops."""
    try:
        import uvicorn

        from supplyopt_service.app import create_app
    except ImportError as err:
        print(
            f"supplyopt serve needs the service extra: pip install 'supplyopt[service]' ({err})",
            file=sys.stderr,
        )
        return 1
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return 0
