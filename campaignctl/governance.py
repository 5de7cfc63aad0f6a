"""Governance: pause and resume, approvals, emergency bypasses and the audit trail.

The publish pass (usecases/publishing.py) runs every plan entry through ``gate`` before the
Publisher sees it. A paused channel, or an unapproved post on an account that needs
approval, turns the entry into a plan skip ("paused: REASON", "not approved"); the
Publisher records plan skips as *retryable*, so once resumed or approved the next pass
still inside the catch-up window sends them, and older ones end as missed. ``priority:
emergency`` goes through pauses and blackouts (an ``emergency`` audit row says what it
bypassed) but still needs its approval.

The records themselves (pauses, approvals, the audit log) are the Ledger's; this module holds
the rules and reads and writes them through Ledger methods. The audit log is append-only:
nothing here changes or deletes a row, and database triggers refuse UPDATE and DELETE;
occurrence state changes reach it through triggers too. Nothing here prints.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import selectors
from .errors import UsageError
from .i18n import t

# The audit actions are defined with the audit log (the ledger writes the pause, resume and
# approve rows itself); the aliased ones are re-exported for the callers of record().
from .ledger import A_ANNOUNCE as A_ANNOUNCE
from .ledger import A_APPROVE as A_APPROVE
from .ledger import A_EMERGENCY, ALL, AUDIT_FIELDS, ApprovalRecord, AuditRow, Ledger, Pause
from .ledger import A_PAUSE as A_PAUSE
from .ledger import A_RESUME as A_RESUME
from .ledger import A_RETRACT as A_RETRACT
from .ledger import A_STATE as A_STATE
from .models import (
    NOT_APPROVED,
    SCHEDULED,
    SKIPPED,
    ApprovalState,
    OccurrenceState,
    PlanEntry,
    Target,
    Workspace,
    row_key,
)

# Skip reasons are data, not messages (as in schedule.py): the ledger keeps them and code
# reads their prefix, so they stay the same whatever language the user reads.
PAUSED_PREFIX = "paused: "
EMERGENCY = "emergency"
BLACKOUT_BYPASS_PREFIX = "emergency: bypassed blackout "

PUBLISHED = OccurrenceState.PUBLISHED

# Approval states of one (occurrence, channel).
APPROVED = ApprovalState.APPROVED
VOID = ApprovalState.VOID  # approved once, but the content has changed since
MISSING = ApprovalState.MISSING


def _now() -> datetime:
    return datetime.now(timezone.utc)


def actor(by: str | None = None) -> str:
    """Who acts: ``--by``, else the OS user (else "unknown" where no user can be found)."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without USER): still record the act
        return "unknown"


# --- the audit log ---------------------------------------------------------------------------

def record(ledger: Ledger, action: str, by: str | None = None, now: datetime | None = None,
           **fields: Any) -> None:
    """Append one audit row (campaign, post, channel, key, details as keywords)."""
    ledger.append_audit(action, actor(by), now or _now(), [fields])


def audit_rows(ledger: Ledger, since: datetime | None = None,
               action: str | None = None) -> list[AuditRow]:
    """The audit trail, oldest first, from ``since`` (aware) on."""
    return ledger.audit_rows(since, action)


def audit_csv(rows: Sequence[AuditRow]) -> str:
    """The audit trail as CSV with a header row; ``details`` is a JSON object per cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AUDIT_FIELDS)
    for row in rows:
        data = row.to_json()
        data["details"] = json.dumps(row.details, sort_keys=True, ensure_ascii=False)
        writer.writerow(["" if data[k] is None else data[k] for k in AUDIT_FIELDS])
    return buffer.getvalue()


# --- pause and resume -------------------------------------------------------------------------

def _check_channels(workspace: Workspace, channels: Sequence[str] | None) -> list[str]:
    return selectors.resolve_channels(channels or [], workspace.accounts)


def active_pauses(ledger: Ledger) -> list[Pause]:
    """Every pause that holds now, oldest first."""
    return ledger.active_pauses()


def pause_for(active: Sequence[Pause], channel: str) -> Pause | None:
    """The newest pause that stops ``channel``, or None."""
    covering = [p for p in active if p.channel in (ALL, channel)]
    return covering[-1] if covering else None


def pause(ledger: Ledger, workspace: Workspace, reason: str,
          channels: Sequence[str] | None = None, by: str | None = None,
          now: datetime | None = None) -> list[Pause]:
    """Stop every send on every channel (or on ``channels``) until resumed."""
    reason = (reason or "").strip()
    if not reason:
        raise UsageError(t("a pause needs a reason"),
                         t("say why with --reason, e.g. --reason \"banjir: tunda semua posting\""))
    names = _check_channels(workspace, channels) or [ALL]
    ledger.add_pauses(names, reason, actor(by), now or _now())
    return [p for p in active_pauses(ledger) if p.channel in names]


def resume(ledger: Ledger, workspace: Workspace, channels: Sequence[str] | None = None,
           by: str | None = None, now: datetime | None = None) -> list[Pause]:
    """Lift the pauses on ``channels`` (every pause when None); returns those lifted."""
    names = _check_channels(workspace, channels)
    active = active_pauses(ledger)
    if names:
        everything = [p for p in active if p.everything]
        if everything:
            raise UsageError(
                t("every channel is paused ({reason}); a single channel cannot be resumed "
                  "from it", reason=everything[-1].reason),
                t("run `campaignctl resume` to lift the pause on every channel, then pause "
                  "the channels that must stay stopped with --channel"))
        lifting = [p for p in active if p.channel in names]
    else:
        lifting = active
    who, now = actor(by), now or _now()
    ledger.lift_pauses(lifting, who, now)
    return [replace(p, resumed_by=who, resumed_at=now) for p in lifting]


# --- approvals -------------------------------------------------------------------------------

def approval_required(workspace: Workspace, channel: str) -> bool:
    """True when posts on this account need approval (its own setting, else the global one)."""
    return workspace.needs_approval(channel)


@dataclass
class ApprovalStatus:
    """Where one upcoming (occurrence, channel) stands: approved, void or missing."""

    key: str
    campaign: str
    post: str
    channel: str
    at: datetime
    required: bool
    state: str  # APPROVED | VOID | MISSING
    approved_by: str | None = None  # the approver of this content, or of the voided one
    approved_at: datetime | None = None
    content_hash: str | None = None
    rehearsed: bool = False  # a rehearsal sent it to the sandbox; it is still to go out live

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        out = dict(self.__dict__)
        out["at"] = self.at.isoformat()
        out["approved_at"] = self.approved_at.isoformat() if self.approved_at else None
        return out


def _still_to_go(ledger: Ledger, workspace: Workspace,
                 entries: Sequence[PlanEntry]) -> list[PlanEntry]:
    """The entries not yet out where their account publishes: the live row of a live
    account (a rehearsal's sandbox copy does not count), the sandbox row of an account
    that says `sandbox: true`."""
    keys = {id(e): row_key(e.key, workspace.target_of(e.channel)) for e in entries}
    rows = ledger.rows(list(keys.values()))
    return [e for e in entries if keys[id(e)] not in rows or rows[keys[id(e)]].sendable]


def approve(ledger: Ledger, entries: Sequence[PlanEntry], by: str | None = None,
            now: datetime | None = None, *,
            workspace: Workspace | None = None) -> list[ApprovalRecord]:
    """Record ``by`` as approver of each rendered entry's exact content; returns the new
    approvals (content this person already approved, or a post already out where its
    account publishes in ``workspace``, live when not given, is not recorded)."""
    who, now = actor(by), now or _now()
    rendered = [e for e in entries if e.rendered is not None]
    rendered = _still_to_go(ledger, workspace or Workspace(Path(".")), rendered)
    candidates = []
    for e in rendered:
        assert e.rendered is not None
        candidates.append(ApprovalRecord(e.key, e.campaign, e.post, e.channel, e.at,
                                         e.rendered.content_hash(), who, now))
    return ledger.add_approvals(candidates)


def approval_state(ledger: Ledger, workspace: Workspace,
                   entries: Sequence[PlanEntry]) -> list[ApprovalStatus]:
    """For each rendered entry: approved (by whom), void (content changed) or missing.

    This is what `status` and `approvals` show; entries that are skipped, not rendered, or
    already settled live (published, being sent) are left out: nothing to approve. A
    rehearsal's sandbox row settles nothing live: that entry is still listed, as rehearsed.
    """
    rendered = [e for e in entries if e.status == SCHEDULED and e.rendered is not None]
    rendered = _still_to_go(ledger, workspace, rendered)
    rehearsals = ledger.rows([row_key(e.key, Target.SANDBOX) for e in rendered
                              if workspace.target_of(e.channel) == Target.LIVE])
    known = ledger.approvals_for([e.key for e in rendered])
    out: list[ApprovalStatus] = []
    for e in rendered:
        assert e.rendered is not None
        digest = e.rendered.content_hash()
        records = known.get(e.key, [])
        match = [a for a in records if a.content_hash == digest]
        state, who = (APPROVED, match[-1]) if match else (
            (VOID, records[-1]) if records else (MISSING, None))
        rehearsal = rehearsals.get(row_key(e.key, Target.SANDBOX))
        out.append(ApprovalStatus(
            e.key, e.campaign, e.post, e.channel, e.at, approval_required(workspace, e.channel),
            state, who.approved_by if who else None, who.approved_at if who else None, digest,
            rehearsal is not None and rehearsal.state == PUBLISHED))
    return out


# --- the gate in front of the Publisher --------------------------------------------------------

def gate(ledger: Ledger, workspace: Workspace, entries: Sequence[PlanEntry], now: datetime, *,
         oldest: datetime | None = None, by: str | None = None,
         audit: bool = True) -> list[PlanEntry]:
    """The entries as the Publisher must see them: paused and unapproved due ones turned into
    plan skips, emergency ones let through pauses with an audit row saying what they bypassed.

    Only due entries (``at <= now``) not older than ``oldest`` are looked at: older ones are
    the Publisher's to record as missed, and a pause must not hide that. ``audit=False``
    (a dry run) writes nothing.
    """
    def considered(e: PlanEntry) -> bool:
        return (e.status == SCHEDULED and e.at <= now
                and (oldest is None or e.at >= oldest))

    todo = [e for e in entries if considered(e)]
    if not todo:
        return list(entries)
    active = active_pauses(ledger)
    needs = [e for e in todo if e.rendered is not None and approval_required(workspace, e.channel)]
    known = ledger.approvals_for([e.key for e in needs])
    changed: dict[int, PlanEntry] = {}
    bypasses: list[tuple[PlanEntry, list[str]]] = []
    for e in todo:
        emergency = e.priority == EMERGENCY
        bypassed: list[str] = []
        if emergency and e.reason and e.reason.startswith(BLACKOUT_BYPASS_PREFIX):
            bypassed.append("blackout: " + e.reason[len(BLACKOUT_BYPASS_PREFIX):])
        held = pause_for(active, e.channel)
        if held is not None:
            if not emergency:
                changed[id(e)] = replace(e, status=SKIPPED, reason=PAUSED_PREFIX + held.reason)
                continue
            bypassed.append(PAUSED_PREFIX + held.reason)
        if e.rendered is not None and approval_required(workspace, e.channel):
            digest = e.rendered.content_hash()
            if not any(a.content_hash == digest for a in known.get(e.key, [])):
                changed[id(e)] = replace(e, status=SKIPPED, reason=NOT_APPROVED)
                continue
        if bypassed:
            bypasses.append((e, bypassed))
    if bypasses and audit:
        _record_bypasses(ledger, bypasses, by, now)
    return [changed.get(id(e), e) for e in entries]


def _record_bypasses(ledger: Ledger, bypasses: Sequence[tuple[PlanEntry, list[str]]],
                     by: str | None, now: datetime) -> None:
    # Only entries this pass may really send: a post already out is not re-recorded each
    # minute cron runs. Two overlapping passes may both record one; that is harmless. Each
    # entry's own row (on its target) decides, and names it in the audit trail.
    rows = ledger.rows([e.row_key for e, _ in bypasses])
    ledger.append_audit(A_EMERGENCY, actor(by), now, [
        {"campaign": e.campaign, "post": e.post, "channel": e.channel, "key": e.row_key,
         "details": {"bypassed": bypassed, "priority": EMERGENCY}}
        for e, bypassed in bypasses
        if e.row_key not in rows or rows[e.row_key].sendable])


def catch_up_start(workspace: Workspace, now: datetime) -> datetime:
    """The oldest instant the Publisher still sends at ``now``."""
    return now - timedelta(seconds=workspace.catch_up_seconds)


def status_summary(pauses_now: Sequence[Pause],
                   states: Sequence[ApprovalStatus]) -> dict[str, Any]:
    """What `status` shows about governance, JSON-able: the pauses in force, and approval
    counts of the upcoming posts that need one, with the keys that will be skipped."""
    required = [s for s in states if s.required]
    counts = {state: sum(1 for s in required if s.state == state)
              for state in (APPROVED, VOID, MISSING)}
    return {
        "paused": [p.to_json() for p in pauses_now],
        "approvals": {"required": len(required), **counts},
        "blocked": [s.key for s in required if s.state != APPROVED],
        "approved_by": sorted({s.approved_by for s in required
                               if s.state == APPROVED and s.approved_by}),
    }
