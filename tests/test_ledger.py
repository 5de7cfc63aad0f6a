"""The ledger on SQLite and PostgreSQL: migrations, the exclusive claim, states, status."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import postgres_url
from crash_runner import entry, pg_drop_schema, pg_schema_url

from campaignctl import ledger as ledger_mod
from campaignctl.errors import LedgerError
from campaignctl.ledger import (
    FAILED,
    PENDING,
    PUBLISHED,
    RETRACTED,
    SENDING,
    SKIPPED,
    UNKNOWN,
    Ledger,
)
from campaignctl.ledger import migrations as ledger_migrations
from campaignctl.models import Published

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
PG = postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request, tmp_path):
    """A fresh ledger URL: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ws' / '.campaignctl' / 'ledger.db'}"
        return
    if PG is None:
        pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432 "
                    "(set CAMPAIGNCTL_TEST_POSTGRES to run these)")
    url, schema = pg_schema_url(PG)
    try:
        yield url
    finally:
        pg_drop_schema(PG, schema)


@pytest.fixture
def led(ledger_url):
    ledger = Ledger.open(ledger_url)
    yield ledger
    ledger.close()


def _entries(n: int, at: datetime = NOW):
    return [entry(i, at) for i in range(n)]


# --- opening and migrations ------------------------------------------------------------------

def test_open_creates_the_workspace_folder_and_wal(tmp_path):
    url = ledger_mod.default_url(tmp_path / "ws")
    led = Ledger.open(url)
    assert (tmp_path / "ws" / ".campaignctl" / "ledger.db").is_file()
    with led.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert led.version() == max(v for v, _, _ in ledger_mod.MIGRATIONS)


def test_resolve_url_prefers_env_then_config_then_workspace(tmp_path):
    assert ledger_mod.resolve_url(tmp_path, None, {}) == ledger_mod.default_url(tmp_path)
    assert ledger_mod.resolve_url(tmp_path, "sqlite:///a.db", {}) == "sqlite:///a.db"
    env = {"CAMPAIGNCTL_LEDGER": "postgresql+psycopg://u@h/db"}
    assert ledger_mod.resolve_url(tmp_path, "sqlite:///a.db", env) == env["CAMPAIGNCTL_LEDGER"]


@pytest.mark.parametrize("url, words", [
    ("mysql://u@h/db", "unsupported ledger database"),
    ("not a url", "not valid"),
    ("postgresql+psycopg://nobody:s3cretpw@127.0.0.1:1/db", "cannot open the ledger"),
])
def test_bad_urls_raise_ledger_error_without_the_password(url, words):
    with pytest.raises(LedgerError) as err:
        Ledger.open(url)
    assert words in err.value.message
    assert "s3cretpw" not in err.value.one_line()
    assert err.value.hint


def test_migrations_apply_once_and_new_steps_append(led, ledger_url, monkeypatch):
    led.ensure(_entries(2), NOW)
    calls = []

    def step2(conn):
        calls.append(1)
        conn.exec_driver_sql("CREATE TABLE test_table (id INTEGER PRIMARY KEY)")

    # A step numbered after the last real one, as a later release would add it.
    nxt = max(v for v, _, _ in ledger_mod.MIGRATIONS) + 1
    monkeypatch.setattr(ledger_migrations, "MIGRATIONS",
                        ledger_migrations.MIGRATIONS + [(nxt, "test table", step2)])
    again = Ledger.open(ledger_url)
    Ledger.open(ledger_url).close()
    assert calls == [1]
    assert again.version() == nxt
    assert len(again.status()) == 2  # data survived
    with again.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM test_table").scalar() == 0
    again.close()


MIGRATE_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from campaignctl.ledger import Ledger
    print(Ledger.open(sys.argv[1]).version())
""")


def test_two_processes_opening_a_fresh_ledger_at_once(ledger_url):
    script = MIGRATE_SCRIPT.format(repo=str(Path(__file__).resolve().parent.parent))
    procs = [subprocess.Popen([sys.executable, "-c", script, ledger_url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in outs]
    assert {o.strip() for o, _ in outs} == {str(max(v for v, _, _ in ledger_mod.MIGRATIONS))}
    led = Ledger.open(ledger_url)
    with led.engine.connect() as conn:  # every step recorded once, not once per process
        assert conn.exec_driver_sql("SELECT count(*) FROM schema_version").scalar() \
            == len(ledger_mod.MIGRATIONS)
    led.close()


# --- the claim ----------------------------------------------------------------------------------

def test_claim_is_exclusive_across_threads(led):
    entries = _entries(40)
    led.ensure(entries, NOW)
    wins: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(6)

    def racer():
        start.wait()
        for e in entries:
            if led.claim(e.key, e.rendered.payload(), NOW):
                with lock:
                    wins[e.key] += 1

    threads = [threading.Thread(target=racer) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert wins == Counter({e.key: 1 for e in entries})
    assert {r.state for r in led.status()} == {SENDING}


CLAIM_SCRIPT = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {repo!r})
    from campaignctl.ledger import Ledger
    led = Ledger.open(sys.argv[1])
    keys = json.loads(sys.argv[2])
    while time.time() < float(sys.argv[3]):
        time.sleep(0.005)
    print(json.dumps([k for k in keys if led.claim(k)]))
""")


def test_claim_is_exclusive_across_processes(led, ledger_url):
    import time

    entries = _entries(60)
    led.ensure(entries, NOW)
    keys = json.dumps([e.key for e in entries])
    script = CLAIM_SCRIPT.format(repo=str(Path(__file__).resolve().parent.parent))
    go = str(time.time() + 2.0)  # both start claiming at the same instant
    procs = [subprocess.Popen([sys.executable, "-c", script, ledger_url, keys, go],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    won = [set(json.loads(o)) for o, _ in outs]
    assert won[0].isdisjoint(won[1])
    assert won[0] | won[1] == {e.key for e in entries}


# --- states -----------------------------------------------------------------------------------

def test_pending_to_published_stores_ids_and_archives_the_payload(led):
    (e,) = _entries(1)
    led.ensure([e], NOW)
    led.ensure([e], NOW)  # a second ensure is a no-op, not an error
    assert led.get(e.key).state == PENDING
    claim = led.claim(e.key, e.rendered.payload(), NOW)
    assert claim and led.claim(e.key, None, NOW) is None
    assert led.record_published(claim, Published("77", "https://x/77", ["77", "78"]), NOW)
    row = led.get(e.key)
    assert (row.state, row.platform_id, row.url, row.ids, row.attempts) == (
        PUBLISHED, "77", "https://x/77", ["77", "78"], 1)
    assert led.claim(e.key, None, NOW) is None  # published is final
    (attempt,) = led.attempts(e.key)
    assert attempt.outcome == PUBLISHED and attempt.payload["parts"] == [e.rendered.text]
    assert led.last_payload(e.key) == e.rendered.payload()


def test_retryable_failure_can_be_claimed_again_final_one_cannot(led):
    a, b = _entries(2)
    led.ensure([a, b], NOW)
    ca, cb = led.claim(a.key, None, NOW), led.claim(b.key, None, NOW)
    led.record_failed(ca, "TransientError", "server busy", retryable=True, now=NOW)
    led.record_failed(cb, "Rejected", "duplicate content", now=NOW)
    assert led.claim(a.key, None, NOW) is not None
    assert led.claim(b.key, None, NOW) is None
    row = led.get(b.key)
    assert (row.state, row.reason, row.last_error) == (FAILED, "duplicate content",
                                                       "duplicate content")


def test_retry_opens_a_new_attempt_under_the_same_claim(led):
    (e,) = _entries(1)
    led.ensure([e], NOW)
    claim = led.claim(e.key, e.rendered.payload(), NOW)
    claim2 = led.retry(claim, "TransientError", "503", e.rendered.payload(), NOW)
    assert claim2.token == claim.token and claim2.attempt_id != claim.attempt_id
    led.record_published(claim2, Published("1"), NOW)
    outcomes = [a.outcome for a in led.attempts(e.key)]
    assert outcomes == ["retry", PUBLISHED]
    assert led.get(e.key).attempts == 2


def test_a_lost_claim_cannot_write(led):
    (e,) = _entries(1)
    led.ensure([e], NOW)
    claim = led.claim(e.key, None, NOW)
    led.record_unknown(claim, "timeout", NOW)
    row = led.get(e.key)
    winner = led.take_over(row, NOW)
    assert winner is not None and led.take_over(row, NOW) is None  # one reconciler wins
    assert led.record_published(claim, Published("old"), NOW) is False
    assert led.get(e.key).state == SENDING


def test_stale_sending_rows_by_lease_and_by_dead_pid(led):
    a, b, c = _entries(3)
    led.ensure([a, b, c], NOW)
    for x in (a, b, c):
        led.claim(x.key, None, NOW)
    # b: claimed by a process on this host that no longer exists
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with led.engine.begin() as conn:
        conn.execute(ledger_mod.occurrences.update()
                     .where(ledger_mod.occurrences.c.key == b.key)
                     .values(claim_owner=f"{socket.gethostname()}:{dead.pid}"))
        # a: claimed on another host, whose processes we cannot see
        conn.execute(ledger_mod.occurrences.update()
                     .where(ledger_mod.occurrences.c.key == a.key)
                     .values(claim_owner="elsewhere.example:4242"))
    rows = led.rows([a.key, b.key, c.key])
    assert not led.is_stale(rows[a.key], NOW + timedelta(minutes=9))
    assert led.is_stale(rows[a.key], NOW + timedelta(minutes=11))  # lease expired
    assert led.is_stale(rows[b.key], NOW)  # owner died: no need to wait for the lease
    assert not led.is_stale(rows[c.key], NOW + timedelta(minutes=30))  # alive: a long upload
    assert led.is_stale(rows[c.key], NOW + timedelta(minutes=61))  # hung or pid reused
    assert [r.key for r in led.unresolved(NOW)] == [b.key]
    assert {r.key for r in led.unresolved(NOW + timedelta(minutes=11))} == {a.key, b.key}
    assert led.take_over(rows[c.key], NOW) is None  # live and fresh: hands off
    claim_c = led.take_over(rows[c.key], NOW + timedelta(minutes=61))
    assert claim_c is not None
    assert led.renew(claim_c, NOW + timedelta(minutes=70))
    assert led.get(c.key).claimed_at == NOW + timedelta(minutes=70)


def test_skip_never_overrides_sent_rows(led):
    a, b, c = _entries(3)
    led.ensure([a, b], NOW)
    claim = led.claim(a.key, None, NOW)
    led.record_published(claim, Published("9"), NOW)
    skipped = led.skip([(a, "blackout"), (b, "paused"), (c, "blackout")], NOW)
    assert sorted(skipped) == sorted([b.key, c.key])
    assert led.get(a.key).state == PUBLISHED
    assert (led.get(b.key).state, led.get(b.key).reason) == (SKIPPED, "paused")
    assert led.claim(c.key, None, NOW) is None


def test_status_queries_and_json(led):
    entries = _entries(4)
    led.ensure(entries, NOW)
    c0 = led.claim(entries[0].key, None, NOW)
    led.record_failed(c0, "Rejected", "too long", now=NOW)
    c1 = led.claim(entries[1].key, None, NOW)
    led.record_unknown(c1, "timeout", NOW)
    c2 = led.claim(entries[2].key, None, NOW)
    led.record_published(c2, Published("5", "https://p/5"), NOW)
    assert {r.key for r in led.status(failed_only=True)} == {entries[0].key, entries[1].key}
    assert [r.key for r in led.status("crash", state=PUBLISHED)] == [entries[2].key]
    assert led.status("other") == []
    assert led.counts("crash") == {FAILED: 1, UNKNOWN: 1, PUBLISHED: 1, PENDING: 1}
    shown = led.status(state=FAILED)[0].to_json()
    assert shown["reason"] == "too long" and shown["attempts"] == 1
    assert shown["last_error"] == "too long"
    json.dumps([r.to_json() for r in led.status()])  # JSON-able
    assert "claim_token" not in shown


def test_retraction_markers_and_records(led):
    a, b = _entries(2)
    led.ensure([a, b], NOW)
    c = led.claim(a.key, None, NOW)
    led.record_published(c, Published("5", "https://p/5"), NOW)
    led.mark_retracted("crash", "p1", None, NOW)
    markers = led.retraction_markers()
    assert Ledger.is_retracted(markers, "crash", "p1", "any-channel")
    assert not Ledger.is_retracted(markers, "crash", "p0", "fake-a")
    assert led.skip_matching("crash", "p1", None, "retracted", NOW) == 1
    rec = led.begin_retraction(led.get(a.key), NOW)
    assert led.retractions()[0].outcome == "deleting"  # stored before deleting
    led.finish_retraction(rec, a.key, "deleted", None, NOW)
    assert led.get(a.key).state == RETRACTED
    assert led.retractions("crash")[0].platform_id == "5"
    assert led.clear_retraction("crash", "p1") == 1
    assert led.retraction_markers() == set()


def test_opening_while_another_process_holds_a_fresh_file_waits_instead_of_failing(tmp_path):
    """Switching a file to WAL fails at once (no busy wait) while another connection holds
    its write lock: two `run` nodes started together on a new ledger met exactly this."""
    import sqlite3

    path = tmp_path / "ledger.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE elsewhere (x)")  # a file still in rollback-journal mode
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO elsewhere VALUES (1)")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        ledger = ledger_mod.Ledger.open(f"sqlite:///{path}")
    finally:
        release.join()
        other.close()
    try:
        assert ledger.version() == max(v for v, _, _ in ledger_mod.MIGRATIONS)
        with ledger.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        ledger.close()
