"""Every ledger row knows its target (live or sandbox): the README's rehearsal, then going
live, then `sandbox reset` and a second rehearsal, as a user types them; the migration of a
ledger written before rows had targets (SQLite and PostgreSQL); and what each command shows
of sandbox rows."""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import postgres_url
from crash_runner import (
    FakeChannel,
    FakeEmulator,
    entry,
    fake_account,
    pg_drop_schema,
    pg_schema_url,
)
from typer.testing import CliRunner

from campaignctl.channels.fixtures import sandbox_credentials
from campaignctl.cli import app
from campaignctl.ledger import Ledger, UTCDateTime, audit_log
from campaignctl.ledger import migrations as ledger_migrations
from campaignctl.ledger import schema as ledger_schema
from campaignctl.publish import Publisher, rendered_from_payload
from campaignctl.sandbox import Sandbox
from campaignctl.usecases.sandbox import SANDBOX_STATE
from campaignctl.workspace import create_workspace

PG = postgres_url()
runner = CliRunner()
FIXTURE = Path(__file__).parent / "data" / "ledger-v6.db"
CAMPAIGN = "layanan-kesehatan-gratis"
BEFORE = "2026-11-30T09:00:00+08:00"  # before the example campaign's first post
FIRST_POST = "2026-12-01T09:00:30+08:00"  # just after it is due
X_ENV = {"X_CONSUMER_KEY": "consumer_key", "X_CONSUMER_SECRET": "consumer_secret",
         "X_ACCESS_TOKEN": "access_token", "X_ACCESS_TOKEN_SECRET": "access_token_secret"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(ws: Path, *args: str):
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def ok(ws: Path, *args: str) -> str:
    result = run(ws, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def example(tmp_path, monkeypatch) -> Path:
    """The bundled example workspace (what `campaignctl init` writes), in tmp."""
    create_workspace(tmp_path / "ws")
    # Whatever else answers on :8765 on this machine is not this test's: a dead address
    # makes each command start the workspace's own sandbox, as on a fresh machine.
    monkeypatch.setenv("CAMPAIGNCTL_SANDBOX_URL", f"http://127.0.0.1:{_closed_port()}")
    return tmp_path / "ws"


def make_x_live(ws: Path, real_x: Sandbox, monkeypatch) -> None:
    """Remove `sandbox: true` from the x account and give it credentials, as the README
    says; the "real X" is a second sandbox, with that sandbox's credentials (and ids of its
    own, so its posts cannot be mistaken for the first sandbox's)."""
    real_x.emulators["x"]._ids = itertools.count(1995847362514098176)
    channels = ws / "channels.yaml"
    text = channels.read_text()
    sandboxed = "  x:\n    platform: x\n    sandbox: true\n"
    assert sandboxed in text
    channels.write_text(text.replace(
        sandboxed, f"  x:\n    platform: x\n    base_url: {real_x.url}/x\n"))
    for name, field in X_ENV.items():
        monkeypatch.setenv(name, sandbox_credentials("x")[field])


# --- the README's job, then live, then reset --------------------------------------------------

def test_rehearse_then_go_live_sends_the_next_post_once_and_reset_allows_a_new_rehearsal(
        example, monkeypatch):
    ws = example
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
    ok(ws, "validate")
    rehearsal = json.loads(ok(ws, "publish", "--sandbox", "--rehearse", "--json"))
    assert rehearsal["counts"] == {"published": 8}
    assert {r["target"] for r in rehearsal["results"]} == {"sandbox"}
    ok(ws, "report", "--html", str(ws / "report.html"))

    with Sandbox(port=0) as real_x:
        make_x_live(ws, real_x, monkeypatch)
        monkeypatch.setenv("CAMPAIGNCTL_NOW", FIRST_POST)
        live = json.loads(ok(ws, "publish", "--json"))
        outcomes = {(r["channel"], r["target"]): r["outcome"] for r in live["results"]}
        # x goes out live; facebook still says `sandbox: true`: its rehearsal was its send.
        assert outcomes == {("x", "live"): "published", ("facebook", "sandbox"): "already-done"}
        again = json.loads(ok(ws, "publish", "--json"))
        assert {(r["channel"], r["outcome"]) for r in again["results"]} == {
            ("x", "already-done"), ("facebook", "already-done")}
        sent = real_x.emulators["x"].posts()
        preview = json.loads(ok(ws, "preview", "--channel", "x", "--post", "pengumuman",
                                "--format", "json"))["posts"][0]
        assert [p["text"] for p in sent] == preview["parts"]  # the thread, exactly once
        thread = next(r for r in rehearsal["results"]
                      if r["channel"] == "x" and r["post"] == "pengumuman")
        live_url = next(r["url"] for r in live["results"] if r["channel"] == "x")
        assert live_url and live_url != thread["url"]

        status = json.loads(ok(ws, "status", "--json"))["occurrences"]
        mine = [r for r in status if r["post"] == "pengumuman" and r["channel"] == "x"]
        assert sorted((r["target"], r["state"]) for r in mine) == [
            ("live", "published"), ("sandbox", "published")]
        assert {r["url"] for r in mine} == {live_url, thread["url"]}
        table = ok(ws, "status")
        assert "live" in table and "sandbox" in table and "sandbox sends" in table

        approvals_before = json.loads(ok(ws, "approvals", "--json"))
        audit_before = json.loads(ok(ws, "audit", "--format", "json"))
        monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
        reset = json.loads(ok(ws, "sandbox", "reset", "--yes", "--json"))
        assert reset["deleted"]["occurrences"] == 8 and reset["world_file"] is True
        assert not (ws / ".campaignctl" / SANDBOX_STATE).exists()
        second = json.loads(ok(ws, "publish", "--sandbox", "--rehearse", "--json"))
        # An emptied world refuses no post as a duplicate: every one goes out again.
        assert second["counts"] == {"published": 8}, second
        assert real_x.emulators["x"].posts() == sent  # the rehearsal never reached "real" X

    status = json.loads(ok(ws, "status", "--json"))["occurrences"]
    assert [r["url"] for r in status if r["target"] == "live"] == [live_url]
    audit_after = json.loads(ok(ws, "audit", "--format", "json"))
    assert audit_after[:len(audit_before)] == audit_before  # nothing in the trail is lost
    assert [r["action"] for r in audit_after].count("sandbox-reset") == 1
    monkeypatch.setenv("CAMPAIGNCTL_NOW", FIRST_POST)
    assert json.loads(ok(ws, "approvals", "--json")) == approvals_before


def test_a_rehearsal_does_not_empty_what_approvals_say_is_to_go_out_live(example, monkeypatch):
    ws = example
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
    ok(ws, "approve", f"{CAMPAIGN}/pengumuman", "--by", "Ani")
    ok(ws, "publish", "--sandbox", "--rehearse")
    with Sandbox(port=0) as real_x:
        make_x_live(ws, real_x, monkeypatch)
        rows = json.loads(ok(ws, "approvals", "--json"))
        x_rows = [r for r in rows if r["channel"] == "x"]
        # Every x post is still to go out live, and the approval given before the
        # rehearsal still holds for it.
        assert {r["post"] for r in x_rows} == {"pengumuman", "pengingat-mingguan"}
        assert all(r["rehearsed"] for r in x_rows)
        assert [r["state"] for r in x_rows if r["post"] == "pengumuman"] == ["approved"]
        assert not [r for r in rows if r["channel"] == "facebook"]  # its sandbox is its send
        assert "rehearsed in the sandbox only" in ok(ws, "approvals")


def test_reset_asks_first_and_leaves_a_foreign_sandbox_alone(example, monkeypatch):
    ws = example
    result = run(ws, "sandbox", "reset")
    assert result.exit_code == 2 and "asks first" in result.output
    monkeypatch.delenv("CAMPAIGNCTL_SANDBOX_URL")  # the default address decides now
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
    with Sandbox(port=0) as other, Sandbox(port=0) as ours:
        other.load_state(ws.parent / "elsewhere" / "state.pickle")
        ours.load_state(ws / ".campaignctl" / SANDBOX_STATE)  # as `campaignctl sandbox` does
        ours.configure("x", latency_ms=3)
        ok(ws, "publish", "--sandbox-url", ours.url, "--now", f"{CAMPAIGN}/pengumuman")
        other.emulators["facebook"]._add_post("kept in another workspace's sandbox")

        monkeypatch.setattr("campaignctl.usecases.sandbox.DEFAULT_SANDBOX_URL", other.url)
        out = ok(ws, "sandbox", "reset", "--yes")
        assert "left alone" in out and len(other.emulators["facebook"].posts()) == 1
        assert ours.emulators["x"].posts()  # not reached: it is not at the default address

        monkeypatch.setattr("campaignctl.usecases.sandbox.DEFAULT_SANDBOX_URL", ours.url)
        out = ok(ws, "sandbox", "reset", "--yes")
        assert f"Emptied the running sandbox at {ours.url}" in out
        assert ours.emulators["x"].posts() == [] and ours.emulators["facebook"].posts() == []
        assert ours.emulators["x"].config.latency_ms == 3  # the user's settings stay
        assert len(other.emulators["facebook"].posts()) == 1


# --- the migration of a ledger written before targets -----------------------------------------

REHEARSED = {f"{CAMPAIGN}/pengumuman/2026-12-01T01:00:00Z/facebook",
             f"{CAMPAIGN}/pengumuman/2026-12-01T01:00:00Z/x",
             f"{CAMPAIGN}/pengingat-mingguan/2026-12-07T01:00:00Z/facebook",
             f"{CAMPAIGN}/pengingat-mingguan/2026-12-07T01:00:00Z/x",
             f"{CAMPAIGN}/video-penjelasan/2026-12-10T08:00:00Z/tiktok",
             f"{CAMPAIGN}/video-penjelasan/2026-12-10T08:00:00Z/youtube",
             f"{CAMPAIGN}/pengingat-mingguan/2026-12-14T01:00:00Z/facebook",
             f"{CAMPAIGN}/pengingat-mingguan/2026-12-14T01:00:00Z/x"}
SANDBOX_ACCOUNT = {"siaga/langsung/2026-12-03T02:00:00Z/facebook"}  # the sandbox Page's id
LOOPBACK = {"siaga/gagal/2026-12-03T03:00:00Z/facebook"}  # failed against 127.0.0.1
LIVE = {"siaga/langsung/2026-12-03T02:00:00Z/x",  # published on the (stand-in) real X
        "siaga/natal/2026-12-23T02:00:00Z/x", "siaga/natal/2026-12-24T02:00:00Z/x",
        "siaga/natal/2026-12-25T02:00:00Z/x"}  # skipped: missed, blackout
MOVED = REHEARSED | SANDBOX_ACCOUNT | LOOPBACK


def _v6_table(table: sa.Table) -> sa.TableClause:
    """The table as schema version 6 had it (no target), without defaults to fill in."""
    return sa.table(table.name, *[sa.column(c.name, c.type) for c in table.columns
                                  if c.name != "target"])


def _copy_fixture(conn: sa.Connection) -> None:
    """Every row of the SQLite fixture into a PostgreSQL ledger at version 6, as it was."""
    source = sqlite3.connect(FIXTURE)
    source.row_factory = sqlite3.Row
    conn.exec_driver_sql("ALTER TABLE occurrences DISABLE TRIGGER audit_occurrence")
    in_fixture = {name for (name,) in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in ledger_schema.metadata.sorted_tables:
        if table.name == "schema_version" or table.name not in in_fixture:
            continue  # the version rows, and tables later versions add
        rows = [dict(r) for r in source.execute(f"SELECT * FROM {table.name}")]
        if not rows:
            continue
        for row in rows:
            for col in table.columns:
                value = row.get(col.name)
                if value is not None and isinstance(col.type, UTCDateTime):
                    row[col.name] = datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
                elif value is not None and isinstance(col.type, sa.Boolean):
                    row[col.name] = bool(value)
        conn.execute(_v6_table(table).insert(), rows)
        if "id" in table.columns:
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"(SELECT max(id) FROM {table.name}))")
    conn.exec_driver_sql("ALTER TABLE occurrences ENABLE TRIGGER audit_occurrence")
    source.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def v6_url(request, tmp_path, monkeypatch):
    """A ledger at schema version 6 holding the fixture's rows (see data/make_ledger_v6.py)."""
    if request.param == "sqlite":
        path = tmp_path / "ledger.db"
        shutil.copyfile(FIXTURE, path)
        yield f"sqlite:///{path}"
        return
    if PG is None:
        pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432 "
                    "(set CAMPAIGNCTL_TEST_POSTGRES to run these)")
    url, schema = pg_schema_url(PG)
    try:
        with monkeypatch.context() as m:
            m.setattr(ledger_migrations, "MIGRATIONS", ledger_migrations.MIGRATIONS[:6])
            Ledger.open(url).close()
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE occurrences DROP COLUMN target")
            _copy_fixture(conn)
        engine.dispose()
        yield url
    finally:
        pg_drop_schema(PG, schema)


def test_the_fixture_is_a_version_6_ledger():
    with sqlite3.connect(FIXTURE) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_version")]
        columns = [c[1] for c in conn.execute("PRAGMA table_info(occurrences)")]
        keys = {k for (k,) in conn.execute("SELECT key FROM occurrences")}
    assert versions == [1, 2, 3, 4, 5, 6] and "target" not in columns
    assert keys == MOVED | LIVE


def test_migration_moves_the_rows_that_show_the_sandbox_and_keeps_live_ones(v6_url):
    with sa.create_engine(v6_url).connect() as conn:
        before_audit = conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar()
        attempts_of = dict(conn.execute(sa.text(
            "SELECT key, count(*) FROM attempts GROUP BY key")).all())
    ledger = Ledger.open(v6_url)
    try:
        assert ledger.version() == 8
        rows = {r.key: r for r in ledger.status()}
        assert set(rows) == {k + "#sandbox" for k in MOVED} | LIVE
        assert {r.target for k, r in rows.items() if k in LIVE} == {"live"}
        assert {r.target for k, r in rows.items() if k not in LIVE} == {"sandbox"}
        # Attempts, snapshots and all follow their row; nothing is left under an old key.
        for key in MOVED:
            assert len(ledger.attempts(key + "#sandbox")) == attempts_of[key]
            assert ledger.attempts(key) == []
        assert {s["key"] for s in ledger.snapshots()} == {k + "#sandbox" for k in REHEARSED}
        assert len(ledger.attempts("siaga/langsung/2026-12-03T02:00:00Z/x")) == 1
        # Approvals are of the content, not the target: they stay under the occurrence key.
        approved = ledger.approvals_for([f"{CAMPAIGN}/pengumuman/2026-12-01T01:00:00Z/x"])
        assert [a.approved_by for recs in approved.values() for a in recs] == ["Ani"]

        audit = ledger.audit_rows()
        assert len(audit) == before_audit + len(MOVED)  # one retarget row each, nothing lost
        moved = [r for r in audit if r.action == "retarget"]
        assert {r.key for r in moved} == MOVED
        assert {r.key: r.details["evidence"].split(":")[0] for r in moved
                if r.key in SANDBOX_ACCOUNT | LOOPBACK} == {
            next(iter(SANDBOX_ACCOUNT)): "the sandbox Facebook Page's id",
            next(iter(LOOPBACK)): "a loopback address (the sandbox's) in its URL or errors"}
        assert all(r.details["evidence"].startswith("a rehearsal") for r in moved
                   if r.key in REHEARSED)
        states = [r for r in audit if r.action == "state"]
        assert {r.target for r in states if r.key in MOVED} == {"sandbox"}
        assert {r.target for r in states if r.key in LIVE} == {"live"}
        assert {r.target for r in audit if r.action == "approve"} == {"live"}

        # The live send of a rehearsed post is no longer done: it would go out.
        key = f"{CAMPAIGN}/pengumuman/2026-12-01T01:00:00Z/x"
        post = rendered_from_payload(ledger.last_payload(key + "#sandbox"))
        plan = entry(0, post.at, channel="x", platform="x")
        plan.campaign, plan.post, plan.rendered = post.campaign, post.post, post
        summary = Publisher(ledger, lambda name: None).publish([plan], post.at, dry_run=True)
        assert [r.outcome for r in summary.results] == ["would-send"]
    finally:
        ledger.close()
    again = Ledger.open(v6_url)  # applied once: a second open changes nothing
    try:
        assert len(again.audit_rows()) == before_audit + len(MOVED)
    finally:
        again.close()


# --- one run, two targets ----------------------------------------------------------------------

@pytest.fixture
def platforms():
    """Two fake platforms over loopback: "live" stands for the real one, "rehearsal" for
    the sandbox the rehearsals go to."""
    with Sandbox(port=0, emulators={"live": FakeEmulator(), "rehearsal": FakeEmulator()}) as sb:
        yield sb


def routed_publisher(ledger, sb, targets, **settings):
    """A Publisher whose channels go where their target says, as publisher_for routes."""
    def target(name: str) -> str:
        return targets.get(name, "sandbox")

    def channel_for(name: str):
        where = "rehearsal" if target(name) == "sandbox" else "live"
        return FakeChannel(fake_account(name), None, base_url=sb.base_url(where), timeout=5.0)

    return Publisher(ledger, channel_for, target_for=target, **settings)


def texts(sb, platform: str) -> list[str]:
    return [p["text"] for p in sb.emulators[platform].posts()]


def test_a_mixed_run_keeps_each_channel_on_its_target(tmp_path, platforms):
    sb = platforms
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'l.db'}")
    at = datetime.now(timezone.utc).replace(microsecond=0)
    entries = [entry(0, at, channel="fake-a"), entry(0, at, channel="fake-b")]
    try:
        mixed = routed_publisher(ledger, sb, {"fake-a": "live", "fake-b": "sandbox"})
        summary = mixed.publish(entries, at)
        assert {(r.channel, r.target, r.outcome) for r in summary.results} == {
            ("fake-a", "live", "published"), ("fake-b", "sandbox", "published")}
        assert texts(sb, "live") == ["post 0 on fake-a"]
        assert texts(sb, "rehearsal") == ["post 0 on fake-b"]
        rows = {r.channel: r for r in ledger.status()}
        assert (rows["fake-a"].key, rows["fake-a"].target) == (entries[0].key, "live")
        assert (rows["fake-b"].key, rows["fake-b"].target) == (entries[1].key + "#sandbox",
                                                               "sandbox")
        # The same posts rehearsed: fake-a gets a sandbox row; its live row is untouched.
        rehearsal = routed_publisher(ledger, sb, {}).publish(entries, at)
        assert [(r.channel, r.outcome) for r in rehearsal.results] == [
            ("fake-a", "published"), ("fake-b", "already-done")]
        assert texts(sb, "live") == ["post 0 on fake-a"]
        assert ledger.get(entries[0].key).url == summary.results[0].url
        # The rehearsal's send does not count against the live account's rate window.
        since, until = at - timedelta(hours=1), at + timedelta(hours=1)
        assert len(ledger.sends_since("fake-a", since, until, "live")) == 1
        assert len(ledger.sends_since("fake-a", since, until, "sandbox")) == 1
        # A retract through this routing deletes what it can reach: fake-a's live copy and
        # fake-b's sandbox copy, never asking the live platform about a sandbox id.
        mixed.retract("crash")
        assert texts(sb, "live") == [] and texts(sb, "rehearsal") == ["post 0 on fake-a"]
        assert ledger.get(entries[0].key + "#sandbox").state == "published"
        assert ledger.get(entries[0].key).state == "retracted"
    finally:
        ledger.close()


def test_reconcile_settles_only_the_rows_of_its_own_targets(tmp_path, platforms):
    sb = platforms
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'l.db'}")
    at = datetime.now(timezone.utc).replace(microsecond=0)
    try:
        live = routed_publisher(ledger, sb, {"fake-a": "live"})
        rehearsal = routed_publisher(ledger, sb, {})
        for publisher in (live, rehearsal):
            [e] = publisher.targeted([entry(0, at, channel="fake-a")])
            ledger.ensure([e], at)
            claim = ledger.claim(e.row_key, e.rendered.payload(), now=at)
            ledger.record_unknown(claim, "timed out", now=at)
        settled = live.reconcile(at)
        assert [(r.target, r.outcome) for r in settled.results] == [("live", "published")]
        assert texts(sb, "live") == ["post 0 on fake-a"] and texts(sb, "rehearsal") == []
        key = entry(0, at, channel="fake-a").key
        assert ledger.get(key + "#sandbox").state == "unknown"
    finally:
        ledger.close()


def test_a_sandbox_rate_limit_does_not_hold_the_live_account(tmp_path, platforms):
    sb = platforms
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'l.db'}")
    at = datetime.now(timezone.utc).replace(microsecond=0)
    try:
        sb.emulators["rehearsal"].configure({"faults": [{"kind": "429", "count": 9}]})
        rehearsal = routed_publisher(ledger, sb, {}, deadline=timedelta(seconds=5))
        held = rehearsal.publish([entry(0, at, channel="fake-a")], at)
        assert [r.outcome for r in held.results] == ["failed"]
        assert set(ledger.channel_holds()) == {"fake-a#sandbox"}
        live = routed_publisher(ledger, sb, {"fake-a": "live"}, deadline=timedelta(seconds=5))
        sent = live.publish([entry(1, at, channel="fake-a")], at)
        assert [r.outcome for r in sent.results] == ["published"]
    finally:
        ledger.close()


# --- what the commands show -------------------------------------------------------------------

def test_report_says_its_numbers_are_simulated(example, monkeypatch):
    ws = example
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
    ok(ws, "publish", "--sandbox", "--rehearse")
    out = ok(ws, "report", "--html", str(ws / "r.html"))
    assert "simulated numbers from the sandbox" in out and "SANDBOX (simulated)" in out
    page = (ws / "r.html").read_text()
    assert 'class="banner"' in page and "simulated numbers from the sandbox" in page
    assert 'data-target="sandbox"' in page
    data = json.loads(ok(ws, "report", "--json"))
    assert data["simulated"] is True
    assert {c["target"] for c in data["campaigns"]} == {"sandbox"}
    csv_text = ok(ws, "report", "--csv", "-")
    assert csv_text.splitlines()[0].endswith(",target") and ",sandbox" in csv_text


def test_audit_shows_the_sandbox_apart(example, monkeypatch):
    ws = example
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
    ok(ws, "pause", "--reason", "uji", "--channel", "youtube")
    ok(ws, "resume")
    ok(ws, "publish", "--sandbox", "--rehearse")
    table = ok(ws, "audit")
    live, _, rehearsed = table.partition("In the sandbox (rehearsals")
    assert "pause" in live and "→ published" not in live
    assert "→ published" in rehearsed and "pause" not in rehearsed
    assert rehearsed  # the heading is there


def test_going_live_before_the_credentials_are_set_fails_retryably_then_sends(
        example, monkeypatch):
    """The first live run often comes before .env is filled in: the post must fail with the
    line that says which credential is missing, stay retryable, and go out once it is set."""
    ws = example
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE)
    ok(ws, "publish", "--sandbox", "--rehearse")
    with Sandbox(port=0) as real_x:
        make_x_live(ws, real_x, monkeypatch)
        for name in X_ENV:
            monkeypatch.delenv(name)
        monkeypatch.setenv("CAMPAIGNCTL_NOW", FIRST_POST)
        first = run(ws, "publish", "--json")
        assert first.exit_code == 1
        [x] = [r for r in json.loads(first.stdout)["results"] if r["channel"] == "x"]
        assert (x["outcome"], x["target"]) == ("failed", "live"), x
        assert "X_CONSUMER_KEY" in x["reason"] and "unexpected" not in x["reason"]
        assert real_x.all_posts()["x"] == []
        for name, field in X_ENV.items():  # the credentials, now set
            monkeypatch.setenv(name, sandbox_credentials("x")[field])
        again = json.loads(ok(ws, "publish", "--json"))
        [x] = [r for r in again["results"] if r["channel"] == "x"]
        assert x["outcome"] == "published"
        sent = len(real_x.all_posts()["x"])  # the thread's parts, once
        assert sent >= 1
        third = json.loads(ok(ws, "publish", "--json"))
        assert {r["outcome"] for r in third["results"] if r["channel"] == "x"} == {
            "already-done"}
        assert len(real_x.all_posts()["x"]) == sent
