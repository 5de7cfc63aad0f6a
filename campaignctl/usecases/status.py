"""What `status` shows: each occurrence, the scheduler nodes' heartbeats, rate-limit holds,
and the governance in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ..i18n import t, tn
from ..models import Campaign, Workspace
from .common import Selection, open_ledger
from .governance import governance_status_job


@dataclass
class StatusView:
    """Everything `status` prints or returns as JSON."""

    rows: list[Any]  # ledger.OccurrenceStatus, newest first
    schedulers: list[str]  # one line per scheduler node
    heartbeats: list[dict[str, Any]]
    holds: dict[str, tuple[datetime, str | None]]  # channel -> (until, reason)
    governance: dict


def status_job(workspace: Workspace, campaigns: Sequence[Campaign], campaign: str | None, *,
               failed_only: bool, now: datetime) -> StatusView:
    """What `status` shows, of every campaign or of ``campaign`` (one of the files, or
    one the ledger knows whose file was removed)."""
    if campaign:
        Selection(campaign).campaigns(campaigns, workspace, in_ledger=True)
    with open_ledger(workspace) as ledger:
        rows = ledger.status(campaign, failed_only=failed_only)
        schedulers = heartbeat_lines(ledger, now)
        beats = ledger.heartbeats()
        holds = ledger.channel_holds(now)
    governance = governance_status_job(workspace, campaigns, now=now)
    return StatusView(rows, schedulers, beats, holds, governance)


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 90:
        return t("{n} s ago", n=seconds)
    if seconds < 90 * 60:
        return t("{n} min ago", n=seconds // 60)
    if seconds < 36 * 3600:
        return t("{n} h ago", n=seconds // 3600)
    return tn("{count} day ago", "{count} days ago", seconds // 86400)


def _local(moment: datetime, zone: str | None) -> str:
    try:
        tz = ZoneInfo(zone) if zone else timezone.utc
    except Exception:  # a zone this machine's tzdata lacks: show UTC rather than fail
        tz = timezone.utc
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def heartbeat_lines(ledger: Any, now: datetime, *,
                    down_after: timedelta = timedelta(seconds=30)) -> list[str]:
    """One line per scheduler node for `status`: up (with the next post), stopped, or down."""
    lines = []
    for row in ledger.heartbeats():
        host, node, pid = row["host"], row["node"], row["pid"]
        if row["stopped_at"] is not None:
            lines.append(t("scheduler on {host} (node {node}) stopped {ago}", host=host,
                           node=node, ago=_ago(now - row["stopped_at"])))
        elif now - row["last_beat"] > down_after:
            lines.append(t("scheduler on {host} (node {node}) last seen {ago} (down?)",
                           host=host, node=node, ago=_ago(now - row["last_beat"])))
        elif row["next_due"] is not None:
            lines.append(t("scheduler up on {host} (node {node}, pid {pid}), next post at "
                           "{when}", host=host, node=node, pid=pid,
                           when=_local(row["next_due"], row["zone"])))
        else:
            lines.append(t("scheduler up on {host} (node {node}, pid {pid}), nothing "
                           "scheduled", host=host, node=node, pid=pid))
    return lines
