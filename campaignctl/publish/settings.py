"""How a Publisher sends (its pool, patience and retries) and the test seams around a send."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from ..models import PlanEntry, Published


@dataclass(frozen=True)
class PublishSettings:
    """How a Publisher sends: its pool, its patience and its retries.

    ``rate_limits=False`` switches off the limits channels declare (requests per window and
    per-channel concurrency) and leaves only what the platform itself says (429s and their
    reset times): for the sandbox and its benchmark, never for real accounts.
    """

    concurrency: int = 8
    catch_up: timedelta = timedelta(hours=1)  # how late a due post may still go out
    deadline: timedelta = timedelta(minutes=5)  # a run waits for rate windows this long
    rate_limits: bool = True
    backoff_base: float = 1.0  # seconds before the first retry; doubles each time
    backoff_cap: float = 60.0
    max_attempts: int = 6
    find_margin: timedelta = timedelta(minutes=5)  # how far before a send find_recent looks

    def replace(self, **changes: Any) -> PublishSettings:
        return dataclasses.replace(self, **changes)


class Hooks(Protocol):
    """Test seams around the send; production passes None."""

    def before_send(self, entry: PlanEntry) -> None: ...

    def after_send(self, entry: PlanEntry, published: Published) -> None: ...
