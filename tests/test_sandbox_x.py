"""The X emulator: its contract with X's own OpenAPI description, auth, errors, media, metrics.

The spec is X's own, copied into tests/data/specs/ (its source and version are in the README
there), so the contract tests run in every clone and never skip.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1

from campaignctl.channels.credentials import SecretSource
from campaignctl.channels.x import XChannel
from campaignctl.errors import Rejected
from campaignctl.models import Account, Media, Published, RenderedPost
from campaignctl.sandbox import Sandbox
from campaignctl.sandbox.core import Request, Response
from campaignctl.sandbox.x import CREDENTIALS, USER, XEmulator
from test_channel_x import mp4_bytes, png_bytes  # tiny valid media, made in memory
from support import FakeClock as Clock

SPEC_PATH = Path(__file__).resolve().parent / "data" / "specs" / "x-api-v2-openapi.json"
T0 = 1_790_000_000.0
C = CREDENTIALS


class RecordingX(XEmulator):
    """The emulator, keeping every (request, response) pair for the contract checks."""

    def reset(self) -> None:
        super().reset()
        self.exchanges: list[tuple[Request, Response]] = []

    def handle(self, req: Request) -> Response:
        resp = super().handle(req)
        self.exchanges.append((req, resp))
        return resp


@pytest.fixture(scope="module")
def _shared():
    clock = Clock(T0)
    em = RecordingX(clock)
    with Sandbox(port=0, emulators={"x": em}) as sb:
        yield sb, em, clock


@pytest.fixture
def env(_shared):
    sb, em, clock = _shared
    clock.now = T0
    sb.reset()
    return _shared


def oauth1(secret: str = C["consumer_secret"]) -> OAuth1:
    return OAuth1(C["consumer_key"], secret, C["access_token"], C["access_token_secret"])


def call(sb: Sandbox, method: str, path: str, *, auth: Any = None, bearer: str | None = None,
         **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return requests.request(method, sb.base_url("x") + path, timeout=5,
                            auth=auth if auth is not None or bearer else oauth1(),
                            headers=headers, **kwargs)


# --- the spec ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text())


@pytest.fixture(scope="module")
def validate(spec):
    """validate(instance, ref) against a $ref into the spec, e.g. '#/components/schemas/X'."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:x-api-v2", resource)

    def check(instance: Any, schema: dict[str, Any]) -> None:
        if "$ref" in schema:
            schema = {"$ref": "urn:x-api-v2" + schema["$ref"]}
        Draft202012Validator(schema, registry=registry).validate(instance)

    return check


def operation(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The spec's path template and operation for a concrete request path."""
    candidates = []
    for template, ops in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if method.lower() in ops and re.match(pattern, path):
            candidates.append((template.count("{"), template, ops[method.lower()]))
    assert candidates, f"{method} {path} is not in X's API description"
    _, template, op = min(candidates, key=lambda c: c[0])  # literal paths beat templates
    return template, op


def multipart_fields(req: Request) -> dict[str, Any]:
    fields = req.multipart()
    out: dict[str, Any] = {"media": "<binary>"} if "media" in fields else {}
    out.update({k: int(v) if k == "segment_index" else v.decode()
                for k, v in fields.items() if k != "media"})
    return out


def check_exchange(spec, validate, req: Request, resp: Response) -> None:
    template, op = operation(spec, req.method, req.path)
    body_spec = (op.get("requestBody") or {}).get("content", {})
    ctype = req.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        validate(req.json(), body_spec["application/json"]["schema"])
    elif ctype.startswith("multipart/form-data"):
        validate(multipart_fields(req), body_spec["multipart/form-data"]["schema"])
    else:
        assert not body_spec or not op["requestBody"].get("required"), template
    for param in op.get("parameters", []):
        if "$ref" in param or param["in"] != "query":
            continue
        if param.get("required"):
            assert req.arg(param["name"]) is not None, f"{template} needs {param['name']}"
    responses = op["responses"]
    if isinstance(resp.body, dict) and resp.body.get("type") == "about:blank":
        # 401/403/429/5xx from X are RFC 7807 "about:blank" problems, which the spec's
        # Problem union does not list; hold them to X's documented shape instead.
        assert set(resp.body) == {"title", "detail", "type", "status"}
        assert resp.body["status"] == resp.status
        return
    entry = responses.get(str(resp.status)) or responses["default"]
    content = entry["content"]
    media = ("application/problem+json" if resp.status >= 400 and
             "application/problem+json" in content else "application/json")
    validate(resp.body, content[media]["schema"])


REQUIRED_OPERATIONS = {
    ("POST", "/2/tweets"), ("GET", "/2/tweets"), ("DELETE", "/2/tweets/{id}"),
    ("GET", "/2/users/me"), ("GET", "/2/users/{id}/tweets"),
    ("POST", "/2/media/upload/initialize"), ("POST", "/2/media/upload/{id}/append"),
    ("POST", "/2/media/upload/{id}/finalize"), ("GET", "/2/media/upload"),
    ("POST", "/2/media/metadata"),
}


def test_adapter_traffic_matches_the_spec(env, spec, validate, tmp_path):
    """Every request the adapter sends and every answer the emulator gives, against the spec."""
    sb, em, clock = env
    (tmp_path / "p.png").write_bytes(png_bytes())
    (tmp_path / "v.mp4").write_bytes(mp4_bytes(200_000))
    account = Account(name="x", platform="x",
                      credentials={k: "${X_" + k.upper() + "}" for k in
                                   ("consumer_key", "consumer_secret", "access_token",
                                    "access_token_secret")})
    ch = XChannel(account, SecretSource(environ={"X_" + k.upper(): v for k, v in C.items()}),
                  base_url=sb.base_url("x"))
    ch.sleep = lambda s: None  # type: ignore[method-assign]
    ch.chunk_size = 64 * 1024  # type: ignore[misc]
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)

    def post(*parts: str, **kw: Any) -> RenderedPost:
        return RenderedPost("c", "p", "x", "x", at, list(parts), **kw)

    ch.check()
    thread = ch.publish(post("Hello", "world", media=[
        Media(tmp_path / "p.png", alt="A poster", kind="image", mime="image/png")]))
    video = ch.publish(post("Video", media=[
        Media(tmp_path / "v.mp4", alt="A clip", kind="video", mime="video/mp4")]))
    ch.publish(post("Poll", options={"poll": {"options": ["a", "b"], "duration_minutes": 5},
                                     "reply_settings": "following"}))
    ch.publish(post("Quote", options={"quote_tweet_id": video.platform_id}))
    clock.now += 600
    ch.metrics([thread, video, Published("1869999999999999998")])
    assert ch.find_recent(post("Hello", "world"), at.replace(year=2020)) is not None
    ch.delete(thread)
    with pytest.raises(Rejected):  # an error answer goes through the same checks
        ch.publish(post("Video"))  # duplicate: an about:blank 403

    seen = set()
    for req, resp in em.exchanges:
        check_exchange(spec, validate, req, resp)
        seen.add((req.method, operation(spec, req.method, req.path)[0]))
    assert REQUIRED_OPERATIONS <= seen, REQUIRED_OPERATIONS - seen


# --- auth ---------------------------------------------------------------------------------
UNAUTHORIZED = {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank",
                "status": 401}


@pytest.mark.parametrize("auth, bearer, status", [
    (oauth1(), None, 200),
    (oauth1("wrong-consumer-secret"), None, 401),
    (OAuth1("other-key", C["consumer_secret"], C["access_token"], C["access_token_secret"]),
     None, 401),
    (None, C["access_token"], 200),
    (None, "not-a-token", 401),
])
def test_auth_is_verified(env, auth, bearer, status):
    sb = env[0]
    resp = call(sb, "GET", "/2/users/me", auth=auth, bearer=bearer)
    assert resp.status_code == status
    if status == 401:
        assert resp.json() == UNAUTHORIZED
    else:
        assert resp.json()["data"]["username"] == USER["username"]


def test_oauth1_signature_covers_the_query(env):
    """A signature made for one URL does not authorise another (the emulator sees req.url)."""
    sb = env[0]
    good = requests.Request("GET", sb.base_url("x") + "/2/tweets?ids=1", auth=oauth1()).prepare()
    tampered = good.copy()
    tampered.url = sb.base_url("x") + "/2/tweets?ids=2"
    with requests.Session() as s:
        assert s.send(good, timeout=5).status_code == 200
        assert s.send(tampered, timeout=5).status_code == 401


def test_refresh_rotates_tokens(env):
    sb, em, clock = env
    form = {"grant_type": "refresh_token", "refresh_token": C["refresh_token"],
            "client_id": C["client_id"]}
    url = sb.base_url("x") + "/2/oauth2/token"
    first = requests.post(url, data=form, auth=(C["client_id"], C["client_secret"]), timeout=5)
    assert first.status_code == 200
    body = first.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 7200
    assert call(sb, "GET", "/2/users/me", bearer=body["access_token"]).status_code == 200
    reused = requests.post(url, data=form, timeout=5)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_request"
    bad_secret = requests.post(url, data=dict(form, refresh_token=body["refresh_token"]),
                               auth=(C["client_id"], "nope"), timeout=5)
    assert bad_secret.status_code == 401
    clock.now += 7201  # refreshed access tokens last two hours
    assert call(sb, "GET", "/2/users/me", bearer=body["access_token"]).status_code == 401


# --- errors and rate limits --------------------------------------------------------------
def test_injected_faults_use_x_shapes(env):
    sb, em, clock = env
    sb.configure("x", faults=[{"kind": "429", "count": 1}, {"kind": "5xx", "count": 1}])
    limited = call(sb, "GET", "/2/users/me")
    assert limited.status_code == 429
    assert limited.json() == {"title": "Too Many Requests", "detail": "Too Many Requests",
                              "type": "about:blank", "status": 429}
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert int(limited.headers["x-rate-limit-reset"]) == int(T0 + 60)
    failed = call(sb, "GET", "/2/users/me")
    assert failed.status_code == 503 and failed.json()["type"] == "about:blank"
    ok = call(sb, "GET", "/2/users/me")
    assert ok.status_code == 200
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(
        ok.headers)


def test_rate_limit_window_counts_down_and_resets(env):
    sb, em, clock = env
    sb.configure("x", rate_limit={"requests": 3, "window_seconds": 900})
    remaining = [call(sb, "GET", "/2/users/me").headers["x-rate-limit-remaining"]
                 for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    assert call(sb, "GET", "/2/users/me").status_code == 429
    clock.now += 901
    assert call(sb, "GET", "/2/users/me").status_code == 200


def create(sb: Sandbox, body: dict[str, Any]) -> requests.Response:
    return call(sb, "POST", "/2/tweets", json=body)


def upload(sb: Sandbox, data: bytes, media_type: str = "image/png",
           category: str = "tweet_image") -> str:
    init = call(sb, "POST", "/2/media/upload/initialize",
                json={"media_type": media_type, "total_bytes": len(data),
                      "media_category": category})
    mid = init.json()["data"]["id"]
    call(sb, "POST", f"/2/media/upload/{mid}/append", files={"media": ("f", data)},
         data={"segment_index": "0"})
    call(sb, "POST", f"/2/media/upload/{mid}/finalize")
    return mid


@pytest.mark.parametrize("body, status, needle", [
    ({"txt": "typo"}, 400, "txt"),
    ({}, 400, "required"),
    ({"text": "a" * 281}, 403, "too long"),
    ({"text": "x", "reply_settings": "everyone"}, 400, "reply_settings"),
    ({"text": "x", "poll": {"options": ["only one"], "duration_minutes": 60}}, 400, "poll"),
    ({"text": "x", "poll": {"options": ["a", "b"], "duration_minutes": 4}}, 400, "duration"),
    ({"text": "x", "reply": {"in_reply_to_tweet_id": "1234"}}, 403, "reply to"),
    ({"text": "x", "quote_tweet_id": "1234"}, 403, "quote"),
    ({"text": "x", "media": {"media_ids": ["1870000000000000999"]}}, 400, "media IDs"),
])
def test_create_validation(env, spec, validate, body, status, needle):
    sb = env[0]
    resp = create(sb, body)
    assert resp.status_code == status
    text = json.dumps(resp.json())
    assert needle in text
    if status == 400:
        validate(resp.json(), {"$ref": "#/components/schemas/Problem"})


def test_poll_cannot_carry_media_and_text_counts_like_x(env):
    sb = env[0]
    mid = upload(sb, png_bytes())
    resp = create(sb, {"text": "x", "media": {"media_ids": [mid]},
                       "poll": {"options": ["a", "b"], "duration_minutes": 60}})
    assert resp.status_code == 400
    # 140 CJK characters weigh 280: exactly at the limit
    assert create(sb, {"text": "漢" * 140}).status_code == 201
    assert create(sb, {"text": "漢" * 141}).status_code == 403


@pytest.mark.parametrize("step, status", [
    ({"media_type": "image/heic", "total_bytes": 10}, 400),
    ({"media_type": "image/png", "total_bytes": 6 * 1024 * 1024,
      "media_category": "tweet_image"}, 400),
    ({"media_type": "video/mp4", "total_bytes": 600 * 1024 * 1024,
      "media_category": "tweet_video"}, 400),
    ({"media_type": "image/png", "total_bytes": 0}, 400),
    ({"media_type": "image/png", "total_bytes": 10, "media_category": "tweet_image"}, 200),
])
def test_initialize_validation(env, step, status):
    assert call(env[0], "POST", "/2/media/upload/initialize", json=step).status_code == status


def test_append_and_finalize_enforce_segments_and_size(env):
    sb = env[0]
    init = call(sb, "POST", "/2/media/upload/initialize",
                json={"media_type": "video/mp4", "total_bytes": 20,
                      "media_category": "tweet_video"}).json()["data"]
    mid = init["id"]
    assert init["media_key"] == f"7_{mid}"
    append = f"/2/media/upload/{mid}/append"
    assert call(sb, "POST", append, files={"media": ("f", b"x")},
                data={"segment_index": "1000"}).status_code == 400
    assert call(sb, "POST", append, files={"media": ("f", b"\x00" * 21)},
                data={"segment_index": "0"}).status_code == 400
    assert call(sb, "POST", append, files={"media": ("f", b"\x00" * 10)},
                data={"segment_index": "1"}).status_code == 200
    gap = call(sb, "POST", f"/2/media/upload/{mid}/finalize")
    assert gap.status_code == 400 and "segment" in gap.text  # segment 0 is missing
    head = b"\x00\x00\x00\x18ftypisom"[:10]
    call(sb, "POST", append, files={"media": ("f", head)}, data={"segment_index": "0"})
    final = call(sb, "POST", f"/2/media/upload/{mid}/finalize").json()["data"]
    assert final["processing_info"] == {"state": "pending", "check_after_secs": 0,
                                        "progress_percent": 0}
    states = [call(sb, "GET", "/2/media/upload", params={"command": "STATUS", "media_id": mid})
              .json()["data"]["processing_info"]["state"] for _ in range(3)]
    assert states == ["in_progress", "succeeded", "succeeded"]
    assert create(sb, {"text": "clip", "media": {"media_ids": [mid]}}).status_code == 201


def test_alt_text_is_stored_and_capped(env):
    sb, em, _ = env
    mid = upload(sb, png_bytes())
    too_long = call(sb, "POST", "/2/media/metadata",
                    json={"id": mid, "metadata": {"alt_text": {"text": "a" * 1001}}})
    assert too_long.status_code == 400
    ok = call(sb, "POST", "/2/media/metadata",
              json={"id": mid, "metadata": {"alt_text": {"text": "Poster"}}})
    assert ok.json()["data"] == {"id": mid, "associated_metadata":
                                 {"alt_text": {"text": "Poster"}}}
    tid = create(sb, {"text": "pic", "media": {"media_ids": [mid]}}).json()["data"]["id"]
    [stored] = [p for p in em.posts() if p["id"] == tid]
    assert stored["media"] == [{"id": mid, "type": "image/png", "category": "tweet_image",
                                "size": len(png_bytes()), "alt": "Poster"}]
    assert stored["url"] == f"https://x.com/{USER['username']}/status/{tid}"


# --- lookup, timeline, metrics --------------------------------------------------------------
def test_metrics_follow_the_documented_formula(env):
    import hashlib

    sb, em, clock = env
    tid = create(sb, {"text": "measure me"}).json()["data"]["id"]

    def lookup() -> dict[str, int]:
        resp = call(sb, "GET", "/2/tweets", params={"ids": tid,
                                                     "tweet.fields": "public_metrics"})
        return resp.json()["data"][0]["public_metrics"]

    assert set(lookup().values()) == {0}
    h = int(hashlib.sha256(tid.encode()).hexdigest()[:8], 16)
    clock.now += 86400
    impressions = (86400 // 6) * (1 + h % 5)
    likes = impressions // (40 + h % 20)
    assert lookup() == {"impression_count": impressions, "like_count": likes,
                        "repost_count": likes // 5, "reply_count": likes // 8,
                        "quote_count": likes // 5 // 4, "bookmark_count": likes // 10}
    clock.now += 3600
    assert lookup()["impression_count"] > impressions


def test_timeline_filters_by_start_time_and_deletion(env):
    sb, em, clock = env
    old = create(sb, {"text": "old"}).json()["data"]["id"]
    clock.now += 3600
    new = create(sb, {"text": "new"}).json()["data"]["id"]
    gone = create(sb, {"text": "gone"}).json()["data"]["id"]
    assert call(sb, "DELETE", f"/2/tweets/{gone}").json() == {"data": {"deleted": True}}
    start = datetime.fromtimestamp(T0 + 1800, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    resp = call(sb, "GET", f"/2/users/{USER['id']}/tweets",
                params={"start_time": start, "tweet.fields": "created_at"}).json()
    assert [t["id"] for t in resp["data"]] == [new]
    assert resp["meta"]["result_count"] == 1
    everything = call(sb, "GET", f"/2/users/{USER['id']}/tweets").json()
    assert [t["id"] for t in everything["data"]] == [new, old]
    missing = call(sb, "GET", "/2/tweets", params={"ids": f"{old},{gone}"}).json()
    assert [t["id"] for t in missing["data"]] == [old]
    assert missing["errors"][0]["resource_id"] == gone


def test_concurrent_creates_get_distinct_ids(env):
    sb, em, _ = env
    results: list[int] = []
    ids: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(5):
            resp = create(sb, {"text": f"worker {n} post {i}"})
            with lock:
                results.append(resp.status_code)
                ids.append(resp.json()["data"]["id"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [201] * 30
    assert len(set(ids)) == 30 and len(em.posts()) == 30


def test_reset_forgets_everything(env):
    sb, em, _ = env
    create(sb, {"text": "remember me"})
    sb.reset()
    assert em.posts() == [] and em.media == {}
    assert create(sb, {"text": "remember me"}).status_code == 201  # no longer a duplicate
