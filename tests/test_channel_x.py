"""The X adapter through the real tweepy/requests stack against the X emulator on loopback."""

from __future__ import annotations

import dataclasses
import os
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from campaignctl.channels.credentials import SecretSource, TokenStore
from campaignctl.channels.x import XChannel
from campaignctl.errors import (AuthError, Rejected, RateLimited, TransientError,
                                UnknownOutcome)
from campaignctl.models import Account, Media, Published, RenderedPost
from campaignctl.sandbox import Sandbox, SandboxSecrets
from campaignctl.sandbox.x import CREDENTIALS, READ_ONLY_TOKEN, USER, XEmulator
from support import FakeClock

T0 = 1_790_000_000.0  # 2026-09-21, a fixed instant for the emulator's clock

OAUTH1_REFS = {f: "${X_" + f.upper() + "}" for f in
               ("consumer_key", "consumer_secret", "access_token", "access_token_secret")}
OAUTH2_REFS = {f: "${X_" + f.upper() + "}" for f in
               ("client_id", "client_secret", "access_token", "refresh_token")}
ENVIRON = {"X_" + k.upper(): v for k, v in CREDENTIALS.items()}


@pytest.fixture(scope="module")
def _shared():
    # One server per module, with its fake clock; each test resets it.
    clock = FakeClock(T0)
    emulator = XEmulator(clock)
    with Sandbox(port=0, emulators={"x": emulator}) as sb:
        yield sb, emulator, clock


@pytest.fixture
def clock(_shared) -> FakeClock:
    sb, _, clock = _shared
    clock.now = T0
    sb.reset()
    return clock


@pytest.fixture
def xsb(_shared, clock):
    return _shared[0], _shared[1]


def make_channel(sb: Sandbox, refs=OAUTH1_REFS, secrets=None, name="x-ministry",
                 base_url=None) -> XChannel:
    account = Account(name=name, platform="x", credentials=dict(refs))
    ch = XChannel(account, secrets or SecretSource(environ=ENVIRON),
                  base_url=base_url or sb.base_url("x"), timeout=5.0)
    ch.sleeps = []  # type: ignore[attr-defined]
    ch.sleep = ch.sleeps.append  # type: ignore[method-assign]  # record, never wait
    return ch


@pytest.fixture
def channel(xsb) -> XChannel:
    return make_channel(xsb[0])


def rendered(*parts: str, media=(), options=None) -> RenderedPost:
    return RenderedPost(campaign="booster", post="launch", channel="x-ministry", platform="x",
                        at=datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc), parts=list(parts),
                        media=list(media), options=options or {})


# --- tiny media files ---------------------------------------------------------------------
def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
       b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def mp4_bytes(size: int = 300_000) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
    mdat = struct.pack(">I", size - len(ftyp)) + b"mdat"
    return ftyp + mdat + b"\x00" * (size - len(ftyp) - len(mdat))


@pytest.fixture
def media_files(tmp_path: Path) -> dict[str, Media]:
    (tmp_path / "poster.png").write_bytes(png_bytes())
    (tmp_path / "wave.gif").write_bytes(GIF)
    (tmp_path / "clip.mp4").write_bytes(mp4_bytes())
    (tmp_path / "broken.mp4").write_bytes(b"\x00" * 1000)
    return {
        "image": Media(tmp_path / "poster.png", alt="Poster: booster 1-7 Des", kind="image",
                       mime="image/png"),
        "gif": Media(tmp_path / "wave.gif", alt="A waving hand", kind="gif",
                     mime="image/gif"),
        "video": Media(tmp_path / "clip.mp4", alt="Explainer video", kind="video",
                       mime="video/mp4"),
        "broken": Media(tmp_path / "broken.mp4", kind="video", mime="video/mp4"),
    }


def requests_to(emulator: XEmulator, method: str, path_part: str) -> list[dict]:
    return [r for r in emulator.requests if r["method"] == method and path_part in r["path"]]


# --- publishing ----------------------------------------------------------------------
def test_thread_is_a_reply_chain(xsb, channel):
    sb, em = xsb
    pub = channel.publish(rendered("Part one #booster", "Part two", "Part three"))
    assert len(pub.ids) == 3 and pub.platform_id == pub.ids[0]
    assert pub.url == f"https://x.com/i/web/status/{pub.ids[0]}"
    stored = {p["id"]: p for p in em.posts()}
    assert [stored[i]["text"] for i in pub.ids] == ["Part one #booster", "Part two",
                                                     "Part three"]
    assert stored[pub.ids[0]]["in_reply_to"] is None
    assert stored[pub.ids[1]]["in_reply_to"] == pub.ids[0]
    assert stored[pub.ids[2]]["in_reply_to"] == pub.ids[1]


@pytest.mark.parametrize("kinds, category, segments", [
    (["image"], "tweet_image", 1),
    (["image", "image"], "tweet_image", 1),
    (["gif"], "tweet_gif", 1),
    (["video"], "tweet_video", 3),
])
def test_publish_with_media(xsb, channel, media_files, kinds, category, segments):
    sb, em = xsb
    channel.chunk_size = 128 * 1024  # type: ignore[misc]  # several segments for the video
    media = [media_files[k] for k in kinds]
    seen: list[tuple[int, int]] = []
    pub = channel.publish(rendered("With media", media=media),
                          progress=lambda sent, total: seen.append((sent, total)))
    post = next(p for p in em.posts() if p["id"] == pub.platform_id)
    assert [m["category"] for m in post["media"]] == [category] * len(kinds)
    assert [m["size"] for m in post["media"]] == [m.path.stat().st_size for m in media]
    assert [m["alt"] for m in post["media"]] == [m.alt for m in media]
    assert len(requests_to(em, "POST", "/append")) == segments * len(kinds)
    total = sum(m.path.stat().st_size for m in media)
    assert seen[-1] == (total, total)
    if kinds == ["video"]:
        # pending (check_after 0) -> in_progress (check_after 1) -> succeeded
        assert len(requests_to(em, "GET", "/2/media/upload")) == 2
        assert channel.sleeps == [0.0, 1.0]  # type: ignore[attr-defined]


def test_video_that_fails_processing_is_rejected(xsb, channel, media_files):
    sb, em = xsb
    with pytest.raises(Rejected) as info:
        channel.publish(rendered("Broken video", media=[media_files["broken"]]))
    assert "UnsupportedMedia" in info.value.message
    assert em.posts() == []


def test_options_reach_the_platform(xsb, channel):
    sb, em = xsb
    quoted = channel.publish(rendered("Original announcement"))
    pub = channel.publish(rendered("Quote it", "and a reply", options={
        "reply_settings": "following", "quote_tweet_id": quoted.platform_id}))
    posts = {p["id"]: p for p in em.posts()}
    assert posts[pub.ids[0]]["quote_tweet_id"] == quoted.platform_id
    assert posts[pub.ids[0]]["reply_settings"] == "following"
    assert posts[pub.ids[1]]["quote_tweet_id"] is None
    poll = channel.publish(rendered("Vote", options={
        "poll": {"options": ["Yes", "No"], "duration_minutes": 60}}))
    assert em.tweets[poll.platform_id]["poll"] == {"options": ["Yes", "No"],
                                                    "duration_minutes": 60}


def test_duplicate_content_is_rejected_with_x_reason(xsb, channel):
    channel.publish(rendered("Same words"))
    with pytest.raises(Rejected) as info:
        channel.publish(rendered("Same words"))
    exc = info.value
    assert "duplicate content" in exc.message
    assert (exc.status, exc.channel, exc.retryable) == (403, "x-ministry", False)
    assert exc.platform_code == "duplicate"


def test_failed_thread_part_removes_the_parts_already_posted(xsb, channel):
    sb, em = xsb
    channel.publish(rendered("Second part text"))
    with pytest.raises(Rejected):
        channel.publish(rendered("First part text", "Second part text"))
    live = [p["text"] for p in em.posts() if not p["deleted"]]
    assert live == ["Second part text"]


# --- failures mapped into the taxonomy -------------------------------------------------
@pytest.mark.parametrize("fault, path, error", [
    ("5xx", "/2/tweets", TransientError),
    ("5xx", "/2/media/upload/initialize", TransientError),
    ("expired_token", "/2/tweets", AuthError),
    ("429", "/2/tweets", RateLimited),
])
def test_faults_map_to_error_classes(xsb, channel, media_files, fault, path, error):
    sb, em = xsb
    sb.configure("x", faults=[{"kind": fault, "count": 1, "path": path}])
    with pytest.raises(error) as info:
        channel.publish(rendered("Fault case", media=[media_files["image"]]))
    assert info.value.channel == "x-ministry"
    assert em.posts() == []
    assert channel.publish(rendered("Fault case", media=[media_files["image"]])).platform_id


def test_rate_limit_reset_header_becomes_retry_at(xsb, channel, clock):
    sb, em = xsb
    sb.configure("x", faults=[{"kind": "429", "count": 1}])
    with pytest.raises(RateLimited) as info:
        channel.publish(rendered("Too fast"))
    assert info.value.retry_at == datetime.fromtimestamp(int(clock.now + 60), timezone.utc)
    assert info.value.status == 429
    # the configured window: the third call inside 15 minutes waits for the first to expire
    sb.configure("x", rate_limit={"requests": 2, "window_seconds": 900})
    channel.publish(rendered("one"))
    clock.now += 5
    channel.publish(rendered("two"))
    with pytest.raises(RateLimited) as info:
        channel.publish(rendered("three"))
    assert info.value.retry_at == datetime.fromtimestamp(int(T0 + 900), timezone.utc)


def test_expired_token_says_how_to_log_in(xsb, channel):
    sb, _ = xsb
    sb.configure("x", faults=[{"kind": "expired_token", "count": 1}])
    with pytest.raises(AuthError) as info:
        channel.check()
    assert "campaignctl channels login x-ministry" in info.value.hint
    assert info.value.status == 401


def test_dropped_connection_after_apply_is_unknown_then_found(xsb, channel, clock):
    sb, em = xsb
    since = clock.aware() - timedelta(minutes=1)
    post = rendered("Hari layanan gratis https://example.go.id/x?a=1&b=2", "Bagian dua")
    channel.publish(rendered("Unrelated earlier post"))
    sb.configure("x", faults=[{"kind": "timeout_after_apply", "count": 1,
                               "path": "/2/tweets", "method": "POST"}])
    with pytest.raises(UnknownOutcome) as info:
        channel.publish(post)
    assert info.value.retryable is False
    found = channel.find_recent(post, since)
    assert found is not None
    first = next(p for p in em.posts() if p["text"] == post.parts[0])
    assert found.ids == [first["id"]] and found.extra["complete"] is False
    assert channel.find_recent(rendered("Never posted"), since) is None


def test_read_timeout_on_create_is_unknown_but_on_reads_transient(xsb, clock):
    import time

    sb, em = xsb
    ch = make_channel(sb)
    ch.timeout = 0.2
    sb.configure("x", latency_ms=600)
    with pytest.raises(TransientError):
        ch.metrics([Published("1860000000000000001")])
    with pytest.raises(UnknownOutcome):
        ch.publish(rendered("Slow network"))
    deadline = time.monotonic() + 5
    while not em.tweets and time.monotonic() < deadline:  # the server applies it late
        time.sleep(0.05)
    sb.configure("x", latency_ms=0)
    found = ch.find_recent(rendered("Slow network"), clock.aware() - timedelta(minutes=1))
    assert found is not None and found.platform_id in em.tweets


def test_find_recent_rebuilds_a_whole_thread_and_honours_since(xsb, channel, clock):
    post = rendered("Thread start", "Thread end")
    pub = channel.publish(post)
    found = channel.find_recent(post, clock.aware() - timedelta(seconds=30))
    assert found is not None and found.ids == pub.ids and found.extra["complete"]
    assert channel.find_recent(post, clock.aware() + timedelta(seconds=30)) is None


def test_find_recent_pages_through_a_busy_timeline(xsb, channel, clock):
    sb, em = xsb
    post = rendered("The one we lost")
    channel.publish(post)
    client = channel._tweepy()
    for i in range(120):  # newer posts push it onto the second page
        client.create_tweet(text=f"busy {i}", user_auth=True)
    found = channel.find_recent(post, clock.aware() - timedelta(minutes=5))
    assert found is not None and em.tweets[found.platform_id]["text"] == post.parts[0]
    assert len(requests_to(em, "GET", f"/2/users/{USER['id']}/tweets")) == 2


def test_read_only_app_is_an_auth_problem_not_a_content_one(xsb):
    environ = dict(ENVIRON, X_ACCESS_TOKEN=READ_ONLY_TOKEN[0],
                   X_ACCESS_TOKEN_SECRET=READ_ONLY_TOKEN[1])
    ch = make_channel(xsb[0], secrets=SecretSource(environ=environ))
    report = ch.check()
    assert not report.ok and "read only" in report.summary
    assert report.details["access_level"] == "read"
    with pytest.raises(AuthError) as info:
        ch.publish(rendered("Cannot write"))
    assert info.value.status == 403 and info.value.platform_code == "oauth1-permissions"
    assert "Read and write" in info.value.hint


def test_connection_refused_is_transient(xsb):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ch = make_channel(xsb[0], base_url=f"http://127.0.0.1:{port}/x")
    with pytest.raises(TransientError):
        ch.publish(rendered("Nobody listens"))


def test_secrets_never_appear_in_errors_or_repr(xsb):
    environ = dict(ENVIRON, X_ACCESS_TOKEN_SECRET="super-secret-value-123",
                   X_ACCESS_TOKEN="wrong-token-456")
    ch = make_channel(xsb[0], secrets=SecretSource(environ=environ))
    with pytest.raises(AuthError) as info:
        ch.publish(rendered("Should not go out"))
    exc = info.value
    for secret in ("super-secret-value-123", "wrong-token-456",
                   CREDENTIALS["consumer_secret"]):
        for shown in (str(exc), repr(exc), exc.one_line(), repr(ch), str(exc.hint)):
            assert secret not in shown


# --- OAuth 2.0 user tokens ---------------------------------------------------------------
def test_oauth2_refreshes_once_and_stores_rotated_tokens(xsb, tmp_path, media_files):
    sb, em = xsb
    store = TokenStore(tmp_path / "tokens.json")
    secrets = SandboxSecrets(token_store=store)
    ch = make_channel(sb, refs=OAUTH2_REFS, secrets=secrets)
    sb.configure("x", faults=[{"kind": "expired_token", "count": 1}])
    pub = ch.publish(rendered("Posted with a bearer token", media=[media_files["image"]]))
    assert pub.platform_id in em.tweets
    saved = store.get("x-ministry", "access_token"), store.get("x-ministry", "refresh_token")
    assert saved[0] and saved[0] != CREDENTIALS["access_token"]
    assert saved[1] and saved[1] != CREDENTIALS["refresh_token"]
    assert oct((tmp_path / "tokens.json").stat().st_mode & 0o777) == "0o600"
    # the old refresh token is void now; a new process must use the stored one
    assert CREDENTIALS["refresh_token"] not in em.refresh_tokens
    del em.access_tokens[CREDENTIALS["access_token"]]  # the configured token has expired
    again = make_channel(sb, refs=OAUTH2_REFS, secrets=SandboxSecrets(token_store=store))
    report = again.check()  # works only with the stored, refreshed token
    assert report.ok and "OAuth 2.0 user token" in report.summary
    assert [r["path"] for r in em.requests].count("/2/oauth2/token") == 1  # no 2nd refresh


def test_threads_sharing_a_channel_refresh_only_once(xsb):
    import threading

    sb, em = xsb
    ch = make_channel(sb, refs=OAUTH2_REFS, secrets=SandboxSecrets())
    # both first calls are in flight together and both get a 401
    sb.configure("x", latency_ms=150, faults=[{"kind": "expired_token", "count": 2}])
    errors: list[Exception] = []

    def post(n: int) -> None:
        try:
            ch.publish(rendered(f"Concurrent {n}"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert [r["path"] for r in em.requests].count("/2/oauth2/token") == 1
    assert sorted(t["text"] for t in em.tweets.values()) == ["Concurrent 0", "Concurrent 1"]


def test_oauth2_with_a_void_refresh_token_is_an_auth_error(xsb):
    sb, em = xsb
    environ = dict(ENVIRON, X_REFRESH_TOKEN="revoked-refresh", X_ACCESS_TOKEN="expired")
    ch = make_channel(sb, refs=OAUTH2_REFS, secrets=SecretSource(environ=environ))
    with pytest.raises(AuthError) as info:
        ch.publish(rendered("No"))
    assert "refresh" in info.value.message
    assert "revoked-refresh" not in str(info.value) + repr(info.value)


# --- delete, metrics, check ---------------------------------------------------------------
def test_delete_removes_every_part(xsb, channel):
    sb, em = xsb
    pub = channel.publish(rendered("Delete me", "and me"))
    channel.delete(pub)
    assert all(em.tweets[i]["deleted"] for i in pub.ids)
    assert [r["path"] for r in requests_to(em, "DELETE", "/2/tweets/")] == [
        f"/2/tweets/{pub.ids[1]}", f"/2/tweets/{pub.ids[0]}"]


def test_metrics_grow_with_the_clock_and_gaps_are_not_zeros(xsb, channel, clock,
                                                            monkeypatch):
    sb, em = xsb
    pubs = [channel.publish(rendered(f"Metric post {i}")) for i in range(3)]
    missing = Published(platform_id="1869999999999999999", ids=["1869999999999999999"])
    channel.delete(pubs[2])
    monkeypatch.setattr(XChannel, "limits", dataclasses.replace(XChannel.limits,
                                                                metrics_batch=2))
    clock.now += 3600
    first = channel.metrics(pubs + [missing])
    expected = [{k.removesuffix("_count"): v for k, v in
                 em.public_metrics(em.tweets[p.platform_id]).items()} for p in pubs[:2]]
    clock.now += 3600
    later = channel.metrics(pubs + [missing])
    assert [m.platform_id for m in first] == [p.platform_id for p in pubs] + [missing.platform_id]
    for a, b in zip(first[:2], later[:2]):
        assert a.gap is None and b.gap is None
        assert b.values["impression"] > a.values["impression"] > 0
        assert set(a.values) == {"impression", "like", "repost", "reply", "quote", "bookmark"}
    assert first[2].gap and "Could not find" in first[2].gap and not first[2].values
    assert first[3].gap and not first[3].values
    assert [m.values for m in first[:2]] == expected
    assert len(requests_to(em, "GET", "/2/tweets")) == 4  # 4 ids in batches of 2, twice


def test_check_names_the_handle_and_auth(xsb, channel):
    report = channel.check()
    assert report.ok
    assert report.summary == (f"x-ministry: @{USER['username']}, can post "
                              "(OAuth 1.0a user context)")
    assert report.details["user_id"] == USER["id"]
    assert report.details["access_level"] == "read-write"


def test_open_channel_in_sandbox_mode_needs_no_real_secret(xsb):
    """The path `sandbox: true` accounts take: registry + SandboxSecrets + the sandbox URL."""
    from campaignctl.channels import open_channel

    sb, em = xsb
    account = Account(name="x", platform="x", credentials=dict(OAUTH1_REFS), sandbox=True)
    ch = open_channel(account, SandboxSecrets(), sandbox_url=sb.url)
    assert isinstance(ch, XChannel) and ch.base_url == sb.base_url("x")
    pub = ch.publish(rendered("Rehearsal"))
    assert em.tweets[pub.platform_id]["text"] == "Rehearsal"


def test_module_import_stays_sdk_free():
    code = ("import sys, campaignctl.channels.x as m; m.XChannel.limits; "
            "sys.exit(1 if 'tweepy' in sys.modules or 'requests' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --- live (opt-in) ------------------------------------------------------------------------
LIVE_VARS = ("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET")


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("CAMPAIGNCTL_LIVE_X") != "1"
                    or not all(os.environ.get(v) for v in LIVE_VARS),
                    reason="set CAMPAIGNCTL_LIVE_X=1 and X_CONSUMER_KEY, X_CONSUMER_SECRET, "
                           "X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET to post to the real X")
def test_live_post_and_delete(monkeypatch):
    """X has no private posts: this posts one short-lived post and deletes it at once."""
    import socket

    import conftest  # the suite seals sockets to loopback; this one test may go out

    monkeypatch.setattr(socket.socket, "connect", conftest._real_connect)
    account = Account(name="x-live", platform="x", credentials=dict(OAUTH1_REFS))
    ch = XChannel(account, SecretSource())
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    pub = ch.publish(rendered(f"campaignctl live test {stamp}, deleted at once",
                              options={"reply_settings": "mentionedUsers"}))
    try:
        assert pub.platform_id
    finally:
        ch.delete(pub)
