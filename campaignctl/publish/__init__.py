"""The publishing engine (engine.py: claim -> send -> record, with retries, reconcile and
retract), how it sends (settings.py), what its runs report (results.py) and a channel's
rate window (throttle.py)."""

from .engine import Publisher, rendered_from_payload
from .results import (
    O_DONE,
    O_FAILED,
    O_IN_PROGRESS,
    O_PUBLISHED,
    O_SKIPPED,
    O_UNKNOWN,
    O_WOULD_SEND,
    EntryResult,
    RetractItem,
    RetractSummary,
    RunSummary,
)
from .settings import Hooks, PublishSettings

__all__ = ["Hooks", "Publisher", "PublishSettings", "rendered_from_payload", "O_DONE",
           "O_FAILED", "O_IN_PROGRESS", "O_PUBLISHED", "O_SKIPPED", "O_UNKNOWN", "O_WOULD_SEND",
           "EntryResult", "RetractItem", "RetractSummary", "RunSummary"]
