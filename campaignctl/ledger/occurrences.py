"""Occurrences and their claims: one row per idempotency key, one attempt per try at sending.

What makes a second sender lose is never a read: the pending row is inserted with ON CONFLICT
DO NOTHING and then claimed by a conditional UPDATE whose rowcount says who won. Every later
write on a claimed row checks the claim's token.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.engine import Connection

from ..models import SANDBOX_KEY_SUFFIX, PlanEntry, Published
from .core import LedgerBase, chunks, guarded, owner_id, utc_now
from .schema import (
    FAILED,
    LIVE,
    PENDING,
    PUBLISHED,
    SANDBOX,
    SENDING,
    SKIPPED,
    UNKNOWN,
    attempts,
    channel_holds,
    metric_snapshots,
    occurrences,
    retractions,
)


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
    target: str = LIVE  # live | sandbox: where its sends go

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
                     "updated_at", "target"):
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


@dataclass(frozen=True)
class Claim:
    """Proof that this process owns an occurrence's send; every write checks the token."""

    key: str
    token: str
    attempt_id: int
    started_at: datetime


def claimable_rows():  # type: ignore[no-untyped-def]
    """The rows a run may claim: pending ones, and failed or skipped ones marked retryable
    (a failure worth another run, or a skip the plan may lift)."""
    return or_(occurrences.c.state == PENDING,
               and_(occurrences.c.state.in_((FAILED, SKIPPED)),
                    occurrences.c.retryable.is_(True)))


# The publish path's statements, built once with bind parameters: SQLAlchemy then reuses
# their cache keys and compiled SQL instead of rebuilding both for every post (building them
# per call was half of the engine's CPU in bench_publish on PostgreSQL).
def _claim_statement(with_hash: bool):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = dict(
        state=SENDING, claim_token=bindparam("b_token"), claim_owner=bindparam("b_owner"),
        claimed_at=bindparam("b_now"), attempts=occurrences.c.attempts + 1, reason=None,
        updated_at=bindparam("b_now"))
    if with_hash:  # the text may have been edited while pending: same key, new hash
        values["content_hash"] = bindparam("b_hash")
    return (update(occurrences)
            .where(occurrences.c.key == bindparam("b_key"), claimable_rows())
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


class OccurrenceRecords(LedgerBase):
    """Writing and reading occurrences, their claims and attempts."""

    @staticmethod
    def _row(r: Any) -> OccurrenceStatus:
        return OccurrenceStatus(
            key=r.key, campaign=r.campaign, post=r.post, channel=r.channel,
            platform=r.platform, at=r.at_utc, state=r.state, reason=r.reason,
            retryable=bool(r.retryable), platform_id=r.platform_id, url=r.url,
            ids=json.loads(r.ids) if r.ids else [], published_at=r.published_at,
            content_hash=r.content_hash, claim_token=r.claim_token, claim_owner=r.claim_owner,
            claimed_at=r.claimed_at, attempts=r.attempts or 0, last_error=r.last_error,
            updated_at=r.updated_at, target=r.target)

    @staticmethod
    def _new_row(entry: PlanEntry, state: str, reason: str | None, now: datetime) -> dict:
        return {
            "key": entry.row_key, "campaign": entry.campaign, "post": entry.post,
            "channel": entry.channel, "platform": entry.platform, "at_utc": entry.at,
            "state": state, "reason": reason, "retryable": False, "attempts": 0,
            "content_hash": entry.rendered.content_hash() if entry.rendered else None,
            "updated_at": now, "target": entry.target,
        }

    @guarded
    def ensure(self, entries: Sequence[PlanEntry], now: datetime | None = None) -> None:
        """Insert a pending row for each entry that has none on its target (existing rows are
        untouched)."""
        now = now or utc_now()
        rows = [self._new_row(e, PENDING, None, now) for e in entries]
        with self.engine.begin() as conn:
            for chunk in chunks(rows):
                conn.execute(self._insert(occurrences).on_conflict_do_nothing(), list(chunk))

    @guarded
    def skip(self, entries: Sequence[tuple[PlanEntry, str]], now: datetime | None = None, *,
             reopenable: bool = False) -> list[str]:
        """Record entries as skipped with a reason unless already sent or being sent.

        ``reopenable`` skips (blackout, paused, not approved) may be sent later if the plan
        changes; retracted and missed ones never. Returns the row keys (``row_key``) whose
        row says skipped with that reason afterwards.
        """
        now = now or utc_now()
        if not entries:
            return []
        reasons = {e.row_key: reason for e, reason in entries}
        with self.engine.begin() as conn:
            for chunk in chunks(list(entries)):
                rows = [dict(self._new_row(e, SKIPPED, reason, now), retryable=reopenable)
                        for e, reason in chunk]
                conn.execute(self._insert(occurrences).on_conflict_do_nothing(), rows)
            for key, reason in reasons.items():
                conn.execute(
                    update(occurrences)
                    .where(occurrences.c.key == key, claimable_rows())
                    .values(state=SKIPPED, reason=reason, retryable=reopenable, updated_at=now))
            skipped: list[str] = []
            for chunk in chunks(list(reasons)):
                q = select(occurrences.c.key, occurrences.c.state, occurrences.c.reason).where(
                    occurrences.c.key.in_(chunk))
                skipped += [r.key for r in conn.execute(q)
                            if r.state == SKIPPED and r.reason == reasons[r.key]]
        return skipped

    @guarded
    def claim(self, key: str, payload: dict[str, Any] | None = None,
              now: datetime | None = None, content_hash: str | None = None) -> Claim | None:
        """Atomically take a pending (or retryable) row for sending; None if another won."""
        now = now or utc_now()
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

    @guarded
    def take_over(self, row: OccurrenceStatus, now: datetime | None = None) -> Claim | None:
        """Claim an unknown row, or a stale sending one, to reconcile it; None if lost.

        The update is conditional on the state and token we saw, so two reconcilers racing
        get one winner, and a row whose owner came back to finish is left alone.
        """
        now = now or utc_now()
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
        now = now or utc_now()
        age = now - row.claimed_at if row.claimed_at else None
        host, _, pid = (row.claim_owner or "").rpartition(":")
        if host == socket.gethostname() and pid.isdigit():
            if not _pid_alive(int(pid)):
                return True
            # Alive here: a long upload, not a crash. Only a far older claim (a hung process,
            # or the pid reused by another program) is given up.
            return age is None or age > self.lease * 6
        return age is None or age > self.lease

    @guarded
    def renew(self, claim: Claim, now: datetime | None = None) -> bool:
        """Extend the lease of a claim during a long send (e.g. a video upload)."""
        now = now or utc_now()
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

    @guarded
    def retry(self, claim: Claim, error_class: str, message: str,
              payload: dict[str, Any] | None = None, now: datetime | None = None,
              outcome: str = "retry") -> Claim:
        """Close the current attempt as a retryable error and open the next one."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            self._close_attempt(conn, claim, outcome, now, error_class, message)
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                attempts=occurrences.c.attempts + 1, last_error=message, updated_at=now))
            attempt_id = self._open_attempt(conn, claim.key, claim.token, payload, now)
        return Claim(claim.key, claim.token, attempt_id, now)

    @guarded
    def set_payload(self, claim: Claim, payload: dict[str, Any]) -> None:
        """Archive the payload on the current attempt (when it was opened without one)."""
        with self.engine.begin() as conn:
            conn.execute(update(attempts).where(attempts.c.id == claim.attempt_id).values(
                payload=json.dumps(payload, sort_keys=True, default=str)))

    @guarded
    def record_published(self, claim: Claim, published: Published,
                         now: datetime | None = None, outcome: str = PUBLISHED) -> bool:
        """Store the platform's ids the moment they are known; False if the claim was lost."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            res = conn.execute(_PUBLISHED, {
                "b_key": claim.key, "b_token": claim.token, "b_now": now,
                "b_platform_id": published.platform_id, "b_url": published.url,
                "b_ids": json.dumps(published.ids or [published.platform_id])})
            self._close_attempt(conn, claim, outcome, now)
        return res.rowcount == 1

    @guarded
    def record_failed(self, claim: Claim, error_class: str, message: str, *,
                      retryable: bool = False, now: datetime | None = None) -> None:
        """The send failed for good (or for this run, when ``retryable``)."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                state=FAILED, reason=message, retryable=retryable, last_error=message,
                claim_token=None, updated_at=now))
            self._close_attempt(conn, claim, FAILED, now, error_class, message)

    @guarded
    def record_unknown(self, claim: Claim, message: str, now: datetime | None = None) -> None:
        """The request may have reached the platform: leave it for reconcile, never resend."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            # Keep claimed_at: reconcile searches the platform from the attempt's start.
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                state=UNKNOWN, reason=message, last_error=message, updated_at=now))
            self._close_attempt(conn, claim, UNKNOWN, now, "UnknownOutcome", message)

    @guarded
    def record_skipped(self, claim: Claim, reason: str, now: datetime | None = None) -> None:
        """Give up a claimed row without sending (retracted or missed meanwhile)."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            conn.execute(update(occurrences).where(self._owned(claim)).values(
                state=SKIPPED, reason=reason, retryable=False, claim_token=None,
                updated_at=now))
            self._close_attempt(conn, claim, SKIPPED, now, None, reason)

    @guarded
    def rows(self, keys: Sequence[str]) -> dict[str, OccurrenceStatus]:
        """The rows for these keys (batched), by key."""
        out: dict[str, OccurrenceStatus] = {}
        with self.engine.connect() as conn:
            for chunk in chunks(list(keys)):
                for r in conn.execute(select(occurrences).where(occurrences.c.key.in_(chunk))):
                    out[r.key] = self._row(r)
        return out

    @guarded
    def get(self, key: str) -> OccurrenceStatus | None:
        """One row, or None."""
        return self.rows([key]).get(key)

    @guarded
    def status(self, campaign: str | None = None, *, state: str | None = None,
               failed_only: bool = False, post: str | None = None,
               channel: str | None = None, target: str | None = None) -> list[OccurrenceStatus]:
        """Occurrences for `status`, oldest first; ``failed_only`` shows failed and unknown."""
        q = select(occurrences).order_by(occurrences.c.at_utc, occurrences.c.key)
        if target:
            q = q.where(occurrences.c.target == target)
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

    @guarded
    def posts_known(self) -> dict[str, set[str]]:
        """Campaign id -> the post ids the ledger holds occurrences of (one row per pair)."""
        q = select(occurrences.c.campaign, occurrences.c.post).distinct()
        names: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for campaign, post in conn.execute(q):
                names.setdefault(campaign, set()).add(post)
        return names

    @guarded
    def counts(self, campaign: str | None = None) -> dict[str, int]:
        """How many occurrences are in each state."""
        q = select(occurrences.c.state, func.count()).group_by(occurrences.c.state)
        if campaign:
            q = q.where(occurrences.c.campaign == campaign)
        with self.engine.connect() as conn:
            return {state: n for state, n in conn.execute(q)}

    @guarded
    def unresolved(self, now: datetime | None = None) -> list[OccurrenceStatus]:
        """Rows reconcile must look at: unknown ones and sending ones whose claimer died."""
        now = now or utc_now()
        q = select(occurrences).where(occurrences.c.state.in_((UNKNOWN, SENDING)))
        with self.engine.connect() as conn:
            rows = [self._row(r) for r in conn.execute(q.order_by(occurrences.c.at_utc))]
        return [r for r in rows if r.state == UNKNOWN or self.is_stale(r, now)]

    @guarded
    def attempts(self, key: str) -> list[AttemptRecord]:
        """Every attempt for one occurrence, first first."""
        q = select(attempts).where(attempts.c.key == key).order_by(attempts.c.id)
        with self.engine.connect() as conn:
            return [AttemptRecord(r.id, r.key, r.started_at, r.finished_at, r.outcome,
                                  r.error_class, r.message,
                                  json.loads(r.payload) if r.payload else None)
                    for r in conn.execute(q)]

    @guarded
    def last_payload(self, key: str) -> dict[str, Any] | None:
        """The payload most recently archived for this occurrence."""
        q = (select(attempts.c.payload).where(attempts.c.key == key,
                                              attempts.c.payload.is_not(None))
             .order_by(attempts.c.id.desc()).limit(1))
        with self.engine.connect() as conn:
            raw = conn.execute(q).scalar()
        return json.loads(raw) if raw else None

    @guarded
    def forget_sandbox(self) -> dict[str, int]:
        """Delete every sandbox row with its attempts, retraction records, metric snapshots
        and the sandbox's rate-limit holds; live rows, approvals, retraction markers and the
        audit log stay. Returns how many of each were deleted."""
        suffix = SANDBOX_KEY_SUFFIX
        with self.engine.begin() as conn:
            gone = {table.name: conn.execute(table.delete().where(
                table.c.key.endswith(suffix))).rowcount
                for table in (attempts, retractions, metric_snapshots)}
            gone["holds"] = conn.execute(channel_holds.delete().where(
                channel_holds.c.channel.endswith(suffix))).rowcount
            gone["occurrences"] = conn.execute(occurrences.delete().where(
                occurrences.c.target == SANDBOX, occurrences.c.key.endswith(suffix))).rowcount
        return gone
