"""Retractions: deleting published copies, and markers that stop a post's future occurrences.

Retracting a post also stops its occurrences that have no row yet: a marker per (campaign,
post, channel), "*" for all, that the publisher checks before every send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ..i18n import t
from .core import LedgerBase, guarded, utc_now
from .occurrences import OccurrenceStatus, claimable_rows
from .schema import ALL, PUBLISHED, RETRACTED, SKIPPED, occurrences, retraction_markers, retractions


@dataclass
class RetractionRecord:
    """One published copy that `retract` deleted (or could not)."""

    id: int
    key: str
    campaign: str
    post: str
    channel: str
    platform_id: str | None
    url: str | None
    requested_at: datetime
    finished_at: datetime | None
    outcome: str | None
    message: str | None


class RetractionRecords(LedgerBase):
    """Retraction records and markers."""

    @guarded
    def mark_retracted(self, campaign: str, post: str | None = None, channel: str | None = None,
                       now: datetime | None = None) -> None:
        """Remember that this post (every post when None) must never be sent again."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            conn.execute(self._insert(retraction_markers).on_conflict_do_nothing(), [{
                "campaign": campaign, "post": post or ALL, "channel": channel or ALL,
                "created_at": now}])

    @guarded
    def clear_retraction(self, campaign: str, post: str | None = None,
                         channel: str | None = None) -> int:
        """Forget a retraction marker so the post may be published again."""
        with self.engine.begin() as conn:
            res = conn.execute(retraction_markers.delete().where(
                retraction_markers.c.campaign == campaign,
                retraction_markers.c.post == (post or ALL),
                retraction_markers.c.channel == (channel or ALL)))
        return res.rowcount

    @guarded
    def retraction_markers(self) -> set[tuple[str, str, str]]:
        """Every (campaign, post, channel) marker; "*" stands for all."""
        with self.engine.connect() as conn:
            return {(r.campaign, r.post, r.channel) for r in conn.execute(
                select(retraction_markers))}

    @staticmethod
    def is_retracted(markers: set[tuple[str, str, str]], campaign: str, post: str,
                     channel: str) -> bool:
        """True when a marker covers this (campaign, post, channel)."""
        return any((campaign, p, c) in markers for p in (post, ALL) for c in (channel, ALL))

    @guarded
    def skip_matching(self, campaign: str, post: str | None, channel: str | None, reason: str,
                      now: datetime | None = None) -> int:
        """Turn matching pending (or retryable failed) rows into skipped; returns how many."""
        now = now or utc_now()
        q = update(occurrences).where(occurrences.c.campaign == campaign, claimable_rows())
        if post:
            q = q.where(occurrences.c.post == post)
        if channel:
            q = q.where(occurrences.c.channel == channel)
        with self.engine.begin() as conn:
            return conn.execute(q.values(state=SKIPPED, reason=reason, retryable=False,
                                         updated_at=now)).rowcount

    @guarded
    def begin_retraction(self, row: OccurrenceStatus, now: datetime | None = None) -> int:
        """Store what is about to be deleted, before deleting it; returns the record id."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            res = conn.execute(retractions.insert().values(
                key=row.key, campaign=row.campaign, post=row.post, channel=row.channel,
                platform_id=row.platform_id, url=row.url, ids=json.dumps(row.ids),
                requested_at=now, outcome="deleting"))
            return int(res.inserted_primary_key[0])

    @guarded
    def finish_retraction(self, record_id: int, key: str, outcome: str, message: str | None = None,
                          now: datetime | None = None) -> None:
        """deleted -> the occurrence becomes retracted; manual/failed leave it published."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            conn.execute(update(retractions).where(retractions.c.id == record_id).values(
                finished_at=now, outcome=outcome, message=message))
            if outcome == "deleted":
                conn.execute(update(occurrences).where(
                    occurrences.c.key == key, occurrences.c.state == PUBLISHED).values(
                    state=RETRACTED, reason=t("retracted"), updated_at=now))

    @guarded
    def retractions(self, campaign: str | None = None) -> list[RetractionRecord]:
        """Every retraction record, newest last."""
        q = select(retractions).order_by(retractions.c.id)
        if campaign:
            q = q.where(retractions.c.campaign == campaign)
        with self.engine.connect() as conn:
            return [RetractionRecord(r.id, r.key, r.campaign, r.post, r.channel, r.platform_id,
                                     r.url, r.requested_at, r.finished_at, r.outcome, r.message)
                    for r in conn.execute(q)]
