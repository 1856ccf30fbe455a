"""``supplyopt keys create|list|revoke``: manage API keys directly in the service database.

Works against the database the server uses (same ``SUPPLYOPT_*`` settings),
whether or not the server runs; this is how the first admin key is made.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._service import database_or_exit_code, missing_extra, settings_or_exit_code

ROLES = ("viewer", "planner", "manager", "admin")


def register(subparsers: Any) -> None:
    """Add the ``keys`` subcommand and its actions."""
    parser = subparsers.add_parser(
        "keys",
        help="create, list or revoke service API keys",
        description="Manage API keys in the service database (SUPPLYOPT_DATABASE_URL, "
        "default ./supplyopt.db). Only a hash of each key is stored.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a key and print it (shown only once)")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", default=None, help="a label for the key")
    create.set_defaults(func=run)
    listing = actions.add_parser("list", help="list keys (id, role, prefix, state)")
    listing.set_defaults(func=run)
    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Carry out the action; exit 0 on success, 1 on a refused action, 2 on bad settings."""
    try:
        from supplyopt_service.core import keys
        from supplyopt_service.core.errors import ServiceError
    except ImportError as err:
        return missing_extra("keys", err)
    settings = settings_or_exit_code("keys")
    if isinstance(settings, int):
        return settings
    db = database_or_exit_code("keys", settings)
    if isinstance(db, int):
        return db
    try:
        if args.action == "create":
            with db.write() as session:
                row, token = keys.create_key(session, args.role, name=args.name)
            print(token)
            print(
                f"key {row.id} ({row.role}) created; store it now, it is not shown again",
                file=sys.stderr,
            )
        elif args.action == "list":
            with db.read() as session:
                rows = keys.list_keys(session)
            print(f"{'id':>4}  {'role':<8} {'prefix':<12} {'state':<8} name")
            for row in rows:
                state = "revoked" if row.revoked_at else "active"
                print(f"{row.id:>4}  {row.role:<8} {row.prefix:<12} {state:<8} {row.name or ''}")
        else:
            with db.write() as session:
                keys.revoke_key(session, args.id)
            print(f"key {args.id} revoked")
    except ServiceError as err:
        print(f"error: {err.detail}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    return 0
