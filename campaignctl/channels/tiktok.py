"""TikTok Content Posting API over plain HTTP (requests); TikTok cannot delete posts.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.

Publishing follows TikTok's Direct Post flow: read the creator's info, pick a privacy level
among the creator's options (default ``SELF_ONLY``, the only level an unaudited client may
use), initialise the post, send the video in chunks to the returned ``upload_url`` (or let
TikTok pull photos from the office's verified URL prefix), then poll the post's status
(the upload and the polling: tiktok_upload.py).
An expired access token is refreshed once with the refresh token (which may rotate, so the
one TikTok returns is always stored) and the call is retried once.

``login()`` runs Login Kit for Desktop: authorization code with PKCE over a loopback
redirect (channels/oauth.py); the tokens go to the token store, which later calls prefer.

Account options (channels.yaml, ``options:``):
    photo_url_prefix   verified URL prefix where the workspace's media files are published,
                       e.g. https://media.example.go.id/kampanye/ (needed for photo posts)
    audited            true once TikTok has audited the app (check() reports it)
    redirect_port      loopback port for login (default: any; register
                       http://127.0.0.1:*/callback/ in the Login Kit settings)
"""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlencode

from .. import media as media_mod
from ..errors import (AuthError, ChannelError, CredentialError, NotSupported, RateLimited,
                      Rejected, TransientError, UnknownOutcome)
from ..i18n import t
from ..models import Account, Media, Metrics, Published, RenderedPost
from .base import Channel, CheckReport, Limits, Progress, Refusal
from .credentials import Secret
from .oauth import pkce_pair, run_browser_flow
from .tiktok_upload import MB, TikTokUploads, chunk_plan

if TYPE_CHECKING:
    from .credentials import SecretSource

MAX_VIDEO_BYTES = 4096 * MB
PUBLIC = "PUBLIC_TO_EVERYONE"
PRIVATE = "SELF_ONLY"
AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"
LOGIN_SCOPES = ("user.info.basic", "video.publish", "video.upload", "video.list")
METRIC_FIELDS = "id,title,like_count,comment_count,share_count,view_count"
LIST_FIELDS = "id,title,video_description,create_time"
VIDEO_MIMES = ("video/mp4", "video/quicktime", "video/webm")
PHOTO_MIMES = ("image/jpeg", "image/webp")
_SUFFIX_MIME = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
                ".webm": "video/webm", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".webp": "image/webp", ".png": "image/png", ".gif": "image/gif"}

# Platform codes whose fix is for a person, with what to do about each.
_REJECT_HINTS = {
    "privacy_level_option_mismatch": "choose a privacy_level the account allows; "
                                     "`campaignctl channels check {name}` lists them",
    "unaudited_client_can_only_post_to_private_accounts":
        "until TikTok audits the app, use options.tiktok.privacy_level: SELF_ONLY",
    "url_ownership_unverified": "verify the photo_url_prefix domain in the TikTok developer "
                                "portal, or correct options.photo_url_prefix of {name}",
    "spam_risk_user_banned_from_posting": "the account may not post now; check it in the "
                                          "TikTok app",
    "reached_active_user_cap": "an unaudited app may post for 5 users a day; try tomorrow or "
                               "get the app audited",
    "spam_risk_too_many_pending_share": "finish or discard pending TikTok shares in the app, "
                                        "then publish again",
}


def _privacy_refusal(wanted: Any, allowed: list[str]) -> Refusal | None:
    """Why the creator's ``privacy_level_options`` rule out ``wanted`` (None: the default,
    SELF_ONLY), or None when it may be used."""
    hint = t("set options.tiktok.privacy_level to one of: {levels}", levels=", ".join(allowed))
    if wanted is None:
        if PRIVATE in allowed:
            return None
        return Refusal(t("no privacy_level is set and this TikTok account does not offer "
                         "SELF_ONLY"), hint, "privacy_level")
    if wanted not in allowed:
        return Refusal(t("privacy_level {wanted} is not offered by this TikTok account",
                         wanted=wanted), hint, "privacy_level")
    return None


def _never_sent(exc: BaseException) -> bool:
    """True when the request cannot have reached the server (refused, DNS, connect timeout)."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    stack, seen = [exc], 0
    while stack and seen < 20:
        seen += 1
        e = stack.pop()
        if isinstance(e, (NewConnectionError, ConnectTimeoutError)):
            return True
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        for nxt in (getattr(e, "reason", None), e.__cause__, e.__context__):
            if isinstance(nxt, BaseException):
                stack.append(nxt)
    import requests

    return isinstance(exc, requests.exceptions.ConnectTimeout)


class TikTokChannel(TikTokUploads, Channel):
    platform = "tiktok"
    default_base_url = "https://open.tiktokapis.com"
    limits: ClassVar[Limits] = Limits(
        text_max=2200, text_counter="utf16", max_images=35, max_videos=1,
        # TikTok's usual cap; the real one is per creator (creator_info, checked at publish).
        max_video_seconds=600,
        # Media restrictions: videos up to 4 GB, photos up to 20 MB (MB = 1024 * 1024 bytes).
        max_video_bytes=MAX_VIDEO_BYTES, max_image_bytes=20 * MB,
        requests_per_window=6, window_seconds=60, max_concurrency=2, metrics_batch=20,
        can_delete=False,
        option_fields=("privacy_level", "title", "disable_comment", "disable_duet",
                       "disable_stitch", "brand_content_toggle", "brand_organic_toggle",
                       "is_aigc", "video_cover_timestamp_ms", "auto_add_music"),
    )
    check_facts = ("privacy_level_options", "audited")

    def __init__(self, account: Account, secrets: SecretSource, *,
                 base_url: str | None = None, timeout: float = 30.0,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(account, secrets, base_url=base_url, timeout=timeout, clock=clock)
        self.sleep: Callable[[float], None] = time.sleep
        self._session_obj: Any = None
        self._access: Secret | None = None
        self._refresh_token: Secret | None = None
        # Refresh tokens rotate: two threads refreshing at once would spend the same one.
        self._refresh_lock = threading.Lock()
        # post key -> publish_id of sends whose outcome this process has not seen; TikTok
        # lists only public videos, so for private posts this is the only way to reconcile.
        self._pending: dict[str, tuple[str, str]] = {}

    # --- HTTP plumbing --------------------------------------------------------------------
    def _session(self) -> Any:
        if self._session_obj is None:
            import requests

            self._session_obj = requests.Session()
            self._session_obj.headers["User-Agent"] = "campaignctl"
        return self._session_obj

    def _access_token(self) -> Secret:
        if self._access is None:
            self._access = self.secrets.require(self.account, "access_token")
        return self._access

    def _network_error(self, exc: BaseException, what: str, may_apply: bool,
                       publish_id: str | None = None) -> ChannelError:
        # The exception text can hold URLs with upload tokens: only its type is shown.
        reason = type(exc).__name__
        if may_apply and not _never_sent(exc):
            message = t("TikTok did not answer after the request to {what} was sent "
                        "({reason}); it may have been applied", what=what, reason=reason)
            if publish_id:
                message = t("{message} (publish_id {pid})", message=message, pid=publish_id)
            return UnknownOutcome(
                message, t("campaignctl reconciles before sending again; check the TikTok "
                           "app if unsure"), channel=self.name)
        return TransientError(
            t("could not reach TikTok to {what} ({reason})", what=what, reason=reason),
            t("check the network connection; the publisher retries later"), channel=self.name)

    def _retry_at(self, resp: Any) -> datetime:
        """When TikTok allows the next call: Retry-After if sent, else one minute (its
        windows slide over a minute and it documents no rate-limit headers)."""
        now = self.clock()
        value = (resp.headers.get("Retry-After") or "").strip() if resp is not None else ""
        if value.isdigit():
            return now + timedelta(seconds=int(value))
        if value:
            try:
                when = parsedate_to_datetime(value)
                return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
            except (TypeError, ValueError):
                pass
        return now + timedelta(seconds=60)

    def _api_error(self, resp: Any, body: Any, what: str) -> ChannelError:
        err = body.get("error") if isinstance(body, dict) else None
        err = err if isinstance(err, dict) else {}
        code = str(err.get("code") or "")
        message = str(err.get("message") or "") or t("HTTP {status}", status=resp.status_code)
        if err.get("log_id"):
            message = f"{message} (log_id {err['log_id']})"
        status = resp.status_code
        kw: dict[str, Any] = {"channel": self.name, "status": status,
                              "platform_code": code or None}
        if code == "access_token_invalid" or (status == 401 and not code):
            return AuthError(t("TikTok refused the access token: {message}", message=message),
                             t("run `campaignctl channels login {name}`", name=self.name), **kw)
        if code in ("scope_not_authorized", "scope_permission_missed"):
            return AuthError(
                t("the TikTok token lacks a permission needed to {what}: {message}",
                  what=what, message=message),
                t("run `campaignctl channels login {name}` and grant video.publish and "
                  "video.list", name=self.name), **kw)
        if code == "rate_limit_exceeded" or status == 429:
            return RateLimited(t("TikTok rate limit reached while trying to {what}", what=what),
                               t("the publisher waits until the limit resets"),
                               retry_at=self._retry_at(resp), **kw)
        if code == "spam_risk_too_many_posts":
            # A per-creator daily cap: the content is fine, tomorrow it goes through.
            return RateLimited(t("TikTok says this account posted too often today: {message}",
                                 message=message),
                               t("the publisher tries again in a day"),
                               retry_at=self.clock() + timedelta(hours=24), **kw)
        if status >= 500 or code == "internal_error":
            return TransientError(t("TikTok had an internal error while trying to {what}: "
                                    "{message}", what=what, message=message),
                                  t("the publisher retries later"), **kw)
        hint = _REJECT_HINTS.get(code, "fix the post as TikTok's message says, then publish "
                                       "again")
        return Rejected(t("TikTok refused to {what}: {message}", what=what, message=message),
                        t(hint, name=self.name), **kw)

    def _call(self, path: str, payload: dict[str, Any] | None, what: str, *,
              may_apply: bool = False, _retried: bool = False) -> dict[str, Any]:
        """POST a JSON call; return its ``data``. Refreshes an invalid token once and retries."""
        import requests

        token = self._access_token()
        headers = {"Authorization": f"Bearer {token.reveal()}",
                   "Content-Type": "application/json; charset=UTF-8"}
        try:
            resp = self._session().post(f"{self.base_url}{path}", json=payload or {},
                                        headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise self._network_error(exc, what, may_apply) from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        err = body.get("error") if isinstance(body, dict) else None
        if resp.ok and isinstance(err, dict) and err.get("code") == "ok":
            return body.get("data") or {}
        if (not _retried and isinstance(err, dict)
                and err.get("code") == "access_token_invalid"):
            self._refresh(stale=token)
            return self._call(path, payload, what, may_apply=may_apply, _retried=True)
        raise self._api_error(resp, body, what)

    def _refresh(self, stale: Secret | None = None) -> None:
        """Trade the refresh token for a new pair; store both (the refresh token rotates).

        ``stale`` is the access token TikTok refused; if another thread has replaced it
        meanwhile, there is nothing to do.
        """
        with self._refresh_lock:
            if stale is not None and self._access is not None and self._access != stale:
                return
            self._refresh_locked()

    def _refresh_locked(self) -> None:
        import requests

        login = t("run `campaignctl channels login {name}`", name=self.name)
        # With a token store, it is the truth (another process may have rotated the token).
        refresh = (self.secrets.get(self.account, "refresh_token")
                   if self.secrets.tokens is not None or self._refresh_token is None
                   else self._refresh_token)
        if not refresh:
            raise AuthError(t("the TikTok access token expired and {name} has no refresh "
                              "token", name=self.name), login, channel=self.name,
                            platform_code="access_token_invalid")
        key = self.secrets.require(self.account, "client_key")
        secret = self.secrets.require(self.account, "client_secret")
        form = {"client_key": key.reveal(), "client_secret": secret.reveal(),
                "grant_type": "refresh_token", "refresh_token": refresh.reveal()}
        try:
            resp = self._session().post(
                f"{self.base_url}/v2/oauth/token/", data=form, timeout=self.timeout,
                headers={"Content-Type": "application/x-www-form-urlencoded"})
        except requests.RequestException as exc:
            raise self._network_error(exc, t("refresh the access token"), False) from None
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if resp.ok and isinstance(body, dict) and body.get("access_token"):
            self._access = Secret(str(body["access_token"]))
            new_refresh = str(body.get("refresh_token") or refresh.reveal())
            self._refresh_token = Secret(new_refresh)
            if self.secrets.tokens is not None:
                expires = self.clock() + timedelta(seconds=int(body.get("expires_in") or 0))
                self.secrets.tokens.put(self.account.name, {
                    "access_token": body["access_token"], "refresh_token": new_refresh,
                    "access_token_expires_at": expires.isoformat()})
            return
        code = str(body.get("error") or "") if isinstance(body, dict) else ""
        described = str(body.get("error_description") or "") if isinstance(body, dict) else ""
        if resp.status_code >= 500:
            raise TransientError(t("TikTok could not refresh the access token (HTTP {status})",
                                   status=resp.status_code), t("the publisher retries later"),
                                 channel=self.name, status=resp.status_code,
                                 platform_code=code or None)
        raise AuthError(t("TikTok refused to refresh the access token: {code} {described}",
                          code=code or resp.status_code, described=described).strip(),
                        login, channel=self.name, status=resp.status_code,
                        platform_code=code or None)

    # --- login ----------------------------------------------------------------------------
    def login(self, *, open_url: Callable[[str], Any] | None = None, timeout: float = 300.0,
              port: int | None = None, **_: Any) -> None:
        """Login Kit for Desktop in the browser (code + PKCE); store the user's tokens."""
        import requests

        if self.secrets.tokens is None:
            raise CredentialError(t("no token store to keep the TikTok login in"),
                                  t("run the command inside a campaignctl workspace"))
        key = self.secrets.require(self.account, "client_key")
        secret = self.secrets.require(self.account, "client_secret")
        # The desktop guide hashes the verifier to hex, not base64url (see sandbox/tiktok.py).
        verifier, challenge = pkce_pair("hex")
        authorize = (AUTHORIZE_URL if self.base_url == self.default_base_url
                     else f"{self.base_url}/v2/auth/authorize/")

        def authorize_url(redirect_uri: str, state: str) -> str:
            return authorize + "?" + urlencode({
                "client_key": key.reveal(), "scope": ",".join(LOGIN_SCOPES),
                "response_type": "code", "redirect_uri": redirect_uri, "state": state,
                "code_challenge": challenge, "code_challenge_method": "S256"})

        code, redirect_uri = run_browser_flow(
            authorize_url, open_url=open_url or webbrowser.open, timeout=timeout,
            platform="TikTok", account=self.name, path="/callback/",
            port=int(port if port is not None else self.account.options.get("redirect_port")
                     or 0))
        form = {"client_key": key.reveal(), "client_secret": secret.reveal(), "code": code,
                "grant_type": "authorization_code", "redirect_uri": redirect_uri,
                "code_verifier": verifier}
        try:
            resp = self._session().post(
                f"{self.base_url}/v2/oauth/token/", data=form, timeout=self.timeout,
                headers={"Content-Type": "application/x-www-form-urlencoded"})
        except requests.RequestException as exc:
            raise self._network_error(exc, t("log in"), False) from None
        try:
            body = resp.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if not resp.ok or not body.get("access_token") or not body.get("refresh_token"):
            code_name = str(body.get("error") or resp.status_code)
            raise AuthError(
                t("TikTok refused the login code of {name}: {code} {described}",
                  name=self.name, code=code_name,
                  described=str(body.get("error_description") or "")).strip(),
                t("run `campaignctl channels login {name}` again; check the client key and "
                  "secret and that {uri} is a registered redirect URI", name=self.name,
                  uri=redirect_uri),
                channel=self.name, status=resp.status_code, platform_code=code_name)
        granted = {s for s in str(body.get("scope") or "").split(",") if s}
        expires = self.clock() + timedelta(seconds=int(body.get("expires_in") or 0))
        with self._refresh_lock:
            self.secrets.tokens.put(self.account.name, {
                "access_token": body["access_token"], "refresh_token": body["refresh_token"],
                "access_token_expires_at": expires.isoformat()})
            self._access = Secret(str(body["access_token"]))
            self._refresh_token = Secret(str(body["refresh_token"]))
        missing = [s for s in ("video.publish", "video.list") if s not in granted]
        if missing:
            # The tokens are kept (reading works), but publishing would fail later.
            raise AuthError(
                t("the TikTok login of {name} did not grant {scopes}", name=self.name,
                  scopes=", ".join(missing)),
                t("run `campaignctl channels login {name}` again and allow every permission; "
                  "the app needs these scopes approved in the TikTok developer portal",
                  name=self.name),
                channel=self.name, platform_code="scope_not_authorized")

    # --- publishing -----------------------------------------------------------------------
    def _creator_info(self) -> dict[str, Any]:
        return self._call("/v2/post/publish/creator_info/query/", None,
                          t("read the creator's info"))

    def _privacy(self, options: dict[str, Any], creator: dict[str, Any]) -> str:
        allowed = list(creator.get("privacy_level_options") or [])
        wanted = options.get("privacy_level")
        refused = _privacy_refusal(wanted, allowed)
        if refused is not None:
            raise Rejected(refused.message, refused.hint, channel=self.name,
                           platform_code=None if wanted is None
                           else "privacy_level_option_mismatch")
        # SELF_ONLY is the one level an unaudited app may use, and the safest default.
        return PRIVATE if wanted is None else str(wanted)

    @staticmethod
    def _mime(media: Media) -> str:
        return media.mime or _SUFFIX_MIME.get(Path(media.path).suffix.lower(), "")

    def _kind(self, media: Media) -> str:
        if media.kind:
            return media.kind
        mime = self._mime(media)
        return "gif" if mime == "image/gif" else mime.split("/")[0]

    def publish(self, post: RenderedPost, progress: Progress | None = None) -> Published:
        """Direct Post one video or up to 35 photos; poll until TikTok has published it."""
        kinds = [self._kind(m) for m in post.media]
        videos = [m for m, k in zip(post.media, kinds) if k == "video"]
        images = [m for m, k in zip(post.media, kinds) if k == "image"]
        if not post.media:
            raise Rejected(t("a TikTok post needs a video or photos"),
                           t("add media to this post, or leave {name} out of its channels",
                             name=self.name), channel=self.name)
        for media, kind in zip(post.media, kinds):
            if kind not in ("video", "image"):
                raise Rejected(t("TikTok takes one video or JPEG/WebP photos, not {file} "
                                 "({kind})", file=Path(media.path).name, kind=kind or "?"),
                               t("convert it to an MP4 video or a JPEG photo"),
                               channel=self.name)
            if not Path(media.path).is_file():
                raise Rejected(t("media file {path} does not exist", path=media.path),
                               t("check the media path in the campaign"), channel=self.name)
        if videos and (len(videos) > 1 or images):
            raise Rejected(t("a TikTok post carries one video, or photos, not both"),
                           t("keep one video, or only photos, for this post"),
                           channel=self.name)
        caption = post.parts[0] if post.parts else ""
        if images:
            return self._publish_photos(post, caption, images, progress)
        return self._publish_video(post, caption, videos[0], progress)

    def _post_info(self, options: dict[str, Any], creator: dict[str, Any], privacy: str,
                   flags: tuple[str, ...]) -> dict[str, Any]:
        info: dict[str, Any] = {"privacy_level": privacy}
        for flag in flags:
            info[flag] = bool(options.get(flag, False))
        # TikTok's UX rules: what the creator disabled in the app stays disabled.
        for flag, setting in (("disable_comment", "comment_disabled"),
                              ("disable_duet", "duet_disabled"),
                              ("disable_stitch", "stitch_disabled")):
            if flag in info and creator.get(setting):
                info[flag] = True
        return info

    def _publish_video(self, post: RenderedPost, caption: str, video: Media,
                       progress: Progress | None) -> Published:
        mime = self._mime(video)
        if mime not in VIDEO_MIMES:
            raise Rejected(t("TikTok takes MP4, MOV or WebM videos, not {mime}",
                             mime=mime or Path(video.path).suffix),
                           t("convert {file} to MP4", file=Path(video.path).name),
                           channel=self.name)
        size = Path(video.path).stat().st_size
        if not 0 < size <= MAX_VIDEO_BYTES:
            raise Rejected(t("TikTok takes videos of 1 byte to 4 GB; {file} has {size} bytes",
                             file=Path(video.path).name, size=size),
                           t("use a smaller export of the video"), channel=self.name)
        chunk, count = chunk_plan(size, self.chunk_size)
        creator = self._creator_info()
        self._check_duration(video, creator)
        privacy = self._privacy(post.options, creator)
        info = self._post_info(post.options, creator, privacy,
                               ("disable_duet", "disable_comment", "disable_stitch",
                                "brand_content_toggle", "brand_organic_toggle", "is_aigc"))
        info["title"] = caption
        if post.options.get("video_cover_timestamp_ms") is not None:
            info["video_cover_timestamp_ms"] = int(post.options["video_cover_timestamp_ms"])
        # A FILE_UPLOAD init that never gets its bytes cannot publish anything, so a lost
        # answer here is safe to retry (may_apply=False).
        data = self._call("/v2/post/publish/video/init/",
                          {"post_info": info,
                           "source_info": {"source": "FILE_UPLOAD", "video_size": size,
                                           "chunk_size": chunk, "total_chunk_count": count}},
                          t("start the video upload"))
        publish_id = str(data.get("publish_id") or "")
        upload_url = str(data.get("upload_url") or "")
        self._pending[post.key] = (publish_id, "video")
        self._upload(video.path, mime, size, chunk, count, upload_url, publish_id, progress)
        status = self._await(publish_id)
        self._pending.pop(post.key, None)
        return self._published(publish_id, status, creator, privacy, "video")

    def _check_duration(self, video: Media, creator: dict[str, Any]) -> None:
        """Refuse, before anything is uploaded, a video longer than this creator may post."""
        limit = creator.get("max_video_post_duration_sec")
        seconds = media_mod.duration(Path(video.path))
        if seconds is None or not isinstance(limit, (int, float)) or limit <= 0:
            return  # an unknown length or cap is TikTok's to judge
        if seconds > limit:
            raise Rejected(t("{file} is {length} long; this TikTok account may post videos of "
                             "at most {limit}", file=Path(video.path).name,
                             length=media_mod.human_duration(seconds, beside=limit),
                             limit=media_mod.human_duration(limit)),
                           t("trim it, or post it to YouTube and link to it"),
                           channel=self.name)

    def _publish_photos(self, post: RenderedPost, caption: str, images: list[Media],
                        progress: Progress | None) -> Published:
        prefix = str(self.account.options.get("photo_url_prefix") or "")
        if not prefix:
            raise Rejected(
                t("TikTok pulls photos from a verified web address, and {name} has no "
                  "photo_url_prefix", name=self.name),
                t("publish the media files on your verified domain and set "
                  "options.photo_url_prefix for {name} in channels.yaml, e.g. "
                  "https://media.example.go.id/kampanye/", name=self.name), channel=self.name)
        for image in images:
            if self._mime(image) not in PHOTO_MIMES:
                raise Rejected(t("TikTok photo posts take JPEG or WebP, not {file}",
                                 file=Path(image.path).name),
                               t("convert {file} to JPEG", file=Path(image.path).name),
                               channel=self.name)
        creator = self._creator_info()
        privacy = self._privacy(post.options, creator)
        info = self._post_info(post.options, creator, privacy,
                               ("disable_comment", "brand_content_toggle",
                                "brand_organic_toggle"))
        info["auto_add_music"] = bool(post.options.get("auto_add_music", True))
        info["title"] = str(post.options.get("title") or "")
        info["description"] = caption
        urls = [prefix.rstrip("/") + "/" + quote(Path(m.path).name) for m in images]
        data = self._call("/v2/post/publish/content/init/",
                          {"media_type": "PHOTO", "post_mode": "DIRECT_POST", "post_info": info,
                           "source_info": {"source": "PULL_FROM_URL", "photo_images": urls,
                                           "photo_cover_index": 0}},
                          t("start the photo post"), may_apply=True)
        publish_id = str(data.get("publish_id") or "")
        self._pending[post.key] = (publish_id, "photo")
        if progress:
            total = sum(Path(m.path).stat().st_size for m in images)
            progress(total, total)
        status = self._await(publish_id)
        self._pending.pop(post.key, None)
        published = self._published(publish_id, status, creator, privacy, "photo")
        published.extra["photo_urls"] = urls
        return published

    # --- the rest of the interface --------------------------------------------------------
    def delete(self, published: Published) -> None:
        """TikTok's API has no delete: always NotSupported, naming where to remove it."""
        where = published.url or t("the private post (publish_id {pid}) on the account's "
                                   "profile", pid=published.extra.get("publish_id")
                                   or published.platform_id)
        raise NotSupported(
            t("TikTok's API cannot delete posts; remove it by hand in the TikTok app: {where}",
              where=where),
            t("open {where} in the TikTok app signed in as the account, then choose Delete",
              where=where), channel=self.name)

    @staticmethod
    def _video_id(published: Published) -> str | None:
        vid = published.extra.get("video_id") or published.platform_id
        return str(vid) if vid and str(vid).isdigit() else None

    def _reconcile(self, post: RenderedPost, publish_id: str, kind: str) -> Published | None:
        """The outcome of a send whose answer was lost, by its publish_id."""
        data = self._call("/v2/post/publish/status/fetch/", {"publish_id": publish_id},
                          t("read the post's status"))
        status = data.get("status")
        if status == "FAILED":
            self._pending.pop(post.key, None)
            return None  # TikTok did not publish it: sending again is safe
        if status != "PUBLISH_COMPLETE":
            raise UnknownOutcome(
                t("TikTok is still processing the post (publish_id {pid})", pid=publish_id),
                t("campaignctl reconciles again later"), channel=self.name)
        self._pending.pop(post.key, None)
        creator = self._creator_info()
        return self._published(publish_id, data, creator,
                               post.options.get("privacy_level") or PRIVATE, kind)

    def metrics(self, published: list[Published]) -> list[Metrics]:
        """view/like/comment/share per post via video/query; private posts are gaps."""
        found: dict[str, Metrics] = {}
        wanted = [vid for p in published if (vid := self._video_id(p))]
        wanted = list(dict.fromkeys(wanted))
        batch = self.limits.metrics_batch
        for start in range(0, len(wanted), batch):
            chunk = wanted[start:start + batch]
            try:
                data = self._call(f"/v2/video/query/?fields={METRIC_FIELDS}",
                                  {"filters": {"video_ids": chunk}}, t("read video metrics"))
            except (AuthError, Rejected) as exc:
                for vid in chunk:
                    found[vid] = Metrics(vid, gap=t("no permission: {msg}", msg=exc.message))
                continue
            for video in data.get("videos") or []:
                vid = str(video.get("id"))
                found[vid] = Metrics(vid, {
                    key.removesuffix("_count"): int(video[key])
                    for key in ("view_count", "like_count", "comment_count", "share_count")
                    if isinstance(video.get(key), int)})
        out = []
        for p in published:
            vid = self._video_id(p)
            if vid is None:
                out.append(Metrics(p.platform_id, gap=t(
                    "TikTok gives no video id for private posts, so it has no numbers")))
            else:
                out.append(found.get(vid) or Metrics(vid, gap=t(
                    "TikTok did not return this video (deleted, or not public)")))
        return out

    def check(self) -> CheckReport:
        """Read the creator's info: who posts, at which privacy levels, and the audit state."""
        try:
            creator = self._creator_info()
        except ChannelError as exc:
            return CheckReport(False, f"{self.platform}: {exc.one_line()}",
                               {"error": type(exc).__name__, "platform_code": exc.platform_code})
        levels = list(creator.get("privacy_level_options") or [])
        audited = bool(self.account.options.get("audited", False))
        try:
            self._call(f"/v2/video/list/?fields={LIST_FIELDS}", {"max_count": 1},
                       t("list videos"))
            can_read = True
        except (AuthError, Rejected):
            can_read = False
        summary = t("{platform}: @{user}, may post as {levels}, max video {secs} s, "
                    "audited: {audited}, metrics: {metrics}", platform=self.platform,
                    user=creator.get("creator_username"), levels="|".join(levels),
                    secs=creator.get("max_video_post_duration_sec"),
                    audited=t("yes") if audited else t("no (posts forced private)"),
                    metrics=t("yes") if can_read else t("no (video.list scope missing)"))
        return CheckReport(True, summary, {
            "username": creator.get("creator_username"),
            "nickname": creator.get("creator_nickname"), "privacy_level_options": levels,
            "max_video_post_duration_sec": creator.get("max_video_post_duration_sec"),
            "audited": audited, "can_read_metrics": can_read})

    @classmethod
    def refusal(cls, post: RenderedPost, facts: Mapping[str, Any], *,
                live: bool) -> Refusal | None:
        """A privacy level the account does not offer (its creator info, as the last check
        read it), or anything but SELF_ONLY from an app the last live check found unaudited."""
        wanted = post.options.get("privacy_level")
        levels = facts.get("privacy_level_options")
        if levels:
            refused = _privacy_refusal(wanted, list(levels))
            if refused is not None:
                return refused
        level = str(wanted or PRIVATE)
        # "All content posted by unaudited clients will be restricted to private viewing
        # mode" (https://developers.tiktok.com/doc/content-posting-api-reference-direct-post).
        # `audited` is the account's own setting, which the sandbox does not read: only a
        # live check's answer speaks for the platform.
        if live and facts.get("audited") is False and level != PRIVATE:
            return Refusal(
                t("TikTok keeps an unaudited app's posts private, so privacy_level {wanted} "
                  "would be refused", wanted=level),
                t("until TikTok audits the app, use options.tiktok.privacy_level: SELF_ONLY"),
                "privacy_level")
        return None

    def find_recent(self, post: RenderedPost, since: datetime) -> Published | None:
        """Ask for the status of a send this process lost track of; else look through the
        account's public videos (newest first) for this caption."""
        privacy = post.options.get("privacy_level") or PRIVATE
        pending = self._pending.get(post.key)
        if pending:
            return self._reconcile(post, *pending)
        if privacy != PUBLIC:
            raise NotSupported(
                t("TikTok lists only public videos, so a {privacy} post cannot be looked up",
                  privacy=privacy),
                t("check the account's private videos in the TikTok app before publishing "
                  "again"), channel=self.name)
        caption = (post.parts[0] if post.parts else "").strip()
        floor = since.timestamp()
        cursor: int | None = None
        username: str | None = None
        for _page in range(10):
            body: dict[str, Any] = {"max_count": 20}
            if cursor:
                body["cursor"] = cursor
            data = self._call(f"/v2/video/list/?fields={LIST_FIELDS}", body,
                              t("list recent videos"))
            for video in data.get("videos") or []:
                if int(video.get("create_time") or 0) < int(floor):
                    return None  # newest first: everything further is older
                texts = {str(video.get("title") or "").strip(),
                         str(video.get("video_description") or "").strip()}
                if caption and caption in texts:
                    vid = str(video["id"])
                    if username is None:
                        username = str(self._creator_info().get("creator_username") or "")
                    return Published(vid, f"https://www.tiktok.com/@{username}/video/{vid}",
                                     [vid], {"video_id": vid, "privacy_level": privacy,
                                             "username": username, "found_by": "video/list"})
            if not data.get("has_more"):
                return None
            cursor = int(data.get("cursor") or 0)
        return None
