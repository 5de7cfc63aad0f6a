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
            # the resumable upload's 6001/1363037 names the offsets it expects
            "error_data": {"type": "object", "required": ["start_offset", "end_offset"],
                           "additionalProperties": False,
                           "properties": {"start_offset": {"type": "integer", "minimum": 0},
                                          "end_offset": {"type": "integer", "minimum": 0}}},
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
OFFSET = {"type": "string", "pattern": r"^\d+$"}  # Graph sends the offsets as strings
# start: {"upload_session_id","video_id","start_offset":"0","end_offset":"1048576"}
UPLOAD_STARTED = {"type": "object", "additionalProperties": False,
                  "required": ["upload_session_id", "video_id", "start_offset", "end_offset"],
                  "properties": {"upload_session_id": OBJECT_ID, "video_id": OBJECT_ID,
                                 "start_offset": OFFSET, "end_offset": OFFSET}}
# transfer: the next {"start_offset","end_offset"}
NEXT_CHUNK = {"type": "object", "additionalProperties": False,
              "required": ["start_offset", "end_offset"],
              "properties": {"start_offset": OFFSET, "end_offset": OFFSET}}
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
# Insights: {"data":[{"name","period","values":[{"value"}],"title","description","id"}]}
INSIGHTS = {
    "type": "object", "required": ["data"], "additionalProperties": False,
    "properties": {"data": {"type": "array", "minItems": 1, "items": {
        "type": "object", "additionalProperties": False,
        "required": ["name", "period", "values", "title", "description", "id"],
        "properties": {
            "name": {"type": "string"},
            "period": {"const": "lifetime"},
            "values": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["value"], "additionalProperties": False,
                "properties": {"value": {"type": "integer", "minimum": 0}}}},
            "title": {"type": "string", "minLength": 1},
            "description": {"type": "string", "minLength": 1},
            "id": {"type": "string", "pattern": r"^\d+_\d+/insights/[a-z_]+/lifetime$"},
        }}}},
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


def _h(post_id: str) -> int:
    return int(hashlib.sha256(post_id.encode()).hexdigest()[:8], 16)


def test_post_insights_match_the_documented_shape_and_grow(http, clock: FakeClock) -> None:
    post_id = post_feed(http, "Jangkauan")
    metric = "post_total_media_view_unique,post_media_view"
    zero = http("GET", f"/{V}/{post_id}/insights", params=auth(metric=metric)).json()
    valid(zero, INSIGHTS)
    assert [(d["name"], d["values"][0]["value"]) for d in zero["data"]] == [
        ("post_total_media_view_unique", 0), ("post_media_view", 0)]
    assert zero["data"][0]["id"] == f"{post_id}/insights/post_total_media_view_unique/lifetime"
    clock.now += 2 * 3600
    later = http("GET", f"/{V}/{post_id}/insights", params=auth(metric=metric)).json()
    valid(later, INSIGHTS)
    reach = 120 * (20 + _h(post_id) % 7)  # the formula of the module docstring
    assert [d["values"][0]["value"] for d in later["data"]] == [reach, reach + reach // 3]
    one = http("GET", f"/{V}/{post_id}/insights/post_total_media_view_unique",
               params=auth()).json()
    valid(one, INSIGHTS)
    assert one["data"][0]["values"][0]["value"] == reach


def test_insights_as_a_field_of_an_ids_batch(http, clock: FakeClock) -> None:
    a, b = post_feed(http, "Batch A"), post_feed(http, "Batch B")
    clock.now += 600
    body = http("GET", f"/{V}/", params=auth(
        ids=f"{a},{b}", fields="insights.metric(post_total_media_view_unique)")).json()
    assert set(body) == {a, b}
    for post_id in (a, b):
        valid(body[post_id]["insights"], INSIGHTS)
        assert body[post_id]["insights"]["data"][0]["values"][0]["value"] == \
            10 * (20 + _h(post_id) % 7)


@pytest.mark.parametrize("metric,code,subcode", [
    ("post_impressions_unique", 100, None),  # deprecated for every version: off by default
    ("post_impressions", 100, None), ("no_such_metric", 100, None),
    ("post_total_media_view_unique,bogus", 100, None), ("", 3001, 1504028)])
def test_unknown_or_deprecated_metrics_are_refused(http, metric: str, code: int,
                                                   subcode: int | None) -> None:
    post_id = post_feed(http, f"Metrik {metric}")
    error = assert_graph_error(
        http("GET", f"/{V}/{post_id}/insights", params=auth(metric=metric)), code, subcode)
    if code == 100:
        assert error["message"] == "(#100) The value must be a valid insights metric"
    field = http("GET", f"/{V}/", params=auth(ids=post_id,
                                               fields=f"insights.metric({metric})"))
    assert_graph_error(field, code, subcode)


def test_insights_metrics_setting_plays_a_deprecation(http, sb: Sandbox) -> None:
    post_id = post_feed(http, "Pengaturan")
    ok = requests.post(f"{sb.url}/_sandbox/config/facebook", timeout=10,
                       json={"insights_metrics": ["post_impressions_unique"]})
    assert ok.status_code == 200
    assert_graph_error(http("GET", f"/{V}/{post_id}/insights",
                            params=auth(metric="post_total_media_view_unique")), 100)
    old = http("GET", f"/{V}/{post_id}/insights", params=auth(metric="post_impressions_unique"))
    valid(old.json(), INSIGHTS)
    bad = requests.post(f"{sb.url}/_sandbox/config/facebook", timeout=10,
                        json={"insights_metrics": ["made_up"]})
    assert bad.status_code == 400


def test_missing_insights_permission_answers_10_but_fields_still_answer(http,
                                                                         sb: Sandbox) -> None:
    post_id = post_feed(http, "Izin")
    resp = requests.post(f"{sb.url}/_sandbox/config/facebook", timeout=10,
                         json={"read_insights": False})
    assert resp.status_code == 200
    metric = "post_total_media_view_unique"
    error = assert_graph_error(
        http("GET", f"/{V}/{post_id}/insights", params=auth(metric=metric)), 10)
    assert "read_insights" in error["message"] and TOKEN not in error["message"]
    assert_graph_error(http("GET", f"/{V}/", params=auth(
        ids=post_id, fields=f"insights.metric({metric})")), 10)
    fields = "shares,reactions.summary(total_count).limit(0),comments.summary(true).limit(0)"
    valid(http("GET", f"/{V}/{post_id}", params=auth(fields=fields)).json(), METRICS)
    sb.reset()  # the setting goes with a reset
    valid(http("GET", f"/{V}/{post_feed(http, 'Izin lagi')}/insights",
               params=auth(metric=metric)).json(), INSIGHTS)


@pytest.mark.parametrize("path,code", [("/{post}/insights", 2635),
                                       ("/v20.0/{post}/insights", 2635),
                                       (f"/{V}/{PAGE_ID}_404/insights", 100),
                                       (f"/{V}/200000000000002_1/insights", 10)])
def test_insights_keep_the_version_and_object_checks(http, path: str, code: int) -> None:
    post_id = post_feed(http, f"Versi {path}")
    resp = http("GET", path.format(post=post_id),
                params=auth(metric="post_total_media_view_unique"))
    assert_graph_error(resp, code, 33 if code == 100 else None)


def test_insights_through_facebook_sdk(sb: Sandbox, clock: FakeClock) -> None:
    import facebook

    from campaignctl.channels.facebook import _session_class

    session = _session_class()(sb.base_url("facebook"))
    graph = facebook.GraphAPI(access_token=TOKEN, timeout=10, session=session)
    post_id = graph.request(f"{V}/{PAGE_ID}/feed", post_args={"message": "SDK"})["id"]
    clock.now += 60
    body = graph.request(f"{V}/{post_id}/insights",
                         args={"metric": "post_total_media_view_unique"})
    valid(body, INSIGHTS)
    assert body["data"][0]["values"][0]["value"] == 20 + _h(post_id) % 7
    with pytest.raises(facebook.GraphAPIError) as info:
        graph.request(f"{V}/{post_id}/insights", args={"metric": "post_impressions_unique"})
    assert info.value.code == 100


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


# --- the resumable video upload ---------------------------------------------------------
VIDEO = MP4 + bytes(range(256)) * 40  # 14,240 bytes, not all alike


def upload_start(http, size: int = len(VIDEO)) -> dict:
    resp = http("POST", f"/{V}/{PAGE_ID}/videos",
                data=auth(upload_phase="start", file_size=str(size)))
    assert resp.status_code == 200, resp.text
    valid(resp.json(), UPLOAD_STARTED)
    return resp.json()


def transfer(http, session_id: str, offset: int, chunk: bytes) -> requests.Response:
    return http("POST", f"/{V}/{PAGE_ID}/videos",
                data=auth(upload_phase="transfer", upload_session_id=session_id,
                          start_offset=str(offset)),
                files={"video_file_chunk": ("chunk", chunk, "application/octet-stream")})


def finish(http, session_id: str, **extra: str) -> requests.Response:
    return http("POST", f"/{V}/{PAGE_ID}/videos",
                data=auth(upload_phase="finish", upload_session_id=session_id, **extra))


def test_resumable_upload_phases_and_shapes(http, sb: Sandbox) -> None:
    sb.configure("facebook", video_chunk_size=4096)
    started = upload_start(http)
    assert (started["start_offset"], started["end_offset"]) == ("0", "4096")
    session, begin, end = started["upload_session_id"], 0, 4096
    sizes = []
    while begin < end:
        resp = transfer(http, session, begin, VIDEO[begin:end])
        assert resp.status_code == 200, resp.text
        valid(resp.json(), NEXT_CHUNK)
        sizes.append(end - begin)
        begin, end = int(resp.json()["start_offset"]), int(resp.json()["end_offset"])
    assert begin == end == len(VIDEO) and sizes == [4096, 4096, 4096, len(VIDEO) - 3 * 4096]
    assert sb.all_posts()["facebook"] == []  # nothing exists before the finish
    resp = finish(http, session, description="Video panjang", title="Judul")
    assert resp.status_code == 200
    valid(resp.json(), DELETED)  # {"success": true}
    [post] = sb.all_posts()["facebook"]
    assert post["text"] == "Video panjang"
    assert post["media"] == [{"id": started["video_id"], "type": "video", "mime": "video/mp4",
                              "size": len(VIDEO), "alt": None}]
    video = sb.emulators["facebook"].objects[started["video_id"]]
    assert video["sha256"] == hashlib.sha256(VIDEO).hexdigest() and video["name"] == "Judul"
    info = http("GET", f"/{V}/{started['video_id']}", params=auth(fields="post_id,status"))
    assert info.json()["post_id"] == post["id"]
    assert info.json()["status"]["video_status"] == "processing"
    # the session is spent: neither another chunk nor another finish is accepted
    assert_graph_error(finish(http, session), 100)
    assert_graph_error(transfer(http, session, len(VIDEO), b"x"), 100)


def test_default_chunk_is_one_mebibyte(http) -> None:
    started = upload_start(http, 5 * 1024 * 1024)
    assert started["end_offset"] == str(1024 * 1024)
    assert upload_start(http, 1000)["end_offset"] == "1000"


@pytest.mark.parametrize("case", ["ahead", "repeat", "short_chunk", "early_finish"])
def test_wrong_offsets_answer_6001_with_the_expected_ones(http, sb: Sandbox,
                                                          case: str) -> None:
    sb.configure("facebook", video_chunk_size=4096)
    session = upload_start(http)["upload_session_id"]
    assert transfer(http, session, 0, VIDEO[:4096]).status_code == 200
    if case == "ahead":
        resp = transfer(http, session, 8192, VIDEO[8192:12288])
    elif case == "repeat":  # a resend of a chunk that did arrive
        resp = transfer(http, session, 0, VIDEO[:4096])
    elif case == "short_chunk":
        resp = transfer(http, session, 4096, VIDEO[4096:5000])
    else:
        resp = finish(http, session, description="Belum lengkap")
    error = assert_graph_error(resp, 6001, 1363037)
    assert error["error_data"] == {"start_offset": 4096, "end_offset": 8192}
    assert error["message"] == "There was a problem uploading your video. Please try again."
    assert {"error_user_title", "error_user_msg"} <= error.keys()
    assert transfer(http, session, 4096, VIDEO[4096:8192]).status_code == 200  # goes on
    assert sb.all_posts()["facebook"] == []


@pytest.mark.parametrize("fields,code", [
    ({"upload_phase": "start"}, 100),                       # no file_size
    ({"upload_phase": "start", "file_size": "0"}, 100),
    ({"upload_phase": "start", "file_size": str(11 * 1024 ** 3)}, 6000),  # over 10 GB
    ({"upload_phase": "transfer", "upload_session_id": "123", "start_offset": "0"}, 100),
    ({"upload_phase": "finish", "upload_session_id": "123"}, 100),
    ({"upload_phase": "cancel"}, 100),
])
def test_bad_phase_requests(http, fields: dict, code: int) -> None:
    assert_graph_error(http("POST", f"/{V}/{PAGE_ID}/videos", data=auth(**fields)), code,
                       1363022 if code == 6000 else None)


def test_a_resumable_upload_of_no_video_is_refused_at_finish(http, sb: Sandbox) -> None:
    junk = b"\0" * 64
    session = upload_start(http, len(junk))["upload_session_id"]
    assert transfer(http, session, 0, junk).status_code == 200
    assert_graph_error(finish(http, session, description="rusak"), 352)
    assert sb.all_posts()["facebook"] == []


def test_faults_aim_at_one_upload_phase(http, sb: Sandbox) -> None:
    sb.configure("facebook", faults=[{"kind": "5xx", "count": 1,
                                      "path": "upload_phase=finish"}])
    assert post_feed(http, "feed is not hit")
    session = upload_start(http)["upload_session_id"]
    assert transfer(http, session, 0, VIDEO).status_code == 200
    assert_graph_error(finish(http, session, description="v"), 2, status=503)
    assert finish(http, session, description="v").json() == {"success": True}
    assert len(sb.all_posts()["facebook"]) == 2


def test_upload_sessions_are_not_kept_in_the_state_file(http, sb: Sandbox) -> None:
    upload_start(http)
    state = sb.emulators["facebook"].export_state()
    assert "upload_sessions" not in state and "video_chunk_size" not in state


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
