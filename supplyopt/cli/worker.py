"""``supplyopt worker``: solve queued plan jobs from the service database, without HTTP.

API processes (``supplyopt serve --no-worker``) queue jobs; any number of
workers, on this machine or others, claim them under a lease (see
``supplyopt_service.leases``). Stops on SIGTERM or Ctrl-C, queueing the jobs
it was solving again for another worker.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any

from ._service import database_or_exit_code, missing_extra, settings_or_exit_code


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 64 (got {text!r})")
    return value


def register(subparsers: Any) -> None:
    """Add the ``worker`` subcommand."""
    parser = subparsers.add_parser(
        "worker",
        help="solve the service's queued plan jobs (no HTTP)",
        description="Solve plan jobs queued in the service database (SUPPLYOPT_DATABASE_URL), "
        "holding each under a lease (SUPPLYOPT_JOB_LEASE_S) that it renews while solving. "
        "Run as many as the machines allow; stop with SIGTERM or Ctrl-C.",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive,
        default=None,
        help="jobs solved at once (default SUPPLYOPT_PLAN_WORKERS, 2)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="solve on this Dask scheduler (tcp://host:8786) instead of in this process",
    )
    parser.add_argument("--name", default=None, help="the worker's name (default host:pid:random)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the worker until SIGTERM or Ctrl-C; exit 0."""
    try:
        from supplyopt_service.solving import (
            ReplanFn,
            SolveFn,
            replan_with_library,
            solve_with_library,
        )
        from supplyopt_service.worker import JobWorker
    except ImportError as err:
        return missing_extra("worker", err)
    settings = settings_or_exit_code("worker")
    if isinstance(settings, int):
        return settings
    db = database_or_exit_code("worker", settings)
    if isinstance(db, int):
        return db
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    solve: SolveFn = solve_with_library
    replan: ReplanFn = replan_with_library
    client = None
    if args.scheduler is not None:
        from supplyopt_service.dask_solving import connect

        try:
            client, solve, replan = connect(args.scheduler)
        except OSError as err:
            print(f"supplyopt worker: --scheduler {args.scheduler}: {err}", file=sys.stderr)
            db.dispose()
            return 2
    worker = JobWorker(db, settings, solve, replan, concurrency=args.concurrency, name=args.name)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker.start()
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        worker.shutdown()
        if client is not None:
            client.close()
        db.dispose()
    return 0
