"""Governance records: pauses, approvals and the append-only audit log.

The rules (what a pause stops, what needs approval) live in campaignctl.governance; this
module only stores and reads. Each pause, resume and approval is written in the same
transaction as its audit row. Nothing here changes or deletes an audit row, and the database
triggers of migration 3 refuse it from anyone else too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from ..models import AuditAction, Target, key_target
from .core import LedgerBase, chunks, guarded
from .schema import ALL, approvals, audit_log, pauses

# Audit actions (audit_log.action).
A_STATE = AuditAction.STATE  # written by the ledger's triggers
A_PAUSE = AuditAction.PAUSE
A_RESUME = AuditAction.RESUME
A_APPROVE = AuditAction.APPROVE
A_EMERGENCY = AuditAction.EMERGENCY
A_ANNOUNCE = AuditAction.ANNOUNCE
A_RETRACT = AuditAction.RETRACT
A_SANDBOX_RESET = AuditAction.SANDBOX_RESET
A_RETARGET = AuditAction.RETARGET  # written by migration 7

AUDIT_FIELDS = ("id", "at", "actor", "action", "campaign", "post", "channel", "key", "details")


@dataclass
class AuditRow:
    """One line of the audit trail."""

    id: int
    at: datetime
    actor: str
    action: str
    campaign: str | None = None
    post: str | None = None
    channel: str | None = None
    key: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    # What it is about: a sandbox row (its key says so, or a later retarget row does), the
    # sandbox itself, or else live. Shown apart; not a column of the log.
    target: str = Target.LIVE

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (the instant as ISO 8601 UTC)."""
        out = {name: getattr(self, name) for name in AUDIT_FIELDS}
        out["at"] = self.at.isoformat()
        return out


@dataclass
class Pause:
    """One pause: every channel ("*") or one; ``resumed_at`` is None while it holds."""

    id: int
    channel: str
    reason: str
    paused_by: str
    paused_at: datetime
    resumed_by: str | None = None
    resumed_at: datetime | None = None

    @property
    def everything(self) -> bool:
        return self.channel == ALL

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        out = dict(self.__dict__)
        for name in ("paused_at", "resumed_at"):
            out[name] = out[name].isoformat() if out[name] else None
        return out


@dataclass
class ApprovalRecord:
    """One approval of one (occurrence, channel)'s exact content."""

    key: str
    campaign: str
    post: str
    channel: str
    at: datetime
    content_hash: str
    approved_by: str
    approved_at: datetime


def _audit_values(action: str, who: str, now: datetime, *, campaign: str | None = None,
                  post: str | None = None, channel: str | None = None, key: str | None = None,
                  details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"at": now, "actor": who, "action": action, "campaign": campaign, "post": post,
            "channel": channel, "key": key,
            "details": json.dumps(details or {}, sort_keys=True, default=str,
                                  ensure_ascii=False)}


def _audit_target(r: Any, moved: dict[str, int]) -> Target:
    if r.action in (A_SANDBOX_RESET, A_RETARGET):
        return Target.SANDBOX
    if r.key and key_target(r.key) == Target.SANDBOX:
        return Target.SANDBOX
    if r.action == A_STATE and r.key in moved and r.id < moved[r.key]:
        return Target.SANDBOX
    return Target.LIVE


def _pause(r: Any) -> Pause:
    return Pause(r.id, r.channel, r.reason, r.paused_by, r.paused_at, r.resumed_by,
                 r.resumed_at)


def _approvals_for(conn: Connection, keys: Iterable[str]) -> dict[str, list[ApprovalRecord]]:
    out: dict[str, list[ApprovalRecord]] = {}
    for chunk in chunks(list(keys)):
        q = select(approvals).where(approvals.c.key.in_(chunk)).order_by(approvals.c.id)
        for r in conn.execute(q):
            out.setdefault(r.key, []).append(ApprovalRecord(
                r.key, r.campaign, r.post, r.channel, r.at_utc, r.content_hash,
                r.approved_by, r.approved_at))
    return out


class GovernanceRecords(LedgerBase):
    """Pauses, approvals and the audit log."""

    @guarded
    def append_audit(self, action: str, actor: str, at: datetime,
                     entries: Sequence[dict[str, Any]]) -> None:
        """Append one audit row per entry (its campaign, post, channel, key and details as
        keys), all in one transaction."""
        with self.engine.begin() as conn:
            for entry in entries:
                conn.execute(audit_log.insert().values(
                    **_audit_values(action, actor, at, **entry)))

    @guarded
    def audit_rows(self, since: datetime | None = None,
                   action: str | None = None) -> list[AuditRow]:
        """The audit trail, oldest first, from ``since`` (aware) on."""
        q = select(audit_log).order_by(audit_log.c.id)
        if since is not None:
            q = q.where(audit_log.c.at >= since)
        if action is not None:
            q = q.where(audit_log.c.action == action)
        with self.engine.connect() as conn:
            # Where migration 7 moved a row to the sandbox: the state rows before it, under
            # the old key, are that sandbox row's history.
            moved = {r.key: r.id for r in conn.execute(
                select(audit_log.c.key, audit_log.c.id).where(audit_log.c.action == A_RETARGET))}
            return [AuditRow(r.id, r.at, r.actor, r.action, r.campaign, r.post, r.channel,
                             r.key, json.loads(r.details) if r.details else {},
                             _audit_target(r, moved))
                    for r in conn.execute(q)]

    @guarded
    def active_pauses(self) -> list[Pause]:
        """Every pause that holds now, oldest first."""
        q = select(pauses).where(pauses.c.resumed_at.is_(None)).order_by(pauses.c.id)
        with self.engine.connect() as conn:
            return [_pause(r) for r in conn.execute(q)]

    @guarded
    def add_pauses(self, channels: Sequence[str], reason: str, by: str, at: datetime) -> None:
        """Pause each channel ("*" for every one), each with its audit row."""
        with self.engine.begin() as conn:
            for name in channels:
                conn.execute(pauses.insert().values(channel=name, reason=reason, paused_by=by,
                                                    paused_at=at))
                conn.execute(audit_log.insert().values(**_audit_values(
                    A_PAUSE, by, at, channel=name, details={"reason": reason})))

    @guarded
    def lift_pauses(self, lifting: Sequence[Pause], by: str, at: datetime) -> None:
        """Resume these pauses; an audit row for each one this call lifted (not one that
        another process resumed meanwhile)."""
        with self.engine.begin() as conn:
            for p in lifting:
                res = conn.execute(update(pauses).where(pauses.c.id == p.id,
                                                        pauses.c.resumed_at.is_(None))
                                   .values(resumed_by=by, resumed_at=at))
                if res.rowcount == 1:
                    conn.execute(audit_log.insert().values(**_audit_values(
                        A_RESUME, by, at, channel=p.channel,
                        details={"reason": p.reason, "paused_by": p.paused_by,
                                 "paused_at": p.paused_at.isoformat()})))

    @guarded
    def approvals_for(self, keys: Iterable[str]) -> dict[str, list[ApprovalRecord]]:
        """Every approval of these occurrence keys, oldest first, by key."""
        with self.engine.connect() as conn:
            return _approvals_for(conn, keys)

    @guarded
    def add_approvals(self, candidates: Sequence[ApprovalRecord]) -> list[ApprovalRecord]:
        """Record each approval, with its audit row, unless its approver already approved
        that exact content of that occurrence; returns those recorded."""
        new: list[ApprovalRecord] = []
        with self.engine.begin() as conn:
            known = _approvals_for(conn, [a.key for a in candidates])
            for a in candidates:
                if any(k.content_hash == a.content_hash and k.approved_by == a.approved_by
                       for k in known.get(a.key, [])):
                    continue
                conn.execute(approvals.insert().values(
                    key=a.key, campaign=a.campaign, post=a.post, channel=a.channel,
                    at_utc=a.at, content_hash=a.content_hash, approved_by=a.approved_by,
                    approved_at=a.approved_at))
                conn.execute(audit_log.insert().values(**_audit_values(
                    A_APPROVE, a.approved_by, a.approved_at, campaign=a.campaign, post=a.post,
                    channel=a.channel, key=a.key,
                    details={"content_hash": a.content_hash, "at": a.at.isoformat()})))
                new.append(a)
        return new
