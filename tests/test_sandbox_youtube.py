"""The YouTube emulator: the resumable protocol, OAuth, quota, and contract tests against the
discovery document shipped in google-api-python-client (the client's own source of truth)."""

from __future__ import annotations

import hashlib
import json
import struct
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests

from campaignctl.channels.youtube import YouTubeChannel
from campaignctl.models import Account, Media, RenderedPost
from campaignctl.sandbox import Sandbox, SandboxSecrets
from campaignctl.sandbox.youtube import (
    CHANNEL_ID,
    CREDENTIALS,
    PROCESSING_SECONDS,
    ROUTES,
    TOKEN_SECONDS,
    UPLOADS_PLAYLIST,
    YouTubeEmulator,
)
from support import FakeClock

KIB256 = 256 * 1024
START = 1_790_000_000.0
AUTH = {"Authorization": f"Bearer {CREDENTIALS['access_token']}"}


def _discovery() -> dict[str, Any]:
    import googleapiclient

    path = (Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
            / "youtube.v3.json")
    return json.loads(path.read_text())


DISCOVERY = _discovery()
SCHEMAS = DISCOVERY["schemas"]
# Parameters every discovery-built client may add, besides each method's own.
CLIENT_PARAMS = set(DISCOVERY.get("parameters", {})) | {"uploadType", "upload_id", "alt"}


def method_desc(method_id: str) -> dict[str, Any]:
    """The discovery description of e.g. "youtube.videos.insert"."""
    _, resource, name = method_id.split(".")
    return DISCOVERY["resources"][resource]["methods"][name]


def conforms(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Every place where ``value`` does not fit the discovery ``schema`` (empty: it fits)."""
    if "$ref" in schema:
        return conforms(value, SCHEMAS[schema["$ref"]], where)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        problems: list[str] = []
        props, extra = schema.get("properties") or {}, schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                problems += conforms(item, props[key], f"{where}.{key}")
            elif extra:
                problems += conforms(item, extra, f"{where}.{key}")
            else:
                problems.append(f"{where}.{key}: not in the discovery schema")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        return [p for i, item in enumerate(value)
                for p in conforms(item, schema.get("items", {}), f"{where}[{i}]")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {type(value).__name__}"]
        if fmt in ("int64", "uint64") and not value.lstrip("-").isdigit():
            return [f"{where}: expected a {fmt} string, got {value!r}"]
        if fmt == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return [f"{where}: expected a date-time, got {value!r}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} not one of {schema['enum']}"]
        return []
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
    if kind == "number":
        return [] if isinstance(value, (int, float)) else [f"{where}: expected a number"]
    return []


@pytest.fixture(scope="module")
def _server():
    clock = FakeClock(START)
    emulator = YouTubeEmulator(clock)
    with Sandbox(port=0, emulators={"youtube": emulator}) as sandbox:
        yield sandbox, emulator, clock


@pytest.fixture
def sb(_server) -> Sandbox:
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
def base(sb) -> str:
    return sb.base_url("youtube")


def mp4(size: int) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypmp42" + struct.pack(">I", 0) + b"isommp42"
    return ftyp + bytes(size - len(ftyp))


VIDEO = {"snippet": {"title": "Booster gratis", "description": "Hotline 119",
                     "tags": ["vaksin"], "categoryId": "22"},
         "status": {"privacyStatus": "private", "selfDeclaredMadeForKids": False}}


def start_upload(base: str, size: int, body: dict | None = None,
                 part: str = "snippet,status") -> requests.Response:
    return requests.post(f"{base}/upload/youtube/v3/videos",
                         params={"uploadType": "resumable", "part": part},
                         json=body or VIDEO, timeout=5,
                         headers={**AUTH, "X-Upload-Content-Type": "video/mp4",
                                  "X-Upload-Content-Length": str(size)})


def put(location: str, data: bytes, first: int | None, total: int) -> requests.Response:
    span = f"bytes {first}-{first + len(data) - 1}/{total}" if first is not None \
        else f"bytes */{total}"
    return requests.put(location, data=data, headers={"Content-Range": span}, timeout=5)


def upload(base: str, size: int = 1000, body: dict | None = None) -> dict[str, Any]:
    """A whole one-chunk upload over raw HTTP; the Video JSON."""
    location = start_upload(base, size, body).headers["Location"]
    reply = put(location, mp4(size), 0, size)
    assert reply.status_code == 200, reply.text
    return reply.json()


def assert_google_error(reply: requests.Response, status: int, reason: str, domain: str) -> None:
    assert reply.status_code == status
    error = reply.json()["error"]
    assert error["code"] == status and error["message"]
    assert error["errors"][0]["reason"] == reason
    assert error["errors"][0]["domain"] == domain
    assert error["errors"][0]["message"]


# --- the checker itself ---------------------------------------------------------------------
@pytest.mark.parametrize("value, wrong", [
    ({"statistics": {"viewCount": 12}}, "expected a string"),
    ({"statistics": {"viewCount": "12x"}}, "uint64"),
    ({"snippet": {"publishedAt": "yesterday"}}, "date-time"),
    ({"snippet": {"title": "a", "nonsense": 1}}, "not in the discovery schema"),
    ({"snippet": {"tags": "a,b"}}, "expected an array"),
])
def test_conformance_checker_catches_wrong_shapes(value, wrong):
    problems = conforms(value, {"$ref": "Video"})
    assert problems and wrong in problems[0]


# --- contract: paths and methods --------------------------------------------------------------
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_served_paths_and_methods_match_discovery(route):
    method, path = route
    desc = method_desc(ROUTES[route][0])
    assert desc["httpMethod"] == method
    if path.startswith("/upload/"):
        # The client builds upload URLs as rootUrl + "upload/" + servicePath + path.
        assert path == f"/upload/{DISCOVERY['servicePath']}{desc['path']}"
        assert desc["mediaUpload"]["protocols"]["simple"]["path"] == path
        assert desc["mediaUpload"]["protocols"]["resumable"]["multipart"] is True
    else:
        assert path == "/" + DISCOVERY["servicePath"] + desc["path"]


def test_adapter_requests_fit_discovery_parameters_and_schemas(sb, emulator, tmp_path):
    video, thumb = tmp_path / "v.mp4", tmp_path / "t.png"
    video.write_bytes(mp4(KIB256 + 1000))
    thumb.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    channel = YouTubeChannel(Account(name="yt", platform="youtube",
                                     options={"chunk_size": KIB256}),
                             SandboxSecrets(), base_url=sb.base_url("youtube"))
    post = RenderedPost("c", "p", "yt", "youtube", datetime(2026, 12, 2, tzinfo=timezone.utc),
                        ["Hotline 119"], [Media(video, kind="video", mime="video/mp4")],
                        {"title": "T", "tags": ["a b", "c"], "privacy": "private",
                         "publish_at": "2026-12-03T02:00:00Z", "default_language": "id",
                         "thumbnail": str(thumb)})
    published = channel.publish(post)
    channel.metrics([published])
    channel.find_recent(post, datetime(2026, 1, 1, tzinfo=timezone.utc))
    channel.check()
    channel.delete(published)

    seen = set()
    for record in emulator.requests:
        route = (record["method"], record["path"])
        if route == ("POST", "/token") or route == ("PUT", "/upload/youtube/v3/videos"):
            continue  # OAuth and the upload session are not discovery methods
        desc = method_desc(ROUTES[route][0])
        seen.add(ROUTES[route][0])
        allowed = set(desc["parameters"]) | CLIENT_PARAMS
        assert set(record["query"]) <= allowed, (route, set(record["query"]) - allowed)
        required = {n for n, p in desc["parameters"].items() if p.get("required")}
        assert required <= set(record["query"]), route
    assert seen == {r[0] for r in ROUTES.values()}
    [body] = [b["body"] for b in emulator.bodies]
    assert conforms(body, method_desc("youtube.videos.insert")["request"]) == []


# --- contract: reply shapes --------------------------------------------------------------------
def test_replies_fit_the_discovery_response_schemas(base, emulator, clock, tmp_path):
    created = upload(base, body={**VIDEO, "snippet": {**VIDEO["snippet"], "defaultLanguage": "id"},
                                 "status": {**VIDEO["status"],
                                            "publishAt": "2026-12-03T02:00:00Z"}})
    assert conforms(created, method_desc("youtube.videos.insert")["response"]) == []
    vid = created["id"]
    thumbed = requests.post(f"{base}/upload/youtube/v3/thumbnails/set",
                            params={"videoId": vid, "uploadType": "media"},
                            data=b"\x89PNG\r\n\x1a\n" + bytes(10),
                            headers={**AUTH, "Content-Type": "image/png"}, timeout=5)
    clock.now += 3600
    calls = [
        ("youtube.thumbnails.set", thumbed),
        ("youtube.videos.list", requests.get(f"{base}/youtube/v3/videos", headers=AUTH,
                                             params={"part": "snippet,status,statistics,"
                                                     "processingDetails", "id": vid},
                                             timeout=5)),
        ("youtube.channels.list", requests.get(f"{base}/youtube/v3/channels", headers=AUTH,
                                               params={"part": "snippet,status,contentDetails",
                                                       "mine": "true"}, timeout=5)),
        ("youtube.playlistItems.list", requests.get(f"{base}/youtube/v3/playlistItems",
                                                    headers=AUTH, timeout=5,
                                                    params={"part": "snippet",
                                                            "playlistId": UPLOADS_PLAYLIST})),
    ]
    for method_id, reply in calls:
        assert reply.status_code == 200, (method_id, reply.text)
        data = reply.json()
        assert data["items"], method_id
        assert conforms(data, method_desc(method_id)["response"]) == [], method_id
    listed = calls[1][1].json()["items"][0]
    assert int(listed["statistics"]["viewCount"]) > 0
    assert listed["status"]["uploadStatus"] == "processed"
    channel = calls[2][1].json()["items"][0]
    assert channel["id"] == CHANNEL_ID
    assert channel["contentDetails"]["relatedPlaylists"]["uploads"] == UPLOADS_PLAYLIST


def test_error_replies_use_googles_shape(base, sb):
    assert_google_error(requests.get(f"{base}/youtube/v3/videos", params={"part": "id"},
                                     timeout=5), 401, "authError", "global")
    assert_google_error(requests.get(f"{base}/youtube/v3/videos", timeout=5,
                                     params={"part": "id", "id": "x"},
                                     headers={"Authorization": "Bearer forged"}),
                        401, "authError", "global")
    assert_google_error(requests.get(f"{base}/youtube/v3/videos", params={"id": "x"},
                                     headers=AUTH, timeout=5),
                        400, "missingRequiredParameter", "global")
    assert_google_error(requests.get(f"{base}/youtube/v3/nothing", headers=AUTH, timeout=5),
                        404, "notFound", "global")
    assert_google_error(requests.delete(f"{base}/youtube/v3/videos", params={"id": "nope"},
                                        headers=AUTH, timeout=5),
                        404, "videoNotFound", "youtube.video")
    sb.configure("youtube", faults=[{"kind": "5xx"}, {"kind": "429"}])
    assert_google_error(requests.get(f"{base}/youtube/v3/channels", headers=AUTH, timeout=5),
                        503, "backendError", "global")
    limited = requests.get(f"{base}/youtube/v3/channels", headers=AUTH, timeout=5)
    assert_google_error(limited, 429, "rateLimitExceeded", "global")
    assert limited.headers["Retry-After"] == "60"


@pytest.mark.parametrize("change, reason", [
    ({"snippet": {"title": ""}}, "invalidTitle"),
    ({"snippet": {"title": "t" * 100, "description": "<b>"}}, "invalidDescription"),
    ({"status": {"privacyStatus": "secret"}}, "invalidVideoMetadata"),
    ({"snippet": {"title": "t", "tags": [1, 2]}}, "invalidTags"),
    ({"snippet": {"title": "t", "tags": ["a" * 250, "b c" * 84]}}, "invalidTags"),  # 505
    ({"status": {"privacyStatus": "unlisted", "publishAt": "2026-12-03T02:00:00Z"}},
     "invalidPublishAt"),
    ({"status": {"privacyStatus": "private", "publishAt": "next week"}}, "invalidPublishAt"),
    ({"status": {"privacyStatus": "private", "publishAt": "2026-12-03T02:00:00"}},
     "invalidPublishAt"),  # no offset
])
def test_metadata_validation(base, emulator, change, reason):
    body = {key: {**VIDEO[key], **change.get(key, {})} for key in VIDEO}
    assert_google_error(start_upload(base, 1000, body), 400, reason, "youtube.video")
    assert emulator.sessions == {}


# --- the resumable protocol ---------------------------------------------------------------------
def test_resumable_protocol_step_by_step(base, emulator):
    size = 2 * KIB256 + 100
    data = mp4(size)
    started = start_upload(base, size)
    assert started.status_code == 200  # exactly 200: the client refuses 201
    location = started.headers["Location"]
    assert location.startswith(base + "/upload/youtube/v3/videos?") and "upload_id=" in location

    probe = put(location, b"", None, size)
    assert probe.status_code == 308 and "Range" not in probe.headers  # nothing received yet
    uneven = put(location, data[:1000], 0, size)
    assert uneven.status_code == 400  # a non-final chunk must be a multiple of 256 KiB
    first = put(location, data[:KIB256], 0, size)
    assert first.status_code == 308 and first.headers["Range"] == f"bytes=0-{KIB256 - 1}"
    skipped = put(location, data[2 * KIB256:], 2 * KIB256, size)
    assert skipped.status_code == 308 and skipped.headers["Range"] == f"bytes=0-{KIB256 - 1}"
    assert put(location, b"", None, size).headers["Range"] == f"bytes=0-{KIB256 - 1}"
    second = put(location, data[KIB256:2 * KIB256], KIB256, size)
    assert second.headers["Range"] == f"bytes=0-{2 * KIB256 - 1}"
    done = put(location, data[2 * KIB256:], 2 * KIB256, size)
    assert done.status_code == 200 and done.json()["kind"] == "youtube#video"
    again = put(location, data[2 * KIB256:], 2 * KIB256, size)  # a re-send after completion
    assert again.status_code == 200 and again.json()["id"] == done.json()["id"]
    [post] = emulator.posts()
    assert post["media"][0]["size"] == size and len(emulator.videos) == 1


def test_unknown_upload_session_is_404(base):
    reply = requests.put(f"{base}/upload/youtube/v3/videos?uploadType=resumable&upload_id=zz",
                         data=b"x", headers={"Content-Range": "bytes 0-0/1"}, timeout=5)
    assert_google_error(reply, 404, "notFound", "global")


def test_non_video_media_type_is_refused(base):
    reply = requests.post(f"{base}/upload/youtube/v3/videos",
                          params={"uploadType": "resumable", "part": "snippet,status"},
                          json=VIDEO, headers={**AUTH, "X-Upload-Content-Type": "image/png"},
                          timeout=5)
    assert_google_error(reply, 400, "invalidVideoMetadata", "youtube.video")


# --- OAuth ----------------------------------------------------------------------------------------
def refresh(base: str, **overrides: str) -> requests.Response:
    form = {"grant_type": "refresh_token", "client_id": CREDENTIALS["client_id"],
            "client_secret": CREDENTIALS["client_secret"],
            "refresh_token": CREDENTIALS["refresh_token"], **overrides}
    return requests.post(f"{base}/token", data=form, timeout=5)


def test_token_endpoint(base, clock):
    good = refresh(base)
    assert good.status_code == 200
    body = good.json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == TOKEN_SECONDS
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    channels = f"{base}/youtube/v3/channels?part=id&mine=true"
    assert requests.get(channels, headers=bearer, timeout=5).status_code == 200
    clock.now += TOKEN_SECONDS + 1  # the issued token expires on the emulator's clock
    assert requests.get(channels, headers=bearer, timeout=5).status_code == 401

    bad = refresh(base, refresh_token="not-the-token")
    assert bad.status_code == 400
    assert bad.json() == {"error": "invalid_grant",
                          "error_description": "Token has been expired or revoked."}
    wrong_client = refresh(base, client_secret="nope")
    assert wrong_client.status_code == 401 and wrong_client.json()["error"] == "invalid_client"
    assert refresh(base, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_scopes_limit_what_a_token_may_do(base, sb):
    sb.configure("youtube", scopes="https://www.googleapis.com/auth/youtube.readonly")
    bearer = {"Authorization": f"Bearer {refresh(base).json()['access_token']}"}
    listed = requests.get(f"{base}/youtube/v3/channels?part=id&mine=true", headers=bearer,
                          timeout=5)
    assert listed.status_code == 200
    refused = requests.post(f"{base}/upload/youtube/v3/videos",
                            params={"uploadType": "resumable", "part": "snippet"},
                            json=VIDEO, headers=bearer, timeout=5)
    assert_google_error(refused, 403, "insufficientPermissions", "global")


# --- quota ---------------------------------------------------------------------------------------
def test_quota_resets_at_pacific_midnight(base, sb, clock):
    clock.now = datetime(2026, 12, 2, 20, 0, tzinfo=timezone.utc).timestamp()  # 12:00 PST
    sb.configure("youtube", quota={"model": "units", "units_per_day": 1700})
    upload(base)  # 1600 units
    listing = f"{base}/youtube/v3/videos?part=id&id=x"
    for _ in range(100):  # 1 unit each: 1700 in all
        assert requests.get(listing, headers=AUTH, timeout=5).status_code == 200
    assert_google_error(requests.get(listing, headers=AUTH, timeout=5), 403, "quotaExceeded",
                        "youtube.quota")
    clock.now = datetime(2026, 12, 3, 7, 59, tzinfo=timezone.utc).timestamp()  # 23:59 PST
    assert requests.get(listing, headers=AUTH, timeout=5).status_code == 403
    clock.now = datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc).timestamp()  # midnight PST
    assert requests.get(listing, headers=AUTH, timeout=5).status_code == 200


def test_quota_is_configurable_over_the_control_api(sb, base):
    ok = requests.post(f"{sb.url}/_sandbox/config/youtube", timeout=5,
                       json={"quota": {"model": "buckets", "inserts_per_day": 0}})
    assert ok.status_code == 200
    assert_google_error(start_upload(base, 10), 403, "quotaExceeded", "youtube.quota")
    bad = requests.post(f"{sb.url}/_sandbox/config/youtube", json={"quota": {"model": "x"}},
                        timeout=5)
    assert bad.status_code == 400


# --- state over time and `sandbox posts` --------------------------------------------------
def test_posts_show_text_media_ids_and_processing(base, sb, emulator, clock):
    created = upload(base, 5000)
    [post] = requests.get(f"{sb.url}/_sandbox/posts", timeout=5).json()["youtube"]
    assert post["id"] == created["id"] and post["ids"] == [created["id"]]
    assert post["url"] == f"https://www.youtube.com/watch?v={created['id']}"
    assert post["title"] == "Booster gratis" and post["text"] == "Hotline 119"
    assert post["media"][0] == {"type": "video", "size": 5000, "alt": None, "mime": "video/mp4",
                                "sha256": hashlib.sha256(mp4(5000)).hexdigest()}
    assert post["created_at"] == "2026-09-21T14:13:20Z"  # START on the emulator clock
    assert post["upload_status"] == "uploaded"
    clock.now += PROCESSING_SECONDS
    assert emulator.posts()[0]["upload_status"] == "processed"


def test_metrics_follow_the_documented_formula_and_never_shrink(emulator):
    for vid in ("abc", "Zx9_-Q1", "videoid0001"):
        h = int(hashlib.sha256(vid.encode()).hexdigest()[:8], 16)
        previous = -1
        for age in (0, 59, 60, 600, 3600, 86400 * 3):
            stats = emulator.statistics(vid, age)
            assert stats["viewCount"] == (age // 60) * (3 + h % 7)
            assert stats["likeCount"] == stats["viewCount"] // (15 + h % 10)
            assert stats["commentCount"] == stats["viewCount"] // (80 + h % 40)
            assert stats["viewCount"] >= previous
            previous = stats["viewCount"]


def test_unaudited_projects_get_private_videos(base, sb, emulator):
    sb.configure("youtube", audited=False)
    created = upload(base, body={**VIDEO, "status": {"privacyStatus": "public"}})
    assert created["status"]["privacyStatus"] == "private"
    assert emulator.posts()[0]["requested_privacy"] == "public"


def test_upload_limit(base, sb):
    sb.configure("youtube", upload_limit=1)
    upload(base)
    assert_google_error(start_upload(base, 10), 400, "uploadLimitExceeded", "youtube.video")


@pytest.mark.parametrize("shared", [False, True], ids=["one-channel-each", "shared-channel"])
def test_concurrent_publishes_all_land_once(sb, emulator, tmp_path, shared):
    video = tmp_path / "v.mp4"
    video.write_bytes(mp4(3000))
    results: list[str] = []
    errors: list[BaseException] = []
    common = YouTubeChannel(Account(name="yt", platform="youtube"), SandboxSecrets(),
                            base_url=sb.base_url("youtube"))

    def publish(n: int) -> None:
        try:
            channel = common if shared else YouTubeChannel(
                Account(name="yt", platform="youtube"), SandboxSecrets(),
                base_url=sb.base_url("youtube"))
            post = RenderedPost("c", f"p{n}", "yt", "youtube",
                                datetime(2026, 12, 2, tzinfo=timezone.utc), [f"text {n}"],
                                [Media(video, kind="video", mime="video/mp4")], {"title": f"{n}"})
            results.append(channel.publish(post).platform_id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(results)) == 6
    assert sorted(p["id"] for p in emulator.posts()) == sorted(results)
