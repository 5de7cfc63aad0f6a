"""YouTube Data API v3 emulator: OAuth refresh, resumable upload, thumbnails, lists, quota.

Paths below the ``/youtube`` prefix, as google-api-python-client sends them when built with
``api_endpoint=<sandbox>/youtube/`` (see channels/youtube.py for the https rewrite)::

    POST   /token                                   OAuth refresh_token grant (form), and
                                                    authorization_code (+ PKCE) for login
    GET    /o/oauth2/auth                           the consent page (accounts.google.com in
                                                    production): redirects to the loopback
                                                    redirect_uri with code/state at once, or
                                                    error=access_denied with consent "deny"
    POST   /upload/youtube/v3/videos?uploadType=resumable&part=..   start an upload session
    PUT    /upload/youtube/v3/videos?upload_id=..   a chunk (Content-Range) -> 308 or 200
    POST   /upload/youtube/v3/thumbnails/set?videoId=..&uploadType=media
    GET    /youtube/v3/videos?part=..&id=a,b        videos.list
    DELETE /youtube/v3/videos?id=..                 videos.delete -> 204
    GET    /youtube/v3/channels?part=..&mine=true   channels.list
    GET    /youtube/v3/playlistItems?part=..&playlistId=UU..   the uploads playlist

Answers use Google's error shape ``{"error": {"code", "message", "errors": [{"message",
"domain", "reason"}]}}``. YouTube sends no remaining-quota headers; a 429 carries
``Retry-After``.

Metrics grow with the emulator clock, deterministically. With ``age`` = seconds since the
upload completed and ``h`` = the first 8 hex digits of sha256(video id) as an int::

    viewCount     = (age // 60) * (3 + h % 7)      3-9 views a minute
    likeCount     = viewCount // (15 + h % 10)
    commentCount  = viewCount // (80 + h % 40)
    favoriteCount = 0

Processing: ``status.uploadStatus`` is "uploaded" (processingStatus "processing") for
``PROCESSING_SECONDS`` after the upload completes, then "processed" ("succeeded").

Quota (configure with ``sandbox.configure("youtube", quota={...})``): the day is the
America/Los_Angeles calendar day, as Google's. ``model="buckets"`` (the current page):
``inserts_per_day`` inserts (default 100) in their own bucket, others cost units from
``units_per_day`` (10,000). ``model="units"`` (the older page): an insert costs 1600 units,
list 1, delete 50, thumbnails.set 50. Exceeding either gives 403 ``quotaExceeded``.
Other settings: ``upload_limit`` (videos a channel may upload per day, then 400
``uploadLimitExceeded``), ``audited`` (False: public/unlisted uploads are locked private as
for unverified API projects), ``revoked`` (the refresh token answers invalid_grant),
``scopes`` (space-separated scopes granted to the next refreshed token; a call without a
scope it accepts gets 403 ``insufficientPermissions``), ``consent`` ("allow" or "deny": what
the next login's consent page answers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from ..channels.fixtures import SANDBOX_CREDENTIALS
from .core import Emulator, Request, Response

CREDENTIALS: dict[str, str] = SANDBOX_CREDENTIALS["youtube"]

CHUNK_MULTIPLE = 256 * 1024
PROCESSING_SECONDS = 60
TOKEN_SECONDS = 3599
PACIFIC = ZoneInfo("America/Los_Angeles")
_AUTH = "https://www.googleapis.com/auth/"
SCOPES = f"{_AUTH}youtube.upload {_AUTH}youtube"
# Which scopes each call accepts (the discovery doc's "scopes" of each method).
_WRITE = {f"{_AUTH}youtube", f"{_AUTH}youtube.force-ssl", f"{_AUTH}youtubepartner"}
CALL_SCOPES = {"insert": _WRITE | {f"{_AUTH}youtube.upload"},
               "thumbnail": _WRITE | {f"{_AUTH}youtube.upload"},
               "delete": _WRITE, "list": _WRITE | {f"{_AUTH}youtube.readonly"}}
PRIVACY = ("public", "unlisted", "private")
CHANNEL_ID = "UCsandboxYouTubeChannel0"  # 24 chars, like a real channel id
UPLOADS_PLAYLIST = "UU" + CHANNEL_ID[2:]
CHANNEL_TITLE = "Sandbox Public Service Channel"
UNIT_COSTS = {"insert": 1600, "list": 1, "delete": 50, "thumbnail": 50}
QUOTA_DEFAULT = {"model": "buckets", "units_per_day": 10000, "inserts_per_day": 100}
QUOTA_MESSAGE = ("The request cannot be completed because you have exceeded your "
                 "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.")
# (method, path below /youtube) -> (discovery method id, handler, quota class). The contract
# tests hold these against the discovery document shipped with google-api-python-client.
ROUTES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("POST", "/upload/youtube/v3/videos"): ("youtube.videos.insert", "_start_upload", "insert"),
    ("POST", "/upload/youtube/v3/thumbnails/set"): ("youtube.thumbnails.set", "_thumbnail",
                                                    "thumbnail"),
    ("GET", "/youtube/v3/videos"): ("youtube.videos.list", "_videos_list", "list"),
    ("DELETE", "/youtube/v3/videos"): ("youtube.videos.delete", "_delete", "delete"),
    ("GET", "/youtube/v3/channels"): ("youtube.channels.list", "_channels_list", "list"),
    ("GET", "/youtube/v3/playlistItems"): ("youtube.playlistItems.list", "_playlist_items",
                                           "list"),
}
_RANGE = re.compile(r"^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$")


def google_error(status: int, reason: str, message: str, domain: str = "youtube.video",
                 headers: dict[str, str] | None = None, **extra: str) -> Response:
    """An error reply in Google's JSON shape."""
    err = {"message": message, "domain": domain, "reason": reason, **extra}
    return Response(status, {"error": {"code": status, "message": message, "errors": [err]}},
                    headers or {})


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _etag(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:27]


def _thumbs(video_id: str) -> dict[str, Any]:
    return {"default": {"url": f"https://i.ytimg.com/vi/{video_id}/default.jpg",
                        "width": 120, "height": 90}}


class YouTubeEmulator(Emulator):
    """YouTube Data API v3 as google-api-python-client sees it."""

    name = "youtube"
    # Resumable uploads in flight hold running hashes; a restart forgets them.
    _TRANSIENT = Emulator._TRANSIENT | {"sessions"}

    def reset(self) -> None:
        self.videos: dict[str, dict[str, Any]] = {}  # by id, in upload order
        self.sessions: dict[str, dict[str, Any]] = {}  # resumable uploads by upload_id
        # issued access token -> (expiry on the emulator clock, granted scopes)
        self.tokens: dict[str, tuple[float, frozenset[str]]] = {}
        self.scopes = SCOPES  # what the next refreshed token is granted
        self.usage: dict[str, dict[str, int]] = {}  # Pacific date -> counters
        self.bodies: list[dict[str, Any]] = []  # JSON request bodies, for contract tests
        self.quota = dict(QUOTA_DEFAULT)
        self.upload_limit: int | None = None
        self.audited = True
        self.revoked = False
        self._counter = 0
        # Login: codes from the consent page, refresh tokens issued for them.
        self.consent = "allow"
        self.auth_codes: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: set[str] = set()

    def configure(self, body: dict[str, Any]) -> None:
        """The core's settings plus quota, upload_limit, audited and revoked."""
        with self.lock:
            if "quota" in body:
                self.quota = {**QUOTA_DEFAULT, **body["quota"]}
                if self.quota["model"] not in ("buckets", "units"):
                    raise ValueError("quota model must be 'buckets' or 'units'")
            for key in ("upload_limit", "audited", "revoked", "scopes", "consent"):
                if key in body:
                    setattr(self, key, body[key])
        super().configure({k: v for k, v in body.items()
                           if k not in ("quota", "upload_limit", "audited", "revoked",
                                        "scopes", "consent")})

    # --- faults and rate limits -----------------------------------------------------
    def rate_headers(self) -> dict[str, str]:
        """YouTube sends no remaining-quota headers."""
        return {}

    def error(self, kind: str, req: Request, reset_at: float | None = None) -> Response:
        if req.path.rstrip("/") == "/token":  # the OAuth endpoint answers in OAuth's shape
            if kind == "expired_token":
                return Response(400, {"error": "invalid_grant",
                                      "error_description": "Token has been expired or revoked."})
            status = 429 if kind == "429" else 503
            return Response(status, {"error": "temporarily_unavailable",
                                     "error_description": "Try again later."})
        if kind == "429":
            wait = max(1, int((reset_at or self.clock() + 60) - self.clock() + 0.999))
            return google_error(429, "rateLimitExceeded",
                                "Resource has been exhausted (e.g. check quota).",
                                domain="global", headers={"Retry-After": str(wait)})
        if kind == "expired_token":
            self.tokens.clear()  # every issued token is now stale, as after an expiry
            return self._unauthenticated()
        return google_error(503, "backendError", "The service is currently unavailable.",
                            domain="global")

    @staticmethod
    def _unauthenticated() -> Response:
        return google_error(
            401, "authError",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential.",
            domain="global", location="Authorization", locationType="header")

    # --- routing ---------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        route = (req.method, req.path.rstrip("/"))
        if route == ("POST", "/token"):
            return self._token(req)
        if route == ("GET", "/o/oauth2/auth"):
            return self._consent(req)
        if route == ("PUT", "/upload/youtube/v3/videos"):
            return self._chunk(req)  # the upload_id authorizes, as with Google
        if route not in ROUTES:
            return google_error(404, "notFound", "Not Found", domain="global")
        _, handler_name, cost = ROUTES[route]
        handler = getattr(self, handler_name)
        denied = self._authorize(req, cost)
        if denied:
            return denied
        exceeded = self._charge(cost)
        if exceeded:
            return exceeded
        return handler(req)

    def _authorize(self, req: Request, call: str) -> Response | None:
        token = req.bearer()
        if token == CREDENTIALS["access_token"]:
            granted = frozenset(SCOPES.split())
        else:
            expiry, granted = self.tokens.get(token or "", (0.0, frozenset()))
            if expiry <= self.clock():
                return self._unauthenticated()
        if not granted & CALL_SCOPES[call]:
            return google_error(403, "insufficientPermissions",
                                "Request had insufficient authentication scopes.",
                                domain="global")
        return None

    def _charge(self, call: str) -> Response | None:
        """Count a call against today's quota (invalid calls cost too, as at Google)."""
        day = datetime.fromtimestamp(self.clock(), PACIFIC).date().isoformat()
        used = self.usage.setdefault(day, {"units": 0, "inserts": 0})
        if self.quota["model"] == "buckets" and call == "insert":
            if used["inserts"] >= int(self.quota["inserts_per_day"]):
                return google_error(403, "quotaExceeded", QUOTA_MESSAGE, domain="youtube.quota")
            used["inserts"] += 1
            return None
        cost = UNIT_COSTS[call]
        if used["units"] + cost > int(self.quota["units_per_day"]):
            return google_error(403, "quotaExceeded", QUOTA_MESSAGE, domain="youtube.quota")
        used["units"] += cost
        return None

    # --- OAuth -----------------------------------------------------------------------
    def _consent(self, req: Request) -> Response:
        """Google's consent page for an installed app: answer at once with a redirect."""
        redirect_uri = req.arg("redirect_uri") or ""
        # Installed apps may redirect to the loopback only; a wrong client is an error page.
        if req.arg("client_id") != CREDENTIALS["client_id"]:
            return Response(401, "Error 401: invalid_client. The OAuth client was not found.")
        if urlsplit(redirect_uri).hostname not in ("localhost", "127.0.0.1"):
            return Response(400, "Error 400: redirect_uri_mismatch")
        state = req.arg("state") or ""
        if self.consent != "allow":
            query = {"error": "access_denied", "state": state}
        elif req.arg("response_type") != "code" or req.arg("code_challenge_method") not in (
                None, "S256", "plain"):
            query = {"error": "invalid_request", "state": state}
        else:
            code = "4/sandbox-" + secrets.token_urlsafe(24)
            self.auth_codes[code] = {
                "redirect_uri": redirect_uri, "scope": req.arg("scope") or "",
                "challenge": req.arg("code_challenge"),
                "method": req.arg("code_challenge_method") or "plain"}
            query = {"code": code, "scope": req.arg("scope") or "", "state": state}
        sep = "&" if "?" in redirect_uri else "?"
        return Response(302, None, {"Location": redirect_uri + sep + urlencode(query)})

    def _code_grant(self, form: dict[str, str]) -> Response:
        """authorization_code: the code, its redirect_uri and (when a challenge was sent)
        the PKCE verifier; a refresh token comes with the first access token."""
        grant = self.auth_codes.pop(form.get("code", ""), None)  # single use
        bad = Response(400, {"error": "invalid_grant", "error_description": "Bad Request"})
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return bad
        if grant["challenge"]:
            verifier = form.get("code_verifier", "")
            expected = verifier if grant["method"] == "plain" else base64.urlsafe_b64encode(
                hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or not hmac.compare_digest(expected, grant["challenge"]):
                return Response(400, {"error": "invalid_grant",
                                      "error_description": "Invalid code verifier."})
        self._counter += 1
        token = "ya29.sandbox-" + hashlib.sha256(f"tok{self._counter}".encode()).hexdigest()[:32]
        refresh = "1//sandbox-" + hashlib.sha256(f"ref{self._counter}".encode()).hexdigest()[:32]
        scopes = grant["scope"] or self.scopes
        self.tokens[token] = (self.clock() + TOKEN_SECONDS, frozenset(scopes.split()))
        self.refresh_tokens.add(refresh)
        return Response(200, {"access_token": token, "expires_in": TOKEN_SECONDS,
                              "refresh_token": refresh, "scope": scopes,
                              "token_type": "Bearer"})

    def _token(self, req: Request) -> Response:
        form = req.form()
        if form.get("grant_type") not in ("refresh_token", "authorization_code"):
            return Response(400, {"error": "unsupported_grant_type",
                                  "error_description": "Invalid grant_type: "
                                  + form.get("grant_type", "")})
        basic = req.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            # RFC 6749 2.3.1: the client may authenticate with HTTP Basic instead of the form
            # (requests-oauthlib, under google-auth-oauthlib's login, does).

            try:
                cid, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                cid, secret = "", ""
            form.setdefault("client_id", unquote(cid))
            form.setdefault("client_secret", unquote(secret))
        if (form.get("client_id") != CREDENTIALS["client_id"]
                or form.get("client_secret") != CREDENTIALS["client_secret"]):
            return Response(401, {"error": "invalid_client",
                                  "error_description": "The OAuth client was not found."})
        if form.get("grant_type") == "authorization_code":
            return self._code_grant(form)
        if self.revoked or form.get("refresh_token") not in (
                {CREDENTIALS["refresh_token"]} | self.refresh_tokens):
            return Response(400, {"error": "invalid_grant",
                                  "error_description": "Token has been expired or revoked."})
        self._counter += 1
        token = "ya29.sandbox-" + hashlib.sha256(f"tok{self._counter}".encode()).hexdigest()[:32]
        self.tokens[token] = (self.clock() + TOKEN_SECONDS, frozenset(self.scopes.split()))
        return Response(200, {"access_token": token, "expires_in": TOKEN_SECONDS,
                              "scope": self.scopes, "token_type": "Bearer"})

    # --- videos.insert (resumable) -----------------------------------------------------
    def _start_upload(self, req: Request) -> Response:
        if req.arg("uploadType") != "resumable":
            return google_error(400, "badRequest",
                                "The sandbox accepts only uploadType=resumable for videos.",
                                domain="global")
        parts = [p.strip() for p in (req.arg("part") or "").split(",") if p.strip()]
        if not parts:
            return google_error(400, "missingRequiredParameter",
                                "No filter selected. Expected one of: part", domain="global")
        video = req.json()
        if not isinstance(video, dict):
            return google_error(400, "parseError", "Parse Error", domain="global")
        self.bodies.append({"path": req.path, "query": req.query, "body": video})
        invalid = self._validate(video)
        if invalid:
            return invalid
        if self.upload_limit is not None:
            today = self.clock() - 86400
            recent = [v for v in self.videos.values() if v["created"] > today]
            if len(recent) >= int(self.upload_limit):
                return google_error(400, "uploadLimitExceeded",
                                    "The user has exceeded the number of videos they may upload.")
        total = req.headers.get("x-upload-content-length")
        mime = req.headers.get("x-upload-content-type", "application/octet-stream")
        if not (mime.startswith("video/") or mime == "application/octet-stream"):
            return google_error(400, "invalidVideoMetadata",
                                f"Media type '{mime}' is not supported for videos.")
        self._counter += 1
        upload_id = base64.urlsafe_b64encode(
            hashlib.sha256(f"upload{self._counter}".encode()).digest()).decode().rstrip("=")
        self.sessions[upload_id] = {
            "video": video, "parts": parts, "mime": mime, "received": 0,
            "total": int(total) if total and total.isdigit() else None,
            "hash": hashlib.sha256(), "notify": req.arg("notifySubscribers", "true"),
            "video_id": None,
        }
        location = (f"{self.base_url}/upload/youtube/v3/videos?uploadType=resumable"
                    f"&upload_id={upload_id}")
        return Response(200, None, {"Location": location, "X-GUploader-UploadID": upload_id})

    def _validate(self, video: dict[str, Any]) -> Response | None:
        snippet = video.get("snippet") or {}
        status = video.get("status") or {}
        title = snippet.get("title")
        if not isinstance(title, str) or not title.strip():
            return google_error(400, "invalidTitle",
                                "The request metadata specifies an invalid or empty video title.")
        if len(title) > 100 or "<" in title or ">" in title:
            return google_error(400, "invalidTitle",
                                "The request metadata specifies an invalid video title.")
        description = snippet.get("description", "")
        if (not isinstance(description, str) or len(description.encode()) > 5000
                or "<" in description or ">" in description):
            return google_error(400, "invalidDescription",
                                "The request metadata specifies an invalid video description.")
        tags = snippet.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            return google_error(400, "invalidTags",
                                "The request metadata specifies invalid video keywords.")
        # 500 characters, counting the commas between tags and quotes around tags with spaces
        tag_chars = sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)
        if tag_chars > 500:
            return google_error(400, "invalidTags",
                                "The request metadata specifies invalid video keywords.")
        category = snippet.get("categoryId", "22")
        if not str(category).isdigit():
            return google_error(400, "invalidCategoryId",
                                "The snippet.categoryId property specifies an invalid category ID.")
        privacy = status.get("privacyStatus", "public")
        if privacy not in PRIVACY:
            return google_error(400, "invalidVideoMetadata",
                                f"Invalid value for status.privacyStatus: {privacy!r}.")
        if status.get("publishAt"):
            if privacy != "private":
                return google_error(400, "invalidPublishAt",
                                    "The request metadata specifies an invalid scheduled "
                                    "publishing time: publishAt needs privacyStatus private.")
            try:
                when = datetime.fromisoformat(str(status["publishAt"]).replace("Z", "+00:00"))
            except ValueError:
                when = None
            if when is None or when.tzinfo is None or when.timestamp() <= self.clock():
                return google_error(400, "invalidPublishAt",
                                    "The request metadata specifies an invalid scheduled "
                                    "publishing time: it must be an RFC 3339 time with an "
                                    "offset, in the future.")
        return None

    def _chunk(self, req: Request) -> Response:
        session = self.sessions.get(req.arg("upload_id") or "")
        if session is None:
            return google_error(404, "notFound", "The upload session does not exist.",
                                domain="global")
        if session["video_id"]:  # already complete: a resend or probe gets the resource again
            return Response(200, self._resource(self.videos[session["video_id"]],
                                                session["parts"]))
        m = _RANGE.match(req.headers.get("content-range", "").strip())
        if not m:
            return google_error(400, "badContent", "Content-Range header is missing or invalid.",
                                domain="global")
        first, last, total_s = m.groups()
        if total_s != "*":
            session["total"] = int(total_s)
        if first is None:  # a status probe: "bytes */total"
            return self._incomplete(session)
        first_i, last_i = int(first), int(last)
        if first_i != session["received"] or last_i - first_i + 1 != len(req.body):
            return self._incomplete(session)  # the client resumes from our Range
        final = session["total"] is not None and last_i + 1 == session["total"]
        if not final and len(req.body) % CHUNK_MULTIPLE:
            return google_error(400, "badContent",
                                "Chunks must be a multiple of 256 KiB except the last one.",
                                domain="global")
        session["hash"].update(req.body)
        session["received"] = last_i + 1
        if not final:
            return self._incomplete(session)
        return Response(200, self._resource(self._create(session), session["parts"]))

    @staticmethod
    def _incomplete(session: dict[str, Any]) -> Response:
        headers = {"Range": f"bytes=0-{session['received'] - 1}"} if session["received"] else {}
        return Response(308, None, headers)

    def _create(self, session: dict[str, Any]) -> dict[str, Any]:
        video_id = base64.urlsafe_b64encode(
            hashlib.sha256(f"video{len(self.videos)}-{self._counter}".encode()).digest()
        ).decode()[:11]
        meta = session["video"]
        snippet, status = dict(meta.get("snippet") or {}), dict(meta.get("status") or {})
        requested = status.get("privacyStatus", "public")
        stored = {
            "id": video_id, "created": self.clock(), "snippet": snippet, "status": status,
            "requested_privacy": requested,
            "privacy": requested if self.audited else "private",
            "size": session["received"], "sha256": session["hash"].hexdigest(),
            "mime": session["mime"], "thumbnail": None,
            "notify_subscribers": session["notify"],
        }
        self.videos[video_id] = stored
        session["video_id"] = video_id
        return stored

    # --- resources -----------------------------------------------------------------------
    def _age(self, video: dict[str, Any]) -> float:
        return self.audience_age(video["created"])

    def statistics(self, video_id: str, age: float) -> dict[str, int]:
        """The documented metric formula (see the module docstring)."""
        h = int(hashlib.sha256(video_id.encode()).hexdigest()[:8], 16)
        views = int(age // 60) * (3 + h % 7)
        return {"viewCount": views, "likeCount": views // (15 + h % 10),
                "favoriteCount": 0, "commentCount": views // (80 + h % 40)}

    def _resource(self, video: dict[str, Any], parts: list[str]) -> dict[str, Any]:
        vid, snippet, status = video["id"], video["snippet"], video["status"]
        processed = self._age(video) >= PROCESSING_SECONDS
        out: dict[str, Any] = {"kind": "youtube#video", "etag": _etag(vid, self.clock()),
                               "id": vid}
        if "snippet" in parts:
            out["snippet"] = {
                "publishedAt": _iso(video["created"]), "channelId": CHANNEL_ID,
                "title": snippet.get("title", ""), "description": snippet.get("description", ""),
                "thumbnails": _thumbs(vid), "channelTitle": CHANNEL_TITLE,
                "categoryId": str(snippet.get("categoryId", "22")),
                "liveBroadcastContent": "none",
                "localized": {"title": snippet.get("title", ""),
                              "description": snippet.get("description", "")},
            }
            if snippet.get("tags"):
                out["snippet"]["tags"] = list(snippet["tags"])
            if snippet.get("defaultLanguage"):
                out["snippet"]["defaultLanguage"] = snippet["defaultLanguage"]
        if "status" in parts:
            kids = bool(status.get("selfDeclaredMadeForKids", False))
            out["status"] = {
                "uploadStatus": "processed" if processed else "uploaded",
                "privacyStatus": video["privacy"], "license": status.get("license", "youtube"),
                "embeddable": status.get("embeddable", True),
                "publicStatsViewable": status.get("publicStatsViewable", True),
                "madeForKids": kids, "selfDeclaredMadeForKids": kids,
            }
            if status.get("publishAt"):
                out["status"]["publishAt"] = status["publishAt"]
        if "statistics" in parts:
            out["statistics"] = {k: str(v) for k, v in
                                 self.statistics(vid, self._age(video)).items()}
        if "processingDetails" in parts:
            out["processingDetails"] = {"processingStatus":
                                        "succeeded" if processed else "processing"}
        return out

    def _videos_list(self, req: Request) -> Response:
        parts = [p.strip() for p in (req.arg("part") or "").split(",") if p.strip()]
        ids = [i for i in (req.arg("id") or "").split(",") if i]
        if not parts:
            return google_error(400, "missingRequiredParameter",
                                "No filter selected. Expected one of: part", domain="global")
        if not ids:
            return google_error(400, "missingRequiredParameter",
                                "No filter selected. Expected one of: chart, id, myRating",
                                domain="global")
        if len(ids) > 50:
            return google_error(400, "invalidFilters",
                                "The request specifies more than 50 video ids.", domain="global")
        items = [self._resource(self.videos[i], parts) for i in ids if i in self.videos]
        return Response(200, {"kind": "youtube#videoListResponse", "etag": _etag("list", ids),
                              "items": items, "pageInfo": {"totalResults": len(items),
                                                           "resultsPerPage": len(items)}})

    def _delete(self, req: Request) -> Response:
        if self.videos.pop(req.arg("id") or "", None) is None:
            return google_error(404, "videoNotFound",
                                "The video that you are trying to delete cannot be found.")
        return Response(204)

    def _channels_list(self, req: Request) -> Response:
        parts = [p.strip() for p in (req.arg("part") or "").split(",") if p.strip()]
        if req.arg("mine") != "true" and req.arg("id") != CHANNEL_ID:
            return Response(200, {"kind": "youtube#channelListResponse", "etag": _etag("none"),
                                  "items": [], "pageInfo": {"totalResults": 0,
                                                            "resultsPerPage": 5}})
        item: dict[str, Any] = {"kind": "youtube#channel", "etag": _etag(CHANNEL_ID),
                                "id": CHANNEL_ID}
        if "snippet" in parts:
            item["snippet"] = {"title": CHANNEL_TITLE, "description": "Rehearsal channel.",
                               "customUrl": "@sandbox-public-service",
                               "publishedAt": "2020-01-01T00:00:00Z",
                               "thumbnails": _thumbs(CHANNEL_ID)}
        if "status" in parts:
            item["status"] = {"privacyStatus": "public", "isLinked": True,
                              "longUploadsStatus": "allowed", "madeForKids": False}
        if "contentDetails" in parts:
            item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads":
                                                           UPLOADS_PLAYLIST}}
        return Response(200, {"kind": "youtube#channelListResponse", "etag": _etag("mine"),
                              "items": [item], "pageInfo": {"totalResults": 1,
                                                            "resultsPerPage": 5}})

    def _playlist_items(self, req: Request) -> Response:
        if req.arg("playlistId") != UPLOADS_PLAYLIST:
            return google_error(404, "playlistNotFound",
                                "The playlist identified with the request's playlistId "
                                "parameter cannot be found.")
        limit = max(0, min(50, int(req.arg("maxResults", "5") or 5)))
        newest = sorted(self.videos.values(), key=lambda v: v["created"], reverse=True)
        items = []
        for position, video in enumerate(newest[:limit]):
            vid = video["id"]
            items.append({
                "kind": "youtube#playlistItem", "etag": _etag("pi", vid),
                "id": base64.urlsafe_b64encode(f"{UPLOADS_PLAYLIST}.{vid}".encode()).decode(),
                "snippet": {
                    "publishedAt": _iso(video["created"]), "channelId": CHANNEL_ID,
                    "title": video["snippet"].get("title", ""),
                    "description": video["snippet"].get("description", ""),
                    "thumbnails": _thumbs(vid), "channelTitle": CHANNEL_TITLE,
                    "playlistId": UPLOADS_PLAYLIST, "position": position,
                    "resourceId": {"kind": "youtube#video", "videoId": vid},
                    "videoOwnerChannelTitle": CHANNEL_TITLE, "videoOwnerChannelId": CHANNEL_ID,
                },
                "contentDetails": {"videoId": vid, "videoPublishedAt": _iso(video["created"])},
            })
        return Response(200, {"kind": "youtube#playlistItemListResponse",
                              "etag": _etag("uploads", len(items)), "items": items,
                              "pageInfo": {"totalResults": len(self.videos),
                                           "resultsPerPage": limit}})

    def _thumbnail(self, req: Request) -> Response:
        video = self.videos.get(req.arg("videoId") or "")
        if video is None:
            return google_error(404, "videoNotFound",
                                "The video that you are trying to set a thumbnail for "
                                "cannot be found.")
        mime = req.headers.get("content-type", "").split(";")[0].strip()
        if mime not in ("image/jpeg", "image/png", "application/octet-stream"):
            return google_error(400, "invalidImage", "The provided image content is invalid.")
        if len(req.body) > 2 * 1024 * 1024:
            return google_error(413, "mediaBodyTooLarge",
                                "The thumbnail image file is larger than 2 MB.")
        if not req.body:
            return google_error(400, "mediaBodyRequired",
                                "The request does not include the image content.")
        video["thumbnail"] = {"size": len(req.body), "mime": mime}
        return Response(200, {"kind": "youtube#thumbnailSetResponse",
                              "etag": _etag("thumb", video["id"]),
                              "items": [_thumbs(video["id"])]})

    # --- what `sandbox posts` shows --------------------------------------------------------
    def posts(self) -> list[dict[str, Any]]:
        out = []
        for video in self.videos.values():
            processed = self._age(video) >= PROCESSING_SECONDS
            media = [{"type": "video", "size": video["size"], "alt": None,
                      "mime": video["mime"], "sha256": video["sha256"]}]
            if video["thumbnail"]:
                media.append({"type": "image", "size": video["thumbnail"]["size"],
                              "alt": None, "mime": video["thumbnail"]["mime"],
                              "role": "thumbnail"})
            out.append({
                "id": video["id"], "ids": [video["id"]],
                "url": f"https://www.youtube.com/watch?v={video['id']}",
                "title": video["snippet"].get("title", ""),
                "text": video["snippet"].get("description", ""),
                "tags": list(video["snippet"].get("tags") or []),
                "privacy": video["privacy"], "requested_privacy": video["requested_privacy"],
                "publish_at": video["status"].get("publishAt"),
                "upload_status": "processed" if processed else "uploaded",
                "media": media, "created_at": _iso(video["created"]),
                "statistics": self.statistics(video["id"], self._age(video)),
            })
        return out


__all__ = ["CREDENTIALS", "ROUTES", "YouTubeEmulator", "google_error"]
