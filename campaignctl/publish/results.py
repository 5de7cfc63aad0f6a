"""What a publish, reconcile or retract run reports: one result per entry, and summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..models import PublishOutcome

# Outcomes of one entry in a run.
O_PUBLISHED = PublishOutcome.PUBLISHED
O_FAILED = PublishOutcome.FAILED
O_SKIPPED = PublishOutcome.SKIPPED
O_UNKNOWN = PublishOutcome.UNKNOWN
O_DONE = PublishOutcome.ALREADY_DONE
O_IN_PROGRESS = PublishOutcome.IN_PROGRESS  # another live run holds the claim
O_WOULD_SEND = PublishOutcome.WOULD_SEND  # dry run


@dataclass
class EntryResult:
    """What happened to one (occurrence, channel) in a run."""

    key: str
    campaign: str
    post: str
    channel: str
    platform: str
    at: datetime
    outcome: str
    url: str | None = None
    platform_id: str | None = None
    reason: str | None = None
    payload: dict[str, Any] | None = None  # dry run: exactly what would be sent

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict for `--json`."""
        out = {k: getattr(self, k) for k in ("key", "campaign", "post", "channel", "platform",
                                             "outcome", "url", "platform_id", "reason")}
        out["at"] = self.at.isoformat()
        if self.payload is not None:
            out["payload"] = self.payload
        return out


@dataclass
class RunSummary:
    """Every entry's outcome in a publish or reconcile run."""

    results: list[EntryResult] = field(default_factory=list)
    dry_run: bool = False
    sandbox_url: str | None = None  # the sandbox the run talked to; None: live only

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.outcome] = out.get(r.outcome, 0) + 1
        return out

    @property
    def ok(self) -> bool:
        """False when anything failed or is left unknown (the CLI exits non-zero)."""
        return not any(r.outcome in (O_FAILED, O_UNKNOWN) for r in self.results)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict for `--json`."""
        return {"dry_run": self.dry_run, "ok": self.ok, "counts": self.counts,
                "sandbox_url": self.sandbox_url, "results": [r.to_json() for r in self.results]}


@dataclass
class RetractItem:
    """One published copy and what `retract` did about it."""

    key: str
    channel: str
    platform: str
    url: str | None
    outcome: str  # deleted | manual | failed | in-flight
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RetractSummary:
    """What `retract` deleted, could not delete, and stopped from going out."""

    items: list[RetractItem] = field(default_factory=list)
    skipped_pending: int = 0
    sandbox_url: str | None = None  # the sandbox the deletions went to; None: live only

    @property
    def ok(self) -> bool:
        return all(i.outcome == "deleted" for i in self.items)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "skipped_pending": self.skipped_pending,
                "sandbox_url": self.sandbox_url, "items": [i.to_json() for i in self.items]}


