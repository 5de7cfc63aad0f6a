"""The ledger's tables, the values their state columns hold, and the audit triggers.

Every table is created by a step in migrations.py; defining one here does nothing to a
database on its own.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

from ..models import OccurrenceState

# States of an occurrence row.
PENDING = OccurrenceState.PENDING
SENDING = OccurrenceState.SENDING
PUBLISHED = OccurrenceState.PUBLISHED
FAILED = OccurrenceState.FAILED
SKIPPED = OccurrenceState.SKIPPED
UNKNOWN = OccurrenceState.UNKNOWN
RETRACTED = OccurrenceState.RETRACTED  # was published, then deleted by `retract`
STATES = (PENDING, SENDING, PUBLISHED, FAILED, SKIPPED, UNKNOWN, RETRACTED)

# The error class of an attempt closed before anything was sent because the channel's rate
# window was full until past the run's deadline: not a request, so not counted as one.
DEFERRED = "Deferred"

ALL = "*"  # a retraction marker or a pause for every post / every channel


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

# One row per `campaignctl run` node, rewritten every few seconds, so `status` can say which
# schedulers are up and when the next post goes out.
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

# Pauses and approvals are state the publish pass reads; audit_log is the append-only record
# of who did what. Occurrence state changes reach audit_log through database triggers, so
# every writer (publish, retract, the scheduler on any node, a manual fix in SQL) is recorded
# in the same transaction as the change, without touching the record_* methods. Triggers
# also refuse UPDATE and DELETE on audit_log.
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


# Every metrics collection is kept (a time series, never an overwrite); ``gap`` says why a
# post has no numbers in that collection instead of storing zeros.
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

# A platform's "not before" for an account (a 429's reset time), kept across runs: the next
# cron run or scheduler pass must not knock again before it, nor wait for it in a pass.
channel_holds = Table(
    "channel_holds", metadata,
    Column("channel", String(200), primary_key=True),
    Column("not_before", UTCDateTime, nullable=False),
    Column("reason", Text),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row: a random id made when the ledger is created. The workspace keeps a copy
# (.campaignctl/ledger-id), so a ledger deleted and made anew, or swapped under a running
# process, is told from the one that recorded what was published.
ledger_identity = Table(
    "ledger_identity", metadata,
    Column("slot", Integer, primary_key=True),  # always 1
    Column("ledger_id", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
