"""FacebookChannel through the real facebook-sdk against the Graph emulator over loopback."""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import sys
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from campaignctl import report as R
from campaignctl.channels.credentials import SecretSource
from campaignctl.channels.facebook import FacebookChannel
from campaignctl.errors import (AuthError, ConfigError, NotSupported, RateLimited, Rejected,
                                TransientError, UnknownOutcome)
from campaignctl.ledger import PUBLISHED, Ledger, occurrences
from campaignctl.models import Account, Media, PlanEntry, Published, RenderedPost
from campaignctl.publish import Publisher
from campaignctl.sandbox import Sandbox, SandboxSecrets
from campaignctl.sandbox.facebook import CREDENTIALS, PAGE_ID, FacebookEmulator
from support import FakeClock

START = 1_796_000_000.0  # a fixed instant (Nov 2026) for the emulator's clock
NOW = datetime.fromtimestamp(START, timezone.utc)
GIF_1PX = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c"
                        "00000000010001000002024401003b")


def write_png(path: Path) -> Path:
    """A valid 1x1 RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    return path


def write_mp4(path: Path, size: int = 300_000, *, noise: bool = False) -> Path:
    """An ISO-BMFF file: an ftyp box then padding in an mdat box (enough for upload paths);
    with ``noise`` the padding is random, so a chunk sent twice or out of order shows."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isommp41"
    body = os.urandom(size - 32) if noise else b"\0" * (size - 32)
    path.write_bytes(ftyp + struct.pack(">I", size - 24) + b"mdat" + body)
    return path


@pytest.fixture(scope="module")
def _server():
    """One sandbox per module, with its fake clock; each test gets it reset."""
    clock = FakeClock(START)
    with Sandbox(port=0, emulators={"facebook": FacebookEmulator(clock)}) as sb:
        yield sb, clock


@pytest.fixture
def clock(_server) -> FakeClock:
    _server[1].now = START
    return _server[1]


@pytest.fixture
def fb(_server, clock: FakeClock) -> Sandbox:
    """The sandbox with only the Facebook emulator, emptied (the others are not needed)."""
    _server[0].reset()
    return _server[0]


def make_account(**options: str) -> Account:
    return Account(name="facebook", platform="facebook",
                   credentials={"page_access_token": "${FB_PAGE_TOKEN}"},
                   options={"page_id": PAGE_ID, **options})


@pytest.fixture
def channel(fb: Sandbox) -> FacebookChannel:
    return FacebookChannel(make_account(), SandboxSecrets(), base_url=fb.base_url("facebook"),
                           clock=lambda: NOW)


@pytest.fixture
def media(tmp_path: Path) -> dict[str, Media]:
    gif = tmp_path / "anim.gif"
    gif.write_bytes(GIF_1PX)
    return {
        "png": Media(write_png(tmp_path / "poster.png"), alt="Poster: free booster",
                     kind="image", mime="image/png"),
        "png2": Media(write_png(tmp_path / "map.png"), alt="Map to the clinic",
                      kind="image", mime="image/png"),
        "gif": Media(gif, alt="Animated arrow", kind="gif", mime="image/gif"),
        "mp4": Media(write_mp4(tmp_path / "explainer.mp4"), kind="video", mime="video/mp4"),
    }


def rendered(text: str, media: list[Media] | None = None, **options: object) -> RenderedPost:
    return RenderedPost(campaign="booster", post="launch", channel="facebook",
                        platform="facebook", at=NOW, parts=[text], media=media or [],
                        options=dict(options))


def stored(fb: Sandbox) -> list[dict]:
    return fb.all_posts()["facebook"]


def paths(fb: Sandbox, method: str | None = None) -> list[str]:
    return [r["path"] for r in fb.emulators["facebook"].requests
            if method is None or r["method"] == method]


# --- publish -------------------------------------------------------------------------
def test_text_post_with_link(fb: Sandbox, channel: FacebookChannel) -> None:
    result = channel.publish(rendered("Vaksin booster gratis", link="https://example.go.id/b"))
    assert result.platform_id.startswith(f"{PAGE_ID}_")
    assert result.url == f"https://www.facebook.com/{result.platform_id}"
    assert result.ids == [result.platform_id]
    [post] = stored(fb)
    assert (post["id"], post["text"], post["link"]) == (
        result.platform_id, "Vaksin booster gratis", "https://example.go.id/b")
    assert paths(fb, "POST") == [f"/v24.0/{PAGE_ID}/feed"]


@pytest.mark.parametrize("key,mime", [("png", "image/png"), ("gif", "image/gif")])
def test_single_photo_post_carries_caption_and_alt(fb: Sandbox, channel: FacebookChannel,
                                                   media: dict[str, Media], key: str,
                                                   mime: str) -> None:
    seen: list[tuple[int, int]] = []
    item = media[key]
    result = channel.publish(rendered("Poster hari ini", [item]),
                             progress=lambda a, b: seen.append((a, b)))
    [post] = stored(fb)
    assert post["id"] == result.platform_id and post["text"] == "Poster hari ini"
    [photo] = post["media"]
    assert (photo["type"], photo["mime"], photo["alt"]) == ("photo", mime, item.alt)
    assert photo["size"] == item.path.stat().st_size
    assert result.ids == [result.platform_id, photo["id"]]
    assert result.extra["photo_id"] == photo["id"]
    assert seen == [(photo["size"], photo["size"])]
    assert paths(fb, "POST") == [f"/v24.0/{PAGE_ID}/photos"]


def test_multi_photo_post_uploads_unpublished_then_attaches(fb: Sandbox,
                                                            channel: FacebookChannel,
                                                            media: dict[str, Media]) -> None:
    result = channel.publish(rendered("Dua gambar", [media["png"], media["png2"]]))
    [post] = stored(fb)
    assert post["id"] == result.platform_id
    assert [m["alt"] for m in post["media"]] == ["Poster: free booster", "Map to the clinic"]
    assert result.ids == post["ids"]
    assert paths(fb, "POST") == [f"/v24.0/{PAGE_ID}/photos"] * 2 + [f"/v24.0/{PAGE_ID}/feed"]


def test_video_post(fb: Sandbox, channel: FacebookChannel, media: dict[str, Media]) -> None:
    seen: list[tuple[int, int]] = []
    result = channel.publish(rendered("Penjelasan singkat", [media["mp4"]]),
                             progress=lambda a, b: seen.append((a, b)))
    [post] = stored(fb)
    [video] = post["media"]
    assert (post["text"], video["type"], video["size"]) == ("Penjelasan singkat", "video",
                                                            300_000)
    assert result.platform_id == post["id"]
    assert result.extra["video_id"] == video["id"]
    assert result.extra["video_status"] == "processing"
    assert result.ids == [post["id"], video["id"]]
    assert seen == [(300_000, 300_000)]


def test_a_link_with_media_is_refused_before_any_upload(fb: Sandbox, channel: FacebookChannel,
                                                       media: dict[str, Media]) -> None:
    with pytest.raises(NotSupported) as info:
        channel.publish(rendered("Foto", [media["png"]], link="https://example.go.id"))
    assert "link in the text" in info.value.hint
    assert fb.emulators["facebook"].requests == []


def test_unpublished_option_hides_the_post_from_the_feed(fb: Sandbox,
                                                         channel: FacebookChannel) -> None:
    channel.publish(rendered("Draft only", published=False))
    [post] = stored(fb)
    assert post["published"] is False
    assert channel.find_recent(rendered("Draft only"), NOW - timedelta(minutes=1)) is None


def test_graph_version_comes_from_account_options(fb: Sandbox) -> None:
    ch = FacebookChannel(make_account(graph_version="v25.0"), SandboxSecrets(),
                         base_url=fb.base_url("facebook"))
    ch.publish(rendered("Versi 25"))
    assert paths(fb, "POST") == [f"/v25.0/{PAGE_ID}/feed"]


def test_an_old_graph_version_is_rejected(fb: Sandbox) -> None:
    ch = FacebookChannel(make_account(graph_version="20.0"), SandboxSecrets(),
                         base_url=fb.base_url("facebook"))
    with pytest.raises(Rejected) as info:
        ch.publish(rendered("Versi lama"))
    assert info.value.platform_code == "2635"
    assert "deprecated version" in info.value.message


def test_missing_page_id_is_a_config_error(fb: Sandbox) -> None:
    account = Account(name="fb-province", platform="facebook",
                      credentials={"page_access_token": "${T}"})
    ch = FacebookChannel(account, SandboxSecrets(), base_url=fb.base_url("facebook"))
    with pytest.raises(ConfigError) as info:
        ch.publish(rendered("x"))
    assert "channels.fb-province.options" in info.value.hint


# --- failures ------------------------------------------------------------------------
@pytest.mark.parametrize("kind,error,status,code", [
    ("5xx", TransientError, 503, "2"),
    ("429", RateLimited, 400, "80001"),
    ("expired_token", AuthError, 400, "190/463"),
])
def test_injected_faults_map_to_the_taxonomy(fb: Sandbox, channel: FacebookChannel,
                                             kind: str, error: type, status: int,
                                             code: str) -> None:
    fb.configure("facebook", faults=[{"kind": kind, "count": 1}])
    with pytest.raises(error) as info:
        channel.publish(rendered(f"fault {kind}"))
    exc = info.value
    assert (exc.channel, exc.status, exc.platform_code) == ("facebook", status, code)
    assert stored(fb) == []
    channel.publish(rendered(f"fault {kind}"))  # the fault was used up: the retry goes out
    assert len(stored(fb)) == 1


def test_expired_token_says_how_to_log_in_again(fb: Sandbox, channel: FacebookChannel) -> None:
    fb.configure("facebook", faults=[{"kind": "expired_token", "count": 1}])
    with pytest.raises(AuthError) as info:
        channel.publish(rendered("expired"))
    assert "expired" in info.value.message
    assert "campaignctl channels login facebook" in info.value.hint


def test_injected_429_retry_at_from_business_use_case_header(fb: Sandbox,
                                                             channel: FacebookChannel) -> None:
    fb.configure("facebook", faults=[{"kind": "429", "count": 1}])
    with pytest.raises(RateLimited) as info:
        channel.publish(rendered("too fast"))
    # The core resets an injected 429 60 s later: Graph says "1 minute" to regain access.
    assert info.value.retry_at == NOW + timedelta(minutes=1)


def test_exhausted_window_gives_retry_at_in_minutes(fb: Sandbox, channel: FacebookChannel,
                                                    clock: FakeClock) -> None:
    fb.configure("facebook", rate_limit={"requests": 2, "window_seconds": 600})
    channel.publish(rendered("one"))
    clock.advance(60)
    channel.publish(rendered("two"))
    with pytest.raises(RateLimited) as info:
        channel.publish(rendered("three"))
    assert info.value.platform_code == "80001"
    assert info.value.retry_at == NOW + timedelta(minutes=9)  # 600 s window, 60 s used


def test_rate_limit_without_usage_header_uses_the_default(channel: FacebookChannel) -> None:
    import requests

    response = requests.Response()
    assert channel._retry_at(response) == NOW + timedelta(minutes=15)


# A video upload has three POSTs to /videos; only the finish makes the post.
@pytest.mark.parametrize("edge,kinds", [("/feed", []), ("/photos", ["png"]),
                                        ("upload_phase=finish", ["mp4"])])
def test_timeout_after_apply_is_unknown_then_find_recent_finds_it(
        fb: Sandbox, channel: FacebookChannel, clock: FakeClock, media: dict[str, Media],
        edge: str, kinds: list[str]) -> None:
    fb.configure("facebook", faults=[{"kind": "timeout_after_apply", "count": 1,
                                      "path": edge}])
    post = rendered("Mungkin terkirim", [media[k] for k in kinds])
    with pytest.raises(UnknownOutcome) as info:
        channel.publish(post)
    assert info.value.channel == "facebook"
    [applied] = stored(fb)
    found = channel.find_recent(post, NOW - timedelta(seconds=30))
    assert found is not None and found.platform_id == applied["id"]
    assert found.url == applied["url"]
    clock.advance(120)
    assert channel.find_recent(post, NOW + timedelta(seconds=60)) is None
    assert channel.find_recent(rendered("other text"), NOW - timedelta(seconds=30)) is None


def test_lost_answer_to_an_unpublished_album_photo_is_retryable(
        fb: Sandbox, channel: FacebookChannel, media: dict[str, Media]) -> None:
    fb.configure("facebook", faults=[{"kind": "timeout_after_apply", "count": 1,
                                      "path": "/photos"}])
    with pytest.raises(TransientError):
        channel.publish(rendered("Album", [media["png"], media["png2"]]))
    assert stored(fb) == []  # an unpublished photo is no post: nothing reached people


def test_connection_refused_is_transient(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ch = FacebookChannel(make_account(), SandboxSecrets(),
                         base_url=f"http://127.0.0.1:{port}/facebook")
    with pytest.raises(TransientError) as info:
        ch.publish(rendered("nobody listens"))
    assert f"127.0.0.1:{port}" in info.value.message


@pytest.mark.parametrize("case", ["duplicate", "bad_image", "bad_video"])
def test_platform_refusals_are_rejected_with_its_message(fb: Sandbox, channel: FacebookChannel,
                                                          tmp_path: Path, case: str) -> None:
    if case == "duplicate":
        channel.publish(rendered("Sama persis"))
        post, code, words = rendered("Sama persis"), "506", "identical"
    elif case == "bad_image":
        fake = tmp_path / "fake.png"
        fake.write_bytes(b"not an image at all")
        post = rendered("gambar rusak", [Media(fake, alt="x", kind="image", mime="image/png")])
        code, words = "100/1366046", "couldn't be uploaded"
    else:
        fake = tmp_path / "fake.mp4"
        fake.write_bytes(b"\0" * 64)
        post = rendered("video rusak", [Media(fake, kind="video", mime="video/mp4")])
        code, words = "352", "format"
    with pytest.raises(Rejected) as info:
        channel.publish(post)
    assert info.value.platform_code == code
    assert words in info.value.message
    assert info.value.retryable is False


@pytest.mark.parametrize("code,subcode,status,error", [
    (190, 460, 400, AuthError), (102, None, 400, AuthError), (104, None, 400, AuthError),
    (10, None, 400, AuthError), (200, None, 403, AuthError), (299, None, 400, AuthError),
    (4, None, 400, RateLimited), (17, None, 400, RateLimited), (32, None, 400, RateLimited),
    (613, 1996, 400, RateLimited), (80001, None, 400, RateLimited),
    (1, None, 500, TransientError), (2, None, 503, TransientError),
    (100, None, 400, Rejected), (368, None, 400, Rejected), (506, None, 400, Rejected),
    (12345, None, 400, Rejected),
])
def test_every_documented_graph_code_maps_to_its_class(channel: FacebookChannel, code: int,
                                                       subcode: int | None, status: int,
                                                       error: type) -> None:
    # The emulator produces only some codes; the rest are mapped from Graph's own shape.
    import facebook
    import requests

    body = {"error": {"message": f"(#{code}) from Graph", "type": "OAuthException",
                      "code": code, "fbtrace_id": "Atrace"}}
    if subcode:
        body["error"]["error_subcode"] = subcode
    response = requests.Response()
    response.status_code = status
    exc = channel._graph_error(facebook.GraphAPIError(body), response)
    assert type(exc) is error
    assert exc.platform_code == (f"{code}/{subcode}" if subcode else str(code))
    assert exc.status == status and exc.channel == "facebook"
    assert f"(#{code}) from Graph" in exc.message


def test_an_html_gateway_error_is_transient(channel: FacebookChannel) -> None:
    import facebook
    import requests

    response = requests.Response()
    response.status_code = 502
    exc = channel._graph_error(
        facebook.GraphAPIError("Maintype was not text, image, or querystring"), response)
    assert isinstance(exc, TransientError) and exc.status == 502


# --- video: the resumable upload --------------------------------------------------------
CHUNK = 64 * 1024  # the emulator's end_offset step in these tests (Graph picks it)


@pytest.fixture
def big_video(fb: Sandbox, tmp_path: Path) -> Media:
    """A 300 kB video of random bytes, uploaded in 64 KiB chunks: 4 full ones and a rest."""
    fb.configure("facebook", video_chunk_size=CHUNK)
    return Media(write_mp4(tmp_path / "explainer-long.mp4", noise=True), kind="video",
                 mime="video/mp4")


@pytest.fixture
def naps() -> list[float]:
    return []


@pytest.fixture
def patient(fb: Sandbox, naps: list[float]) -> FacebookChannel:
    """The channel with its pauses between chunk retries recorded instead of slept."""
    return FacebookChannel(make_account(), SandboxSecrets(), base_url=fb.base_url("facebook"),
                           clock=lambda: NOW, sleep=naps.append)


def video_object(fb: Sandbox, video_id: str) -> dict:
    return fb.emulators["facebook"].objects[video_id]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def phases(fb: Sandbox) -> list[str]:
    """The upload_phase of each request the emulator got, from its request record."""
    out = []
    for r in fb.emulators["facebook"].requests:
        if r["method"] == "POST" and r["path"].endswith("/videos"):
            out.append(r.get("fault", r.get("status")))
    return out


def test_video_arrives_byte_identical_in_chunks_with_progress(
        fb: Sandbox, channel: FacebookChannel, big_video: Media) -> None:
    seen: list[tuple[int, int]] = []
    result = channel.publish(rendered("Penjelasan panjang", [big_video]),
                             progress=lambda a, b: seen.append((a, b)))
    [post] = stored(fb)
    [video] = post["media"]
    assert (post["text"], video["type"], video["size"]) == ("Penjelasan panjang", "video",
                                                            300_000)
    obj = video_object(fb, video["id"])
    assert obj["sha256"] == sha256(big_video.path)
    assert obj["chunks"] == [CHUNK] * 4 + [300_000 - 4 * CHUNK]
    assert seen == [(min(n * CHUNK, 300_000), 300_000) for n in range(1, 6)]
    # the same Published as the simple upload gave: ledger, report and retract rely on it
    assert result.platform_id == post["id"] and result.ids == [post["id"], video["id"]]
    assert result.url == f"https://www.facebook.com/{PAGE_ID}/videos/{video['id']}"
    assert result.extra == {"video_id": video["id"], "video_status": "processing",
                            "graph_version": "v24.0"}
    videos = f"/v24.0/{PAGE_ID}/videos"
    assert paths(fb, "POST") == [videos] * 7  # start, five transfers, finish


def test_video_chunks_are_read_one_at_a_time(fb: Sandbox, channel: FacebookChannel,
                                             big_video: Media) -> None:
    channel.publish(rendered("Hemat memori", [big_video]))
    posts = [r for r in fb.emulators["facebook"].requests if r["method"] == "POST"]
    bodies = [int(r["headers"]["content-length"]) for r in posts]
    # Each request carries at most one chunk plus the form fields: never the whole file.
    assert max(bodies) < CHUNK + 2048
    assert sum(bodies) < 300_000 + 7 * 2048
    [post] = stored(fb)
    assert max(video_object(fb, post["media"][0]["id"])["chunks"]) == CHUNK


def test_unpublished_video_goes_through_finish(fb: Sandbox, channel: FacebookChannel,
                                               big_video: Media) -> None:
    channel.publish(rendered("Video draf", [big_video], published=False))
    [post] = stored(fb)
    assert post["published"] is False and post["media"][0]["size"] == 300_000


def test_a_5xx_on_one_transfer_is_retried_and_the_video_arrives_once(
        fb: Sandbox, patient: FacebookChannel, big_video: Media, naps: list[float]) -> None:
    fb.configure("facebook", faults=[{"kind": "5xx", "count": 1,
                                      "path": "upload_phase=transfer"}])
    patient.publish(rendered("Coba lagi", [big_video]))
    [post] = stored(fb)
    obj = video_object(fb, post["media"][0]["id"])
    assert obj["sha256"] == sha256(big_video.path)
    assert naps == [1.0]
    assert phases(fb) == [200, "5xx"] + [200] * 6


def test_a_lost_transfer_answer_goes_on_from_the_offset_graph_names(
        fb: Sandbox, patient: FacebookChannel, big_video: Media, naps: list[float]) -> None:
    """The chunk arrived, its answer did not: the resend gets 6001/1363037 with the next
    offsets in error_data, and the upload continues from there without a duplicate byte."""
    fb.configure("facebook", faults=[{"kind": "timeout_after_apply", "count": 1,
                                      "path": "upload_phase=transfer"}])
    patient.publish(rendered("Jawaban hilang", [big_video]))
    [post] = stored(fb)
    obj = video_object(fb, post["media"][0]["id"])
    assert obj["sha256"] == sha256(big_video.path)
    assert obj["chunks"] == [CHUNK] * 4 + [300_000 - 4 * CHUNK]
    assert naps == [1.0]
    assert phases(fb) == [200, "timeout_after_apply", 400] + [200] * 5


def test_a_transfer_that_keeps_failing_gives_up_with_a_transient_error(
        fb: Sandbox, patient: FacebookChannel, big_video: Media, naps: list[float]) -> None:
    fb.configure("facebook", faults=[{"kind": "5xx", "count": 10,
                                      "path": "upload_phase=transfer"}])
    with pytest.raises(TransientError) as info:
        patient.publish(rendered("Server sibuk", [big_video]))
    assert (info.value.status, info.value.platform_code) == (503, "2")
    assert naps == [1.0, 2.0, 4.0]
    assert stored(fb) == []


@pytest.mark.parametrize("kind,error", [("429", RateLimited), ("expired_token", AuthError)])
def test_a_transfer_refusal_is_not_retried_in_place(fb: Sandbox, patient: FacebookChannel,
                                                   big_video: Media, naps: list[float],
                                                   kind: str, error: type) -> None:
    fb.configure("facebook", faults=[{"kind": kind, "count": 1,
                                      "path": "upload_phase=transfer"}])
    with pytest.raises(error):
        patient.publish(rendered("Ditolak", [big_video]))
    assert naps == [] and stored(fb) == []


def test_expired_token_at_start_creates_nothing(fb: Sandbox, channel: FacebookChannel,
                                                big_video: Media) -> None:
    fb.configure("facebook", faults=[{"kind": "expired_token", "count": 1,
                                      "path": "upload_phase=start"}])
    with pytest.raises(AuthError) as info:
        channel.publish(rendered("Token kedaluwarsa", [big_video]))
    assert info.value.platform_code == "190/463"
    assert "campaignctl channels login facebook" in info.value.hint
    assert stored(fb) == [] and fb.emulators["facebook"].upload_sessions == {}
    assert phases(fb) == ["expired_token"]


def test_a_lost_start_answer_is_retryable_not_unknown(fb: Sandbox, channel: FacebookChannel,
                                                      big_video: Media) -> None:
    fb.configure("facebook", faults=[{"kind": "timeout_after_apply", "count": 1,
                                      "path": "upload_phase=start"}])
    with pytest.raises(TransientError):
        channel.publish(rendered("Sesi saja", [big_video]))
    assert stored(fb) == []  # an upload session is no post


def test_lost_finish_answer_is_found_by_the_publisher_not_sent_twice(
        fb: Sandbox, patient: FacebookChannel, big_video: Media, tmp_path: Path) -> None:
    fb.configure("facebook", faults=[{"kind": "timeout_after_apply", "count": 1,
                                      "path": "upload_phase=finish"}])
    post = rendered("Video penting", [big_video])
    entry = PlanEntry("booster", "launch", "facebook", "facebook", NOW, rendered=post)
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        naps: list[float] = []
        pub = Publisher(ledger, lambda name: patient, clock=lambda: NOW, sleep=naps.append,
                        backoff_base=0.01)
        summary = pub.publish([entry], NOW)
        [result] = summary.results
        assert result.outcome == "published", summary.to_json()
        assert "found on the platform" in (result.reason or "")
        [applied] = stored(fb)
        assert result.platform_id == applied["id"]
        assert ledger.get(entry.key).state == PUBLISHED
        assert phases(fb).count("timeout_after_apply") == 1
        assert len(phases(fb)) == 7  # one upload only: no second start
    finally:
        ledger.close()


# --- secrets -------------------------------------------------------------------------
TOKEN = "EAAG-known-secret-token-value-123"


def _assert_hidden(exc: BaseException, ch: FacebookChannel) -> None:
    for text in (str(exc), repr(exc), repr(ch), exc.one_line(), str(exc.hint)):
        assert TOKEN not in text


def test_wrong_token_is_auth_error_and_never_shown(fb: Sandbox) -> None:
    ch = FacebookChannel(make_account(), SecretSource(environ={"FB_PAGE_TOKEN": TOKEN}),
                         base_url=fb.base_url("facebook"))
    with pytest.raises(AuthError) as info:
        ch.publish(rendered("bad token"))
    assert info.value.platform_code == "190"
    _assert_hidden(info.value, ch)
    report = ch.check()
    assert report.ok is False and TOKEN not in repr(report)


def test_token_in_a_get_url_does_not_leak_through_network_errors() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ch = FacebookChannel(make_account(), SecretSource(environ={"FB_PAGE_TOKEN": TOKEN}),
                         base_url=f"http://127.0.0.1:{port}/facebook")
    with pytest.raises(TransientError) as info:
        ch.find_recent(rendered("x"), NOW)  # a GET: facebook-sdk puts the token in the URL
    _assert_hidden(info.value, ch)
    assert info.value.__suppress_context__


def test_the_emulator_never_records_the_token(fb: Sandbox, channel: FacebookChannel) -> None:
    channel.publish(rendered("rekaman"))
    channel.check()
    assert CREDENTIALS["page_access_token"] not in repr(fb.emulators["facebook"].requests[0])


# --- delete, metrics, check ----------------------------------------------------------
def test_delete_removes_the_post_and_its_photos(fb: Sandbox, channel: FacebookChannel,
                                                media: dict[str, Media]) -> None:
    album = channel.publish(rendered("Hapus saya", [media["png"], media["png2"]]))
    video = channel.publish(rendered("Video hapus", [media["mp4"]]))
    keep = channel.publish(rendered("Tetap"))
    channel.delete(album)
    channel.delete(video)
    assert [p["id"] for p in stored(fb)] == [keep.platform_id]
    assert fb.emulators["facebook"].objects.keys() == {keep.platform_id}
    with pytest.raises(Rejected) as info:
        channel.delete(album)
    assert info.value.platform_code == "100/33"


def test_metrics_grow_with_the_clock_and_gaps_are_not_zeros(fb: Sandbox,
                                                            channel: FacebookChannel,
                                                            clock: FakeClock) -> None:
    a = channel.publish(rendered("Metrik A"))
    b = channel.publish(rendered("Metrik B"))
    ghost = Published(f"{PAGE_ID}_404")
    foreign = Published("200000000000002_77")
    clock.advance(30 * 60)
    first = channel.metrics([a, ghost, b, foreign])
    assert [m.platform_id for m in first] == [a.platform_id, ghost.platform_id, b.platform_id,
                                              foreign.platform_id]
    assert first[1].gap and "100/33" in first[1].gap and first[1].values == {}
    assert first[3].gap and "(Graph error 10)" in first[3].gap and first[3].values == {}
    assert first[0].gap is None and first[0].values["reactions"] >= 60
    clock.advance(60 * 60)
    later = channel.metrics([a, b])
    for before, after in zip((first[0], first[2]), later):
        assert after.gap is None
        assert after.values["reactions"] > before.values["reactions"]
        assert after.values["comments"] > before.values["comments"]
        assert after.values["shares"] >= before.values["shares"]


def test_metrics_are_batched_by_the_declared_limit(fb: Sandbox, channel: FacebookChannel,
                                                   clock: FakeClock) -> None:
    emulator = fb.emulators["facebook"]
    with emulator.lock:  # publishing is tested above; here only the metrics calls matter
        posts = [emulator._add_post(f"batch {i}") for i in range(55)]
    published = [Published(p["id"]) for p in posts]
    clock.advance(600)
    fb.emulators["facebook"].requests.clear()
    result = channel.metrics(published)
    assert len(result) == 55 and all(m.gap is None for m in result)
    batches = [r for r in fb.emulators["facebook"].requests if r["path"] == "/v24.0/"]
    # Per batch: the fields, then the reach of the same posts from insights.
    assert [(len(r["query"]["ids"][0].split(",")), "insights" in r["query"]["fields"][0])
            for r in batches] == [(50, False), (50, True), (5, False), (5, True)]


def _h(post_id: str) -> int:
    """The emulator's per-post spread (its module docstring's ``h``)."""
    return int(hashlib.sha256(post_id.encode()).hexdigest()[:8], 16)


def insights_asked(fb: Sandbox) -> list[str]:
    """The ``insights.metric(...)`` fields the adapter asked for, in order."""
    return [r["query"]["fields"][0] for r in fb.emulators["facebook"].requests
            if "insights" in r["query"].get("fields", [""])[0]]


def test_reach_comes_from_post_insights_and_grows(fb: Sandbox, channel: FacebookChannel,
                                                  clock: FakeClock) -> None:
    a = channel.publish(rendered("Jangkauan A"))
    b = channel.publish(rendered("Jangkauan B"))
    emulator = fb.emulators["facebook"]
    clock.advance(45 * 60)
    first = channel.metrics([a, b])
    for m in first:
        assert m.gap is None
        assert m.values == emulator._metrics(emulator.objects[m.platform_id])
        assert m.values["reach"] >= 45 * 20 and m.values["reach"] > m.values["reactions"]
    assert insights_asked(fb) == ["insights.metric(post_total_media_view_unique)"]
    clock.advance(60 * 60)
    later = channel.metrics([a, b])
    assert all(after.values["reach"] > before.values["reach"]
               for before, after in zip(first, later))


def test_an_invalid_newer_metric_falls_back_to_the_older(fb: Sandbox,
                                                         channel: FacebookChannel,
                                                         clock: FakeClock) -> None:
    a = channel.publish(rendered("Metrik lama"))
    clock.advance(600)
    fb.configure("facebook", insights_metrics=["post_impressions_unique"])
    [m] = channel.metrics([a])
    assert m.gap is None and m.values["reach"] == 10 * (20 + _h(a.platform_id) % 7)
    assert insights_asked(fb) == ["insights.metric(post_total_media_view_unique)",
                                  "insights.metric(post_impressions_unique)"]


def test_no_reach_metric_accepted_is_a_gap_and_the_rest_stays(fb: Sandbox,
                                                              channel: FacebookChannel,
                                                              clock: FakeClock) -> None:
    a = channel.publish(rendered("Tanpa metrik"))
    clock.advance(600)
    fb.configure("facebook", insights_metrics=["post_media_view"])
    [m] = channel.metrics([a])
    assert "reach" not in m.values and m.values["reactions"] > 0
    assert m.gap == ("no reach: Facebook accepts none of the reach metrics "
                     "(post_total_media_view_unique, post_impressions_unique)")


def test_missing_insights_permission_is_a_reach_gap_likes_stay(fb: Sandbox,
                                                               channel: FacebookChannel,
                                                               clock: FakeClock) -> None:
    a = channel.publish(rendered("Tanpa izin"))
    clock.advance(600)
    fb.configure("facebook", read_insights=False)
    [m] = channel.metrics([a])
    assert set(m.values) == {"reactions", "comments", "shares"}  # no reach, and no zero
    assert m.values["reactions"] > 0 and m.values["comments"] > 0
    assert m.gap == ("no reach: the Page token may not read insights (Graph error 10); log in "
                     "again with read_insights and pages_read_engagement: `campaignctl "
                     "channels login facebook`")
    assert CREDENTIALS["page_access_token"] not in m.gap
    assert len(insights_asked(fb)) == 1  # a permission is not retried with the older metric


def test_rate_limit_on_insights_is_a_reach_gap_with_the_time(fb: Sandbox,
                                                             channel: FacebookChannel,
                                                             clock: FakeClock) -> None:
    a = channel.publish(rendered("Batas"))
    clock.advance(600)
    fb.configure("facebook", rate_limit={"requests": 1, "window_seconds": 3600})
    [m] = channel.metrics([a])
    assert "reach" not in m.values and m.values["reactions"] > 0
    assert m.gap and m.gap.startswith("no reach: rate limited by facebook until ")
    assert m.gap.endswith(" UTC")


def test_a_report_keeps_likes_and_says_why_reach_is_missing(fb: Sandbox,
                                                            channel: FacebookChannel,
                                                            clock: FakeClock,
                                                            tmp_path: Path) -> None:
    a = channel.publish(rendered("Laporan"))
    clock.advance(600)
    fb.configure("facebook", read_insights=False)
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    try:
        with ledger.engine.begin() as conn:
            conn.execute(occurrences.insert().values(
                key="c/p/t/facebook", campaign="c", post="p", channel="facebook",
                platform="facebook", at_utc=NOW, state="published",
                platform_id=a.platform_id, ids=f'["{a.platform_id}"]', published_at=NOW,
                attempts=1, updated_at=NOW, retryable=False))
        done = R.collect(ledger, lambda name: channel, now=NOW)
        [snap] = ledger.snapshots()
    finally:
        ledger.close()
    assert done.measured == 1 and len(done.gaps) == 1
    assert "read insights" in snap["gap"]
    numbers = R.normalize("facebook", snap["metrics"])
    assert numbers["reach"] is None and numbers["likes"] == snap["metrics"]["reactions"] > 0


def test_metrics_with_an_expired_token_raise(fb: Sandbox, channel: FacebookChannel) -> None:
    a = channel.publish(rendered("Token mati"))
    fb.configure("facebook", faults=[{"kind": "expired_token", "count": 1}])
    with pytest.raises(AuthError):
        channel.metrics([a])


def test_check_names_the_page(channel: FacebookChannel) -> None:
    report = channel.check()
    assert report.ok
    assert report.summary == f"facebook: Page Sandbox Page ({PAGE_ID}), can post"
    assert report.details["graph_version"] == "v24.0"


def test_module_import_stays_sdk_free() -> None:
    import subprocess

    code = ("import sys, campaignctl.channels.facebook as m; m.FacebookChannel.limits; "
            "print('facebook' in sys.modules, 'requests' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


# --- live (opt-in) -------------------------------------------------------------------
LIVE = os.environ.get("CAMPAIGNCTL_LIVE_FACEBOOK") == "1" and all(
    os.environ.get(k) for k in ("FACEBOOK_PAGE_TOKEN", "FACEBOOK_PAGE_ID"))


@pytest.mark.skipif(not LIVE, reason="set CAMPAIGNCTL_LIVE_FACEBOOK=1, FACEBOOK_PAGE_TOKEN "
                    "and FACEBOOK_PAGE_ID to post (unpublished) and delete on a real Page")
def test_live_unpublished_post_and_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    # conftest seals sockets to loopback; this opt-in test alone may reach graph.facebook.com.
    sealed = sys.modules.get("conftest")
    if sealed is not None and hasattr(sealed, "_real_connect"):
        monkeypatch.setattr(socket.socket, "connect", sealed._real_connect)
    account = Account(name="facebook-live", platform="facebook",
                      credentials={"page_access_token": "${FACEBOOK_PAGE_TOKEN}"},
                      options={"page_id": os.environ["FACEBOOK_PAGE_ID"]})
    ch = FacebookChannel(account, SecretSource())
    assert ch.check().ok
    stamp = datetime.now(timezone.utc).isoformat()
    result = ch.publish(rendered(f"campaignctl live test {stamp}", published=False))
    try:
        assert result.platform_id.startswith(os.environ["FACEBOOK_PAGE_ID"])
    finally:
        ch.delete(result)
