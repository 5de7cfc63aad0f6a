"""Facebook Pages Graph API emulator (API-NOTES.md section 2), served under ``/facebook``.

One Page (``PAGE_ID``) reachable with one Page token (``CREDENTIALS``). Paths carry a Graph
version like the real API: ``/v24.0/{page-id}/feed``.

    GET    /vN.M/me | /{page-id}?fields=id,name,link     the Page
    POST   /vN.M/{page-id}/feed      message, link, published, attached_media[i]={"media_fbid"}
    POST   /vN.M/{page-id}/photos    multipart source (or url), caption, published,
                                     alt_text_custom
    POST   /vN.M/{page-id}/videos    the legacy resumable upload (Graph's video host,
                                     graph-video.facebook.com, in production), by upload_phase:
        start     file_size -> {"upload_session_id", "video_id", "start_offset": "0",
                  "end_offset"} (offsets are strings, as Graph sends them)
        transfer  upload_session_id, start_offset, multipart video_file_chunk (exactly the
                  bytes start_offset..end_offset) -> the next {"start_offset", "end_offset"};
                  equal offsets mean every byte is in
        finish    upload_session_id, description, title, published -> {"success": true}; only
                  now do the video and its post exist
                                     without upload_phase: the simple upload, multipart
                                     source, description, title, published -> {"id": "<video>"}
    GET    /vN.M/{page-id}/feed      ?fields=message,created_time&since=&limit=  (also /posts)
    GET    /vN.M/{object-id}?fields= a post, photo or video
    GET    /vN.M/?ids=a,b&fields=    several objects at once (at most 50 ids)
    GET    /vN.M/{post-id}/insights?metric=a,b   Page post insights (also .../insights/{metric},
                                     and as a field: ?fields=insights.metric(a,b), with ?ids=)
    DELETE /vN.M/{object-id}         {"success": true}

Facebook Login, for ``campaignctl channels login`` (manual login flow, then the long-lived
token exchange and the Page token; API-NOTES.md section 2, Tokens):
    GET    /vN.M/dialog/oauth        the Login dialog (www.facebook.com in production):
                                     consents at once, or refuses with the ``consent:
                                     "deny"`` setting, and redirects to redirect_uri with
                                     code/state (or error=access_denied&error_reason=user_denied)
    GET    /vN.M/oauth/access_token  client_id, client_secret and either code + the same
                                     redirect_uri (a short-lived user token, 2 h) or
                                     grant_type=fb_exchange_token&fb_exchange_token= (a
                                     long-lived one, 60 days)
    GET    /vN.M/me/accounts         with a user token: the Pages it manages, each with its
                                     Page token (which this emulator then accepts)

Choices where Graph is unclear or where the sandbox is stricter on purpose:
- A path without a version, or a version older than v21.0, is refused. Real Graph silently
  moves an expired version to the oldest live one; only the Ads API answers with
  ``(#2635) You are calling a deprecated version``. We borrow that code and shape so an
  adapter that forgets the version fails loudly here instead of drifting in production.
- Alt text: Page photo uploads take ``alt_text_custom`` (the Photo node's "user provided
  accessible alternative description"); it is stored with the photo and shown by ``posts()``.
- Photos must be JPEG, PNG, GIF, BMP or TIFF (by content) and under 10 MB (the Photo
  reference's limit for static images). Videos must start with an ISO-BMFF ``ftyp`` box
  (mp4/mov; checked on the whole file, at finish for a resumable upload) and be at most
  ``VIDEO_MAX_BYTES`` (1 GB) by the simple upload or ``RESUMABLE_MAX_BYTES`` (10 GB, the
  ``file_size`` at start) by the resumable one; a video reports ``status.video_status``
  "processing" for ``VIDEO_PROCESSING_SECONDS`` after upload, then "ready".
- Resumable upload: Graph picks each chunk's size; here every ``end_offset`` is
  ``start_offset`` + the ``video_chunk_size`` setting (default ``DEFAULT_CHUNK_BYTES``, 1 MiB;
  tests set a few KiB), capped at the file size. A transfer at any offset but the expected
  one, or whose chunk is not exactly that range, and a finish before every byte is in,
  answer Graph's 6001/1363037 "There was a problem uploading your video" with the expected
  offsets in ``error_data`` (the shape of real answers, e.g. facebookarchive/php-graph-sdk
  #821), so a client whose transfer answer was lost goes on from there. An unknown or
  finished upload_session_id answers code 100. The sandbox keeps, per session, the size,
  sha256 and chunk sizes of the bytes received (not the bytes): the video made at finish
  carries ``sha256`` and ``chunks`` for tests. Sessions are not kept in the state file, and
  the chunk size setting goes with a reset. A fault's ``path`` is matched against the path
  and, for a resumable POST, ``?upload_phase=<phase>`` after it: ``"path":
  "upload_phase=finish"`` aims at the finish only, ``"/videos"`` at every phase.
- Every error is HTTP 400 with Graph's ``{"error": {...}}`` body, except injected 5xx
  faults (HTTP 503, code 2, ``is_transient``).
- An identical message posted again within an hour is refused with code 506 (duplicate).
- ``shares`` is left out of a post's fields while its count is zero, as Graph does.
- A post id of another Page ("OTHERPAGE_POST") answers code 10 (missing permission), which
  is what a Page token without Page Public Content Access gets.
- Insights know only ``INSIGHTS_METRICS``; any other metric, or one switched off with the
  ``insights_metrics`` setting (to play a deprecation), answers code 100 "The value must be a
  valid insights metric", for the whole request as Graph does. ``post_impressions_unique`` is
  off by default: Meta deprecated it for every version (alternative
  ``post_total_media_view_unique``). No metric answers 3001/1504028. The setting
  ``read_insights: false`` plays a Page token without the insights permission: every insights
  request (edge or field) answers code 10, while the other fields still answer. Both settings
  go with a reset and are not kept in the state file. Every value is a "lifetime" one.

Metrics grow with the emulator's clock. With ``m`` = whole minutes since the post was made
and ``h`` = the first 8 hex digits of sha256(post id) as an integer:
    reactions = m * (2 + h % 3)      comments = m // (2 + h % 4)      shares = m // (5 + h % 5)
    reach (post_total_media_view_unique, post_impressions_unique) = m * (20 + h % 7)
    views (post_media_view) = reach + reach // 3
so a report made later always shows numbers at least as large as an earlier one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import secrets
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..channels.fixtures import FACEBOOK_APP_CREDENTIALS, SANDBOX_CREDENTIALS
from .core import Emulator, Request, Response

PAGE_ID = "100000000000001"
PAGE_NAME = "Sandbox Page"
# The Facebook app that logs in (`channels login`: app_id/app_secret credentials).
APP_CREDENTIALS: dict[str, str] = dict(FACEBOOK_APP_CREDENTIALS)
# What SandboxSecrets hands a sandbox account: the Page token, and the app for logging in.
CREDENTIALS: dict[str, str] = SANDBOX_CREDENTIALS["facebook"]
SHORT_LIVED_SECONDS = 2 * 3600
LONG_LIVED_SECONDS = 60 * 86400
CODE_SECONDS = 600

LATEST_VERSION = "v24.0"
MIN_VERSION = (21, 0)
TEXT_MAX = 63206
PHOTO_MAX_BYTES = 10 * 1024 * 1024
VIDEO_MAX_BYTES = 1024 * 1024 * 1024
RESUMABLE_MAX_BYTES = 10 * 1024 ** 3  # 10 GB (API-NOTES: legacy resumable flow limits)
DEFAULT_CHUNK_BYTES = 1024 * 1024
UPLOAD_PHASES = ("start", "transfer", "finish")
VIDEO_PROCESSING_SECONDS = 5.0
IDS_MAX = 50
DUPLICATE_WINDOW_SECONDS = 3600
USAGE_WINDOW_SECONDS = 3600
DEFAULT_CALLS_PER_HOUR = 4800  # the Pages BUC quota when no rate limit is configured
# Page post insights: metric -> (title, description, which number of _metrics it shows).
INSIGHTS_METRICS: dict[str, tuple[str, str, str]] = {
    "post_total_media_view_unique": (
        "Lifetime Post Total Media Views Unique",
        "Lifetime: The number of people who saw your post at least once.", "reach"),
    "post_media_view": (
        "Lifetime Post Media Views",
        "Lifetime: The number of times your post was on screen.", "views"),
    "post_impressions_unique": (
        "Lifetime Post Total Reach",
        "Lifetime: The number of people who had your Page's post enter their screen. "
        "(Unique Users)", "reach"),
}
# What Graph answers today: post_impressions_unique is deprecated for every version.
INSIGHTS_ON = frozenset({"post_total_media_view_unique", "post_media_view"})
_INSIGHTS_FIELD = re.compile(r"(?:^|,)\s*insights\.metric\(([^)]*)\)")

_VERSION = re.compile(r"^/v(\d+)\.(\d+)(/.*)?$")
_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"BM": "image/bmp",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}


def graph_time(epoch: float) -> str:
    """Graph's timestamp form, e.g. 2026-11-28T09:00:00+0000."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def split_fields(spec: str) -> list[str]:
    """Top-level names of a Graph ``fields=`` value (modifiers and nesting dropped)."""
    names, depth, current = [], 0, ""
    for ch in spec:
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += ch
    names.append(current)
    return [re.split(r"[.{(]", n.strip(), maxsplit=1)[0] for n in names if n.strip()]


class GraphError(Exception):
    """An error answer in Graph's shape; raised inside ``handle`` and turned into a Response."""

    def __init__(self, code: int, message: str, *, subcode: int | None = None,
                 type_: str = "OAuthException", status: int = 400,
                 user_title: str | None = None, user_msg: str | None = None,
                 transient: bool = False, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.subcode, self.type = code, message, subcode, type_
        self.status, self.user_title, self.user_msg = status, user_title, user_msg
        self.transient, self.data = transient, data

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.data is not None:
            error["error_data"] = self.data
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.transient:
            error["is_transient"] = True
        if self.user_title:
            error["error_user_title"] = self.user_title
        if self.user_msg:
            error["error_user_msg"] = self.user_msg
        error["fbtrace_id"] = "A" + secrets.token_hex(10)
        return {"error": error}


def _foreign(object_id: str) -> bool:
    """A post id of another Page: its content needs a permission our Page token lacks."""
    return "_" in object_id and object_id.split("_", 1)[0] != PAGE_ID


def _no_permission() -> GraphError:
    return GraphError(
        10, "(#10) This endpoint requires the 'pages_read_engagement' permission or the "
        "'Page Public Content Access' feature. Refer to https://developers.facebook.com/docs/"
        "apps/review/login-permissions#manage-pages for details.")


def _not_found(object_id: str, method: str) -> GraphError:
    verb = {"GET": "get", "POST": "post", "DELETE": "delete"}.get(method, method.lower())
    return GraphError(
        100, f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot "
        "be loaded due to missing permissions, or does not support this operation. Please "
        "read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33, type_="GraphMethodException")


def _too_big() -> GraphError:
    return GraphError(6000, "There was a problem uploading your video file. Please try again "
                      "with another file.", subcode=1363022)


class FacebookEmulator(Emulator):
    """One Facebook Page: feed posts, photos (single and multi), videos, metrics, delete."""

    name = "facebook"
    # Insights settings are per-run, like faults: a reset or restart brings the defaults.
    # Upload sessions hold running hashes (which do not pickle) and are not worth keeping.
    _TRANSIENT = Emulator._TRANSIENT | {"read_insights", "insights_metrics", "video_chunk_size",
                                        "upload_sessions"}

    def reset(self) -> None:
        """Forget every post, photo and video."""
        self.objects: dict[str, dict[str, Any]] = {}  # every id: posts, photos, videos
        self.read_insights = True  # False: the Page token lacks the insights permission
        self.insights_metrics: frozenset[str] = INSIGHTS_ON  # the metrics Graph accepts
        self.video_chunk_size = DEFAULT_CHUNK_BYTES  # what each end_offset adds
        self.upload_sessions: dict[str, dict[str, Any]] = {}  # resumable uploads by session id
        self._next_id = 1000
        self._calls: list[float] = []
        # Login: dialog codes, user tokens (-> expiry, kind, scopes), Page tokens issued.
        self.consent = "allow"
        self.auth_codes: dict[str, dict[str, Any]] = {}
        self.user_tokens: dict[str, tuple[float, str, frozenset[str]]] = {}
        self.page_tokens: set[str] = set()

    def configure(self, body: dict[str, Any]) -> None:
        """The core's settings plus ``read_insights`` (bool), ``insights_metrics`` (the
        metric names insights accept; others answer code 100) and ``video_chunk_size`` (bytes
        per resumable chunk; null for the default)."""
        super().configure(body)
        with self.lock:
            if "video_chunk_size" in body:
                size = body["video_chunk_size"]
                if size is None:
                    size = DEFAULT_CHUNK_BYTES
                if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                    raise ValueError("video_chunk_size must be a positive number of bytes")
                self.video_chunk_size = size
            if "read_insights" in body:
                self.read_insights = bool(body["read_insights"])
            if "insights_metrics" in body:
                names = body["insights_metrics"]
                if names is None:
                    self.insights_metrics = INSIGHTS_ON
                elif not isinstance(names, list) or not set(names) <= set(INSIGHTS_METRICS):
                    raise ValueError("insights_metrics must be a list of "
                                     f"{sorted(INSIGHTS_METRICS)}")
                else:
                    self.insights_metrics = frozenset(names)

    def _take_fault(self, req: Request) -> Any:
        """Faults may aim at one phase of a resumable upload: "upload_phase=finish"."""
        if req.method == "POST" and req.path.rstrip("/").endswith("/videos"):
            phase = self._fields(req).get("upload_phase")
            if phase:
                return super()._take_fault(
                    dataclasses.replace(req, path=f"{req.path}?upload_phase={phase}"))
        return super()._take_fault(req)

    # --- helpers ---------------------------------------------------------------------
    def _new_id(self) -> str:
        self._next_id += 1
        return f"{self._next_id}{secrets.randbelow(10**6):06d}"

    @staticmethod
    def _fields(req: Request) -> dict[str, str]:
        """Request parameters from the query, a form body or a multipart body."""
        out = {k: v[0] for k, v in req.query.items() if v}
        ctype = req.headers.get("content-type", "")
        if req.body and "multipart/form-data" in ctype:
            for k, v in req.multipart().items():
                if k not in ("source", "video_file_chunk"):
                    out[k] = v.decode("utf-8", "replace")
        elif req.body and "json" not in ctype:
            out.update(req.form())
        return out

    @staticmethod
    def _token(req: Request, fields: dict[str, str]) -> str | None:
        auth = req.headers.get("authorization", "")
        for scheme in ("oauth ", "bearer "):
            if auth.lower().startswith(scheme):
                return auth[len(scheme):].strip()
        return fields.get("access_token")

    def _check_version(self, req: Request) -> str:
        m = _VERSION.match(req.path)
        if not m or (int(m.group(1)), int(m.group(2))) < MIN_VERSION:
            raise GraphError(
                2635, f"(#2635) You are calling a deprecated version of the Graph API. Please "
                f"update to the latest version: {LATEST_VERSION}.")
        return m.group(3) or "/"

    def _check_token(self, token: str | None) -> None:
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        if token != CREDENTIALS["page_access_token"] and token not in self.page_tokens:
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")

    def rate_headers(self) -> dict[str, str]:
        """X-App-Usage and X-Business-Use-Case-Usage, as percentages of the hour's quota."""
        now = self.clock()
        limit = self.config.rate_limit
        if limit:
            window, allowed = limit.get("window_seconds", 900), max(1, limit["requests"])
            used = len([t for t in self._window if t > now - window])
            regain = 0
            if used >= allowed and self._window:
                regain = max(1, math.ceil((self._window[0] + window - now) / 60))
        else:
            used = len([t for t in self._calls if t > now - USAGE_WINDOW_SECONDS])
            allowed, regain = DEFAULT_CALLS_PER_HOUR, 0
        pct = min(100, used * 100 // allowed)
        return self._usage_headers(pct, regain)

    @staticmethod
    def _usage_headers(pct: int, regain_minutes: int) -> dict[str, str]:
        app = {"call_count": pct, "total_time": pct // 2, "total_cputime": pct // 2}
        buc = {PAGE_ID: [{"type": "pages", "call_count": pct, "total_cputime": pct // 2,
                          "total_time": pct // 2,
                          "estimated_time_to_regain_access": regain_minutes}]}
        return {"X-App-Usage": json.dumps(app), "X-Business-Use-Case-Usage": json.dumps(buc)}

    def _metrics(self, obj: dict[str, Any]) -> dict[str, int]:
        minutes = int(self.audience_age(obj["created"]) // 60)
        h = int(hashlib.sha256(obj["id"].encode()).hexdigest()[:8], 16)
        reach = minutes * (20 + h % 7)
        return {"reactions": minutes * (2 + h % 3), "comments": minutes // (2 + h % 4),
                "shares": minutes // (5 + h % 5), "reach": reach}

    def _insights(self, obj: dict[str, Any], spec: str) -> list[dict[str, Any]]:
        """Graph's insights rows of one post for ``spec`` ("a,b"); errors as Graph gives them."""
        names = [n.strip() for n in spec.split(",") if n.strip()]
        if not names:
            raise GraphError(3001, "Invalid query", subcode=1504028,
                             user_title="No Metric Specified",
                             user_msg="No metric was specified to be fetched. Please specify "
                             "one or more metrics to be fetched and try again.")
        if not self.read_insights:
            raise GraphError(
                10, "(#10) This endpoint requires the 'read_insights' permission or the "
                "'pages_read_engagement' permission.")
        if any(n not in self.insights_metrics for n in names):
            raise GraphError(100, "(#100) The value must be a valid insights metric")
        if obj["kind"] != "post":
            raise GraphError(100, f"(#100) Tried accessing nonexisting field (insights) on node "
                             f"type ({obj['kind'].capitalize()})", type_="GraphMethodException")
        numbers = self._metrics(obj)
        numbers["views"] = numbers["reach"] + numbers["reach"] // 3  # a person may look twice
        return [{"name": n, "period": "lifetime",
                 "values": [{"value": numbers[INSIGHTS_METRICS[n][2]]}],
                 "title": INSIGHTS_METRICS[n][0], "description": INSIGHTS_METRICS[n][1],
                 "id": f"{obj['id']}/insights/{n}/lifetime"} for n in names]

    def _with_insights(self, obj: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
        """The object with its requested fields, and ``insights.metric(...)`` expanded."""
        spec = fields.get("fields", "")
        out = self._render(obj, split_fields(spec))
        m = _INSIGHTS_FIELD.search(spec)
        if m:
            out["insights"] = {"data": self._insights(obj, m.group(1))}
        elif "insights" in split_fields(spec):
            self._insights(obj, "")  # no metric named: Graph's 3001
        return out

    def _render(self, obj: dict[str, Any], wanted: list[str]) -> dict[str, Any]:
        """An object as Graph shows it, limited to the requested fields (id always)."""
        numbers = self._metrics(obj)
        out: dict[str, Any] = {}
        for name in wanted or ["created_time", "message"]:
            if name == "created_time":
                out[name] = graph_time(obj["created"])
            elif name == "message" and obj.get("message"):
                out[name] = obj["message"]
            elif name == "permalink_url":
                out[name] = obj["url"]
            elif name == "shares" and obj["kind"] == "post" and numbers["shares"]:
                out[name] = {"count": numbers["shares"]}
            elif name == "reactions":
                out[name] = {"data": [], "summary": {"total_count": numbers["reactions"],
                                                     "viewer_reaction": "NONE"}}
            elif name == "comments":
                out[name] = {"data": [], "summary": {"order": "ranked",
                                                     "total_count": numbers["comments"],
                                                     "can_comment": True}}
            elif name == "post_id" and obj.get("post_id"):
                out[name] = obj["post_id"]
            elif name == "status" and obj["kind"] == "video":
                ready = self.clock() - obj["created"] >= VIDEO_PROCESSING_SECONDS
                out[name] = {"video_status": "ready" if ready else "processing",
                             "processing_progress": 100 if ready else 50}
            elif name in ("description", "name", "alt_text_custom", "link") and obj.get(name):
                out[name] = obj[name]
        out["id"] = obj["id"]
        return out

    def _add_post(self, message: str, *, link: str | None = None, published: bool = True,
                  media: list[str] | None = None) -> dict[str, Any]:
        if len(message) > TEXT_MAX:
            raise GraphError(100, f"(#100) The message is too long: {len(message)} characters "
                             f"(at most {TEXT_MAX}).")
        now = self.clock()
        if message and not media:
            for other in self.objects.values():
                if (other["kind"] == "post" and other.get("message") == message
                        and other.get("link") == link
                        and now - other["created"] < DUPLICATE_WINDOW_SECONDS):
                    raise GraphError(506, "(#506) Duplicate status message",
                                     user_title="Duplicate post",
                                     user_msg="This status update is identical to the last "
                                     "one you posted. Try posting something different.")
        post_id = f"{PAGE_ID}_{self._new_id()}"
        post = {"id": post_id, "kind": "post", "message": message, "link": link,
                "published": published, "media": list(media or []), "created": now,
                "url": f"https://www.facebook.com/{post_id}"}
        self.objects[post_id] = post
        for media_id in post["media"]:
            self.objects[media_id]["post_id"] = post_id
        return post

    @staticmethod
    def _flag(value: str | None, default: bool = True) -> bool:
        if value is None:
            return default
        return value.strip().lower() not in ("false", "0", "no")

    # --- the Emulator interface ------------------------------------------------------
    def handle(self, req: Request) -> Response:
        """Answer one Graph call (the core holds ``self.lock``)."""
        self._calls = [t for t in self._calls if t > self.clock() - USAGE_WINDOW_SECONDS]
        self._calls.append(self.clock())
        try:
            rest = self._check_version(req)
            fields = self._fields(req)
            if rest.rstrip("/") == "/dialog/oauth" and req.method == "GET":
                return self._dialog(fields)
            if rest.rstrip("/") == "/oauth/access_token" and req.method == "GET":
                status, body = 200, self._access_token(fields)
            elif self._token(req, fields) in self.user_tokens:
                status, body = 200, self._as_user(req, rest, self._token(req, fields) or "")
            else:
                self._check_token(self._token(req, fields))
                status, body = self._route(req, rest, fields)
        except GraphError as exc:
            status, body = exc.status, exc.body()
        return Response(status, body, self.rate_headers())

    def _route(self, req: Request, rest: str, fields: dict[str, str]) -> tuple[int, Any]:
        parts = [p for p in rest.split("/") if p]
        if parts and parts[0] == "me":
            parts[0] = PAGE_ID
        method = req.method
        if method == "POST" and fields.get("method", "").upper() == "DELETE":
            method = "DELETE"  # Graph's override for clients that can only POST
        if not parts:
            if method != "GET" or "ids" not in fields:
                raise GraphError(100, "(#100) Missing 'ids' parameter",
                                 type_="GraphMethodException")
            return 200, self._get_many(fields)
        if len(parts) == 1:
            object_id = parts[0]
            if object_id == PAGE_ID and method == "GET":
                return 200, self._page(fields)
            obj = self.objects.get(object_id)
            if obj is None and _foreign(object_id):
                raise _no_permission()
            if obj is None:
                raise _not_found(object_id, method)
            if method == "GET":
                return 200, self._with_insights(obj, fields)
            if method == "DELETE":
                self._delete(obj)
                return 200, {"success": True}
            raise GraphError(100, f"(#100) Unsupported {method.lower()} request.",
                             type_="GraphMethodException")
        if len(parts) in (2, 3) and parts[0] != PAGE_ID and parts[1] == "insights" \
                and method == "GET":
            obj = self.objects.get(parts[0])
            if obj is None and _foreign(parts[0]):
                raise _no_permission()
            if obj is None:
                raise _not_found(parts[0], method)
            spec = parts[2] if len(parts) == 3 else fields.get("metric", "")
            return 200, {"data": self._insights(obj, spec)}
        if len(parts) == 2 and parts[0] == PAGE_ID:
            edge = parts[1]
            if edge in ("feed", "posts") and method == "GET":
                return 200, self._feed(fields)
            if edge == "feed" and method == "POST":
                return 200, self._post_feed(fields)
            if edge == "photos" and method == "POST":
                return 200, self._post_photo(req, fields)
            if edge == "videos" and method == "POST":
                return 200, self._post_video(req, fields)
        if parts[0] != PAGE_ID and parts[0] not in self.objects:
            raise _not_found(parts[0], method)
        raise GraphError(2500, f"Unknown path components: /{'/'.join(parts[1:])}")

    # --- Facebook Login -----------------------------------------------------------------
    def _dialog(self, fields: dict[str, str]) -> Response:
        """The Login dialog: redirect back at once with a code, or with the refusal."""
        redirect_uri = fields.get("redirect_uri", "")
        split = urlsplit(redirect_uri)
        # A wrong app or redirect URI shows an error page in the browser, never a redirect.
        if fields.get("client_id") != APP_CREDENTIALS["app_id"]:
            return Response(400, "Invalid App ID: the provided app ID does not look like a "
                            "valid app ID.")
        if split.scheme not in ("http", "https") or not split.netloc:
            return Response(400, "URL blocked: this redirect failed because the redirect URI "
                            "is not whitelisted in the app's client OAuth settings.")
        state = fields.get("state", "")
        if self.consent != "allow":
            query = {"error": "access_denied", "error_code": "200",
                     "error_description": "Permissions error", "error_reason": "user_denied",
                     "state": state}
        else:
            code = "AQ" + secrets.token_urlsafe(32)
            scopes = frozenset(s for s in fields.get("scope", "").split(",") if s)
            self.auth_codes[code] = {"redirect_uri": redirect_uri, "scopes": scopes,
                                     "expires": self.clock() + CODE_SECONDS}
            query = {"code": code, "state": state}
        # Facebook appends "#_=_" to the redirect; browsers keep fragments to themselves.
        return Response(302, None, {"Location": f"{redirect_uri}?{urlencode(query)}#_=_"})

    def _access_token(self, fields: dict[str, str]) -> dict[str, Any]:
        """The code exchange and the long-lived token exchange of /oauth/access_token."""
        if fields.get("client_id") != APP_CREDENTIALS["app_id"]:
            raise GraphError(101, "Error validating application. Invalid application ID.")
        if fields.get("client_secret") != APP_CREDENTIALS["app_secret"]:
            raise GraphError(1, "Error validating client secret.")
        now = self.clock()
        if fields.get("grant_type") == "fb_exchange_token":
            old = self.user_tokens.get(fields.get("fb_exchange_token", ""))
            if old is None or old[0] <= now:
                raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
            return self._new_user_token("long", LONG_LIVED_SECONDS, old[2])
        code = fields.get("code", "")
        grant = self.auth_codes.get(code)
        if grant is None:
            raise GraphError(100, "Invalid verification code format.", subcode=36007)
        if grant.get("used"):
            raise GraphError(100, "This authorization code has been used.", subcode=36009)
        if grant["expires"] <= now:
            raise GraphError(100, "This authorization code has expired.", subcode=36007)
        if fields.get("redirect_uri") != grant["redirect_uri"]:
            raise GraphError(100, "Error validating verification code. Please make sure your "
                             "redirect_uri is identical to the one you used in the OAuth "
                             "dialog request", subcode=36008)
        grant["used"] = True
        return self._new_user_token("short", SHORT_LIVED_SECONDS, grant["scopes"])

    def _new_user_token(self, kind: str, seconds: int, scopes: frozenset[str]) -> dict[str, Any]:
        token = f"EAA{kind}" + secrets.token_urlsafe(24)
        self.user_tokens[token] = (self.clock() + seconds, kind, scopes)
        return {"access_token": token, "token_type": "bearer", "expires_in": seconds}

    def _as_user(self, req: Request, rest: str, token: str) -> dict[str, Any]:
        """What a user token may do here: /me and /me/accounts (the Pages it manages)."""
        expiry, _kind, scopes = self.user_tokens[token]
        if expiry <= self.clock():
            raise GraphError(190, "Error validating access token: Session has expired.",
                             subcode=463)
        parts = [p for p in rest.split("/") if p]
        if req.method == "GET" and parts == ["me"]:
            return {"id": "100000000000555", "name": "Sandbox Page Admin"}
        if req.method == "GET" and parts == ["me", "accounts"]:
            if "pages_show_list" not in scopes:
                raise GraphError(200, "(#200) Requires pages_show_list permission to list "
                                 "the Pages of this user.")
            page_token = "EAApage" + secrets.token_urlsafe(24)
            self.page_tokens.add(page_token)
            tasks = ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"]
            return {"data": [{"access_token": page_token, "category": "Government organization",
                              "name": PAGE_NAME, "id": PAGE_ID, "tasks": tasks}],
                    "paging": {"cursors": {"before": "QVFI", "after": "QVFI"}}}
        raise GraphError(200, "(#200) A Page access token is required for this call.")

    def _page(self, fields: dict[str, str]) -> dict[str, Any]:
        page = {"id": PAGE_ID, "name": PAGE_NAME, "link": f"https://www.facebook.com/{PAGE_ID}",
                "category": "Government organization"}
        wanted = split_fields(fields.get("fields", "")) or ["name"]
        return {k: v for k, v in page.items() if k in wanted or k == "id"}

    def _get_many(self, fields: dict[str, str]) -> dict[str, Any]:
        ids = [i for i in fields["ids"].split(",") if i]
        if len(ids) > IDS_MAX:
            raise GraphError(100, f"(#100) Too many IDs. Maximum: {IDS_MAX}.")
        if any(_foreign(i) for i in ids):
            raise _no_permission()
        missing = [i for i in ids if i not in self.objects]
        if missing:
            raise GraphError(803, "(#803) Some of the aliases you requested do not exist: "
                             + ",".join(missing))
        return {i: self._with_insights(self.objects[i], fields) for i in ids}

    def _feed(self, fields: dict[str, str]) -> dict[str, Any]:
        since = float(fields["since"]) if fields.get("since", "").isdigit() else None
        limit = int(fields["limit"]) if fields.get("limit", "").isdigit() else 25
        posts = [o for o in self.objects.values() if o["kind"] == "post" and o["published"]
                 and (since is None or o["created"] >= since)]
        posts.sort(key=lambda o: (o["created"], o["id"]), reverse=True)
        wanted = split_fields(fields.get("fields", ""))
        return {"data": [self._render(p, wanted) for p in posts[:max(1, min(limit, 100))]],
                "paging": {"cursors": {"before": "QVFIU0", "after": "QVFIU1"}}}

    def _post_feed(self, fields: dict[str, str]) -> dict[str, Any]:
        media: list[str] = []
        i = 0
        while f"attached_media[{i}]" in fields:
            try:
                fbid = str(json.loads(fields[f"attached_media[{i}]"])["media_fbid"])
            except (ValueError, KeyError, TypeError):
                raise GraphError(100, f"(#100) param attached_media[{i}] must be an object "
                                 'like {"media_fbid": "<id>"}') from None
            photo = self.objects.get(fbid)
            if not photo or photo["kind"] != "photo" or photo["published"] or photo.get("post_id"):
                raise GraphError(100, f"(#100) media_fbid {fbid} is not an unpublished photo "
                                 "of this Page")
            media.append(fbid)
            i += 1
        message, link = fields.get("message", ""), fields.get("link") or None
        if not (message or link or media):
            raise GraphError(100, "(#100) Missing message or attachment")
        post = self._add_post(message, link=link, media=media,
                              published=self._flag(fields.get("published")))
        return {"id": post["id"]}

    def _post_photo(self, req: Request, fields: dict[str, str]) -> dict[str, Any]:
        data = req.multipart().get("source") if "multipart" in req.headers.get(
            "content-type", "") else None
        if data is None and fields.get("url"):
            data = b""  # fetched by Facebook from the URL; the sandbox does not fetch it
            mime = "image/jpeg"
        elif not data:
            raise GraphError(324, "(#324) Requires upload file")
        else:
            mime = next((m for magic, m in _IMAGE_MAGIC.items() if data.startswith(magic)), None)
            if mime is None or len(data) >= PHOTO_MAX_BYTES:
                raise GraphError(
                    100, "Invalid parameter", subcode=1366046,
                    user_title="Can't Read Files",
                    user_msg="Your photos couldn't be uploaded. Photos should be less than "
                    "10 MB and saved as JPG, PNG, GIF, TIFF or BMP files.")
        published = self._flag(fields.get("published"))
        caption = fields.get("caption", fields.get("message", ""))
        photo_id = self._new_id()
        photo = {"id": photo_id, "kind": "photo", "published": published, "size": len(data),
                 "mime": mime, "alt_text_custom": fields.get("alt_text_custom"),
                 "name": caption, "created": self.clock(),
                 "url": f"https://www.facebook.com/photo/?fbid={photo_id}"}
        self.objects[photo_id] = photo
        if not published:
            return {"id": photo_id}
        try:
            post = self._add_post(caption, media=[photo_id])
        except GraphError:
            del self.objects[photo_id]
            raise
        return {"id": photo_id, "post_id": post["id"]}

    def _post_video(self, req: Request, fields: dict[str, str]) -> dict[str, Any]:
        phase = fields.get("upload_phase")
        if phase is not None:
            if phase not in UPLOAD_PHASES:
                raise GraphError(100, f"(#100) upload_phase must be one of "
                                 f"{', '.join(UPLOAD_PHASES)}")
            return getattr(self, f"_upload_{phase}")(req, fields)
        if "multipart" not in req.headers.get("content-type", ""):
            raise GraphError(100, "(#100) A video file is required: send it as multipart "
                             "'source' or use upload_phase=start (this sandbox has no "
                             "file_url)")
        data = req.multipart().get("source") or b""
        if not data:
            raise GraphError(100, "(#100) Requires upload file")
        if len(data) > VIDEO_MAX_BYTES:
            raise _too_big()
        video_id = self._new_id()
        self._add_video(video_id, data[:8], len(data), hashlib.sha256(data).hexdigest(),
                        [len(data)], fields)
        return {"id": video_id}

    def _add_video(self, video_id: str, head: bytes, size: int, digest: str,
                   chunks: list[int], fields: dict[str, str]) -> dict[str, Any]:
        """The video object and its Page post, from the bytes received (by either upload)."""
        if head[4:8] != b"ftyp":
            raise GraphError(352, "(#352) Sorry, the video file you selected is in a format "
                             "that we don't support.")
        description = fields.get("description", "")
        video = {"id": video_id, "kind": "video", "published": True, "size": size,
                 "mime": "video/mp4", "description": description, "name": fields.get("title"),
                 "created": self.clock(), "sha256": digest, "chunks": chunks,
                 "url": f"https://www.facebook.com/{PAGE_ID}/videos/{video_id}"}
        self.objects[video_id] = video
        try:
            self._add_post(description, media=[video_id], published=self._flag(
                fields.get("published")))
        except GraphError:
            del self.objects[video_id]
            raise
        return video

    def _next_range(self, offset: int, size: int) -> dict[str, str]:
        return {"start_offset": str(offset),
                "end_offset": str(min(offset + self.video_chunk_size, size))}

    def _session(self, fields: dict[str, str]) -> dict[str, Any]:
        session = self.upload_sessions.get(fields.get("upload_session_id", ""))
        if session is None:
            raise GraphError(100, "(#100) Invalid upload_session_id: no upload in progress "
                             "with this id (unknown, or already finished)")
        return session

    @staticmethod
    def _wrong_offset(expected: dict[str, str]) -> GraphError:
        return GraphError(
            6001, "There was a problem uploading your video. Please try again.",
            subcode=1363037, user_title="Error Uploading Video",
            user_msg="There was a problem uploading your video. Please try uploading it again.",
            data={k: int(v) for k, v in expected.items()})

    def _upload_start(self, req: Request, fields: dict[str, str]) -> dict[str, Any]:
        raw = fields.get("file_size", "")
        if not raw.isdigit() or int(raw) < 1:
            raise GraphError(100, "(#100) The parameter file_size is required and must be a "
                             "positive number of bytes")
        size = int(raw)
        if size > RESUMABLE_MAX_BYTES:
            raise _too_big()
        session_id = self._new_id()
        video_id = self._new_id()  # reserved now; the video exists only after finish
        self.upload_sessions[session_id] = {
            "video_id": video_id, "size": size, "offset": 0, "head": b"",
            "hash": hashlib.sha256(), "chunks": []}
        return {"upload_session_id": session_id, "video_id": video_id,
                **self._next_range(0, size)}

    def _upload_transfer(self, req: Request, fields: dict[str, str]) -> dict[str, Any]:
        session = self._session(fields)
        expected = self._next_range(session["offset"], session["size"])
        chunk = (req.multipart().get("video_file_chunk")
                 if "multipart" in req.headers.get("content-type", "") else None)
        if chunk is None:
            raise GraphError(100, "(#100) Requires upload file: send the chunk as multipart "
                             "video_file_chunk")
        want = int(expected["end_offset"]) - session["offset"]
        if fields.get("start_offset") != expected["start_offset"] or len(chunk) != want:
            raise self._wrong_offset(expected)
        if len(session["head"]) < 8:
            session["head"] += chunk[:8 - len(session["head"])]
        session["hash"].update(chunk)
        session["chunks"].append(len(chunk))
        session["offset"] += len(chunk)
        return self._next_range(session["offset"], session["size"])

    def _upload_finish(self, req: Request, fields: dict[str, str]) -> dict[str, Any]:
        session = self._session(fields)
        if session["offset"] != session["size"]:
            raise self._wrong_offset(self._next_range(session["offset"], session["size"]))
        del self.upload_sessions[fields["upload_session_id"]]
        self._add_video(session["video_id"], session["head"], session["size"],
                        session["hash"].hexdigest(), session["chunks"], fields)
        return {"success": True}

    def _delete(self, obj: dict[str, Any]) -> None:
        self.objects.pop(obj["id"], None)
        if obj["kind"] == "post":
            for media_id in obj["media"]:
                self.objects.pop(media_id, None)
        elif obj.get("post_id"):
            post = self.objects.get(obj["post_id"])
            # A single photo or video post goes with its only media; an album post stays.
            if post and len(post["media"]) <= 1:
                self.objects.pop(post["id"], None)
            elif post:
                post["media"].remove(obj["id"])

    def error(self, kind: str, req: Request, reset_at: float | None = None) -> Response:
        """Graph's answers for injected faults and exhausted rate limits."""
        if kind == "429":
            regain = max(1, math.ceil(((reset_at or self.clock() + 60) - self.clock()) / 60))
            err = GraphError(80001, "(#80001) There have been too many calls to this Page "
                             "account. Wait a bit and try again. For more info, please refer to "
                             "https://developers.facebook.com/docs/graph-api/overview/"
                             "rate-limiting.")
            return Response(400, err.body(), self._usage_headers(100, regain))
        if kind == "expired_token":
            expired = datetime.fromtimestamp(self.clock() - 3600, timezone.utc)
            err = GraphError(190, "Error validating access token: Session has expired on "
                             f"{expired:%A, %d-%b-%y %H:%M:%S} UTC.", subcode=463,
                             user_title="Session expired",
                             user_msg="Your session has expired. Please log in again.")
            return Response(400, err.body(), self.rate_headers())
        err = GraphError(2, "An unexpected error has occurred. Please retry your request "
                         "later.", status=503, transient=True)
        return Response(503, err.body(), self.rate_headers())

    def posts(self) -> list[dict[str, Any]]:
        """Every Page post with its media, oldest first."""
        out = []
        for post in sorted((o for o in self.objects.values() if o["kind"] == "post"),
                           key=lambda o: o["created"]):
            media = [{"id": m, "type": self.objects[m]["kind"],
                      "mime": self.objects[m]["mime"], "size": self.objects[m]["size"],
                      "alt": self.objects[m].get("alt_text_custom")}
                     for m in post["media"] if m in self.objects]
            out.append({"id": post["id"], "text": post["message"], "link": post["link"],
                        "published": post["published"], "media": media,
                        "ids": [post["id"], *post["media"]], "url": post["url"],
                        "created_time": graph_time(post["created"]),
                        "metrics": self._metrics(post)})
        return out
