"""Metric snapshots: every collection is kept, a time series per published post."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from .core import LedgerBase, chunks, guarded
from .schema import metric_snapshots


class MetricRecords(LedgerBase):
    """Storing and reading metric snapshots."""

    @guarded
    def add_snapshots(self, snapshots: Sequence[dict[str, Any]]) -> int:
        """Store one collection: dicts with key, campaign, channel, platform, platform_id,
        taken_at, metrics (dict or None) and gap (str or None); returns how many."""
        rows = [{**s, "metrics": None if s.get("metrics") is None
                 else json.dumps(s["metrics"], sort_keys=True)} for s in snapshots]
        with self.engine.begin() as conn:
            for chunk in chunks(rows):
                conn.execute(metric_snapshots.insert(), list(chunk))
        return len(rows)

    @guarded
    def snapshots(self, campaign: str | None = None, *,
                  since: datetime | None = None) -> list[dict[str, Any]]:
        """Every stored snapshot (optionally of one campaign, taken at or after ``since``),
        oldest first, with ``metrics`` decoded."""
        q = select(metric_snapshots).order_by(metric_snapshots.c.taken_at,
                                              metric_snapshots.c.id)
        if campaign:
            q = q.where(metric_snapshots.c.campaign == campaign)
        if since is not None:
            q = q.where(metric_snapshots.c.taken_at >= since)
        with self.engine.connect() as conn:
            return [{"key": r.key, "campaign": r.campaign, "channel": r.channel,
                     "platform": r.platform, "platform_id": r.platform_id,
                     "taken_at": r.taken_at, "gap": r.gap,
                     "metrics": json.loads(r.metrics) if r.metrics else None}
                    for r in conn.execute(q)]

    @guarded
    def last_snapshot_at(self, campaign: str | None = None) -> datetime | None:
        """When metrics were last collected (for one campaign), or None."""
        q = select(func.max(metric_snapshots.c.taken_at))
        if campaign:
            q = q.where(metric_snapshots.c.campaign == campaign)
        with self.engine.connect() as conn:
            raw = conn.execute(q).scalar()
        if raw is not None and raw.tzinfo is None:  # func.max() loses the column's type
            raw = raw.replace(tzinfo=timezone.utc)
        return raw
