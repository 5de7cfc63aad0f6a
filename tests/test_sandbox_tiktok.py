"""The TikTok emulator on its own, over loopback with plain requests: contract tests against
the shapes documented in API-NOTES.md section 4 (no machine-readable spec exists), the
platform's rules (chunks, privacy, URL prefix, per-endpoint limits, OAuth rotation), the
injected faults and the metrics formula."""

from __future__ import annotations

import hashlib
import threading

import jsonschema
import pytest
import requests

from campaignctl.sandbox import Sandbox
from campaignctl.sandbox.tiktok import CREDENTIALS, MB, TikTokEmulator, chunk_problem
from support import FakeClock

# --- documented shapes (API-NOTES.md section 4) -----------------------------------------
ERROR = {"type": "object", "required": ["code", "message", "log_id"],
         "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                        "log_id": {"type": "string", "minLength": 1}}}


def envelope(data: dict) -> dict:
    return {"type": "object", "required": ["data", "error"], "additionalProperties": False,
            "properties": {"data": data, "error": ERROR}}


CREATOR_INFO = {"type": "object", "required": [
    "creator_avatar_url", "creator_username", "creator_nickname", "privacy_level_options",
    "comment_disabled", "duet_disabled", "stitch_disabled", "max_video_post_duration_sec"],
    "properties": {"privacy_level_options": {"type": "array", "items": {"enum": [
        "PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]}},
        "comment_disabled": {"type": "boolean"}, "duet_disabled": {"type": "boolean"},
        "stitch_disabled": {"type": "boolean"},
        "max_video_post_duration_sec": {"type": "integer"},
        "creator_username": {"type": "string"}}}
VIDEO_INIT = {"type": "object", "required": ["publish_id", "upload_url"],
              "properties": {"publish_id": {"type": "string"},
                             "upload_url": {"type": "string", "format": "uri"}}}
CONTENT_INIT = {"type": "object", "required": ["publish_id"],
                "properties": {"publish_id": {"type": "string"}}}
STATUS = {"type": "object", "required": ["status", "publicaly_available_post_id"],
          "properties": {"status": {"enum": ["PROCESSING_UPLOAD", "PROCESSING_DOWNLOAD",
                                             "SEND_TO_USER_INBOX", "PUBLISH_COMPLETE",
                                             "FAILED"]},
                         "fail_reason": {"type": "string"},
                         "publicaly_available_post_id": {"type": "array",
                                                         "items": {"type": "integer"}},
                         "uploaded_bytes": {"type": "integer"}}}
VIDEO = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "string"}, "title": {"type": "string"}, "create_time": {"type": "integer"},
    **{k: {"type": "integer", "minimum": 0}
       for k in ("like_count", "comment_count", "share_count", "view_count")}}}
VIDEOS = {"type": "object", "required": ["videos", "cursor", "has_more"],
          "properties": {"videos": {"type": "array", "items": VIDEO},
                         "cursor": {"type": "integer"}, "has_more": {"type": "boolean"}}}
EMPTY = {"type": "object"}
OAUTH = {"type": "object", "additionalProperties": False, "required": [
    "access_token", "expires_in", "refresh_token", "refresh_expires_in", "open_id", "scope",
    "token_type"], "properties": {"access_token": {"type": "string"},
                                  "expires_in": {"type": "integer"},
                                  "refresh_token": {"type": "string"},
                                  "refresh_expires_in": {"type": "integer"},
                                  "open_id": {"type": "string"},
                                  "scope": {"type": "string", "pattern": "^[a-z._]+(,[a-z._]+)*$"},
                                  "token_type": {"const": "Bearer"}}}
OAUTH_ERROR = {"type": "object", "required": ["error", "error_description", "log_id"],
               "properties": {"error": {"type": "string"},
                              "error_description": {"type": "string"}}}

AUTH = {"Authorization": f"Bearer {CREDENTIALS['access_token']}",
        "Content-Type": "application/json; charset=UTF-8"}
PUBLIC_INFO = {"title": "Vaksin gratis #sehat", "privacy_level": "PUBLIC_TO_EVERYONE",
               "disable_duet": False, "disable_comment": False, "disable_stitch": False}


# One server per module, with its fake clock; each test starts from a reset
# emulator and a fresh clock.
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
def clock(sb: Sandbox) -> FakeClock:
    return _CLOCK


@pytest.fixture
def emu(sb: Sandbox) -> TikTokEmulator:
    return sb.emulators["tiktok"]  # type: ignore[return-value]


@pytest.fixture
def api(sb: Sandbox):
    base = sb.base_url("tiktok")
    session = requests.Session()

    def call(path: str, body: dict | None = None, headers: dict | None = None,
             schema: dict | None = None, status: int = 200) -> dict:
        resp = session.post(base + path, json=body or {},
                            headers=AUTH if headers is None else headers, timeout=5)
        assert resp.status_code == status, resp.text
        payload = resp.json()
        if schema is not None:
            jsonschema.validate(payload, envelope(schema))
        return payload

    call.base = base  # type: ignore[attr-defined]
    call.session = session  # type: ignore[attr-defined]
    return call


def error_of(payload: dict) -> str:
    jsonschema.validate(payload, envelope(EMPTY))
    return payload["error"]["code"]


def video_init(api, size: int = 1000, chunk: int | None = None, count: int = 1,
               info: dict | None = None) -> dict:
    return api("/v2/post/publish/video/init/", {
        "post_info": info or PUBLIC_INFO,
        "source_info": {"source": "FILE_UPLOAD", "video_size": size,
                        "chunk_size": size if chunk is None else chunk,
                        "total_chunk_count": count}}, schema=VIDEO_INIT)["data"]


def put(api, url: str, data: bytes, first: int, total: int, **headers) -> requests.Response:
    last = first + len(data) - 1
    hdrs = {"Content-Type": "video/mp4", "Content-Range": f"bytes {first}-{last}/{total}"}
    hdrs.update(headers)
    return api.session.put(url, data=data, headers=hdrs, timeout=5)


def publish_public(api, emu: TikTokEmulator, title: str = "Vaksin gratis #sehat") -> str:
    """A complete public video post; returns its video id."""
    data = video_init(api, 1000, info={**PUBLIC_INFO, "title": title})
    assert put(api, data["upload_url"], b"v" * 1000, 0, 1000).status_code == 201
    for _ in range(emu.polls_to_complete):
        status = api("/v2/post/publish/status/fetch/", {"publish_id": data["publish_id"]},
                     schema=STATUS)["data"]
    assert status["status"] == "PUBLISH_COMPLETE"
    return str(status["publicaly_available_post_id"][0])


# --- success shapes ---------------------------------------------------------------------
def test_creator_info_matches_the_documented_shape(api):
    data = api("/v2/post/publish/creator_info/query/", schema=CREATOR_INFO)["data"]
    assert data["creator_username"] == "dinkes.sandbox"
    assert "SELF_ONLY" in data["privacy_level_options"]


def test_video_flow_upload_206_then_201_and_status_advances_over_polls(api, emu):
    size = 12 * MB
    data = video_init(api, size, 5 * MB, 2)
    assert data["upload_url"].startswith(api.base + "/upload/?upload_id=")
    first = put(api, data["upload_url"], b"a" * 5 * MB, 0, size)
    assert first.status_code == 206
    status = api("/v2/post/publish/status/fetch/", {"publish_id": data["publish_id"]},
                 schema=STATUS)["data"]
    assert status == {"status": "PROCESSING_UPLOAD", "uploaded_bytes": 5 * MB,
                      "publicaly_available_post_id": []}
    assert put(api, data["upload_url"], b"b" * 7 * MB, 5 * MB, size).status_code == 201
    seen = [api("/v2/post/publish/status/fetch/", {"publish_id": data["publish_id"]},
                schema=STATUS)["data"] for _ in range(2)]
    assert [s["status"] for s in seen] == ["PROCESSING_UPLOAD", "PUBLISH_COMPLETE"]
    assert seen[1]["uploaded_bytes"] == size and len(seen[1]["publicaly_available_post_id"]) == 1
    [post] = emu.posts()
    assert post["media"] == [{"type": "video", "size": size, "alt": None, "mime": "video/mp4"}]
    assert post["text"] == PUBLIC_INFO["title"] and post["url"].endswith(post["id"])


def test_processing_also_finishes_with_the_clock(api, emu, clock):
    data = video_init(api)
    put(api, data["upload_url"], b"x" * 1000, 0, 1000)
    clock.now += emu.processing_seconds
    assert emu.posts()[0]["status"] == "PUBLISH_COMPLETE"


def test_private_post_has_no_public_id_and_is_not_listed(api, emu):
    data = video_init(api, info={**PUBLIC_INFO, "privacy_level": "SELF_ONLY"})
    put(api, data["upload_url"], b"x" * 1000, 0, 1000)
    for _ in range(2):
        status = api("/v2/post/publish/status/fetch/", {"publish_id": data["publish_id"]},
                     schema=STATUS)["data"]
    assert status["status"] == "PUBLISH_COMPLETE"
    assert status["publicaly_available_post_id"] == []
    listed = api("/v2/video/list/?fields=id,title,create_time", {"max_count": 20},
                 schema=VIDEOS)["data"]
    assert listed["videos"] == []


def test_photo_post_pulls_from_the_verified_prefix(api, emu):
    body = {"media_type": "PHOTO", "post_mode": "DIRECT_POST",
            "post_info": {"title": "Jadwal", "description": "Layanan gratis",
                          "privacy_level": "PUBLIC_TO_EVERYONE"},
            "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0,
                            "photo_images": ["https://media.example.go.id/a.jpg",
                                             "https://media.example.go.id/b.webp"]}}
    pid = api("/v2/post/publish/content/init/", body, schema=CONTENT_INIT)["data"]["publish_id"]
    first = api("/v2/post/publish/status/fetch/", {"publish_id": pid}, schema=STATUS)["data"]
    assert first["status"] == "PROCESSING_DOWNLOAD"
    done = api("/v2/post/publish/status/fetch/", {"publish_id": pid}, schema=STATUS)["data"]
    assert done["status"] == "PUBLISH_COMPLETE"
    [post] = emu.posts()
    assert post["kind"] == "photo" and post["text"] == "Jadwal\nLayanan gratis"
    assert [m["url"] for m in post["media"]] == body["source_info"]["photo_images"]


def test_png_photo_ends_failed_with_a_reason(api):
    body = {"media_type": "PHOTO", "post_mode": "DIRECT_POST",
            "post_info": {"privacy_level": "SELF_ONLY"},
            "source_info": {"source": "PULL_FROM_URL",
                            "photo_images": ["https://media.example.go.id/a.png"]}}
    pid = api("/v2/post/publish/content/init/", body)["data"]["publish_id"]
    for _ in range(2):
        status = api("/v2/post/publish/status/fetch/", {"publish_id": pid}, schema=STATUS)
    assert status["data"]["status"] == "FAILED"
    assert status["data"]["fail_reason"] == "file_format_check_failed"


def test_video_query_and_list_shapes_and_paging(api, emu, clock):
    ids = []
    for n in range(3):
        ids.append(publish_public(api, emu, f"post {n}"))
        clock.now += 10
    query = api("/v2/video/query/?fields=id,title,like_count,comment_count,share_count,"
                "view_count", {"filters": {"video_ids": ids + ["123"]}}, schema=VIDEOS)["data"]
    assert [v["id"] for v in query["videos"]] == ids  # the unknown id is simply absent
    page1 = api("/v2/video/list/?fields=id,title,create_time", {"max_count": 2},
                schema=VIDEOS)["data"]
    assert [v["title"] for v in page1["videos"]] == ["post 2", "post 1"]
    assert page1["has_more"] is True
    assert set(page1["videos"][0]) == {"id", "title", "create_time"}
    page2 = api("/v2/video/list/?fields=id,title,create_time",
                {"max_count": 2, "cursor": page1["cursor"]}, schema=VIDEOS)["data"]
    assert [v["title"] for v in page2["videos"]] == ["post 0"] and page2["has_more"] is False


def test_metrics_follow_the_documented_formula_and_grow(api, emu, clock):
    vid = publish_public(api, emu)
    fields = "/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count"
    h = int(hashlib.sha256(vid.encode()).hexdigest()[:8], 16)
    readings = []
    for age in (0, 600, 86400):
        clock.now = emu.videos[vid]["created"] + age
        [video] = api(fields, {"filters": {"video_ids": [vid]}}, schema=VIDEOS)["data"]["videos"]
        views = (age * (1 + h % 7)) // 10
        assert video == {"id": vid, "view_count": views, "like_count": views // (8 + h % 5),
                         "comment_count": views // (40 + h % 11),
                         "share_count": views // (60 + h % 13)}
        readings.append(video["view_count"])
    assert readings[0] == 0 < readings[1] < readings[2]


# --- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},
    {"Authorization": "Bearer act.not-a-real-token", "Content-Type": "application/json"},
], ids=["no-token", "wrong-token"])
def test_bad_bearer_is_access_token_invalid_401(api, headers):
    payload = api("/v2/post/publish/creator_info/query/", headers=headers, status=401)
    assert error_of(payload) == "access_token_invalid"


@pytest.mark.parametrize("size,chunk,count,why", [
    (1000, 500, 2, "under 5 MB"),
    (12 * MB, 5 * MB, 3, "floor"),
    (200 * MB, 100 * MB, 2, "between 5 MB and 64 MB"),
    (70 * MB, 70 * MB, 1, "between 5 MB and 64 MB"),
    (12 * MB, 4 * MB, 3, "between 5 MB and 64 MB"),
    (0, 0, 1, "positive"),
])
def test_chunk_rules_are_enforced(api, size, chunk, count, why):
    payload = api("/v2/post/publish/video/init/", {
        "post_info": PUBLIC_INFO, "source_info": {"source": "FILE_UPLOAD", "video_size": size,
                                                  "chunk_size": chunk,
                                                  "total_chunk_count": count}}, status=400)
    assert error_of(payload) == "invalid_params"
    assert why in payload["error"]["message"]


@pytest.mark.parametrize("size,chunk,count", [
    (1000, 1000, 1), (5 * MB, 5 * MB, 1), (64 * MB, 64 * MB, 1), (12 * MB, 5 * MB, 2),
    (65 * MB, 10 * MB, 6), (4096 * MB, 64 * MB, 64)])
def test_valid_chunk_plans_pass(size, chunk, count):
    assert chunk_problem(size, chunk, count) is None


def test_upload_must_be_sequential_and_sized(api):
    size = 12 * MB
    data = video_init(api, size, 5 * MB, 2)
    url = data["upload_url"]
    skipped = put(api, url, b"b" * 7 * MB, 5 * MB, size)
    assert skipped.status_code == 416
    no_range = api.session.put(url, data=b"a" * 5 * MB, timeout=5,
                               headers={"Content-Type": "video/mp4"})
    assert no_range.status_code == 416
    short = put(api, url, b"a" * MB, 0, size)
    assert short.status_code == 400 and error_of(short.json()) == "invalid_file_upload"
    assert "must be 5242880 bytes" in short.json()["error"]["message"]
    assert put(api, url, b"a" * 5 * MB, 0, size).status_code == 206
    assert put(api, url, b"a" * 7 * MB, 5 * MB, size).status_code == 201
    again = put(api, url, b"a" * 7 * MB, 5 * MB, size)
    assert again.status_code == 400
    wrong_token = api.session.put(url.replace("upload_token=", "upload_token=x"), data=b"a",
                                  timeout=5)
    assert wrong_token.status_code == 404


@pytest.mark.parametrize("settings,info,code,status", [
    ({"privacy_level_options": ["SELF_ONLY"]}, PUBLIC_INFO, "privacy_level_option_mismatch",
     400),
    ({"unaudited": True}, PUBLIC_INFO, "unaudited_client_can_only_post_to_private_accounts",
     403),
    ({}, {**PUBLIC_INFO, "title": "x" * 2201}, "invalid_params", 400),
    ({}, {"title": "no privacy"}, "invalid_params", 400),
])
def test_post_info_rules(api, sb, settings, info, code, status):
    sb.configure("tiktok", **settings)
    payload = api("/v2/post/publish/video/init/", {
        "post_info": info, "source_info": {"source": "FILE_UPLOAD", "video_size": 10,
                                           "chunk_size": 10, "total_chunk_count": 1}},
        status=status)
    assert error_of(payload) == code


def test_unaudited_client_may_still_post_privately(api, sb):
    sb.configure("tiktok", unaudited=True)
    video_init(api, info={**PUBLIC_INFO, "privacy_level": "SELF_ONLY"})


def test_unverified_photo_prefix_is_refused(api):
    payload = api("/v2/post/publish/content/init/", {
        "media_type": "PHOTO", "post_mode": "DIRECT_POST",
        "post_info": {"privacy_level": "SELF_ONLY"},
        "source_info": {"source": "PULL_FROM_URL",
                        "photo_images": ["https://elsewhere.example/a.jpg"]}}, status=403)
    assert error_of(payload) == "url_ownership_unverified"


def test_per_endpoint_limits_per_token_slide_over_a_minute(api, clock):
    for _ in range(20):
        api("/v2/post/publish/creator_info/query/")
    payload = api("/v2/post/publish/creator_info/query/", status=429)
    assert error_of(payload) == "rate_limit_exceeded"
    # Another endpoint has its own window; the first frees up after a minute.
    api("/v2/video/list/?fields=id", {"max_count": 1})
    clock.now += 61
    api("/v2/post/publish/creator_info/query/", schema=CREATOR_INFO)


def test_init_allows_six_a_minute(api):
    for _ in range(6):
        video_init(api)
    assert error_of(api("/v2/post/publish/video/init/", {}, status=429)) == "rate_limit_exceeded"


@pytest.mark.parametrize("kind,status,code", [
    ("5xx", 500, "internal_error"), ("429", 429, "rate_limit_exceeded"),
    ("expired_token", 401, "access_token_invalid")])
def test_injected_faults_use_tiktok_envelopes(api, sb, kind, status, code):
    sb.configure("tiktok", faults=[{"kind": kind, "count": 1}])
    assert error_of(api("/v2/post/publish/creator_info/query/", status=status)) == code
    api("/v2/post/publish/creator_info/query/", schema=CREATOR_INFO)


def test_timeout_after_apply_applies_then_drops(api, sb, emu):
    sb.configure("tiktok", faults=[{"kind": "timeout_after_apply", "path": "/video/init/"}])
    with pytest.raises(requests.ConnectionError):
        video_init(api)
    assert len(emu.publishes) == 1


def test_configuration_over_the_control_api_and_reset(sb, emu, api):
    resp = requests.post(f"{sb.url}/_sandbox/config/tiktok",
                         json={"unaudited": True, "verified_url_prefix": "https://x.example/",
                               "latency_ms": 0}, timeout=5)
    assert resp.status_code == 200
    assert emu.unaudited and emu.verified_url_prefix == "https://x.example/"
    video_init(api, info={**PUBLIC_INFO, "privacy_level": "SELF_ONLY"})
    sb.reset()
    assert not emu.unaudited and emu.publishes == {}


# --- OAuth ------------------------------------------------------------------------------
def refresh(api, token: str, **over) -> requests.Response:
    form = {"client_key": CREDENTIALS["client_key"],
            "client_secret": CREDENTIALS["client_secret"], "grant_type": "refresh_token",
            "refresh_token": token, **over}
    return api.session.post(api.base + "/v2/oauth/token/", data=form, timeout=5)


def test_refresh_is_flat_rotates_and_the_old_token_then_fails(api):
    first = refresh(api, CREDENTIALS["refresh_token"])
    assert first.status_code == 200
    jsonschema.validate(first.json(), OAUTH)
    new = first.json()
    assert new["refresh_token"] != CREDENTIALS["refresh_token"]
    old = refresh(api, CREDENTIALS["refresh_token"])
    assert old.status_code == 400
    jsonschema.validate(old.json(), OAUTH_ERROR)
    assert old.json()["error"] == "invalid_grant"
    assert refresh(api, new["refresh_token"]).status_code == 200
    headers = {"Authorization": f"Bearer {new['access_token']}"}
    api("/v2/post/publish/creator_info/query/", headers=headers, schema=CREATOR_INFO)


def test_refreshed_access_token_expires_after_a_day(api, clock):
    token = refresh(api, CREDENTIALS["refresh_token"]).json()["access_token"]
    clock.now += 86400
    payload = api("/v2/post/publish/creator_info/query/",
                  headers={"Authorization": f"Bearer {token}"}, status=401)
    assert error_of(payload) == "access_token_invalid"


def test_refresh_with_a_wrong_client_secret(api):
    resp = refresh(api, CREDENTIALS["refresh_token"], client_secret="nope")
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


# --- robustness -------------------------------------------------------------------------
def test_concurrent_requests_are_all_answered(api, sb, emu):
    sb.configure("tiktok", endpoint_limits=False)
    results: list[int] = []

    def worker() -> None:
        with requests.Session() as s:
            for _ in range(5):
                r = s.post(api.base + "/v2/post/publish/creator_info/query/", headers=AUTH,
                           timeout=5)
                results.append(r.status_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [200] * 40


def test_posts_lists_each_post_for_the_sandbox_command(api, emu):
    publish_public(api, emu)
    [post] = emu.posts()
    assert set(post) >= {"id", "publish_id", "text", "media", "url", "created_at", "status"}
    assert post["url"] == f"https://www.tiktok.com/@dinkes.sandbox/video/{post['id']}"
