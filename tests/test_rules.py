"""rules.py: every rendered post checked offline against its channel's rules, with file:line."""

from __future__ import annotations

import shutil
import struct
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaignctl import rules
from campaignctl.errors import Problem
from campaignctl.models import Mark, Media, RenderedPost

DATA = Path(__file__).parent / "data" / "media"
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
MARK = Mark("campaigns/booster.yaml", 12)
URL = "https://example.go.id/booster"
CHANNELS = {"x": "x-ministry", "facebook": "fb-ministry", "youtube": "yt-ministry",
            "tiktok": "tt-ministry"}


@pytest.fixture(autouse=True)
def ws(tmp_path, monkeypatch):
    """A workspace with real media files; rules resolve relative paths against the cwd."""
    (tmp_path / "media").mkdir()
    for name in ("poster.png", "photo.jpg", "anim.gif", "clip.mp4"):
        shutil.copy(DATA / name, tmp_path / "media" / name)
    shutil.copy(DATA / "poster.png", tmp_path / "media" / "poster.mp4")
    (tmp_path / "media" / "notes.png").write_text("not a picture\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def m(name: str, alt: str | None = "Poster vaksinasi", mark: Mark | None = None) -> Media:
    return Media(Path("media") / name, alt=alt, mark=mark)


IMG, JPG, GIF, VID = "poster.png", "photo.jpg", "anim.gif", "clip.mp4"


def rp(platform: str, text: str | list[str] = "Halo", media: list[Media] | None = None,
       at: datetime = WHEN, post: str = "launch", channel: str | None = None,
       **options) -> RenderedPost:
    parts = text if isinstance(text, list) else [text]
    if platform == "youtube":
        options.setdefault("title", "Vaksinasi Booster")
        options.setdefault("description", parts[0])
    return RenderedPost("booster-2026", post, channel or CHANNELS[platform], platform, at,
                        parts, media or [], options)


def errors(post: RenderedPost, root: Path | None = None) -> list[Problem]:
    return [p for p in rules.check(post, MARK, root=root) if p.is_error]


def codes(post: RenderedPost) -> list[str]:
    return [p.code for p in errors(post)]


# --- X counting ----------------------------------------------------------------------------

FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # ZWJ sequence
ASTRONAUT = "\U0001F469\U0001F3FD\u200d\U0001F680"  # skin tone + ZWJ


@pytest.mark.parametrize("text, length", [
    ("a" * 280, 280),
    ("a" * 281, 281),
    (URL, 23),
    ("a" * 256 + " " + URL, 280),
    ("a" * 257 + " " + URL, 281),
    ("https://example.go.id/" + "x" * 200, 23),
    (("Info " + URL + " ") * 9 + "a" * 10, 9 * (5 + 23 + 1) + 10),
    ("\U0001F600" * 140, 280),
    ("a" + "\U0001F600" * 140, 281),
    (FAMILY * 140, 280),
    ("a" + FAMILY * 140, 281),
    (ASTRONAUT * 140, 280),
    ("漢" * 140, 280),
    ("a" + "漢" * 140, 281),
    ("ã" * 280, 280),
    ("e\u0301" * 280, 280),  # NFC first: one character each
])
def test_x_weighted_length(text, length):
    assert rules.x_weighted_length(text) == length


@pytest.mark.parametrize("text, ok", [
    ("a" * 280, True),
    ("a" * 281, False),
    ("a" * 256 + " " + URL, True),
    ("a" * 257 + " " + URL, False),
    ("\U0001F600" * 140, True),
    ("a" + FAMILY * 140, False),
    ("漢" * 140, True),
    ("a" + "漢" * 140, False),
])
def test_x_limit_at_the_edge(text, ok):
    found = errors(rp("x", text))
    assert (found == []) is ok
    if not ok:
        (problem,) = found
        assert problem.message == (f"X post is {rules.x_weighted_length(text)} characters by "
                                   "X's counting; the limit is 280")
        assert (problem.file, problem.line) == (MARK.file, MARK.line)
        assert "---" in problem.hint


def test_x_thread_part_named_by_number():
    (problem,) = errors(rp("x", ["Satu", "a" * 291, "Tiga"]))
    assert problem.one_line() == (
        "campaigns/booster.yaml:12: error: X thread part 2 is 291 characters by X's counting; "
        "the limit is 280 — shorten it or split the thread with a line containing only ---")


@pytest.mark.parametrize("parts, media, expected", [
    (["Satu", "", "Tiga"], [], ["text-empty"]),
    ([""], [], ["text-empty"]),
    ([], [], ["text-empty"]),
    ([""], [m(IMG)], []),  # a picture-only post is fine on X
])
def test_x_empty_text(parts, media, expected):
    assert codes(rp("x", parts, media)) == expected


# --- media counts per platform (table) ------------------------------------------------------

MEDIA_CASES = [
    ("x", [IMG] * 4, []),
    ("x", [IMG] * 5, ["media-count"]),
    ("x", [IMG, JPG, GIF], ["media-mix"]),  # a GIF takes the video slot on X
    ("x", [GIF], []),
    ("x", [VID], []),
    ("x", [VID, VID], ["media-count"]),
    ("x", [GIF, VID], ["media-count"]),
    ("x", [IMG, VID], ["media-mix"]),
    ("facebook", [IMG] * 10, []),
    ("facebook", [IMG] * 11, ["media-count"]),
    ("facebook", [GIF, IMG], []),  # a GIF is a photo on Facebook
    ("facebook", [VID], []),
    ("facebook", [VID, VID], ["media-count"]),
    ("facebook", [IMG, VID], ["media-mix"]),
    ("youtube", [VID], []),
    ("youtube", [], ["media-required"]),
    ("youtube", [IMG], ["media-count", "media-required"]),
    ("youtube", [VID, VID], ["media-count"]),
    ("youtube", [VID, IMG], ["media-count", "media-mix"]),
    ("tiktok", [VID], []),
    ("tiktok", [JPG] * 35, []),
    ("tiktok", [JPG], []),
    ("tiktok", [JPG] * 36, ["media-count"]),
    ("tiktok", [VID, JPG], ["media-mix"]),
    ("tiktok", [VID, VID], ["media-count"]),
    ("tiktok", [], ["media-required"]),
]


@pytest.mark.parametrize("platform, names, expected", MEDIA_CASES)
def test_media_counts(platform, names, expected):
    assert codes(rp(platform, "Halo", [m(n) for n in names])) == expected


def test_media_count_message_has_numbers():
    (problem,) = errors(rp("x", "Halo", [m(IMG)] * 5))
    assert problem.message == "X allows at most 4 pictures per post; this one has 5"
    (problem,) = errors(rp("facebook", "Halo", [m(IMG), m(VID)]))
    assert problem.message == ("Facebook cannot mix pictures and a video in one post "
                               "(1 picture(s), 1 video)")


# --- text limits per platform (table) ---------------------------------------------------------

TEXT_CASES = [
    ("facebook", "a" * 63206, [], []),
    ("facebook", "a" * 63207, [], ["text-too-long"]),
    ("facebook", "", [], ["text-empty"]),
    ("facebook", "", [IMG], []),
    ("facebook", "Halo", [], []),
    ("youtube", "é" * 2500, [VID], []),  # 5000 bytes
    ("youtube", "é" * 2500 + "a", [VID], ["text-too-long"]),  # 5001 bytes, 2501 characters
    ("youtube", "a" * 5000, [VID], []),
    ("tiktok", "a" * 2200, [VID], []),
    ("tiktok", "a" * 2201, [VID], ["text-too-long"]),
    ("tiktok", "\U0001F600" * 1100, [VID], []),  # 2200 UTF-16 units
    ("tiktok", "\U0001F600" * 1100 + "a", [VID], ["text-too-long"]),
    ("tiktok", "", [VID], []),
]


@pytest.mark.parametrize("platform, text, names, expected", TEXT_CASES)
def test_text_limits(platform, text, names, expected):
    assert codes(rp(platform, text, [m(n) for n in names])) == expected


def test_text_limit_messages_name_the_unit():
    (problem,) = errors(rp("youtube", "é" * 2501, [m(VID)]))
    assert problem.message == "YouTube description is 5002 bytes (UTF-8); the limit is 5000"
    (problem,) = errors(rp("tiktok", "a" * 2201, [m(VID)]))
    assert problem.message == ("TikTok caption is 2201 characters (UTF-16 units); "
                               "the limit is 2200")
    (problem,) = errors(rp("facebook", "a" * 63207))
    assert problem.message == "Facebook message is 63207 characters; the limit is 63206"


# --- YouTube fields ---------------------------------------------------------------------------

TAGS_500 = ["a" * 99] * 5  # 5 * 99 + 4 commas = 499
YOUTUBE_CASES = [
    ({"title": "t" * 100}, []),
    ({"title": "t" * 101}, ["youtube-title"]),
    ({"title": ""}, ["youtube-title"]),
    ({"title": "Vaksin <gratis>"}, ["youtube-angle"]),
    ({"description": "a > b"}, ["youtube-angle"]),
    ({"tags": TAGS_500}, []),
    ({"tags": ["a" * 98, "b c" + "d" * 95] + ["a" * 99] * 3}, []),
    ({"tags": ["vaksin", "booster gratis"]}, []),
    ({"privacy": "public"}, []),
    ({"privacy": "unlisted"}, []),
    ({"privacy": "secret"}, ["youtube-privacy"]),
    ({"privacy": "private", "publish_at": "2026-12-02T09:00:00+07:00"}, []),
    ({"privacy": "public", "publish_at": "2026-12-02T09:00:00+07:00"}, ["youtube-publish-at"]),
    ({"publish_at": "2026-12-02T09:00:00+07:00"}, ["youtube-publish-at"]),
]


def test_youtube_tags_length_counts_commas_and_quotes():
    assert rules.youtube_tags_length(["vaksin", "booster gratis"]) == 6 + 1 + 14 + 2
    assert rules.youtube_tags_length([]) == 0
    assert rules.youtube_tags_length(TAGS_500) == 499


@pytest.mark.parametrize("tags, ok", [
    (["a" * 100] * 4 + ["a" * 96], True),  # 496 + 4 commas = 500
    (["a" * 100] * 4 + ["a" * 97], False),  # 501
    (["a" * 100] * 4 + ["b " + "c" * 92], True),  # 94 + 2 quotes + 400 + 4 = 500
    (["a" * 100] * 4 + ["b " + "c" * 93], False),  # 501
    ("vaksin, booster gratis", True),
])
def test_youtube_tags_limit(tags, ok):
    found = codes(rp("youtube", "Halo", [m(VID)], tags=tags))
    assert (found == []) is ok, found


@pytest.mark.parametrize("options, expected", YOUTUBE_CASES)
def test_youtube_fields(options, expected):
    assert codes(rp("youtube", "Halo", [m(VID)], **options)) == expected


def test_youtube_description_from_options_is_checked_in_bytes():
    post = rp("youtube", "", [m(VID)], description="é" * 2501)
    assert codes(post) == ["text-too-long"]


# --- TikTok fields -----------------------------------------------------------------------------


@pytest.mark.parametrize("level, ok", [
    ("PUBLIC_TO_EVERYONE", True), ("MUTUAL_FOLLOW_FRIENDS", True),
    ("FOLLOWER_OF_CREATOR", True), ("SELF_ONLY", True), ("public", False), ("", False),
])
def test_tiktok_privacy_level(level, ok):
    assert (codes(rp("tiktok", "Halo", [m(VID)], privacy_level=level)) == []) is ok


# --- alt text and files -------------------------------------------------------------------------

ALT_CASES = [
    ("x", IMG, "Poster", []),
    ("x", IMG, None, ["alt-missing"]),
    ("x", IMG, "   ", ["alt-missing"]),
    ("x", VID, "", ["alt-missing"]),
    ("x", GIF, None, ["alt-missing"]),
    ("x", IMG, "a" * 1000, []),
    ("x", IMG, "a" * 1001, ["alt-too-long"]),
    ("facebook", IMG, None, ["alt-missing"]),
    ("facebook", IMG, "a" * 5000, []),  # no declared alt limit on Facebook
    ("youtube", VID, None, ["alt-missing"]),
    ("tiktok", JPG, "", ["alt-missing"]),
]


@pytest.mark.parametrize("platform, name, alt, expected", ALT_CASES)
def test_alt_text(platform, name, alt, expected):
    assert codes(rp(platform, "Halo", [m(name, alt)])) == expected


def test_media_problems_point_at_the_media_item():
    item_mark = Mark("campaigns/booster.yaml", 21)
    (problem,) = errors(rp("x", "Halo", [m(IMG, None, item_mark)]))
    assert (problem.file, problem.line) == ("campaigns/booster.yaml", 21)
    assert problem.message == "media/poster.png has no alt text"
    assert "alt:" in problem.hint


def test_missing_file():
    (problem,) = errors(rp("x", "Halo", [m("gone.png")]))
    assert problem.code == "media-missing"
    assert problem.message == "media file media/gone.png does not exist"


def test_file_that_is_not_media():
    (problem,) = errors(rp("facebook", "Halo", [m("notes.png")]))
    assert problem.message == "media/notes.png is not a picture or video (its content is text)"
    assert problem.code == "media-type"


def test_extension_mismatch_is_only_a_warning():
    found = rules.check(rp("x", "Halo", [m("poster.mp4")]), MARK)
    assert [(p.severity, p.code) for p in found] == [("warning", "media-extension")]
    assert found[0].message == ("media/poster.mp4 is named like video/mp4 but its content is "
                                "image/png")
    # ...and it counts as the picture it is: with a video it is a mix, not two videos
    assert codes(rp("x", "Halo", [m("poster.mp4"), m(VID)])) == ["media-mix"]


def test_relative_paths_resolve_against_root(tmp_path, monkeypatch):
    root = Path.cwd()
    monkeypatch.chdir(tmp_path.parent)
    assert errors(rp("x", "Halo", [m(IMG)]), root=root) == []
    assert [p.code for p in errors(rp("x", "Halo", [m(IMG)]))] == ["media-missing"]


def test_absolute_paths_are_shown_relative_to_root(ws):
    item = Media(ws / "media" / "gone.png", alt="x")
    (problem,) = errors(rp("x", "Halo", [item]), root=ws)
    assert problem.message == "media file media/gone.png does not exist"


def test_pretyped_media_is_trusted(tmp_path, monkeypatch):
    # The renderer fills kind/mime against the workspace folder; rules trust them, so a
    # check run from another folder (planner passes no root) gives the same answers.
    monkeypatch.chdir(tmp_path.parent)
    video = Media(Path("media/clip.mp4"), alt="v", kind="video", mime="video/mp4")
    assert errors(rp("youtube", "Halo", [video])) == []
    notes = Media(Path("media/notes.png"), alt="n", kind=None, mime="text/plain")
    (problem,) = errors(rp("facebook", "Halo", [notes]))
    assert problem.message == "media/notes.png is not a picture or video (its content is text)"


def test_rendered_media_checked_from_another_folder(ws, tmp_path, monkeypatch):
    from campaignctl.models import Account, Campaign, Occurrence, Post, Workspace
    from campaignctl.render import Renderer

    post = Post(id="launch", text="Halo", media=[m(IMG), m("notes.png"), m("gone.png")])
    campaign = Campaign(id="c", name="C", timezone="Asia/Jakarta", channels=["fb"],
                        posts=[post])
    out = Renderer(Workspace(root=ws)).render(campaign, post, Occurrence("c", "launch", WHEN),
                                              Account("fb", "facebook"))
    monkeypatch.chdir(tmp_path.parent)
    assert codes(out) == ["media-type", "media-missing"]


def test_unknown_platform_is_one_problem():
    post = RenderedPost("c", "p", "mastodon-1", "mastodon", WHEN, ["Halo"])
    (problem,) = rules.check(post, MARK)
    assert "mastodon" in problem.message and problem.code == "unknown-platform"


def test_a_good_post_on_every_platform_passes():
    assert errors(rp("x", ["Satu " + URL, "Dua"], [m(IMG), m(JPG)])) == []
    assert errors(rp("facebook", "Halo", [m(IMG)])) == []
    assert errors(rp("youtube", "Halo", [m(VID, "Video")], privacy="public",
                     tags=["vaksin"])) == []
    assert errors(rp("tiktok", "Halo", [m(VID, "Video")], privacy_level="SELF_ONLY")) == []


# --- duplicates ---------------------------------------------------------------------------------

MARKS = {"weekly": Mark("campaigns/booster.yaml", 30), "other": Mark("campaigns/booster.yaml", 40)}


def weekly(texts: list[str], platform: str = "x", channel: str | None = None,
           post: str = "weekly") -> list[RenderedPost]:
    return [rp(platform, text, at=WHEN + timedelta(weeks=i), post=post, channel=channel)
            for i, text in enumerate(texts)]


def test_duplicate_x_text_is_a_warning_naming_the_dates():
    (problem,) = rules.duplicate_warnings(weekly(["Ingat!", "Ingat!", "Beda", "Ingat!"]), MARKS)
    assert problem.severity == "warning" and problem.code == "x-duplicate"
    assert (problem.file, problem.line) == ("campaigns/booster.yaml", 30)
    assert problem.message == ("X post weekly renders the same text on x-ministry on "
                               "2026-12-01, 2026-12-08, 2026-12-22; X rejects duplicate posts")
    assert "{{ when | date_long }}" in problem.hint


def test_many_duplicate_dates_are_shortened():
    (problem,) = rules.duplicate_warnings(weekly(["Ingat!"] * 8), MARKS)
    assert problem.message.endswith("2026-12-29 and 3 more; X rejects duplicate posts")


@pytest.mark.parametrize("posts", [
    weekly(["Satu", "Dua", "Tiga"]),
    weekly(["Sama", "Sama"], platform="facebook"),
    weekly(["Sama"], channel="x-ministry") + [
        rp("x", "Sama", at=WHEN + timedelta(weeks=1), post="weekly", channel="x-province")],
    [],
])
def test_no_duplicate_warning(posts):
    assert rules.duplicate_warnings(posts, MARKS) == []


def test_duplicate_threads_compare_every_part():
    posts = weekly([["Satu", "Dua"], ["Satu", "Tiga"], ["Satu", "Dua"]])
    (problem,) = rules.duplicate_warnings(posts, MARKS)
    assert "2026-12-01, 2026-12-15" in problem.message


# --- the emoji-scan shortcut is exact -----------------------------------------------------------

TOKENS = ["a", "Z", "9", "#", "*", " ", "\n", ".", "é", "e\u0301", "漢", "“", "”", "—", "©", "®",
          "\u200d", "\ufe0f", "\u20e3", "\U0001F600", "\U0001F3FD", "\U0001F469", "\U0001F680",
          FAMILY, ASTRONAUT, "1\ufe0f\u20e3", "#\u20e3", "\u2764", URL, " example.go.id ",
          "http://t.co/abc", "\U0001F1EE\U0001F1E9", "\u263a", "\u00a9\ufe0f", "\U0001F3FB",
          "\U0001F44B\U0001F3FB", "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E"
          "\U000E0067\U000E007F", "1", "0\u20e3", "*\ufe0f"]


def _reference_length(text: str) -> int:
    """parse_tweet with its own, unshortened emoji scan."""
    from importlib import import_module

    rules._parse_tweet()  # make sure the shortcut is installed, then bypass it
    module = import_module("twitter_text.parse_tweet")
    fast = module.extract_emojis_with_indices
    module.extract_emojis_with_indices = rules._original_extract
    try:
        return module.parse_tweet(text).weightedLength
    finally:
        module.extract_emojis_with_indices = fast


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.characters(min_codepoint=0x2000,
                                                         max_codepoint=0x1FAFF,
                                                         blacklist_categories=("Cs",)),
                max_size=40).map("".join)
       | st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_x_length_matches_twitter_text_without_the_shortcut(text):
    # Lone surrogates are left out: twitter-text itself cannot encode them (see below).
    assert rules._parse_tweet()(text).weightedLength == _reference_length(text)


def test_x_length_survives_a_lone_surrogate():
    """A YAML "\\ud800" escape yields a lone surrogate, on which twitter-text crashes."""
    assert rules.x_weighted_length("ab\ud800") == rules.x_weighted_length("ab\ufffd")


def test_shortcut_is_installed():
    rules._parse_tweet()
    assert rules._original_extract is not None


# --- video length --------------------------------------------------------------------------
# Real MP4s made once with ffmpeg (tests/data/media); the long ones are a one-second file whose
# movie header (mvhd) records a longer length, which is what platforms and mutagen both read.

REPO = Path(__file__).resolve().parent.parent


def lasting(seconds: float, name: str = "long.mp4") -> str:
    """Write media/<name>: a real MP4 whose header says it lasts ``seconds``."""
    data = bytearray((DATA / "one-second.mp4").read_bytes())
    at = data.index(b"mvhd")
    assert data[at + 4] == 0  # version 0: 32-bit timescale and duration
    struct.pack_into(">II", data, at + 16, 1000, round(seconds * 1000))
    Path("media", name).write_bytes(bytes(data))
    return name


@pytest.fixture
def videos(ws):
    for name in ("one-second.mp4", "blink.mp4", "two-and-a-half-minutes.mp4",
                 "one-second.webm"):
        shutil.copy(DATA / name, ws / "media" / name)


def durations(post: RenderedPost) -> list[tuple[str, str]]:
    return [(p.severity, p.code) for p in rules.check(post, MARK) if p.code == "media-duration"]


def test_x_video_too_long(videos):
    item_mark = Mark("campaigns/booster.yaml", 23)
    (problem,) = errors(rp("x", "Halo", [m("two-and-a-half-minutes.mp4", mark=item_mark)]))
    assert (problem.file, problem.line, problem.code) == ("campaigns/booster.yaml", 23,
                                                          "media-duration")
    assert problem.message == ("video media/two-and-a-half-minutes.mp4 is 2 min 30 s long; "
                               "X accepts at most 2 min 20 s")
    assert problem.hint == "trim it, or post it to YouTube and link to it"


def test_x_video_too_short(videos):
    (problem,) = errors(rp("x", "Halo", [m("blink.mp4")]))
    assert (problem.file, problem.line) == ("campaigns/booster.yaml", 12)  # the post's mark
    assert problem.message == "video media/blink.mp4 is 0.3 s long; X needs at least 0.5 s"
    assert problem.code == "media-duration"


@pytest.mark.parametrize("platform", ["x", "facebook", "youtube", "tiktok"])
def test_one_second_video_passes_everywhere(videos, platform):
    assert durations(rp(platform, "Halo", [m("one-second.mp4")])) == []


def test_just_over_the_limit_never_reads_as_the_limit(videos):
    (problem,) = errors(rp("x", "Halo", [m(lasting(140.04))]))
    assert problem.message == ("video media/long.mp4 is 2 min 20.1 s long; "
                               "X accepts at most 2 min 20 s")
    assert durations(rp("x", "Halo", [m(lasting(140, "exact.mp4"))])) == []


def test_youtube_over_15_minutes_warns_about_verification(videos):
    found = rules.check(rp("youtube", "Halo", [m(lasting(20 * 60))]), MARK)
    (problem,) = [p for p in found if p.code == "media-duration"]
    assert problem.severity == "warning"
    assert problem.message == ("video media/long.mp4 is 20 min long; YouTube accepts videos "
                               "over 15 min only from a verified channel")
    assert "verify the YouTube channel" in problem.hint
    assert not [p for p in found if p.is_error]


def test_youtube_over_12_hours_is_an_error(videos):
    (problem,) = errors(rp("youtube", "Halo", [m(lasting(12 * 3600 + 60))]))
    assert problem.message == ("video media/long.mp4 is 12 h 1 min long; YouTube accepts at "
                               "most 12 h")
    assert problem.hint == "trim it or split it into shorter videos"


@pytest.mark.parametrize("platform, seconds, expected", [
    ("tiktok", 600, []),
    ("tiktok", 11 * 60, [("error", "media-duration")]),
    ("facebook", 4 * 3600, []),
    ("facebook", 4 * 3600 + 1, [("error", "media-duration")]),
    ("youtube", 15 * 60, []),
    ("x", 0.5, []),
])
def test_duration_limits_per_platform(videos, platform, seconds, expected):
    assert durations(rp(platform, "Halo", [m(lasting(seconds))])) == expected


def test_tiktok_over_ten_minutes_message(videos):
    (problem,) = errors(rp("tiktok", "Halo", [m(lasting(11 * 60))]))
    assert problem.message == "video media/long.mp4 is 11 min long; TikTok accepts at most 10 min"


@pytest.mark.parametrize("name", ["one-second.webm", VID])
def test_unknown_length_is_not_checked(videos, name):
    # WebM is a format mutagen cannot read; clip.mp4's header records no length.
    for platform in ("x", "youtube", "tiktok"):
        assert durations(rp(platform, "Halo", [m(name)])) == []


def test_each_long_video_is_its_own_problem(videos):
    found = durations(rp("facebook", "Halo", [m(lasting(5 * 3600)), m(lasting(6 * 3600, "b.mp4"))]))
    assert found == [("error", "media-duration")] * 2


def test_duration_resolves_paths_against_root(videos, ws, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path.parent)  # not the workspace: only root can find the file
    found = rules.check(rp("x", "Halo", [m("two-and-a-half-minutes.mp4")]), MARK, root=ws)
    assert [p.code for p in found] == ["media-duration"]


def test_example_workspace_video_fits_every_channel():
    item = Media(Path("media/penjelasan.mp4"), alt="Video penjelasan")
    for platform in ("x", "facebook", "youtube", "tiktok"):
        found = rules.check(rp(platform, "Halo", [item]), MARK, root=REPO)
        assert [p for p in found if p.code == "media-duration"] == [], platform


# --- file size -----------------------------------------------------------------------------
# Big files cost nothing: a real fixture (so the content sniff still sees a picture or video)
# grown with truncate() into a sparse file. clip.mp4 records no length, so no duration check
# joins in.

MB = 1024 * 1024


def sized(name: str, size: int, source: str = IMG) -> str:
    """Write media/<name>: ``source``'s bytes grown to ``size`` bytes (sparse)."""
    with open(Path("media", name), "wb") as fh:
        fh.write((DATA / source).read_bytes())
        fh.truncate(size)
    return name


def sizes(post: RenderedPost, **kwargs) -> list[tuple[str, str]]:
    return [(p.severity, p.message) for p in rules.check(post, MARK, **kwargs)
            if p.code == "media-size"]


def test_x_picture_over_5_mb_is_an_error():
    item_mark = Mark("campaigns/booster.yaml", 23)
    (problem,) = errors(rp("x", "Halo", [m(sized("poster-big.png", int(7.2 * MB)),
                                           mark=item_mark)]))
    assert (problem.file, problem.line, problem.code) == ("campaigns/booster.yaml", 23,
                                                          "media-size")
    assert problem.message == "media/poster-big.png is 7.2 MB; X accepts pictures up to 5 MB"
    assert problem.hint == "make it smaller (export as JPEG, or reduce its size)"


def test_just_over_the_size_limit_never_reads_as_the_limit():
    (problem,) = errors(rp("x", "Halo", [m(sized("big.jpg", 5 * MB + 1, JPG))]))
    assert problem.message == "media/big.jpg is 5.1 MB; X accepts pictures up to 5 MB"


def test_x_gif_has_its_own_15_mb_limit():
    assert sizes(rp("x", "Halo", [m(sized("ten.gif", 10 * MB, GIF))])) == []
    (problem,) = errors(rp("x", "Halo", [m(sized("big.gif", 16 * MB, GIF))]))
    assert problem.message == "media/big.gif is 16 MB; X accepts GIFs up to 15 MB"
    assert problem.code == "media-size" and "MP4" in problem.hint


def test_facebook_photo_over_4_mb_is_only_a_warning():
    found = rules.check(rp("facebook", "Halo", [m(sized("big.png", int(4.5 * MB)))]), MARK)
    assert [(p.severity, p.code) for p in found] == [("warning", "media-size")]
    assert found[0].message == ("media/big.png is 4.5 MB; Facebook recommends pictures "
                                "under 4 MB")
    # A GIF is a photo on Facebook: the same recommendation.
    assert sizes(rp("facebook", "Halo", [m(sized("big.gif", 5 * MB, GIF))])) == [
        ("warning", "media/big.gif is 5 MB; Facebook recommends pictures under 4 MB")]


def test_facebook_photo_over_10_mb_is_an_error():
    assert sizes(rp("facebook", "Halo", [m(sized("huge.png", 11 * MB))])) == [
        ("error", "media/huge.png is 11 MB; Facebook accepts pictures up to 10 MB")]


def test_tiktok_photo_over_20_mb():
    assert sizes(rp("tiktok", "Halo", [m(sized("big.jpg", 21 * MB, JPG))])) == [
        ("error", "media/big.jpg is 21 MB; TikTok accepts pictures up to 20 MB")]


def test_video_over_512_mb_fails_on_x_only():
    post = rp("x", "Halo", [m(sized("big.mp4", 512 * MB + 1, VID))])
    (problem,) = errors(post)
    assert problem.message == "media/big.mp4 is 512.1 MB; X accepts videos up to 512 MB"
    assert problem.hint == "compress it (a lower bitrate or resolution), or trim it"
    for platform in ("facebook", "youtube", "tiktok"):
        assert sizes(rp(platform, "Halo", [m("big.mp4")])) == [], platform


def test_tiktok_video_over_4_gb():
    assert sizes(rp("tiktok", "Halo", [m(sized("big.mp4", 4 * 1024 * MB + 1, VID))])) == [
        ("error", "media/big.mp4 is 4.1 GB; TikTok accepts videos up to 4 GB")]


@pytest.mark.parametrize("platform, source, size", [
    ("x", IMG, 5 * MB),
    ("x", GIF, 15 * MB),
    ("x", VID, 512 * MB),
    ("facebook", JPG, 4 * MB),
    ("facebook", VID, 10 * 1024 * MB),
    ("tiktok", JPG, 20 * MB),
    ("tiktok", VID, 4 * 1024 * MB),
])
def test_a_file_exactly_at_the_limit_passes(platform, source, size):
    name = sized("exact" + Path(source).suffix, size, source)
    assert sizes(rp(platform, "Halo", [m(name)])) == []


def test_each_big_file_is_its_own_problem():
    post = rp("x", "Halo", [m(sized("a.png", 6 * MB)), m(IMG), m(sized("b.png", 8 * MB))])
    assert [p.message for p in errors(post)] == [
        "media/a.png is 6 MB; X accepts pictures up to 5 MB",
        "media/b.png is 8 MB; X accepts pictures up to 5 MB"]


def test_youtube_thumbnail_over_2_mb_names_the_option_line():
    sized("thumb.png", 3 * MB)
    marks = {"options.youtube.thumbnail": Mark("campaigns/booster.yaml", 31)}
    post = rp("youtube", "Halo", [m(VID)], thumbnail="media/thumb.png")
    (problem,) = [p for p in rules.check(post, MARK, marks=marks) if p.is_error]
    assert (problem.line, problem.code) == (31, "media-size")
    assert problem.message == ("thumbnail media/thumb.png is 3 MB; YouTube accepts thumbnails "
                               "up to 2 MB")
    sized("small.png", 2 * MB)
    assert sizes(rp("youtube", "Halo", [m(VID)], thumbnail="media/small.png")) == []
    # A thumbnail file that is not there is an error at the option's line, before publish.
    missing = rp("youtube", "Halo", [m(VID)], thumbnail="media/nope.png")
    assert sizes(missing) == []
    (gone,) = [p for p in rules.check(missing, MARK, marks=marks) if p.is_error]
    assert (gone.line, gone.code, gone.message) == (
        31, "media-missing", "thumbnail file media/nope.png does not exist")


def test_size_resolves_paths_against_root(ws, tmp_path, monkeypatch):
    sized("big.png", 6 * MB)
    monkeypatch.chdir(tmp_path.parent)  # not the workspace: only root can find the file
    found = rules.check(rp("x", "Halo", [m("big.png")]), MARK, root=ws)
    assert [p.code for p in found] == ["media-size"]


def test_example_workspace_validates_with_no_warnings():
    from typer.testing import CliRunner

    from campaignctl.cli import app

    result = CliRunner().invoke(app, ["--workspace", str(REPO), "validate"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout and "; 0 warning(s)" in result.stdout
