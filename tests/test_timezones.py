"""Time zones as people write them: WIB/WITA/WIT, and offsets refused with the right zones."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from campaignctl.config import load_campaigns, load_workspace
from campaignctl.config.values import zones_at_offset
from campaignctl.i18n import set_language

CHANNELS = "defaults:\n  timezone: {zone}\nchannels:\n  x: {{platform: x, sandbox: true}}\n"
CAMPAIGN = """\
campaign: pbb-2026
timezone: {zone}
channels: [x]
posts:
  - id: launch
    at: 2026-12-01 09:00
    text: Bayar PBB sebelum 31 Desember
"""


def _workspace(tmp_path, zone="Asia/Jakarta"):
    (tmp_path / "campaigns").mkdir(parents=True, exist_ok=True)
    (tmp_path / "channels.yaml").write_text(CHANNELS.format(zone=zone))
    return tmp_path


def _load(tmp_path, zone):
    root = _workspace(tmp_path)
    (root / "campaigns" / "pbb.yaml").write_text(textwrap.dedent(CAMPAIGN.format(zone=zone)))
    return load_campaigns(load_workspace(root))


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language(None)


@pytest.mark.parametrize("written, zone", [
    ("WIB", "Asia/Jakarta"), ("wita", "Asia/Makassar"), ("Wit", "Asia/Jayapura"),
    ("Asia/Makassar", "Asia/Makassar"),
])
def test_indonesian_zone_names_mean_their_iana_zone(tmp_path, written, zone):
    [campaign], problems = _load(tmp_path, written)
    assert problems == []
    assert campaign.timezone == zone
    assert campaign.posts[0].at.replace(tzinfo=ZoneInfo(campaign.timezone)) == datetime(
        2026, 12, 1, 9, 0, tzinfo=ZoneInfo(zone))


def test_workspace_default_takes_the_names_too(tmp_path):
    assert load_workspace(_workspace(tmp_path, "WITA")).timezone == "Asia/Makassar"


@pytest.mark.parametrize("written, offset, first", [
    ("GMT+8", timedelta(hours=8), "Asia/Makassar"),
    ("UTC+08:00", timedelta(hours=8), "Asia/Makassar"),
    ("utc+7", timedelta(hours=7), "Asia/Jakarta"),
    ("GMT-5", timedelta(hours=-5), None),
])
def test_an_offset_is_refused_with_zones_of_that_offset_only(tmp_path, written, offset, first):
    campaigns, [problem] = _load(tmp_path, written)
    assert campaigns == []
    assert "is a UTC offset, not a time zone" in problem.message
    assert problem.line == 2
    offered = [z.strip(" ?") for z in problem.hint.split("e.g.")[1].split(",")]
    assert offered and all(
        datetime(2026, m, 15, 12, tzinfo=ZoneInfo(z)).utcoffset() == offset
        for z in offered for m in (1, 7)), offered
    if first:
        assert offered[0] == first
    assert "GMT+0" not in problem.hint


def test_posix_etc_zone_is_explained(tmp_path):
    campaigns, [problem] = _load(tmp_path, "Etc/GMT-8")
    assert "means UTC+08:00" in problem.message and "backwards" in problem.message
    assert "Asia/Makassar" in problem.hint


def test_zones_at_offset_never_moves_with_daylight_saving():
    assert "Europe/London" not in zones_at_offset(timedelta(0))  # UTC+1 in summer
    assert "UTC" in zones_at_offset(timedelta(0))


def test_unknown_name_still_gets_a_close_name(tmp_path):
    campaigns, [problem] = _load(tmp_path, "Asia/Jakrta")
    assert "unknown time zone 'Asia/Jakrta'" in problem.message
    assert problem.hint == "did you mean Asia/Jakarta?"


def test_indonesian_messages(tmp_path):
    set_language("id")
    campaigns, [problem] = _load(tmp_path, "GMT+8")
    assert "UTC" in problem.message and "offset" not in problem.message
