"""The Facebook Graph emulator on the wire: contract tests against API-NOTES.md section 2.

Graph has no machine-readable spec, so the schemas below are written from the example
bodies in API-NOTES.md (error shape, feed/photo/delete answers, the metrics fields and the
usage headers) and every response is validated against them.
"""

from __future__ import annotations

import hashlib
import json
import struct
import threading
import zlib

import jsonschema
import pytest
import requests

from campaignctl.sandbox import Sandbox, sandbox_credentials
from campaignctl.sandbox.facebook import (CREDENTIALS, PAGE_ID, VIDEO_PROCESSING_SECONDS,
                                          FacebookEmulator, split_fields)
from support import FakeClock

START = 1_796_000_000.0
TOKEN = CREDENTIALS["page_access_token"]
V = "v24.0"

# {"error":{"message","type":"OAuthException","code":190,"error_subcode":460,
#  "error_user_title","error_user_msg","fbtrace_id"}}
ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["message", "type", "code", "fbtrace_id"],
        "additionalProperties": False,
        "properties": {
            "message": {"type": "string", "minLength": 1},
            "type": {"type": "string", "enum": ["OAuthException", "GraphMethodException"]},
            "code": {"type": "integer"},
            "error_subcode": {"type": "integer"},
            "error_user_title": {"type": "string"},
            "error_user_msg": {"type": "string"},
            "is_transient": {"type": "boolean"},
            "fbtrace_id": {"type": "string", "minLength": 1},
        }}},
}
POST_ID = {"type": "string", "pattern": r"^\d+_\d+$"}
OBJECT_ID = {"type": "string", "pattern": r"^\d+$"}
FEED_CREATED = {"type": "object", "required": ["id"], "additionalProperties": False,
                "properties": {"id": POST_ID}}  # {"id":"{page-id}_{post-id}"}
PHOTO_CREATED = {"type": "object", "required": ["id", "post_id"], "additionalProperties": False,
                 "properties": {"id": OBJECT_ID, "post_id": POST_ID}}
UNPUBLISHED_PHOTO = {"type": "object", "required": ["id"], "additionalProperties": False,
                     "properties": {"id": OBJECT_ID}}
DELETED = {"type": "object", "required": ["success"], "additionalProperties": False,
           "properties": {"success": {"const": True}}}
SUMMARY = {"type": "object", "required": ["total_count"],
           "properties": {"total_count": {"type": "integer", "minimum": 0}}}
# {"shares":{"count":3},"reactions":{"data":[],"summary":{"total_count":7}},
#  "comments":{"data":[],"summary":{"total_count":2,...}}}
METRICS = {
    "type": "object", "required": ["id", "reactions", "comments"],
    "properties": {
        "id": POST_ID,
        "shares": {"type": "object", "required": ["count"],
                   "properties": {"count": {"type": "integer", "minimum": 1}}},
        "reactions": {"type": "object", "required": ["data", "summary"],
                      "properties": {"data": {"type": "array"}, "summary": SUMMARY}},
        "comments": {"type": "object", "required": ["data", "summary"],
                     "properties": {"data": {"type": "array"}, "summary": SUMMARY}},
    },
}
FEED_LIST = {
    "type": "object", "required": ["data"],
    "properties": {"data": {"type": "array", "items": {
        "type": "object", "required": ["id", "created_time"],
        "properties": {"id": POST_ID, "message": {"type": "string"},
                       "created_time": {"type": "string",
                                        "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$"}},
    }}, "paging": {"type": "object"}},
}
# X-App-Usage: {"call_count":28,"total_time":25,"total_cputime":25}
APP_USAGE = {"type": "object", "required": ["call_count", "total_time", "total_cputime"],
             "additionalProperties": False,
             "properties": {k: {"type": "integer", "minimum": 0, "maximum": 100}
                            for k in ("call_count", "total_time", "total_cputime")}}
# X-Business-Use-Case-Usage: {"<page-id>":[{"type":"pages","call_count":97,...,
#  "estimated_time_to_regain_access":0}]}
BUC_USAGE = {
    "type": "object", "minProperties": 1,
    "additionalProperties": {"type": "array", "minItems": 1, "items": {
        "type": "object",
        "required": ["type", "call_count", "total_cputime", "total_time",
                     "estimated_time_to_regain_access"],
        "properties": {"type": {"const": "pages"},
                       "call_count": {"type": "integer"},
                       "total_cputime": {"type": "integer"},
                       "total_time": {"type": "integer"},
                       "estimated_time_to_regain_access": {"type": "integer", "minimum": 0}},
    }},
}
DOCUMENTED_ERROR_KEYS = {"message", "type", "code", "fbtrace_id"}


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


MP4 = struct.pack(">I", 24) + b"ftypisom" + b"\0\0\x02\0isommp41" + b"\0" * 4000


@pytest.fixture(scope="module")
def _server():
    clock = FakeClock(START)
    with Sandbox(port=0, emulators={"facebook": FacebookEmulator(clock)}) as sb:
        yield sb, clock


@pytest.fixture
def clock(_server) -> FakeClock:
    _server[1].now = START
    return _server[1]


@pytest.fixture
def sb(_server, clock: FakeClock) -> Sandbox:
    _server[0].reset()
    return _server[0]


@pytest.fixture
def http(sb: Sandbox):
    """Raw Graph calls: (method, path, **requests kwargs) -> response."""
    session = requests.Session()
    base = sb.base_url("facebook")

    def call(method: str, path: str, **kw) -> requests.Response:
        return session.request(method, f"{base}{path}", timeout=10, **kw)

    yield call
    session.close()


def auth(**extra: str) -> dict[str, str]:
    return {"access_token": TOKEN, **extra}


def valid(body: object, schema: dict) -> None:
    jsonschema.validate(body, schema)


def assert_graph_error(resp: requests.Response, code: int, subcode: int | None = None,
                       status: int = 400) -> dict:
    assert resp.status_code == status
    assert "json" in resp.headers["content-type"]  # facebook-sdk needs it to parse anything
    body = resp.json()
    valid(body, ERROR)
    assert DOCUMENTED_ERROR_KEYS <= body["error"].keys()
    assert body["error"]["code"] == code
    assert body["error"].get("error_subcode") == subcode
    return body["error"]


def post_feed(http, message: str, **extra: str) -> str:
    resp = http("POST", f"/{V}/{PAGE_ID}/feed", data=auth(message=message, **extra))
    assert resp.status_code == 200, resp.text
    valid(resp.json(), FEED_CREATED)
    return resp.json()["id"]


# --- shapes of successful answers ------------------------------------------------------
def test_credentials_are_what_sandbox_secrets_hand_out() -> None:
    assert sandbox_credentials("facebook") == CREDENTIALS
    assert CREDENTIALS["page_access_token"] == TOKEN
    assert {"app_id", "app_secret"} <= set(CREDENTIALS)


def test_feed_post_answer_and_usage_headers(http) -> None:
    resp = http("POST", f"/{V}/{PAGE_ID}/feed",
                data=auth(message="Halo", link="https://example.go.id"))
    valid(resp.json(), FEED_CREATED)
    assert resp.json()["id"].startswith(f"{PAGE_ID}_")
    valid(json.loads(resp.headers["X-App-Usage"]), APP_USAGE)
    buc = json.loads(resp.headers["X-Business-Use-Case-Usage"])
    valid(buc, BUC_USAGE)
    assert list(buc) == [PAGE_ID]


def test_photo_answers_published_and_unpublished(http, sb: Sandbox) -> None:
    files = {"source": ("p.png", png_bytes(), "image/png")}
    resp = http("POST", f"/{V}/{PAGE_ID}/photos", files=files,
                data=auth(caption="Foto", alt_text_custom="Poster"))
    valid(resp.json(), PHOTO_CREATED)
    resp = http("POST", f"/{V}/{PAGE_ID}/photos", files=files, data=auth(published="false"))
    valid(resp.json(), UNPUBLISHED_PHOTO)
    [post] = sb.all_posts()["facebook"]  # the unpublished photo makes no post
    assert post["media"][0]["alt"] == "Poster"


def test_multi_photo_post_with_attached_media(http, sb: Sandbox) -> None:
    files = {"source": ("p.png", png_bytes(), "image/png")}
    ids = [http("POST", f"/{V}/{PAGE_ID}/photos", files=files,
                data=auth(published="false")).json()["id"] for _ in range(3)]
    attached = {f"attached_media[{i}]": json.dumps({"media_fbid": pid})
                for i, pid in enumerate(ids)}
    post_id = post_feed(http, "Album", **attached)
    [post] = sb.all_posts()["facebook"]
    assert post["ids"] == [post_id, *ids]
    # A photo can be attached once only.
    resp = http("POST", f"/{V}/{PAGE_ID}/feed", data=auth(
        message="again", **{"attached_media[0]": json.dumps({"media_fbid": ids[0]})}))
    assert_graph_error(resp, 100)


def test_metrics_fields_match_the_documented_example(http, clock: FakeClock) -> None:
    post_id = post_feed(http, "Metrik")
    fields = "shares,reactions.summary(total_count).limit(0),comments.summary(true).limit(0)"
    zero = http("GET", f"/{V}/{post_id}", params=auth(fields=fields)).json()
    valid(zero, METRICS)
    assert "shares" not in zero  # Graph leaves shares out at zero
    clock.now += 3 * 3600
    later = http("GET", f"/{V}/{post_id}", params=auth(fields=fields)).json()
    valid(later, METRICS)
    # The formula documented in the module docstring.
    m, h = 180, int(hashlib.sha256(post_id.encode()).hexdigest()[:8], 16)
    assert later["reactions"]["summary"]["total_count"] == m * (2 + h % 3)
    assert later["comments"]["summary"]["total_count"] == m // (2 + h % 4)
    assert later["shares"]["count"] == m // (5 + h % 5)


def test_ids_batch_answers_by_id_and_refuses_unknown_or_too_many(http) -> None:
    a, b = post_feed(http, "A"), post_feed(http, "B")
    body = http("GET", f"/{V}/", params=auth(ids=f"{a},{b}", fields="reactions")).json()
    assert set(body) == {a, b} and body[a]["id"] == a
    assert_graph_error(http("GET", f"/{V}/", params=auth(ids=f"{a},{PAGE_ID}_9")), 803)
    assert_graph_error(http("GET", f"/{V}/", params=auth(ids=f"{a},200000000000002_1")), 10)
    assert_graph_error(http("GET", f"/{V}/200000000000002_1", params=auth()), 10)
    many = ",".join([a] * 51)
    assert_graph_error(http("GET", f"/{V}/", params=auth(ids=many)), 100)


def test_feed_lists_newest_first_and_honours_since(http, clock: FakeClock) -> None:
    old = post_feed(http, "lama")
    clock.now += 100
    new = post_feed(http, "baru")
    body = http("GET", f"/{V}/{PAGE_ID}/feed", params=auth(fields="message,created_time")).json()
    valid(body, FEED_LIST)
    assert [p["id"] for p in body["data"]] == [new, old]
    since = http("GET", f"/{V}/{PAGE_ID}/feed",
                 params=auth(fields="message", since=str(int(START + 50)))).json()
    assert [p["id"] for p in since["data"]] == [new]


def test_delete_answer_and_method_override(http) -> None:
    a, b = post_feed(http, "hapus a"), post_feed(http, "hapus b")
    resp = http("DELETE", f"/{V}/{a}", params=auth())
    valid(resp.json(), DELETED)
    resp = http("POST", f"/{V}/{b}", data=auth(method="delete"))
    valid(resp.json(), DELETED)
    assert_graph_error(http("DELETE", f"/{V}/{a}", params=auth()), 100, 33)


def test_video_is_processing_then_ready(http, clock: FakeClock, sb: Sandbox) -> None:
    resp = http("POST", f"/{V}/{PAGE_ID}/videos", data=auth(description="Video"),
                files={"source": ("v.mp4", MP4, "video/mp4")})
    valid(resp.json(), UNPUBLISHED_PHOTO)  # {"id": "<video>"}
    video_id = resp.json()["id"]
    info = http("GET", f"/{V}/{video_id}", params=auth(fields="status,post_id")).json()
    assert info["status"]["video_status"] == "processing"
    assert info["post_id"] == sb.all_posts()["facebook"][0]["id"]
    clock.now += VIDEO_PROCESSING_SECONDS
    info = http("GET", f"/{V}/{video_id}", params=auth(fields="status")).json()
    assert info["status"]["video_status"] == "ready"


def test_posts_listing_for_the_sandbox_command(http, sb: Sandbox) -> None:
    http("POST", f"/{V}/{PAGE_ID}/photos", data=auth(caption="Lihat", alt_text_custom="Alt"),
         files={"source": ("p.png", png_bytes(), "image/png")})
    [post] = sb.all_posts()["facebook"]
    assert post["text"] == "Lihat"
    assert post["url"] == f"https://www.facebook.com/{post['id']}"
    assert post["created_time"] == "2026-11-30T00:53:20+0000"
    assert post["media"] == [{"id": post["ids"][1], "type": "photo", "mime": "image/png",
                              "size": len(png_bytes()), "alt": "Alt"}]


# --- refusals, in Graph's own shape -----------------------------------------------------
@pytest.mark.parametrize("path", [f"/{PAGE_ID}/feed", f"/v20.0/{PAGE_ID}/feed",
                                  f"/v2.8/{PAGE_ID}/feed"])
def test_missing_or_old_versions_are_refused(http, path: str) -> None:
    error = assert_graph_error(http("POST", path, data=auth(message="x")), 2635)
    assert "deprecated version" in error["message"]


@pytest.mark.parametrize("version", ["v21.0", "v25.0", "v26.0"])
def test_live_versions_are_accepted(http, version: str) -> None:
    assert http("GET", f"/{version}/{PAGE_ID}", params=auth(fields="id,name")).json() == {
        "id": PAGE_ID, "name": "Sandbox Page"}


@pytest.mark.parametrize("how,code", [("none", 104), ("wrong", 190), ("header", None),
                                      ("bearer", None)])
def test_token_checks(http, how: str, code: int | None) -> None:
    params, headers = {"fields": "id"}, {}
    if how == "wrong":
        params["access_token"] = "not-the-token"
    elif how == "header":
        headers["Authorization"] = f"OAuth {TOKEN}"
    elif how == "bearer":
        headers["Authorization"] = f"Bearer {TOKEN}"
    resp = http("GET", f"/{V}/me", params=params, headers=headers)
    if code is None:
        assert resp.json() == {"id": PAGE_ID}
    else:
        assert assert_graph_error(resp, code)["type"] == "OAuthException"


@pytest.mark.parametrize("kind,status,code,subcode", [
    ("expired_token", 400, 190, 463),
    ("5xx", 503, 2, None),
    ("429", 400, 80001, None),
])
def test_injected_faults_answer_in_graph_shape(http, sb: Sandbox, kind: str, status: int,
                                               code: int, subcode: int | None) -> None:
    sb.configure("facebook", faults=[{"kind": kind, "count": 1}])
    resp = http("POST", f"/{V}/{PAGE_ID}/feed", data=auth(message=kind))
    error = assert_graph_error(resp, code, subcode, status)
    buc = json.loads(resp.headers["X-Business-Use-Case-Usage"])
    valid(buc, BUC_USAGE)
    if kind == "429":
        assert buc[PAGE_ID][0]["estimated_time_to_regain_access"] == 1
        assert error["message"].startswith("(#80001) There have been too many calls")
    if kind == "expired_token":
        assert {"error_user_title", "error_user_msg"} <= error.keys()
    assert sb.all_posts()["facebook"] == []


def test_rate_limit_window_reports_usage_and_regain_time(http, sb: Sandbox,
                                                         clock: FakeClock) -> None:
    sb.configure("facebook", rate_limit={"requests": 4, "window_seconds": 900})
    first = http("GET", f"/{V}/me", params=auth())
    assert json.loads(first.headers["X-App-Usage"])["call_count"] == 25
    for _ in range(3):
        http("GET", f"/{V}/me", params=auth())
    clock.now += 120
    resp = http("GET", f"/{V}/me", params=auth())
    assert_graph_error(resp, 80001)
    buc = json.loads(resp.headers["X-Business-Use-Case-Usage"])[PAGE_ID][0]
    assert buc["estimated_time_to_regain_access"] == 13  # ceil((900 - 120) / 60)


@pytest.mark.parametrize("case,code,subcode", [
    ("empty", 100, None),
    ("duplicate", 506, None),
    ("too_long", 100, None),
    ("no_file", 324, None),
    ("bad_image", 100, 1366046),
    ("bad_video", 352, None),
    ("bad_attached", 100, None),
    ("unknown_edge", 2500, None),
])
def test_content_refusals(http, case: str, code: int, subcode: int | None) -> None:
    feed, photos, videos = (f"/{V}/{PAGE_ID}/{e}" for e in ("feed", "photos", "videos"))
    if case == "empty":
        resp = http("POST", feed, data=auth())
    elif case == "duplicate":
        post_feed(http, "sama")
        resp = http("POST", feed, data=auth(message="sama"))
    elif case == "too_long":
        resp = http("POST", feed, data=auth(message="a" * 63207))
    elif case == "no_file":
        resp = http("POST", photos, data=auth(caption="x"))
    elif case == "bad_image":
        resp = http("POST", photos, data=auth(), files={"source": ("x.png", b"text", "image/png")})
    elif case == "bad_video":
        resp = http("POST", videos, data=auth(), files={"source": ("x.mp4", b"\0" * 64,
                                                                   "video/mp4")})
    elif case == "bad_attached":
        resp = http("POST", feed, data=auth(**{"attached_media[0]": "12345"}))
    else:
        resp = http("GET", f"/{V}/{PAGE_ID}/nonsense", params=auth())
    assert_graph_error(resp, code, subcode)


# --- robustness ------------------------------------------------------------------------
def test_concurrent_posts_all_land_with_unique_ids(sb: Sandbox) -> None:
    base = sb.base_url("facebook")
    ids: list[str] = []

    def one(i: int) -> None:
        resp = requests.post(f"{base}/{V}/{PAGE_ID}/feed", data=auth(message=f"paralel {i}"),
                             timeout=10)
        ids.append(resp.json()["id"])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(set(ids)) == 16
    assert len(sb.all_posts()["facebook"]) == 16


def test_split_fields_keeps_only_top_level_names() -> None:
    assert split_fields("shares,reactions.summary(total_count).limit(0),"
                        "comments{message,from},id") == ["shares", "reactions", "comments", "id"]
