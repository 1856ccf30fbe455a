"""Open the service database from the settings, with one clear line when it cannot be.

A malformed ``SUPPLYOPT_DATABASE_URL``, an unknown driver, an unreachable
server or a missing database all raise :class:`DatabaseSettingError`, whose
message names the setting and the URL (password hidden) and says why in one
line; the command line prints it and exits 2.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from .db import Database
from .migrate import upgrade
from .settings import Settings

SETTING = "SUPPLYOPT_DATABASE_URL"
EXPECTED = "sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/database"


class DatabaseSettingError(ValueError):
    """The configured database URL is malformed or names a database that cannot be opened."""


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Return the settings' database, reachable and (with ``migrate``) migrated.

    Raises
    ------
    DatabaseSettingError
        One line naming ``SUPPLYOPT_DATABASE_URL``: what is wrong with it.
    """
    url = settings.database_url
    try:
        parsed = make_url(url)
        shown = url if parsed.password is None else parsed.render_as_string(hide_password=True)
    except ArgumentError:
        raise DatabaseSettingError(
            f"{SETTING}: not a database URL: {url!r} (expected {EXPECTED})"
        ) from None
    try:
        db = Database(url, busy_timeout_s=settings.sqlite_busy_timeout_s)
    except (NoSuchModuleError, ImportError) as err:
        raise DatabaseSettingError(
            f"{SETTING}: {shown}: unknown database driver ({_first_line(err)}); expected {EXPECTED}"
        ) from None
    except (ArgumentError, ValueError, OSError) as err:
        raise DatabaseSettingError(f"{SETTING}: {shown}: {_first_line(err)}") from None
    try:
        if migrate:
            upgrade(db)
        else:
            with db.read_engine.connect():
                pass
    except DBAPIError as err:
        db.dispose()
        raise DatabaseSettingError(
            f"{SETTING}: cannot open {shown}: {_first_line(err.orig or err)}"
        ) from None
    return db


def _first_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[0] if lines else type(err).__name__
