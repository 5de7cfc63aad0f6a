"""Publish what is due, settle unknown outcomes, and retract what was published."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from .. import governance
from ..errors import UsageError
from ..i18n import t
from ..models import Campaign, PlanEntry, Workspace
from ..planner import build_plan
from ..publish import RunSummary
from .common import Selection, open_ledger, plan_entries, publisher_for
from .sandbox import routed


def publish_job(workspace: Workspace, campaigns: Sequence[Campaign], *, now: datetime,
                selection: Selection | None = None, dry_run: bool = False,
                sandbox: bool = False, sandbox_url: str | None = None, rehearse: bool = False,
                post_now: bool = False, concurrency: int = 8,
                on_result: Callable[[Any], None] | None = None,
                on_upload: Callable[[PlanEntry, int, int], None] | None = None) -> Any:
    """Send what is due (or, rehearsing, the whole timeline in order) exactly once.
    ``on_result`` hears of each send as it settles and ``on_upload`` of media bytes as they
    go (for a progress display). Returns the run's RunSummary."""
    selection = selection or Selection()
    if rehearse and not sandbox:
        raise UsageError(t("--rehearse runs the whole timeline and needs --sandbox"),
                         t("add --sandbox: rehearsals never reach the real platforms"))
    if post_now:
        entries = _post_now_entries(workspace, campaigns, selection, now)
    else:
        entries = plan_entries(workspace, campaigns, selection, now=now,
                               until=None if rehearse else now, render_all=rehearse)
    names = sorted({e.channel for e in entries})
    with open_ledger(workspace) as ledger, routed(workspace, names, sandbox, sandbox_url) as url:
        publisher = publisher_for(workspace, ledger, url, sandbox, concurrency=concurrency,
                                  on_result=on_result, on_upload=on_upload)
        # On their targets before the gate, which reads and audits each entry's own row.
        entries = publisher.targeted(entries)
        if not (rehearse or post_now):
            # Pause and approvals filter here, so the Publisher records them as plan
            # skips (retryable until the catch-up window has passed).
            entries = governance.gate(ledger, workspace, entries, now,
                                      oldest=governance.catch_up_start(workspace, now),
                                      audit=not dry_run)
            return publisher.publish(entries, now, dry_run=dry_run)
        summary = RunSummary(dry_run=dry_run)
        for at, group in _by_instant(entries):
            group = governance.gate(ledger, workspace, group, at, audit=not dry_run)
            summary.results += publisher.publish(group, at, dry_run=dry_run).results
        return summary


def _by_instant(entries: Sequence[PlanEntry]) -> list[tuple[datetime, list[PlanEntry]]]:
    groups: dict[datetime, list[PlanEntry]] = {}
    for e in sorted(entries, key=lambda e: e.at):
        groups.setdefault(e.at, []).append(e)
    return list(groups.items())


def _post_now_entries(workspace: Workspace, campaigns: Sequence[Campaign],
                      selection: Selection, now: datetime) -> list[PlanEntry]:
    """`--now CAMPAIGN/POST`: its next occurrence (else its last), sent at once under that
    occurrence's key, so it will not go out again when its time comes."""
    if not (selection.campaign and selection.post):
        raise UsageError(t("--now needs CAMPAIGN/POST"), t("e.g. --now booster-2026/launch"))
    plan = build_plan(workspace, selection.campaigns(campaigns), post=selection.post,
                      channel=selection.channel, check=False, now=now)
    scheduled = [e for e in plan.entries if e.status == "scheduled" and e.rendered]
    if not scheduled:
        raise UsageError(t("{campaign}/{post} has no occurrence that can go out",
                           campaign=selection.campaign, post=selection.post))
    upcoming = [e for e in scheduled if e.at >= now]
    at = upcoming[0].at if upcoming else scheduled[-1].at
    return [e for e in scheduled if e.at == at]


def reconcile_job(workspace: Workspace, *, now: datetime, sandbox: bool = False,
                  sandbox_url: str | None = None) -> Any:
    """Settle unknown outcomes by asking each platform whether the post is there."""
    with open_ledger(workspace) as ledger, \
            routed(workspace, list(workspace.accounts), sandbox, sandbox_url) as url:
        return publisher_for(workspace, ledger, url, sandbox).reconcile(now)


def retract_job(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                now: datetime, sandbox: bool = False, sandbox_url: str | None = None,
                by: str | None = None) -> Any:
    """Delete every published copy, and stop every future occurrence of the selection
    (recorded in the audit trail with ``by``, else the OS user)."""
    if not selection.campaign:
        raise UsageError(t("retract needs CAMPAIGN or CAMPAIGN/POST"))
    known = [c for c in campaigns if c.id == selection.campaign]
    future: list[PlanEntry] = []
    if known:
        future = [e for e in build_plan(workspace, known, post=selection.post,
                                        channel=selection.channel, check=False,
                                        now=now).entries if e.at > now]
    with open_ledger(workspace) as ledger:
        with routed(workspace, list(workspace.accounts), sandbox, sandbox_url) as url:
            summary = publisher_for(workspace, ledger, url, sandbox).retract(
                selection.campaign, selection.post, selection.channel, entries=future, now=now)
        governance.record(ledger, governance.A_RETRACT, by, now, campaign=selection.campaign,
                          post=selection.post, channel=selection.channel, details={
                              "skipped_pending": summary.skipped_pending,
                              "items": [{"key": i.key, "outcome": i.outcome, "url": i.url}
                                        for i in summary.items]})
        return summary
