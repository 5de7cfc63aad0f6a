"""Desktop OAuth logins: PKCE pairs, a one-shot loopback redirect receiver, and the browser
flow that ties them together for every platform's ``login()``.

The flow: bind 127.0.0.1 on a free (or the registered) port, build the platform's authorize
URL with that redirect URI and a fresh ``state``, hand the URL to ``open_url`` (a browser by
default; the CLI may print it instead), then wait for the one GET the platform redirects the
browser to. The answer's ``state`` must match; ``error=access_denied`` and a timeout become
AuthErrors saying what to do. The authorization code is returned to the adapter, which trades
it for tokens at its platform's token endpoint.

Tests pass an ``open_url`` that GETs the URL with requests: the sandbox's authorize
endpoints redirect straight back with a code, so the whole flow runs over loopback.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import AuthError
from ..i18n import t

DEFAULT_TIMEOUT = 300.0  # five minutes to read a consent screen and click "Allow"
OpenUrl = Callable[[str], Any]
AuthorizeUrlBuilder = Callable[[str, str], str]  # (redirect_uri, state) -> authorize URL


def pkce_pair(encoding: str = "base64url") -> tuple[str, str]:
    """(code_verifier, code_challenge) for PKCE S256 (RFC 7636): the challenge is the
    SHA-256 of the verifier, base64url without padding, or lower-case hex with ``"hex"``."""
    # 64 random bytes give an 86-character verifier, inside RFC 7636's 43-128.
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    if encoding == "hex":
        return verifier, digest.hex()
    if encoding != "base64url":
        raise ValueError(f"unknown PKCE encoding {encoding!r}")
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    """An unguessable ``state`` value tying the redirect to this login attempt (CSRF)."""
    return secrets.token_urlsafe(24)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # the query holds the code
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        split = urlsplit(self.path)
        if split.path.rstrip("/") != self.server.callback_path.rstrip("/") \
                or self.server.result is not None:
            self._answer(404, t("Not the login page."))
            return
        params = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        if params.get("error"):
            body = t("campaignctl login was not completed. You can close this tab and "
                     "return to the terminal.")
        else:
            body = t("campaignctl login complete. You can close this tab and return to "
                     "the terminal.")
        self._answer(200, body)
        self.server.result = params
        self.server.done.set()

    def _answer(self, status: int, text: str) -> None:
        page = (f"<!doctype html><meta charset=utf-8><title>campaignctl</title>"
                f"<p>{html.escape(text)}</p>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(page)


class _Server(HTTPServer):
    callback_path: str
    result: dict[str, str] | None
    done: threading.Event


class LoopbackReceiver:
    """Serves one GET of the OAuth redirect on 127.0.0.1 and keeps its query parameters.

    Use as a context manager: it listens from ``__enter__`` (so the port is known before
    the authorize URL is built) until ``__exit__``."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 path: str = "/callback") -> None:
        self._server = _Server((host, port), _Handler)
        self._server.callback_path = path
        self._server.result = None
        self._server.done = threading.Event()
        self._thread: threading.Thread | None = None
        self.path = path

    @property
    def redirect_uri(self) -> str:
        """The URI to register with the platform and send as ``redirect_uri``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def __enter__(self) -> "LoopbackReceiver":
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="oauth-redirect", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop listening; safe to call twice."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def wait(self, timeout: float) -> dict[str, str] | None:
        """The redirect's query parameters, or None if none arrived within ``timeout``."""
        self._server.done.wait(timeout)
        return self._server.result

    def __repr__(self) -> str:
        return f"<LoopbackReceiver {self.redirect_uri}>"


def run_browser_flow(authorize_url_builder: AuthorizeUrlBuilder, *,
                     open_url: OpenUrl = webbrowser.open, timeout: float = DEFAULT_TIMEOUT,
                     platform: str = "", account: str = "", port: int = 0,
                     path: str = "/callback") -> tuple[str, str]:
    """Open the platform's consent page and wait for its redirect; (code, redirect_uri).

    ``authorize_url_builder(redirect_uri, state)`` makes the authorize URL. Raises AuthError
    on a refusal, a ``state`` that does not match, a missing code or a timeout."""
    state = new_state()
    again = t("run `campaignctl channels login {name}` again", name=account)
    with LoopbackReceiver(port=port, path=path) as receiver:
        url = authorize_url_builder(receiver.redirect_uri, state)
        # webbrowser.open returns False when no browser can be started; the CLI then passes
        # an open_url that shows the URL, so its answer is not ours to judge.
        open_url(url)
        params = receiver.wait(timeout)
        redirect_uri = receiver.redirect_uri
    if params is None:
        raise AuthError(
            t("no answer from the {platform} login page within {secs} seconds",
              platform=platform, secs=f"{timeout:g}"),
            t("{again} and finish the consent in the browser (with --no-browser, open the "
              "printed address yourself)", again=again),
            channel=account or None, platform_code="login-timeout")
    if params.get("error"):
        error = params["error"][:80]
        described = (params.get("error_description") or params.get("error_reason") or "")[:200]
        if error == "access_denied":
            raise AuthError(
                t("the {platform} login of {name} was refused in the browser (access_denied)",
                  platform=platform, name=account),
                t("{again} and allow every permission campaignctl asks for", again=again),
                channel=account or None, platform_code=error)
        raise AuthError(
            t("the {platform} login page answered with an error: {error} {described}",
              platform=platform, error=error, described=described).strip(),
            t("{again}; if it repeats, check the app's redirect URI and client settings at "
              "{platform}", again=again, platform=platform),
            channel=account or None, platform_code=error)
    if not secrets.compare_digest(params.get("state", ""), state):
        raise AuthError(
            t("the {platform} login answer does not belong to this login attempt "
              "(state differs)", platform=platform),
            t("{again}, and close older login tabs before you allow access", again=again),
            channel=account or None, platform_code="state-mismatch")
    code = params.get("code")
    if not code:
        raise AuthError(
            t("the {platform} login page sent no authorization code", platform=platform),
            again, channel=account or None, platform_code="no-code")
    return code, redirect_uri
