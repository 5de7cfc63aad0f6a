"""`report`: metrics from every platform through the sandbox, snapshots, summaries,
conversions, and the same numbers in the table, CSV, JSON and HTML."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from campaignctl import report as R
from campaignctl.usecases.report import report_job
from campaignctl.channels import channel_class, channel_for
from campaignctl.config import load_campaigns, load_workspace
from campaignctl.errors import UsageError
from campaignctl.usecases.common import open_ledger
from campaignctl.usecases.publishing import publish_job
from campaignctl.ledger import Ledger, occurrences
from campaignctl.models import Campaign
from campaignctl.report.html import report_html
from campaignctl.sandbox import Sandbox
from campaignctl.workspace import create_workspace

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
CAMPAIGN = "layanan-kesehatan-gratis"


class Clock:
    """The sandbox's clock: real start, moved by hand so metrics grow deterministically."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The example workspace (TikTok audited and public, so it has numbers), rehearsed into
    a module-wide sandbox once; each test copies the workspace."""
    root = tmp_path_factory.mktemp("published")
    create_workspace(root)
    channels = (root / "channels.yaml").read_text()
    (root / "channels.yaml").write_text(channels.replace(
        "  tiktok:\n    platform: tiktok\n    sandbox: true\n",
        "  tiktok:\n    platform: tiktok\n    sandbox: true\n    options: {audited: true}\n"))
    camp = root / "campaigns" / f"{CAMPAIGN}.yaml"
    camp.write_text(camp.read_text().replace("privacy_level: SELF_ONLY",
                                             "privacy_level: PUBLIC_TO_EVERYONE"))
    clock = Clock()
    with Sandbox(port=0, clock=clock) as sb:
        ws = load_workspace(root)
        campaigns, problems = load_campaigns(ws, None)
        assert not [p for p in problems if p.is_error]
        summary = publish_job(ws, campaigns, now=NOW, sandbox=True, sandbox_url=sb.url,
                              rehearse=True)
        assert summary.ok
        yield root, sb, clock


@pytest.fixture
def ws(world, tmp_path):
    root, sb, clock = world
    copy = tmp_path / "ws"
    shutil.copytree(root, copy)
    for em in sb.emulators.values():  # no fault or limit from an earlier test
        em.configure({"rate_limit": None, "faults": []})
    workspace = load_workspace(copy)
    campaigns, _ = load_campaigns(workspace, None)
    return workspace, campaigns, sb, clock


def opener(workspace, sb):
    return lambda name: channel_for(workspace, name, sandbox_url=sb.url, force_sandbox=True)


def requests_to(em, method: str, fragment: str) -> list[dict]:
    return [r for r in em.requests if r["method"] == method and fragment in r["path"]]


def expected_values(sb, platform: str, platform_id: str) -> dict[str, int]:
    """What the emulator's own formula gives now, in the adapter's names."""
    em = sb.emulators[platform]
    if platform == "x":
        return {k.removesuffix("_count"): v
                for k, v in em.public_metrics(em.tweets[platform_id]).items()}
    if platform == "facebook":
        return em._metrics(em.objects[platform_id])
    if platform == "youtube":
        stats = em.statistics(platform_id, em._age(em.videos[platform_id]))
        names = {"viewCount": "views", "likeCount": "likes", "favoriteCount": "favorites",
                 "commentCount": "comments"}
        return {names[k]: int(v) for k, v in stats.items() if k in names}
    video = em.videos[platform_id]
    return {k.removesuffix("_count"): v for k, v in em.metrics_of(video).items()
            if k in ("view_count", "like_count", "comment_count", "share_count")}


# --- collection through each platform -------------------------------------------------------

def test_every_platform_is_measured_with_its_own_formula(ws):
    workspace, _, sb, clock = ws
    clock.now += 3600
    ledger = open_ledger(workspace)
    try:
        done = R.collect(ledger, opener(workspace, sb), now=NOW)
        snaps = ledger.snapshots(CAMPAIGN)
        rows = {r.key: r for r in ledger.status(CAMPAIGN, state="published")}
    finally:
        ledger.close()
    assert done.gaps == [] and done.measured == len(rows) == 8
    assert {s["platform"] for s in snaps} == {"x", "facebook", "youtube", "tiktok"}
    for s in snaps:
        assert s["gap"] is None
        assert s["metrics"] == expected_values(sb, s["platform"], s["platform_id"])
        assert R.normalize(s["platform"], s["metrics"])["engagement"] > 0
    # One call per channel: every channel's posts fit in one batch.
    assert done.calls == {"x": 1, "facebook": 1, "youtube": 1, "tiktok": 1}


@pytest.mark.parametrize("platform,path", [
    ("x", "/2/tweets"), ("facebook", "/v24.0/"), ("tiktok", "/v2/video/query/"),
    ("youtube", "/youtube/v3/videos")])
def test_batches_follow_each_platforms_metrics_batch(ws, monkeypatch, platform, path):
    workspace, _, sb, clock = ws
    cls = channel_class(platform)
    monkeypatch.setattr(cls, "limits", dataclasses.replace(cls.limits, metrics_batch=1))
    em = sb.emulators[platform]
    before = len(requests_to(em, "GET" if platform != "tiktok" else "POST", path))
    ledger = open_ledger(workspace)
    try:
        mine = ledger.status(CAMPAIGN, state="published", channel=platform)
        done = R.collect(ledger, opener(workspace, sb), now=NOW)
    finally:
        ledger.close()
    after = len(requests_to(em, "GET" if platform != "tiktok" else "POST", path))
    assert done.calls[platform] == len(mine) >= 1
    assert after - before >= len(mine)  # one call per post (the adapter may add a lookup)


def _add_published(ledger: Ledger, campaign: str, post: str, channel: str, platform: str,
                   platform_id: str, at: datetime, published_at: datetime | None = None) -> str:
    key = f"{campaign}/{post}/{at.strftime('%Y-%m-%dT%H:%M:%SZ')}/{channel}"
    with ledger.engine.begin() as conn:
        conn.execute(occurrences.insert().values(
            key=key, campaign=campaign, post=post, channel=channel, platform=platform,
            at_utc=at, state="published", platform_id=platform_id,
            ids=json.dumps([platform_id]), published_at=published_at or at, attempts=1,
            updated_at=at, retryable=False))
    return key


def test_missing_posts_permissions_and_private_videos_become_gaps_not_zeros(ws):
    workspace, _, sb, clock = ws
    at = NOW - timedelta(days=1)
    ledger = open_ledger(workspace)
    try:
        gone_x = _add_published(ledger, CAMPAIGN, "gone", "x", "x", "1869999999999999999", at)
        other_fb = _add_published(ledger, CAMPAIGN, "other", "facebook", "facebook",
                                  "OTHERPAGE_POST", at)
        private_tt = _add_published(ledger, CAMPAIGN, "private", "tiktok", "tiktok",
                                    "v_pub_file~v2-1.123", at)
        gone_yt = _add_published(ledger, CAMPAIGN, "gone", "youtube", "youtube", "nosuchvideo",
                                 at)
        done = R.collect(ledger, opener(workspace, sb), now=NOW)
        snaps = {s["key"]: s for s in ledger.snapshots(CAMPAIGN)}
    finally:
        ledger.close()
    gaps = {g["key"]: g["reason"] for g in done.gaps}
    assert set(gaps) == {gone_x, other_fb, private_tt, gone_yt}
    assert "Could not find" in gaps[gone_x]
    assert "permission" in gaps[other_fb]
    assert "private" in gaps[private_tt]
    assert "not found" in gaps[gone_yt]
    for key in gaps:
        assert snaps[key]["metrics"] is None and snaps[key]["gap"] == gaps[key]
    assert done.measured == 8  # the real posts of the same batches still have numbers


def test_tiktok_scope_missing_is_a_permission_gap(ws):
    workspace, _, sb, clock = ws
    sb.configure("tiktok", scopes=["user.info.basic", "video.publish", "video.upload"])
    try:
        ledger = open_ledger(workspace)
        try:
            done = R.collect(ledger, opener(workspace, sb), now=NOW)
        finally:
            ledger.close()
    finally:
        sb.configure("tiktok", scopes=["user.info.basic", "video.publish", "video.upload",
                                       "video.list"])
    tt = [g for g in done.gaps if g["channel"] == "tiktok"]
    assert tt and all("permission" in g["reason"] for g in tt)
    assert done.measured == 7


def test_rate_limit_leaves_a_gap_with_the_reason_and_does_not_sleep(ws, monkeypatch):
    workspace, _, sb, clock = ws
    monkeypatch.setattr(channel_class("x"), "limits",
                        dataclasses.replace(channel_class("x").limits, metrics_batch=1))
    sb.configure("x", rate_limit={"requests": 1, "window_seconds": 900})
    ledger = open_ledger(workspace)
    started = time.monotonic()
    try:
        done = R.collect(ledger, opener(workspace, sb), now=NOW)
    finally:
        ledger.close()
        sb.configure("x", rate_limit=None)
    assert time.monotonic() - started < 20
    x_gaps = [g for g in done.gaps if g["channel"] == "x"]
    # The first of X's three posts got its call; the window is then spent, so the other two
    # are gaps that say so (one 429 seen, no second call made).
    assert len(x_gaps) == 2 and all("rate limited by x" in g["reason"] for g in x_gaps)
    assert done.calls["x"] == 2
    assert all("--refresh" in g["reason"] for g in x_gaps)
    assert not [g for g in done.gaps if g["channel"] != "x"]


def test_the_declared_rate_budget_is_never_exceeded(ws, monkeypatch):
    workspace, _, sb, clock = ws
    cls = channel_class("facebook")
    monkeypatch.setattr(cls, "limits", dataclasses.replace(cls.limits, metrics_batch=1,
                                                           requests_per_window=2))
    ledger = open_ledger(workspace)
    try:
        done = R.collect(ledger, opener(workspace, sb), now=NOW, campaign=CAMPAIGN)
    finally:
        ledger.close()
    assert done.calls["facebook"] == 2
    fb_gaps = [g for g in done.gaps if g["channel"] == "facebook"]
    assert len(fb_gaps) == 1 and "allows 2 calls" in fb_gaps[0]["reason"]


def test_an_expired_token_is_a_gap_for_that_channel_only(ws):
    workspace, _, sb, clock = ws
    sb.configure("facebook", faults=[{"kind": "expired_token", "count": 5}])
    ledger = open_ledger(workspace)
    try:
        done = R.collect(ledger, opener(workspace, sb), now=NOW)
    finally:
        ledger.close()
    assert {g["channel"] for g in done.gaps} == {"facebook"}
    assert len(done.gaps) == 3 and done.measured == 5


def test_snapshots_accumulate_and_numbers_only_grow(ws):
    workspace, campaigns, sb, clock = ws
    ledger = open_ledger(workspace)
    try:
        for step in range(3):
            clock.now += 1800
            R.collect(ledger, opener(workspace, sb), now=NOW + timedelta(minutes=30 * step))
        snaps = ledger.snapshots(CAMPAIGN)
    finally:
        ledger.close()
    per_key: dict[str, list[dict]] = {}
    for s in snaps:
        per_key.setdefault(s["key"], []).append(s)
    assert len(per_key) == 8 and all(len(v) == 3 for v in per_key.values())
    for series in per_key.values():
        eng = [R.normalize(s["platform"], s["metrics"])["engagement"] for s in series]
        assert eng == sorted(eng) and eng[-1] > eng[0]


def test_report_job_collects_only_when_stale_or_asked(ws):
    workspace, campaigns, sb, clock = ws
    first = report_job(workspace, campaigns, now=NOW, sandbox_url=sb.url)
    again = report_job(workspace, campaigns, now=NOW + timedelta(minutes=10),
                         sandbox_url=sb.url)
    forced = report_job(workspace, campaigns, now=NOW + timedelta(minutes=20),
                          sandbox_url=sb.url, refresh=True)
    later = report_job(workspace, campaigns, now=NOW + timedelta(hours=2), sandbox_url=sb.url)
    assert first["collected"]["measured"] == 8
    assert again["collected"] is None
    assert forced["collected"] is not None and later["collected"] is not None
    assert all(p["snapshots"] == 3 for p in later["campaigns"][0]["posts"])


# --- summaries on a hand-computed example -----------------------------------------------------

def _hand_ledger(tmp_path: Path) -> tuple[Ledger, dict[str, str]]:
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'hand.db'}")
    at = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 WITA, a Tuesday
    keys = {
        "x": _add_published(ledger, "c", "launch", "x", "x", "1", at),
        "fb": _add_published(ledger, "c", "launch", "facebook", "facebook", "2", at),
        "yt": _add_published(ledger, "c", "video", "youtube", "youtube", "3",
                             at + timedelta(days=1)),
        "tt": _add_published(ledger, "c", "video", "tiktok", "tiktok", "4",
                             at + timedelta(days=1)),
    }
    snap = lambda key, ch, pf, when, metrics, gap=None: {  # noqa: E731
        "key": key, "campaign": "c", "channel": ch, "platform": pf, "platform_id": "-",
        "taken_at": when, "metrics": metrics, "gap": gap}
    t1, t2 = at + timedelta(hours=1), at + timedelta(hours=2)
    ledger.add_snapshots([
        snap(keys["x"], "x", "x", t1, {"impression": 500, "like": 10, "repost": 2, "reply": 3,
                                       "quote": 1, "bookmark": 4}),
        snap(keys["fb"], "facebook", "facebook", t1, {"reactions": 30, "comments": 5,
                                                      "shares": 0}),
        snap(keys["tt"], "tiktok", "tiktok", t1, None, "no permission: scope missing"),
    ])
    ledger.add_snapshots([
        snap(keys["x"], "x", "x", t2, {"impression": 1000, "like": 20, "repost": 4, "reply": 6,
                                       "quote": 2, "bookmark": 8}),
        snap(keys["fb"], "facebook", "facebook", t2, {"reactions": 60, "comments": 10,
                                                      "shares": 5}),
        snap(keys["yt"], "youtube", "youtube", t2 + timedelta(days=1, hours=3),
             {"views": 3000, "likes": 90, "comments": 10, "favorites": 0}),
        snap(keys["tt"], "tiktok", "tiktok", t2, None, "rate limited by tiktok until 02:00 UTC"),
    ])
    return ledger, keys


def hand_report(tmp_path: Path, conversions=None) -> tuple[dict, dict[str, str]]:
    ledger, keys = _hand_ledger(tmp_path)
    try:
        rows = ledger.status("c", state="published")
        snaps = ledger.snapshots("c")
    finally:
        ledger.close()
    camp = Campaign(id="c", name="Hand campaign", timezone="Asia/Makassar", channels=[],
                    posts=[])
    return R.summarize(rows, snaps, {"c": camp}, conversions=conversions, now=NOW), keys


def test_summaries_match_a_hand_computed_example(tmp_path):
    data, keys = hand_report(tmp_path)
    c = data["campaigns"][0]
    posts = {p["key"]: p for p in c["posts"]}
    # X: engagement = 20 likes + 6 replies + 4 reposts + 2 quotes + 8 bookmarks = 40.
    assert posts[keys["x"]]["engagement"] == 40 and posts[keys["x"]]["reach"] == 1000
    assert posts[keys["x"]]["rate"] == pytest.approx(0.04)
    # Facebook: 60 + 10 + 5 = 75, reach unknown: rate n/a, not 0.
    assert posts[keys["fb"]]["engagement"] == 75 and posts[keys["fb"]]["reach"] is None
    assert posts[keys["fb"]]["rate"] is None
    assert posts[keys["yt"]]["engagement"] == 100 and posts[keys["yt"]]["shares"] is None
    # TikTok never measured: every number unknown, the latest reason kept.
    tt = posts[keys["tt"]]
    assert tt["engagement"] is None and tt["reach"] is None
    assert tt["gap"] == "rate limited by tiktok until 02:00 UTC"
    # Campaign: reach 1000 + 3000; engagement 40 + 75 + 100; rate over known reach only:
    # (40 + 100) / 4000.
    assert (c["reach"], c["engagement"]) == (4000, 215)
    assert c["rate"] == pytest.approx(140 / 4000)
    assert (c["post_count"], c["measured"], c["gaps"]) == (4, 3, 1)
    assert c["best"][:3] == [keys["yt"], keys["fb"], keys["x"]]
    channels = {ch["channel"]: ch for ch in c["channels"]}
    assert channels["tiktok"]["engagement"] is None and channels["tiktok"]["gaps"] == 1
    assert channels["facebook"]["likes"] == 60 and channels["facebook"]["rate"] is None
    # Over time, per channel: x went 20 -> 40.
    assert [v for _, v in channels["x"]["series"]] == [20, 40]
    # When: x gained 20 in 09:00-10:00 WITA and 20 in 10:00-11:00; facebook 35 then 40
    # (all on Tuesday); YouTube's one snapshot came 5 h after publishing, beyond the window.
    assert c["response_basis"] == "snapshot deltas"
    assert c["hours"][9] == pytest.approx(20 + 35) and c["hours"][10] == pytest.approx(20 + 40)
    assert c["weekdays"][1] == pytest.approx(115) and sum(c["weekdays"]) == pytest.approx(115)
    assert [g["key"] for g in data["gaps"]] == [keys["tt"]]


def test_response_falls_back_to_publish_times_when_measured_rarely(tmp_path):
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'rare.db'}")
    at = datetime(2026, 12, 5, 23, 30, tzinfo=timezone.utc)  # Sun 07:30 WITA
    key = _add_published(ledger, "c", "p", "x", "x", "1", at)
    ledger.add_snapshots([{"key": key, "campaign": "c", "channel": "x", "platform": "x",
                           "platform_id": "1", "taken_at": at + timedelta(days=2),
                           "metrics": {"impression": 100, "like": 7}, "gap": None}])
    data = R.summarize(ledger.status("c"), ledger.snapshots("c"),
                       {"c": Campaign("c", "C", "Asia/Makassar", [], [])})
    ledger.close()
    c = data["campaigns"][0]
    assert c["response_basis"] == "publish times"
    assert c["hours"][7] == 7 and c["weekdays"][6] == 7 and sum(c["hours"]) == 7


# --- conversions ----------------------------------------------------------------------------

MATOMO = """Campaign Name,Campaign Source,Campaign Medium,Campaign Content,Visits,Conversions
c,x,social,launch,120,12
c,facebook,social,launch,300,30
c,facebook,social,unknown-post,10,1
c,newsletter,email,launch,50,99
c,instagram,social,launch,5,2
other,x,social,launch,100,50
"""

GA4 = """# ----------------------------------------
# Traffic acquisition: Session campaign
# 20261201-20261231
# ----------------------------------------
Session campaign,Session source,Session manual ad content,Sessions,Key events
c,x,launch,"1,200","1,012"
c,youtube,video,40,3.5
(not set),google,,999,999
"""


def test_conversions_join_matomo_and_ga_exports(tmp_path):
    matomo = tmp_path / "matomo.csv"
    matomo.write_text(MATOMO)
    ga = tmp_path / "ga.csv"
    ga.write_text(GA4, encoding="utf-8-sig")
    rows = R.load_conversions(matomo)
    data, keys = hand_report(tmp_path / "m" if (tmp_path / "m").mkdir() is None else tmp_path,
                             conversions=rows)
    c = data["campaigns"][0]
    ch = {x["channel"]: x for x in c["channels"]}
    posts = {p["key"]: p for p in c["posts"]}
    assert ch["x"]["conversions"] == 12 and ch["facebook"]["conversions"] == 31
    assert posts[keys["x"]]["conversions"] == 12 and posts[keys["fb"]]["conversions"] == 30
    assert c["conversions"] == 45 and c["conversions_unmatched"] == 2  # email row excluded
    ga_rows = R.load_conversions(ga)
    data, keys = hand_report(tmp_path / "g" if (tmp_path / "g").mkdir() is None else tmp_path,
                             conversions=ga_rows)
    c = data["campaigns"][0]
    ch = {x["channel"]: x for x in c["channels"]}
    assert ch["x"]["conversions"] == 1012 and ch["youtube"]["conversions"] == 3.5
    assert {p["key"]: p["conversions"] for p in c["posts"]}[keys["yt"]] == 3.5


def test_conversion_columns_can_be_mapped_and_unknown_ones_are_explained(tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text("Kampanye;Sumber;Konten;Pendaftar\nc;x;launch;7\n")
    with pytest.raises(UsageError) as info:
        R.load_conversions(path)
    assert "--map" in info.value.hint and "Kampanye" in info.value.hint
    mapping = R.parse_mapping(["Kampanye=utm_campaign", "utm_source=Sumber",
                               "Konten=utm_content", "Pendaftar=conversions"])
    rows = R.load_conversions(path, mapping)
    assert rows == [{"utm_campaign": "c", "utm_source": "x", "utm_content": "launch",
                     "utm_medium": "", "conversions": 7.0}]
    with pytest.raises(UsageError):
        R.parse_mapping(["nothing"])
    with pytest.raises(UsageError, match="no column"):
        R.load_conversions(path, {"utm_campaign": "Missing"})


# --- one set of numbers, four outputs -------------------------------------------------------

def _html_numbers(page: str) -> dict[tuple[str, str, str, str], str]:
    found = {}
    for m in re.finditer(r'data-metric="([^"]+)" data-level="([^"]+)" data-campaign="[^"]*" '
                         r'data-channel="([^"]*)" data-post="([^"]*)" data-value="([^"]*)"',
                         page):
        metric, level, channel, post, value = m.groups()
        found[(level, channel, post, metric)] = value
    return found


def test_csv_json_and_html_carry_the_same_numbers(tmp_path):
    rows = R.load_conversions(_write(tmp_path / "m.csv", MATOMO))
    data, keys = hand_report(tmp_path, conversions=rows)
    as_json = json.loads(json.dumps(data, default=str))
    table = list(csv.DictReader(io.StringIO(R.report_csv(data))))
    page = report_html(data)
    hooks = _html_numbers(page)
    c = as_json["campaigns"][0]
    for metric in ("reach", "likes", "comments", "shares", "engagement", "conversions"):
        camp_csv = next(r for r in table if r["level"] == "campaign")
        assert camp_csv[metric] == _cell(c[metric])
        if metric in ("reach", "engagement", "conversions"):
            assert hooks[("campaign", "", "", metric)] == _cell(c[metric])
        for ch in c["channels"]:
            row = next(r for r in table if r["level"] == "channel" and
                       r["channel"] == ch["channel"])
            assert row[metric] == _cell(ch[metric]) == hooks[("channel", ch["channel"], "",
                                                               metric)]
        for p in c["posts"]:
            row = next(r for r in table if r["key"] == p["key"])
            assert row[metric] == _cell(p[metric]) == hooks[("post", p["channel"], p["key"],
                                                             metric)]
    # Unknown stays unknown everywhere: empty in CSV and HTML, null in JSON, "n/a" on screen.
    tt = next(p for p in c["posts"] if p["key"] == keys["tt"])
    assert tt["reach"] is None and hooks[("post", "tiktok", keys["tt"], "reach")] == ""
    assert "n/a" in R.report_table(data)
    assert page.count('data-chart="post"') == 4 and 'data-chart="over-time"' in page
    assert "<script src" not in page and "http://" not in page.replace(
        "http://www.w3.org", "") and "@import" not in page


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


# --- the command ----------------------------------------------------------------------------

def test_report_command_writes_table_csv_json_and_html(ws, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from campaignctl.cli import app

    workspace, _, sb, clock = ws
    clock.now += 600
    monkeypatch.setenv("CAMPAIGNCTL_NOW", NOW.isoformat())
    conv = _write(tmp_path / "ga.csv", GA4.replace("c,x", f"{CAMPAIGN},x"))
    runner = CliRunner()
    base = ["--workspace", str(workspace.root), "report", "--sandbox-url", sb.url]
    result = runner.invoke(app, [*base, "--html", str(tmp_path / "r.html"), "--csv",
                                 str(tmp_path / "r.csv"), "--conversions", str(conv)])
    assert result.exit_code == 0, result.output
    assert "Hari Layanan Kesehatan Gratis" in result.output and "Wrote" in result.output
    as_json = runner.invoke(app, [*base, "--json", "--conversions", str(conv)])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert data["collected"] is None  # the first run's snapshot is fresh
    c = data["campaigns"][0]
    assert c["conversions"] == 1012
    table = list(csv.DictReader((tmp_path / "r.csv").open()))
    assert next(r for r in table if r["level"] == "campaign")["engagement"] == str(
        c["engagement"])
    assert f'data-value="{c["engagement"]}"' in (tmp_path / "r.html").read_text()
    bad = runner.invoke(app, [*base, "--conversions", str(tmp_path / "none.csv")])
    assert bad.exit_code == 2 and "cannot read" in bad.output
    to_stdout = runner.invoke(app, [*base, "--csv", "-"])
    assert to_stdout.stdout.startswith("level,campaign,")


def test_youtube_quota_used_up_is_a_gap_until_the_reset(ws):
    workspace, _, sb, clock = ws
    sb.configure("youtube", quota={"model": "units", "units_per_day": 0})
    try:
        ledger = open_ledger(workspace)
        try:
            done = R.collect(ledger, opener(workspace, sb), now=NOW)
        finally:
            ledger.close()
    finally:
        sb.configure("youtube", quota={"model": "buckets", "units_per_day": 10000})
    yt = [g for g in done.gaps if g["channel"] == "youtube"]
    assert len(yt) == 1 and "rate limited by youtube until" in yt[0]["reason"]
    assert done.measured == 7


# --- the preview page ---------------------------------------------------------------------------

def test_preview_cards_embed_small_media_and_explain_the_rest(tmp_path):
    from campaignctl.errors import Problem
    from campaignctl.models import Media, PlanEntry, RenderedPost
    from campaignctl.report.html import preview_html

    small = tmp_path / "media" / "poster.png"
    small.parent.mkdir()
    small.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    big = tmp_path / "media" / "huge.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024 + 1))
    at = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))

    def entry(platform: str, parts: list[str], media: list[Media], **options) -> PlanEntry:
        post = RenderedPost("c", "p", platform, platform, at, parts, media, options)
        return PlanEntry("c", "p", platform, platform, at, rendered=post)

    entries = [
        entry("x", ["first <b>part</b>", "second"],
              [Media(Path("media/poster.png"), "A poster", kind="image", mime="image/png")]),
        entry("facebook", ["hello"],
              [Media(Path("media/huge.png"), None, kind="image", mime="image/png")]),
        entry("youtube", ["description"], [], title="The title"),
    ]
    page = preview_html(entries, [], [Problem("too long for X", "c.yaml", 3)], tmp_path)
    assert 'data-card="x"' in page and 'data-parts="2"' in page
    assert "first &lt;b&gt;part&lt;/b&gt;" in page  # text is escaped, never markup
    assert 'src="data:image/png;base64,' in page and "ALT: A poster" in page
    assert "over the 2 MB preview cap" in page and "no alt text" in page
    assert "The title" in page and 'data-media="thumbnail"' in page
    assert "c.yaml:3: error: too long for X" in page
    assert page.count("data:image/png;base64,") == 1  # the big one is not embedded


def test_report_in_indonesian_writes_indonesian_numbers_and_dates(ws, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from campaignctl.cli import app

    workspace, _, sb, clock = ws
    clock.now += 600
    monkeypatch.setenv("CAMPAIGNCTL_NOW", NOW.isoformat())
    page = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["--workspace", str(workspace.root), "--lang", "id",
                                      "report", "--sandbox-url", sb.url, "--html", str(page)])
    assert result.exit_code == 0, result.output
    rates = re.findall(r"\d+[.,]\d\d%", result.stdout)
    assert rates and all("," in r for r in rates), result.stdout  # 8,29%, not 8.29%
    html = page.read_text()
    assert re.search(r">\d\d Des \d\d\.\d\d<", html)  # 03 Des 09.00, not 03 Dec 09:00
    assert "Desember 2026" in html and " Dec " not in html
    shown = re.findall(r'data-metric="reach"[^>]*data-value="(\d{4,})">([^<]+)<', html)
    assert shown, "no reach of a thousand or more to check the grouping with"
    assert all(text == f"{int(raw):,}".replace(",", ".") for raw, text in shown)
