"""Facebook Pages through facebook-sdk, always with an explicit Graph API version.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.

facebook-sdk 3.1.0 only knows Graph v2.8-v3.1 in ``GraphAPI(version=)`` and its helpers
(put_object, put_photo, ...) call v2.8, so every call here goes through
``graph.request(f"{version}/{path}")`` with the account's version (``options.graph_version``,
default ``DEFAULT_GRAPH_VERSION``). The SDK is pointed at ``self.base_url`` by a
``requests.Session`` that rewrites the Graph host, so several accounts (and the sandbox)
can live in one process without touching the SDK's module global.

Credentials: ``page_access_token`` (secret) and ``options.page_id`` (not secret). A Page
token made from a long-lived user token does not expire and Graph has no refresh call for
it, so there is nothing to store in the token store: an expired token is an AuthError.

``login()`` gets that Page token: Facebook Login's dialog in the browser over a loopback
redirect (channels/oauth.py; credentials ``app_id`` and ``app_secret``), or a short-lived user
token the user pastes (``user_token=``, e.g. from the Graph API Explorer); then the long-lived
exchange and ``/me/accounts``. Only the Page token is stored; the user tokens are dropped.

Videos go through Graph's legacy resumable upload on the video host (API-NOTES.md section 2,
Videos): ``upload_phase=start`` (file_size), then ``transfer`` of each byte range Graph names
(``start_offset``..``end_offset``, read from the file one chunk at a time), then ``finish``
with the description. These are plain ``requests`` POSTs on the same session as the SDK's
calls; Graph's answers go through the same error mapping. Only ``finish`` makes anything
visible, so only a lost answer to it is an UnknownOutcome.
"""

from __future__ import annotations

import json
import threading
import time
import webbrowser
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from ..errors import (AuthError, ChannelError, ConfigError, CredentialError, NotSupported,
                      RateLimited, Rejected, TransientError, UnknownOutcome)
from ..i18n import t
from ..models import Account, Media, Metrics, Published, RenderedPost
from .base import Channel, CheckReport, Limits, Progress
from .oauth import run_browser_flow

if TYPE_CHECKING:
    from .credentials import SecretSource

DEFAULT_GRAPH_VERSION = "v24.0"
DIALOG_URL = "https://www.facebook.com"  # the Login dialog's host (Graph is another)
# read_insights: Page post insights (reach) need it besides pages_read_engagement.
LOGIN_SCOPES = ("pages_show_list", "pages_manage_posts", "pages_read_engagement",
                "read_insights")
GRAPH_URL = "https://graph.facebook.com/"  # what facebook-sdk prepends to every path
VIDEO_URL = "https://graph-video.facebook.com"  # Graph's host for video uploads
METRIC_FIELDS = "shares,reactions.summary(total_count).limit(0),comments.summary(true).limit(0)"
# Reach = unique viewers of a post, from Page post insights, newest metric first. Meta
# deprecated post_impressions_unique "for all API versions" with post_total_media_view_unique
# as its alternative (deprecated-metrics page, updated 2 Mar 2026, and the insights reference:
# "by June 15, 2026"), after the Nov 15 2025 round that replaced post_impressions with
# post_media_view (a count of views, not of people, so not reach here). Graph answers #100 for
# a deprecated metric, so the older one stays as a fallback for Graph deployments that still
# answer it. Sources:
#   https://developers.facebook.com/documentation/pages-api/platforminsights/page/deprecated-metrics
#   https://developers.facebook.com/docs/graph-api/reference/insights
#   https://developers.facebook.com/docs/pages-api/changelog/
#   https://developers.facebook.com/blog/post/2025/08/15/page-insights-api-updates/
REACH_METRICS = ("post_total_media_view_unique", "post_impressions_unique")
DEFAULT_RETRY_SECONDS = 15 * 60  # when a rate-limit answer says nothing about regaining access
# A failed chunk of a video upload is sent again after these pauses (Graph keys a chunk by its
# offset, so a resend is harmless); then the error goes to the publisher.
CHUNK_RETRY_DELAYS = (1.0, 2.0, 4.0)
# Graph's 6001/1363037 "problem uploading your video" carries in ``error_data`` the offsets it
# expects next: after a lost transfer answer, the upload goes on from there.
RESUME_SUBCODE = 1363037

RATE_LIMIT_CODES = {4, 17, 32, 613} | set(range(80000, 80015))
TRANSIENT_CODES = {1, 2}
AUTH_CODES = {102, 104, 190}
PERMISSION_CODES = {10} | set(range(200, 300))
TOKEN_SUBCODES = {
    458: "the app is not installed",
    459: "the user is checkpointed",
    460: "the password was changed",
    463: "the token has expired",
    464: "the user is unconfirmed",
    467: "the token was invalidated (logged out)",
    492: "the session is invalid",
}


def _token_dead(exc: ChannelError) -> bool:
    """The Page token itself is refused (not one post or one permission): stop measuring."""
    return bool(exc.platform_code) and str(exc.platform_code).split("/")[0] in ("190", "102",
                                                                                 "104")


def _session_class() -> type:
    import requests

    class GraphSession(requests.Session):
        """Sends the SDK's graph.facebook.com calls to ``base`` and remembers each response
        (per thread) so rate-limit headers can be read after the SDK has parsed the body."""

        def __init__(self, base: str) -> None:
            super().__init__()
            self.base = base.rstrip("/") + "/"
            self.local = threading.local()

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith(GRAPH_URL):
                url = self.base + url[len(GRAPH_URL):]
            self.local.response = None
            response = super().request(method, url, *args, **kwargs)
            self.local.response = response
            return response

    return GraphSession


class FacebookChannel(Channel):
    platform = "facebook"
    default_base_url = "https://graph.facebook.com"
    limits: ClassVar[Limits] = Limits(
        text_max=63206, text_counter="chars", max_images=10, max_videos=1,
        max_video_seconds=4 * 3600,  # resumable upload
        # MB = 1024 * 1024 bytes. Photos: "keep files under 4 MB" is a recommendation (a
        # warning); 10 MB is the Photo reference's hard limit (as in the sandbox). Videos:
        # 10 GB through the resumable upload.
        image_bytes_warn=4 * 1024 * 1024, max_image_bytes=10 * 1024 * 1024,
        max_video_bytes=10 * 1024 ** 3,
        requests_per_window=200, window_seconds=3600, max_concurrency=4, metrics_batch=50,
        option_fields=("link", "published"),
    )

    def __init__(self, account: Account, secrets: SecretSource, *, base_url: str | None = None,
                 timeout: float = 30.0, clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        super().__init__(account, secrets, base_url=base_url, timeout=timeout, clock=clock)
        self._sessions: dict[bool, Any] = {}  # built on first use: no SDK import here
        self.sleep = sleep or time.sleep  # between retries of a video chunk

    # --- plumbing --------------------------------------------------------------------
    @property
    def version(self) -> str:
        """The Graph version in every path, e.g. "v24.0"."""
        value = str(self.account.options.get("graph_version") or DEFAULT_GRAPH_VERSION)
        return value if value.startswith("v") else f"v{value}"

    @property
    def page_id(self) -> str:
        """The Page this account posts as (from channels.yaml options)."""
        page_id = self.account.options.get("page_id")
        if not page_id:
            raise ConfigError(
                t("account {name} has no Facebook page_id", name=self.name),
                t("add `page_id: \"<numeric id>\"` under channels.{name}.options in "
                  "channels.yaml", name=self.name))
        return str(page_id)

    def _session(self, video: bool = False) -> Any:
        if video not in self._sessions:
            base = self.base_url
            if video and base == self.default_base_url:
                base = VIDEO_URL
            self._sessions[video] = _session_class()(base)
        return self._sessions[video]

    def _call(self, path: str, *, args: dict[str, Any] | None = None,
              post_args: dict[str, Any] | None = None, files: dict[str, Any] | None = None,
              method: str | None = None, video: bool = False, applies: bool = True) -> Any:
        """One Graph call, with every failure turned into a ChannelError.

        ``applies`` says whether a dropped connection may have changed something visible
        (a published post): then the outcome is unknown, otherwise the call is retryable."""
        import facebook
        import requests

        session = self._session(video)
        token = self.secrets.require(self.account, "page_access_token")
        graph = facebook.GraphAPI(access_token=token.reveal(), timeout=self.timeout,
                                  session=session)
        verb = method or ("POST" if post_args is not None else "GET")
        try:
            return graph.request(f"{self.version}/{path}", args=args, post_args=post_args,
                                 files=files, method=method)
        except facebook.GraphAPIError as exc:
            response = getattr(session.local, "response", None)
            raise self._graph_error(exc, response) from None
        except requests.RequestException as exc:
            raise self._network_error(exc, verb, applies) from None
        except (KeyError, ValueError):
            # facebook-sdk raises KeyError without a Content-Type and ValueError on bad JSON.
            response = getattr(session.local, "response", None)
            status = getattr(response, "status_code", None)
            raise TransientError(
                t("Facebook sent an unreadable answer (HTTP {status})", status=status),
                t("try again later"), channel=self.name, status=status) from None

    def _network_error(self, exc: Exception, verb: str, applies: bool) -> ChannelError:
        import requests
        import urllib3

        reason: Any = exc.args[0] if exc.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError):
            reason = reason.reason
        never_sent = isinstance(exc, requests.ConnectTimeout) or isinstance(
            reason, (urllib3.exceptions.NewConnectionError,
                     urllib3.exceptions.ConnectTimeoutError))
        # The exception text holds the URL, and GET URLs carry the token: name the type only.
        what = type(exc).__name__
        if verb == "POST" and applies and not never_sent:
            return UnknownOutcome(
                t("the connection to Facebook broke after the request was sent ({what}); "
                  "the post may have been published", what=what),
                t("reconcile before publishing again: campaignctl looks for the post on the "
                  "Page"), channel=self.name)
        return TransientError(
            t("could not reach Facebook at {url} ({what})", url=self.base_url, what=what),
            t("check the network (or that `campaignctl sandbox` runs) and try again"),
            channel=self.name)

    def _retry_at(self, response: Any) -> datetime:
        minutes = None
        raw = response.headers.get("X-Business-Use-Case-Usage") if response is not None else None
        if raw:
            try:
                for entries in json.loads(raw).values():
                    for entry in entries:
                        value = entry.get("estimated_time_to_regain_access")
                        if value is not None:
                            minutes = max(minutes or 0, int(value))
            except (ValueError, AttributeError, TypeError):
                minutes = None
        seconds = minutes * 60 if minutes else DEFAULT_RETRY_SECONDS
        return self.clock() + timedelta(seconds=seconds)

    def _graph_error(self, exc: Any, response: Any) -> ChannelError:
        """Map a facebook.GraphAPIError (code from ``exc.result``) into our taxonomy."""
        result = exc.result if isinstance(exc.result, dict) else {}
        error = result.get("error") if isinstance(result.get("error"), dict) else {}
        code = error.get("code")
        subcode = error.get("error_subcode")
        status = getattr(response, "status_code", None)
        message = str(error.get("error_user_msg") or error.get("message") or exc.message)
        platform_code = f"{code}/{subcode}" if subcode else (str(code) if code else None)
        kw = {"channel": self.name, "status": status, "platform_code": platform_code}
        if code in AUTH_CODES:
            why = TOKEN_SUBCODES.get(subcode, t("the token is not valid"))
            return AuthError(
                t("Facebook refused the Page token: {why} ({message})", why=why,
                  message=message),
                t("run `campaignctl channels login {name}` to get a new Page token",
                  name=self.name), **kw)
        if code in PERMISSION_CODES:
            return AuthError(
                t("the Page token lacks a permission Facebook needs: {message}",
                  message=message),
                t("log in again with pages_manage_posts and pages_read_engagement: "
                  "`campaignctl channels login {name}`", name=self.name), **kw)
        if code in RATE_LIMIT_CODES:
            return RateLimited(
                t("Facebook asks to slow down: {message}", message=message),
                t("campaignctl retries after the time Facebook gives"),
                retry_at=self._retry_at(response), **kw)
        if code in TRANSIENT_CODES or error.get("is_transient") or (status or 0) >= 500 \
                or (not error and (status is None or status >= 500)):
            return TransientError(
                t("Facebook had a temporary problem: {message}", message=message),
                t("try again later"), **kw)
        return Rejected(
            t("Facebook refused the request: {message}", message=message),
            t("change the post so Facebook accepts it; it is not retried"), **kw)

    # --- login -----------------------------------------------------------------------
    def login(self, *, open_url: Callable[[str], Any] | None = None, timeout: float = 300.0,
              port: int | None = None, user_token: str | None = None, **_: Any) -> None:
        """Get a non-expiring Page token for ``options.page_id`` and store it.

        Without ``user_token``, Facebook Login runs in the browser (code flow, loopback
        redirect); with it, that short-lived user token is exchanged directly."""
        if self.secrets.tokens is None:
            raise CredentialError(t("no token store to keep the Facebook login in"),
                                  t("run the command inside a campaignctl workspace"))
        page_id = self.page_id  # a ConfigError now beats one after the browser round trip
        app_id = self.secrets.require(self.account, "app_id")
        app_secret = self.secrets.require(self.account, "app_secret")
        if not user_token:
            dialog = DIALOG_URL if self.base_url == self.default_base_url else self.base_url

            def authorize_url(redirect_uri: str, state: str) -> str:
                return f"{dialog}/{self.version}/dialog/oauth?" + urlencode({
                    "client_id": app_id.reveal(), "redirect_uri": redirect_uri,
                    "state": state, "response_type": "code",
                    "scope": ",".join(LOGIN_SCOPES)})

            code, redirect_uri = run_browser_flow(
                authorize_url, open_url=open_url or webbrowser.open, timeout=timeout,
                platform="Facebook", account=self.name,
                port=int(port if port is not None
                         else self.account.options.get("redirect_port") or 0))
            user_token = self._login_get("oauth/access_token", {
                "client_id": app_id.reveal(), "client_secret": app_secret.reveal(),
                "redirect_uri": redirect_uri, "code": code}).get("access_token")
        long_lived = self._login_get("oauth/access_token", {
            "grant_type": "fb_exchange_token", "client_id": app_id.reveal(),
            "client_secret": app_secret.reveal(), "fb_exchange_token": user_token or ""})
        pages = self._login_get("me/accounts", {
            "fields": "id,name,access_token,tasks", "limit": "100",
            "access_token": str(long_lived.get("access_token") or "")})
        page = next((p for p in pages.get("data") or [] if str(p.get("id")) == page_id), None)
        if page is None or not page.get("access_token"):
            names = ", ".join(f"{p.get('name')} ({p.get('id')})"
                              for p in pages.get("data") or []) or t("none")
            raise AuthError(
                t("the Facebook user who logged in does not manage Page {page} (manages: "
                  "{names})", page=page_id, names=names),
                t("log in as an admin of Page {page}, or correct options.page_id of {name}",
                  page=page_id, name=self.name),
                channel=self.name, platform_code="page-not-managed")
        self.secrets.tokens.put(self.account.name,
                                {"page_access_token": str(page["access_token"])})

    def _login_get(self, path: str, args: dict[str, str]) -> dict[str, Any]:
        """A GET of the login exchange (no Page token yet); any refusal is an AuthError."""
        import facebook
        import requests

        session = self._session()
        graph = facebook.GraphAPI(timeout=self.timeout, session=session)
        try:
            result = graph.request(f"{self.version}/{path}", args=dict(args))
        except facebook.GraphAPIError as exc:
            body = exc.result if isinstance(exc.result, dict) else {}
            error = body.get("error") if isinstance(body.get("error"), dict) else {}
            code, subcode = error.get("code"), error.get("error_subcode")
            raise AuthError(
                t("Facebook refused the login of {name}: {message}", name=self.name,
                  message=str(error.get("message") or exc.message)),
                t("run `campaignctl channels login {name}` again; check app_id, app_secret "
                  "and the app's valid OAuth redirect URIs", name=self.name),
                channel=self.name,
                status=getattr(getattr(session.local, "response", None), "status_code", None),
                platform_code=f"{code}/{subcode}" if subcode else str(code or "")) from None
        except requests.RequestException as exc:
            # The URL of these GETs carries the app secret: never show the exception text.
            raise self._network_error(exc, "GET", False) from None
        except (KeyError, ValueError):
            raise TransientError(t("Facebook sent an unreadable answer to the login"),
                                 t("try again later"), channel=self.name) from None
        return result if isinstance(result, dict) else {}

    # --- publish ---------------------------------------------------------------------
    def publish(self, post: RenderedPost, progress: Progress | None = None) -> Published:
        """Post text/link, one photo, several photos (an album post) or one video."""
        message = post.parts[0] if post.parts else ""
        videos = [m for m in post.media if m.kind == "video"]
        images = [m for m in post.media if m.kind != "video"]
        total = sum(m.path.stat().st_size for m in post.media)
        sent = [0]

        def advance(nbytes: int) -> None:
            sent[0] += nbytes
            if progress:
                progress(sent[0], total)

        published = self._flag(post.options.get("published"))
        if post.options.get("link") and post.media:
            # Graph has no link field on photo or video posts: refuse rather than drop it.
            raise NotSupported(
                t("a Facebook post with photos or a video cannot carry a separate link"),
                t("put the link in the text, or remove the media from the Facebook post"),
                channel=self.name)
        if videos:
            return self._publish_video(message, videos[0], published, advance)
        if len(images) == 1:
            return self._publish_photo(message, images[0], published, advance)
        photo_ids = [self._upload_photo(m, advance) for m in images]
        args: dict[str, Any] = {"message": message}
        if post.options.get("link"):  # only text posts reach here with a link
            args["link"] = str(post.options["link"])
        if not published:
            args["published"] = "false"
        for i, photo_id in enumerate(photo_ids):
            args[f"attached_media[{i}]"] = json.dumps({"media_fbid": photo_id})
        result = self._call(f"{self.page_id}/feed", post_args=args)
        post_id = str(result["id"])
        return Published(post_id, self._post_url(post_id), [post_id, *photo_ids],
                         {"graph_version": self.version})

    @staticmethod
    def _flag(value: Any) -> bool:
        if value is None:
            return True
        if isinstance(value, str):
            return value.strip().lower() not in ("false", "0", "no")
        return bool(value)

    @staticmethod
    def _post_url(post_id: str) -> str:
        return f"https://www.facebook.com/{post_id}"

    def _upload_photo(self, media: Media, advance: Any) -> str:
        """An unpublished photo for an album post; invisible, so a lost answer is retryable."""
        args = {"published": "false"}
        if media.alt:
            args["alt_text_custom"] = media.alt
        with media.path.open("rb") as fh:
            result = self._call(f"{self.page_id}/photos", post_args=args,
                                files={"source": (media.path.name, fh, media.mime or
                                                  "application/octet-stream")},
                                applies=False)
        advance(media.path.stat().st_size)
        return str(result["id"])

    def _publish_photo(self, message: str, media: Media, published: bool,
                       advance: Any) -> Published:
        args = {"caption": message}
        if media.alt:
            # Graph has no alt field on Page posts; the Photo node takes alt_text_custom.
            args["alt_text_custom"] = media.alt
        if not published:
            args["published"] = "false"
        with media.path.open("rb") as fh:
            result = self._call(f"{self.page_id}/photos", post_args=args,
                                files={"source": (media.path.name, fh, media.mime or
                                                  "application/octet-stream")})
        advance(media.path.stat().st_size)
        photo_id = str(result["id"])
        post_id = str(result.get("post_id") or photo_id)
        return Published(post_id, self._post_url(post_id), [post_id, photo_id],
                         {"photo_id": photo_id, "graph_version": self.version})

    def _publish_video(self, message: str, media: Media, published: bool,
                       advance: Callable[[int], None]) -> Published:
        """Graph's resumable upload: start, each byte range Graph asks for, finish."""
        size = media.path.stat().st_size
        answer = self._video_post({"upload_phase": "start", "file_size": str(size)})
        try:
            session_id, video_id = str(answer["upload_session_id"]), str(answer["video_id"])
        except KeyError:
            raise self._unreadable(self._session(True)) from None
        begin, end = self._offsets(answer)
        acked = 0
        with media.path.open("rb") as fh:
            while begin < end:
                fh.seek(begin)
                chunk = fh.read(end - begin)  # one chunk in memory, never the whole file
                if len(chunk) != end - begin:
                    raise TransientError(
                        t("the video file {path} changed during the upload to Facebook",
                          path=media.path.name),
                        t("let the file be written completely, then publish again"),
                        channel=self.name)
                begin, end = self._transfer(session_id, begin, chunk, media.path.name)
                del chunk
                if begin > acked:
                    advance(begin - acked)
                    acked = begin
        args = {"upload_phase": "finish", "upload_session_id": session_id,
                "description": message}
        if not published:
            args["published"] = "false"
        # The one call that makes the video and its post: a lost answer is an unknown outcome.
        self._video_post(args, applies=True)
        try:
            info = self._call(video_id, args={"fields": "post_id,permalink_url,status"})
        except ChannelError:
            info = {}  # the video is up; its post id is a nicety we can live without
        post_id = str(info.get("post_id") or video_id)
        url = info.get("permalink_url") or self._post_url(post_id)
        if url.startswith("/"):
            url = "https://www.facebook.com" + url
        status = (info.get("status") or {}).get("video_status")
        ids = [post_id, video_id] if post_id != video_id else [video_id]
        return Published(post_id, url, ids, {"video_id": video_id, "video_status": status,
                                             "graph_version": self.version})

    def _transfer(self, session_id: str, begin: int, chunk: bytes,
                  name: str) -> tuple[int, int]:
        """Send one chunk, again after a short pause if it fails on the way; the next range."""
        sent = (begin, begin + len(chunk))
        for attempt in range(len(CHUNK_RETRY_DELAYS) + 1):
            try:
                answer = self._video_post(
                    {"upload_phase": "transfer", "upload_session_id": session_id,
                     "start_offset": str(begin)},
                    files={"video_file_chunk": (name, chunk, "application/octet-stream")},
                    sent=sent)
                return self._offsets(answer)
            except TransientError:
                if attempt == len(CHUNK_RETRY_DELAYS):
                    raise
                self.sleep(CHUNK_RETRY_DELAYS[attempt])
        raise AssertionError("unreachable")  # the loop returns or raises

    def _offsets(self, answer: Any) -> tuple[int, int]:
        """Graph's ``start_offset``/``end_offset`` (strings in answers, numbers in errors)."""
        try:
            begin, end = int(answer["start_offset"]), int(answer["end_offset"])
        except (KeyError, TypeError, ValueError):
            raise self._unreadable(self._session(True)) from None
        if not 0 <= begin <= end:
            raise self._unreadable(self._session(True))
        return begin, end

    def _unreadable(self, session: Any) -> TransientError:
        status = getattr(getattr(session.local, "response", None), "status_code", None)
        return TransientError(
            t("Facebook sent an unreadable answer (HTTP {status})", status=status),
            t("try again later"), channel=self.name, status=status)

    def _video_post(self, fields: dict[str, str], *, files: dict[str, Any] | None = None,
                    applies: bool = False, sent: tuple[int, int] | None = None) -> Any:
        """One POST of the resumable upload to ``/{page}/videos`` on Graph's video host.

        With ``sent`` (a transfer's byte range), Graph's "wrong offset" error that names other
        offsets is the answer to go on with: the chunk arrived before, its answer did not."""
        import facebook
        import requests

        session = self._session(True)
        token = self.secrets.require(self.account, "page_access_token")
        # The token rides in the body, never the URL, so no exception text can show it.
        data = {**fields, "access_token": token.reveal()}
        session.local.response = None
        try:
            response = session.post(f"{session.base}{self.version}/{self.page_id}/videos",
                                    data=data, files=files, timeout=self.timeout)
        except requests.RequestException as exc:
            raise self._network_error(exc, "POST", applies) from None
        session.local.response = response
        try:
            result = response.json()
        except ValueError:
            result = None
        error = result.get("error") if isinstance(result, dict) else None
        if not isinstance(result, dict) or (error is None and response.status_code >= 400):
            raise self._unreadable(session)  # e.g. a gateway's HTML page: retryable
        if error is None:
            return result
        if sent is not None and isinstance(error, dict) \
                and error.get("error_subcode") == RESUME_SUBCODE:
            expected = error.get("error_data")
            if isinstance(expected, dict) and "start_offset" in expected:
                offsets = self._offsets(expected)
                if offsets != sent:
                    return {"start_offset": offsets[0], "end_offset": offsets[1]}
        raise self._graph_error(facebook.GraphAPIError(result), response)


    # --- delete, metrics, check, find_recent -----------------------------------------
    def delete(self, published: Published) -> None:
        """Delete the post, then any media of it still standing."""
        self._call(published.platform_id, method="DELETE")
        for other in published.ids:
            if other == published.platform_id:
                continue
            try:
                self._call(other, method="DELETE")
            except Rejected as exc:
                # Deleting the post usually takes its photos/video with it.
                if exc.platform_code != "100/33":
                    raise

    def metrics(self, published: list[Published]) -> list[Metrics]:
        """Reach (Page post insights), reactions, comments and shares per post; unknown posts
        and permission errors become gaps. Two calls per batch: the fields, then the insights
        of the posts that answered, so a missing insights permission costs only the reach."""
        out: dict[str, Metrics] = {}
        ids = [p.platform_id for p in published]
        step = self.limits.metrics_batch
        for start in range(0, len(ids), step):
            chunk = list(dict.fromkeys(ids[start:start + step]))
            try:
                found = self._call("", args={"ids": ",".join(chunk), "fields": METRIC_FIELDS})
            except (Rejected, AuthError) as exc:
                if _token_dead(exc):
                    raise
                found = {}
                for one in chunk:  # one missing id fails the whole batch: find which
                    try:
                        found[one] = self._call(one, args={"fields": METRIC_FIELDS})
                    except (Rejected, AuthError) as each:
                        if _token_dead(each):
                            raise
                        out[one] = Metrics(one, gap=t(
                            "Facebook cannot show this post to this Page token (Graph error "
                            "{code}): deleted, or a permission is missing",
                            code=each.platform_code))
            measured = [i for i in chunk if i in found]
            reach, why = self._reach(measured) if measured else ({}, None)
            for object_id in measured:
                values = self._values(found[object_id])
                gap = why
                if object_id in reach:
                    values["reach"] = reach[object_id]
                elif gap is None:
                    gap = t("Facebook gave no reach for this post yet (insights empty)")
                out[object_id] = Metrics(object_id, values, gap=gap)
        return [out.get(p.platform_id) or Metrics(p.platform_id, gap=t("not returned"))
                for p in published]

    def _reach(self, ids: list[str]) -> tuple[dict[str, int], str | None]:
        """Unique viewers per post in one insights call, trying REACH_METRICS in order while
        Graph calls the metric invalid (#100). A failure is a reason, never a zero; only a dead
        token raises (the other numbers cannot be read either)."""
        refused: list[str] = []
        for metric in REACH_METRICS:
            try:
                found = self._call("", args={"ids": ",".join(ids),
                                             "fields": f"insights.metric({metric})"})
            except AuthError as exc:
                if _token_dead(exc):
                    raise
                return {}, t("no reach: the Page token may not read insights (Graph error "
                             "{code}); log in again with read_insights and "
                             "pages_read_engagement: `campaignctl channels login {name}`",
                             code=exc.platform_code, name=self.name)
            except RateLimited as exc:
                when = (exc.retry_at.astimezone(timezone.utc).strftime("%H:%M UTC")
                        if exc.retry_at else t("later"))
                return {}, t("no reach: rate limited by {name} until {when}", name=self.name,
                             when=when)
            except Rejected as exc:
                if exc.platform_code == "100":  # "must be a valid insights metric"
                    refused.append(metric)
                    continue
                return {}, t("no reach: Facebook refused the insights request: {reason}",
                             reason=exc.message)
            except ChannelError as exc:
                return {}, t("no reach: {reason}", reason=exc.message)
            return self._reach_values(found, metric), None
        return {}, t("no reach: Facebook accepts none of the reach metrics ({names})",
                     names=", ".join(refused))

    @staticmethod
    def _reach_values(found: dict[str, Any], metric: str) -> dict[str, int]:
        """``{id: {"insights": {"data": [{"name", "values": [{"value"}]}]}}}`` -> {id: n}."""
        out: dict[str, int] = {}
        for object_id, body in found.items():
            rows = ((body or {}).get("insights") or {}).get("data") or []
            for row in rows:
                values = row.get("values") or []
                value = values[-1].get("value") if values else None
                if row.get("name") == metric and isinstance(value, int):
                    out[object_id] = value
        return out

    @staticmethod
    def _values(body: dict[str, Any]) -> dict[str, int]:
        def total(key: str) -> int:
            return int(((body.get(key) or {}).get("summary") or {}).get("total_count") or 0)

        # Graph leaves ``shares`` out while nobody has shared the post.
        return {"reactions": total("reactions"), "comments": total("comments"),
                "shares": int((body.get("shares") or {}).get("count") or 0)}

    def check(self) -> CheckReport:
        """Read the Page with the token: one line saying whether it may post."""
        try:
            page = self._call(self.page_id, args={"fields": "id,name"})
        except (AuthError, Rejected) as exc:
            return CheckReport(False, f"{self.name}: {exc.message}",
                               {"hint": exc.hint, "platform_code": exc.platform_code})
        name, page_id = page.get("name", "?"), page.get("id", self.page_id)
        return CheckReport(True, t("{account}: Page {name} ({id}), can post",
                                   account=self.name, name=name, id=page_id),
                           {"page_id": page_id, "page_name": name,
                            "graph_version": self.version})

    def find_recent(self, post: RenderedPost, since: datetime) -> Published | None:
        """The newest Page post with this exact message made at or after ``since``."""
        message = (post.parts[0] if post.parts else "").strip()
        after = int(since.astimezone(timezone.utc).timestamp())
        result = self._call(f"{self.page_id}/feed", args={
            "fields": "message,created_time", "since": str(after), "limit": "50"})
        for item in result.get("data", []):
            if (item.get("message") or "").strip() == message:
                post_id = str(item["id"])
                return Published(post_id, self._post_url(post_id), [post_id],
                                 {"graph_version": self.version, "reconciled": True})
        return None
