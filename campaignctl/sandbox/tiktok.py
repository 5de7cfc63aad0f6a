"""TikTok Content Posting API emulator: creator info, Direct Post video (chunked FILE_UPLOAD)
and photo (PULL_FROM_URL) posts, status polling, video query/list, OAuth refresh with
refresh-token rotation, and Login Kit for Desktop (authorization code with PKCE):

    GET  /v2/auth/authorize/   the consent page (www.tiktok.com in production): consents at
                               once, or refuses with the ``consent: "deny"`` setting, and
                               redirects to the loopback redirect_uri with code/state (or
                               error=access_denied)
    POST /v2/oauth/token/      grant_type=authorization_code with code, redirect_uri and
                               code_verifier; the code is single-use and lives 10 minutes

PKCE: the desktop guide's code_challenge is the SHA-256 of the verifier in lower-case hex,
not RFC 7636's base64url (⚠️ from memory of the desktop guide, and developers who sent
base64url report ``Code verifier or code challenge is invalid``); the emulator takes hex.

Shapes follow API-NOTES.md section 4. Every non-OAuth reply is wrapped in TikTok's envelope
``{"data": {...}, "error": {"code": "ok", "message": "", "log_id": "..."}}``; the OAuth
token endpoint answers flat (``{access_token, ...}`` or ``{error, error_description, log_id}``).

Rules enforced, as the real API documents them:
- bearer tokens (``access_token_invalid`` 401); tokens refreshed here expire after 24 h;
- per-token, per-endpoint sliding one-minute windows: creator_info 20, video/content init 6,
  status 30, video query/list 600 -> ``rate_limit_exceeded`` 429. TikTok documents no
  rate-limit headers, so none are sent (``rate_headers`` returns nothing);
- privacy_level must be one of the creator's ``privacy_level_options``
  (``privacy_level_option_mismatch`` 400); an unaudited client may post ``SELF_ONLY`` only
  (``unaudited_client_can_only_post_to_private_accounts`` 403);
- FILE_UPLOAD chunk rules of the media-transfer guide (sizes, count, sequential
  Content-Range); chunk PUTs answer 206 until the last, which answers 201 (⚠️ unconfirmed);
  a missing or out-of-order Content-Range gets a bare 416 (⚠️ third-party reports);
- PULL_FROM_URL needs a verified URL prefix (``url_ownership_unverified`` 403);
  photos other than JPEG/WebP end FAILED with ``file_format_check_failed``.

Processing: once the upload is complete (or the photo init accepted) a post is
``PROCESSING_UPLOAD`` / ``PROCESSING_DOWNLOAD`` and becomes ``PUBLISH_COMPLETE`` after
``polls_to_complete`` status fetches or ``processing_seconds`` of emulator clock, whichever
comes first. Only ``PUBLIC_TO_EVERYONE`` posts get a ``publicaly_available_post_id`` and
appear in ``/v2/video/list/`` (the list endpoint returns public posts only).

Extra settings (``sandbox.configure("tiktok", ...)`` or POST /_sandbox/config/tiktok):
``unaudited`` (bool), ``verified_url_prefix`` (str), ``privacy_level_options`` (list),
``polls_to_complete`` (int), ``processing_seconds`` (float), ``fail_reason`` (str: the next
post ends FAILED with it), ``rotate_refresh_tokens`` (bool), ``endpoint_limits`` (bool),
``scopes`` (list: the scopes the tokens carry; a missing one gives ``scope_not_authorized``),
``daily_post_cap`` (int or None: inits allowed per rolling day before
``spam_risk_too_many_posts``; off by default, third-party sources say about 15 ⚠️),
``consent`` ("allow" or "deny": what the next login's consent page answers).

Metrics grow with the emulator's clock, deterministically. For a video created at ``c`` with
``h = int(sha256(id)[:8], 16)`` and ``age = max(0, clock() - c)`` seconds::

    view_count    = (age * (1 + h % 7)) // 10
    like_count    = view_count // (8 + h % 5)
    comment_count = view_count // (40 + h % 11)
    share_count   = view_count // (60 + h % 13)
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..channels.fixtures import SANDBOX_CREDENTIALS
from .core import Emulator, Request, Response

CREDENTIALS: dict[str, str] = SANDBOX_CREDENTIALS["tiktok"]

MB = 1024 * 1024
CHUNK_MIN, CHUNK_MAX, LAST_CHUNK_MAX = 5 * MB, 64 * MB, 128 * MB
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR",
                  "SELF_ONLY")
# Per access token, per endpoint, per sliding minute (the documented defaults).
ENDPOINT_LIMITS = {
    "/v2/post/publish/creator_info/query/": 20,
    "/v2/post/publish/video/init/": 6,
    "/v2/post/publish/inbox/video/init/": 6,
    "/v2/post/publish/content/init/": 6,
    "/v2/post/publish/status/fetch/": 30,
    "/v2/video/query/": 600,
    "/v2/video/list/": 600,
}
SCOPES = ("user.info.basic", "video.publish", "video.upload", "video.list")
_SCOPE_OF = {"/v2/video/query/": "video.list", "/v2/video/list/": "video.list"}
_INITS = ("/v2/post/publish/video/init/", "/v2/post/publish/content/init/")
# Init errors TikTok answers with 403 (policy), as remembered from the doc table (⚠️).
_STATUS = {"ok": 200, "access_token_invalid": 401, "scope_not_authorized": 401,
           "scope_permission_missed": 400, "invalid_params": 400, "invalid_file_upload": 400,
           "rate_limit_exceeded": 429, "internal_error": 500,
           "privacy_level_option_mismatch": 400, "spam_risk_too_many_posts": 403,
           "spam_risk_user_banned_from_posting": 403, "spam_risk_too_many_pending_share": 403,
           "unaudited_client_can_only_post_to_private_accounts": 403,
           "url_ownership_unverified": 403, "reached_active_user_cap": 403}
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
TOKEN_TTL = 86400
CODE_TTL = 600
REFRESH_TTL = 365 * 86400


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as TikTok counts titles and captions."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Publish:
    publish_id: str
    kind: str  # "video" | "photo"
    token: str
    post_info: dict[str, Any]
    source: str
    created: float
    video_size: int = 0
    chunk_size: int = 0
    total_chunks: int = 0
    upload_token: str = ""
    received: int = 0
    chunks_received: int = 0
    mime: str | None = None
    photo_images: list[str] = field(default_factory=list)
    ready_at: float | None = None  # when the upload/download finished
    polls: int = 0
    status: str = "PROCESSING_UPLOAD"
    fail_reason: str = ""
    video_id: str | None = None


class TikTokEmulator(Emulator):
    """TikTok Content Posting + Display API, in TikTok's own shapes (see module docstring)."""

    name = "tiktok"
    username = "dinkes.sandbox"
    nickname = "Dinas Kesehatan (sandbox)"

    def reset(self) -> None:
        """Forget posts, uploads, issued tokens and extra settings."""
        self.unaudited = False
        self.verified_url_prefix = "https://media.example.go.id/"
        self.privacy_level_options = list(PRIVACY_LEVELS)
        self.polls_to_complete = 2
        self.processing_seconds = 5.0
        self.fail_reason: str | None = None
        self.rotate_refresh_tokens = True
        self.endpoint_limits = True
        self.max_video_post_duration_sec = 600
        self.scopes = list(SCOPES)
        self.daily_post_cap: int | None = None
        self.consent = "allow"
        self.auth_codes: dict[str, dict[str, Any]] = {}
        self._inits: list[float] = []
        # token -> expiry (None: the fixture token, valid for the emulator's life)
        self.access_tokens: dict[str, float | None] = {CREDENTIALS["access_token"]: None}
        self.refresh_tokens: dict[str, float | None] = {CREDENTIALS["refresh_token"]: None}
        self.publishes: dict[str, _Publish] = {}
        self.uploads: dict[str, str] = {}  # upload_id -> publish_id
        self.videos: dict[str, dict[str, Any]] = {}
        self._hits: dict[tuple[str, str], list[float]] = {}
        self._ids = itertools.count(1)
        self._log = itertools.count(1)

    def configure(self, body: dict[str, Any]) -> None:
        """The core's settings plus this emulator's own (see module docstring)."""
        body = dict(body)
        with self.lock:
            for key in ("unaudited", "verified_url_prefix", "privacy_level_options",
                        "polls_to_complete", "processing_seconds", "fail_reason",
                        "rotate_refresh_tokens", "endpoint_limits",
                        "max_video_post_duration_sec", "scopes", "daily_post_cap",
                        "consent"):
                if key in body:
                    setattr(self, key, body.pop(key))
        super().configure(body)

    def rate_headers(self) -> dict[str, str]:
        """TikTok documents no rate-limit headers, so the emulator sends none."""
        return {}

    # --- replies ------------------------------------------------------------------------
    def _log_id(self) -> str:
        return f"20261128{next(self._log):012d}"

    def _ok(self, data: dict[str, Any], status: int = 200) -> Response:
        return Response(status, {"data": data,
                                 "error": {"code": "ok", "message": "", "log_id": self._log_id()}})

    def _fail(self, code: str, message: str, status: int | None = None) -> Response:
        return Response(status or _STATUS.get(code, 400),
                        {"data": {}, "error": {"code": code, "message": message,
                                               "log_id": self._log_id()}})

    def _oauth_fail(self, error: str, description: str, status: int = 400) -> Response:
        return Response(status, {"error": error, "error_description": description,
                                 "log_id": self._log_id()})

    def error(self, kind: str, req: Request, reset_at: float | None = None) -> Response:
        """TikTok's answers for injected faults and exhausted windows."""
        if req.path.startswith("/v2/oauth/"):
            if kind == "expired_token":
                return self._oauth_fail("invalid_grant", "Refresh token is invalid or expired.")
            if kind == "429":
                return Response(429, {"error": "rate_limit_exceeded",
                                      "error_description": "Too many requests.",
                                      "log_id": self._log_id()})
            return Response(500, {"error": "server_error",
                                  "error_description": "Internal error, please retry.",
                                  "log_id": self._log_id()})
        if kind == "expired_token":
            return self._fail("access_token_invalid",
                              "The access token is invalid or not found in the request.")
        if kind == "429":
            return self._fail("rate_limit_exceeded",
                              "The API rate limit was exceeded. Please try again later.")
        return self._fail("internal_error", "Something went wrong. Please try again later.")

    # --- routing ------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        if req.method == "POST" and req.path == "/v2/oauth/token/":
            return self._token(req)
        if req.method == "GET" and req.path.rstrip("/") == "/v2/auth/authorize":
            return self._authorize(req)
        if req.method == "PUT" and req.path.rstrip("/") == "/upload":
            return self._upload(req)
        routes = {
            "/v2/post/publish/creator_info/query/": self._creator_info,
            "/v2/post/publish/video/init/": self._video_init,
            "/v2/post/publish/content/init/": self._content_init,
            "/v2/post/publish/status/fetch/": self._status,
            "/v2/video/query/": self._video_query,
            "/v2/video/list/": self._video_list,
        }
        route = routes.get(req.path)
        if route is None or req.method != "POST":
            return self._fail("invalid_params", f"Unknown endpoint {req.method} {req.path}.",
                              404)
        token = req.bearer()
        expiry = self.access_tokens.get(token or "", 0.0)
        if token is None or token not in self.access_tokens or (
                expiry is not None and expiry <= self.clock()):
            return self._fail("access_token_invalid",
                              "The access token is invalid or not found in the request.")
        scope = _SCOPE_OF.get(req.path, "video.publish")
        if scope not in self.scopes:
            return self._fail("scope_not_authorized",
                              f"The user did not authorize the scope {scope}.")
        if self.endpoint_limits and self._over_limit(token, req.path):
            return self._fail("rate_limit_exceeded",
                              "The API rate limit was exceeded. Please try again later.")
        if req.path in _INITS and self.daily_post_cap is not None:
            now = self.clock()
            self._inits = [t for t in self._inits if t > now - 86400]
            if len(self._inits) >= self.daily_post_cap:
                return self._fail("spam_risk_too_many_posts",
                                  "The user has reached the daily post cap.")
            self._inits.append(now)
        if req.path != "/v2/post/publish/creator_info/query/" and not req.headers.get(
                "content-type", "").startswith("application/json"):
            return self._fail("invalid_params", "Content-Type must be application/json.")
        body = req.json()
        if req.path != "/v2/post/publish/creator_info/query/" and not isinstance(body, dict):
            return self._fail("invalid_params", "The request body must be a JSON object.")
        return route(req, token, body if isinstance(body, dict) else {})

    def _over_limit(self, token: str, path: str) -> bool:
        allowed = ENDPOINT_LIMITS.get(path)
        if allowed is None:
            return False
        now = self.clock()
        hits = [t for t in self._hits.get((token, path), []) if t > now - 60]
        if len(hits) >= allowed:
            self._hits[(token, path)] = hits
            return True
        hits.append(now)
        self._hits[(token, path)] = hits
        return False

    # --- OAuth ----------------------------------------------------------------------------
    def _token(self, req: Request) -> Response:
        form = req.form()
        if (form.get("client_key") != CREDENTIALS["client_key"]
                or form.get("client_secret") != CREDENTIALS["client_secret"]):
            return self._oauth_fail("invalid_client", "Client key or secret is invalid.", 401)
        if form.get("grant_type") == "authorization_code":
            return self._code_grant(form)
        if form.get("grant_type") != "refresh_token":
            return self._oauth_fail("unsupported_grant_type",
                                    "grant_type must be authorization_code or refresh_token.")
        old = form.get("refresh_token", "")
        expiry = self.refresh_tokens.get(old, 0.0)
        if old not in self.refresh_tokens or (expiry is not None and expiry <= self.clock()):
            return self._oauth_fail("invalid_grant", "Refresh token is invalid or expired.")
        n = next(self._ids)
        now = self.clock()
        access = f"act.sandbox-refreshed-{n:04d}"
        self.access_tokens[access] = now + TOKEN_TTL
        refresh = old
        if self.rotate_refresh_tokens:
            refresh = f"rft.sandbox-rotated-{n:04d}"
            del self.refresh_tokens[old]
            self.refresh_tokens[refresh] = now + REFRESH_TTL
        return Response(200, {"access_token": access, "expires_in": TOKEN_TTL,
                              "refresh_token": refresh, "refresh_expires_in": REFRESH_TTL,
                              "open_id": "sandbox-open-id-0001",
                              "scope": ",".join(self.scopes),
                              "token_type": "Bearer"})

    def _authorize(self, req: Request) -> Response:
        """Login Kit's consent page: answer at once with a redirect carrying code or error."""
        redirect_uri = req.arg("redirect_uri") or ""
        split = urlsplit(redirect_uri)
        # Desktop apps may only redirect to localhost/127.0.0.1 with a port; anything else
        # (or an unknown client) gets TikTok's error page, never a redirect.
        if req.arg("client_key") != CREDENTIALS["client_key"]:
            return Response(400, "client_key is invalid")
        if split.hostname not in ("localhost", "127.0.0.1") or not split.port:
            return Response(400, "redirect_uri is not registered for this app")
        state = req.arg("state") or ""
        scopes = [s for s in (req.arg("scope") or "").split(",") if s]
        problem = None
        if req.arg("response_type") != "code":
            problem = ("invalid_request", "response_type must be code")
        elif not scopes or not set(scopes) <= set(SCOPES):
            problem = ("invalid_scope", "scope is missing or names a scope the app lacks")
        elif req.arg("code_challenge_method") != "S256" or not req.arg("code_challenge"):
            problem = ("invalid_request", "code_challenge with code_challenge_method=S256 is "
                       "required")
        elif self.consent != "allow":
            problem = ("access_denied", "The user did not authorize the app.")
        if problem is not None:
            query = {"error": problem[0], "error_description": problem[1], "state": state}
        else:
            code = secrets.token_urlsafe(24)
            # Scopes the app is not approved for (the ``scopes`` setting) are not granted.
            scopes = [s for s in scopes if s in self.scopes]
            self.auth_codes[code] = {"redirect_uri": redirect_uri, "scopes": scopes,
                                     "challenge": req.arg("code_challenge"),
                                     "expires": self.clock() + CODE_TTL}
            query = {"code": code, "scopes": ",".join(scopes), "state": state}
        return Response(302, None, {"Location": f"{redirect_uri}?{urlencode(query)}"})

    def _code_grant(self, form: dict[str, str]) -> Response:
        """Trade a code for tokens; the verifier's hex SHA-256 must equal the challenge."""
        grant = self.auth_codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["expires"] <= self.clock():
            return self._oauth_fail("invalid_grant", "Authorization code is expired.")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._oauth_fail("invalid_request", "Redirect URI does not match.")
        verifier = form.get("code_verifier", "")
        expected = hashlib.sha256(verifier.encode()).hexdigest()
        if not verifier or not hmac.compare_digest(expected, grant["challenge"] or ""):
            return self._oauth_fail("invalid_request",
                                    "Code verifier or code challenge is invalid.")
        n = next(self._ids)
        now = self.clock()
        access, refresh = f"act.sandbox-login-{n:04d}", f"rft.sandbox-login-{n:04d}"
        self.access_tokens[access] = now + TOKEN_TTL
        self.refresh_tokens[refresh] = now + REFRESH_TTL
        return Response(200, {"access_token": access, "expires_in": TOKEN_TTL,
                              "refresh_token": refresh, "refresh_expires_in": REFRESH_TTL,
                              "open_id": "sandbox-open-id-0001",
                              "scope": ",".join(grant["scopes"]), "token_type": "Bearer"})

    # --- Content Posting ------------------------------------------------------------------
    def _creator_info(self, req: Request, token: str, body: dict[str, Any]) -> Response:
        return self._ok({
            "creator_avatar_url": f"https://p16.tiktokcdn.example/{self.username}.jpeg",
            "creator_username": self.username,
            "creator_nickname": self.nickname,
            "privacy_level_options": list(self.privacy_level_options),
            "comment_disabled": False,
            "duet_disabled": False,
            "stitch_disabled": False,
            "max_video_post_duration_sec": self.max_video_post_duration_sec,
        })

    def _check_post_info(self, info: Any, title_max: int, *, photo: bool) -> Response | None:
        if not isinstance(info, dict):
            return self._fail("invalid_params", "post_info is required.")
        level = info.get("privacy_level")
        if level not in PRIVACY_LEVELS:
            return self._fail("invalid_params", "post_info.privacy_level is required and "
                              f"must be one of {', '.join(PRIVACY_LEVELS)}.")
        if level not in self.privacy_level_options:
            return self._fail("privacy_level_option_mismatch",
                              f"privacy_level {level} is not among the creator's "
                              "privacy_level_options.")
        if self.unaudited and level != "SELF_ONLY":
            return self._fail("unaudited_client_can_only_post_to_private_accounts",
                              "Unaudited clients can only post with SELF_ONLY privacy.")
        title = info.get("title", "")
        if not isinstance(title, str) or utf16_len(title) > title_max:
            return self._fail("invalid_params", f"post_info.title must be at most {title_max} "
                              "UTF-16 characters.")
        if photo:
            desc = info.get("description", "")
            if not isinstance(desc, str) or utf16_len(desc) > 4000:
                return self._fail("invalid_params", "post_info.description must be at most "
                                  "4000 UTF-16 characters.")
        for flag in ("disable_duet", "disable_comment", "disable_stitch", "brand_content_toggle",
                     "brand_organic_toggle", "is_aigc", "auto_add_music"):
            if flag in info and not isinstance(info[flag], bool):
                return self._fail("invalid_params", f"post_info.{flag} must be a boolean.")
        return None

    def _verified(self, url: Any) -> bool:
        return isinstance(url, str) and url.startswith(self.verified_url_prefix)

    def _video_init(self, req: Request, token: str, body: dict[str, Any]) -> Response:
        bad = self._check_post_info(body.get("post_info"), 2200, photo=False)
        if bad:
            return bad
        src = body.get("source_info")
        if not isinstance(src, dict) or src.get("source") not in ("FILE_UPLOAD", "PULL_FROM_URL"):
            return self._fail("invalid_params",
                              "source_info.source must be FILE_UPLOAD or PULL_FROM_URL.")
        n = next(self._ids)
        pub = _Publish(f"v_pub_file~v2-1.{7300000000000000000 + n}", "video", token,
                       dict(body["post_info"]), src["source"], self.clock())
        if src["source"] == "PULL_FROM_URL":
            if not self._verified(src.get("video_url")):
                return self._fail("url_ownership_unverified",
                                  "The video_url's domain or URL prefix is not verified.")
            pub.publish_id = f"v_pub_url~v2-1.{7300000000000000000 + n}"
            pub.status, pub.ready_at = "PROCESSING_DOWNLOAD", self.clock()
            self.publishes[pub.publish_id] = pub
            return self._ok({"publish_id": pub.publish_id})
        problem = chunk_problem(src.get("video_size"), src.get("chunk_size"),
                                src.get("total_chunk_count"))
        if problem:
            return self._fail("invalid_params", problem)
        pub.video_size, pub.chunk_size = src["video_size"], src["chunk_size"]
        pub.total_chunks = src["total_chunk_count"]
        upload_id = str(7400000000000000000 + n)
        pub.upload_token = hashlib.sha256(f"upload-{n}".encode()).hexdigest()[:24]
        self.uploads[upload_id] = pub.publish_id
        self.publishes[pub.publish_id] = pub
        return self._ok({"publish_id": pub.publish_id,
                         "upload_url": f"{self.base_url}/upload/?upload_id={upload_id}"
                                       f"&upload_token={pub.upload_token}"})

    def _content_init(self, req: Request, token: str, body: dict[str, Any]) -> Response:
        if body.get("media_type") != "PHOTO":
            return self._fail("invalid_params", "media_type must be PHOTO.")
        if body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
            return self._fail("invalid_params", "post_mode must be DIRECT_POST or MEDIA_UPLOAD.")
        bad = self._check_post_info(body.get("post_info"), 90, photo=True)
        if bad:
            return bad
        src = body.get("source_info")
        images = src.get("photo_images") if isinstance(src, dict) else None
        if (not isinstance(src, dict) or src.get("source") != "PULL_FROM_URL"
                or not isinstance(images, list) or not 1 <= len(images) <= 35):
            return self._fail("invalid_params", "source_info needs source PULL_FROM_URL and "
                              "1 to 35 photo_images.")
        cover = src.get("photo_cover_index", 0)
        if not isinstance(cover, int) or not 0 <= cover < len(images):
            return self._fail("invalid_params", "photo_cover_index is out of range.")
        if not all(self._verified(u) for u in images):
            return self._fail("url_ownership_unverified",
                              "A photo URL's domain or URL prefix is not verified.")
        n = next(self._ids)
        pub = _Publish(f"p_pub_url~v2.{7300000000000000000 + n}", "photo", token,
                       dict(body["post_info"]), "PULL_FROM_URL", self.clock(),
                       photo_images=list(images), status="PROCESSING_DOWNLOAD",
                       ready_at=self.clock())
        self.publishes[pub.publish_id] = pub
        return self._ok({"publish_id": pub.publish_id})

    def _upload(self, req: Request) -> Response:
        upload_id = req.arg("upload_id") or ""
        pub = self.publishes.get(self.uploads.get(upload_id, ""))
        if pub is None or req.arg("upload_token") != pub.upload_token:
            return self._fail("invalid_params", "Unknown upload_id or upload_token.", 404)
        if pub.chunks_received >= pub.total_chunks:
            return self._fail("invalid_file_upload", "The upload is already complete.")
        m = _CONTENT_RANGE.match(req.headers.get("content-range", ""))
        if not m:
            # Third-party reports: a PUT without a usable Content-Range gets a bare 416 ⚠️.
            return Response(416, None)
        first, last, total = (int(g) for g in m.groups())
        length = len(req.body)
        is_last = pub.chunks_received == pub.total_chunks - 1
        expected = pub.video_size - pub.received if is_last else pub.chunk_size
        if total != pub.video_size:
            return self._fail("invalid_file_upload", "Content-Range total is not video_size.")
        if first != pub.received:  # chunks are sequential
            return Response(416, None)
        if last - first + 1 != length or str(length) != req.headers.get("content-length"):
            return self._fail("invalid_file_upload",
                              "Content-Length and Content-Range disagree with the body.")
        if length != expected:
            return self._fail("invalid_file_upload", f"This chunk must be {expected} bytes.")
        if not req.headers.get("content-type", "").startswith("video/"):
            return self._fail("invalid_file_upload", "Content-Type must be the video's MIME type.")
        pub.received += length
        pub.chunks_received += 1
        pub.mime = req.headers["content-type"]
        if pub.chunks_received < pub.total_chunks:
            return Response(206, None)
        pub.ready_at = self.clock()
        return Response(201, None)

    def _advance(self, pub: _Publish, poll: bool) -> None:
        """Move a post through processing (polls or clock, whichever comes first)."""
        if pub.status in ("PUBLISH_COMPLETE", "FAILED") or pub.ready_at is None:
            return
        if poll:
            pub.polls += 1
        if (pub.polls < self.polls_to_complete
                and self.clock() < pub.ready_at + self.processing_seconds):
            return
        bad_photo = [u for u in pub.photo_images
                     if not u.lower().split("?")[0].endswith((".jpg", ".jpeg", ".webp"))]
        if self.fail_reason or bad_photo:
            pub.status = "FAILED"
            pub.fail_reason = self.fail_reason or "file_format_check_failed"
            self.fail_reason = None
            return
        pub.status = "PUBLISH_COMPLETE"
        pub.video_id = str(7310000000000000000 + next(self._ids))
        info = pub.post_info
        self.videos[pub.video_id] = {
            "id": pub.video_id, "publish_id": pub.publish_id, "kind": pub.kind,
            "title": info.get("title", ""), "video_description": info.get("description", "")
            if pub.kind == "photo" else info.get("title", ""),
            "privacy_level": info.get("privacy_level"), "create_time": int(self.clock()),
            "created": self.clock(), "post_info": info,
            "media": ([{"type": "video", "size": pub.video_size, "alt": None, "mime": pub.mime}]
                      if pub.kind == "video" else
                      [{"type": "image", "size": None, "alt": None, "url": u}
                       for u in pub.photo_images]),
        }

    def _advance_all(self) -> None:
        for pub in self.publishes.values():
            self._advance(pub, poll=False)

    def _status(self, req: Request, token: str, body: dict[str, Any]) -> Response:
        pub = self.publishes.get(str(body.get("publish_id", "")))
        if pub is None:
            return self._fail("invalid_params", "publish_id does not exist.")
        self._advance(pub, poll=True)
        data: dict[str, Any] = {"status": pub.status}
        if pub.status == "FAILED":
            data["fail_reason"] = pub.fail_reason
        if pub.source == "FILE_UPLOAD":
            data["uploaded_bytes"] = pub.received
        else:
            data["downloaded_bytes"] = 0 if pub.status != "PUBLISH_COMPLETE" else 1
        public = (pub.status == "PUBLISH_COMPLETE"
                  and pub.post_info.get("privacy_level") == "PUBLIC_TO_EVERYONE")
        data["publicaly_available_post_id"] = [int(pub.video_id)] if public else []
        return self._ok(data)

    # --- Display API ----------------------------------------------------------------------
    def _fields(self, req: Request) -> list[str]:
        return [f for f in (req.arg("fields") or "").split(",") if f]

    def _video_obj(self, video: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        values = {"id": video["id"], "title": video["title"],
                  "video_description": video["video_description"],
                  "create_time": video["create_time"],
                  "share_url": f"https://www.tiktok.com/@{self.username}/video/{video['id']}",
                  **self.metrics_of(video)}
        return {f: values[f] for f in fields if f in values}

    def metrics_of(self, video: dict[str, Any]) -> dict[str, int]:
        """The formula in the module docstring."""
        h = int(hashlib.sha256(video["id"].encode()).hexdigest()[:8], 16)
        age = int(self.audience_age(video["created"]))
        views = (age * (1 + h % 7)) // 10
        return {"view_count": views, "like_count": views // (8 + h % 5),
                "comment_count": views // (40 + h % 11), "share_count": views // (60 + h % 13)}

    def _video_query(self, req: Request, token: str, body: dict[str, Any]) -> Response:
        fields = self._fields(req)
        if not fields:
            return self._fail("invalid_params", "The fields query parameter is required.")
        ids = (body.get("filters") or {}).get("video_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 20:
            return self._fail("invalid_params", "filters.video_ids must hold 1 to 20 ids.")
        self._advance_all()
        videos = [self._video_obj(self.videos[str(i)], fields) for i in ids
                  if str(i) in self.videos]
        return self._ok({"videos": videos, "cursor": 0, "has_more": False})

    def _video_list(self, req: Request, token: str, body: dict[str, Any]) -> Response:
        fields = self._fields(req)
        if not fields:
            return self._fail("invalid_params", "The fields query parameter is required.")
        max_count = body.get("max_count", 10)
        if not isinstance(max_count, int) or not 1 <= max_count <= 20:
            return self._fail("invalid_params", "max_count must be between 1 and 20.")
        cursor = body.get("cursor")
        self._advance_all()
        public = sorted((v for v in self.videos.values()
                         if v["privacy_level"] == "PUBLIC_TO_EVERYONE"),
                        key=lambda v: (v["created"], v["id"]), reverse=True)
        if isinstance(cursor, int) and cursor > 0:
            public = [v for v in public if v["created"] * 1000 < cursor]
        page = public[:max_count]
        has_more = len(public) > len(page)
        next_cursor = int(page[-1]["created"] * 1000) if page else 0
        return self._ok({"videos": [self._video_obj(v, fields) for v in page],
                         "cursor": next_cursor, "has_more": has_more})

    # --- sandbox posts --------------------------------------------------------------------
    def posts(self) -> list[dict[str, Any]]:
        """Every post that finished processing, plus those still in flight."""
        self._advance_all()
        out: list[dict[str, Any]] = []
        for pub in self.publishes.values():
            video = self.videos.get(pub.video_id or "")
            info = pub.post_info
            public = info.get("privacy_level") == "PUBLIC_TO_EVERYONE"
            text = info.get("title", "") if pub.kind == "video" else (
                (info.get("title", "") + "\n" + info.get("description", "")).strip())
            out.append({
                # Private posts get no video id from TikTok; the adapter keeps the publish_id.
                "id": pub.video_id if pub.video_id and public else pub.publish_id,
                "video_id": pub.video_id,
                "publish_id": pub.publish_id, "kind": pub.kind,
                "text": text, "status": pub.status, "fail_reason": pub.fail_reason or None,
                "privacy_level": info.get("privacy_level"),
                "url": (f"https://www.tiktok.com/@{self.username}/video/{pub.video_id}"
                        if pub.video_id and public else None),
                "created_at": video["created"] if video else pub.created,
                "media": video["media"] if video else (
                    [{"type": "video", "size": pub.video_size, "alt": None}]
                    if pub.kind == "video" else
                    [{"type": "image", "size": None, "alt": None, "url": u}
                     for u in pub.photo_images]),
            })
        return out


def chunk_problem(size: Any, chunk: Any, count: Any) -> str | None:
    """Why (video_size, chunk_size, total_chunk_count) breaks the media-transfer rules, or None."""
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
               for v in (size, chunk, count)):
        return "video_size, chunk_size and total_chunk_count must be positive integers."
    if size < CHUNK_MIN:
        if chunk != size or count != 1:
            return "Videos under 5 MB must be sent as one chunk with chunk_size = video_size."
        return None
    if chunk > CHUNK_MAX or (chunk < CHUNK_MIN and chunk != size):
        return "chunk_size must be between 5 MB and 64 MB."
    if count != size // chunk:
        return "total_chunk_count must equal floor(video_size / chunk_size)."
    if not 1 <= count <= 1000:
        return "total_chunk_count must be between 1 and 1000."
    if size - chunk * (count - 1) > LAST_CHUNK_MAX:
        return "The last chunk may not exceed 128 MB."
    if size > CHUNK_MAX and count == 1:
        return "Videos over 64 MB must be uploaded in several chunks."
    return None
