"""X API v2 emulator: posts, threads, v2 chunked media upload, alt text, lookup, timeline,
OAuth 1.0a signature checks and OAuth 2.0 bearer tokens with refresh-token rotation, and
the OAuth 2.0 Authorization Code flow with PKCE for ``campaignctl channels login``:

    GET  /i/oauth2/authorize   the consent page; it consents at once (or refuses, with the
                               ``consent: "deny"`` setting) and redirects to redirect_uri with
                               ``code``/``state`` (or ``error=access_denied``)
    POST /2/oauth2/token       grant_type=authorization_code: the code, the same
                               redirect_uri and a code_verifier whose S256 (or plain) hash is
                               the code_challenge; a code is single-use and lives 30 s

Shapes follow X's own OpenAPI description (../shared/specs/x-api-v2-openapi.json) and
API-NOTES.md section 1. Errors use X's problem JSON; 401, 403 and 429 answers use
``"type": "about:blank"`` as the live API does.

Metrics grow with the emulator's clock, deterministically. For a post created at ``c``
and id hash ``h = int(sha256(id)[:8], 16)``, with ``age = max(0, clock() - c)`` seconds::

    impression_count = (age // 6) * (1 + h % 5)
    like_count       = impression_count // (40 + h % 20)
    repost_count     = like_count // 5
    reply_count      = like_count // 8
    quote_count      = repost_count // 4
    bookmark_count   = like_count // 10
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urlsplit

from ..channels.fixtures import SANDBOX_CREDENTIALS
from .core import Emulator, Request, Response

# OAuth 1.0a user context (consumer key/secret, access token/secret; the access token is also
# accepted as an OAuth 2.0 bearer token) and OAuth 2.0 user tokens (client id/secret, refresh).
CREDENTIALS: dict[str, str] = SANDBOX_CREDENTIALS["x"]

# An OAuth 1.0a token of an app set to "Read only": reads work, writes get X's 403.
READ_ONLY_TOKEN = ("sandbox-x-readonly-access-token", "sandbox-x-readonly-access-token-secret")
OAUTH1_TOKENS = {CREDENTIALS["access_token"]: (CREDENTIALS["access_token_secret"], "read-write"),
                 READ_ONLY_TOKEN[0]: (READ_ONLY_TOKEN[1], "read")}

USER = {"id": "1500000000000000001", "username": "sandbox_ministry",
        "name": "Sandbox Ministry of Health"}

PROBLEM = "https://api.x.com/2/problems/"
ACCESS_TOKEN_LIFETIME = 7200
CODE_LIFETIME = 30  # X's authorization codes are valid for 30 seconds
LOGIN_SCOPES = {"tweet.read", "tweet.write", "users.read", "offline.access", "media.write",
                "tweet.moderate.write", "follows.read", "follows.write", "like.read",
                "like.write", "list.read", "list.write", "block.read", "block.write",
                "mute.read", "mute.write", "bookmark.read", "bookmark.write",
                "space.read", "dm.read", "dm.write"}
MEDIA_TYPES = {
    "image/jpeg", "image/gif", "image/bmp", "image/png", "image/webp", "image/pjpeg",
    "image/tiff", "video/mp4", "video/webm", "video/mp2t", "video/quicktime", "text/srt",
    "text/vtt", "model/gltf-binary", "model/vnd.usdz+zip",
}
MEDIA_CATEGORIES = {"amplify_video", "tweet_gif", "tweet_image", "tweet_video", "dm_gif",
                    "dm_image", "dm_video", "subtitles"}
# Size caps by category (X media best practices): image 5 MB, GIF 15 MB, video 512 MB.
MAX_BYTES = {"tweet_image": 5 * 1024 * 1024, "dm_image": 5 * 1024 * 1024,
             "tweet_gif": 15 * 1024 * 1024, "dm_gif": 15 * 1024 * 1024}
MAX_VIDEO_BYTES = 512 * 1024 * 1024
CREATE_FIELDS = {"card_uri", "community_id", "direct_message_deep_link", "edit_options",
                 "for_super_followers_only", "geo", "made_with_ai", "media", "nullcast",
                 "paid_partnership", "poll", "quote_tweet_id", "reply", "reply_settings",
                 "share_with_followers", "text"}
REPLY_SETTINGS = {"following", "mentionedUsers", "subscribers", "verified"}


def _problem(status: int, title: str, detail: str, ptype: str = "about:blank",
             **extra: Any) -> Response:
    body = {"title": title, "detail": detail, "type": ptype, "status": status, **extra}
    return Response(status, body)  # X labels these application/json, not problem+json


def _invalid(detail: str, parameter: str | None = None) -> Response:
    """X's 400 for a bad parameter: problem JSON plus the per-parameter ``errors`` list."""
    errors = [{"parameters": {parameter or "body": []}, "message": detail}]
    return _problem(400, "Invalid Request",
                    "One or more parameters to your request was invalid.",
                    PROBLEM + "invalid-request", errors=errors)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse_iso(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _weighted_length(text: str) -> int:
    from twitter_text import parse_tweet  # lazy: it compiles every emoji on import (~0.2 s)

    return parse_tweet(text).weightedLength


class XEmulator(Emulator):
    """The X API v2 as the adapter uses it; see the module docstring for the metric formula."""

    name = "x"

    def reset(self) -> None:
        self.tweets: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        # OAuth 2.0 state: the fixture tokens never expire; refreshed ones last 2 h.
        self.access_tokens: dict[str, float | None] = {CREDENTIALS["access_token"]: None}
        self.refresh_tokens: set[str] = {CREDENTIALS["refresh_token"]}
        self._ids = itertools.count(1860000000000000001)
        self._media_ids = itertools.count(1870000000000000001)
        self._issued = itertools.count(1)
        self._window_default: list[float] = []
        # Login: issued authorization codes and whether the next consent is given.
        self.auth_codes: dict[str, dict[str, Any]] = {}
        self.consent = "allow"

    # --- the platform's answers ------------------------------------------------------
    def rate_headers(self) -> dict[str, str]:
        """x-rate-limit-* on every answer: the configured window, else 900 per 15 minutes."""
        if self.config.rate_limit:
            return super().rate_headers()
        now = self.clock()
        self._window_default = [t for t in self._window_default if t > now - 900]
        self._window_default.append(now)
        reset = int(self._window_default[0] + 900)
        return {"x-rate-limit-limit": "900",
                "x-rate-limit-remaining": str(max(0, 900 - len(self._window_default))),
                "x-rate-limit-reset": str(reset)}

    def error(self, kind: str, req: Request, reset_at: float | None = None) -> Response:
        """Injected faults in X's own shapes."""
        if kind == "429":
            resp = _problem(429, "Too Many Requests", "Too Many Requests")
            limit = (self.config.rate_limit or {}).get("requests", 900)
            resp.headers.update({"x-rate-limit-limit": str(limit),
                                 "x-rate-limit-remaining": "0",
                                 "x-rate-limit-reset": str(int(reset_at or self.clock() + 900))})
            return resp
        if kind == "expired_token":
            return self._with_rate(_problem(401, "Unauthorized", "Unauthorized"))
        return self._with_rate(_problem(503, "Service Unavailable", "Service Unavailable"))

    def _with_rate(self, resp: Response) -> Response:
        for k, v in self.rate_headers().items():
            resp.headers.setdefault(k, v)
        return resp

    def handle(self, req: Request) -> Response:
        """Route one request; everything but the token endpoint needs user auth."""
        if req.path == "/2/oauth2/token" and req.method == "POST":
            return self._token(req)
        if req.path == "/i/oauth2/authorize" and req.method == "GET":
            return self._authorize(req)
        access = self._access_level(req)
        if access is None:
            return self._with_rate(_problem(401, "Unauthorized", "Unauthorized"))
        if access == "read" and req.method in ("POST", "PUT", "DELETE"):
            resp = _problem(403, "Forbidden", "Your client app is not configured with the "
                            "appropriate oauth1 app permissions for this endpoint.",
                            "https://api.twitter.com/2/problems/oauth1-permissions")
        else:
            resp = self._route(req)
        if req.headers.get("authorization", "").startswith("OAuth "):
            # Documented for OAuth 1.0a calls since 2011 (v1.1); assumed for v2 as well.
            resp.headers["x-access-level"] = access
        return self._with_rate(resp)

    def _route(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        m = req.method
        if parts == ["2", "tweets"] and m == "POST":
            return self._create(req)
        if parts == ["2", "tweets"] and m == "GET":
            return self._lookup(req)
        if len(parts) == 3 and parts[:2] == ["2", "tweets"] and m == "DELETE":
            return self._delete(parts[2])
        if parts == ["2", "users", "me"] and m == "GET":
            return Response(200, {"data": dict(USER)})
        if len(parts) == 4 and parts[:2] == ["2", "users"] and parts[3] == "tweets" \
                and m == "GET":
            return self._timeline(parts[2], req)
        if parts == ["2", "media", "upload", "initialize"] and m == "POST":
            return self._initialize(req)
        if len(parts) == 5 and parts[:3] == ["2", "media", "upload"] and m == "POST":
            if parts[4] == "append":
                return self._append(parts[3], req)
            if parts[4] == "finalize":
                return self._finalize(parts[3])
        if parts == ["2", "media", "upload"] and m == "GET":
            return self._status(req)
        if parts == ["2", "media", "metadata"] and m == "POST":
            return self._metadata(req)
        return _problem(404, "Not Found", f"no route for {m} {req.path}")

    # --- auth --------------------------------------------------------------------------
    def _access_level(self, req: Request) -> str | None:
        """"read-write" or "read" for a valid credential; None answers 401."""
        header = req.headers.get("authorization", "")
        if header.startswith("OAuth "):
            return self._oauth1_level(req, header)
        token = req.bearer()
        if token is None or token not in self.access_tokens:
            return None
        expires = self.access_tokens[token]
        return "read-write" if expires is None or self.clock() < expires else None

    def _oauth1_level(self, req: Request, header: str) -> str | None:
        """Recompute the HMAC-SHA1 signature over the URL the client signed."""
        from oauthlib.oauth1.rfc5849 import signature, utils  # lazy: part of the SDK stack

        try:
            given = {k: utils.unescape(v) for k, v in utils.parse_authorization_header(header)}
        except ValueError:
            return None
        token_secret, level = OAUTH1_TOKENS.get(given.get("oauth_token", ""), ("", None))
        if given.get("oauth_consumer_key") != CREDENTIALS["consumer_key"] or level is None \
                or given.get("oauth_signature_method") != "HMAC-SHA1":
            return None
        body = None
        if req.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = req.body.decode("utf-8", "replace")
        params = signature.collect_parameters(
            uri_query=urlsplit(req.url).query, body=body, headers={"Authorization": header},
            exclude_oauth_signature=True)
        base = signature.signature_base_string(
            req.method, signature.base_string_uri(req.url),
            signature.normalize_parameters(params))
        keys = SimpleNamespace(client_secret=CREDENTIALS["consumer_secret"],
                               resource_owner_secret=token_secret)
        expected = signature.sign_hmac_sha1_with_client(base, keys)
        return level if hmac.compare_digest(expected, given.get("oauth_signature", "")) else None

    def _token(self, req: Request) -> Response:
        """POST /2/oauth2/token with grant_type=refresh_token: rotate both tokens."""
        form = req.form()
        client_id = form.get("client_id")
        basic = req.headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                cid, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                cid, secret = "", ""
            if secret != CREDENTIALS["client_secret"]:
                return Response(401, {"error": "unauthorized_client",
                                      "error_description": "Missing valid authorization header"})
            client_id = cid
        if client_id != CREDENTIALS["client_id"]:
            return Response(400, {"error": "invalid_request",
                                  "error_description": "Missing required parameter [client_id]."})
        if form.get("grant_type") == "authorization_code":
            return self._code_grant(form)
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"error": "unsupported_grant_type",
                                  "error_description": "grant_type not supported"})
        old = form.get("refresh_token", "")
        if old not in self.refresh_tokens:
            return Response(400, {"error": "invalid_request",
                                  "error_description": "Value passed for the token was invalid."})
        self.refresh_tokens.discard(old)
        return self._issue("r", "tweet.write tweet.read users.read offline.access media.write")

    def _issue(self, kind: str, scope: str) -> Response:
        """A new access token (2 h) and, with offline.access, a refresh token."""
        n = next(self._issued)
        access = f"sandbox-x-access-token-{kind}{n}"
        self.access_tokens[access] = self.clock() + ACCESS_TOKEN_LIFETIME
        body: dict[str, Any] = {"token_type": "bearer", "expires_in": ACCESS_TOKEN_LIFETIME,
                                "access_token": access, "scope": scope}
        if "offline.access" in scope.split():
            refresh = f"sandbox-x-refresh-token-{kind}{n}"
            self.refresh_tokens.add(refresh)
            body["refresh_token"] = refresh
        return Response(200, body)

    # --- login: authorization code with PKCE ---------------------------------------------
    def _authorize(self, req: Request) -> Response:
        """The consent page: redirect back with a code (or access_denied) at once."""
        redirect_uri = req.arg("redirect_uri") or ""
        split = urlsplit(redirect_uri)
        # Without a valid client and redirect URI X shows an error page, never a redirect.
        if req.arg("client_id") != CREDENTIALS["client_id"]:
            return Response(400, "Something went wrong: the client_id is not valid.")
        if split.scheme not in ("http", "https") or not split.netloc:
            return Response(400, "Something went wrong: redirect_uri is not a valid URL.")
        state = req.arg("state") or ""
        scopes = set((req.arg("scope") or "").split())
        method = req.arg("code_challenge_method") or "plain"
        challenge = req.arg("code_challenge") or ""
        problem = None
        if req.arg("response_type") != "code":
            problem = ("unsupported_response_type", "response_type must be code")
        elif not scopes or not scopes <= LOGIN_SCOPES:
            problem = ("invalid_scope", "scope is missing or names an unknown scope")
        elif method not in ("S256", "plain") or not challenge:
            problem = ("invalid_request", "code_challenge and code_challenge_method are "
                       "required")
        if problem is None and self.consent != "allow":
            problem = ("access_denied", "The user denied the request.")
        if problem is not None:
            query = {"error": problem[0], "error_description": problem[1], "state": state}
        else:
            code = secrets.token_urlsafe(24)
            self.auth_codes[code] = {"redirect_uri": redirect_uri, "challenge": challenge,
                                     "method": method, "scope": " ".join(sorted(scopes)),
                                     "expires": self.clock() + CODE_LIFETIME}
            query = {"code": code, "state": state}
        sep = "&" if split.query else "?"
        return Response(302, None, {"Location": redirect_uri + sep + urlencode(query)})

    def _code_grant(self, form: dict[str, str]) -> Response:
        """grant_type=authorization_code: the code, its redirect_uri and the PKCE verifier."""
        grant = self.auth_codes.pop(form.get("code", ""), None)  # single use, even on failure
        invalid = Response(400, {"error": "invalid_request", "error_description":
                                 "Value passed for the authorization code was invalid."})
        if grant is None or grant["expires"] <= self.clock():
            return invalid
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return invalid
        verifier = form.get("code_verifier", "")
        if grant["method"] == "S256":
            digest = hashlib.sha256(verifier.encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        else:
            expected = verifier
        if not verifier or not hmac.compare_digest(expected, grant["challenge"]):
            return invalid
        return self._issue("c", grant["scope"])

    # --- posts ---------------------------------------------------------------------------
    def _create(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return _invalid("The request body must be a JSON object.")
        unknown = sorted(set(body) - CREATE_FIELDS)
        if unknown:
            return _invalid(f"The query parameter [{unknown[0]}] is not one of "
                            f"[{', '.join(sorted(CREATE_FIELDS))}]", unknown[0])
        text = body.get("text", "")
        if not isinstance(text, str):
            return _invalid("text must be a string", "text")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        poll = body.get("poll")
        quote = body.get("quote_tweet_id")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if not text and not media_ids:
            return _invalid("Post text or media is required.", "text")
        if text and _weighted_length(text) > 280:
            return _problem(403, "Forbidden", "Your Tweet text is too long.")
        if body.get("reply_settings") is not None \
                and body["reply_settings"] not in REPLY_SETTINGS:
            return _invalid(f"reply_settings must be one of {sorted(REPLY_SETTINGS)}",
                            "reply_settings")
        if len(media_ids) > 4:
            return _invalid("At most 4 media may be attached.", "media.media_ids")
        if poll is not None:
            problem = self._poll_problem(poll, media_ids, quote)
            if problem:
                return problem
        for mid in media_ids:
            media = self.media.get(str(mid))
            if not media or media.get("state") != "succeeded":
                return _invalid("Your media IDs are invalid.", "media.media_ids")
        kinds = {self.media[str(m)]["category"] for m in media_ids}
        if len(media_ids) > 1 and kinds & {"tweet_video", "tweet_gif", "amplify_video"}:
            return _invalid("A video or GIF must be the only media of a post.",
                            "media.media_ids")
        for ref, label in ((reply_to, "reply to"), (quote, "quote")):
            if ref is not None and self._live(str(ref)) is None:
                return _problem(403, "Forbidden",
                                f"You attempted to {label} a Tweet that is deleted or not "
                                "visible to you.")
        if text and any(t["text"] == text for t in self.tweets.values() if not t["deleted"]):
            return _problem(403, "Forbidden",
                            "You are not allowed to create a Tweet with duplicate content.")
        tid = str(next(self._ids))
        parent = self._live(str(reply_to)) if reply_to is not None else None
        self.tweets[tid] = {
            "id": tid, "text": text, "author_id": USER["id"], "created": self.clock(),
            "media_ids": [str(m) for m in media_ids], "reply_to": parent and parent["id"],
            "conversation_id": parent["conversation_id"] if parent else tid,
            "quote": quote, "poll": poll, "reply_settings": body.get("reply_settings"),
            "deleted": False,
        }
        return Response(201, {"data": {"id": tid, "text": text,
                                       "edit_history_post_ids": [tid],
                                       "edit_history_tweet_ids": [tid]}})

    @staticmethod
    def _poll_problem(poll: Any, media_ids: list, quote: Any) -> Response | None:
        if not isinstance(poll, dict):
            return _invalid("poll must be an object", "poll")
        options = poll.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 4 \
                or not all(isinstance(o, str) and 1 <= len(o) <= 25 for o in options):
            return _invalid("A poll needs 2 to 4 options of 1 to 25 characters.",
                            "poll.options")
        duration = poll.get("duration_minutes")
        if not isinstance(duration, int) or not 5 <= duration <= 10080:
            return _invalid("poll.duration_minutes must be between 5 and 10080.",
                            "poll.duration_minutes")
        if media_ids or quote:
            return _invalid("A poll cannot be combined with media or a quote.", "poll")
        return None

    def _live(self, tid: str) -> dict[str, Any] | None:
        tweet = self.tweets.get(tid)
        return tweet if tweet and not tweet["deleted"] else None

    def _delete(self, tid: str) -> Response:
        tweet = self.tweets.get(tid)
        if tweet is None or tweet["author_id"] != USER["id"]:
            return _problem(404, "Not Found Error", f"Could not find tweet with id: [{tid}].",
                            PROBLEM + "resource-not-found", resource_type="tweet",
                            resource_id=tid, parameter="id", value=tid)
        tweet["deleted"] = True  # deleting twice still answers deleted: true, as X does
        return Response(200, {"data": {"deleted": True}})

    def public_metrics(self, tweet: dict[str, Any]) -> dict[str, int]:
        """The formula in the module docstring."""
        h = int(hashlib.sha256(tweet["id"].encode()).hexdigest()[:8], 16)
        age = int(self.audience_age(tweet["created"]))
        impressions = (age // 6) * (1 + h % 5)
        likes = impressions // (40 + h % 20)
        reposts = likes // 5
        return {"repost_count": reposts, "reply_count": likes // 8, "like_count": likes,
                "quote_count": reposts // 4, "bookmark_count": likes // 10,
                "impression_count": impressions}

    def _render(self, tweet: dict[str, Any], fields: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": tweet["id"], "text": tweet["text"],
                               "edit_history_post_ids": [tweet["id"]],
                               "edit_history_tweet_ids": [tweet["id"]]}
        if "created_at" in fields:
            out["created_at"] = _iso(tweet["created"])
        if "author_id" in fields:
            out["author_id"] = tweet["author_id"]
        if "conversation_id" in fields:
            out["conversation_id"] = tweet["conversation_id"]
        if "public_metrics" in fields:
            out["public_metrics"] = self.public_metrics(tweet)
        if tweet["reply_to"]:
            ref = [{"type": "replied_to", "id": tweet["reply_to"]}]
            if "in_reply_to_user_id" in fields:
                out["in_reply_to_user_id"] = USER["id"]
            for name in ("referenced_tweets", "referenced_posts"):
                if name in fields:
                    out[name] = ref
        if "attachments" in fields and tweet["media_ids"]:
            out["attachments"] = {"media_keys": [self.media[m]["media_key"]
                                                 for m in tweet["media_ids"]]}
        return out

    @staticmethod
    def _fields(req: Request) -> set[str]:
        # tweepy sends tweet.fields; X's current spec names it post.fields. Accept both.
        raw = ",".join(req.query.get("tweet.fields", []) + req.query.get("post.fields", []))
        return {f for f in raw.split(",") if f}

    def _lookup(self, req: Request) -> Response:
        ids = [i for i in (req.arg("ids") or "").split(",") if i]
        if not ids or len(ids) > 100:
            return _invalid("ids must name 1 to 100 posts.", "ids")
        fields = self._fields(req)
        data, errors = [], []
        for tid in ids:
            tweet = self._live(tid)
            if tweet is None:
                errors.append({"value": tid, "detail": f"Could not find tweet with ids: [{tid}].",
                               "title": "Not Found Error", "resource_type": "tweet",
                               "parameter": "ids", "resource_id": tid,
                               "type": PROBLEM + "resource-not-found"})
            else:
                data.append(self._render(tweet, fields))
        body: dict[str, Any] = {}
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        return Response(200, body)

    def _timeline(self, user_id: str, req: Request) -> Response:
        """GET /2/users/{id}/tweets: newest first, start_time/since_id/max_results honoured."""
        if user_id != USER["id"]:
            return _problem(404, "Not Found Error", f"Could not find user with id: [{user_id}].",
                            PROBLEM + "resource-not-found", resource_type="user",
                            resource_id=user_id, parameter="id", value=user_id)
        try:
            max_results = int(req.arg("max_results", "10") or 10)
        except ValueError:
            return _invalid("max_results must be an integer", "max_results")
        if not 5 <= max_results <= 100:
            return _invalid("max_results must be between 5 and 100", "max_results")
        start = _parse_iso(req.arg("start_time") or "") if req.arg("start_time") else None
        since_id = req.arg("since_id")
        tweets = sorted((t for t in self.tweets.values() if not t["deleted"]),
                        key=lambda t: int(t["id"]), reverse=True)
        if start is not None:
            tweets = [t for t in tweets if t["created"] >= start]
        if since_id:
            tweets = [t for t in tweets if int(t["id"]) > int(since_id)]
        token = req.arg("pagination_token")
        if token:  # our tokens are the id to continue below, in hex; X's are opaque
            try:
                below = int(token, 16)
            except ValueError:
                return _invalid("pagination_token is not valid.", "pagination_token")
            tweets = [t for t in tweets if int(t["id"]) < below]
        page = tweets[:max_results]
        fields = self._fields(req)
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if len(tweets) > max_results:
            meta["next_token"] = format(int(page[-1]["id"]), "x")
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = [self._render(t, fields) for t in page]
        return Response(200, body)

    # --- media -----------------------------------------------------------------------
    def _initialize(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            return _invalid("The request body must be a JSON object.")
        media_type, total = body.get("media_type"), body.get("total_bytes")
        category = body.get("media_category", "tweet_image")
        if media_type not in MEDIA_TYPES:
            return _invalid(f"media_type {media_type!r} is not supported.", "media_type")
        if category not in MEDIA_CATEGORIES:
            return _invalid(f"media_category {category!r} is not supported.", "media_category")
        if not isinstance(total, int) or total <= 0:
            return _invalid("total_bytes must be a positive integer.", "total_bytes")
        cap = MAX_BYTES.get(category, MAX_VIDEO_BYTES)
        if total > cap:
            return _invalid(f"total_bytes {total} exceeds the {category} limit of {cap}.",
                            "total_bytes")
        mid = str(next(self._media_ids))
        prefix = {"tweet_video": "7", "amplify_video": "13", "tweet_gif": "16"}.get(category, "3")
        self.media[mid] = {"id": mid, "media_key": f"{prefix}_{mid}", "type": media_type,
                           "category": category, "total_bytes": total, "chunks": {},
                           "state": "uploading", "polls": 0, "alt": None,
                           "created": self.clock()}
        return Response(200, {"data": {"id": mid, "media_key": f"{prefix}_{mid}",
                                       "expires_after_secs": 86400}})

    def _upload(self, mid: str) -> dict[str, Any] | None:
        return self.media.get(mid)

    def _append(self, mid: str, req: Request) -> Response:
        media = self._upload(mid)
        if media is None or media["state"] != "uploading":
            return _invalid(f"Media id {mid} is not an upload in progress.", "id")
        ctype = req.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data"):
            form = req.multipart()
            chunk, index = form.get("media"), form.get("segment_index", b"").decode()
        else:
            body = req.json() or {}

            chunk = base64.b64decode(body.get("media", "")) if body.get("media") else None
            index = str(body.get("segment_index", ""))
        if chunk is None:
            return _invalid("media is required.", "media")
        if not index.isdigit() or not 0 <= int(index) <= 999:
            return _invalid("segment_index must be between 0 and 999.", "segment_index")
        others = sum(len(c) for i, c in media["chunks"].items() if i != int(index))
        if others + len(chunk) > media["total_bytes"]:
            return _invalid("The uploaded bytes exceed total_bytes.", "media")
        media["chunks"][int(index)] = chunk  # a re-sent segment replaces the earlier one
        return Response(200, {"data": {"expires_at": int(media["created"] + 86400)}})

    def _finalize(self, mid: str) -> Response:
        media = self._upload(mid)
        if media is None or media["state"] != "uploading":
            return _invalid(f"Media id {mid} is not an upload in progress.", "id")
        order = sorted(media["chunks"])
        if order != list(range(len(order))):
            return _invalid("Segments are missing; append every segment_index from 0.", "id")
        data = b"".join(media["chunks"][i] for i in order)
        if len(data) != media["total_bytes"]:
            return _invalid(f"File size {len(data)} does not match total_bytes "
                            f"{media['total_bytes']}.", "id")
        media["size"] = len(data)
        media["valid"] = self._looks_valid(media["type"], data)
        media["chunks"] = {}  # keep memory small: only the size matters from here
        if media["category"] in ("tweet_video", "amplify_video", "tweet_gif"):
            media["state"] = "pending"  # videos and GIFs are processed asynchronously
        else:
            media["state"] = "succeeded" if media["valid"] else "failed"
            if not media["valid"]:
                return _invalid("Invalid or Unsupported media, Reason: UnsupportedMedia.",
                                "media")
        return Response(200, {"data": self._media_view(media)})

    @staticmethod
    def _looks_valid(media_type: str, data: bytes) -> bool:
        magic = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/gif": (b"GIF87a", b"GIF89a"),
                 "image/jpeg": (b"\xff\xd8\xff",)}
        if media_type in magic:
            return data.startswith(magic[media_type])
        if media_type in ("video/mp4", "video/quicktime"):
            return data[4:8] == b"ftyp"
        return True

    def _media_view(self, media: dict[str, Any]) -> dict[str, Any]:
        view: dict[str, Any] = {"id": media["id"], "media_key": media["media_key"],
                                "size": media["size"], "expires_after_secs": 86400}
        state = media["state"]
        if state in ("pending", "in_progress"):
            view["processing_info"] = {"state": state,
                                       "check_after_secs": 0 if state == "pending" else 1,
                                       "progress_percent": 0 if state == "pending" else 50}
        elif media["category"] in ("tweet_video", "amplify_video", "tweet_gif"):
            view["processing_info"] = {"state": state, "progress_percent": 100}
        if state == "succeeded":
            if media["type"].startswith("video/"):
                view["video"] = {"video_type": media["type"]}
            else:
                view["image"] = {"image_type": media["type"], "w": 1, "h": 1}
        return view

    def _status(self, req: Request) -> Response:
        mid = req.arg("media_id") or ""
        if (req.arg("command") or "STATUS") != "STATUS":
            return _invalid("command must be STATUS.", "command")
        media = self._upload(mid)
        if media is None or media["state"] == "uploading":
            return _invalid(f"Media id {mid} has not been finalized.", "media_id")
        # Each poll moves processing one step: pending -> in_progress -> succeeded|failed.
        if media["state"] == "pending":
            media["state"] = "in_progress"
        elif media["state"] == "in_progress":
            media["state"] = "succeeded" if media["valid"] else "failed"
        view = self._media_view(media)
        if media["state"] == "failed":
            # X adds error{code,name,message}; the spec's processing_info omits it, so the
            # details travel in the standard errors list instead.
            return Response(200, {"data": view, "errors": [{
                "title": "Invalid Request", "type": PROBLEM + "invalid-request",
                "detail": "Invalid or Unsupported media, Reason: UnsupportedMedia."}]})
        return Response(200, {"data": view})

    def _metadata(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or "id" not in body:
            return _invalid("id is required.", "id")
        media = self._upload(str(body["id"]))
        if media is None:
            return _invalid(f"Media id {body['id']} is not known.", "id")
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if alt is not None:
            if not isinstance(alt, str) or len(alt) > 1000:
                return _invalid("alt_text.text must be at most 1000 characters.",
                                "metadata.alt_text.text")
            media["alt"] = alt
        return Response(200, {"data": {"id": media["id"], "associated_metadata":
                                       body.get("metadata") or {}}})

    # --- for `campaignctl sandbox posts` -------------------------------------------
    def posts(self) -> list[dict[str, Any]]:
        """Every stored post, oldest first, with its media and current metrics."""
        out = []
        for tweet in sorted(self.tweets.values(), key=lambda t: int(t["id"])):
            out.append({
                "id": tweet["id"], "ids": [tweet["id"]], "text": tweet["text"],
                "url": f"https://x.com/{USER['username']}/status/{tweet['id']}",
                "created_at": _iso(tweet["created"]), "deleted": tweet["deleted"],
                "in_reply_to": tweet["reply_to"], "quote_tweet_id": tweet["quote"],
                "poll": tweet["poll"], "reply_settings": tweet["reply_settings"],
                "media": [{"id": m, "type": self.media[m]["type"],
                           "category": self.media[m]["category"],
                           "size": self.media[m].get("size"), "alt": self.media[m]["alt"]}
                          for m in tweet["media_ids"]],
                "public_metrics": self.public_metrics(tweet),
            })
        return out
