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

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.engine import Connection

from ..models import SANDBOX_KEY_SUFFIX, AuditAction
from .retarget import sandbox_evidence
from .schema import (
    _AUDIT_POSTGRES,
    _AUDIT_SQLITE,
    LIVE,
    SANDBOX,
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


@step(8, "occurrence targets: live or sandbox")
def _step_8_targets(conn: Connection) -> None:
    # Step 1 creates the table from today's definition, which has the column already.
    if "target" not in {c["name"] for c in inspect(conn).get_columns("occurrences")}:
        conn.exec_driver_sql(f"ALTER TABLE occurrences ADD COLUMN target VARCHAR(10) "
                             f"DEFAULT '{LIVE}' NOT NULL")
    found = sandbox_evidence(conn)  # the rules, and why they are safe, are in retarget.py
    if not found:
        return
    renames = [{"b_old": key, "b_new": key + SANDBOX_KEY_SUFFIX} for key in sorted(found)]
    for table in (attempts, retractions, metric_snapshots):
        conn.execute(update(table).where(table.c.key == bindparam("b_old"))
                     .values(key=bindparam("b_new")), renames)
    # The audit triggers fire on a change of state or reason only, so the rename adds no
    # row; old rows keep the old key (the log cannot change), so a row says where each went.
    conn.execute(update(occurrences).where(occurrences.c.key == bindparam("b_old"))
                 .values(key=bindparam("b_new"), target=SANDBOX), renames)
    now = datetime.now(timezone.utc)
    conn.execute(audit_log.insert(), [{
        "at": now, "actor": "campaignctl", "action": AuditAction.RETARGET.value,
        "campaign": row["campaign"], "post": row["post"], "channel": row["channel"],
        "key": key, "details": json.dumps({"target": SANDBOX, "key": key + SANDBOX_KEY_SUFFIX,
                                           "evidence": why}, sort_keys=True)}
        for key, (row, why) in sorted(found.items())])


# Ordered and append-only.
MIGRATIONS: list[Step] = [_step_1, _step_2, _step_3, _step_4, _step_5, _step_6,
                          _step_7_ledger_identity, _step_8_targets]


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
