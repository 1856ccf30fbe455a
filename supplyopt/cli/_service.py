"""Helpers of the service subcommands (``serve``, ``worker``, ``keys``): settings, database.

Each reads the ``SUPPLYOPT_*`` settings and opens the database, printing one
line naming the setting and exiting 2 when either is wrong.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ._common import EXIT_INVALID

if TYPE_CHECKING:
    from supplyopt_service.core.db import Database
    from supplyopt_service.core.settings import Settings

EXIT_NO_EXTRA = 1


def missing_extra(command: str, err: ImportError) -> int:
    """Say which extra to install; return the exit code."""
    print(
        f"supplyopt {command} needs the service extra: pip install 'supplyopt[service]' ({err})",
        file=sys.stderr,
    )
    return EXIT_NO_EXTRA


def settings_or_exit_code(command: str) -> Settings | int:
    """The settings from the environment; or, after printing every bad one, exit code 2."""
    from pydantic import ValidationError

    from supplyopt_service.core.settings import Settings

    try:
        return Settings()
    except ValidationError as err:
        for problem in err.errors():
            name = "SUPPLYOPT_" + "_".join(str(part) for part in problem["loc"]).upper()
            print(f"supplyopt {command}: {name}: {problem['msg']}", file=sys.stderr)
        return EXIT_INVALID


def database_or_exit_code(
    command: str, settings: Settings, *, migrate: bool = True
) -> Database | int:
    """The settings' database, opened (and migrated); or, after one line, exit code 2."""
    from supplyopt_service.core.startup import DatabaseSettingError, open_database

    try:
        return open_database(settings, migrate=migrate)
    except DatabaseSettingError as err:
        print(f"supplyopt {command}: {err}", file=sys.stderr)
        return EXIT_INVALID
