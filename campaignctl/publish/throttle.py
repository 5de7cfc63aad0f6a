"""One channel's rate-limit window, shared by its lanes."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

class Throttle:
    """One channel's sliding-window quota plus the platform's "not before" instant."""

    def __init__(self, per_window: int, window: float, clock: Callable[[], datetime],
                 sleep: Callable[[float], None]) -> None:
        self.per_window = max(1, per_window)
        self.window = timedelta(seconds=window)
        self.clock = clock
        self.sleep = sleep
        self.lock = threading.Lock()
        self.slots: deque[datetime] = deque()
        self.not_before: datetime | None = None

    def acquire(self, latest: datetime, *, urgent: bool = False) -> datetime | None:
        """Reserve the next free slot and wait for it (never a busy loop on a fake clock).

        A slot later than ``latest`` (the run's deadline) is not taken and not waited for:
        its instant is returned instead, so a run never sleeps through a platform's daily
        limit while holding a claim. None means the slot is ours and its time has come.
        ``urgent`` (an emergency post) goes past the declared window, which is our own
        estimate, but never past what the platform itself said (``not_before``).
        """
        with self.lock:
            now = self.clock()
            while self.slots and self.slots[0] <= now - self.window:
                self.slots.popleft()
            start = now
            if len(self.slots) >= self.per_window and not urgent:
                start = self.slots[0] + self.window
            if self.not_before and self.not_before > start:
                start = self.not_before
            if start > latest:
                return start
            if len(self.slots) >= self.per_window:
                self.slots.popleft()
            self.slots.append(start)
        wait = (start - now).total_seconds()
        if wait > 0:
            self.sleep(wait)
        return None

    def spent(self, instants: list[datetime]) -> None:
        """Count sends made before this throttle existed (earlier runs, other nodes), given
        oldest first as Ledger.sends_since returns them."""
        with self.lock:
            self.slots.extend(instants[-self.per_window:])

    def hold_until(self, instant: datetime) -> None:
        with self.lock:
            if self.not_before is None or instant > self.not_before:
                self.not_before = instant
