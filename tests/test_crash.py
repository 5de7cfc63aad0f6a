"""Real publish processes killed with SIGKILL at each instant, then run again: never twice.

Each case runs tests/crash_runner.py under ``sys.executable`` against a sandbox served by this
test process, kills it at a precise point, starts a fresh process over the same ledger and
counts what the platform received.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import postgres_url
from crash_runner import FakeEmulator, pg_drop_schema, pg_schema_url

from campaignctl.ledger import PUBLISHED, Ledger
from campaignctl.sandbox import Sandbox

pytestmark = pytest.mark.slow
RUNNER = Path(__file__).resolve().parent / "crash_runner.py"
PG = postgres_url()


@pytest.fixture
def sb():
    with Sandbox(port=0, emulators={"fake": FakeEmulator()}) as sandbox:
        yield sandbox


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ws' / '.campaignctl' / 'ledger.db'}"
        return
    if PG is None:
        pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432")
    url, schema = pg_schema_url(PG)
    yield url
    pg_drop_schema(PG, schema)


def start(ledger_url: str, sb: Sandbox, at: datetime, *extra: str, count: int = 3):
    return subprocess.Popen(
        [sys.executable, str(RUNNER), "--ledger", ledger_url, "--sandbox", sb.url,
         "--count", str(count), "--at", at.isoformat(), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return json.loads(out)


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)  # reaped: its pid is gone, as after a real crash
    assert proc.returncode == -signal.SIGKILL


def wait_for(predicate, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the runner")
        time.sleep(0.02)


def texts(sb: Sandbox) -> Counter:
    return Counter(p["text"] for p in sb.emulators["fake"].posts())


def expected(count: int = 3) -> Counter:
    return Counter(f"post {i} on fake-a" for i in range(count))


@pytest.mark.parametrize("where, first_outcome", [
    ("before", "not-found"),  # killed before the request: not on the platform, sent now
    ("after", "found"),  # the platform answered, the ledger never heard: found, not resent
])
def test_killed_at_a_hook_then_rerun_publishes_each_exactly_once(ledger_url, sb, tmp_path,
                                                                  where, first_outcome):
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    ready = tmp_path / "ready"
    proc = start(ledger_url, sb, at, "--block", where, "--block-index", "1",
                 "--ready", str(ready), "--concurrency", "1")
    wait_for(ready.exists)
    kill(proc)
    before = texts(sb)
    assert before["post 1 on fake-a"] == (1 if where == "after" else 0)

    summary = finish(start(ledger_url, sb, at))
    assert texts(sb) == expected()
    assert summary["counts"].get("published", 0) + summary["counts"].get("already-done", 0) == 3
    led = Ledger.open(ledger_url)
    rows = led.status("crash")
    assert {r.state for r in rows} == {PUBLISHED}
    blocked = next(r for r in rows if r.post == "p1")
    outcomes = [a.outcome for a in led.attempts(blocked.key)]
    assert first_outcome in outcomes
    assert blocked.platform_id == next(p["id"] for p in sb.emulators["fake"].posts()
                                       if p["text"] == "post 1 on fake-a")
    led.close()


def test_killed_mid_request_then_rerun_never_doubles(ledger_url, sb):
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    sb.configure("fake", latency_ms=1500)
    proc = start(ledger_url, sb, at)
    em = sb.emulators["fake"]
    wait_for(lambda: len([r for r in em.requests if r["method"] == "POST"]) == 3)
    kill(proc)  # all three requests are in flight, their answers will never be read
    wait_for(lambda: len(em.posts()) == 3, timeout=10)  # the platform applied them anyway
    sb.configure("fake", latency_ms=0)

    summary = finish(start(ledger_url, sb, at))
    assert texts(sb) == expected()
    assert summary["counts"] == {"published": 3}
    assert all("reconciled" in r["reason"] for r in summary["results"])
    assert len([r for r in em.requests if r["method"] == "POST"]) == 3  # nothing resent


def test_two_processes_over_the_same_due_set(ledger_url, sb):
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    sb.configure("fake", latency_ms=20)
    Ledger.open(ledger_url).close()  # migrate once so both start racing on the claims
    go = str(time.time() + 2.5)
    procs = [start(ledger_url, sb, at, "--go", go, count=20) for _ in range(2)]
    summaries = [finish(p) for p in procs]
    assert texts(sb) == expected(20)
    published = sum(s["counts"].get("published", 0) for s in summaries)
    assert published == 20
    for s in summaries:
        assert set(s["counts"]) <= {"published", "already-done", "in-progress"}
    assert len([r for r in sb.emulators["fake"].requests if r["method"] == "POST"]) == 20


@pytest.mark.parametrize("platform", ["facebook", "x"])
def test_killed_after_the_platform_answered_through_a_real_adapter(sandbox, tmp_path, platform):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    at = datetime.now(timezone.utc) - timedelta(minutes=1)
    ready = tmp_path / "ready"
    proc = start(url, sandbox, at, "--platform", platform, "--block", "after",
                 "--block-index", "0", "--ready", str(ready), "--concurrency", "1", count=2)
    wait_for(ready.exists)
    kill(proc)
    summary = finish(start(url, sandbox, at, "--platform", platform, count=2))
    stored = Counter(p["text"] for p in sandbox.all_posts()[platform])
    assert stored == Counter(f"post {i} on {platform}-a" for i in range(2)), summary
    led = Ledger.open(url)
    rows = {r.post: r for r in led.status("crash")}
    assert {r.state for r in rows.values()} == {PUBLISHED}
    assert "found" in [a.outcome for a in led.attempts(rows["p0"].key)]
    led.close()
