"""The governance commands as users see them: pause, resume, approve, approvals, announce,
audit — exit codes, one-line errors, JSON and CSV shapes — against the real sandbox."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_governance import make_ws
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.governance import AUDIT_FIELDS

runner = CliRunner()
AT_NINE_FIVE = "2026-12-01T09:05:00+08:00"


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CAMPAIGNCTL_NOW", AT_NINE_FIVE)
    return make_ws(tmp_path / "ws")


def run(ws: Path, *args: str):
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def ok(ws: Path, *args: str) -> str:
    result = run(ws, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def texts(sandbox, platform: str) -> list[str]:
    return [p["text"] for p in sandbox.emulators[platform].posts()]


def test_pause_publish_resume_publish(ws, sandbox, monkeypatch):
    out = ok(ws, "pause", "--reason", "banjir", "--by", "Ani")
    assert "Paused every channel: banjir" in out and "campaignctl resume" in out
    published = json.loads(ok(ws, "publish", "--sandbox-url", sandbox.url, "--json"))
    assert {(r["channel"], r["outcome"], r["reason"]) for r in published["results"]} == {
        ("x", "skipped", "paused: banjir"), ("facebook", "skipped", "paused: banjir")}
    status = json.loads(ok(ws, "status", "--json"))
    assert {r["reason"] for r in status["occurrences"]} == {"paused: banjir"}
    assert [p["reason"] for p in status["governance"]["paused"]] == ["banjir"]
    assert "PAUSED every channel" in ok(ws, "status")

    lifted = json.loads(ok(ws, "resume", "--by", "Budi", "--json"))
    assert [(p["channel"], p["paused_by"], p["resumed_by"]) for p in lifted] == [
        ("*", "Ani", "Budi")]
    assert "Nothing was paused." in ok(ws, "resume")
    monkeypatch.setenv("CAMPAIGNCTL_NOW", "2026-12-01T09:30:00+08:00")
    published = json.loads(ok(ws, "publish", "--sandbox-url", sandbox.url, "--json"))
    assert published["counts"] == {"published": 2}
    assert texts(sandbox, "x") == ["Info banjir: hubungi 112"]


@pytest.mark.parametrize("args, words", [
    (["pause", "--reason", "x", "--channel", "instagram"], "no channel 'instagram'"),
    (["pause", "--reason", " "], "a pause needs a reason"),
    (["audit", "--format", "xml"], "unknown format 'xml'"),
    (["audit", "--since", "kemarin"], "'kemarin' is not a date"),
    (["approve", "banjir"], "Missing option '--by'"),
    (["approve", "nope", "--by", "A"], "no campaign 'nope'"),
    (["announce", "--text", "hi", "--by", "A"], "announce posts at once and asks first"),
])
def test_mistakes_are_one_line_and_exit_2(ws, args, words):
    result = run(ws, *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    if "Missing option" not in words:  # click draws its own usage box
        assert len(result.stderr.strip().splitlines()) == 1
        assert " — " in result.stderr  # and says what to do
    assert "Traceback" not in result.output


def test_resume_one_channel_out_of_a_global_pause_is_refused(ws):
    ok(ws, "pause", "--reason", "semua", "--by", "Ani")
    result = run(ws, "resume", "--channel", "x")
    assert result.exit_code == 2
    assert "every channel is paused (semua)" in result.stderr
    assert "campaignctl resume" in result.stderr


def test_approve_then_edit_shows_void(ws, sandbox, monkeypatch):
    (ws / "channels.yaml").write_text((ws / "channels.yaml").read_text().replace(
        "channels:\n", "approvals: {required: true}\nchannels:\n", 1))
    monkeypatch.setenv("CAMPAIGNCTL_NOW", "2026-12-01T08:00:00+08:00")
    missing = json.loads(ok(ws, "approvals", "banjir", "--json"))
    assert {r["state"] for r in missing} == {"missing"} and all(r["required"] for r in missing)
    assert "need approval" in ok(ws, "approvals")

    out = ok(ws, "approve", "banjir/info", "--by", "Kepala Dinas")
    assert "Kepala Dinas approved 2 post(s) of banjir/info" in out
    rows = json.loads(ok(ws, "approvals", "banjir", "--json"))
    info = [r for r in rows if r["post"] == "info"]
    assert {(r["state"], r["approved_by"]) for r in info} == {("approved", "Kepala Dinas")}
    assert set(info[0]) >= {"key", "campaign", "post", "channel", "at", "required", "state",
                            "approved_by", "approved_at", "content_hash"}

    campaign = ws / "campaigns" / "banjir.yaml"
    campaign.write_text(campaign.read_text().replace("Info banjir", "Info banjir terbaru"))
    rows = json.loads(ok(ws, "approvals", "banjir", "--json"))
    assert {r["state"] for r in rows if r["post"] == "info"} == {"void"}
    assert "✗ void" in ok(ws, "approvals")

    monkeypatch.setenv("CAMPAIGNCTL_NOW", AT_NINE_FIVE)
    published = json.loads(ok(ws, "publish", "--sandbox-url", sandbox.url, "--json"))
    assert {(r["outcome"], r["reason"]) for r in published["results"]} == {
        ("skipped", "not approved")}
    assert texts(sandbox, "x") == []


def test_announce_twice_sends_once_and_lists_left_out_channels(ws, sandbox):
    args = ["announce", "--text", "Peringatan banjir", "--by", "Budi", "--yes",
            "--sandbox-url", sandbox.url]
    first = run(ws, *args)
    assert first.exit_code == 0, first.output
    assert "youtube: left out:" in first.stderr
    again = json.loads(ok(ws, *args, "--json"))
    assert again["campaign"] == "announce" and again["again"] is True
    assert again["counts"] == {"already-done": 2}
    assert set(again["left_out"]) == {"youtube"}
    assert texts(sandbox, "x") == ["Peringatan banjir"]
    assert texts(sandbox, "facebook") == ["Peringatan banjir"]


def test_audit_exports_every_action_as_json_csv_and_table(ws, sandbox, monkeypatch):
    monkeypatch.setattr("campaignctl.governance.getpass.getuser", lambda: "petugas")
    ok(ws, "pause", "--reason", "uji", "--channel", "x")
    ok(ws, "publish", "--sandbox-url", sandbox.url)
    ok(ws, "resume", "--channel", "x", "--by", "Ani")
    ok(ws, "retract", "banjir/info", "--yes", "--sandbox-url", sandbox.url)
    ok(ws, "announce", "--text", "Darurat", "--channel", "x", "--by", "Budi", "--yes",
       "--sandbox-url", sandbox.url)

    rows = json.loads(ok(ws, "audit", "--format", "json"))
    assert all(list(r) == list(AUDIT_FIELDS) for r in rows)
    assert all(isinstance(r["details"], dict) for r in rows)
    actions = [(r["action"], r["actor"]) for r in rows if r["action"] != "state"]
    assert actions == [("pause", "petugas"), ("resume", "Ani"), ("retract", "petugas"),
                       ("announce", "Budi")]
    states = {(r["channel"], r["details"]["to"]) for r in rows if r["action"] == "state"}
    assert {("x", "skipped"), ("facebook", "published"), ("facebook", "retracted"),
            ("x", "published")} <= states

    parsed = list(csv.DictReader(io.StringIO(ok(ws, "audit", "--format", "csv"))))
    assert [r["id"] for r in parsed] == [str(r["id"]) for r in rows]
    assert json.loads(parsed[0]["details"]) == {"reason": "uji"}

    table = ok(ws, "audit")
    assert "pause" in table and "Budi" in table and "→ published" in table
    assert json.loads(ok(ws, "audit", "--since", "2099-01-01", "--format", "json")) == []
    assert "The audit trail is empty." in ok(ws, "audit", "--since", "2099-01-01")


def test_status_names_a_channel_the_platform_rate_limited(ws):
    from datetime import datetime

    from campaignctl.config import load_workspace
    from campaignctl.usecases.common import open_ledger

    ledger = open_ledger(load_workspace(ws))
    try:
        until = datetime.fromisoformat("2026-12-02T09:00:00+08:00")
        ledger.hold_channel("x", until, "daily post cap reached")
    finally:
        ledger.close()
    doc = json.loads(ok(ws, "status", "--json"))
    assert doc["rate_limited"] == {"x": {"until": "2026-12-02T01:00:00+00:00",
                                         "reason": "daily post cap reached"}}
    assert ("x is rate limited by the platform until 2026-12-02 09:00 WITA: daily post cap "
            "reached") in ok(ws, "status")
