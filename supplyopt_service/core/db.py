"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL by URL.

Writes go through :meth:`Database.write`, which on SQLite starts the
transaction with ``BEGIN IMMEDIATE`` (one writer at a time, readers never
blocked thanks to WAL) and on PostgreSQL relies on ``SELECT … FOR UPDATE``
row locks taken by the code that changes stock, and on :func:`serialize` where a
transaction counts rows before it adds one (admission to the job queues).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """One database: an engine for reads and one for writes (the same on PostgreSQL).

    Parameters
    ----------
    url
        SQLAlchemy URL (``sqlite:///path.db`` or ``postgresql+psycopg://…``).
    busy_timeout_s
        How long an SQLite writer waits for the lock before failing.
    """

    def __init__(self, url: str, *, busy_timeout_s: float = 30.0) -> None:
        parsed = make_url(url)
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = parsed.database or ""
            if database in ("", ":memory:") or database.startswith("file:"):
                raise ValueError("the service needs an SQLite file, not an in-memory database")
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
            self.read_engine = _sqlite_engine(url, immediate=False, busy_timeout_s=busy_timeout_s)
            self.write_engine = _sqlite_engine(url, immediate=True, busy_timeout_s=busy_timeout_s)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            self.read_engine = self.write_engine = engine
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if self.is_sqlite else nullcontext()
        )
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Return a session for reading; rolled back at the end (loaded rows stay usable)."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.expunge_all()
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Return a session whose transaction commits at the end (rolls back on error).

        On SQLite, writers of this process also queue on a lock first: waiting
        there is FIFO-ish and prompt, whereas SQLite's own busy handler polls
        with growing sleeps (tens of milliseconds of tail latency).
        """
        with self._write_lock, self._writer() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()


def _sqlite_engine(url: str, *, immediate: bool, busy_timeout_s: float) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
        pool_size=8,
        max_overflow=16,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def serialize(session: Session, name: str) -> None:
    """Make the write transactions that call this with ``name`` run one after another.

    For a transaction that counts rows and then adds one (a queue bound, a
    quota): two of them running side by side would both count below the
    bound and both add. On PostgreSQL this takes a transaction-scoped
    advisory lock keyed by ``name`` (released at commit or rollback); on
    SQLite every write transaction already holds the one write lock
    (``BEGIN IMMEDIATE``), so nothing more is needed.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
