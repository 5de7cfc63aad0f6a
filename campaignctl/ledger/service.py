"""What the service and the publish pass share across processes: scheduler heartbeats, and
each channel's rate-limit state (a platform's hold, and what earlier runs sent)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update

from .core import LedgerBase, guarded, utc_now
from .occurrences import Claim
from .schema import DEFERRED, attempts, channel_holds, occurrences, scheduler_nodes


class ServiceRecords(LedgerBase):
    """Scheduler heartbeats and channel rate-limit state."""

    @guarded
    def beat(self, node: str, *, host: str, pid: int, started_at: datetime,
             next_due: datetime | None, zone: str | None, now: datetime | None = None) -> None:
        """Record that a scheduler node is alive (insert or refresh its row)."""
        now = now or utc_now()
        values = {"host": host, "pid": pid, "started_at": started_at, "last_beat": now,
                  "next_due": next_due, "zone": zone, "stopped_at": None}
        stmt = self._insert(scheduler_nodes).values(node=node, **values)
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["node"], set_=values))

    @guarded
    def node_stopped(self, node: str, now: datetime | None = None) -> None:
        """Mark a node as cleanly stopped (so `status` does not call it down)."""
        now = now or utc_now()
        with self.engine.begin() as conn:
            conn.execute(update(scheduler_nodes).where(scheduler_nodes.c.node == node)
                         .values(stopped_at=now, next_due=None))

    @guarded
    def heartbeats(self) -> list[dict[str, Any]]:
        """Every scheduler node's last heartbeat, by node name."""
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                select(scheduler_nodes).order_by(scheduler_nodes.c.node))]

    @guarded
    def hold_channel(self, channel: str, not_before: datetime, reason: str | None = None,
                     now: datetime | None = None) -> None:
        """Remember that ``channel``'s platform refuses calls before ``not_before`` (a later
        hold wins; an earlier one never shortens it)."""
        now = now or utc_now()
        stmt = self._insert(channel_holds).values(channel=channel, not_before=not_before,
                                                  reason=reason, updated_at=now)
        later = channel_holds.c.not_before < stmt.excluded.not_before
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(
                index_elements=["channel"], where=later,
                set_={"not_before": stmt.excluded.not_before, "reason": stmt.excluded.reason,
                      "updated_at": stmt.excluded.updated_at}))

    @guarded
    def sends_since(self, channel: str, since: datetime, before: datetime,
                    target: str | None = None) -> list[datetime]:
        """When attempts to publish on ``channel`` (on ``target`` only, when given) began in
        [since, before), oldest first: what earlier runs and other nodes spent of the
        channel's declared rate window. A rehearsal's sends never count against the live
        account's window, nor the other way round.

        Every attempt counts except a deferral (nothing was sent); the rare attempt that
        ended before its request (a channel that could not be built, a revoked token seen
        earlier in the run) counts too, which only ever makes the window look fuller.
        """
        q = (select(attempts.c.started_at)
             .join(occurrences, occurrences.c.key == attempts.c.key)
             .where(occurrences.c.channel == channel, attempts.c.started_at >= since,
                    attempts.c.started_at < before,
                    or_(attempts.c.error_class.is_(None), attempts.c.error_class != DEFERRED))
             .order_by(attempts.c.started_at))
        if target is not None:
            q = q.where(occurrences.c.target == target)
        with self.engine.connect() as conn:
            return [r.started_at for r in conn.execute(q)]

    @guarded
    def mark_sent(self, claim: Claim, now: datetime) -> None:
        """Move the current attempt's start to when its request actually left (after a wait
        for the channel's rate window), so later runs count it in the right window."""
        with self.engine.begin() as conn:
            conn.execute(update(attempts).where(attempts.c.id == claim.attempt_id)
                         .values(started_at=now))

    @guarded
    def channel_holds(self, now: datetime | None = None) -> dict[str, tuple[datetime, str | None]]:
        """channel -> (not before, reason) for every hold still in the future."""
        now = now or utc_now()
        with self.engine.connect() as conn:
            return {r.channel: (r.not_before, r.reason) for r in conn.execute(
                select(channel_holds).where(channel_holds.c.not_before > now))}
