"""The YouTube adapter through the real google-api-python-client against the emulator."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from campaignctl.channels.credentials import SecretSource, TokenStore
from campaignctl.channels.youtube import YouTubeChannel, next_pacific_midnight
from campaignctl.errors import (
    AuthError,
    ConfigError,
    RateLimited,
    Rejected,
    TransientError,
    UnknownOutcome,
)
from campaignctl.models import Account, Media, Published, RenderedPost
from campaignctl.sandbox import Sandbox, SandboxSecrets
from campaignctl.sandbox.youtube import CREDENTIALS, PROCESSING_SECONDS, YouTubeEmulator
from support import FakeClock

CHUNK = 256 * 1024
START = 1_790_000_000.0  # 2026-09-21, a fixed emulator clock


def png_bytes() -> bytes:
    """A valid 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def mp4_bytes(size: int) -> bytes:
    """A file that starts with a valid MP4 ftyp box, padded to ``size`` bytes."""
    ftyp = struct.pack(">I", 24) + b"ftypmp42" + struct.pack(">I", 0) + b"isommp42"
    return ftyp + bytes(size - len(ftyp))


@pytest.fixture(scope="module")
def _server():
    """One sandbox for the module, with its fake clock; reset per test."""
    clock = FakeClock(START)
    emulator = YouTubeEmulator(clock)
    with Sandbox(port=0, emulators={"youtube": emulator}) as sandbox:
        yield sandbox, emulator, clock


@pytest.fixture
def sb(_server):
    sandbox, _, clock = _server
    sandbox.reset()
    clock.now = START
    return sandbox


@pytest.fixture
def emulator(sb, _server) -> YouTubeEmulator:
    return _server[1]


@pytest.fixture
def clock(sb, _server) -> FakeClock:
    return _server[2]


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "explainer.mp4"
    path.write_bytes(mp4_bytes(600 * 1024))  # three chunks of 256 KiB: two 308s, then 200
    return path


@pytest.fixture
def thumb(tmp_path: Path) -> Path:
    path = tmp_path / "thumb.png"
    path.write_bytes(png_bytes())
    return path


def make_channel(sb: Sandbox, secrets=None, *, chunk: int = CHUNK, clock=None,
                 timeout: float = 10.0) -> YouTubeChannel:
    account = Account(name="youtube", platform="youtube", options={"chunk_size": chunk})
    return YouTubeChannel(account, secrets or SandboxSecrets(), base_url=sb.base_url("youtube"),
                          clock=clock, timeout=timeout)


def make_post(video: Path | None, text: str = "Vaksin booster gratis 1-7 Desember. Hotline 119.",
              **options) -> RenderedPost:
    media = [Media(video, alt="explainer", kind="video", mime="video/mp4")] if video else []
    return RenderedPost("booster-2026", "explainer", "youtube", "youtube",
                        datetime(2026, 12, 2, 9, tzinfo=timezone.utc), [text], media,
                        {"title": "Booster gratis", **options})


def env_secrets(tmp_path: Path, **values: str) -> SecretSource:
    """A SecretSource over a fake environment, with a token store in tmp_path."""
    fields = {"client_id": CREDENTIALS["client_id"], "client_secret": CREDENTIALS["client_secret"],
              "refresh_token": CREDENTIALS["refresh_token"], **values}
    environ = {f"YT_{k.upper()}": v for k, v in fields.items()}
    return SecretSource(environ=environ, token_store=TokenStore(tmp_path / "tokens.json"))


def env_account(fields) -> Account:
    return Account(name="youtube", platform="youtube", options={"chunk_size": CHUNK},
                   credentials={k: f"${{YT_{k.upper()}}}" for k in fields})


def paths(emulator: YouTubeEmulator) -> list[tuple[str, str, int | None]]:
    return [(r["method"], r["path"], r.get("status")) for r in emulator.requests]


# --- publishing ---------------------------------------------------------------------------
def test_publish_uploads_in_resumable_chunks_and_reports_progress(sb, emulator, video):
    seen: list[tuple[int, int]] = []
    published = make_channel(sb).publish(make_post(video), lambda a, b: seen.append((a, b)))

    size = video.stat().st_size
    assert seen == [(CHUNK, size), (2 * CHUNK, size), (size, size)]
    assert paths(emulator) == [("POST", "/upload/youtube/v3/videos", 200),
                               ("PUT", "/upload/youtube/v3/videos", 308),
                               ("PUT", "/upload/youtube/v3/videos", 308),
                               ("PUT", "/upload/youtube/v3/videos", 200)]
    assert published.url == f"https://www.youtube.com/watch?v={published.platform_id}"
    assert published.ids == [published.platform_id]
    assert published.extra["privacy"] == "private"
    [stored] = emulator.posts()
    assert stored["id"] == published.platform_id
    assert stored["title"] == "Booster gratis"
    assert stored["text"] == "Vaksin booster gratis 1-7 Desember. Hotline 119."
    assert stored["privacy"] == "private"  # the documented default
    assert stored["media"][0]["size"] == size and stored["media"][0]["type"] == "video"
    assert stored["upload_status"] == "uploaded"


def test_publish_single_chunk_when_file_is_smaller_than_chunk(sb, emulator, tmp_path):
    small = tmp_path / "short.mp4"
    small.write_bytes(mp4_bytes(1000))
    make_channel(sb, chunk=8 * 1024 * 1024).publish(make_post(small))
    assert [p for _, p, _ in paths(emulator)].count("/upload/youtube/v3/videos") == 2


def test_publish_sends_every_option_in_the_video_resource(sb, emulator, video):
    post = make_post(video, tags=["vaksin", "booster gratis"], category="25", privacy="private",
                     made_for_kids=False, default_language="id",
                     publish_at=datetime(2026, 12, 3, 9, tzinfo=timezone(timedelta(hours=7))))
    make_channel(sb).publish(post)
    [body] = [b["body"] for b in emulator.bodies]
    assert body == {
        "snippet": {"title": "Booster gratis",
                    "description": "Vaksin booster gratis 1-7 Desember. Hotline 119.",
                    "categoryId": "25", "tags": ["vaksin", "booster gratis"],
                    "defaultLanguage": "id"},
        "status": {"privacyStatus": "private", "selfDeclaredMadeForKids": False,
                   "publishAt": "2026-12-03T02:00:00Z"},
    }
    [request] = [r for r in emulator.requests if r["method"] == "POST"]
    assert request["query"]["uploadType"] == ["resumable"]
    assert request["query"]["part"] == ["snippet,status"]
    assert request["headers"]["x-upload-content-type"] == "video/mp4"


@pytest.mark.parametrize("value, expected", [
    ("2026-12-03T09:00:00+07:00", "2026-12-03T02:00:00Z"),
    ("2026-12-03 09:00", "2026-12-03T02:00:00Z"),  # no offset: the post's own time zone
    (datetime(2026, 12, 3, 9), "2026-12-03T02:00:00Z"),
    ("2026-12-03T02:00:00Z", "2026-12-03T02:00:00Z"),
    ("tomorrow", "tomorrow"),  # left for YouTube to refuse in its own words
])
def test_publish_at_is_sent_as_utc(video, value, expected):
    post = make_post(video, publish_at=value)
    post.at = datetime(2026, 12, 2, 9, tzinfo=timezone(timedelta(hours=7)))
    channel = YouTubeChannel(Account(name="youtube", platform="youtube"), SandboxSecrets())
    assert channel.video_body(post)["status"]["publishAt"] == expected


@pytest.mark.parametrize("value, expected", [
    (None, False), (False, False), (True, True), ("false", False), ("yes", True), ("", False),
])
def test_made_for_kids_accepts_rendered_text(video, value, expected):
    post = make_post(video, made_for_kids=value)
    channel = YouTubeChannel(Account(name="youtube", platform="youtube"), SandboxSecrets())
    assert channel.video_body(post)["status"]["selfDeclaredMadeForKids"] is expected


def test_title_falls_back_to_first_line_of_text(video):
    post = make_post(video, text="\nFirst line here\nsecond")
    post.options.pop("title")
    assert YouTubeChannel.title_for(post) == "First line here"


def test_thumbnail_is_uploaded_after_the_video(sb, emulator, video, thumb):
    published = make_channel(sb).publish(make_post(video, thumbnail=str(thumb)))
    assert published.extra["thumbnail"] is True
    [stored] = emulator.posts()
    assert stored["media"][1] == {"type": "image", "size": thumb.stat().st_size, "alt": None,
                                  "mime": "image/png", "role": "thumbnail"}
    thumb_call = [r for r in emulator.requests if "thumbnails" in r["path"]][0]
    assert thumb_call["query"]["videoId"] == [published.platform_id]


def test_thumbnail_failure_is_noted_but_the_video_stays_published(sb, emulator, video, tmp_path):
    published = make_channel(sb).publish(make_post(video, thumbnail=str(tmp_path / "nope.png")))
    assert "not found" in published.extra["thumbnail_error"]
    assert len(emulator.posts()) == 1


def test_thumbnail_refused_by_platform_is_noted(sb, emulator, video, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(png_bytes() + bytes(3 * 1024 * 1024))
    published = make_channel(sb).publish(make_post(video, thumbnail=str(big)))
    assert "2 MB" in published.extra["thumbnail_error"]


@pytest.mark.parametrize("media", [
    [],
    [Media(Path("poster.png"), alt="poster", kind="image", mime="image/png")],
    [Media(Path("anim.gif"), alt="anim", kind="gif", mime="image/gif")],
])
def test_a_post_without_video_is_rejected_before_any_request(sb, emulator, media):
    post = make_post(None)
    post.media = media
    with pytest.raises(Rejected, match="needs a video"):
        make_channel(sb).publish(post)
    assert emulator.requests == []


@pytest.mark.parametrize("options, reason", [
    ({"title": "x" * 101}, "invalidTitle"),
    ({"title": "Booster <gratis>"}, "invalidTitle"),
    ({"title": "   "}, "invalidTitle"),
    ({"privacy": "friends"}, "invalidVideoMetadata"),
    ({"privacy": "public", "publish_at": "2026-12-03T02:00:00Z"}, "invalidPublishAt"),
    ({"category": "people"}, "invalidCategoryId"),
    ({"tags": ["t" * 200, "u" * 200, "v" * 200]}, "invalidTags"),
])
def test_platform_validation_becomes_rejected_with_googles_reason(sb, emulator, video, options,
                                                                  reason):
    with pytest.raises(Rejected) as err:
        make_channel(sb).publish(make_post(video, **options))
    assert err.value.platform_code == reason
    assert err.value.status == 400
    assert err.value.channel == "youtube"
    assert emulator.posts() == []


def test_description_over_5000_bytes_is_rejected(sb, emulator, video):
    with pytest.raises(Rejected) as err:
        make_channel(sb).publish(make_post(video, text="é" * 2501))  # 5002 bytes
    assert err.value.platform_code == "invalidDescription"
    assert "invalid video description" in err.value.message


def test_bad_chunk_size_is_a_config_error(sb, video):
    with pytest.raises(ConfigError, match="262144"):
        make_channel(sb, chunk=1000).publish(make_post(video))


# --- failures -----------------------------------------------------------------------------
@pytest.mark.parametrize("fault", [
    {"kind": "5xx", "count": 1, "method": "POST"},   # the session start
    {"kind": "5xx", "count": 1, "method": "PUT"},    # a middle chunk
])
def test_server_errors_are_transient_and_nothing_is_published(sb, emulator, video, fault):
    sb.configure("youtube", faults=[fault])
    with pytest.raises(TransientError) as err:
        make_channel(sb).publish(make_post(video))
    assert err.value.status == 503 and err.value.platform_code == "backendError"
    assert emulator.posts() == []


def test_429_becomes_rate_limited_with_retry_at_from_retry_after(sb, video):
    now = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
    sb.configure("youtube", faults=[{"kind": "429", "count": 1}])
    with pytest.raises(RateLimited) as err:
        make_channel(sb, clock=lambda: now).publish(make_post(video))
    assert err.value.retry_at == now + timedelta(seconds=60)
    assert err.value.status == 429 and err.value.platform_code == "rateLimitExceeded"


def test_exhausted_rate_window_gives_the_reset_time(sb, emulator, clock, video):
    now = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
    sb.configure("youtube", rate_limit={"requests": 2, "window_seconds": 300})
    channel = make_channel(sb, clock=lambda: now)
    clock.advance(0)
    with pytest.raises(RateLimited) as err:  # POST + first PUT pass, the second PUT is refused
        channel.publish(make_post(video))
    assert err.value.retry_at == now + timedelta(seconds=300)
    assert emulator.rate_headers() == {}  # YouTube sends no remaining-quota headers


@pytest.mark.parametrize("quota, allowed", [
    ({"model": "buckets", "inserts_per_day": 1}, 1),
    ({"model": "units", "units_per_day": 3200}, 2),  # 1600 units an insert
])
def test_daily_quota_gives_rate_limited_until_pacific_midnight(sb, emulator, tmp_path, quota,
                                                              allowed):
    small = tmp_path / "short.mp4"
    small.write_bytes(mp4_bytes(2000))
    now = datetime(2026, 12, 2, 20, 30, tzinfo=timezone.utc)  # 12:30 in Los Angeles
    sb.configure("youtube", quota=quota)
    channel = make_channel(sb, clock=lambda: now)
    for _ in range(allowed):
        channel.publish(make_post(small))
    with pytest.raises(RateLimited) as err:
        channel.publish(make_post(small))
    assert err.value.platform_code == "quotaExceeded" and err.value.status == 403
    assert err.value.retry_at == datetime(2026, 12, 3, 8, tzinfo=timezone.utc)
    assert len(emulator.posts()) == allowed


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 12, 2, 20, 30, tzinfo=timezone.utc), datetime(2026, 12, 3, 8, 0)),  # PST
    (datetime(2026, 7, 1, 6, 59, tzinfo=timezone.utc), datetime(2026, 7, 1, 7, 0)),     # PDT
    (datetime(2026, 3, 8, 12, 0, tzinfo=timezone.utc), datetime(2026, 3, 9, 7, 0)),     # DST day
    (datetime(2026, 11, 1, 7, 30, tzinfo=timezone.utc), datetime(2026, 11, 2, 8, 0)),   # DST end
])
def test_next_pacific_midnight(now, expected):
    assert next_pacific_midnight(now) == expected.replace(tzinfo=timezone.utc)


def test_upload_limit_is_rejected(sb, video):
    sb.configure("youtube", upload_limit=0)
    with pytest.raises(Rejected) as err:
        make_channel(sb).publish(make_post(video))
    assert err.value.platform_code == "uploadLimitExceeded"
    assert "24 hours" in err.value.hint


def test_lost_answer_after_upload_is_unknown_outcome_and_find_recent_finds_it(sb, emulator,
                                                                               video):
    # The final PUT is applied, then the connection drops. httplib2 re-sends once on a fresh
    # connection, but the body stream is spent, so the re-send stalls until the timeout:
    # the same thing a dropped answer from Google would do.
    since = datetime.fromtimestamp(START - 5, timezone.utc)
    sb.configure("youtube", faults=[{"kind": "timeout_after_apply", "count": 1, "method": "PUT",
                                     "path": "/upload"}])
    channel = make_channel(sb, chunk=1024 * 1024, timeout=1)
    post = make_post(video)
    with pytest.raises(UnknownOutcome) as err:
        channel.publish(post)
    assert err.value.channel == "youtube"
    [stored] = emulator.posts()  # applied once, never twice
    found = channel.find_recent(post, since)
    assert found is not None and found.platform_id == stored["id"]
    assert found.url == f"https://www.youtube.com/watch?v={stored['id']}"
    other = make_post(video, text="another text")
    assert channel.find_recent(other, since) is None
    assert channel.find_recent(post, since + timedelta(hours=1)) is None


def test_lost_answer_to_a_middle_chunk_is_transient(sb, emulator, video):
    sb.configure("youtube", faults=[{"kind": "timeout_after_apply", "count": 1, "method": "PUT"}])
    with pytest.raises(TransientError):
        make_channel(sb, timeout=1).publish(make_post(video))
    assert emulator.posts() == []


@pytest.mark.parametrize("drops, published", [(1, 1), (2, 0)])
def test_lost_answer_to_session_start(sb, emulator, video, drops, published):
    # A session start carries only JSON, so httplib2's single re-send recovers one drop;
    # two drops fail, and nothing can exist yet: transient, not unknown.
    sb.configure("youtube", faults=[{"kind": "timeout_after_apply", "count": drops,
                                     "method": "POST"}])
    channel = make_channel(sb, timeout=2)
    if published:
        channel.publish(make_post(video))
    else:
        with pytest.raises(TransientError):
            channel.publish(make_post(video))
    assert len(emulator.posts()) == published


def test_connection_refused_is_transient(video):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    account = Account(name="youtube", platform="youtube", options={"chunk_size": CHUNK})
    channel = YouTubeChannel(account, SandboxSecrets(), base_url=f"http://127.0.0.1:{port}/youtube",
                             timeout=2)
    with pytest.raises(TransientError):
        channel.publish(make_post(video))


# --- credentials ----------------------------------------------------------------------------
def test_expired_token_is_refreshed_and_the_new_token_stored(sb, emulator, tmp_path, video):
    secrets = env_secrets(tmp_path, access_token="stale-access-token-value")
    account = env_account(["client_id", "client_secret", "refresh_token", "access_token"])
    channel = YouTubeChannel(account, secrets, base_url=sb.base_url("youtube"))
    channel.publish(make_post(video))
    assert ("POST", "/token", 200) in paths(emulator)
    stored = TokenStore(tmp_path / "tokens.json").get("youtube", "access_token")
    assert stored and stored.startswith("ya29.sandbox-") and stored in emulator.tokens

    emulator.requests.clear()  # a new run reuses the stored token: no refresh
    again = YouTubeChannel(account, secrets, base_url=sb.base_url("youtube"))
    again.publish(make_post(video))
    assert ("POST", "/token", 200) not in paths(emulator)

    # Once the stored token's expiry has passed, google-auth refreshes before calling.
    TokenStore(tmp_path / "tokens.json").put("youtube", {
        "access_token_expiry": "2020-01-01T00:00:00+00:00"})
    emulator.requests.clear()
    YouTubeChannel(account, secrets, base_url=sb.base_url("youtube")).publish(make_post(video))
    assert paths(emulator)[0] == ("POST", "/token", 200)
    assert ("POST", "/upload/youtube/v3/videos", 401) not in paths(emulator)


def test_injected_expired_token_is_refreshed_transparently(sb, emulator, video):
    sb.configure("youtube", faults=[{"kind": "expired_token", "count": 1}])
    make_channel(sb).publish(make_post(video))
    assert ("POST", "/token", 200) in paths(emulator)
    assert len(emulator.posts()) == 1


def test_token_that_stays_expired_is_auth_error(sb, video):
    sb.configure("youtube", faults=[{"kind": "expired_token", "count": 10}])
    with pytest.raises(AuthError) as err:
        make_channel(sb).publish(make_post(video))
    assert err.value.platform_code == "invalid_grant"  # the refresh was refused too
    assert "campaignctl channels login youtube" in err.value.hint


def test_api_401_after_refresh_is_auth_error(sb, video):
    sb.configure("youtube", faults=[{"kind": "expired_token", "count": 10, "path": "/v3/"}])
    with pytest.raises(AuthError) as err:
        make_channel(sb).publish(make_post(video))
    assert err.value.status == 401 and err.value.platform_code == "authError"


def test_revoked_refresh_token_is_auth_error_without_leaking_secrets(sb, emulator, tmp_path,
                                                                    video):
    access, refresh = "wrong-access-token-1234", "revoked-refresh-token-5678"
    secrets = env_secrets(tmp_path, access_token=access, refresh_token=refresh)
    account = env_account(["client_id", "client_secret", "refresh_token", "access_token"])
    channel = YouTubeChannel(account, secrets, base_url=sb.base_url("youtube"))
    with pytest.raises(AuthError) as err:
        channel.publish(make_post(video))
    assert err.value.platform_code == "invalid_grant"
    assert err.value.hint == "run `campaignctl channels login youtube`"
    shown = " ".join([str(err.value), repr(err.value), err.value.one_line(), repr(channel),
                      repr(err.value.__cause__), str(err.value.__context__ or "")])
    for secret in (access, refresh, CREDENTIALS["client_secret"]):
        assert secret not in shown
    assert emulator.posts() == []


def test_token_endpoint_outage_is_transient(sb, emulator, tmp_path, video):
    sb.configure("youtube", faults=[{"kind": "5xx", "count": 3, "path": "/token"}])
    account = env_account(["client_id", "client_secret", "refresh_token"])
    channel = YouTubeChannel(account, env_secrets(tmp_path), base_url=sb.base_url("youtube"))
    with pytest.raises(TransientError) as err:
        channel.publish(make_post(video))
    assert err.value.platform_code == "temporarily_unavailable"
    assert paths(emulator) == [("POST", "/token", None)] * 3  # google-auth's own 3 attempts
    assert emulator.posts() == []


def test_revoked_in_the_emulator_fails_check(sb, tmp_path):
    sb.configure("youtube", revoked=True)
    with pytest.raises(AuthError, match="invalid_grant"):
        make_channel(sb).check()


# --- delete, metrics, check -------------------------------------------------------------------
def test_delete_removes_the_video_and_is_idempotent(sb, emulator, video):
    channel = make_channel(sb)
    published = channel.publish(make_post(video))
    channel.delete(published)
    assert emulator.posts() == []
    assert ("DELETE", "/youtube/v3/videos", 204) in paths(emulator)
    channel.delete(published)  # already gone: 404 counts as deleted
    assert ("DELETE", "/youtube/v3/videos", 404) in paths(emulator)


def test_delete_without_the_youtube_scope_is_auth_error(sb, emulator, tmp_path, video):
    published = make_channel(sb).publish(make_post(video))
    sb.configure("youtube", scopes="https://www.googleapis.com/auth/youtube.upload")
    account = env_account(["client_id", "client_secret", "refresh_token"])
    channel = YouTubeChannel(account, env_secrets(tmp_path), base_url=sb.base_url("youtube"))
    with pytest.raises(AuthError) as err:
        channel.delete(published)
    assert err.value.platform_code == "insufficientPermissions"
    assert len(emulator.posts()) == 1


def test_metrics_grow_with_the_clock_and_gaps_name_missing_videos(sb, emulator, clock, video):
    channel = make_channel(sb)
    first = channel.publish(make_post(video))
    second = channel.publish(make_post(video, title="Second"))
    gone = Published("doesNotExist")
    early = channel.metrics([first, second, gone])
    assert [m.platform_id for m in early] == [first.platform_id, second.platform_id,
                                              "doesNotExist"]
    assert early[0].values == {"views": 0, "likes": 0, "favorites": 0, "comments": 0}
    assert early[2].gap == "not found" and early[2].values == {}

    clock.advance(6 * 3600)
    later = channel.metrics([first, second, gone])
    expected = emulator.statistics(first.platform_id, 6 * 3600)
    assert later[0].values == {"views": expected["viewCount"], "likes": expected["likeCount"],
                               "favorites": 0, "comments": expected["commentCount"]}
    assert later[0].values["views"] > 0 and later[1].values["views"] > 0
    assert all(later[i].values["views"] >= early[i].values["views"] for i in range(2))
    assert later[2].gap == "not found"


def test_metrics_are_batched_by_fifty_ids(sb, emulator, video):
    channel = make_channel(sb)
    real = channel.publish(make_post(video))
    many = [Published(f"missing{i:03d}") for i in range(120)] + [real]
    result = channel.metrics(many)
    assert len(result) == 121 and result[-1].gap is None
    calls = [r for r in emulator.requests if r["path"] == "/youtube/v3/videos"
             and r["method"] == "GET"]
    assert [len(c["query"]["id"][0].split(",")) for c in calls] == [50, 50, 21]


def test_processing_state_moves_with_the_clock(sb, emulator, clock, video):
    make_channel(sb).publish(make_post(video))
    assert emulator.posts()[0]["upload_status"] == "uploaded"
    clock.advance(PROCESSING_SECONDS)
    assert emulator.posts()[0]["upload_status"] == "processed"


def test_check_reports_the_channel_and_token_expiry(sb):
    report = make_channel(sb).check()
    assert report.ok
    assert report.summary == ("youtube: channel Sandbox Public Service Channel, can upload "
                              "(default privacy private; unverified projects upload as private)")
    assert report.details["channel_id"].startswith("UC")
    assert datetime.fromisoformat(report.details["token_expiry"]) > datetime.now(timezone.utc)
    assert "https://www.googleapis.com/auth/youtube.upload" in report.details["scopes"]


def test_check_without_upload_scope_is_not_ok(sb):
    sb.configure("youtube", scopes="https://www.googleapis.com/auth/youtube.readonly")
    report = make_channel(sb).check()
    assert not report.ok and "cannot upload" in report.summary


def test_unaudited_project_uploads_land_private_and_say_so(sb, emulator, video):
    sb.configure("youtube", audited=False)
    published = make_channel(sb).publish(make_post(video, privacy="public"))
    assert published.extra["privacy"] == "private"
    assert "instead of public" in published.extra["privacy_note"]


def test_importing_the_channel_imports_no_sdk():
    code = ("import sys, campaignctl.channels.youtube as m; m.YouTubeChannel.limits; "
            "bad = [n for n in ('googleapiclient', 'httplib2', 'google.auth', "
            "'google_auth_httplib2') if n in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- live (opt-in) -----------------------------------------------------------------------------
LIVE_VARS = ("YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET", "YOUTUBE_REFRESH_TOKEN",
             "YOUTUBE_LIVE_VIDEO")


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("CAMPAIGNCTL_LIVE_YOUTUBE") != "1"
                    or not all(os.environ.get(v) for v in LIVE_VARS),
                    reason="set CAMPAIGNCTL_LIVE_YOUTUBE=1 and " + ", ".join(LIVE_VARS))
def test_live_private_upload_and_delete(monkeypatch):
    import conftest

    # This test alone may leave loopback: it talks to Google.
    monkeypatch.setattr(socket.socket, "connect", conftest._real_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", conftest._real_connect_ex)
    fields = {"client_id": "${YOUTUBE_CLIENT_ID}", "client_secret": "${YOUTUBE_CLIENT_SECRET}",
              "refresh_token": "${YOUTUBE_REFRESH_TOKEN}"}
    channel = YouTubeChannel(Account(name="youtube-live", platform="youtube",
                                     credentials=fields), SecretSource())
    assert channel.check().ok
    post = make_post(Path(os.environ["YOUTUBE_LIVE_VIDEO"]),
                     text="campaignctl live test; deleted right away", privacy="private")
    published = channel.publish(post)
    try:
        assert published.platform_id
    finally:
        channel.delete(published)
