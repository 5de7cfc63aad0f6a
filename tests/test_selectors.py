"""Every name a command takes (CAMPAIGN, CAMPAIGN/POST, a channel) is checked against the
workspace first: a typo is one line naming it, a suggestion, and exit 2 — never an empty
success. A known name with nothing to act on is still exit 0, and a campaign whose file was
removed can still be looked at and retracted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaignctl.cli import app

runner = CliRunner()
CAMPAIGN = "layanan-kesehatan-gratis"
NINE = "2026-12-01T09:00:00+08:00"  # when the campaign's announcement is due on x and facebook


@pytest.fixture
def ws(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("CAMPAIGNCTL_NOW", NINE)
    result = runner.invoke(app, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def run(ws: Path, *args: str, lang: str = "en"):
    return runner.invoke(app, ["--lang", lang, "--workspace", str(ws), *args],
                         catch_exceptions=False)


def standing(sandbox, platform: str) -> list[str]:
    """The ids of the posts still up (X keeps deleted tweets, marked; Facebook drops them)."""
    return [p["id"] for p in sandbox.emulators[platform].posts() if not p.get("deleted")]


def ok(ws: Path, *args: str) -> str:
    result = run(ws, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


TYPO_CAMPAIGN = f"{CAMPAIGN}s"
TYPO_TARGET = f"{CAMPAIGN}/pengumumann"
MEANT_TARGET = f"{CAMPAIGN}/pengumuman"

# (command line, what was given as the line shows it, the suggestion)
TYPOS = [
    (["publish", "--only", TYPO_CAMPAIGN], TYPO_CAMPAIGN, CAMPAIGN),
    (["publish", "--only", TYPO_TARGET], "pengumumann", MEANT_TARGET),
    (["publish", "--now", TYPO_TARGET], "pengumumann", MEANT_TARGET),
    (["publish", "--channel", "facebok"], "facebok", "facebook"),
    (["preview", "--post", "pengumumann"], "pengumumann", "pengumuman"),
    (["preview", "--channel", "facebok"], "facebok", "facebook"),
    (["plan", "--channel", "tiktk"], "tiktk", "tiktok"),
    (["status", TYPO_CAMPAIGN], TYPO_CAMPAIGN, CAMPAIGN),
    (["retract", TYPO_TARGET, "--yes"], "pengumumann", MEANT_TARGET),
    (["retract", f"{TYPO_CAMPAIGN}/pengumuman", "--yes"], TYPO_CAMPAIGN, MEANT_TARGET),
    (["retract", CAMPAIGN, "--channel", "facebok", "--yes"], "facebok", "facebook"),
    (["retract", TYPO_TARGET], "pengumumann", MEANT_TARGET),  # refused before it asks
    (["approve", TYPO_TARGET, "--by", "Ani"], "pengumumann", MEANT_TARGET),
    (["approve", CAMPAIGN, "--by", "Ani", "--channel", "facebok"], "facebok", "facebook"),
    (["approvals", TYPO_CAMPAIGN], TYPO_CAMPAIGN, CAMPAIGN),
    (["report", TYPO_CAMPAIGN], TYPO_CAMPAIGN, CAMPAIGN),
    (["pause", "--reason", "banjir", "--channel", "facebok"], "facebok", "facebook"),
    (["resume", "--channel", "facebok"], "facebok", "facebook"),
    (["announce", "--text", "Info", "--by", "Ani", "-c", "x", "-c", "youtub"], "youtub",
     "youtube"),  # refused before it asks, too
    (["channels", "check", "facebok"], "facebok", "facebook"),
    (["channels", "login", "youtub"], "youtub", "youtube"),
]
DID_YOU_MEAN = {"en": "did you mean {}?", "id": "apakah maksud Anda {}?"}
MESSAGE_WORD = {"en": "no ", "id": "tidak "}  # "no campaign" / "tidak ada kampanye", ...


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("args, given, meant", TYPOS, ids=[" ".join(a[:2]) for a, _, _ in TYPOS])
def test_a_typo_is_one_line_with_a_suggestion_and_exit_2(ws, args, given, meant, lang):
    result = run(ws, *args, lang=lang)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"'{given}'" in lines[0]
    assert lines[0].endswith(" — " + DID_YOU_MEAN[lang].format(meant)), lines[0]
    assert MESSAGE_WORD[lang] in lines[0]
    assert result.stdout == ""
    assert not (ws / ".campaignctl" / "sandbox").exists()  # nothing was sent anywhere


def test_a_name_nothing_is_close_to_lists_the_names_there(ws):
    result = run(ws, "status", "zzz")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no campaign 'zzz' — campaigns here: {CAMPAIGN}"
    result = run(ws, "preview", "--post", "zzz")
    assert result.exit_code == 2
    assert "posts here: pengingat-mingguan, pengumuman, video-penjelasan" in result.stderr


def test_a_broken_file_that_may_hold_the_name_is_shown_with_the_refusal(ws):
    (ws / "campaigns" / "lain.yaml").write_text("campaign: lain\nposts: [\n")
    result = run(ws, "status", "lain")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert "lain.yaml" in lines[0] and len(lines) > 1
    assert lines[-1].startswith("error: no campaign 'lain'")


def test_known_names_with_nothing_to_act_on_are_exit_0(ws, sandbox):
    out = ok(ws, "retract", MEANT_TARGET, "--yes", "--sandbox-url", sandbox.url)
    assert "Nothing was published, so nothing was deleted." in out
    assert "No occurrence matches." in ok(ws, "status", CAMPAIGN)
    # pengumuman goes to x and facebook only: nothing to show on youtube, and that is no typo
    assert "Nothing to preview." in ok(ws, "preview", "--post", "pengumuman", "--channel",
                                       "youtube")
    assert json.loads(ok(ws, "publish", "--only", MEANT_TARGET, "--channel", "youtube",
                         "--sandbox-url", sandbox.url, "--json"))["results"] == []


def test_a_removed_campaign_file_is_still_selectable_and_retractable(ws, sandbox):
    published = json.loads(ok(ws, "publish", "--sandbox-url", sandbox.url, "--json"))
    assert published["counts"] == {"published": 2}
    before = {platform: standing(sandbox, platform) for platform in ("x", "facebook")}
    assert all(before.values())
    (ws / "campaigns" / f"{CAMPAIGN}.yaml").unlink()

    status = json.loads(ok(ws, "status", CAMPAIGN, "--json"))
    assert {(r["post"], r["state"]) for r in status["occurrences"]} == {
        ("pengumuman", "published")}
    report = json.loads(ok(ws, "report", CAMPAIGN, "--sandbox-url", sandbox.url, "--json"))
    assert CAMPAIGN in json.dumps(report)
    result = run(ws, "retract", TYPO_TARGET, "--yes", "--sandbox-url", sandbox.url)
    assert result.exit_code == 2  # the ledger's post ids suggest, too
    assert result.stderr.strip().endswith(f"did you mean {MEANT_TARGET}?")
    assert {platform: standing(sandbox, platform) for platform in before} == before

    summary = json.loads(ok(ws, "retract", MEANT_TARGET, "--yes", "--sandbox-url", sandbox.url,
                            "--json"))
    assert sorted(i["outcome"] for i in summary["items"]) == ["deleted", "deleted"]
    assert standing(sandbox, "x") == [] and standing(sandbox, "facebook") == []
    # what is only in the ledger is still no licence for a command about the files
    result = run(ws, "approve", CAMPAIGN, "--by", "Ani")
    assert result.exit_code == 2 and f"no campaign '{CAMPAIGN}'" in result.stderr
