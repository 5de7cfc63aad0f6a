"""YouTube through google-api-python-client: resumable upload, thumbnail, statistics.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.

Credentials (channels.yaml references): ``client_id``, ``client_secret``, ``refresh_token``
and optionally ``access_token``. Access tokens are refreshed by google-auth against
``{base}/token`` in the sandbox or https://oauth2.googleapis.com/token for real; a refreshed
token is saved in the token store so the next run reuses it.

Defaults worth knowing: ``privacy`` is "private" unless the post says otherwise (uploads
from API projects that have not passed Google's audit are forced to private anyway, so a
"public" default would only mislead), ``category`` "22" (People & Blogs), ``made_for_kids``
False. The video description is the rendered text (``post.parts[0]``); the title is
``options.title``, else the first line of the text cut to 100 characters.

Account options: ``chunk_size`` (bytes per upload PUT, a multiple of 256 KiB; default 8 MiB),
``notify_subscribers`` (default true), ``token_uri`` (override the OAuth endpoint).
"""

from __future__ import annotations

import http.client
import json
import mimetypes
import os
import threading
import webbrowser
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..errors import (
    AuthError,
    ChannelError,
    ConfigError,
    CredentialError,
    RateLimited,
    Rejected,
    TransientError,
    UnknownOutcome,
)
from ..i18n import t
from ..models import Metrics, Published, RenderedPost
from .base import Channel, CheckReport, Limits, Progress
from .oauth import run_browser_flow

if TYPE_CHECKING:
    from google.oauth2.credentials import Credentials

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SCOPES = ("https://www.googleapis.com/auth/youtube.upload",
          "https://www.googleapis.com/auth/youtube")
# Scopes with which videos.insert is allowed (discovery doc, videos.insert "scopes").
UPLOAD_SCOPES = frozenset({
    "https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube",
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/youtubepartner"})
CHUNK_MULTIPLE = 256 * 1024
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
PACIFIC = "America/Los_Angeles"
_BUILD_LOCK = threading.Lock()


def next_pacific_midnight(now: datetime) -> datetime:
    """When YouTube's daily quota resets: the next midnight in America/Los_Angeles (UTC)."""
    local = now.astimezone(ZoneInfo(PACIFIC))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                tzinfo=ZoneInfo(PACIFIC))
    return midnight.astimezone(timezone.utc)


def _rewriting_http_class() -> type:
    """An httplib2.Http that sends the client's https upload URLs to a plain-http base.

    google-api-python-client rewrites only the netloc of media upload URLs when
    ``api_endpoint`` is overridden, so uploads would go to ``https://127.0.0.1:P/upload/..``
    (no TLS there, and without the ``/youtube`` path prefix). Built lazily so that importing
    this module never imports httplib2.
    """
    import httplib2

    class RewritingHttp(httplib2.Http):
        def __init__(self, base_url: str, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            # 308 is "resume incomplete" in Google's upload protocol, not a redirect
            # (googleapiclient.http.build_http does the same).
            self.redirect_codes = self.redirect_codes - {308}
            split = urlsplit(base_url)
            self._from = f"https://{split.netloc}/" if split.scheme == "http" else None
            self._to = base_url.rstrip("/") + "/"

        def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
            if self._from and uri.startswith(self._from) and not uri.startswith(self._to):
                uri = self._to + uri[len(self._from):]
            return super().request(uri, method, *args, **kwargs)

    return RewritingHttp


class YouTubeChannel(Channel):
    platform = "youtube"
    default_base_url = "https://youtube.googleapis.com"
    limits: ClassVar[Limits] = Limits(
        text_max=5000, text_counter="bytes", max_videos=1, requires_video=True,
        max_video_seconds=12 * 3600, max_video_seconds_unverified=15 * 60,
        # videos.insert takes up to 256 GiB; thumbnails.set 2 MB (MB = 1024 * 1024 bytes).
        max_video_bytes=256 * 1024 ** 3, max_thumbnail_bytes=2 * 1024 * 1024,
        requests_per_window=100, window_seconds=86400, max_concurrency=2, metrics_batch=50,
        option_fields=("title", "description", "tags", "category", "privacy", "publish_at",
                       "made_for_kids", "thumbnail", "default_language"),
    )
    default_chunk_size: ClassVar[int] = 8 * 1024 * 1024

    _creds: "Credentials | None" = None
    _local: threading.local | None = None

    # --- plumbing --------------------------------------------------------------------
    @property
    def token_uri(self) -> str:
        """The OAuth token endpoint: Google's for the real API, ``{base}/token`` elsewhere."""
        if self.account.options.get("token_uri"):
            return str(self.account.options["token_uri"])
        if self.base_url == self.default_base_url:
            return GOOGLE_TOKEN_URI
        return f"{self.base_url}/token"

    def _credentials(self) -> "Credentials":
        from google.oauth2.credentials import Credentials

        access = self.secrets.get(self.account, "access_token")
        expiry = None  # known for tokens we refreshed ourselves: skip a doomed first call
        stored = self.secrets.tokens.get(self.account.name, "access_token_expiry") \
            if self.secrets.tokens is not None else None
        if stored:
            # google-auth compares expiry as naive UTC
            expiry = datetime.fromisoformat(stored).astimezone(timezone.utc).replace(tzinfo=None)
        return Credentials(
            token=access.reveal() if access else None, expiry=expiry,
            refresh_token=self.secrets.require(self.account, "refresh_token").reveal(),
            token_uri=self.token_uri,
            client_id=self.secrets.require(self.account, "client_id").reveal(),
            client_secret=self.secrets.require(self.account, "client_secret").reveal(),
        )

    def _service(self) -> Any:
        """The discovery client for this thread (httplib2 connections are not thread-safe;
        the publisher may call one channel from several threads). Credentials are shared."""
        with _BUILD_LOCK:
            if self._local is None:
                self._local = threading.local()
            if self._creds is None:
                self._creds = self._credentials()
                self._first_token = self._creds.token
        local = self._local
        if getattr(local, "service", None) is None:
            import google_auth_httplib2
            from googleapiclient.discovery import build

            local.http = _rewriting_http_class()(self.base_url, timeout=self.timeout)
            authed = google_auth_httplib2.AuthorizedHttp(self._creds, http=local.http)
            local.service = build(
                "youtube", "v3", http=authed, static_discovery=True, cache_discovery=False,
                client_options={"api_endpoint": self.base_url + "/"})
        return local.service

    def _save_tokens(self) -> None:
        """Keep a refreshed access token so the next run need not refresh again."""
        creds = self._creds
        if creds is None or self.secrets.tokens is None or not creds.token:
            return
        if creds.token == getattr(self, "_first_token", None):
            return
        values = {"access_token": creds.token}
        if creds.expiry:
            values["access_token_expiry"] = creds.expiry.replace(tzinfo=timezone.utc).isoformat()
        self.secrets.tokens.put(self.account.name, values)
        self._first_token = creds.token

    def _call(self, request: Any, *, may_apply: bool = False) -> Any:
        """Execute one API request with no client-side retries; map every failure."""
        try:
            return request.execute(num_retries=0)
        except Exception as exc:
            raise self._fail(exc, may_apply=may_apply) from _cause(exc)
        finally:
            self._save_tokens()

    def _fail(self, exc: BaseException, *, may_apply: bool = False) -> ChannelError:
        """Translate an SDK or network failure into the campaignctl error taxonomy."""
        import httplib2
        from google.auth import exceptions as gauth
        from googleapiclient.errors import HttpError

        if isinstance(exc, ChannelError):
            return exc
        login = t("run `campaignctl channels login {name}`", name=self.name)
        if isinstance(exc, gauth.RefreshError):
            code = _refresh_code(exc)
            if getattr(exc, "retryable", False):
                # A 5xx/429 from the token endpoint (google-auth has already tried it three
                # times; a refresh is idempotent, so that is harmless).
                return TransientError(
                    t("the OAuth token endpoint is unavailable ({code})", code=code),
                    t("try again later"), channel=self.name, platform_code=code)
            return AuthError(t("YouTube refused to refresh the access token ({code})", code=code),
                             login, channel=self.name, platform_code=code)
        if isinstance(exc, HttpError):
            return self._http_error(exc, login)
        if isinstance(exc, gauth.TransportError):
            return TransientError(
                t("could not reach the OAuth token endpoint ({kind})", kind=type(exc).__name__),
                t("check the network and try again"), channel=self.name)
        if isinstance(exc, ConnectionRefusedError):
            return TransientError(t("YouTube refused the connection at {url}", url=self.base_url),
                                  t("check the network (or start `campaignctl sandbox`) and "
                                    "try again"), channel=self.name)
        if isinstance(exc, (OSError, httplib2.HttpLib2Error, http.client.HTTPException)):
            what = type(exc).__name__
            if may_apply:
                return UnknownOutcome(
                    t("the connection to YouTube was lost after the upload was sent ({what}); "
                      "the video may exist", what=what),
                    t("reconcile before retrying: the publisher looks for the video with "
                      "find_recent"), channel=self.name)
            return TransientError(t("the connection to YouTube failed ({what})", what=what),
                                  t("try again later"), channel=self.name)
        raise exc  # a programming error: let it surface with its traceback

    def _http_error(self, exc: Any, login: str) -> ChannelError:
        status = int(exc.status_code)
        reason, message = _google_reason(exc)
        kw = {"channel": self.name, "status": status, "platform_code": reason or None}
        if status == 401:
            return AuthError(t("YouTube rejected the access token: {message}", message=message),
                             login, **kw)
        if reason == "quotaExceeded":
            return RateLimited(
                t("the YouTube API quota for today is used up: {message}", message=message),
                t("it resets at midnight Pacific time; ask Google for more quota if this "
                  "repeats"), retry_at=next_pacific_midnight(self.clock()), **kw)
        if status == 429 or reason in RATE_REASONS:
            return RateLimited(t("YouTube asks to slow down: {message}", message=message),
                               t("campaignctl retries after the time YouTube gives"),
                               retry_at=self._retry_after(exc), **kw)
        if status >= 500:
            return TransientError(t("YouTube had a server error ({status}): {message}",
                                    status=status, message=message),
                                  t("try again later"), **kw)
        if reason in ("insufficientPermissions", "forbidden") and status == 403:
            return AuthError(t("the YouTube credential may not do this: {message}",
                               message=message), login, **kw)
        if reason == "uploadLimitExceeded":
            return Rejected(t("YouTube refused the upload: {message}", message=message),
                            t("the channel has reached its daily upload limit; try again in "
                              "24 hours"), **kw)
        return Rejected(t("YouTube refused the request: {message}", message=message),
                        t("fix the post (title, description, tags, privacy or publish_at) "
                          "and publish again"), **kw)

    def _retry_after(self, exc: Any) -> datetime:
        """retry_at from the Retry-After header (seconds or an HTTP date); else a minute."""
        raw = (exc.resp.get("retry-after") or "").strip()
        now = self.clock()
        if raw.isdigit():
            return now + timedelta(seconds=int(raw))
        if raw:
            try:
                return parsedate_to_datetime(raw).astimezone(timezone.utc)
            except (TypeError, ValueError):
                pass
        return now + timedelta(seconds=60)

    # --- publishing ----------------------------------------------------------------------
    def _chunk_size(self) -> int:
        size = int(self.account.options.get("chunk_size", self.default_chunk_size))
        if size <= 0 or size % CHUNK_MULTIPLE:
            raise ConfigError(
                t("channels.{name}.options.chunk_size must be a positive multiple of 262144 "
                  "(256 KiB)", name=self.name),
                t("use e.g. 8388608 (8 MiB)"))
        return size

    @staticmethod
    def title_for(post: RenderedPost) -> str:
        """The video title: options.title, else the text's first line cut to 100 characters."""
        title = post.options.get("title")
        if title:
            return str(title).strip()
        first = next((line for line in (post.parts[0] if post.parts else "").splitlines()
                      if line.strip()), "")
        return first.strip()[:100]

    @staticmethod
    def description_for(post: RenderedPost) -> str:
        """The video description: the rendered text, else options.description."""
        text = post.parts[0] if post.parts else ""
        return text or str(post.options.get("description") or "")

    def video_body(self, post: RenderedPost) -> dict[str, Any]:
        """The Video resource sent with videos.insert (snippet and status)."""
        opts = post.options
        tags = opts.get("tags") or []
        if isinstance(tags, str):
            tags = [tag.strip() for tag in tags.split(",") if tag.strip()]
        snippet: dict[str, Any] = {"title": self.title_for(post),
                                   "description": self.description_for(post),
                                   "categoryId": str(opts.get("category", "22"))}
        if tags:
            snippet["tags"] = [str(tag) for tag in tags]
        if opts.get("default_language"):
            snippet["defaultLanguage"] = str(opts["default_language"])
        status: dict[str, Any] = {"privacyStatus": str(opts.get("privacy", "private")),
                                  "selfDeclaredMadeForKids": _flag(opts.get("made_for_kids"))}
        if opts.get("publish_at"):
            status["publishAt"] = _rfc3339(opts["publish_at"], post.at.tzinfo)
        return {"snippet": snippet, "status": status}

    def publish(self, post: RenderedPost, progress: Progress | None = None) -> Published:
        """Upload the post's video (resumable), then set the thumbnail if one is given."""
        from googleapiclient.http import MediaFileUpload

        video = next((m for m in post.media if m.kind == "video"
                      or (m.kind is None and (m.mime or "").startswith("video/"))), None)
        if video is None:
            raise Rejected(t("a YouTube post needs a video"),
                           t("add a video file under media: for this post"), channel=self.name)
        if not Path(video.path).is_file():
            raise Rejected(t("the video file {path} does not exist", path=str(video.path)),
                           t("fix the media path in the campaign"), channel=self.name)
        chunk = self._chunk_size()
        service = self._service()
        media = MediaFileUpload(str(video.path), mimetype=video.mime or "video/mp4",
                                chunksize=chunk, resumable=True)
        total = media.size()
        request = service.videos().insert(
            part="snippet,status", body=self.video_body(post), media_body=media,
            notifySubscribers=_flag(self.account.options.get("notify_subscribers", True)))
        response = None
        try:
            while response is None:
                sent = request.resumable_progress
                try:
                    status, response = request.next_chunk(num_retries=0)
                except Exception as exc:
                    # Only a PUT that carries the last byte can create the video; a failed
                    # session start or a middle chunk leaves nothing behind.
                    final = request.resumable_uri is not None and sent + chunk >= total
                    raise self._fail(exc, may_apply=final) from _cause(exc)
                if progress is not None:
                    progress(status.resumable_progress if status else total, total)
        finally:
            self._save_tokens()
        video_id = response["id"]
        returned = (response.get("status") or {}).get("privacyStatus")
        extra: dict[str, Any] = {"privacy": returned,
                                 "upload_status": (response.get("status") or {}).get(
                                     "uploadStatus")}
        wanted = self.video_body(post)["status"]["privacyStatus"]
        if returned and returned != wanted:
            extra["privacy_note"] = t(
                "YouTube set the video to {got} instead of {wanted} (unaudited API projects "
                "upload as private)", got=returned, wanted=wanted)
        if post.options.get("thumbnail"):
            extra.update(self._set_thumbnail(video_id, Path(str(post.options["thumbnail"]))))
        return Published(video_id, f"https://www.youtube.com/watch?v={video_id}", [video_id],
                         extra)

    def _set_thumbnail(self, video_id: str, path: Path) -> dict[str, Any]:
        """Set a custom thumbnail; a failure is noted, never raised: the video is already up."""
        from googleapiclient.http import MediaFileUpload

        if not path.is_file():
            return {"thumbnail_error": t("thumbnail file {path} not found", path=str(path))}
        mime = mimetypes.guess_type(path.name)[0] or "image/png"
        request = self._service().thumbnails().set(
            videoId=video_id, media_body=MediaFileUpload(str(path), mimetype=mime,
                                                         resumable=False))
        try:
            self._call(request)
        except ChannelError as exc:
            return {"thumbnail_error": exc.message}
        return {"thumbnail": True}

    def delete(self, published: Published) -> None:
        """Delete the video; one that is already gone counts as deleted."""
        try:
            self._call(self._service().videos().delete(id=published.platform_id))
        except Rejected as exc:
            if exc.status == 404:
                return
            raise

    # --- reading -------------------------------------------------------------------------
    def metrics(self, published: list[Published]) -> list[Metrics]:
        """Statistics per video, up to 50 ids a call; a missing video gives a gap."""
        found: dict[str, Metrics] = {}
        batch = self.limits.metrics_batch
        ids = [p.platform_id for p in published]
        for start in range(0, len(ids), batch):
            chunk = list(dict.fromkeys(ids[start:start + batch]))
            try:
                reply = self._call(self._service().videos().list(part="statistics",
                                                                 id=",".join(chunk)))
            except (AuthError, Rejected) as exc:
                if exc.status in (403, 404):  # the video is not ours, or is private to others
                    for vid in chunk:
                        found[vid] = Metrics(vid, gap=t("no permission: {msg}", msg=exc.message))
                    continue
                raise
            for item in reply.get("items", []):
                stats = item.get("statistics") or {}
                values = {_snake(k): int(v) for k, v in stats.items()
                          if isinstance(v, str) and v.isdigit()}
                found[item["id"]] = Metrics(item["id"], values)
        return [found.get(vid) or Metrics(vid, gap=t("not found")) for vid in ids]

    def find_recent(self, post: RenderedPost, since: datetime) -> Published | None:
        """Look through the channel's uploads playlist for this title and description."""
        service = self._service()
        channels = self._call(service.channels().list(part="contentDetails", mine=True))
        items = channels.get("items") or []
        if not items:
            return None
        uploads = items[0]["contentDetails"]["relatedPlaylists"]["uploads"]
        reply = self._call(service.playlistItems().list(part="snippet", playlistId=uploads,
                                                        maxResults=50))
        title, description = self.title_for(post), self.description_for(post)
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        since = since.replace(microsecond=0)  # publishedAt has whole seconds
        for item in reply.get("items", []):
            snippet = item.get("snippet") or {}
            published_at = _parse_time(snippet.get("publishedAt"))
            if published_at is None or published_at < since:
                continue
            if snippet.get("title") == title and snippet.get("description") == description:
                vid = snippet["resourceId"]["videoId"]
                return Published(vid, f"https://www.youtube.com/watch?v={vid}", [vid],
                                 {"found_by": "find_recent"})
        return None

    def check(self) -> CheckReport:
        """Refresh the token and read the channel: say whether this account can upload."""
        import google_auth_httplib2

        from google.oauth2 import _client

        service = self._service()
        creds = self._creds
        try:
            # The refresh itself proves the refresh token; its reply says which scopes the
            # person granted (Credentials.refresh records them only when scopes were asked
            # for, and asking for ones not granted fails with invalid_scope).
            token, _, expiry, grant = _client.refresh_grant(
                google_auth_httplib2.Request(self._local.http), creds.token_uri,
                creds.refresh_token, creds.client_id, creds.client_secret)
        except Exception as exc:
            raise self._fail(exc) from None
        creds.token, creds.expiry = token, expiry
        self._save_tokens()
        reply = self._call(service.channels().list(part="snippet,status", mine=True))
        items = reply.get("items") or []
        expiry = self._creds.expiry.replace(tzinfo=timezone.utc).isoformat() \
            if self._creds.expiry else None
        granted = set(str(grant.get("scope") or "").split())
        details: dict[str, Any] = {"token_expiry": expiry, "scopes": sorted(granted)}
        if not items:
            return CheckReport(False, t("{name}: the Google account has no YouTube channel — "
                                        "create one on youtube.com", name=self.name), details)
        channel = items[0]
        title = channel["snippet"]["title"]
        details.update({"channel_id": channel["id"], "channel_title": title,
                        "long_uploads": (channel.get("status") or {}).get("longUploadsStatus")})
        if granted and not granted & UPLOAD_SCOPES:
            return CheckReport(False, t("{name}: channel {title}, cannot upload (the token "
                                        "lacks the youtube.upload scope) — run `campaignctl "
                                        "channels login {name}`", name=self.name, title=title),
                               details)
        return CheckReport(True, t("{name}: channel {title}, can upload (default privacy "
                                   "private; unverified projects upload as private)",
                                   name=self.name, title=title), details)

    def login(self, *, open_url: Callable[[str], Any] | None = None, timeout: float = 300.0,
              port: int | None = None, **_: Any) -> None:
        """Google's installed-app consent in the browser (PKCE); store the refresh token.

        google-auth-oauthlib's Flow builds the consent URL and exchanges the code; the
        redirect is caught by our loopback receiver (channels/oauth.py), which has a timeout
        and turns refusals into AuthError instead of printing to stdout like
        run_local_server does."""
        from google_auth_oauthlib.flow import Flow

        if self.secrets.tokens is None:
            raise CredentialError(t("no token store to keep the YouTube login in"),
                                  t("run the command inside a campaignctl workspace"))
        real = self.base_url == self.default_base_url
        config = {"installed": {
            "client_id": self.secrets.require(self.account, "client_id").reveal(),
            "client_secret": self.secrets.require(self.account, "client_secret").reveal(),
            "auth_uri": GOOGLE_AUTH_URI if real else f"{self.base_url}/o/oauth2/auth",
            "token_uri": self.token_uri,
            "redirect_uris": ["http://127.0.0.1"]}}
        if self.token_uri.startswith("http://127.0.0.1"):
            # oauthlib refuses plain http; the sandbox's token endpoint is loopback only.
            os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
        flow = Flow.from_client_config(config, scopes=list(SCOPES), autogenerate_code_verifier=True)

        def consent_url(redirect_uri: str, state: str) -> str:
            flow.redirect_uri = redirect_uri
            url, _ = flow.authorization_url(state=state, access_type="offline", prompt="consent")
            return url

        code, _ = run_browser_flow(consent_url, open_url=open_url or webbrowser.open,
                                   timeout=timeout, platform="YouTube", account=self.name,
                                   port=port or int(self.account.options.get("redirect_port", 0)),
                                   path="/")
        try:
            flow.fetch_token(code=code)
        except Exception as exc:  # oauthlib's errors may quote the request: keep them out
            raise AuthError(
                t("Google refused the YouTube login code ({reason})", reason=type(exc).__name__),
                t("run `campaignctl channels login {name}` again", name=self.name),
                channel=self.name, platform_code="login-refused") from None
        creds = flow.credentials
        values = {"refresh_token": creds.refresh_token or "", "access_token": creds.token or ""}
        self.secrets.tokens.put(self.account.name, {k: v for k, v in values.items() if v})


def _cause(exc: BaseException) -> BaseException | None:
    """Keep the SDK error as the cause, except auth errors whose bodies are not ours."""
    from google.auth import exceptions as gauth

    return None if isinstance(exc, gauth.GoogleAuthError) else exc


def _google_reason(exc: Any) -> tuple[str, str]:
    """(reason, message) from Google's error JSON; the reply never echoes tokens."""
    reason, message = "", str(getattr(exc, "reason", "") or "")
    try:
        data = json.loads(exc.content.decode("utf-8"))
        error = data.get("error") or {}
        message = str(error.get("message") or message)
        errors = error.get("errors") or []
        if errors:
            reason = str(errors[0].get("reason") or "")
    except (ValueError, AttributeError, TypeError):
        pass
    return reason, message or f"HTTP {exc.status_code}"


def _refresh_code(exc: BaseException) -> str:
    """The OAuth error code (e.g. invalid_grant) of a RefreshError, without any token."""
    for arg in getattr(exc, "args", ()):
        if isinstance(arg, dict) and isinstance(arg.get("error"), str):
            return arg["error"]
    text = str(exc.args[0]) if getattr(exc, "args", None) else ""
    head = text.split(":", 1)[0].strip()
    return head if head.replace("_", "").isalpha() else "refresh_failed"


def _flag(value: Any) -> bool:
    """A yes/no option that may arrive rendered as text ("false", "yes")."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _snake(name: str) -> str:
    """viewCount -> views, likeCount -> likes, ... (the report's column names)."""
    return {"viewCount": "views", "likeCount": "likes", "favoriteCount": "favorites",
            "commentCount": "comments", "dislikeCount": "dislikes"}.get(name, name)


def _rfc3339(value: Any, local: Any = None) -> str:
    """publish_at as RFC 3339 UTC; a time without an offset is in ``local`` (the post's zone)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value  # let YouTube refuse it with its own message
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=local or timezone.utc)
        return aware.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return _rfc3339(datetime.combine(value, datetime.min.time()), local)
    return str(value)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
