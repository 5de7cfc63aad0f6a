"""Small pieces the test modules share."""

from __future__ import annotations

from datetime import datetime, timezone


class FakeClock:
    """An emulator's clock (epoch seconds) that stands still until a test moves it."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def aware(self) -> datetime:
        """The same instant as an aware UTC datetime (what adapters' clocks return)."""
        return datetime.fromtimestamp(self.now, tz=timezone.utc)
