"""`plan` tells what `publish` would do: the same words as `publish --dry-run` for what is
due, what the ledger, governance, holds and the last `channels check` know for the rest —
through the CLI, on a real SQLite ledger and the sandbox over loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaignctl.cli import app

runner = CliRunner()
WITA = "+08:00"

CHANNELS = """\
defaults:
  timezone: Asia/Makassar
  catch_up: 1h
  blackouts:
    - {start: 2026-12-01 09:14, end: 2026-12-01 09:16, reason: Sholat Jumat}
channels:
  x:
    platform: x
    sandbox: true
    credentials: {access_token: "${X_ACCESS_TOKEN}"}
  x2:
    platform: x
    sandbox: true
    credentials: {access_token: "${X_ACCESS_TOKEN}"}
  facebook:
    platform: facebook
    sandbox: true
    approval_required: true
    options: {page_id: "100000000000001", graph_version: v24.0}
    credentials: {page_access_token: "${FACEBOOK_PAGE_TOKEN}"}
"""

CAMPAIGN = """\
campaign: uji
name: Uji Rencana
timezone: Asia/Makassar
channels: [x, facebook]
posts:
  - id: awal
    at: 2026-12-01 07:00
    text: "Awal: terlewat"
  - id: info
    at: 2026-12-01 09:00
    channels: [x, facebook, x2]
    text: "Info banjir: hubungi 112"
  - id: tarik
    at: 2026-12-01 09:10
    text: "Ditarik sebelum terbit"
  - id: sunyi
    every: "15 9 * * *"
    from: 2026-12-01
    until: 2026-12-02
    channels: [x]
    text: "Jatuh di masa hening"
  - id: baru
    at: 2026-12-01 09:25
    text: "Baru dan disetujui"
  - id: nanti
    at: 2026-12-01 12:00
    channels: [x, facebook, x2]
    text: "Nanti siang"
"""


def make_ws(root: Path, channels: str = CHANNELS, campaign: str = CAMPAIGN) -> Path:
    (root / "campaigns").mkdir(parents=True)
    (root / "channels.yaml").write_text(channels)
    (root / "campaigns" / "uji.yaml").write_text(campaign)
    return root


def run(ws: Path, *args: str, at: str | None = None, monkeypatch=None):
    if at is not None:
        monkeypatch.setenv("CAMPAIGNCTL_NOW", f"2026-12-01T{at}:00{WITA}")
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def ok(ws: Path, *args: str, at: str | None = None, monkeypatch=None) -> str:
    result = run(ws, *args, at=at, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    return result.stdout


def plan_rows(ws: Path, monkeypatch, at: str, *args: str) -> dict[tuple[str, str], dict]:
    rows = json.loads(ok(ws, "plan", "--json", *args, at=at, monkeypatch=monkeypatch))
    return {(r["post"], r["channel"]): r for r in rows}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make_ws(tmp_path / "ws")


@pytest.fixture
def lived(ws: Path, sandbox, monkeypatch) -> Path:
    """The campaign's morning: x2 paused, `baru` approved, the 09:00 run (info out on x,
    `awal` recorded missed), `tarik` retracted before its time."""
    ok(ws, "pause", "--reason", "banjir", "--channel", "x2", "--by", "Ani",
       at="08:00", monkeypatch=monkeypatch)
    ok(ws, "approve", "uji/baru", "--by", "Kepala Dinas", at="08:00", monkeypatch=monkeypatch)
    out = json.loads(ok(ws, "publish", "--sandbox-url", sandbox.url, "--json",
                        at="09:00", monkeypatch=monkeypatch))
    assert out["counts"] == {"published": 1, "skipped": 4}, out
    ok(ws, "retract", "uji/tarik", "--yes", "--sandbox-url", sandbox.url,
       at="09:05", monkeypatch=monkeypatch)
    return ws


# --- the proof: plan and the dry run agree on what is due -----------------------------------

def test_plan_says_what_a_dry_run_says_for_every_due_entry(lived, sandbox, monkeypatch):
    dry = json.loads(ok(lived, "publish", "--dry-run", "--json", "--sandbox-url", sandbox.url,
                        at="09:30", monkeypatch=monkeypatch))
    rows = json.loads(ok(lived, "plan", "--json", at="09:30", monkeypatch=monkeypatch))
    due = {r["key"]: r for r in rows if r["at"] <= f"2026-12-01T09:30:00{WITA}"}
    results = {r["key"]: r for r in dry["results"]}
    assert set(due) == set(results)
    assert {k: (r["status"], r["reason"], r["url"]) for k, r in due.items()} == {
        k: (r["outcome"], r["reason"], r["url"]) for k, r in results.items()}
    # Every kind of answer is in this comparison, so it means something.
    assert {(r["status"], (r["reason"] or "").split(":")[0]) for r in due.values()} == {
        ("skipped", "missed"), ("already-done", ""), ("skipped", "not approved"),
        ("skipped", "paused"), ("skipped", "retracted"), ("skipped", "blackout"),
        ("would-send", "")}
    plan = {(r["post"], r["channel"]): r for r in due.values()}
    assert plan[("info", "x")]["url"].endswith(
        "/status/" + sandbox_id_of(sandbox, "Info banjir: hubungi 112"))
    assert plan[("info", "x2")]["reason"] == "paused: banjir"
    assert plan[("sunyi", "x")]["reason"] == "blackout: Sholat Jumat"


def sandbox_id_of(sandbox, text: str) -> str:
    posts = [p for p in sandbox.emulators["x"].posts() if p["text"] == text]
    assert len(posts) == 1, posts
    return str(posts[0]["id"])


def test_later_entries_say_what_is_known_now(lived, monkeypatch):
    plan = plan_rows(lived, monkeypatch, "09:30")
    assert {k[1]: (r["status"], r["reason"]) for k, r in plan.items() if k[0] == "nanti"} == {
        "x": ("scheduled", None), "facebook": ("skipped", "not approved"),
        "x2": ("skipped", "paused: banjir")}


def test_a_post_that_went_out_stays_already_done_past_the_catch_up_window(lived, monkeypatch):
    plan = plan_rows(lived, monkeypatch, "11:00")
    assert plan[("info", "x")]["status"] == "already-done" and plan[("info", "x")]["url"]
    assert plan[("awal", "x")]["status"] == "skipped"
    assert plan[("baru", "x")]["reason"].startswith("missed: due at 2026-12-01T09:25:00+08:00")


def test_what_plan_says_is_what_publish_then_does(lived, sandbox, monkeypatch):
    plan = plan_rows(lived, monkeypatch, "09:30")
    done = json.loads(ok(lived, "publish", "--json", "--sandbox-url", sandbox.url,
                         at="09:30", monkeypatch=monkeypatch))
    sent = {(r["post"], r["channel"]) for r in done["results"] if r["outcome"] == "published"}
    assert sent == {k for k, r in plan.items() if r["status"] == "would-send"} == {
        ("baru", "x"), ("baru", "facebook")}


# --- without a ledger: offline, nothing created, no SQLAlchemy -------------------------------

def test_without_a_ledger_plan_is_offline_and_creates_nothing(ws):
    code = (
        "import sys\n"
        "from campaignctl.cli import main\n"
        "try:\n"
        f"    main(['--workspace', {str(ws)!r}, 'plan', '--json'])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "bad = [m for m in ('tweepy', 'facebook', 'googleapiclient', 'google.auth', 'requests',"
        " 'sqlalchemy', 'apscheduler') if m in sys.modules]\n"
        "print('LOADED', bad)\n"
    )
    env = {"CAMPAIGNCTL_NOW": f"2026-12-01T09:30:00{WITA}", "CAMPAIGNCTL_LANG": "en",
           "PATH": "/usr/bin:/bin", "HOME": str(ws.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**env, **_pythonpath()})
    *body, last = out.stdout.strip().splitlines()
    assert last == "LOADED []", out.stdout + out.stderr
    rows = {(r["post"], r["channel"], r["at"][11:16]): (r["status"], r["reason"])
            for r in json.loads("\n".join(body)) if r["at"].startswith("2026-12-01")}
    assert rows[("awal", "x", "07:00")][0] == "skipped"
    assert rows[("awal", "x", "07:00")][1].startswith("missed: due at 2026-12-01T07:00:00")
    assert rows[("info", "x", "09:00")] == ("would-send", None)
    assert rows[("info", "facebook", "09:00")] == ("skipped", "not approved")
    assert rows[("nanti", "facebook", "12:00")] == ("skipped", "not approved")
    assert rows[("nanti", "x", "12:00")] == ("scheduled", None)
    assert rows[("sunyi", "x", "09:15")] == ("skipped", "blackout: Sholat Jumat")
    assert not (ws / ".campaignctl").exists()


def _pythonpath() -> dict[str, str]:
    import os

    return {"PYTHONPATH": os.environ.get("PYTHONPATH", str(Path(__file__).parent.parent))}


def test_a_configured_sqlite_ledger_that_does_not_exist_is_not_created(ws, tmp_path,
                                                                        monkeypatch):
    missing = tmp_path / "elsewhere" / "ledger.db"
    monkeypatch.setenv("CAMPAIGNCTL_LEDGER", f"sqlite:///{missing}")
    plan = plan_rows(ws, monkeypatch, "09:30")
    assert plan[("info", "facebook")]["status"] == "skipped"
    assert not missing.exists() and not missing.parent.exists()


def test_ledger_url_finds_what_the_ledger_would_open(ws, tmp_path):
    from campaignctl import governance
    from campaignctl.config import load_workspace
    from campaignctl.ledger import ENV_VAR, Ledger, resolve_url
    from campaignctl.usecases import plan

    workspace = load_workspace(ws)
    assert plan.ledger_url(workspace, {}) is None
    Ledger.open(resolve_url(ws, None, {})).close()
    assert plan.ledger_url(workspace, {}) == resolve_url(ws, None, {})
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert plan.ledger_url(workspace, {ENV_VAR: other}) is None
    Ledger.open(other).close()
    assert plan.ledger_url(workspace, {ENV_VAR: other}) == resolve_url(ws, None,
                                                                       {ENV_VAR: other})
    pg = "postgresql+psycopg://u@127.0.0.1/db"
    assert plan.ledger_url(workspace, {ENV_VAR: pg}) == pg
    # The setting plan names for itself, to stay free of the ledger's imports; the skip
    # reason and the approval rule are the very ones governance uses.
    assert (plan.LEDGER_ENV, plan.NOT_APPROVED) == (ENV_VAR, governance.NOT_APPROVED)
    assert plan.NOT_APPROVED is governance.NOT_APPROVED
    for name in workspace.accounts:
        assert workspace.needs_approval(name) == governance.approval_required(workspace, name)


def test_a_ledger_that_cannot_be_read_leaves_the_plan_and_says_so(ws, monkeypatch):
    monkeypatch.setenv("CAMPAIGNCTL_LEDGER", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = run(ws, "plan", "--json", at="09:30", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    rows = {(r["post"], r["channel"]): r for r in json.loads(result.stdout)}
    assert rows[("info", "facebook")]["reason"] == "not approved"
    assert "warning: the ledger could not be read" in result.stderr
    assert "Traceback" not in result.output


# --- a platform's hold defers ----------------------------------------------------------------

def test_a_channel_hold_defers_what_it_covers(ws, monkeypatch):
    nine_thirty = datetime.fromisoformat(f"2026-12-01T09:30:00{WITA}")
    hold(ws, "x", nine_thirty + timedelta(minutes=30), now=nine_thirty)
    plan = plan_rows(ws, monkeypatch, "09:30")
    reason = "x is rate limited until 2026-12-01 02:00 UTC; it goes out on a later run"
    assert (plan[("info", "x")]["status"], plan[("info", "x")]["reason"]) == ("deferred", reason)
    assert plan[("baru", "x")]["status"] == "deferred"
    assert plan[("info", "x2")]["status"] == "would-send"  # the hold is x's alone
    assert plan[("nanti", "x")]["status"] == "scheduled"  # due after the hold has ended
    text = ok(ws, "--lang", "id", "plan", at="09:30", monkeypatch=monkeypatch)
    assert "ditunda" in text and "akan dikirim" in text


def test_a_deferred_entry_is_what_publish_then_defers(ws, sandbox, monkeypatch):
    # The engine measures holds on the real clock, whatever CAMPAIGNCTL_NOW says.
    until = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    hold(ws, "x", until, now=datetime.now(timezone.utc))
    plan = plan_rows(ws, monkeypatch, "09:30")
    assert plan[("info", "x")]["status"] == "deferred"
    done = json.loads(run(ws, "publish", "--json", "--sandbox-url", sandbox.url,
                          at="09:30", monkeypatch=monkeypatch).stdout)
    outcomes = {(r["post"], r["channel"]): r for r in done["results"]}
    for key in (("info", "x"), ("baru", "x")):
        assert outcomes[key]["reason"] == plan[key]["reason"]
        assert outcomes[key]["outcome"] == "failed"  # what a run calls it; plan: deferred


def hold(ws: Path, channel: str, until: datetime, now: datetime) -> None:
    """A platform's 429 hold, kept where the engine keeps it: these accounts say
    `sandbox: true`, so under the channel's sandbox name."""
    from campaignctl.ledger import Ledger, resolve_url
    from campaignctl.models import Target, row_key

    with Ledger.open(resolve_url(ws, None, {})) as ledger:
        ledger.hold_channel(row_key(channel, Target.SANDBOX), until, "429 Too Many Requests",
                            now=now)


# --- what the last `channels check` learned refuses -----------------------------------------

VIDEO = "campaigns/layanan-kesehatan-gratis.yaml"
TEN_DEC = "2026-12-10T16:00:00+08:00"


@pytest.fixture
def readme_ws(tmp_path: Path, monkeypatch) -> Path:
    """`campaignctl init`'s workspace, its TikTok video asking to be public."""
    root = tmp_path / "readme"
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    path = root / VIDEO
    path.write_text(path.read_text().replace("privacy_level: SELF_ONLY",
                                             "privacy_level: PUBLIC_TO_EVERYONE"))
    monkeypatch.setenv("CAMPAIGNCTL_NOW", TEN_DEC)
    return root


def video_row(ws: Path) -> dict:
    rows = json.loads(ok(ws, "plan", "--json"))
    return next(r for r in rows if (r["post"], r["channel"]) == ("video-penjelasan", "tiktok"))


def privacy_line(ws: Path) -> int:
    lines = (ws / VIDEO).read_text().splitlines()
    return next(i for i, ln in enumerate(lines, 1) if "PUBLIC_TO_EVERYONE" in ln)


def test_a_private_account_refuses_a_public_post_in_plan_and_validate(readme_ws, sandbox,
                                                                      monkeypatch):
    assert video_row(readme_ws)["status"] == "would-send"
    assert "warning" not in run(readme_ws, "validate").stderr
    # The account, as TikTok's creator info describes it, offers no public level.
    sandbox.configure("tiktok", privacy_level_options=["FOLLOWER_OF_CREATOR", "SELF_ONLY"])
    monkeypatch.setenv("CAMPAIGNCTL_SANDBOX_URL", sandbox.url)
    ok(readme_ws, "channels", "check", "tiktok")
    stored = json.loads((readme_ws / ".campaignctl" / "checks.json").read_text())
    assert stored["tiktok"]["target"] == "sandbox"
    assert stored["tiktok"]["facts"]["privacy_level_options"] == ["FOLLOWER_OF_CREATOR",
                                                                   "SELF_ONLY"]

    row = video_row(readme_ws)
    why = "privacy_level PUBLIC_TO_EVERYONE is not offered by this TikTok account"
    assert (row["status"], row["reason"]) == ("refused", why)
    result = run(readme_ws, "validate")
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if ": warning: " in ln]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(f"{VIDEO}:{privacy_line(readme_ws)}: warning: "
                                  f"video-penjelasan on tiktok would be refused: {why}")
    assert "FOLLOWER_OF_CREATOR, SELF_ONLY" in warnings[0]  # the hint names what is offered
    assert "ditolak" in ok(readme_ws, "--lang", "id", "plan")

    # And that is what publish meets.
    done = json.loads(run(readme_ws, "publish", "--json", "--only",
                          "layanan-kesehatan-gratis/video-penjelasan", "--channel", "tiktok",
                          "--sandbox-url", sandbox.url).stdout)
    assert [(r["outcome"], why in (r["reason"] or "")) for r in done["results"]] == [
        ("failed", True)]


def test_facts_from_the_sandbox_do_not_speak_for_a_live_account(readme_ws, sandbox,
                                                                 monkeypatch):
    sandbox.configure("tiktok", privacy_level_options=["SELF_ONLY"])
    ok(readme_ws, "channels", "check", "tiktok", "--sandbox-url", sandbox.url)
    assert video_row(readme_ws)["status"] == "refused"
    channels = readme_ws / "channels.yaml"
    text = channels.read_text()
    start = text.index("  tiktok:")
    channels.write_text(text[:start] + text[start:].replace("    sandbox: true\n", "", 1))
    assert video_row(readme_ws)["status"] == "would-send"
    assert "warning" not in run(readme_ws, "validate").stderr


def live_tiktok(ws: Path, sandbox, monkeypatch, audited: bool) -> None:
    """The TikTok account made live, pointed at a sandbox standing in for TikTok."""
    from campaignctl.channels.fixtures import sandbox_credentials

    for field, value in sandbox_credentials("tiktok").items():
        monkeypatch.setenv(f"TIKTOK_{field.upper()}", value)
    channels = ws / "channels.yaml"
    text = channels.read_text()
    start = text.index("  tiktok:")
    options = f"    base_url: {sandbox.base_url('tiktok')}\n"
    if audited:
        options += "    options: {audited: true}\n"
    channels.write_text(text[:start] + text[start:].replace("    sandbox: true\n", options, 1))


@pytest.mark.parametrize("audited, status", [(False, "refused"), (True, "would-send")])
def test_a_live_check_of_an_unaudited_app_refuses_what_is_not_private(readme_ws, sandbox,
                                                                      monkeypatch, audited,
                                                                      status):
    live_tiktok(readme_ws, sandbox, monkeypatch, audited)
    ok(readme_ws, "channels", "check", "tiktok")
    stored = json.loads((readme_ws / ".campaignctl" / "checks.json").read_text())
    assert (stored["tiktok"]["target"], stored["tiktok"]["facts"]["audited"]) == (
        "live", audited)
    row = video_row(readme_ws)
    assert row["status"] == status
    if not audited:
        assert row["reason"] == ("TikTok keeps an unaudited app's posts private, so "
                                 "privacy_level PUBLIC_TO_EVERYONE would be refused")
        warning = run(readme_ws, "validate").stderr
        assert f"{VIDEO}:{privacy_line(readme_ws)}: warning: " in warning
        assert "until TikTok audits the app" in warning


def test_a_failed_check_keeps_what_an_earlier_one_learned(readme_ws, sandbox, monkeypatch):
    sandbox.configure("tiktok", privacy_level_options=["SELF_ONLY"])
    ok(readme_ws, "channels", "check", "tiktok", "--sandbox-url", sandbox.url)
    before = (readme_ws / ".campaignctl" / "checks.json").read_text()
    sandbox.stop()
    result = run(readme_ws, "channels", "check", "tiktok",
                 "--sandbox-url", sandbox.url)
    assert result.exit_code != 0
    assert (readme_ws / ".campaignctl" / "checks.json").read_text() == before
    assert video_row(readme_ws)["status"] == "refused"
