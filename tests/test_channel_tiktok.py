"""The TikTok adapter over real HTTP (requests) against the TikTok emulator on loopback:
every publish path, the error taxonomy through injected faults, token refresh and rotation,
masking of secrets, metrics, check() and reconciliation with find_recent."""

from __future__ import annotations

import os
import struct
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from campaignctl.channels.credentials import SecretSource, TokenStore
from campaignctl.channels.tiktok import TikTokChannel, chunk_plan
from campaignctl.errors import (AuthError, NotSupported, RateLimited, Rejected,
                                TransientError, UnknownOutcome)
from campaignctl.models import Account, Media, Published, RenderedPost
from campaignctl.sandbox import Sandbox, SandboxSecrets
from campaignctl.sandbox.tiktok import CREDENTIALS, MB, TikTokEmulator, chunk_problem
from support import FakeClock

NAME = "tiktok-dinkes"
PREFIX = "https://media.example.go.id/kampanye/"
CAPTION = "Vaksinasi booster gratis di Puskesmas Menteng, Sabtu 09.00 #sehat"


_CLOCK = FakeClock(1_800_000_000.0)


@pytest.fixture(scope="module")
def _server():
    with Sandbox(port=0, emulators={"tiktok": TikTokEmulator(_CLOCK)}) as sandbox:
        yield sandbox


@pytest.fixture
def sb(_server: Sandbox) -> Sandbox:
    _CLOCK.now = 1_800_000_000.0
    _server.reset()
    return _server


@pytest.fixture
def emu(sb: Sandbox) -> TikTokEmulator:
    return sb.emulators["tiktok"]  # type: ignore[return-value]


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "tokens.json")


def make_channel(base_url: str, secrets=None, **options) -> TikTokChannel:
    account = Account(name=NAME, platform="tiktok",
                      credentials={k: f"${{TIKTOK_{k.upper()}}}" for k in CREDENTIALS},
                      options={"photo_url_prefix": PREFIX, **options})
    channel = TikTokChannel(account, secrets or SandboxSecrets(), base_url=base_url, timeout=5,
                            clock=_CLOCK.aware)
    channel.poll_interval = 0
    channel.max_polls = 5
    return channel


@pytest.fixture
def channel(sb: Sandbox, store: TokenStore) -> TikTokChannel:
    return make_channel(sb.base_url("tiktok"), SandboxSecrets(token_store=store))


# --- media written in tmp_path ------------------------------------------------------------
def png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = zlib.compress(b"\x00\xff\x00\x00")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2,
                                                                       0, 0, 0))
                     + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


def jpeg(path: Path) -> Path:
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                     + b"\x00" * 64 + b"\xff\xd9")
    return path


def mp4(path: Path, size: int = 300 * 1024) -> Path:
    ftyp = struct.pack(">I", 24) + b"ftypmp42" + b"\x00\x00\x00\x00" + b"mp42isom"
    path.write_bytes(ftyp + b"\x00" * (size - len(ftyp)))
    return path


def post(media: list[Media], **options) -> RenderedPost:
    return RenderedPost(campaign="booster-2026", post="launch", channel=NAME,
                        platform="tiktok", at=datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc),
                        parts=[CAPTION], media=media, options=options)


def video(tmp_path: Path, size: int = 300 * 1024) -> Media:
    return Media(mp4(tmp_path / "penjelasan.mp4", size), alt="Penjelasan", kind="video",
                 mime="video/mp4")


def photos(tmp_path: Path) -> list[Media]:
    return [Media(jpeg(tmp_path / f"poster-{n}.jpg"), alt="Poster", kind="image",
                  mime="image/jpeg") for n in (1, 2)]


def paths(emu: TikTokEmulator) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in emu.requests]


# --- publishing ---------------------------------------------------------------------------
def test_public_video_is_published_in_tiktoks_order(channel, emu, tmp_path):
    seen: list[tuple[int, int]] = []
    result = channel.publish(post([video(tmp_path)], privacy_level="PUBLIC_TO_EVERYONE",
                                  disable_duet=True, is_aigc=False,
                                  video_cover_timestamp_ms=1000),
                             lambda sent, total: seen.append((sent, total)))
    size = 300 * 1024
    assert seen == [(size, size)]
    assert result.platform_id.isdigit()
    assert result.url == f"https://www.tiktok.com/@dinkes.sandbox/video/{result.platform_id}"
    assert result.extra["publish_id"].startswith("v_pub_file~")
    assert paths(emu)[:3] == ["POST /v2/post/publish/creator_info/query/",
                              "POST /v2/post/publish/video/init/", "PUT /upload/"]
    assert paths(emu)[3:] == ["POST /v2/post/publish/status/fetch/"] * 2
    upload = emu.requests[2]
    assert upload["headers"]["content-range"] == f"bytes 0-{size - 1}/{size}"
    assert upload["headers"]["content-type"] == "video/mp4" and upload["status"] == 201
    [stored] = emu.posts()
    assert stored["text"] == CAPTION and stored["id"] == result.platform_id
    assert stored["media"][0]["size"] == size
    info = emu.publishes[result.extra["publish_id"]].post_info
    assert info["disable_duet"] is True and info["video_cover_timestamp_ms"] == 1000
    assert info["brand_content_toggle"] is False


def test_privacy_defaults_to_self_only_and_the_publish_id_stands_in(channel, emu, tmp_path):
    result = channel.publish(post([video(tmp_path)]))
    pid = result.extra["publish_id"]
    assert emu.publishes[pid].post_info["privacy_level"] == "SELF_ONLY"
    assert result.platform_id == pid and result.url is None and result.ids == [pid]
    [m] = channel.metrics([result])
    assert m.gap and "private" in m.gap and m.values == {}
    [stored] = emu.posts()
    assert stored["id"] == pid and stored["video_id"] and stored["url"] is None


def test_large_video_goes_in_chunks_with_progress(channel, emu, tmp_path):
    channel.chunk_size = 5 * MB
    size = 12 * MB
    seen: list[tuple[int, int]] = []
    channel.publish(post([video(tmp_path, size)]), lambda s, t: seen.append((s, t)))
    assert seen == [(5 * MB, size), (size, size)]
    puts = [r for r in emu.requests if r["method"] == "PUT"]
    assert [r["headers"]["content-range"] for r in puts] == [
        f"bytes 0-{5 * MB - 1}/{size}", f"bytes {5 * MB}-{size - 1}/{size}"]
    assert [r["status"] for r in puts] == [206, 201]


DATA = Path(__file__).parent / "data" / "media"


def real_video(tmp_path: Path, name: str) -> Media:
    """A real MP4 from tests/data/media (made once with ffmpeg) whose length mutagen reads."""
    path = tmp_path / name
    path.write_bytes((DATA / name).read_bytes())
    return Media(path, alt="Penjelasan", kind="video", mime="video/mp4")


def test_video_longer_than_the_creator_may_post_is_refused_before_upload(channel, sb, emu,
                                                                          tmp_path):
    sb.configure("tiktok", max_video_post_duration_sec=60)
    with pytest.raises(Rejected) as info:
        channel.publish(post([real_video(tmp_path, "two-and-a-half-minutes.mp4")]))
    assert info.value.message == ("two-and-a-half-minutes.mp4 is 2 min 30 s long; this TikTok "
                                  "account may post videos of at most 1 min")
    assert info.value.hint == "trim it, or post it to YouTube and link to it"
    assert not info.value.retryable
    assert paths(emu) == ["POST /v2/post/publish/creator_info/query/"]  # no init, no upload
    assert emu.posts() == []


def test_video_within_the_creators_limit_is_published(channel, sb, emu, tmp_path):
    sb.configure("tiktok", max_video_post_duration_sec=2)
    result = channel.publish(post([real_video(tmp_path, "one-second.mp4")]))
    assert result.extra["publish_id"]
    assert "PUT /upload/" in paths(emu)


@pytest.mark.parametrize("size,preferred,plan", [
    (1000, 10 * MB, (1000, 1)),
    (5 * MB - 1, 10 * MB, (5 * MB - 1, 1)),
    (40 * MB, 64 * MB, (40 * MB, 1)),
    (12 * MB, 5 * MB, (5 * MB, 2)),
    (65 * MB, 10 * MB, (10 * MB, 6)),
    (4096 * MB, 1 * MB, (5 * MB, 819)),
    (12000 * MB, 10 * MB, (20 * MB, 600)),
])
def test_chunk_plan_follows_the_media_transfer_rules(size, preferred, plan):
    assert chunk_plan(size, preferred) == plan
    assert chunk_problem(size, *plan) is None  # the emulator agrees


def test_photos_are_pulled_from_the_verified_prefix(channel, emu, tmp_path):
    result = channel.publish(post(photos(tmp_path), privacy_level="PUBLIC_TO_EVERYONE",
                                  title="Jadwal vaksin"))
    urls = [PREFIX + "poster-1.jpg", PREFIX + "poster-2.jpg"]
    assert result.extra["photo_urls"] == urls and result.extra["kind"] == "photo"
    [stored] = emu.posts()
    assert [m["url"] for m in stored["media"]] == urls
    assert stored["text"] == f"Jadwal vaksin\n{CAPTION}"
    assert "PUT /upload/" not in paths(emu)


@pytest.mark.parametrize("media,options,needle", [
    ([], {}, "needs a video or photos"),
    ("gif", {}, "not a.gif (gif)"),
    ("png", {}, "JPEG or WebP"),
    ("both", {}, "not both"),
    ("photos-no-prefix", {}, "photo_url_prefix"),
    ("mkv", {}, "MP4, MOV or WebM"),
    ("empty", {}, "1 byte to 4 GB"),
    ("missing", {}, "does not exist"),
], ids=["none", "gif", "png", "mixed", "no-prefix", "mkv", "empty", "missing"])
def test_unpostable_media_is_rejected_before_any_call(sb, emu, tmp_path, media, options,
                                                      needle):
    channel = make_channel(sb.base_url("tiktok"))
    if media == "gif":
        media = [Media(tmp_path / "a.gif", kind="gif", mime="image/gif")]
    elif media == "png":
        media = [Media(png(tmp_path / "a.png"), kind="image", mime="image/png")]
    elif media == "both":
        media = [video(tmp_path)] + photos(tmp_path)
    elif media == "photos-no-prefix":
        media = photos(tmp_path)
        channel.account.options.pop("photo_url_prefix")
    elif media == "empty":
        (tmp_path / "empty.mp4").write_bytes(b"")
        media = [Media(tmp_path / "empty.mp4", kind="video", mime="video/mp4")]
    elif media == "missing":
        media = [Media(tmp_path / "gone.mp4", kind="video", mime="video/mp4")]
    elif media == "mkv":
        media = [Media(mp4(tmp_path / "a.mkv"), kind="video", mime="video/x-matroska")]
    with pytest.raises(Rejected) as info:
        channel.publish(post(media, **options))
    assert needle in str(info.value) + (info.value.hint or "")
    assert info.value.channel == NAME
    assert emu.requests == []


@pytest.mark.parametrize("settings,options,code,before_upload", [
    ({"privacy_level_options": ["SELF_ONLY", "FOLLOWER_OF_CREATOR"]},
     {"privacy_level": "PUBLIC_TO_EVERYONE"}, "privacy_level_option_mismatch", True),
    ({"unaudited": True}, {"privacy_level": "PUBLIC_TO_EVERYONE"},
     "unaudited_client_can_only_post_to_private_accounts", True),
    ({"fail_reason": "duration_check_failed"}, {}, "duration_check_failed", False),
])
def test_platform_refusals_are_rejected_with_its_code(channel, sb, emu, tmp_path, settings,
                                                      options, code, before_upload):
    sb.configure("tiktok", **settings)
    with pytest.raises(Rejected) as info:
        channel.publish(post([video(tmp_path)], **options))
    assert info.value.platform_code == code
    assert ("PUT /upload/" in paths(emu)) is not before_upload
    assert not emu.videos


def test_unaudited_hint_says_to_post_privately(channel, sb, tmp_path):
    sb.configure("tiktok", unaudited=True)
    with pytest.raises(Rejected) as info:
        channel.publish(post([video(tmp_path)], privacy_level="PUBLIC_TO_EVERYONE"))
    assert info.value.status == 403 and "SELF_ONLY" in info.value.hint


def test_unverified_photo_domain_is_rejected(sb, emu, tmp_path):
    channel = make_channel(sb.base_url("tiktok"), photo_url_prefix="https://elsewhere.example/")
    with pytest.raises(Rejected) as info:
        channel.publish(post(photos(tmp_path)))
    assert info.value.platform_code == "url_ownership_unverified"
    assert "photo_url_prefix" in info.value.hint


# --- the error taxonomy through injected faults ---------------------------------------------
def test_5xx_before_anything_applied_is_transient(channel, sb, emu, tmp_path):
    sb.configure("tiktok", faults=[{"kind": "5xx", "path": "/video/init/"}])
    with pytest.raises(TransientError) as info:
        channel.publish(post([video(tmp_path)]))
    assert info.value.status == 500 and info.value.platform_code == "internal_error"
    assert not emu.posts()


def test_5xx_on_a_chunk_is_transient_and_publishes_nothing(channel, sb, emu, tmp_path):
    sb.configure("tiktok", faults=[{"kind": "5xx", "path": "/upload"}])
    with pytest.raises(TransientError) as info:
        channel.publish(post([video(tmp_path)]))
    assert info.value.status == 500
    _CLOCK.now += 60
    assert emu.videos == {}


def test_429_is_rate_limited_a_minute_from_now(channel, sb, tmp_path):
    sb.configure("tiktok", faults=[{"kind": "429", "path": "/video/init/"}])
    with pytest.raises(RateLimited) as info:
        channel.publish(post([video(tmp_path)]))
    assert info.value.retry_at == _CLOCK.aware() + timedelta(seconds=60)
    assert info.value.retryable and info.value.platform_code == "rate_limit_exceeded"


def test_the_seventh_init_in_a_minute_is_rate_limited_then_allowed(channel, emu, tmp_path):
    clip = video(tmp_path, 2048)
    for _ in range(6):
        channel.publish(post([clip]))
    with pytest.raises(RateLimited):
        channel.publish(post([clip]))
    _CLOCK.now += 61
    channel.publish(post([clip]))
    assert len(emu.videos) == 7


@pytest.mark.parametrize("header,expected", [
    ("120", timedelta(seconds=120)),
    ("Sat, 28 Nov 2026 00:05:00 GMT", None),
    ("", timedelta(seconds=60)),
    ("soon", timedelta(seconds=60)),
])
def test_retry_at_reads_retry_after_when_sent(channel, header, expected):
    # TikTok documents no rate-limit headers; a standard Retry-After is honoured if present.
    resp = SimpleNamespace(headers={"Retry-After": header} if header else {})
    when = channel._retry_at(resp)
    if expected is None:
        assert when == datetime(2026, 11, 28, 0, 5, tzinfo=timezone.utc)
    else:
        assert when == _CLOCK.aware() + expected


def test_dropped_last_chunk_is_unknown_then_find_recent_finds_it(channel, sb, emu, tmp_path):
    since = _CLOCK.aware() - timedelta(minutes=1)
    sb.configure("tiktok", faults=[{"kind": "timeout_after_apply", "path": "/upload"}])
    rendered = post([video(tmp_path)], privacy_level="PUBLIC_TO_EVERYONE")
    with pytest.raises(UnknownOutcome) as info:
        channel.publish(rendered)
    assert "publish_id v_pub_file~" in info.value.message
    _CLOCK.now += 10  # TikTok finishes processing on its own
    found = channel.find_recent(rendered, since)
    [stored] = emu.posts()
    assert found is not None and found.platform_id == stored["id"]
    assert found.url == stored["url"]
    assert channel.find_recent(rendered, _CLOCK.aware() + timedelta(minutes=1)) is None


def test_dropped_photo_init_is_unknown_then_found(channel, sb, emu, tmp_path):
    since = _CLOCK.aware()
    sb.configure("tiktok", faults=[{"kind": "timeout_after_apply", "path": "/content/init/"}])
    rendered = post(photos(tmp_path), privacy_level="PUBLIC_TO_EVERYONE")
    with pytest.raises(UnknownOutcome):
        channel.publish(rendered)
    _CLOCK.now += 10
    found = channel.find_recent(rendered, since)
    assert found is not None and found.platform_id == emu.posts()[0]["id"]


def test_dropped_video_init_is_transient_because_nothing_can_publish(channel, sb, emu,
                                                                     tmp_path):
    # A FILE_UPLOAD init without its bytes never becomes a post, so retrying is safe.
    sb.configure("tiktok", faults=[{"kind": "timeout_after_apply", "path": "/video/init/"}])
    with pytest.raises(TransientError):
        channel.publish(post([video(tmp_path)]))
    _CLOCK.now += 60
    assert emu.videos == {}


def test_dropped_first_of_two_chunks_is_transient(channel, sb, emu, tmp_path):
    channel.chunk_size = 5 * MB
    sb.configure("tiktok", faults=[{"kind": "timeout_after_apply", "path": "/upload"}])
    with pytest.raises(TransientError):
        channel.publish(post([video(tmp_path, 12 * MB)]))
    _CLOCK.now += 60
    assert emu.videos == {}


def test_lost_status_after_upload_is_unknown(channel, sb, tmp_path):
    sb.configure("tiktok", faults=[{"kind": "5xx", "path": "/status/fetch/", "count": 9}])
    with pytest.raises(UnknownOutcome) as info:
        channel.publish(post([video(tmp_path)]))
    assert "publish_id" in info.value.message


def test_endless_processing_is_bounded(channel, sb, tmp_path):
    sb.configure("tiktok", polls_to_complete=99, processing_seconds=10_000)
    naps: list[float] = []
    channel.sleep = naps.append
    with pytest.raises(UnknownOutcome) as info:
        channel.publish(post([video(tmp_path)]))
    assert "still processing" in info.value.message
    assert len(naps) == channel.max_polls - 1


def test_connection_refused_is_transient(tmp_path):
    with Sandbox(port=0, emulators={"tiktok": TikTokEmulator(_CLOCK)}) as gone:
        base = gone.base_url("tiktok")
    channel = make_channel(base)
    with pytest.raises(TransientError) as info:
        channel.publish(post([video(tmp_path)]))
    assert info.value.channel == NAME


def test_dropped_private_upload_is_reconciled_by_publish_id(channel, sb, emu, store,
                                                           tmp_path):
    sb.configure("tiktok", faults=[{"kind": "timeout_after_apply", "path": "/upload"}])
    rendered = post([video(tmp_path)])  # SELF_ONLY: invisible to video/list
    with pytest.raises(UnknownOutcome):
        channel.publish(rendered)
    # After a crash a new process cannot see it, and says so rather than guessing.
    fresh = make_channel(sb.base_url("tiktok"), SandboxSecrets(token_store=store))
    with pytest.raises(NotSupported):
        fresh.find_recent(rendered, _CLOCK.aware())
    sb.configure("tiktok", processing_seconds=10_000, polls_to_complete=2)
    with pytest.raises(UnknownOutcome, match="still processing"):
        channel.find_recent(rendered, _CLOCK.aware())
    found = channel.find_recent(rendered, _CLOCK.aware())
    [stored] = emu.posts()
    assert found is not None and found.platform_id == stored["publish_id"]


def test_reconciling_a_failed_send_says_resend(channel, sb, emu, tmp_path):
    sb.configure("tiktok", fail_reason="frame_rate_check_failed",
                 faults=[{"kind": "timeout_after_apply", "path": "/upload"}])
    rendered = post([video(tmp_path)])
    with pytest.raises(UnknownOutcome):
        channel.publish(rendered)
    _CLOCK.now += 10
    assert channel.find_recent(rendered, _CLOCK.aware()) is None
    assert emu.posts()[0]["status"] == "FAILED"


def test_find_recent_cannot_see_private_posts(channel):
    with pytest.raises(NotSupported, match="only public videos"):
        channel.find_recent(post([]), _CLOCK.aware())


def test_find_recent_returns_none_when_nothing_matches(channel, emu, tmp_path):
    channel.publish(post([video(tmp_path)], privacy_level="PUBLIC_TO_EVERYONE"))
    other = post([], privacy_level="PUBLIC_TO_EVERYONE")
    other.parts = ["something else entirely"]
    assert channel.find_recent(other, _CLOCK.aware() - timedelta(hours=1)) is None


# --- tokens -----------------------------------------------------------------------------
def test_expired_token_is_refreshed_rotated_and_stored(channel, sb, emu, store, tmp_path):
    sb.configure("tiktok", faults=[{"kind": "expired_token", "count": 1}])
    channel.publish(post([video(tmp_path)]))
    saved = store._read()[NAME]
    assert saved["refresh_token"].startswith("rft.sandbox-rotated-")
    assert saved["access_token"].startswith("act.sandbox-refreshed-")
    assert saved["access_token_expires_at"].startswith("2027-01-1")
    # The emulator forgot the old refresh token; a new adapter reads the stored one.
    old = requests.post(sb.base_url("tiktok") + "/v2/oauth/token/", timeout=5, data={
        "client_key": CREDENTIALS["client_key"], "client_secret": CREDENTIALS["client_secret"],
        "grant_type": "refresh_token", "refresh_token": CREDENTIALS["refresh_token"]})
    assert old.json()["error"] == "invalid_grant"
    again = make_channel(sb.base_url("tiktok"), SandboxSecrets(token_store=store))
    sb.configure("tiktok", faults=[{"kind": "expired_token", "count": 1}])
    assert again.check().ok
    assert store._read()[NAME]["refresh_token"] != saved["refresh_token"]


def test_refused_refresh_is_auth_error_with_login_hint(channel, sb, emu, tmp_path):
    sb.configure("tiktok", faults=[{"kind": "expired_token", "count": 2}])
    with pytest.raises(AuthError) as info:
        channel.publish(post([video(tmp_path)]))
    assert info.value.hint == f"run `campaignctl channels login {NAME}`"
    assert info.value.platform_code == "invalid_grant"
    assert "POST /v2/post/publish/video/init/" not in paths(emu)


BAD = {"TIKTOK_CLIENT_KEY": CREDENTIALS["client_key"],
       "TIKTOK_CLIENT_SECRET": CREDENTIALS["client_secret"],
       "TIKTOK_ACCESS_TOKEN": "act.leaky-access-9f8e7d6c5b4a",
       "TIKTOK_REFRESH_TOKEN": "rft.leaky-refresh-1a2b3c4d5e6f"}


def test_bad_tokens_give_auth_error_and_are_never_shown(sb, tmp_path):
    channel = make_channel(sb.base_url("tiktok"), SecretSource(environ=BAD))
    with pytest.raises(AuthError) as info:
        channel.publish(post([video(tmp_path)]))
    shown = " ".join([str(info.value), repr(info.value), info.value.one_line(),
                      str(info.value.hint), repr(channel), str(channel)])
    for secret in BAD.values():
        assert secret not in shown
    report = channel.check()
    assert not report.ok and "channels login" in report.summary
    assert not any(s in report.summary + repr(report.details) for s in BAD.values())


def test_missing_credential_names_the_field(sb, tmp_path):
    channel = make_channel(sb.base_url("tiktok"), SecretSource(environ={}))
    from campaignctl.errors import CredentialError

    with pytest.raises(CredentialError) as info:
        channel.publish(post([video(tmp_path)]))
    assert "access_token" in info.value.message and "TIKTOK_ACCESS_TOKEN" in info.value.hint


# --- delete, metrics, check -----------------------------------------------------------------
def test_delete_is_not_supported_and_names_the_url(channel, tmp_path):
    result = channel.publish(post([video(tmp_path)], privacy_level="PUBLIC_TO_EVERYONE"))
    with pytest.raises(NotSupported) as info:
        channel.delete(result)
    assert "cannot delete" in info.value.message and result.url in info.value.message
    private = channel.publish(post([video(tmp_path)]))
    with pytest.raises(NotSupported) as info:
        channel.delete(private)
    assert private.extra["publish_id"] in info.value.message


def test_metrics_grow_with_the_clock_and_gaps_are_explained(channel, emu, tmp_path):
    public = channel.publish(post([video(tmp_path)], privacy_level="PUBLIC_TO_EVERYONE"))
    private = channel.publish(post([video(tmp_path)]))
    missing = Published("7319999999999999999")
    _CLOCK.now += 600
    early = channel.metrics([public, private, missing])
    expected = {k.removesuffix("_count"): v
                for k, v in emu.metrics_of(emu.videos[public.platform_id]).items()}
    _CLOCK.now += 86400
    later = channel.metrics([public])[0]
    assert [m.platform_id for m in early] == [public.platform_id, private.platform_id,
                                             missing.platform_id]
    assert set(early[0].values) == {"view", "like", "comment", "share"}
    assert early[0].gap is None and 0 < early[0].values["view"] < later.values["view"]
    assert early[0].values == expected
    assert early[1].gap and early[2].gap and "did not return" in early[2].gap


def test_metrics_are_batched_by_twenty(channel, emu):
    published = [Published(str(7319000000000000000 + n)) for n in range(25)]
    result = channel.metrics(published)
    queries = [r for r in emu.requests if r["path"] == "/v2/video/query/"]
    assert len(queries) == 2 and all(m.gap for m in result) and len(result) == 25
    assert queries[0]["query"]["fields"] == [
        "id,title,like_count,comment_count,share_count,view_count"]


def test_metrics_without_permission_are_gaps_not_zeros(channel, sb):
    sb.configure("tiktok", faults=[{"kind": "expired_token", "count": 2}])
    [m] = channel.metrics([Published("7319000000000000001")])
    assert m.values == {} and m.gap.startswith("no permission")


def test_check_says_what_the_account_may_do(channel, sb):
    report = channel.check()
    assert report.ok
    assert report.summary == (
        "tiktok: @dinkes.sandbox, may post as PUBLIC_TO_EVERYONE|MUTUAL_FOLLOW_FRIENDS|"
        "FOLLOWER_OF_CREATOR|SELF_ONLY, max video 600 s, audited: no (posts forced private), "
        "metrics: yes")
    assert report.details["username"] == "dinkes.sandbox"


def test_check_without_video_list_scope_says_metrics_are_unavailable(channel, sb):
    sb.configure("tiktok", scopes=["user.info.basic", "video.publish"])
    report = channel.check()
    assert report.ok and report.summary.endswith("metrics: no (video.list scope missing)")
    [m] = channel.metrics([Published("7319000000000000001")])
    assert m.gap.startswith("no permission") and "video.list" in m.gap


def test_daily_cap_is_rate_limited_for_a_day(channel, sb, tmp_path):
    sb.configure("tiktok", daily_post_cap=1)
    channel.publish(post([video(tmp_path)]))
    with pytest.raises(RateLimited) as info:
        channel.publish(post([video(tmp_path)]))
    assert info.value.platform_code == "spam_risk_too_many_posts"
    assert info.value.retry_at == _CLOCK.aware() + timedelta(hours=24)


def test_concurrent_refreshes_spend_the_rotating_token_once(channel, emu):
    stale = channel._access_token()
    channel._refresh(stale=stale)
    channel._refresh(stale=stale)  # a second thread that saw the same refusal
    assert [r["path"] for r in emu.requests] == ["/v2/oauth/token/"]


def test_refused_connection_counts_as_never_sent():
    from campaignctl.channels.tiktok import _never_sent

    with Sandbox(port=0, emulators={"tiktok": TikTokEmulator(_CLOCK)}) as gone:
        url = gone.base_url("tiktok")
    with pytest.raises(requests.ConnectionError) as info:
        requests.post(url + "/v2/post/publish/content/init/", timeout=2)
    assert _never_sent(info.value)


def test_check_reports_an_audited_app(sb):
    report = make_channel(sb.base_url("tiktok"), audited=True).check()
    assert "audited: yes" in report.summary


def test_adapter_module_imports_no_http_library():
    import subprocess
    import sys

    code = ("import sys, campaignctl.channels.tiktok; "
            "print('requests' in sys.modules or 'urllib3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# --- live (opt-in) --------------------------------------------------------------------------
LIVE_VARS = ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET", "TIKTOK_ACCESS_TOKEN",
             "TIKTOK_REFRESH_TOKEN", "TIKTOK_LIVE_VIDEO")


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("CAMPAIGNCTL_LIVE_TIKTOK") != "1"
                    or not all(os.environ.get(v) for v in LIVE_VARS),
                    reason="set CAMPAIGNCTL_LIVE_TIKTOK=1 and " + ", ".join(LIVE_VARS))
def test_live_private_post(tmp_path):
    """Posts one SELF_ONLY video to the real account; TikTok cannot delete it by API, so the
    test checks that delete says so and names what to remove by hand."""
    account = Account(name="tiktok-live", platform="tiktok",
                      credentials={k: f"${{TIKTOK_{k.upper()}}}" for k in CREDENTIALS})
    channel = TikTokChannel(account, SecretSource(token_store=TokenStore(tmp_path / "t.json")))
    assert channel.check().ok
    clip = Path(os.environ["TIKTOK_LIVE_VIDEO"])
    result = channel.publish(post([Media(clip, kind="video", mime="video/mp4")],
                                  privacy_level="SELF_ONLY"))
    assert result.extra["publish_id"]
    with pytest.raises(NotSupported):
        channel.delete(result)
