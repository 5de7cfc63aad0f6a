"""The ledger: the record of every occurrence, attempt and retraction, in SQLite or PostgreSQL.

One row per idempotency key (campaign/post/instant/channel) in ``occurrences``; its ``state``
moves pending -> sending -> published | failed | unknown, or straight to skipped. What makes a
second sender lose is never a read: the pending row is inserted with ON CONFLICT DO NOTHING
and then claimed by a conditional UPDATE whose rowcount says who won.

    pending --claim--> sending --> published | failed | unknown
       |                  |  (process died: stale after the lease, or owner pid gone)
       +--> skipped       +--> taken over by reconcile: find on the platform first

Schema changes are ordered ``MIGRATIONS`` steps recorded in ``schema_version``; a later
issue adds tables by appending a step. Migrating takes a lock (BEGIN IMMEDIATE on SQLite,
an advisory lock on PostgreSQL), so two processes opening a fresh ledger at once are safe.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from .errors import LedgerError
from .i18n import t
from .models import PlanEntry, Published

# States of an occurrence row.
PENDING = "pending"
SENDING = "sending"
PUBLISHED = "published"
FAILED = "failed"
SKIPPED = "skipped"
UNKNOWN = "unknown"
RETRACTED = "retracted"  # was published, then deleted by `retract`
STATES = (PENDING, SENDING, PUBLISHED, FAILED, SKIPPED, UNKNOWN, RETRACTED)

# The error class of an attempt closed before anything was sent because the channel's rate
# window was full until past the run's deadline: not a request, so not counted as one.
DEFERRED = "Deferred"

DEFAULT_LEASE = timedelta(minutes=10)
ALL = "*"  # a retraction marker for every post / every channel
ENV_VAR = "CAMPAIGNCTL_LEDGER"


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored naive UTC on both databases."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the ledger stores aware datetimes only")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

occurrences = Table(
    "occurrences", metadata,
    Column("key", String(512), primary_key=True),
    Column("campaign", String(200), nullable=False, index=True),
    Column("post", String(200), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("platform", String(50), nullable=False),
    Column("at_utc", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("reason", Text),
    Column("retryable", Boolean, nullable=False, default=False),
    Column("platform_id", String(200)),
    Column("url", Text),
    Column("ids", Text),  # JSON list
    Column("published_at", UTCDateTime),
    Column("content_hash", String(64)),
    Column("claim_token", String(64)),
    Column("claim_owner", String(300)),  # host:pid of the claimer
    Column("claimed_at", UTCDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("updated_at", UTCDateTime, nullable=False),
)

attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(512), nullable=False, index=True),
    Column("claim_token", String(64)),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(20)),  # published/failed/unknown/retry/found/skipped
    Column("error_class", String(100)),
    Column("message", Text),
    Column("payload", Text),  # the rendered payload that was sent: the public-records archive
)

retractions = Table(
    "retractions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(512), nullable=False, index=True),
    Column("campaign", String(200), nullable=False),
    Column("post", String(200), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("platform_id", String(200)),
    Column("url", Text),
    Column("ids", Text),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(20)),  # deleting/deleted/manual/failed
    Column("message", Text),
)

# Retracting a post also stops its FUTURE occurrences, which have no row yet: a marker per
# (campaign, post, channel) -- "*" for all -- that the publisher checks before every send.
retraction_markers = Table(
    "retraction_markers", metadata,
    Column("campaign", String(200), primary_key=True),
    Column("post", String(200), primary_key=True),
    Column("channel", String(200), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)


def _migration_1(conn: Connection) -> None:
    for table in (occurrences, attempts, retractions, retraction_markers):
        table.create(conn, checkfirst=True)


# Issue 5 (service): one row per `campaignctl run` node, rewritten every few seconds, so
# `status` can say which schedulers are up and when the next post goes out.
scheduler_nodes = Table(
    "scheduler_nodes", metadata,
    Column("node", String(200), primary_key=True),
    Column("host", String(300), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_beat", UTCDateTime, nullable=False),
    Column("next_due", UTCDateTime),
    Column("zone", String(64)),  # the IANA zone next_due is shown in
    Column("stopped_at", UTCDateTime),  # a clean stop; NULL while running (or killed)
)


def _migration_2(conn: Connection) -> None:
    scheduler_nodes.create(conn, checkfirst=True)


# Issue 5 (governance): pauses and approvals are state the publish pass reads; audit_log is
# the append-only record of who did what. Occurrence state changes reach audit_log through
# database triggers, so every writer (publish, retract, the scheduler on any node, a manual
# fix in SQL) is recorded in the same transaction as the change, without touching the
# record_* methods. Triggers also refuse UPDATE and DELETE on audit_log.
pauses = Table(
    "pauses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(200), nullable=False),  # "*" for every channel
    Column("reason", Text, nullable=False),
    Column("paused_by", String(200), nullable=False),
    Column("paused_at", UTCDateTime, nullable=False),
    Column("resumed_by", String(200)),
    Column("resumed_at", UTCDateTime),  # NULL while the pause holds
)

approvals = Table(
    "approvals", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(512), nullable=False, index=True),  # the occurrence key
    Column("campaign", String(200), nullable=False, index=True),
    Column("post", String(200), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("at_utc", UTCDateTime, nullable=False),
    Column("content_hash", String(64), nullable=False),  # RenderedPost.content_hash()
    Column("approved_by", String(200), nullable=False),
    Column("approved_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),  # state/approve/pause/resume/announce/...
    Column("campaign", String(200)),
    Column("post", String(200)),
    Column("channel", String(200)),
    Column("key", String(512)),
    Column("details", Text),  # JSON object
)

_AUDIT_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_occurrence_insert AFTER INSERT ON occurrences
    BEGIN INSERT INTO audit_log (at, actor, action, campaign, post, channel, key, details)
    VALUES (NEW.updated_at, 'campaignctl', 'state', NEW.campaign, NEW.post, NEW.channel,
    NEW.key, json_object('from', NULL, 'to', NEW.state, 'reason', NEW.reason,
    'owner', NEW.claim_owner, 'platform_id', NEW.platform_id, 'url', NEW.url)); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_occurrence_update AFTER UPDATE ON occurrences
    WHEN OLD.state IS NOT NEW.state OR OLD.reason IS NOT NEW.reason
    BEGIN INSERT INTO audit_log (at, actor, action, campaign, post, channel, key, details)
    VALUES (NEW.updated_at, 'campaignctl', 'state', NEW.campaign, NEW.post, NEW.channel,
    NEW.key, json_object('from', OLD.state, 'to', NEW.state, 'reason', NEW.reason,
    'owner', NEW.claim_owner, 'platform_id', NEW.platform_id, 'url', NEW.url)); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

_AUDIT_POSTGRES = [
    """CREATE OR REPLACE FUNCTION campaignctl_audit_occurrence() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM NEW.state
         OR OLD.reason IS DISTINCT FROM NEW.reason THEN
        INSERT INTO audit_log (at, actor, action, campaign, post, channel, key, details)
        VALUES (NEW.updated_at, 'campaignctl', 'state', NEW.campaign, NEW.post, NEW.channel,
                NEW.key, json_build_object(
                  'from', CASE WHEN TG_OP = 'UPDATE' THEN OLD.state END, 'to', NEW.state,
                  'reason', NEW.reason, 'owner', NEW.claim_owner,
                  'platform_id', NEW.platform_id, 'url', NEW.url)::text);
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER audit_occurrence AFTER INSERT OR UPDATE ON occurrences
    FOR EACH ROW EXECUTE FUNCTION campaignctl_audit_occurrence()""",
    """CREATE OR REPLACE FUNCTION campaignctl_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION campaignctl_audit_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION campaignctl_audit_append_only()""",
]


def _migration_3(conn: Connection) -> None:
    for table in (pauses, approvals, audit_log):
        table.create(conn, checkfirst=True)
    for ddl in _AUDIT_POSTGRES if conn.dialect.name == "postgresql" else _AUDIT_SQLITE:
        conn.exec_driver_sql(ddl)


# Issue 6: every metrics collection is kept (a time series, never an overwrite); ``gap``
# says why a post has no numbers in that collection instead of storing zeros.
metric_snapshots = Table(
    "metric_snapshots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(512), nullable=False, index=True),  # the occurrence key
    Column("campaign", String(200), nullable=False, index=True),
    Column("channel", String(200), nullable=False),
    Column("platform", String(50), nullable=False),
    Column("platform_id", String(200)),
    Column("taken_at", UTCDateTime, nullable=False, index=True),
    Column("metrics", Text),  # JSON object of the platform's own counters, or NULL
    Column("gap", Text),
)


def _migration_4(conn: Connection) -> None:
    metric_snapshots.create(conn, checkfirst=True)


# A platform's "not before" for an account (a 429's reset time), kept across runs: the next
# cron run or scheduler pass must not knock again before it, nor wait for it in a pass.
channel_holds = Table(
    "channel_holds", metadata,
    Column("channel", String(200), primary_key=True),
    Column("not_before", UTCDateTime, nullable=False),
    Column("reason", Text),
    Column("updated_at", UTCDateTime, nullable=False),
)


def _migration_5(conn: Connection) -> None:
    channel_holds.create(conn, checkfirst=True)


def _migration_6(conn: Connection) -> None:
    # Each run reads what earlier runs sent on a channel within its declared rate window
    # (Ledger.sends_since): a range over attempts.started_at, which nothing indexed.
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_attempts_started_at ON attempts (started_at)")


# Ordered, append-only: (version, name, step). Never edit a released step; add a new one.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "occurrences, attempts, retractions, retraction markers", _migration_1),
    (2, "scheduler heartbeats", _migration_2),
    (3, "governance: pauses, approvals, audit log", _migration_3),
    (4, "metric snapshots", _migration_4),
    (5, "rate-limit holds per channel", _migration_5),
    (6, "index of attempts by start, for rate windows across runs", _migration_6),
]


# The publish path's statements, built once with bind parameters: SQLAlchemy then reuses
# their cache keys and compiled SQL instead of rebuilding both for every post (building them
# per call was half of the engine's CPU in bench_publish on PostgreSQL).
def _claimable_rows():  # type: ignore[no-untyped-def]
    # retryable marks a failure worth another run, or a skip the plan may lift.
    return or_(occurrences.c.state == PENDING,
               and_(occurrences.c.state.in_((FAILED, SKIPPED)),
                    occurrences.c.retryable.is_(True)))


def _claim_statement(with_hash: bool):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = dict(
        state=SENDING, claim_token=bindparam("b_token"), claim_owner=bindparam("b_owner"),
        claimed_at=bindparam("b_now"), attempts=occurrences.c.attempts + 1, reason=None,
        updated_at=bindparam("b_now"))
    if with_hash:  # the text may have been edited while pending: same key, new hash
        values["content_hash"] = bindparam("b_hash")
    return (update(occurrences)
            .where(occurrences.c.key == bindparam("b_key"), _claimable_rows())
            .values(**values))


_OWNED = and_(occurrences.c.key == bindparam("b_key"),
              occurrences.c.claim_token == bindparam("b_token"))
_CLAIM = {True: _claim_statement(True), False: _claim_statement(False)}
_OPEN_ATTEMPT = attempts.insert().values(
    key=bindparam("b_key"), claim_token=bindparam("b_token"), started_at=bindparam("b_now"),
    payload=bindparam("b_payload"))
_CLOSE_ATTEMPT = update(attempts).where(attempts.c.id == bindparam("b_id")).values(
    finished_at=bindparam("b_now"), outcome=bindparam("b_outcome"),
    error_class=bindparam("b_error_class"), message=bindparam("b_message"))
_PUBLISHED = update(occurrences).where(_OWNED).values(
    state=PUBLISHED, reason=None, retryable=False, platform_id=bindparam("b_platform_id"),
    url=bindparam("b_url"), ids=bindparam("b_ids"), published_at=bindparam("b_now"),
    claim_token=None, updated_at=bindparam("b_now"))


@dataclass
class OccurrenceStatus:
    """One occurrence row as `status` shows it."""

    key: str
    campaign: str
    post: str
    channel: str
    platform: str
    at: datetime
    state: str
    reason: str | None = None
    retryable: bool = False
    platform_id: str | None = None
    url: str | None = None
    ids: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    content_hash: str | None = None
    claim_token: str | None = None
    claim_owner: str | None = None
    claimed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    updated_at: datetime | None = None

    @property
    def sendable(self) -> bool:
        """True when a run may claim this row and send it."""
        return self.state == PENDING or (self.state in (FAILED, SKIPPED) and self.retryable)

    def published(self) -> Published | None:
        """The platform's ids as a Published, for delete and metrics."""
        if not self.platform_id:
            return None
        return Published(self.platform_id, self.url, list(self.ids) or [self.platform_id])

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (datetimes as ISO text), without the claim internals."""
        out = {}
        for name in ("key", "campaign", "post", "channel", "platform", "at", "state", "reason",
                     "platform_id", "url", "ids", "published_at", "attempts", "last_error",
                     "updated_at"):
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, datetime) else value
        return out


@dataclass
class AttemptRecord:
    """One try at sending (or finding) an occurrence."""

    id: int
    key: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None
    error_class: str | None
    message: str | None
    payload: dict[str, Any] | None


@dataclass
class RetractionRecord:
    """One published copy that `retract` deleted (or could not)."""

    id: int
    key: str
    campaign: str
    post: str
    channel: str
    platform_id: str | None
    url: str | None
    requested_at: datetime
    finished_at: datetime | None
    outcome: str | None
    message: str | None


@dataclass(frozen=True)
class Claim:
    """Proof that this process owns an occurrence's send; every write checks the token."""

    key: str
    token: str
    attempt_id: int
    started_at: datetime


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a database failure into a LedgerError the CLI can show in one line (used by
    every module that talks to the ledger's database)."""
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
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
    import sqlite3
    import time

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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def default_url(root: Path) -> str:
    """The embedded SQLite ledger of a workspace: <root>/.campaignctl/ledger.db."""
    return f"sqlite:///{(Path(root) / '.campaignctl' / 'ledger.db').resolve()}"


def resolve_url(root: Path, configured: str | None = None,
                environ: dict[str, str] | None = None) -> str:
    """CAMPAIGNCTL_LEDGER, else channels.yaml's ``ledger:``, else the workspace's SQLite file."""
    env = os.environ if environ is None else environ
    return env.get(ENV_VAR) or configured or default_url(root)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Ledger:
    """The publishing record. Thread-safe; share one per process."""

    def __init__(self, engine: Engine, *, lease: timedelta = DEFAULT_LEASE) -> None:
        self.engine = engine
        self.lease = lease
        self.dialect = engine.dialect.name

    # --- opening and migrating ----------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, lease: timedelta = DEFAULT_LEASE, pool_size: int = 10) -> Ledger:
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
            done = set(conn.execute(select(schema_version.c.version)).scalars())
            for version, name, step in MIGRATIONS:
                if version in done:
                    continue
                step(conn)
                conn.execute(schema_version.insert().values(
                    version=version, name=name, applied_at=_now()))
            return max(done | {v for v, _, _ in MIGRATIONS})

    def version(self) -> int:
        """The schema version recorded in the database."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def drop_all(self) -> None:
        """Drop every ledger table (tests only)."""
        with self.engine.begin() as conn:
            metadata.drop_all(conn)

    # --- helpers --------------------------------------------------------------------------
    def _insert(self, table: Table):  # type: ignore[no-untyped-def]
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    @staticmethod
    def _row(r: Any) -> OccurrenceStatus:
        return OccurrenceStatus(
            key=r.key, campaign=r.campaign, post=r.post, channel=r.channel,
            platform=r.platform, at=r.at_utc, state=r.state, reason=r.reason,
            retryable=bool(r.retryable), platform_id=r.platform_id, url=r.url,
            ids=json.loads(r.ids) if r.ids else [], published_at=r.published_at,
            content_hash=r.content_hash, claim_token=r.claim_token, claim_owner=r.claim_owner,
            claimed_at=r.claimed_at, attempts=r.attempts or 0, last_error=r.last_error,
            updated_at=r.updated_at)

    @staticmethod
    def _new_row(entry: PlanEntry, state: str, reason: str | None, now: datetime) -> dict:
        return {
            "key": entry.key, "campaign": entry.campaign, "post": entry.post,
            "channel": entry.channel, "platform": entry.platform, "at_utc": entry.at,
            "state": state, "reason": reason, "retryable": False, "attempts": 0,
            "content_hash": entry.rendered.content_hash() if entry.rendered else None,
            "updated_at": now,
        }

    # --- writing occurrences --------------------------------------------------------------
    def ensure(self, entries: Sequence[PlanEntry], now: datetime | None = None) -> None:
        """Insert a pending row for each entry that has none (existing rows are untouched)."""
        now = now or _now()
        rows = [self._new_row(e, PENDING, None, now) for e in entries]
        with self.engine.begin() as conn:
            for chunk in _chunks(rows):
                conn.execute(self._insert(occurrences).on_conflict_do_nothing(), list(chunk))

    def skip(self, entries: Sequence[tuple[PlanEntry, str]], now: datetime | None = None, *,
             reopenable: bool = False) -> list[str]:
        """Record entries as skipped with a reason unless already sent or being sent.

        ``reopenable`` skips (blackout, paused, not approved) may be sent later if the plan
        changes; retracted and missed ones never. Returns the keys whose row says skipped
        with that reason afterwards.
        """
        now = now or _now()
        if not entries:
            return []
        reasons = {e.key: reason for e, reason in entries}
        with self.engine.begin() as conn:
            for chunk in _chunks(list(entries)):
                rows = [dict(self._new_row(e, SKIPPED, reason, now), retryable=reopenable)
                        for e, reason in chunk]
                conn.execute(self._insert(occurrences).on_conflict_do_nothing(), rows)
            for key, reason in reasons.items():
                conn.execute(
                    update(occurrences)
                    .where(occurrences.c.key == key, self._claimable())
                    .values(state=SKIPPED, reason=reason, retryable=reopenable, updated_at=now))
            skipped: list[str] = []
            for chunk in _chunks(list(reasons)):
                q = select(occurrences.c.key, occurrences.c.state, occurrences.c.reason).where(
                    occurrences.c.key.in_(chunk))
                skipped += [r.key for r in conn.execute(q)
                            if r.state == SKIPPED and r.reason == reasons[r.key]]
        return skipped

    @staticmethod
    def _claimable():  # type: ignore[no-untyped-def]
        return _claimable_rows()

    def claim(self, key: str, payload: dict[str, Any] | None = None,
              now: datetime | None = None, content_hash: str | None = None) -> Claim | None:
        """Atomically take a pending (or retryable) row for sending; None if another won."""
        now = now or _now()
        token = uuid.uuid4().hex
        params = {"b_key": key, "b_token": token, "b_owner": owner_id(), "b_now": now}
        if content_hash:
            params["b_hash"] = content_hash
        with self.engine.begin() as conn:
            res = conn.execute(_CLAIM[bool(content_hash)], params)
            if res.rowcount != 1:
                return None
            attempt_id = self._open_attempt(conn, key, token, payload, now)
        return Claim(key, token, attempt_id, now)

    def take_over(self, row: OccurrenceStatus, now: datetime | None = None) -> Claim | None:
        """Claim an unknown row, or a stale sending one, to reconcile it; None if lost.

        The update is conditional on the state and token we saw, so two reconcilers racing
        get one winner, and a row whose owner came back to finish is left alone.
        """
        now = now or _now()
        if row.state not in (UNKNOWN, SENDING):
            return None
        if row.state == SENDING and not self.is_stale(row, now):
            return None
        token = uuid.uuid4().hex
        cond = [occurrences.c.key == row.key, occurrences.c.state == row.state]
        cond.append(occurrences.c.claim_token == row.claim_token if row.claim_token
                    else occurrences.c.claim_token.is_(None))
        with self.engine.begin() as conn:
            res = conn.execute(
                update(occurrences).where(*cond)
                .values(state=SENDING, claim_token=token, claim_owner=owner_id(),
                        claimed_at=now, updated_at=now))
            if res.rowcount != 1:
                return None
            attempt_id = self._open_attempt(conn, row.key, token, None, now)
        return Claim(row.key, token, attempt_id, now)

    def is_stale(self, row: OccurrenceStatus, now: datetime | None = None) -> bool:
        """A sending row whose claimer died: its pid is gone (this host) or its lease expired."""
        if row.state != SENDING:
            return False
        now = now or _now()
        age = now - row.claimed_at if row.claimed_at else None
        host, _, pid = (row.claim_owner or "").rpartition(":")
        if host == socket.gethostname() and pid.isdigit():
            if not _pid_alive(int(pid)):
                return True
            # Alive here: a long upload, not a crash. Only a far older claim (a hung process,
            # or the pid reused by another program) is given up.
            return age is None or age > self.lease * 6
        return age is None or age > self.lease

    def renew(self, claim: Claim, now: datetime | None = None) -> bool:
        """Extend the lease of a claim during a long send (e.g. a video upload)."""
        now = now or _now()
        with self.engine.begin() as conn:
            res = conn.execute(update(occurrences).where(self._owned(claim)).values(
                claimed_at=now, updated_at=now))
        return res.rowcount == 1

    def _open_attempt(self, conn: Connection, key: str, token: str,
                      payload: dict[str, Any] | None, now: datetime) -> int:
        res = conn.execute(_OPEN_ATTEMPT, {
            "b_key": key, "b_token": token, "b_now": now,
            "b_payload": json.dumps(payload, sort_keys=True, default=str) if payload else None})
        return int(res.inserted_primary_key[0])

    def _close_attempt(self, conn: Connection, claim: Claim, outcome: str, now: datetime,
                       error_class: str | None = None, message: str | None = None) -> None:
        conn.execute(_CLOSE_ATTEMPT, {"b_id": claim.attempt_id, "b_now": now,
                                      "b_outcome": outcome, "b_error_class": error_class,
                                      "b_message": message})

    def _owned(self, claim: Claim):  # type: ignore[no-untyped-def]
        return and_(occurrences.c.key == claim.key, occurrences.c.claim_token == claim.token)

    def retry(self, claim: Claim, error_class: str, message: str,
              payload: dict[str, Any] | None = None, now: datetime | None = None,
              outcome: str = "retry") -> Claim:
        """Close the current attempt as a retryable error and open the next one."""
        now = now or _now()
        with self.engine.begin() as conn:
            self._close_attempt(conn, claim, outcome, now, error_class, message)
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                attempts=occurrences.c.attempts + 1, last_error=message, updated_at=now))
            attempt_id = self._open_attempt(conn, claim.key, claim.token, payload, now)
        return Claim(claim.key, claim.token, attempt_id, now)

    def set_payload(self, claim: Claim, payload: dict[str, Any]) -> None:
        """Archive the payload on the current attempt (when it was opened without one)."""
        with self.engine.begin() as conn:
            conn.execute(update(attempts).where(attempts.c.id == claim.attempt_id).values(
                payload=json.dumps(payload, sort_keys=True, default=str)))

    def record_published(self, claim: Claim, published: Published,
                         now: datetime | None = None, outcome: str = PUBLISHED) -> bool:
        """Store the platform's ids the moment they are known; False if the claim was lost."""
        now = now or _now()
        with self.engine.begin() as conn:
            res = conn.execute(_PUBLISHED, {
                "b_key": claim.key, "b_token": claim.token, "b_now": now,
                "b_platform_id": published.platform_id, "b_url": published.url,
                "b_ids": json.dumps(published.ids or [published.platform_id])})
            self._close_attempt(conn, claim, outcome, now)
        return res.rowcount == 1

    def record_failed(self, claim: Claim, error_class: str, message: str, *,
                      retryable: bool = False, now: datetime | None = None) -> None:
        """The send failed for good (or for this run, when ``retryable``)."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                state=FAILED, reason=message, retryable=retryable, last_error=message,
                claim_token=None, updated_at=now))
            self._close_attempt(conn, claim, FAILED, now, error_class, message)

    def record_unknown(self, claim: Claim, message: str, now: datetime | None = None) -> None:
        """The request may have reached the platform: leave it for reconcile, never resend."""
        now = now or _now()
        with self.engine.begin() as conn:
            # Keep claimed_at: reconcile searches the platform from the attempt's start.
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                state=UNKNOWN, reason=message, last_error=message, updated_at=now))
            self._close_attempt(conn, claim, UNKNOWN, now, "UnknownOutcome", message)

    def record_skipped(self, claim: Claim, reason: str, now: datetime | None = None) -> None:
        """Give up a claimed row without sending (retracted or missed meanwhile)."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                state=SKIPPED, reason=reason, retryable=False, claim_token=None,
                updated_at=now))
            self._close_attempt(conn, claim, SKIPPED, now, None, reason)

    # --- reading ------------------------------------------------------------------------------
    def rows(self, keys: Sequence[str]) -> dict[str, OccurrenceStatus]:
        """The rows for these keys (batched), by key."""
        out: dict[str, OccurrenceStatus] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(keys)):
                for r in conn.execute(select(occurrences).where(occurrences.c.key.in_(chunk))):
                    out[r.key] = self._row(r)
        return out

    def get(self, key: str) -> OccurrenceStatus | None:
        """One row, or None."""
        return self.rows([key]).get(key)

    def status(self, campaign: str | None = None, *, state: str | None = None,
               failed_only: bool = False, post: str | None = None,
               channel: str | None = None) -> list[OccurrenceStatus]:
        """Occurrences for `status`, oldest first; ``failed_only`` shows failed and unknown."""
        q = select(occurrences).order_by(occurrences.c.at_utc, occurrences.c.key)
        if campaign:
            q = q.where(occurrences.c.campaign == campaign)
        if post:
            q = q.where(occurrences.c.post == post)
        if channel:
            q = q.where(occurrences.c.channel == channel)
        if state:
            q = q.where(occurrences.c.state == state)
        if failed_only:
            q = q.where(occurrences.c.state.in_((FAILED, UNKNOWN)))
        with self.engine.connect() as conn:
            return [self._row(r) for r in conn.execute(q)]

    def counts(self, campaign: str | None = None) -> dict[str, int]:
        """How many occurrences are in each state."""
        q = select(occurrences.c.state, func.count()).group_by(occurrences.c.state)
        if campaign:
            q = q.where(occurrences.c.campaign == campaign)
        with self.engine.connect() as conn:
            return {state: n for state, n in conn.execute(q)}

    def unresolved(self, now: datetime | None = None) -> list[OccurrenceStatus]:
        """Rows reconcile must look at: unknown ones and sending ones whose claimer died."""
        now = now or _now()
        q = select(occurrences).where(occurrences.c.state.in_((UNKNOWN, SENDING)))
        with self.engine.connect() as conn:
            rows = [self._row(r) for r in conn.execute(q.order_by(occurrences.c.at_utc))]
        return [r for r in rows if r.state == UNKNOWN or self.is_stale(r, now)]

    def attempts(self, key: str) -> list[AttemptRecord]:
        """Every attempt for one occurrence, first first."""
        q = select(attempts).where(attempts.c.key == key).order_by(attempts.c.id)
        with self.engine.connect() as conn:
            return [AttemptRecord(r.id, r.key, r.started_at, r.finished_at, r.outcome,
                                  r.error_class, r.message,
                                  json.loads(r.payload) if r.payload else None)
                    for r in conn.execute(q)]

    def last_payload(self, key: str) -> dict[str, Any] | None:
        """The payload most recently archived for this occurrence."""
        q = (select(attempts.c.payload).where(attempts.c.key == key,
                                              attempts.c.payload.is_not(None))
             .order_by(attempts.c.id.desc()).limit(1))
        with self.engine.connect() as conn:
            raw = conn.execute(q).scalar()
        return json.loads(raw) if raw else None

    # --- retraction ---------------------------------------------------------------------------
    def mark_retracted(self, campaign: str, post: str | None = None, channel: str | None = None,
                       now: datetime | None = None) -> None:
        """Remember that this post (every post when None) must never be sent again."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(self._insert(retraction_markers).on_conflict_do_nothing(), [{
                "campaign": campaign, "post": post or ALL, "channel": channel or ALL,
                "created_at": now}])

    def clear_retraction(self, campaign: str, post: str | None = None,
                         channel: str | None = None) -> int:
        """Forget a retraction marker so the post may be published again."""
        with self.engine.begin() as conn:
            res = conn.execute(retraction_markers.delete().where(
                retraction_markers.c.campaign == campaign,
                retraction_markers.c.post == (post or ALL),
                retraction_markers.c.channel == (channel or ALL)))
        return res.rowcount

    def retraction_markers(self) -> set[tuple[str, str, str]]:
        """Every (campaign, post, channel) marker; "*" stands for all."""
        with self.engine.connect() as conn:
            return {(r.campaign, r.post, r.channel) for r in conn.execute(
                select(retraction_markers))}

    @staticmethod
    def is_retracted(markers: set[tuple[str, str, str]], campaign: str, post: str,
                     channel: str) -> bool:
        """True when a marker covers this (campaign, post, channel)."""
        return any((campaign, p, c) in markers for p in (post, ALL) for c in (channel, ALL))

    def skip_matching(self, campaign: str, post: str | None, channel: str | None, reason: str,
                      now: datetime | None = None) -> int:
        """Turn matching pending (or retryable failed) rows into skipped; returns how many."""
        now = now or _now()
        q = update(occurrences).where(occurrences.c.campaign == campaign, self._claimable())
        if post:
            q = q.where(occurrences.c.post == post)
        if channel:
            q = q.where(occurrences.c.channel == channel)
        with self.engine.begin() as conn:
            return conn.execute(q.values(state=SKIPPED, reason=reason, retryable=False,
                                         updated_at=now)).rowcount

    def begin_retraction(self, row: OccurrenceStatus, now: datetime | None = None) -> int:
        """Store what is about to be deleted, before deleting it; returns the record id."""
        now = now or _now()
        with self.engine.begin() as conn:
            res = conn.execute(retractions.insert().values(
                key=row.key, campaign=row.campaign, post=row.post, channel=row.channel,
                platform_id=row.platform_id, url=row.url, ids=json.dumps(row.ids),
                requested_at=now, outcome="deleting"))
            return int(res.inserted_primary_key[0])

    def finish_retraction(self, record_id: int, key: str, outcome: str, message: str | None = None,
                          now: datetime | None = None) -> None:
        """deleted -> the occurrence becomes retracted; manual/failed leave it published."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(update(retractions).where(retractions.c.id == record_id).values(
                finished_at=now, outcome=outcome, message=message))
            if outcome == "deleted":
                conn.execute(update(occurrences).where(
                    occurrences.c.key == key, occurrences.c.state == PUBLISHED).values(
                    state=RETRACTED, reason=t("retracted"), updated_at=now))

    def retractions(self, campaign: str | None = None) -> list[RetractionRecord]:
        """Every retraction record, newest last."""
        q = select(retractions).order_by(retractions.c.id)
        if campaign:
            q = q.where(retractions.c.campaign == campaign)
        with self.engine.connect() as conn:
            return [RetractionRecord(r.id, r.key, r.campaign, r.post, r.channel, r.platform_id,
                                     r.url, r.requested_at, r.finished_at, r.outcome, r.message)
                    for r in conn.execute(q)]


    # --- scheduler heartbeats (issue 5) -------------------------------------------------------
    def beat(self, node: str, *, host: str, pid: int, started_at: datetime,
             next_due: datetime | None, zone: str | None, now: datetime | None = None) -> None:
        """Record that a scheduler node is alive (insert or refresh its row)."""
        now = now or _now()
        values = {"host": host, "pid": pid, "started_at": started_at, "last_beat": now,
                  "next_due": next_due, "zone": zone, "stopped_at": None}
        stmt = self._insert(scheduler_nodes).values(node=node, **values)
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["node"], set_=values))

    def node_stopped(self, node: str, now: datetime | None = None) -> None:
        """Mark a node as cleanly stopped (so `status` does not call it down)."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(update(scheduler_nodes).where(scheduler_nodes.c.node == node)
                         .values(stopped_at=now, next_due=None))

    def heartbeats(self) -> list[dict[str, Any]]:
        """Every scheduler node's last heartbeat, by node name."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(scheduler_nodes).order_by(scheduler_nodes.c.node))]

    # --- rate-limit holds ------------------------------------------------------------------
    def hold_channel(self, channel: str, not_before: datetime, reason: str | None = None,
                     now: datetime | None = None) -> None:
        """Remember that ``channel``'s platform refuses calls before ``not_before`` (a later
        hold wins; an earlier one never shortens it)."""
        now = now or _now()
        stmt = self._insert(channel_holds).values(channel=channel, not_before=not_before,
                                                  reason=reason, updated_at=now)
        later = channel_holds.c.not_before < stmt.excluded.not_before
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(
                index_elements=["channel"], where=later,
                set_={"not_before": stmt.excluded.not_before, "reason": stmt.excluded.reason,
                      "updated_at": stmt.excluded.updated_at}))

    def sends_since(self, channel: str, since: datetime, before: datetime) -> list[datetime]:
        """When attempts to publish on ``channel`` began in [since, before), oldest first:
        what earlier runs and other nodes spent of the channel's declared rate window.

        Every attempt counts except a deferral (nothing was sent); the rare attempt that
        ended before its request (a channel that could not be built, a revoked token seen
        earlier in the run) counts too, which only ever makes the window look fuller.
        """
        q = (select(attempts.c.started_at)
             .join(occurrences, occurrences.c.key == attempts.c.key)
             .where(occurrences.c.channel == channel, attempts.c.started_at >= since,
                    attempts.c.started_at < before,
                    or_(attempts.c.error_class.is_(None), attempts.c.error_class != DEFERRED))
             .order_by(attempts.c.started_at))
        with self.engine.connect() as conn:
            return [r.started_at for r in conn.execute(q)]

    def mark_sent(self, claim: Claim, now: datetime) -> None:
        """Move the current attempt's start to when its request actually left (after a wait
        for the channel's rate window), so later runs count it in the right window."""
        with self.engine.begin() as conn:
            conn.execute(update(attempts).where(attempts.c.id == claim.attempt_id)
                         .values(started_at=now))

    def channel_holds(self, now: datetime | None = None) -> dict[str, tuple[datetime, str | None]]:
        """channel -> (not before, reason) for every hold still in the future."""
        now = now or _now()
        with self.engine.connect() as conn:
            return {r.channel: (r.not_before, r.reason) for r in conn.execute(
                select(channel_holds).where(channel_holds.c.not_before > now))}

    # --- metric snapshots (issue 6) -----------------------------------------------------------
    def add_snapshots(self, snapshots: Sequence[dict[str, Any]]) -> int:
        """Store one collection: dicts with key, campaign, channel, platform, platform_id,
        taken_at, metrics (dict or None) and gap (str or None); returns how many."""
        rows = [{**s, "metrics": None if s.get("metrics") is None
                 else json.dumps(s["metrics"], sort_keys=True)} for s in snapshots]
        with self.engine.begin() as conn:
            for chunk in _chunks(rows):
                conn.execute(metric_snapshots.insert(), list(chunk))
        return len(rows)

    def snapshots(self, campaign: str | None = None, *,
                  since: datetime | None = None) -> list[dict[str, Any]]:
        """Every stored snapshot (optionally of one campaign, taken at or after ``since``),
        oldest first, with ``metrics`` decoded."""
        q = select(metric_snapshots).order_by(metric_snapshots.c.taken_at,
                                              metric_snapshots.c.id)
        if campaign:
            q = q.where(metric_snapshots.c.campaign == campaign)
        if since is not None:
            q = q.where(metric_snapshots.c.taken_at >= since)
        with self.engine.connect() as conn:
            return [{"key": r.key, "campaign": r.campaign, "channel": r.channel,
                     "platform": r.platform, "platform_id": r.platform_id,
                     "taken_at": r.taken_at, "gap": r.gap,
                     "metrics": json.loads(r.metrics) if r.metrics else None}
                    for r in conn.execute(q)]

    def last_snapshot_at(self, campaign: str | None = None) -> datetime | None:
        """When metrics were last collected (for one campaign), or None."""
        q = select(func.max(metric_snapshots.c.taken_at))
        if campaign:
            q = q.where(metric_snapshots.c.campaign == campaign)
        with self.engine.connect() as conn:
            raw = conn.execute(q).scalar()
        if raw is not None and raw.tzinfo is None:  # func.max() loses the column's type
            raw = raw.replace(tzinfo=timezone.utc)
        return raw

# Every public method that touches the database raises LedgerError, never a driver error
# (open and migrate say "cannot open the ledger" themselves).
_UNGUARDED = ("is_retracted", "open", "migrate")
for _name, _fn in list(vars(Ledger).items()):
    if not _name.startswith("_") and callable(_fn) and _name not in _UNGUARDED:
        setattr(Ledger, _name, guarded(_fn))
del _name, _fn
