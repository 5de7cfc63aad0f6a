"""Pauses, approvals and the audit trail, as the commands and `status` ask for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .. import governance, selectors
from ..errors import UsageError
from ..i18n import t
from ..models import Campaign, PlanEntry, Workspace
from .common import Selection, open_ledger, upcoming


def pause_job(workspace: Workspace, reason: str, channels: Sequence[str] | None = None, *,
              by: str | None = None, now: datetime) -> list[Any]:
    """Stop every send (or the named channels') until resumed; returns the new pauses."""
    selectors.resolve_channels(channels or [], workspace.accounts)  # before the ledger opens
    with open_ledger(workspace) as ledger:
        return governance.pause(ledger, workspace, reason, channels, by=by, now=now)


def resume_job(workspace: Workspace, channels: Sequence[str] | None = None, *,
               by: str | None = None, now: datetime) -> list[Any]:
    """Lift the pauses (of the named channels); returns those lifted."""
    selectors.resolve_channels(channels or [], workspace.accounts)  # before the ledger opens
    with open_ledger(workspace) as ledger:
        return governance.resume(ledger, workspace, channels, by=by, now=now)


def approve_job(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                by: str | None, now: datetime) -> tuple[list[PlanEntry], list[Any]]:
    """Approve the exact rendered content of every upcoming (occurrence, channel) selected."""
    if not selection.campaign:
        raise UsageError(t("approve needs CAMPAIGN or CAMPAIGN/POST"),
                         t("e.g. campaignctl approve booster-2026/launch --by \"Kepala Dinas\""))
    entries = upcoming(workspace, campaigns, selection, now=now, check=True)
    if not entries:
        what = selection.campaign + (f"/{selection.post}" if selection.post else "")
        raise UsageError(t("nothing of {what} is still to go out, so there is nothing to approve",
                           what=what),
                         t("check the dates with `campaignctl plan`"))
    with open_ledger(workspace) as ledger:
        return entries, governance.approve(ledger, entries, by=by, now=now, workspace=workspace)


def approvals_job(workspace: Workspace, campaigns: Sequence[Campaign],
                  selection: Selection | None = None, *, now: datetime) -> list[Any]:
    """Who approved what among the upcoming posts, and which approvals are void or missing."""
    entries = upcoming(workspace, campaigns, selection or Selection(), now=now, check=False)
    with open_ledger(workspace) as ledger:
        return governance.approval_state(ledger, workspace, entries)


def audit_job(workspace: Workspace, since: datetime | None = None) -> list[Any]:
    """The audit trail from ``since`` on, oldest first."""
    with open_ledger(workspace) as ledger:
        return governance.audit_rows(ledger, since)


def governance_status_job(workspace: Workspace, campaigns: Sequence[Campaign], *,
                          now: datetime) -> dict:
    """For `status`: the pauses in force and who approved the upcoming posts (JSON-able)."""
    entries = upcoming(workspace, campaigns, Selection(), now=now, check=False)
    with open_ledger(workspace) as ledger:
        return governance.status_summary(governance.active_pauses(ledger),
                                         governance.approval_state(ledger, workspace, entries))
