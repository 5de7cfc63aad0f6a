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
from ..publish.results import O_PUBLISHED
from . import lost_ledger
from .common import Selection, open_ledger, plan_entries, publisher_for
from .sandbox import routed


def publish_job(workspace: Workspace, campaigns: Sequence[Campaign], *, now: datetime,
                selection: Selection | None = None, dry_run: bool = False,
                sandbox: bool = False, sandbox_url: str | None = None, rehearse: bool = False,
                post_now: bool = False, lookup_first: bool = False, concurrency: int = 8,
                on_result: Callable[[Any], None] | None = None,
                on_upload: Callable[[PlanEntry, int, int], None] | None = None) -> Any:
    """Send what is due (or, rehearsing, the whole timeline in order) exactly once.
    ``lookup_first`` looks each post up on its platform before sending it (the way on after
    a lost ledger, see lost_ledger.py). ``on_result`` hears of each send as it settles and
    ``on_upload`` of media bytes as they go (for a progress display). Returns the run's
    RunSummary, which names the sandbox it used."""
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
    with open_ledger(workspace) as opened:
        ledger = opened if dry_run else _watched(workspace, opened, lookup_first, sandbox,
                                                 sandbox_url, rehearse)
        with routed(workspace, names, sandbox, sandbox_url) as url:
            publisher = publisher_for(workspace, ledger, url, sandbox, concurrency=concurrency,
                                      on_result=on_result, on_upload=on_upload)
            lookup = None
            if lookup_first and not dry_run:
                lookup = lost_ledger.PlatformLookUp(workspace, ledger, url, sandbox)
            if not (rehearse or post_now):
                # Pause and approvals filter here, so the Publisher records them as plan
                # skips (retryable until the catch-up window has passed).
                oldest = governance.catch_up_start(workspace, now)
                entries = governance.gate(ledger, workspace, entries, now, oldest=oldest,
                                          audit=not dry_run)
                summary = _publish(publisher, entries, now, dry_run, lookup,
                                   due_from=oldest, due_until=now)
            else:
                summary = RunSummary(dry_run=dry_run)
                for at, group in _by_instant(entries):
                    group = governance.gate(ledger, workspace, group, at, audit=not dry_run)
                    summary.results += _publish(publisher, group, at, dry_run, lookup).results
            if lookup is not None and ledger.intact():  # it knows every due post now
                lost_ledger.remember(workspace, ledger.ledger_id)
            summary.sandbox_url = url
            return summary


def _watched(workspace: Workspace, ledger: Any, lookup_first: bool, sandbox: bool,
             sandbox_url: str | None, rehearse: bool) -> lost_ledger.WatchedLedger:
    """The ledger, once it is safe to send with (else the one line of check_ledger), watched
    for a replacement during the run."""
    flags = f" --sandbox-url {sandbox_url}" if sandbox_url else " --sandbox" if sandbox else ""
    again = "campaignctl publish" + flags + (" --rehearse" if rehearse else "") + " --lookup-first"
    # A rehearsal's future posts are not due, so reconcile would not look them up.
    reconcile = "" if rehearse else f"campaignctl reconcile --from-platform{flags}"
    ledger_id = lost_ledger.check_ledger(workspace, ledger, looking_up=lookup_first,
                                         reconcile_cmd=reconcile, publish_cmd=again)
    return lost_ledger.WatchedLedger(ledger, ledger_id)


def _publish(publisher: Any, entries: list[PlanEntry], now: datetime, dry_run: bool,
             lookup: lost_ledger.PlatformLookUp | None, **bounds: datetime) -> RunSummary:
    """One publish pass; with ``lookup``, the posts the platform already shows (or that
    cannot be checked) are settled first and never sent."""
    early: list[Any] = []
    if lookup is not None:
        early, entries = lookup(entries, now, **bounds)
    summary = publisher.publish(entries, now, dry_run=dry_run)
    summary.results = early + summary.results
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
    plan = build_plan(workspace, selection.campaigns(campaigns, workspace), post=selection.post,
                      channel=selection.channel, check=False, now=now)
    scheduled = [e for e in plan.entries if e.status == "scheduled" and e.rendered]
    if not scheduled:
        raise UsageError(t("{campaign}/{post} has no occurrence that can go out",
                           campaign=selection.campaign, post=selection.post))
    upcoming = [e for e in scheduled if e.at >= now]
    at = upcoming[0].at if upcoming else scheduled[-1].at
    return [e for e in scheduled if e.at == at]


def reconcile_job(workspace: Workspace, *, now: datetime, sandbox: bool = False,
                  sandbox_url: str | None = None, from_platform: bool = False,
                  campaigns: Sequence[Campaign] = ()) -> Any:
    """Settle unknown outcomes by asking each platform whether the post is there; with
    ``from_platform``, look every due occurrence of ``campaigns`` the ledger does not know
    as sent up on its platform instead, and record the ones found as published (after a
    lost ledger: nothing is sent). Returns a RunSummary naming the sandbox it used."""
    if from_platform:
        return _reconcile_from_platform(workspace, campaigns, now=now, sandbox=sandbox,
                                        sandbox_url=sandbox_url)
    with open_ledger(workspace) as ledger, \
            routed(workspace, list(workspace.accounts), sandbox, sandbox_url) as url:
        summary = publisher_for(workspace, ledger, url, sandbox).reconcile(now)
        summary.sandbox_url = url
        return summary


def _reconcile_from_platform(workspace: Workspace, campaigns: Sequence[Campaign], *,
                             now: datetime, sandbox: bool, sandbox_url: str | None) -> Any:
    entries = plan_entries(workspace, campaigns, Selection(), now=now, until=now,
                           render_all=True)
    names = sorted({e.channel for e in entries})
    with open_ledger(workspace) as ledger, routed(workspace, names, sandbox, sandbox_url) as url:
        lookup = lost_ledger.PlatformLookUp(workspace, ledger, url, sandbox,
                                            found_outcome=O_PUBLISHED)
        looked_at = lost_ledger.candidates(ledger, entries, due_until=now)
        results, _ = lookup(looked_at, now)
        lost_ledger.remember(workspace, ledger.identity())  # it knows every due post now
        return RunSummary(results + lost_ledger.not_found(looked_at, results), sandbox_url=url)


def retract_job(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                now: datetime, sandbox: bool = False, sandbox_url: str | None = None,
                by: str | None = None) -> Any:
    """Delete every published copy, and stop every future occurrence of the selection
    (recorded in the audit trail with ``by``, else the OS user)."""
    if not selection.campaign:
        raise UsageError(t("retract needs CAMPAIGN or CAMPAIGN/POST"))
    # A campaign whose file was removed is known to the ledger, and its posts can still go.
    known = selection.campaigns(campaigns, workspace, in_ledger=True)
    future: list[PlanEntry] = []
    if known:
        future = [e for e in build_plan(workspace, known, post=selection.post,
                                        channel=selection.channel, check=False,
                                        now=now).entries if e.at > now]
    with open_ledger(workspace) as ledger:
        with routed(workspace, list(workspace.accounts), sandbox, sandbox_url) as url:
            summary = publisher_for(workspace, ledger, url, sandbox).retract(
                selection.campaign, selection.post, selection.channel, entries=future, now=now)
            summary.sandbox_url = url
        governance.record(ledger, governance.A_RETRACT, by, now, campaign=selection.campaign,
                          post=selection.post, channel=selection.channel, details={
                              "skipped_pending": summary.skipped_pending,
                              "items": [{"key": i.key, "outcome": i.outcome, "url": i.url}
                                        for i in summary.items]})
        return summary
