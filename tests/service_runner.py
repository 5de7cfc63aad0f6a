"""Helpers for the scheduler tests and benchmark: a workspace with campaigns due in seconds,
and `campaignctl run` processes whose JSON log lines are collected as they arrive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TZ = "Asia/Makassar"  # WITA, the example workspace's zone


def make_workspace(root: Path, *, catch_up: str = "1h", x_rate_limit: str | None = None
                   ) -> Path:
    """`campaignctl init` content without its example campaign (sandbox accounts);
    ``x_rate_limit`` gives the x account a tier of its own (e.g. "10000/15m")."""
    from campaignctl.workspace import create_workspace

    create_workspace(root)
    for example in (root / "campaigns").glob("*.yaml"):
        example.unlink()
    channels = root / "channels.yaml"
    text = channels.read_text().replace("catch_up: 1h", f"catch_up: {catch_up}")
    if x_rate_limit:
        x_account = "  x:\n    platform: x\n"
        assert x_account in text
        text = text.replace(x_account, f"{x_account}    rate_limit: {x_rate_limit}\n")
    channels.write_text(text)
    return root


def local_now() -> datetime:
    """Now in the campaigns' zone, whole seconds (campaign times have no fractions)."""
    return datetime.now(ZoneInfo(TZ)).replace(microsecond=0)


def campaign_yaml(campaign: str, posts: Sequence[tuple[str, datetime]],
                  channels: Sequence[str] = ("x",), extra: str = "") -> str:
    """A campaign of inline-text posts, one per (id, local time)."""
    lines = [f"campaign: {campaign}", f"name: Test {campaign}", f"timezone: {TZ}",
             f"channels: [{', '.join(channels)}]", "posts:"]
    for post_id, at in posts:
        lines += [f"  - id: {post_id}",
                  f"    at: {at.astimezone(ZoneInfo(TZ)):%Y-%m-%d %H:%M:%S}",
                  f'    text: "Layanan {campaign} {post_id}: cek kesehatan gratis."']
    return "\n".join(lines) + "\n" + extra


def write_campaign(root: Path, campaign: str, posts: Sequence[tuple[str, datetime]],
                   **kwargs: Any) -> Path:
    path = root / "campaigns" / f"{campaign}.yaml"
    path.write_text(campaign_yaml(campaign, posts, **kwargs))
    return path


def wait_for(predicate: Callable[[], Any], timeout: float, what: str,
             every: float = 0.05) -> Any:
    """Poll until predicate() is truthy; fail with ``what`` after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


class Node:
    """A `python -m campaignctl run` process; its stderr JSON lines land in ``events``."""

    def __init__(self, root: Path, *args: str, env: dict[str, str] | None = None) -> None:
        full_env = {**os.environ, **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "campaignctl", "-w", str(root), "run", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)
        self.events: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.raw.append(line)
            try:
                self.events.append(json.loads(line))
            except ValueError:
                pass  # kept in raw: a test asserts every line is JSON

    def seen(self, event: str, **match: Any) -> list[dict[str, Any]]:
        return [e for e in list(self.events) if e.get("event") == event
                and all(e.get(k) == v for k, v in match.items())]

    def wait_event(self, event: str, timeout: float = 20, **match: Any) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            hits = self.seen(event, **match)
            if not hits and self.proc.poll() is not None:
                raise AssertionError(f"node exited ({self.proc.returncode}) before {event}: "
                                     + "".join(self.raw[-20:]))
            return hits[0] if hits else None
        return wait_for(found, timeout, f"log event {event} {match}")

    def finish(self, timeout: float = 30) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return rc

    def tail(self, lines: int = 20) -> str:
        """The node's last stderr lines, for an assertion's message."""
        return "".join(self.raw[-lines:])

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)  # reap it: a zombie's pid still looks alive


def x_posts(sandbox: Any) -> list[dict[str, Any]]:
    """Every tweet the X emulator stored: text and epoch ``created``."""
    em = sandbox.emulators["x"]
    with em.lock:
        return [dict(tw) for tw in em.tweets.values()]


def due_by_text(campaign: str, posts: Sequence[tuple[str, datetime]]) -> dict[str, datetime]:
    return {f"Layanan {campaign} {pid}: cek kesehatan gratis.": at for pid, at in posts}


def lateness(sandbox: Any, campaign: str,
             posts: Sequence[tuple[str, datetime]]) -> dict[str, float]:
    """Seconds between each post's due time and the moment the X emulator stored it."""
    due = due_by_text(campaign, posts)
    return {tw["text"]: tw["created"] - due[tw["text"]].timestamp()
            for tw in x_posts(sandbox) if tw["text"] in due}


def schedule_ahead(start: datetime, count: int, spacing: timedelta,
                   prefix: str = "p") -> list[tuple[str, datetime]]:
    return [(f"{prefix}{i}", start + spacing * i) for i in range(count)]
