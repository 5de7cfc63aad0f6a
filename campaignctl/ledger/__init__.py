"""The ledger: the record of every occurrence, attempt and retraction, in SQLite or PostgreSQL.

One row per idempotency key (campaign/post/instant/channel) in ``occurrences``; its ``state``
moves pending -> sending -> published | failed | unknown, or straight to skipped. What makes a
second sender lose is never a read: the pending row is inserted with ON CONFLICT DO NOTHING
and then claimed by a conditional UPDATE whose rowcount says who won.

    pending --claim--> sending --> published | failed | unknown
       |                  |  (process died: stale after the lease, or owner pid gone)
       +--> skipped       +--> taken over by reconcile: find on the platform first

The package, one module per concern:

    schema.py       the tables, their state values, the audit triggers
    migrations.py   ordered schema steps recorded in ``schema_version``
    core.py         opening the engine, URLs, migrating, the ``@guarded`` error boundary
    occurrences.py  occurrences, claims and attempts
    retractions.py  retraction records and markers
    governance.py   pauses, approvals, the audit log
    identity.py     the ledger's random id, to notice a lost or swapped ledger
    service.py      scheduler heartbeats, channel rate-limit state
    metrics.py      metric snapshots

Migrating takes a lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so two
processes opening a fresh ledger at once are safe.
"""

from __future__ import annotations

from .core import (
    DEFAULT_LEASE,
    ENV_VAR,
    LedgerBase,
    default_url,
    guarded,
    owner_id,
    resolve_url,
)
from .governance import (
    A_ANNOUNCE,
    A_APPROVE,
    A_EMERGENCY,
    A_PAUSE,
    A_RESUME,
    A_RETRACT,
    A_STATE,
    AUDIT_FIELDS,
    ApprovalRecord,
    AuditRow,
    GovernanceRecords,
    Pause,
)
from .identity import IdentityRecords
from .metrics import MetricRecords
from .migrations import MIGRATIONS, Step
from .occurrences import AttemptRecord, Claim, OccurrenceRecords, OccurrenceStatus
from .retractions import RetractionRecord, RetractionRecords
from .schema import (
    ALL,
    DEFERRED,
    FAILED,
    PENDING,
    PUBLISHED,
    RETRACTED,
    SENDING,
    SKIPPED,
    STATES,
    UNKNOWN,
    UTCDateTime,
    approvals,
    attempts,
    audit_log,
    channel_holds,
    metadata,
    metric_snapshots,
    occurrences,
    pauses,
    retraction_markers,
    retractions,
    scheduler_nodes,
    schema_version,
)
from .service import ServiceRecords


class Ledger(OccurrenceRecords, RetractionRecords, GovernanceRecords, ServiceRecords,
             MetricRecords, IdentityRecords):
    """The publishing record. Thread-safe; share one per process."""


__all__ = [
    "A_ANNOUNCE", "A_APPROVE", "A_EMERGENCY", "A_PAUSE", "A_RESUME", "A_RETRACT", "A_STATE",
    "ALL", "AUDIT_FIELDS", "DEFAULT_LEASE", "DEFERRED", "ENV_VAR", "FAILED", "MIGRATIONS",
    "PENDING", "PUBLISHED", "RETRACTED", "SENDING", "SKIPPED", "STATES", "UNKNOWN",
    "ApprovalRecord", "AttemptRecord", "AuditRow", "Claim", "Ledger", "LedgerBase",
    "OccurrenceStatus", "Pause", "RetractionRecord", "Step", "UTCDateTime",
    "approvals", "attempts", "audit_log", "channel_holds", "default_url", "guarded",
    "metadata", "metric_snapshots", "occurrences", "owner_id", "pauses", "resolve_url",
    "retraction_markers", "retractions", "scheduler_nodes", "schema_version",
]
