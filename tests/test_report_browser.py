"""The HTML report and the preview page in a real headless Chromium: no console errors, every
chart and card drawn, and every number on the page equal to what the ledger holds."""

from __future__ import annotations

import shutil
import struct
import subprocess
import time
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from campaignctl import report as R
from campaignctl.usecases.report import report_job
from campaignctl.channels import channel_for
from campaignctl.config import load_campaigns, load_workspace
from campaignctl.usecases.common import open_ledger
from campaignctl.usecases.publishing import publish_job
from campaignctl.planner import build_plan
from campaignctl.report.html import preview_html, report_html
from campaignctl.sandbox import Sandbox
from campaignctl.workspace import create_workspace

CHROMIUM = next((p for p in (shutil.which(n) for n in (
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary: apt-get install chromium to run the "
    "browser test")

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


class Elements(HTMLParser):
    """Every element's tag and attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.items.append((tag, {k: v or "" for k, v in attrs}))

    def with_attr(self, name: str) -> list[tuple[str, dict[str, str]]]:
        return [(tag, a) for tag, a in self.items if name in a]


def chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{time.monotonic_ns()}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args,
                           page.as_uri()], capture_output=True, text=True, timeout=90)


def render(page: Path, tmp: Path) -> tuple[Elements, str]:
    """Open the page: its DOM after scripts ran, the browser's log, and a PNG beside it."""
    dom = chromium(page, tmp, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    png = page.with_suffix(".png")
    shot = chromium(page, tmp, f"--screenshot={png}", "--window-size=1280,2000")
    assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1280, 2000)
    parsed = Elements()
    parsed.feed(dom.stdout)
    return parsed, dom.stderr + shot.stderr


def console_errors(log: str) -> list[str]:
    return [ln for ln in log.splitlines() if "Uncaught" in ln or "CONSOLE" in ln]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The example workspace rehearsed into a sandbox, measured twice an hour apart."""
    root = tmp_path_factory.mktemp("browser-ws")
    create_workspace(root)
    now = [time.time()]
    with Sandbox(port=0, clock=lambda: now[0]) as sb:
        ws = load_workspace(root)
        campaigns, _ = load_campaigns(ws, None)
        assert publish_job(ws, campaigns, now=NOW, sandbox=True, sandbox_url=sb.url,
                           rehearse=True).ok
        ledger = open_ledger(ws)
        try:
            for step in (1, 2):
                now[0] += 3600
                R.collect(ledger, lambda n: channel_for(ws, n, sandbox_url=sb.url,
                                                        force_sandbox=True),
                          now=NOW + timedelta(hours=step))
        finally:
            ledger.close()
    return ws, campaigns


def test_report_page_in_chromium_matches_the_ledger(published, tmp_path):
    ws, campaigns = published
    data = report_job(ws, campaigns, now=NOW + timedelta(hours=2))
    assert data["collected"] is None  # read back from the ledger, nothing re-measured
    page = tmp_path / "report.html"
    page.write_text(report_html(data), encoding="utf-8")
    dom, log = render(page, tmp_path)
    assert console_errors(log) == []
    body = next(a for tag, a in dom.items if tag == "body")
    assert body["data-selfcheck"] == "ok", body["data-selfcheck"]
    charts = [a["data-chart"] for tag, a in dom.with_attr("data-chart") if tag == "svg"]
    posts = data["campaigns"][0]["posts"]
    assert sorted(set(charts)) == ["channels", "hours", "over-time", "post", "weekdays"]
    assert charts.count("post") == len(posts) == 8
    assert len(charts) == int(body["data-expected-charts"])
    assert any(a.get("data-day") == "2026-12-01" for _, a in dom.items)  # the calendar

    # The ledger's own latest numbers per post, mapped independently of the page.
    ledger = open_ledger(ws)
    try:
        latest: dict[str, dict] = {}
        gaps: dict[str, str] = {}
        for snap in ledger.snapshots():
            if snap["metrics"] is not None:
                latest[snap["key"]] = R.normalize(snap["platform"], snap["metrics"])
            gaps[snap["key"]] = snap["gap"]
    finally:
        ledger.close()
    hooks = {(a["data-level"], a["data-post"], a["data-metric"]): a["data-value"]
             for _, a in dom.with_attr("data-metric")}
    for key, numbers in latest.items():
        for metric in ("reach", "likes", "comments", "shares", "engagement"):
            want = numbers[metric]
            assert hooks[("post", key, metric)] == ("" if want is None else str(want)), \
                (key, metric)
    totals = [n["engagement"] for n in latest.values()]
    assert hooks[("campaign", "", "engagement")] == str(sum(totals))
    # The private TikTok video has no numbers: an empty value shown as n/a, and its reason.
    private = [k for k, g in gaps.items() if g]
    assert private and all(hooks[("post", k, "engagement")] == "" for k in private)
    assert all(any(a.get("data-gap") == k for _, a in dom.items) for k in private)


def test_preview_page_in_chromium_shows_every_card(published, tmp_path):
    ws, campaigns = published
    plan = build_plan(ws, campaigns)
    entries, seen = [], set()
    for e in plan.entries:
        if e.rendered is not None and (e.post, e.channel) not in seen:
            seen.add((e.post, e.channel))
            entries.append(e)
    page = tmp_path / "preview.html"
    page.write_text(preview_html(entries, campaigns, plan.problems, ws.root), encoding="utf-8")
    dom, log = render(page, tmp_path)
    assert console_errors(log) == []
    body = next(a for tag, a in dom.items if tag == "body")
    assert body["data-selfcheck"] == "ok", body["data-selfcheck"]
    cards = {a["data-post"]: a for tag, a in dom.with_attr("data-card") if tag == "article"}
    assert set(cards) == {e.key for e in entries}
    for e in entries:
        card = cards[e.key]
        assert card["data-card"] == e.platform
        assert card["data-parts"] == str(len(e.rendered.parts))
    assert {a["data-card"] for a in cards.values()} == {"x", "facebook", "youtube", "tiktok"}
    images = [a for tag, a in dom.items if tag == "img" and a.get("data-media") == "image"]
    assert images and all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert all(a["alt"] for a in images)  # alt text on the picture and shown beside it
    assert len(dom.with_attr("data-alt")) >= len(images)
    assert any(a.get("data-media") == "frame" for _, a in dom.items)  # TikTok's video frame
    assert any(a.get("data-media") == "thumbnail" for _, a in dom.items)  # YouTube's
