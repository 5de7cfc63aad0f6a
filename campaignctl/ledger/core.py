"""Opening a ledger: the engine (SQLite in WAL mode, or PostgreSQL), its URL, migrating.

Every public ledger method that touches the database is ``@guarded``: a driver failure
reaches the caller as a LedgerError the CLI can show in one line, never as a SQLAlchemy
error. ``open`` and ``migrate`` are not: ``open`` says "cannot open the ledger" itself.
"""

from __future__ import annotations

import functools
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ParamSpec, Self, TypeVar

from sqlalchemy import Engine, Table, create_engine, event, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import LedgerError
from ..i18n import t
from .migrations import apply_pending
from .schema import metadata, schema_version

DEFAULT_LEASE = timedelta(minutes=10)
ENV_VAR = "CAMPAIGNCTL_LEDGER"

P = ParamSpec("P")
R = TypeVar("R")


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a database failure into a LedgerError the CLI can show in one line."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise LedgerError(
                t("the ledger database failed: {error}", error=first[:300]),
                t("check that the database is reachable and not full, then run the command "
                  "again; nothing is sent twice"),
            ) from exc
    return wrapper


def _wal_mode(cursor: Any, patience: float = 60.0) -> None:
    """Put a SQLite file in WAL mode (the setting persists in the file).

    Switching a fresh file to WAL answers "database is locked" AT ONCE, without the busy
    handler, while another process is switching it or opening it (two `run` nodes started
    together on a new ledger hit this about once in a hundred), so ask again briefly.
    """
    deadline = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def owner_id() -> str:
    """host:pid of this process, stored with a claim so a crash can be told from a slow run."""
    return f"{socket.gethostname()}:{os.getpid()}"


def default_url(root: Path) -> str:
    """The embedded SQLite ledger of a workspace: <root>/.campaignctl/ledger.db."""
    return f"sqlite:///{(Path(root) / '.campaignctl' / 'ledger.db').resolve()}"


def resolve_url(root: Path, configured: str | None = None,
                environ: dict[str, str] | None = None) -> str:
    """CAMPAIGNCTL_LEDGER, else channels.yaml's ``ledger:``, else the workspace's SQLite file."""
    env = os.environ if environ is None else environ
    return env.get(ENV_VAR) or configured or default_url(root)


def chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    """``items`` in slices of ``size``: the most one statement binds at once."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def utc_now() -> datetime:
    """The current instant, aware UTC (what a write records when it is given no time)."""
    return datetime.now(timezone.utc)


class LedgerBase:
    """The engine and schema of a ledger; each kind of record adds its methods in a subclass."""

    def __init__(self, engine: Engine, *, lease: timedelta = DEFAULT_LEASE) -> None:
        self.engine = engine
        self.lease = lease
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str, *, lease: timedelta = DEFAULT_LEASE, pool_size: int = 10) -> Self:
        """Open (creating and migrating as needed) the ledger at a SQLAlchemy URL."""
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise LedgerError(
                t("the ledger URL is not valid: {error}", error=type(exc).__name__),
                t("use sqlite:///path/ledger.db or postgresql+psycopg://user@host/db"),
            ) from None
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise LedgerError(
                t("unsupported ledger database {name!r}", name=backend),
                t("use sqlite:///path/ledger.db or postgresql+psycopg://user@host/db"),
            )
        try:
            if backend == "sqlite":
                engine = cls._sqlite_engine(parsed, pool_size)
            else:
                engine = create_engine(parsed, pool_size=pool_size, max_overflow=pool_size,
                                       pool_recycle=1800)
            ledger = cls(engine, lease=lease)
            ledger.migrate()
        except LedgerError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            # The driver's text may name the host but never a password: URLs are rendered
            # masked by SQLAlchemy, and we show only the exception's class and first line.
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LedgerError(
                t("cannot open the ledger {url}: {error}",
                  url=parsed.render_as_string(hide_password=True), error=first[:300]),
                t("check the ledger URL (CAMPAIGNCTL_LEDGER or `ledger:` in channels.yaml) "
                  "and that the database is reachable"),
            ) from None
        return ledger

    @staticmethod
    def _sqlite_engine(parsed: Any, pool_size: int) -> Engine:
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_size=pool_size, max_overflow=pool_size,
                               connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy own transactions (pysqlite's implicit BEGIN is deferred, and a
            # deferred reader that later writes can fail with "database is locked").
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=60000")
            _wal_mode(cur)  # readers never block the writer
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Take the write lock up front: transactions serialise instead of deadlocking.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def migrate(self) -> int:
        """Apply every migration step not yet recorded; returns the schema version."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                # Held until commit; a second process waits here, then sees the steps applied.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242017001)")
            schema_version.create(conn, checkfirst=True)
            return apply_pending(conn, conn.execute(select(schema_version.c.version)).scalars())

    @guarded
    def version(self) -> int:
        """The schema version recorded in the database."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    @guarded
    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @guarded
    def drop_all(self) -> None:
        """Drop every ledger table (tests only)."""
        with self.engine.begin() as conn:
            metadata.drop_all(conn)

    def _insert(self, table: Table):  # type: ignore[no-untyped-def]
        """An INSERT with this dialect's ON CONFLICT clauses."""
        if self.dialect == "postgresql":
            return postgresql_insert(table)
        return sqlite_insert(table)
