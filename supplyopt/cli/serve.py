"""``supplyopt serve``: run the HTTP service (needs the ``service`` extra)."""

from __future__ import annotations

import argparse
from typing import Any

from ._service import database_or_exit_code, missing_extra, settings_or_exit_code


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP service (stock, plan jobs, approvals)",
        description="Run the supplyopt HTTP service. Configuration comes from SUPPLYOPT_* "
        "environment variables; with none, data is kept in ./supplyopt.db (SQLite). "
        "Several servers (and supplyopt worker processes) may share one database.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not solve plan jobs in this process; leave them to supplyopt worker processes",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn with the service app; returns when the server stops."""
    try:
        import uvicorn

        from supplyopt_service.app import create_app
    except ImportError as err:
        return missing_extra("serve", err)
    settings = settings_or_exit_code("serve")
    if isinstance(settings, int):
        return settings
    if args.no_worker:
        settings = settings.model_copy(update={"embedded_worker": False})
    db = database_or_exit_code("serve", settings)  # one clear line now, not a traceback later
    if isinstance(db, int):
        return db
    db.dispose()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0
