"""The scheduler service: wakes on time, reloads, stops cleanly, catches up after downtime,
keeps a one-row job store, and reports heartbeats. Real sandbox, real ledger, real clock
(occurrences a few seconds ahead)."""

from __future__ import annotations

import logging
import os
import signal
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from service_runner import (
    Node,
    campaign_yaml,
    lateness,
    local_now,
    make_workspace,
    wait_for,
    write_campaign,
    x_posts,
)
from sqlalchemy import text

from campaignctl.ledger import Ledger, default_url
from campaignctl.scheduler import WAKE_JOB, Service, ServiceOptions, job_table
from campaignctl.usecases.status import heartbeat_lines


class Records(logging.Handler):
    """Collects the scheduler's log records (event + fields) in memory."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.events: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(dict(vars(record)))

    def of(self, event: str) -> list[dict]:
        return [e for e in list(self.events) if e.get("event") == event]


@pytest.fixture
def records():
    handler = Records()
    logger = logging.getLogger("campaignctl.scheduler")
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)


def _service(root: Path, sandbox, node: str = "t1", clock=None, **opts) -> Service:
    options = ServiceOptions(node=node, sandbox=True, sandbox_url=sandbox.url,
                             **{"poll_seconds": 0.3, "safety_seconds": 3600,
                                "heartbeat_seconds": 1, **opts})
    return Service(root, options, **({"clock": clock} if clock else {}))


def _ledger(root: Path) -> Ledger:
    return Ledger.open(default_url(root))


def _states(root: Path) -> dict[str, str]:
    ledger = _ledger(root)
    try:
        return {r.post: r.state for r in ledger.status()}
    finally:
        ledger.close()


def test_wakes_at_each_due_occurrence_and_not_before(tmp_path, sandbox, records):
    root = make_workspace(tmp_path / "ws")
    base = local_now()
    posts = [("p1", base + timedelta(seconds=3)), ("p2", base + timedelta(seconds=5))]
    write_campaign(root, "tepat", posts)
    service = _service(root, sandbox)
    service.start()
    try:
        assert service.next_due == posts[0][1]
        wait_for(lambda: len(x_posts(sandbox)) == 2, 15, "both posts in the sandbox")
        wait_for(lambda: service.next_due is None, 5, "nothing left to schedule")
    finally:
        assert service.stop()
    late = lateness(sandbox, "tepat", posts)
    assert len(late) == 2
    for text_, seconds in late.items():
        assert -0.05 <= seconds <= 1.5, (text_, seconds)  # never early, about on time
    assert _states(root) == {"p1": "published", "p2": "published"}
    published = records.of("published")
    assert sorted(e["post"] for e in published) == ["p1", "p2"]
    assert all(e["url"].startswith("https://x.com/") and e["node"] == "t1" for e in published)
    assert [e["why"] for e in records.of("wake")].count("due") >= 2


def test_job_store_keeps_one_wake_job_for_100k_planned_occurrences(tmp_path, sandbox):
    root = make_workspace(tmp_path / "ws")
    start = (local_now() + timedelta(days=1)).date()
    until = start + timedelta(days=70)  # a post every minute: 100,800 occurrences
    (root / "campaigns" / "banyak.yaml").write_text(
        campaign_yaml("banyak", []) + f'  - id: tiap-menit\n    every: "* * * * *"\n'
        f"    from: {start}\n    until: {until}\n    text: Pengingat tiap menit.\n")
    service = _service(root, sandbox)
    service.start(run_scheduler=False)  # what `run --once` does
    try:
        first = datetime.combine(start, datetime.min.time(), service.next_due.tzinfo)
        assert service.next_due == first
    finally:
        assert service.stop()
    ledger = _ledger(root)
    try:
        with ledger.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT id, next_run_time FROM {job_table('t1')}")).all()
    finally:
        ledger.close()
    assert [r.id for r in rows] == [WAKE_JOB]
    assert rows[0].next_run_time == pytest.approx(first.timestamp())


def test_file_change_reloads_and_a_broken_file_keeps_the_last_good_campaign(
        tmp_path, sandbox, records):
    root = make_workspace(tmp_path / "ws")
    later = local_now() + timedelta(days=1)
    write_campaign(root, "ubah", [("besok", later)])
    service = _service(root, sandbox)
    service.start()
    try:
        assert service.next_due == later
        soon = local_now() + timedelta(seconds=3)
        write_campaign(root, "ubah", [("besok", later), ("segera", soon)])
        wait_for(lambda: records.of("reload"), 5, "a reload after the edit")
        assert service.next_due == soon
        wait_for(lambda: len(x_posts(sandbox)) == 1, 10, "the added post in the sandbox")
        wait_for(lambda: service.next_due == later, 5, "the wake moved on to tomorrow")
        reloads = len(records.of("reload"))
        (root / "templates" / "baru.j2").write_text("Template baru.\n")  # templates/** too
        wait_for(lambda: len(records.of("reload")) > reloads, 5, "a reload after a template")

        path = root / "campaigns" / "ubah.yaml"
        path.write_text(path.read_text().replace(f"{later:%Y-%m-%d %H:%M:%S}", "kapan-kapan"))
        failed = wait_for(lambda: records.of("reload-failed"), 5, "the broken file reported")
        assert failed[0]["file"] == "campaigns/ubah.yaml" and failed[0]["line"] == 7
        assert failed[0]["reason"].startswith("campaigns/ubah.yaml:7: error:")
        assert [c.id for c in service.campaigns] == ["ubah"]  # the last good version
        assert service.next_due == later

        channels = root / "channels.yaml"
        channels.write_text(channels.read_text().replace("catch_up: 1h", "catch_up: sebentar"))
        wait_for(lambda: len(records.of("reload-failed")) > len(failed), 5,
                 "the broken channels.yaml reported")
        assert "channels.yaml" in records.of("reload-failed")[-1]["reason"]
        assert service.workspace.catch_up_seconds == 3600 and service.next_due == later
    finally:
        assert service.stop()
    assert _states(root) == {"segera": "published"}


@pytest.mark.parametrize("downtime, outcome", [
    (timedelta(minutes=30), "published"),  # inside the 1 h catch-up window: sent late
    (timedelta(hours=2), "skipped"),  # outside: recorded missed, never sent
])
def test_restart_after_downtime(tmp_path, sandbox, records, downtime, outcome):
    root = make_workspace(tmp_path / "ws")
    due = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    write_campaign(root, "mati", [("pagi", due)])

    def once(now: datetime) -> Service:
        service = _service(root, sandbox, clock=lambda: now)
        service.start(run_scheduler=False)
        assert service.stop()
        return service

    assert once(due - timedelta(minutes=10)).next_due == due  # then the node goes down
    once(due + downtime)  # back up
    once(due + downtime + timedelta(minutes=1))  # and restarted again: nothing doubles
    missed = records.of("missed-wake")
    assert missed and missed[0]["due"] == due.isoformat()
    ledger = _ledger(root)
    try:
        (row,) = ledger.status()
    finally:
        ledger.close()
    assert row.state == outcome
    assert len(x_posts(sandbox)) == (1 if outcome == "published" else 0)
    if outcome == "skipped":
        assert row.reason.startswith("missed: due at 2026-12-01T09:00:00+08:00")
    assert len(records.of(outcome)) == 1  # logged once, not on every pass


def test_heartbeat_lines(tmp_path):
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'l.db'}")
    now = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)
    try:
        ledger.beat("a", host="web1", pid=11, started_at=now - timedelta(hours=1),
                    next_due=datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc),
                    zone="Asia/Makassar", now=now - timedelta(seconds=3))
        ledger.beat("b", host="web2", pid=22, started_at=now - timedelta(hours=1),
                    next_due=None, zone=None, now=now - timedelta(minutes=5))
        ledger.beat("c", host="web3", pid=33, started_at=now - timedelta(hours=1),
                    next_due=None, zone=None, now=now - timedelta(seconds=1))
        ledger.beat("d", host="web4", pid=44, started_at=now - timedelta(hours=1),
                    next_due=None, zone=None, now=now - timedelta(hours=2))
        ledger.node_stopped("d", now - timedelta(minutes=80))
        assert heartbeat_lines(ledger, now) == [
            "scheduler up on web1 (node a, pid 11), next post at 2026-12-01 09:00 WITA",
            "scheduler on web2 (node b) last seen 5 min ago (down?)",
            "scheduler up on web3 (node c, pid 33), nothing scheduled",
            "scheduler on web4 (node d) stopped 80 min ago",
        ]
    finally:
        ledger.close()


def test_sighup_reloads_and_sigterm_lets_the_send_in_flight_finish(tmp_path, sandbox):
    root = make_workspace(tmp_path / "ws")
    later = local_now() + timedelta(days=1)
    write_campaign(root, "sinyal", [("besok", later)])
    secret = "sekret-yang-tidak-boleh-bocor"
    node = Node(root, "--sandbox-url", sandbox.url, "--node", "n1", "--poll-interval", "3600",
                "--safety-interval", "3600", "--heartbeat-interval", "1",
                env={"X_ACCESS_TOKEN": secret, "CAMPAIGNCTL_LANG": "en"})
    try:
        node.wait_event("scheduled", next_due=later.isoformat())
        sandbox.configure("x", latency_ms=1500)  # the send is still in flight at SIGTERM
        soon = local_now() + timedelta(seconds=2)
        write_campaign(root, "sinyal", [("besok", later), ("segera", soon)])
        node.proc.send_signal(signal.SIGHUP)  # polling is off: only the signal reloads
        node.wait_event("reload", why="sighup")
        node.wait_event("wake", why="due", timeout=10)
        wait_for(lambda: _states(root).get("segera") == "sending", 5, "the send under way")
        node.proc.send_signal(signal.SIGTERM)
        assert node.finish() == 0, node.tail()
    finally:
        node.kill()
    assert node.seen("stop", finished=True)
    assert _states(root) == {"segera": "published"}  # finished, not abandoned
    assert [tw["text"] for tw in x_posts(sandbox)] == [
        "Layanan sinyal segera: cek kesehatan gratis."]
    assert node.raw and len(node.events) == len(node.raw)  # every line is JSON
    assert all({"ts", "level", "node", "event"} <= set(e) for e in node.events)
    assert secret not in "".join(node.raw)
    ledger = _ledger(root)
    try:
        (beat,) = ledger.heartbeats()
        assert beat["node"] == "n1" and beat["host"] == socket.gethostname()
        assert beat["stopped_at"] is not None and beat["pid"] == node.proc.pid
    finally:
        ledger.close()
    assert os.environ.get("X_ACCESS_TOKEN") != secret


def test_cli_once_and_a_broken_campaign_at_start(tmp_path, sandbox):
    root = make_workspace(tmp_path / "ws")
    due = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    path = write_campaign(root, "sekali", [("pagi", due)])
    now = {"CAMPAIGNCTL_NOW": (due + timedelta(minutes=5)).isoformat()}
    node = Node(root, "--sandbox-url", sandbox.url, "--once", env=now)
    assert node.finish() == 0, node.tail()
    (published,) = node.seen("published")
    assert published["post"] == "pagi" and published["at"] == due.isoformat()
    assert [e["event"] for e in node.events][-1] == "stop"

    path.write_text(path.read_text().replace("at: 2026-12-01 09:00:00", "at: besok pagi"))
    node = Node(root, "--sandbox-url", sandbox.url, "--once", env=now)
    assert node.finish() == 1, node.tail()
    lines = [line for line in node.raw if line.strip()]
    assert lines[0].startswith("campaigns/sekali.yaml:7: error:")
    assert "Traceback" not in "".join(node.raw)
    assert len(x_posts(sandbox)) == 1
