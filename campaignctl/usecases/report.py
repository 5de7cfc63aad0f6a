"""`report`: collect fresh metrics when the last collection is old, then summarise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..channels import channel_for
from ..models import Campaign, Target, Workspace
from ..report import (
    MAX_AGE,
    Collection,
    Report,
    collect,
    load_conversions,
    needs_collection,
    summarize,
)
from ..report.metrics import published_rows
from .common import Selection, open_ledger
from .sandbox import routed


def report_job(workspace: Workspace, campaigns: Sequence[Campaign], *, now: datetime,
               campaign: str | None = None, since: datetime | None = None,
               refresh: bool = False, sandbox: bool = False, sandbox_url: str | None = None,
               conversions: Path | None = None, mapping: Mapping[str, str] | None = None,
               max_age: timedelta = MAX_AGE) -> Report:
    """Collect when needed (see report/metrics.py's docstring), then summarise from the ledger.
    ``sandbox_url`` in the answer names the sandbox the collection asked (None: none)."""
    if campaign:  # a campaign whose file was removed still has its numbers in the ledger
        Selection(campaign).campaigns(campaigns, workspace, in_ledger=True)
    conv_rows = load_conversions(conversions, mapping) if conversions else None
    with open_ledger(workspace) as ledger:
        rows = published_rows(ledger, campaign, since)
        collection, used = None, None
        if rows and needs_collection(ledger, campaign, now, refresh=refresh, max_age=max_age):
            collection, used = _collect(ledger, workspace, rows, now=now, campaign=campaign,
                                        since=since, forced=sandbox or bool(sandbox_url),
                                        sandbox_url=sandbox_url)
        snaps = ledger.snapshots(campaign)
    data = summarize(rows, snaps, {c.id: c for c in campaigns}, default_tz=workspace.timezone,
                     conversions=conv_rows, now=now)
    data["collected"] = None if collection is None else {
        "taken_at": collection.taken_at.isoformat(), "measured": collection.measured,
        "gaps": len(collection.gaps), "calls": collection.calls}
    data["sandbox_url"] = used  # the sandbox this collection asked, if any
    return data


def _collect(ledger: Any, workspace: Workspace, rows: Sequence[Any], *, now: datetime,
             campaign: str | None, since: datetime | None, forced: bool,
             sandbox_url: str | None) -> tuple[Collection, str | None]:
    """Measure each post where it went: sandbox posts through the sandbox, live posts from
    their platform, unless the account is now routed to the sandbox (``forced``, or
    `sandbox: true`): a live post is never looked up in the sandbox. Also returns the
    sandbox URL asked, if any."""
    parts: list[Collection] = []
    used = None
    rehearsed = sorted({r.channel for r in rows if r.target == Target.SANDBOX})
    if rehearsed:
        with routed(workspace, rehearsed, True, sandbox_url) as url:
            used = url

            def sandboxed(name: str) -> Any:
                return channel_for(workspace, name, sandbox_url=url, force_sandbox=True)
            parts.append(collect(ledger, sandboxed, now=now, campaign=campaign, since=since,
                                 target=Target.SANDBOX))
    live = sorted({r.channel for r in rows if r.target == Target.LIVE
                   and workspace.target_of(r.channel, forced) == Target.LIVE})
    if live:
        def opener(name: str) -> Any:
            return channel_for(workspace, name)
        parts.append(collect(ledger, opener, now=now, campaign=campaign, since=since,
                             target=Target.LIVE, channels=live))
    total = Collection(taken_at=now)
    for part in parts:
        total.measured += part.measured
        total.gaps += part.gaps
        for name, calls in part.calls.items():
            total.calls[name] = total.calls.get(name, 0) + calls
    return total, used
