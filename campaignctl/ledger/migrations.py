"""The ledger's schema changes: ordered steps, each recorded in ``schema_version`` once applied.

To add a table: define it in schema.py, write ``_step_N`` here under ``@step(N, "what it
adds")``, append it to ``MIGRATIONS``. That is all; every ledger applies it the next time it
is opened. Never edit a released step (ledgers in the field are at these versions, and the
name is recorded with each): add a new one.

A step is applied when its version is not recorded yet, not when it is above the highest
recorded one: steps were released out of order (4 before 3, 3 before 2), so a ledger may hold
a later version and still lack an earlier one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .schema import (
    _AUDIT_POSTGRES,
    _AUDIT_SQLITE,
    approvals,
    attempts,
    audit_log,
    channel_holds,
    ledger_identity,
    metric_snapshots,
    occurrences,
    pauses,
    retraction_markers,
    retractions,
    scheduler_nodes,
    schema_version,
)


class Step(NamedTuple):
    """One schema change: its version, the name recorded with it, and what it does."""

    version: int
    name: str
    apply: Callable[[Connection], None]


def step(version: int, name: str) -> Callable[[Callable[[Connection], None]], Step]:
    """Make a function a migration step numbered ``version``."""
    def wrap(apply: Callable[[Connection], None]) -> Step:
        return Step(version, name, apply)
    return wrap


@step(1, "occurrences, attempts, retractions, retraction markers")
def _step_1(conn: Connection) -> None:
    for table in (occurrences, attempts, retractions, retraction_markers):
        table.create(conn, checkfirst=True)


@step(2, "scheduler heartbeats")
def _step_2(conn: Connection) -> None:
    scheduler_nodes.create(conn, checkfirst=True)


@step(3, "governance: pauses, approvals, audit log")
def _step_3(conn: Connection) -> None:
    for table in (pauses, approvals, audit_log):
        table.create(conn, checkfirst=True)
    for ddl in _AUDIT_POSTGRES if conn.dialect.name == "postgresql" else _AUDIT_SQLITE:
        conn.exec_driver_sql(ddl)


@step(4, "metric snapshots")
def _step_4(conn: Connection) -> None:
    metric_snapshots.create(conn, checkfirst=True)


@step(5, "rate-limit holds per channel")
def _step_5(conn: Connection) -> None:
    channel_holds.create(conn, checkfirst=True)


@step(6, "index of attempts by start, for rate windows across runs")
def _step_6(conn: Connection) -> None:
    # Each run reads what earlier runs sent on a channel within its declared rate window
    # (Ledger.sends_since): a range over attempts.started_at, which nothing indexed.
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_attempts_started_at ON attempts (started_at)")


@step(7, "ledger identity: a random id the workspace remembers")
def _step_7_ledger_identity(conn: Connection) -> None:
    ledger_identity.create(conn, checkfirst=True)
    if conn.execute(select(ledger_identity.c.slot)).first() is None:
        conn.execute(ledger_identity.insert().values(
            slot=1, ledger_id=uuid.uuid4().hex, created_at=datetime.now(timezone.utc)))


# Ordered and append-only.
MIGRATIONS: list[Step] = [_step_1, _step_2, _step_3, _step_4, _step_5, _step_6,
                          _step_7_ledger_identity]


def apply_pending(conn: Connection, applied: Iterable[int]) -> int:
    """Apply, in order, every step whose version is not in ``applied`` (the versions recorded
    in ``schema_version``), recording each; returns the schema version afterwards."""
    done = set(applied)
    for version, name, apply in MIGRATIONS:
        if version in done:
            continue
        apply(conn)
        conn.execute(schema_version.insert().values(
            version=version, name=name, applied_at=datetime.now(timezone.utc)))
    return max(done | {version for version, _, _ in MIGRATIONS})
