"""The sandbox commands as a user types them against a running sandbox: `sandbox configure`
(latency, rate limit, faults aimed at a path), `sandbox posts` and `channels check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.workspace import create_workspace

runner = CliRunner()


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    create_workspace(tmp_path / "ws")
    return tmp_path / "ws"


def run(ws: Path, *args: str):
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def test_configure_sets_latency_rate_limit_and_aimed_faults(ws, sandbox):
    result = run(ws, "sandbox", "configure", "youtube", "--url", sandbox.url,
                 "--latency-ms", "5", "--rate-limit", "7/60",
                 "--fault", "timeout_after_apply@/upload", "--fault", "5xx:3")
    assert result.exit_code == 0, result.output
    config = sandbox.emulators["youtube"].config
    assert config.latency_ms == 5
    assert config.rate_limit == {"requests": 7, "window_seconds": 60}
    assert [(f.kind, f.count, f.path) for f in config.faults] == [
        ("timeout_after_apply", 1, "/upload"), ("5xx", 3, None)]


@pytest.mark.parametrize("fault", ["teapot", "5xx:two", "429@/a@/b"])
def test_a_bad_fault_is_one_usage_line(ws, sandbox, fault):
    result = run(ws, "sandbox", "configure", "x", "--url", sandbox.url, "--fault", fault)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fault in lines[0] and "KIND[:COUNT][@PATH]" in lines[0], lines
    assert sandbox.emulators["x"].config.faults == []


def test_an_aimed_fault_leaves_other_paths_alone(ws, sandbox):
    """timeout_after_apply aimed at X's tweet creation: the media upload before it goes
    through, the tweet is stored but its answer is lost, so publish leaves it unknown and
    reconciles it by finding the post — one tweet, not two."""
    assert run(ws, "sandbox", "configure", "x", "--url", sandbox.url,
               "--fault", "timeout_after_apply@/2/tweets").exit_code == 0
    result = run(ws, "publish", "--sandbox-url", sandbox.url, "--now",
                 "layanan-kesehatan-gratis/pengumuman", "--json")
    outcomes = {r["channel"]: r["outcome"] for r in json.loads(result.stdout)["results"]}
    assert outcomes == {"x": "published", "facebook": "published"}, result.output
    x = sandbox.emulators["x"]
    assert [f.count for f in x.config.faults] == [0], "the fault was never hit"
    creates = [r for r in x.requests if r["method"] == "POST" and r["path"] == "/2/tweets"]
    assert len(creates) == 1, creates  # found on the platform, not sent again
    x_posts = x.posts()
    assert len([p for p in x_posts if "Layanan Kesehatan Gratis" in p["text"]]) == 1, x_posts


def test_posts_and_channels_check_read_the_running_sandbox(ws, sandbox):
    published = run(ws, "publish", "--sandbox-url", sandbox.url, "--now",
                    "layanan-kesehatan-gratis/video-penjelasan")
    assert published.exit_code == 0, published.output
    listing = json.loads(run(ws, "sandbox", "posts", "--url", sandbox.url, "--json").stdout)
    assert {platform: len(posts) for platform, posts in listing.items()} == {
        "x": 0, "facebook": 0, "youtube": 1, "tiktok": 1}
    assert all(post["media"] for post in listing["youtube"] + listing["tiktok"]), listing

    check = run(ws, "channels", "check", "--sandbox-url", sandbox.url)
    assert check.exit_code == 0, check.output
    lines = check.stdout.strip().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == [
        "✓ facebook", "✓ tiktok", "✓ x", "✓ youtube"], lines
