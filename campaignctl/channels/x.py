"""X (Twitter) through tweepy: OAuth 1.0a or OAuth 2.0 user tokens; threads; v2 media upload.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.

Which auth: an account whose credentials name ``consumer_key`` uses OAuth 1.0a user context
(consumer_key, consumer_secret, access_token, access_token_secret); otherwise OAuth 2.0 user
tokens (client_id, optional client_secret, access_token, refresh_token), refreshed once on a
401 and stored through the token store.

tweepy 4.17 has no v2 media methods and a hard-coded host, so every call goes through a
``requests.Session`` that rewrites ``https://api.twitter.com`` to ``self.base_url``; media
upload uses the same session and auth directly against the v2 endpoints.

``login()`` runs OAuth 2.0 Authorization Code with PKCE over a loopback redirect
(channels/oauth.py) and stores the user tokens. tweepy.OAuth2UserHandler is not used for it:
its hosts are hard-coded and oauthlib refuses the http:// loopback redirect it must parse.
"""

from __future__ import annotations

import html
import mimetypes
import re
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any, ClassVar
from urllib.parse import urlencode

from ..errors import (AuthError, ChannelError, ConfigError, CredentialError, Rejected,
                      RateLimited, TransientError, UnknownOutcome)
from ..i18n import t
from ..models import Media, Metrics, Published, RenderedPost
from .base import Channel, CheckReport, Limits, Progress
from .credentials import Secret
from .oauth import pkce_pair, run_browser_flow

TWITTER_HOST = "https://api.twitter.com"
AUTHORIZE_URL = "https://twitter.com/i/oauth2/authorize"
LOGIN_SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
CATEGORY = {"image": "tweet_image", "gif": "tweet_gif", "video": "tweet_video"}
_URL = re.compile(r"https?://\S+")
# 403 problem types that mean the credential, not the content, is wrong: a person must act.
_PERMISSION_PROBLEMS = ("oauth1-permissions", "client-forbidden", "unsupported-authentication")


@cache
def _session_class() -> type:
    """A requests.Session that sends tweepy's hard-coded host to our base URL, with a timeout."""
    import requests

    class RewritingSession(requests.Session):
        def __init__(self, base_url: str, timeout: float) -> None:
            super().__init__()
            self.base_url = base_url
            self.timeout = timeout
            self.last_headers: dict[str, str] = {}  # of the latest answer, for check()

        def request(  # type: ignore[override]
                self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith(TWITTER_HOST):
                url = self.base_url + url[len(TWITTER_HOST):]
            kwargs.setdefault("timeout", self.timeout)
            response = super().request(method, url, *args, **kwargs)
            self.last_headers = dict(response.headers)
            return response

        def __repr__(self) -> str:
            return f"<RewritingSession to {self.base_url}>"

    return RewritingSession


def _comparable(text: str) -> str:
    """Text as X gives it back: URLs become t.co links and &<> come HTML-escaped."""
    return _URL.sub("<url>", html.unescape(text or "")).strip()


class XChannel(Channel):
    platform = "x"
    default_base_url = "https://api.twitter.com"
    limits: ClassVar[Limits] = Limits(
        text_max=280, text_counter="twitter", thread=True, max_images=4, max_videos=1,
        alt_text_max=1000, min_video_seconds=0.5, max_video_seconds=140,
        # Media best practices; MB = 1024 * 1024 bytes, as X's upload checks count.
        max_image_bytes=5 * 1024 * 1024, max_gif_bytes=15 * 1024 * 1024,
        max_video_bytes=512 * 1024 * 1024,
        requests_per_window=100, window_seconds=900, max_concurrency=4,
        metrics_batch=100,
        option_fields=("reply_settings", "quote_tweet_id", "poll", "for_super_followers_only"),
    )

    chunk_size: ClassVar[int] = 2 * 1024 * 1024  # users saw HTTP 431 with 5 MiB chunks
    media_wait_seconds: ClassVar[float] = 300.0  # cap on waiting for video processing
    find_recent_pages: ClassVar[int] = 5  # 100 posts a page since the attempt is plenty
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client: Any = None
        self._session: Any = None
        self._user_id: str | None = None
        self._fresh: dict[str, str] = {}  # tokens refreshed by this instance
        # Threads share one channel: X rotates refresh tokens, so only one may refresh,
        # and a thread whose 401 predates that refresh just retries with the new token.
        self._refresh_lock = threading.Lock()
        self._generation = 0

    def _secret(self, field: str, required: bool = True) -> Any:
        """A credential as a masked Secret: a token refreshed here, else the secret source."""
        if field in self._fresh:
            return Secret(self._fresh[field])
        if required:
            return self.secrets.require(self.account, field)
        return self.secrets.get(self.account, field)

    # --- auth -------------------------------------------------------------------------
    @property
    def auth_mode(self) -> str:
        """"oauth1" or "oauth2", from the fields the account's credentials name."""
        return "oauth1" if "consumer_key" in self.account.credentials else "oauth2"

    @property
    def _user_auth(self) -> bool:
        return self.auth_mode == "oauth1"

    def _http(self) -> Any:
        if self._session is None:
            self._session = _session_class()(self.base_url, self.timeout)
        return self._session

    def _tweepy(self) -> Any:
        """The tweepy Client, built on first use with secrets revealed only here."""
        if self._client is None:
            import tweepy

            sec = self._secret
            if self.auth_mode == "oauth1":
                client = tweepy.Client(
                    consumer_key=sec("consumer_key").reveal(),
                    consumer_secret=sec("consumer_secret").reveal(),
                    access_token=sec("access_token").reveal(),
                    access_token_secret=sec("access_token_secret").reveal(),
                    wait_on_rate_limit=False)  # the publisher owns retries and backoff
            else:
                client = tweepy.Client(bearer_token=sec("access_token").reveal(),
                                       wait_on_rate_limit=False)
            client.session = self._http()
            self._client = client
        return self._client

    def _raw_auth(self) -> tuple[Any, dict[str, str]]:
        """(requests auth, headers) for calls tweepy cannot make: media and token refresh."""
        if self.auth_mode == "oauth1":
            from requests_oauthlib import OAuth1

            sec = self._secret
            return OAuth1(sec("consumer_key").reveal(), sec("consumer_secret").reveal(),
                          sec("access_token").reveal(),
                          sec("access_token_secret").reveal()), {}
        token = self._secret("access_token").reveal()
        return None, {"Authorization": f"Bearer {token}"}

    def _refresh(self, seen: int) -> bool:
        """Trade the refresh token for new tokens (OAuth 2.0 only); False when impossible.
        ``seen``: the token generation the failed call used."""
        if self.auth_mode != "oauth2":
            return False
        with self._refresh_lock:
            if self._generation != seen:
                return True  # another thread refreshed meanwhile
            self._refresh_locked()
            self._generation += 1
        return True

    def _refresh_locked(self) -> None:
        refresh = self._secret("refresh_token", required=False)
        client_id = self._secret("client_id", required=False)
        if not refresh or not client_id:
            raise AuthError(
                t("the access token of {name} expired and there is no refresh token",
                  name=self.name),
                t("run `campaignctl channels login {name}`", name=self.name),
                channel=self.name, status=401, platform_code="no-refresh-token")
        client_secret = self._secret("client_secret", required=False)
        auth = (client_id.reveal(), client_secret.reveal()) if client_secret else None
        data = {"grant_type": "refresh_token", "refresh_token": refresh.reveal(),
                "client_id": client_id.reveal()}
        resp = self._send("POST", "/2/oauth2/token", applies=False, data=data, auth=auth,
                          raw=True)
        if resp.status_code != 200:
            raise AuthError(
                t("X refused to refresh the access token of {name}", name=self.name),
                t("run `campaignctl channels login {name}`", name=self.name),
                channel=self.name, status=resp.status_code,
                platform_code=str(self._json(resp).get("error") or resp.status_code))
        body = self._json(resp)
        tokens = {"access_token": body["access_token"]}
        if body.get("refresh_token"):  # X rotates refresh tokens: the old one is now void
            tokens["refresh_token"] = body["refresh_token"]
        self._fresh.update(tokens)  # wins for this process even without a token store
        if self.secrets.tokens is not None:
            self.secrets.tokens.put(self.account.name, tokens)
        self._client = None  # rebuilt with the new bearer token

    # --- login --------------------------------------------------------------------------
    def login(self, *, open_url: Callable[[str], Any] | None = None, timeout: float = 300.0,
              port: int | None = None, **_: Any) -> None:
        """OAuth 2.0 Authorization Code with PKCE in the browser; store the user's tokens.

        ``port``: the loopback port registered in the X app's callback URLs (X matches the
        callback exactly), else ``options.redirect_port``, else any free port."""
        login_again = t("run `campaignctl channels login {name}` again", name=self.name)
        if self.auth_mode == "oauth1":
            raise ConfigError(
                t("{name} signs in with OAuth 1.0a keys, which have no browser login",
                  name=self.name),
                t("set consumer_key, consumer_secret, access_token and access_token_secret "
                  "in .env, or replace them by client_id (and client_secret) under "
                  "channels.{name}.credentials to log in with OAuth 2.0", name=self.name))
        if self.secrets.tokens is None:
            raise CredentialError(t("no token store to keep the X login in"),
                                  t("run the command inside a campaignctl workspace"))
        client_id = self._secret("client_id")
        client_secret = self._secret("client_secret", required=False)
        verifier, challenge = pkce_pair()
        # The sandbox serves the consent page under its own prefix; production is twitter.com.
        authorize = (AUTHORIZE_URL if self.base_url == self.default_base_url
                     else f"{self.base_url}/i/oauth2/authorize")

        def authorize_url(redirect_uri: str, state: str) -> str:
            return authorize + "?" + urlencode({
                "response_type": "code", "client_id": client_id.reveal(),
                "redirect_uri": redirect_uri, "scope": " ".join(LOGIN_SCOPES),
                "state": state, "code_challenge": challenge,
                "code_challenge_method": "S256"})

        code, redirect_uri = run_browser_flow(
            authorize_url, open_url=open_url or webbrowser.open, timeout=timeout,
            platform="X", account=self.name,
            port=int(port if port is not None else self.account.options.get("redirect_port")
                     or 0))
        data = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri, "code_verifier": verifier,
                "client_id": client_id.reveal()}
        # A confidential client (with a secret) authenticates with HTTP Basic; a public
        # client sends only its client_id, as X documents.
        auth = (client_id.reveal(), client_secret.reveal()) if client_secret else None
        resp = self._send("POST", "/2/oauth2/token", applies=False, raw=True, data=data,
                          auth=auth, what=t("log in"))
        body = self._json(resp)
        if resp.status_code != 200 or not body.get("access_token"):
            raise AuthError(
                t("X refused the login code of {name}: {error}", name=self.name,
                  error=str(body.get("error_description") or body.get("error")
                            or f"HTTP {resp.status_code}")),
                t("{again}; check the app's client ID/secret and that its callback URL is "
                  "{uri}", again=login_again, uri=redirect_uri),
                channel=self.name, status=resp.status_code,
                platform_code=str(body.get("error") or resp.status_code))
        if not body.get("refresh_token"):
            raise AuthError(
                t("X gave {name} no refresh token, so the login would end within hours",
                  name=self.name),
                t("{again} and allow offline access", again=login_again),
                channel=self.name, status=resp.status_code, platform_code="no-refresh-token")
        expires = self.clock() + timedelta(seconds=int(body.get("expires_in") or 7200))
        tokens = {"access_token": body["access_token"], "refresh_token": body["refresh_token"],
                  "access_token_expires_at": expires.isoformat()}
        self.secrets.tokens.put(self.account.name, tokens)
        with self._refresh_lock:
            self._fresh.update(tokens)
            self._generation += 1
            self._client = None  # rebuilt with the new bearer token

    # --- one place that turns every failure into the taxonomy --------------------------
    @contextmanager
    def _errors(self, what: str, *, applies: bool) -> Iterator[None]:
        """Map tweepy/requests failures of one call; ``applies``: it may change state."""
        import requests
        import tweepy

        try:
            yield
        except tweepy.TooManyRequests as exc:
            raise self._rate_limited(exc.response, what) from None
        except tweepy.Unauthorized as exc:
            raise AuthError(
                t("X rejected the credentials of {name} while trying to {what}",
                  name=self.name, what=what),
                t("run `campaignctl channels login {name}`", name=self.name),
                channel=self.name, status=401, platform_code=self._code(exc)) from None
        except tweepy.TwitterServerError as exc:
            raise TransientError(
                t("X had a server error ({status}) while trying to {what}",
                  status=exc.response.status_code, what=what),
                t("it will be retried; check https://api.twitterstat.us if it persists"),
                channel=self.name, status=exc.response.status_code,
                platform_code=self._code(exc)) from None
        except tweepy.Forbidden as exc:
            if self._code(exc) not in _PERMISSION_PROBLEMS:
                raise Rejected(
                    t("X refused to {what}: {reason}", what=what, reason=self._reason(exc)),
                    t("fix the post and publish again; X will not accept it as it is"),
                    channel=self.name, status=403, platform_code=self._code(exc)) from None
            raise AuthError(
                t("the credentials of {name} may not {what}: {reason}", name=self.name,
                  what=what, reason=self._reason(exc)),
                t("give the X app \"Read and write\" permission, regenerate the access token "
                  "and run `campaignctl channels login {name}`", name=self.name),
                channel=self.name, status=403, platform_code=self._code(exc)) from None
        except tweepy.HTTPException as exc:
            raise Rejected(
                t("X refused to {what}: {reason}", what=what, reason=self._reason(exc)),
                t("fix the post and publish again; X will not accept it as it is"),
                channel=self.name, status=exc.response.status_code,
                platform_code=self._code(exc)) from None
        except requests.RequestException as exc:  # dropped, timed out, unreadable answer
            raise self._network(exc, what, applies) from None

    def _network(self, exc: Exception, what: str, applies: bool) -> ChannelError:
        import requests
        from urllib3.exceptions import NewConnectionError

        never_sent = isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError,
                                      requests.exceptions.ProxyError,
                                      requests.exceptions.InvalidURL)) or any(
            isinstance(a, NewConnectionError) or isinstance(getattr(a, "reason", None),
                                                            NewConnectionError)
            for a in (exc, *exc.args))
        if applies and not never_sent:
            return UnknownOutcome(
                t("the connection to X dropped after the request to {what} was sent; "
                  "it may have been applied", what=what),
                t("check the account before posting it again; the next publish reconciles it"),
                channel=self.name, platform_code="connection-lost")
        return TransientError(
            t("could not reach X to {what} ({kind})", what=what, kind=type(exc).__name__),
            t("check the network (or that `campaignctl sandbox` runs); it will be retried"),
            channel=self.name, platform_code="network")

    def _rate_limited(self, response: Any, what: str) -> RateLimited:
        reset = response.headers.get("x-rate-limit-reset") if response is not None else None
        try:
            retry_at = datetime.fromtimestamp(int(reset), timezone.utc)
        except (TypeError, ValueError):
            retry_at = self.clock() + timedelta(seconds=self.limits.window_seconds)
        return RateLimited(
            t("X rate limit reached while trying to {what}; allowed again at {at}",
              what=what, at=retry_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
            t("wait; the publisher retries after that time"),
            retry_at=retry_at, channel=self.name, status=429, platform_code="429")

    @staticmethod
    def _json(resp: Any) -> dict[str, Any]:
        try:
            body = resp.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def _reason(self, exc: Any) -> str:
        messages = [m for m in getattr(exc, "api_messages", []) if m]
        if messages:
            return "; ".join(messages)
        return self._json(exc.response).get("detail") or f"HTTP {exc.response.status_code}"

    def _code(self, exc: Any) -> str:
        codes = getattr(exc, "api_codes", [])
        if codes:
            return str(codes[0])
        body = self._json(exc.response)
        if "duplicate content" in str(body.get("detail") or ""):
            # Worth its own code: after an unknown outcome it means "already posted".
            return "duplicate"
        ptype = str(body.get("type") or "")
        if ptype and ptype != "about:blank":
            return ptype.rsplit("/", 1)[-1]
        return str(body.get("title") or exc.response.status_code)

    def _call(self, fn: Callable[[Any], Any], what: str, *, applies: bool) -> Any:
        """Run ``fn(client)``; on a 401 with OAuth 2.0, refresh once and try again."""
        import tweepy

        with self._errors(what, applies=applies):
            seen = self._generation
            try:
                return fn(self._tweepy())
            except tweepy.Unauthorized:
                # A 401 means nothing was applied, so a retry after refresh is safe.
                if not self._refresh(seen):
                    raise
                return fn(self._tweepy())

    def _send(self, method: str, path: str, *, applies: bool, raw: bool = False,
              what: str = "upload media", **kwargs: Any) -> Any:
        """A raw request to ``base_url + path`` with this account's auth, mapped like tweepy."""
        import tweepy

        def once() -> Any:
            if path == "/2/oauth2/token":
                auth, headers = kwargs.pop("auth", None), {}
            else:
                auth, headers = self._raw_auth()
            resp = self._http().request(method, self.base_url + path, auth=auth,
                                        headers=headers, **kwargs)
            if raw:
                return resp
            status = resp.status_code
            for code, cls in ((400, tweepy.BadRequest), (401, tweepy.Unauthorized),
                              (403, tweepy.Forbidden), (404, tweepy.NotFound),
                              (429, tweepy.TooManyRequests)):
                if status == code:
                    raise cls(resp)
            if status >= 500:
                raise tweepy.TwitterServerError(resp)
            if not 200 <= status < 300:
                raise tweepy.HTTPException(resp)
            return resp

        with self._errors(what, applies=applies):
            if raw:
                return once()
            seen = self._generation
            try:
                return once()
            except tweepy.Unauthorized:
                if not self._refresh(seen):
                    raise
                return once()

    # --- publish ---------------------------------------------------------------------
    def publish(self, post: RenderedPost, progress: Progress | None = None) -> Published:
        """Upload media, then post each part as a reply to the one before (a thread)."""
        parts = [p for p in post.parts if p.strip()] or ([""] if post.media else [])
        if not parts:
            raise Rejected(t("the post for {name} has no text and no media", name=self.name),
                           t("give the post text or media"), channel=self.name)
        media_ids = self._upload_all(post.media, progress)
        options = dict(post.options or {})
        ids: list[str] = []
        for index, text in enumerate(parts):
            kwargs: dict[str, Any] = {"text": text, "user_auth": self._user_auth}
            if ids:
                kwargs["in_reply_to_tweet_id"] = ids[-1]
            if options.get("reply_settings"):
                kwargs["reply_settings"] = options["reply_settings"]
            if index == 0:
                kwargs.update(self._first_part_options(options))
                if media_ids:
                    kwargs["media_ids"] = media_ids
            what = t("post part {n} of {total}", n=index + 1, total=len(parts))
            try:
                resp = self._call(lambda c: c.create_tweet(**kwargs), what, applies=True)
            except UnknownOutcome:
                raise  # parts already posted stay: find_recent rebuilds the thread
            except ChannelError as exc:
                self._roll_back(ids, exc)
                raise
            ids.append(str(resp.data["id"]))
        return Published(platform_id=ids[0], url=self._url(ids[0]), ids=ids,
                         extra={"media_ids": media_ids, "parts": len(ids)})

    @staticmethod
    def _first_part_options(options: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if options.get("quote_tweet_id"):
            out["quote_tweet_id"] = str(options["quote_tweet_id"])
        if options.get("for_super_followers_only"):
            out["for_super_followers_only"] = True
        poll = options.get("poll")
        if poll:
            out["poll_options"] = list(poll.get("options") or [])
            out["poll_duration_minutes"] = int(poll.get("duration_minutes") or 1440)
        return out

    def _roll_back(self, ids: list[str], cause: ChannelError) -> None:
        """A thread is all or nothing: remove the parts already posted before re-raising."""
        for tid in reversed(ids):
            try:
                self._delete_one(tid)
            except ChannelError:
                raise UnknownOutcome(
                    t("part of the thread was posted ({ids}) and could not be removed after: "
                      "{cause}", ids=", ".join(ids), cause=cause.message),
                    t("delete those posts by hand or retract, then publish again"),
                    channel=self.name, status=cause.status,
                    platform_code=cause.platform_code) from None

    @staticmethod
    def _url(tid: str) -> str:
        return f"https://x.com/i/web/status/{tid}"

    # --- media -------------------------------------------------------------------------
    def _upload_all(self, media: list[Media], progress: Progress | None) -> list[str]:
        sizes = [m.path.stat().st_size for m in media]
        total, sent = sum(sizes), 0

        def advance(n: int) -> None:
            nonlocal sent
            sent += n
            if progress:
                progress(sent, total)

        return [self._upload(m, size, advance) for m, size in zip(media, sizes)]

    def _upload(self, media: Media, size: int, advance: Callable[[int], None]) -> str:
        """INIT, APPEND in chunks, FINALIZE, poll STATUS while processing, then alt text."""
        kind = media.kind or "image"
        mime = media.mime or mimetypes.guess_type(str(media.path))[0] or (
            "video/mp4" if kind == "video" else "image/png")
        name = media.path.name
        init = self._send("POST", "/2/media/upload/initialize", applies=False,
                          json={"media_type": mime, "total_bytes": size,
                                "media_category": CATEGORY.get(kind, "tweet_image")})
        media_id = str(self._json(init)["data"]["id"])
        with media.path.open("rb") as fh:
            index = 0
            while chunk := fh.read(self.chunk_size):
                self._send("POST", f"/2/media/upload/{media_id}/append", applies=False,
                           files={"media": (name, chunk, "application/octet-stream")},
                           data={"segment_index": str(index)})
                advance(len(chunk))
                index += 1
        final = self._json(self._send("POST", f"/2/media/upload/{media_id}/finalize",
                                      applies=False))
        self._wait_processed(media_id, final.get("data") or {}, name)
        if media.alt:
            self._send("POST", "/2/media/metadata", applies=False,
                       json={"id": media_id, "metadata": {"alt_text": {"text": media.alt}}})
        return media_id

    def _wait_processed(self, media_id: str, data: dict[str, Any], name: str) -> None:
        deadline = time.monotonic() + self.media_wait_seconds
        info = data.get("processing_info") or {}
        while info.get("state") in ("pending", "in_progress"):
            if time.monotonic() > deadline:
                raise TransientError(
                    t("X is still processing {file} after {secs} seconds", file=name,
                      secs=int(self.media_wait_seconds)),
                    t("try again later; large videos can take minutes"), channel=self.name,
                    platform_code="processing-timeout")
            self.sleep(min(float(info.get("check_after_secs", 1)), 10.0))
            body = self._json(self._send("GET", "/2/media/upload", applies=False,
                                         params={"command": "STATUS", "media_id": media_id}))
            info = (body.get("data") or {}).get("processing_info") or {}
            if info.get("state") == "failed":
                errors = body.get("errors") or [{}]
                detail = (info.get("error") or {}).get("message") or errors[0].get("detail")
                raise Rejected(
                    t("X could not process {file}: {reason}", file=name,
                      reason=detail or "processing failed"),
                    t("re-encode the video as H.264/AAC MP4 within X's limits"),
                    channel=self.name, platform_code="media-processing-failed")

    # --- delete, metrics, check, find_recent ------------------------------------------
    def _delete_one(self, tid: str) -> None:
        try:
            self._call(lambda c: c.delete_tweet(tid, user_auth=self._user_auth),
                       t("delete post {id}", id=tid), applies=False)
        except Rejected as exc:
            if exc.status == 404:  # already gone is what we wanted
                return
            raise

    def delete(self, published: Published) -> None:
        """Delete every part of the thread, last reply first."""
        for tid in reversed(published.ids or [published.platform_id]):
            self._delete_one(tid)

    def metrics(self, published: list[Published]) -> list[Metrics]:
        """public_metrics for each post, ≤100 ids a call; missing posts come back as gaps."""
        out: dict[str, Metrics] = {}
        ids = [p.platform_id for p in published]
        batch = self.limits.metrics_batch
        for start in range(0, len(ids), batch):
            chunk = list(dict.fromkeys(ids[start:start + batch]))
            resp = self._call(
                lambda c: c.get_tweets(chunk, tweet_fields=["public_metrics", "created_at"],
                                       user_auth=self._user_auth),
                t("read metrics"), applies=False)
            for tweet in resp.data or []:
                pm = dict(tweet.data.get("public_metrics") or {})
                if "repost_count" not in pm and "retweet_count" in pm:
                    pm["repost_count"] = pm["retweet_count"]
                values = {k.removesuffix("_count"): int(v) for k, v in pm.items()
                          if k != "retweet_count" and isinstance(v, int)}
                if values:
                    out[str(tweet.id)] = Metrics(str(tweet.id), values)
                else:
                    out[str(tweet.id)] = Metrics(str(tweet.id),
                                                 gap=t("X returned no public metrics"))
            for err in resp.errors or []:
                rid = str(err.get("resource_id") or err.get("value") or "")
                if rid:
                    out[rid] = Metrics(rid, gap=err.get("detail") or err.get("title")
                                       or t("not available"))
        return [out.get(i) or Metrics(i, gap=t("X did not return this post")) for i in ids]

    def _me(self) -> Any:
        resp = self._call(lambda c: c.get_me(user_auth=self._user_auth),
                          t("read the account"), applies=False)
        self._user_id = str(resp.data.id)
        return resp.data

    def check(self) -> CheckReport:
        """GET /2/users/me: whose account this is and how it signs in."""
        me = self._me()
        how = ("OAuth 1.0a user context" if self.auth_mode == "oauth1"
               else "OAuth 2.0 user token")
        # X reports an OAuth 1.0a token's permission in x-access-level ("read",
        # "read-write", ...); absent (OAuth 2.0), posting rights show only on the first post.
        level = {k.lower(): v for k, v in self._http().last_headers.items()}.get(
            "x-access-level", "")
        details = {"user_id": str(me.id), "username": me.username, "auth": self.auth_mode,
                   "access_level": level or None}
        if level and "write" not in level:
            return CheckReport(
                ok=False, details=details,
                summary=t("{name}: @{handle}, read only: cannot post ({how}); give the app "
                          "\"Read and write\" permission and regenerate the access token",
                          name=self.name, handle=me.username, how=how))
        return CheckReport(
            ok=True, details=details,
            summary=t("{name}: @{handle}, can post ({how})", name=self.name,
                      handle=me.username, how=how))

    def find_recent(self, post: RenderedPost, since: datetime) -> Published | None:
        """Find this post's first part on the account's timeline after ``since``, and the
        replies that continue it, to reconcile an unknown outcome."""
        parts = [p for p in post.parts if p.strip()]
        if not parts:
            return None
        user_id = self._user_id or str(self._me().id)
        start = since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        tweets: list[Any] = []
        token: str | None = None
        for _ in range(self.find_recent_pages):
            params: dict[str, Any] = {"start_time": start, "max_results": 100,
                                      "user_auth": self._user_auth,
                                      "tweet_fields": ["created_at", "conversation_id",
                                                       "referenced_tweets"]}
            if token:
                params["pagination_token"] = token
            resp = self._call(lambda c: c.get_users_tweets(user_id, **params),
                              t("read recent posts"), applies=False)
            tweets.extend(resp.data or [])
            token = (resp.meta or {}).get("next_token")
            if not token:
                break
        tweets.sort(key=lambda tw: int(tw.id))  # oldest first
        want = [_comparable(p) for p in parts]
        first = next((tw for tw in tweets if _comparable(tw.text) == want[0]), None)
        if first is None:
            return None
        ids = [str(first.id)]
        for text in want[1:]:
            reply = next((tw for tw in tweets if _comparable(tw.text) == text and any(
                ref.id == int(ids[-1]) and ref.type == "replied_to"
                for ref in (tw.referenced_tweets or []))), None)
            if reply is None:
                break
            ids.append(str(reply.id))
        return Published(platform_id=ids[0], url=self._url(ids[0]), ids=ids,
                         extra={"parts": len(ids), "complete": len(ids) == len(parts),
                                "reconciled": True})
