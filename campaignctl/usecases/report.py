"""`report`: collect fresh metrics when the last collection is old, then summarise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..channels import channel_for
from ..models import Campaign, Workspace
from ..report import MAX_AGE, Report, collect, load_conversions, needs_collection, summarize
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
            forced = sandbox or bool(sandbox_url)
            with routed(workspace, sorted({r.channel for r in rows}), forced, sandbox_url) as url:
                def opener(name: str) -> Any:
                    return channel_for(workspace, name, sandbox_url=url, force_sandbox=forced)
                collection = collect(ledger, opener, now=now, campaign=campaign, since=since)
                used = url
        snaps = ledger.snapshots(campaign)
    data = summarize(rows, snaps, {c.id: c for c in campaigns}, default_tz=workspace.timezone,
                     conversions=conv_rows, now=now)
    data["collected"] = None if collection is None else {
        "taken_at": collection.taken_at.isoformat(), "measured": collection.measured,
        "gaps": len(collection.gaps), "calls": collection.calls}
    data["sandbox_url"] = used  # the sandbox this collection asked, if any
    return data
