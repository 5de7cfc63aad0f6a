"""Governance against the real sandbox and a real ledger: pause and resume, approvals voided
by edits, emergency posts through blackouts and pauses, announce exactly once, the audit
trail (append-only)."""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import postgres_url
from crash_runner import pg_drop_schema, pg_schema_url
from sqlalchemy import delete, update

from campaignctl import governance
from campaignctl.config import load_campaigns, load_workspace
from campaignctl.errors import CampaignctlError, UsageError, ValidationFailed
from campaignctl.usecases.announce import announce_job
from campaignctl.usecases.common import Selection, open_ledger
from campaignctl.usecases.governance import approvals_job, approve_job, pause_job, resume_job
from campaignctl.usecases.publishing import publish_job, retract_job
from campaignctl.ledger import audit_log

PG = postgres_url()
WITA = ZoneInfo("Asia/Makassar")


def wita(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WITA)


CHANNELS = """\
defaults:
  timezone: Asia/Makassar
  catch_up: 1h
  blackouts:
    - {{start: 2026-12-24 00:00, end: 2026-12-26 23:59, reason: Libur Natal}}
{approvals}
channels:
  x:
    platform: x
    sandbox: true
    credentials: {{access_token: "${{X_ACCESS_TOKEN}}"}}
  facebook:
    platform: facebook
    sandbox: true
{fb_approval}    options: {{page_id: "100000000000001", graph_version: v24.0}}
    credentials: {{page_access_token: "${{FACEBOOK_PAGE_TOKEN}}"}}
  youtube:
    platform: youtube
    sandbox: true
    credentials: {{refresh_token: "${{YOUTUBE_REFRESH_TOKEN}}"}}
"""

CAMPAIGN = """\
campaign: banjir
name: Siaga Banjir
timezone: Asia/Makassar
channels: [x, facebook]
vars: {hotline: "112"}
posts:
  - id: info
    at: 2026-12-01 09:00
    text: "Info banjir: hubungi {{ vars.hotline }}"
  - id: pengingat
    at: 2026-12-02 09:00
    template: pengingat
  - id: darurat
    at: 2026-12-25 10:00
    priority: emergency
    text: "Darurat banjir saat Natal: hubungi {{ vars.hotline }}"
"""


def make_ws(root: Path, approvals: str = "", fb_approval: bool = False) -> Path:
    (root / "campaigns").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "channels.yaml").write_text(CHANNELS.format(
        approvals=approvals, fb_approval="    approval_required: true\n" if fb_approval else ""))
    (root / "campaigns" / "banjir.yaml").write_text(CAMPAIGN)
    (root / "templates" / "pengingat.j2").write_text("Ingat: hotline {{ vars.hotline }}\n")
    return root


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, monkeypatch, tmp_path):
    """The ledger database: the workspace's SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    if PG is None:
        pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432")
    url, schema = pg_schema_url(PG)
    monkeypatch.setenv("CAMPAIGNCTL_LEDGER", url)
    yield "postgres"
    pg_drop_schema(PG, schema)


@pytest.fixture
def ws(tmp_path):
    return make_ws(tmp_path / "ws")


def loaded(root: Path):
    workspace = load_workspace(root)
    campaigns, problems = load_campaigns(workspace)
    assert not [p for p in problems if p.is_error], problems
    return workspace, campaigns


def publish(root: Path, sandbox, now: datetime, **kw):
    workspace, campaigns = loaded(root)
    summary = publish_job(workspace, campaigns, now=now, sandbox=True, sandbox_url=sandbox.url,
                          **kw)
    return {(r.post, r.channel): r for r in summary.results}


def texts(sandbox, platform: str) -> list[str]:
    return [p["text"] for p in sandbox.emulators[platform].posts()]


def audit(root: Path, action: str | None = None):
    ledger = open_ledger(load_workspace(root))
    try:
        return governance.audit_rows(ledger, action=action)
    finally:
        ledger.close()


NINE = wita("2026-12-01T09:00")


# --- pause and resume -------------------------------------------------------------------------

def test_paused_posts_go_out_when_resumed_inside_the_catch_up_window(ws, sandbox, backend):
    workspace, _ = loaded(ws)
    pause_job(workspace, "banjir: tunda semua", by="Ani", now=NINE - timedelta(hours=1))
    held = publish(ws, sandbox, NINE + timedelta(minutes=5))
    assert {k: (r.outcome, r.reason) for k, r in held.items()} == {
        ("info", "x"): ("skipped", "paused: banjir: tunda semua"),
        ("info", "facebook"): ("skipped", "paused: banjir: tunda semua")}
    assert texts(sandbox, "x") == [] and texts(sandbox, "facebook") == []

    lifted = resume_job(workspace, by="Budi", now=NINE + timedelta(minutes=20))
    assert [(p.channel, p.paused_by, p.resumed_by) for p in lifted] == [("*", "Ani", "Budi")]
    sent = publish(ws, sandbox, NINE + timedelta(minutes=30))
    assert {r.outcome for r in sent.values()} == {"published"}
    assert texts(sandbox, "x") == ["Info banjir: hubungi 112"]
    assert texts(sandbox, "facebook") == ["Info banjir: hubungi 112"]

    rows = audit(ws)
    assert [(r.action, r.actor) for r in rows if r.action != "state"] == [
        ("pause", "Ani"), ("resume", "Budi")]
    x_states = [(r.details["from"], r.details["to"]) for r in rows
                if r.action == "state" and r.channel == "x"]
    assert x_states == [(None, "skipped"), ("skipped", "sending"), ("sending", "published")]


def test_paused_posts_end_missed_when_resumed_after_the_window(ws, sandbox):
    workspace, _ = loaded(ws)
    pause_job(workspace, "banjir", by="Ani", now=NINE - timedelta(hours=1))
    publish(ws, sandbox, NINE + timedelta(minutes=5))
    # Still paused, but past the window: a pause never hides that a post was missed.
    late = publish(ws, sandbox, NINE + timedelta(minutes=90))
    assert {r.outcome for r in late.values()} == {"skipped"}
    assert all(r.reason.startswith("missed") for r in late.values())
    resume_job(workspace, by="Ani", now=NINE + timedelta(minutes=95))
    again = publish(ws, sandbox, NINE + timedelta(minutes=100))
    assert {r.outcome for r in again.values()} == {"skipped"}  # still missed, never sent
    assert all(r.reason.startswith("missed") for r in again.values())
    assert texts(sandbox, "x") == []
    ledger = open_ledger(workspace)
    try:
        rows = ledger.status("banjir", post="info")
    finally:
        ledger.close()
    assert [(r.state, r.retryable) for r in rows] == [("skipped", False)] * 2
    assert all(r.reason.startswith("missed") for r in rows)


def test_a_pause_on_one_channel_leaves_the_others_running(ws, sandbox):
    workspace, _ = loaded(ws)
    pause_job(workspace, "akun X diretas", ["x"], by="Ani", now=NINE)
    first = publish(ws, sandbox, NINE + timedelta(minutes=1))
    assert first[("info", "x")].reason == "paused: akun X diretas"
    assert first[("info", "facebook")].outcome == "published"
    assert [p.channel for p in governance.active_pauses(open_ledger(workspace))] == ["x"]
    resume_job(workspace, ["x"], by="Ani", now=NINE + timedelta(minutes=2))
    second = publish(ws, sandbox, NINE + timedelta(minutes=3))
    assert second[("info", "x")].outcome == "published"
    assert len(texts(sandbox, "x")) == 1 and len(texts(sandbox, "facebook")) == 1


@pytest.mark.parametrize("call, words", [
    (lambda w: pause_job(w, "x", ["instagram"], now=NINE), "no channel 'instagram'"),
    (lambda w: pause_job(w, "  ", now=NINE), "a pause needs a reason"),
    (lambda w: (pause_job(w, "semua", now=NINE), resume_job(w, ["x"], now=NINE)),
     "every channel is paused (semua)"),
])
def test_pause_and_resume_refuse_what_makes_no_sense(ws, call, words):
    workspace, _ = loaded(ws)
    with pytest.raises(UsageError) as err:
        call(workspace)
    assert words in err.value.message and err.value.hint


def test_the_os_user_is_the_actor_without_by(ws, monkeypatch):
    monkeypatch.setattr(governance.getpass, "getuser", lambda: "petugas")
    workspace, _ = loaded(ws)
    pause_job(workspace, "uji", now=NINE)
    assert [(r.action, r.actor) for r in audit(ws)] == [("pause", "petugas")]


# --- approvals --------------------------------------------------------------------------------

def test_unapproved_posts_are_skipped_until_approved(tmp_path, sandbox, backend):
    ws = make_ws(tmp_path / "ws", fb_approval=True)
    first = publish(ws, sandbox, NINE + timedelta(minutes=5))
    assert first[("info", "x")].outcome == "published"  # x needs no approval
    assert (first[("info", "facebook")].outcome,
            first[("info", "facebook")].reason) == ("skipped", "not approved")
    workspace, campaigns = loaded(ws)
    entries, new = approve_job(workspace, campaigns, Selection.parse("banjir/info"),
                               by="Kepala Dinas", now=NINE + timedelta(minutes=10))
    assert {e.channel for e in entries} == {"x", "facebook"} and len(new) == 1  # x was sent
    second = publish(ws, sandbox, NINE + timedelta(minutes=15))
    assert second[("info", "facebook")].outcome == "published"
    assert texts(sandbox, "facebook") == ["Info banjir: hubungi 112"]
    approvals = audit(ws, "approve")
    assert [(r.actor, r.channel) for r in approvals] == [("Kepala Dinas", "facebook")]
    assert len(approvals[0].details["content_hash"]) == 64


@pytest.mark.parametrize("file, old, new", [
    ("campaigns/banjir.yaml", 'hotline: "112"', 'hotline: "113"'),  # the campaign file
    ("templates/pengingat.j2", "Ingat:", "Ingatlah:"),  # the template
])
def test_an_edit_voids_the_approval(tmp_path, sandbox, file, old, new):
    ws = make_ws(tmp_path / "ws", approvals="approvals: {required: true}")
    now = NINE - timedelta(days=1)
    workspace, campaigns = loaded(ws)
    approve_job(workspace, campaigns, Selection.parse("banjir/pengingat"), by="Kepala",
                now=now)
    states = approvals_job(workspace, campaigns, Selection("banjir"), now=now)
    assert {(s.post, s.state, s.approved_by) for s in states if s.post == "pengingat"} == {
        ("pengingat", "approved", "Kepala")}
    assert {s.state for s in states if s.post == "info"} == {"missing"}

    path = ws / file
    path.write_text(path.read_text().replace(old, new))
    workspace, campaigns = loaded(ws)
    states = approvals_job(workspace, campaigns, Selection("banjir", "pengingat"), now=now)
    assert {(s.state, s.approved_by, s.required) for s in states} == {("void", "Kepala", True)}
    due = wita("2026-12-02T09:01")
    sent = publish(ws, sandbox, due, selection=Selection("banjir", "pengingat"))
    assert {(r.outcome, r.reason) for r in sent.values()} == {("skipped", "not approved")}
    assert texts(sandbox, "x") == []


def test_approving_needs_a_campaign_and_something_still_to_come(ws):
    workspace, campaigns = loaded(ws)
    with pytest.raises(UsageError):
        approve_job(workspace, campaigns, Selection(), by="A", now=NINE)
    with pytest.raises(UsageError) as err:
        approve_job(workspace, campaigns, Selection.parse("banjir/info"), by="A",
                    now=NINE + timedelta(days=3))
    assert "nothing of banjir/info is still to go out" in err.value.message


# --- emergency --------------------------------------------------------------------------------

def test_emergency_goes_through_a_blackout_and_a_pause_and_says_so(ws, sandbox, backend):
    workspace, _ = loaded(ws)
    christmas = wita("2026-12-25T10:02")
    pause_job(workspace, "libur", by="Ani", now=christmas - timedelta(hours=1))
    sent = publish(ws, sandbox, christmas, selection=Selection("banjir", "darurat"))
    assert {r.outcome for r in sent.values()} == {"published"}
    assert texts(sandbox, "x") == ["Darurat banjir saat Natal: hubungi 112"]
    rows = audit(ws, "emergency")
    assert sorted(r.channel for r in rows) == ["facebook", "x"]
    assert rows[0].details["bypassed"] == ["blackout: Libur Natal", "paused: libur"]
    publish(ws, sandbox, christmas + timedelta(minutes=1),
            selection=Selection("banjir", "darurat"))
    assert len(audit(ws, "emergency")) == 2  # a post already out is not recorded again


def test_emergency_still_needs_its_approval(tmp_path, sandbox):
    ws = make_ws(tmp_path / "ws", approvals="approvals: {required: true}")
    christmas = wita("2026-12-25T10:02")
    sent = publish(ws, sandbox, christmas, selection=Selection("banjir", "darurat"))
    assert {(r.outcome, r.reason) for r in sent.values()} == {("skipped", "not approved")}
    workspace, campaigns = loaded(ws)
    approve_job(workspace, campaigns, Selection.parse("banjir/darurat"), by="Kepala",
                now=christmas)
    sent = publish(ws, sandbox, christmas + timedelta(minutes=1),
                   selection=Selection("banjir", "darurat"))
    assert {r.outcome for r in sent.values()} == {"published"}


def test_a_dry_run_writes_no_audit_row(ws, sandbox):
    christmas = wita("2026-12-25T10:02")
    publish(ws, sandbox, christmas, dry_run=True, selection=Selection("banjir", "darurat"))
    assert audit(ws) == []


# --- announce ---------------------------------------------------------------------------------

def test_announce_fans_out_once_even_when_run_twice(ws, sandbox, backend):
    workspace, _ = loaded(ws)
    now = wita("2026-12-25T07:00")  # inside the Christmas blackout, and paused
    pause_job(workspace, "libur", by="Ani", now=now - timedelta(hours=1))
    text = "Peringatan banjir: hindari Jl. Raya Ubud"
    first = announce_job(workspace, text, by="Budi", now=now, sandbox=True,
                         sandbox_url=sandbox.url)
    assert {r.channel: r.outcome for r in first.summary.results} == {
        "x": "published", "facebook": "published"}
    assert "youtube" in first.left_out and "video" in first.left_out["youtube"]
    second = announce_job(workspace, text, by="Budi", now=now + timedelta(minutes=3),
                          sandbox=True, sandbox_url=sandbox.url)
    assert second.post == first.post and second.again
    assert {r.outcome for r in second.summary.results} == {"already-done"}
    assert texts(sandbox, "x") == [text] and texts(sandbox, "facebook") == [text]
    rows = audit(ws, "announce")
    assert [(r.actor, r.campaign, r.post, r.details["again"]) for r in rows] == [
        ("Budi", "announce", first.post, False), ("Budi", "announce", first.post, True)]
    assert rows[0].details["bypassed"] == ["blackout: Libur Natal", "paused: libur"]
    assert rows[0].details["priority"] == "emergency"


@pytest.mark.parametrize("text, channels, words", [
    ("x" * 300, ["x"], "280"),  # X's own counting, before anything is sent
    ("Peringatan", ["youtube"], "video"),  # a named channel must take the text
    ("   ", None, "no text"),
    ("Peringatan", ["instagram"], "no channel 'instagram'"),
])
def test_announce_refuses_before_sending(ws, sandbox, text, channels, words):
    workspace, _ = loaded(ws)
    with pytest.raises(CampaignctlError) as err:
        announce_job(workspace, text, channels, by="Budi", now=NINE, sandbox=True,
                     sandbox_url=sandbox.url)
    lines = ([p.one_line() for p in err.value.problems] if isinstance(err.value, ValidationFailed)
             else [err.value.one_line()])
    assert any(words in line for line in lines), lines
    assert texts(sandbox, "x") == [] and texts(sandbox, "facebook") == []


# --- retract and the audit log itself ---------------------------------------------------------

def test_retract_is_audited_with_what_it_deleted(ws, sandbox):
    publish(ws, sandbox, NINE + timedelta(minutes=1), selection=Selection("banjir", "info"))
    workspace, campaigns = loaded(ws)
    retract_job(workspace, campaigns, Selection.parse("banjir/info"), by="Ani",
                now=NINE + timedelta(minutes=5), sandbox=True, sandbox_url=sandbox.url)
    (row,) = audit(ws, "retract")
    assert (row.actor, row.campaign, row.post) == ("Ani", "banjir", "info")
    assert sorted(i["outcome"] for i in row.details["items"]) == ["deleted", "deleted"]
    retracted = [r for r in audit(ws, "state") if r.details["to"] == "retracted"]
    assert len(retracted) == 2


def test_the_audit_log_cannot_be_changed(ws, backend):
    workspace, _ = loaded(ws)
    pause_job(workspace, "uji", by="Ani", now=NINE)
    ledger = open_ledger(workspace)
    try:
        for statement in (update(audit_log).values(actor="someone else"), delete(audit_log)):
            with pytest.raises(Exception) as err:
                with ledger.engine.begin() as conn:
                    conn.execute(statement)
            assert "append-only" in str(err.value)
        assert [(r.action, r.actor) for r in governance.audit_rows(ledger)] == [("pause", "Ani")]
    finally:
        ledger.close()
    # ... and the library offers no way to: nothing of governance's own changes or deletes.
    own = [name for name, obj in vars(governance).items()
           if inspect.isfunction(obj) and obj.__module__ == governance.__name__]
    assert "record" in own
    assert not [n for n in own if any(w in n for w in ("delete", "update", "clear", "edit"))]
    source = inspect.getsource(governance)
    assert "update(audit_log" not in source and "audit_log.delete" not in source


def test_audit_since_and_csv_shape(ws):
    workspace, _ = loaded(ws)
    pause_job(workspace, "satu", by="Ani", now=NINE)
    resume_job(workspace, by="Ani", now=NINE + timedelta(hours=2))
    ledger = open_ledger(workspace)
    try:
        later = governance.audit_rows(ledger, NINE + timedelta(hours=1))
        everything = governance.audit_rows(ledger)
    finally:
        ledger.close()
    assert [r.action for r in later] == ["resume"]
    lines = governance.audit_csv(everything).splitlines()
    assert lines[0] == "id,at,actor,action,campaign,post,channel,key,details"
    assert lines[1].startswith("1,2026-12-01T01:00:00+00:00,Ani,pause,,,*,,")
    assert '"{""reason"": ""satu""}"' in lines[1]


def test_approval_state_leaves_out_what_is_already_sent(ws, sandbox):
    publish(ws, sandbox, NINE + timedelta(minutes=1))
    workspace, campaigns = loaded(ws)
    states = approvals_job(workspace, campaigns, now=NINE + timedelta(minutes=2))
    assert {s.post for s in states} == {"pengingat", "darurat"}


def test_status_summary_for_the_lead(tmp_path):
    from campaignctl.usecases.governance import governance_status_job

    ws = make_ws(tmp_path / "ws", fb_approval=True)
    workspace, campaigns = loaded(ws)
    pause_job(workspace, "uji", ["x"], by="Ani", now=NINE - timedelta(days=1))
    approve_job(workspace, campaigns, Selection.parse("banjir/info"), by="Kepala",
                now=NINE - timedelta(days=1))
    summary = governance_status_job(workspace, campaigns, now=NINE - timedelta(hours=1))
    assert [(p["channel"], p["reason"]) for p in summary["paused"]] == [("x", "uji")]
    assert summary["approvals"] == {"required": 3, "approved": 1, "void": 0, "missing": 2}
    assert summary["approved_by"] == ["Kepala"]
    assert sorted(k.split("/")[1] for k in summary["blocked"]) == ["darurat", "pengingat"]
