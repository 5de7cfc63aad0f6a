"""`channels login` end to end over loopback: each adapter's login() opens the emulator's
consent page (through an ``open_url`` that GETs it with requests and follows the redirect
into the loopback receiver), trades the code for tokens, stores them in a 0600 file, and a
publish afterwards works with nothing but the stored token. Refusals, a tampered PKCE
challenge or state, and a timeout end in one clear AuthError line without any token."""

from __future__ import annotations

import json
import stat
import struct
import threading
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from campaignctl.channels.credentials import SecretSource, TokenStore
from campaignctl.channels.facebook import FacebookChannel
from campaignctl.channels.oauth import LoopbackReceiver, pkce_pair, run_browser_flow
from campaignctl.channels.tiktok import TikTokChannel
from campaignctl.channels.x import XChannel
from campaignctl.errors import AuthError, ConfigError, CredentialError
from campaignctl.models import Account, Media, RenderedPost
from campaignctl.sandbox import Sandbox
from campaignctl.sandbox.facebook import APP_CREDENTIALS, PAGE_ID
from campaignctl.sandbox.facebook import CREDENTIALS as FB_PAGE_CREDENTIALS
from campaignctl.sandbox.facebook import FacebookEmulator
from campaignctl.sandbox.tiktok import CREDENTIALS as TT_CREDENTIALS, TikTokEmulator
from campaignctl.sandbox.x import CREDENTIALS as X_CREDENTIALS, XEmulator
from campaignctl.sandbox.youtube import CREDENTIALS as YT_CREDENTIALS, YouTubeEmulator
from support import FakeClock

T0 = 1_800_000_000.0
_CLOCK = FakeClock(T0)


@pytest.fixture(scope="module")
def _server():
    emulators = {"x": XEmulator(_CLOCK), "tiktok": TikTokEmulator(_CLOCK),
                 "facebook": FacebookEmulator(_CLOCK), "youtube": YouTubeEmulator(_CLOCK)}
    with Sandbox(port=0, emulators=emulators) as sb:
        yield sb


@pytest.fixture
def sb(_server: Sandbox) -> Sandbox:
    _CLOCK.now = T0
    _server.reset()
    return _server


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "state" / "tokens.json")


def browser(url: str) -> None:
    """A browser that consents at once: GET the consent page and follow its redirect."""
    requests.get(url, timeout=5)


def tampered(**changes: str):
    """A browser whose authorize URL was altered on the way (to test what the checks catch)."""
    def open_url(url: str) -> None:
        split = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        query.update(changes)
        browser(split._replace(query=urlencode(query)).geturl())
    return open_url


def no_browser(url: str) -> None:
    """Nobody ever opens the page."""


# --- channels whose only credentials are the app's: every token must come from login ------
# Each platform: (make channel, environ values of the app credentials, secrets the app holds)
def x_channel(sb: Sandbox, store: TokenStore, **options) -> XChannel:
    refs = {f: "${X_" + f.upper() + "}" for f in
            ("client_id", "client_secret", "access_token", "refresh_token")}
    env = {"X_CLIENT_ID": X_CREDENTIALS["client_id"],
           "X_CLIENT_SECRET": X_CREDENTIALS["client_secret"]}
    account = Account(name="x-ministry", platform="x", credentials=refs, options=options)
    return XChannel(account, SecretSource(environ=env, token_store=store),
                    base_url=sb.base_url("x"), timeout=5, clock=_CLOCK.aware)


def tiktok_channel(sb: Sandbox, store: TokenStore) -> TikTokChannel:
    refs = {f: "${TIKTOK_" + f.upper() + "}" for f in TT_CREDENTIALS}
    env = {"TIKTOK_CLIENT_KEY": TT_CREDENTIALS["client_key"],
           "TIKTOK_CLIENT_SECRET": TT_CREDENTIALS["client_secret"]}
    account = Account(name="tiktok-dinkes", platform="tiktok", credentials=refs)
    channel = TikTokChannel(account, SecretSource(environ=env, token_store=store),
                            base_url=sb.base_url("tiktok"), timeout=5, clock=_CLOCK.aware)
    channel.poll_interval = 0
    return channel


def facebook_channel(sb: Sandbox, store: TokenStore, page_id: str = PAGE_ID,
                     app_secret: str = APP_CREDENTIALS["app_secret"]) -> FacebookChannel:
    refs = {"page_access_token": "${FB_PAGE_TOKEN}", "app_id": "${FB_APP_ID}",
            "app_secret": "${FB_APP_SECRET}"}
    env = {"FB_APP_ID": APP_CREDENTIALS["app_id"], "FB_APP_SECRET": app_secret}
    account = Account(name="facebook-dinkes", platform="facebook", credentials=refs,
                      options={"page_id": page_id})
    return FacebookChannel(account, SecretSource(environ=env, token_store=store),
                           base_url=sb.base_url("facebook"), timeout=5, clock=_CLOCK.aware)


MAKERS = {"x": x_channel, "tiktok": tiktok_channel, "facebook": facebook_channel}
# What login stores, per platform.
STORED = {"x": {"access_token", "refresh_token", "access_token_expires_at"},
          "tiktok": {"access_token", "refresh_token", "access_token_expires_at"},
          "facebook": {"page_access_token"}}
APP_SECRETS = [X_CREDENTIALS["client_secret"], TT_CREDENTIALS["client_secret"],
               APP_CREDENTIALS["app_secret"]]


def rendered(platform: str, channel: str, tmp_path: Path) -> RenderedPost:
    media = []
    if platform == "tiktok":
        path = tmp_path / "penjelasan.mp4"
        ftyp = struct.pack(">I", 24) + b"ftypmp42" + b"\x00\x00\x00\x00" + b"mp42isom"
        path.write_bytes(ftyp + b"\x00" * (64 * 1024))
        media = [Media(path, alt="Penjelasan", kind="video", mime="video/mp4")]
    return RenderedPost(campaign="booster", post="launch", channel=channel, platform=platform,
                        at=datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc),
                        parts=[f"Vaksinasi booster gratis ({platform})"], media=media)


def stored_values(store: TokenStore) -> list[str]:
    data = json.loads(store.path.read_text())
    return [v for fields in data.values() for v in fields.values() if len(v) > 20]


def assert_no_secret(text: str, store: TokenStore | None = None) -> None:
    values = APP_SECRETS + (stored_values(store) if store and store.path.exists() else [])
    for value in values:
        assert value not in text


# --- the whole flow, per platform -----------------------------------------------------------
@pytest.mark.parametrize("platform", ["x", "tiktok", "facebook"])
def test_login_stores_tokens_for_the_user_only_and_a_publish_then_uses_them(
        platform, sb, store, tmp_path):
    channel = MAKERS[platform](sb, store)
    post = rendered(platform, channel.name, tmp_path)
    with pytest.raises(CredentialError):  # no token anywhere before login
        channel.publish(post)

    channel.login(open_url=browser, timeout=5)

    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    saved = json.loads(store.path.read_text())[channel.name]
    assert set(saved) == STORED[platform]
    # The fixture tokens were not handed out: these are the ones the login issued.
    fixtures = {*X_CREDENTIALS.values(), *TT_CREDENTIALS.values(), *FB_PAGE_CREDENTIALS.values(),
                *APP_CREDENTIALS.values()}
    assert not set(saved.values()) & fixtures
    # A new process (a new adapter on the same store) publishes with the stored token only.
    fresh = MAKERS[platform](sb, TokenStore(store.path))
    published = fresh.publish(post)
    assert published.platform_id
    texts = [p.get("text") for p in sb.emulators[platform].posts()]
    assert post.parts[0] in texts
    assert_no_secret(repr(channel) + repr(fresh) + repr(published), store)


def test_x_login_sends_pkce_s256_and_the_scopes_the_adapter_needs(sb, store):
    seen: list[str] = []

    def record(url: str) -> None:
        seen.append(url)
        browser(url)

    x_channel(sb, store).login(open_url=record, timeout=5)
    query = parse_qs(urlsplit(seen[0]).query)
    assert seen[0].startswith(sb.base_url("x") + "/i/oauth2/authorize?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert set(query["scope"][0].split()) == {"tweet.read", "tweet.write", "users.read",
                                             "offline.access", "media.write"}
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    # The refresh token from the login works for the adapter's own refresh on a 401.
    channel = x_channel(sb, TokenStore(store.path))
    _CLOCK.advance(7201)  # the login's access token has expired
    assert channel.check().ok
    assert store.get("x-ministry", "refresh_token").startswith("sandbox-x-refresh-token-r")


def test_the_registered_redirect_port_is_used_when_the_account_names_one(sb, store):
    import socket

    with socket.socket() as probe:  # a port free right now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen: list[str] = []

    def record(url: str) -> None:
        seen.append(parse_qs(urlsplit(url).query)["redirect_uri"][0])
        browser(url)

    x_channel(sb, store, redirect_port=port).login(open_url=record, timeout=5)
    assert seen == [f"http://127.0.0.1:{port}/callback"]


def test_production_authorize_urls_point_at_the_platforms(sb, store):
    urls: dict[str, str] = {}

    def capture(name):
        def open_url(url: str) -> None:
            urls[name] = url
        return open_url

    for name, make in MAKERS.items():
        channel = make(sb, store)
        channel.base_url = channel.default_base_url  # production, but no request is sent
        with pytest.raises(AuthError):
            channel.login(open_url=capture(name), timeout=0.05)
    assert urls["x"].startswith("https://twitter.com/i/oauth2/authorize?")
    assert urls["tiktok"].startswith("https://www.tiktok.com/v2/auth/authorize/?")
    assert urls["facebook"].startswith("https://www.facebook.com/v24.0/dialog/oauth?")
    assert parse_qs(urlsplit(urls["tiktok"]).query)["scope"] == [
        "user.info.basic,video.publish,video.upload,video.list"]


# --- what goes wrong, table-driven ------------------------------------------------------------
def _deny(platform):
    def setup(sb):
        sb.configure(platform, consent="deny")
    return setup


FAILURES = [
    # (platform, setup, open_url, expected platform_code, words in the message)
    ("x", _deny("x"), browser, "access_denied", "refused in the browser"),
    ("tiktok", _deny("tiktok"), browser, "access_denied", "refused in the browser"),
    ("facebook", _deny("facebook"), browser, "access_denied", "refused in the browser"),
    ("x", None, tampered(code_challenge=pkce_pair()[1]), "invalid_request",
     "X refused the login code"),
    ("tiktok", None, tampered(code_challenge=pkce_pair("hex")[1]), "invalid_request",
     "Code verifier or code challenge is invalid"),
    ("x", None, tampered(state="forged"), "state-mismatch", "state differs"),
    ("tiktok", None, tampered(state="forged"), "state-mismatch", "state differs"),
    ("facebook", None, tampered(state="forged"), "state-mismatch", "state differs"),
    ("x", None, no_browser, "login-timeout", "within 0.3 seconds"),
    ("tiktok", None, no_browser, "login-timeout", "within 0.3 seconds"),
    ("facebook", None, no_browser, "login-timeout", "within 0.3 seconds"),
]


@pytest.mark.parametrize("platform,setup,open_url,code,words", FAILURES,
                         ids=[f"{f[0]}-{f[3]}" for f in FAILURES])
def test_failed_logins_are_one_clear_auth_error_and_store_nothing(
        platform, setup, open_url, code, words, sb, store):
    if setup:
        setup(sb)
    channel = MAKERS[platform](sb, store)
    timeout = 0.3 if open_url is no_browser else 5
    with pytest.raises(AuthError) as caught:
        channel.login(open_url=open_url, timeout=timeout)
    err = caught.value
    assert err.platform_code == code
    line = err.one_line()
    assert line.startswith(f"{channel.name}: AuthError: ") and words in line
    assert f"campaignctl channels login {channel.name}" in line  # says what to do
    assert not store.path.exists()
    assert_no_secret(line + repr(err) + repr(err.args))


def test_tiktok_login_reports_scopes_the_app_was_not_granted(sb, store):
    sb.configure("tiktok", scopes=["user.info.basic", "video.upload"])
    with pytest.raises(AuthError) as caught:
        tiktok_channel(sb, store).login(open_url=browser, timeout=5)
    assert "did not grant video.publish, video.list" in caught.value.one_line()
    assert caught.value.platform_code == "scope_not_authorized"


def test_facebook_login_with_a_wrong_app_secret_or_a_page_the_user_does_not_manage(sb, store):
    with pytest.raises(AuthError) as caught:
        facebook_channel(sb, store, app_secret="not-the-secret").login(open_url=browser,
                                                                        timeout=5)
    assert "Error validating client secret" in caught.value.one_line()
    assert "not-the-secret" not in caught.value.one_line()
    with pytest.raises(AuthError) as caught:
        facebook_channel(sb, store, page_id="999").login(open_url=browser, timeout=5)
    line = caught.value.one_line()
    assert "does not manage Page 999 (manages: Sandbox Page (100000000000001))" in line
    assert not store.path.exists()


def test_facebook_login_with_a_pasted_short_lived_user_token(sb, store):
    emulator: FacebookEmulator = sb.emulators["facebook"]  # type: ignore[assignment]
    short = emulator._new_user_token("short", 3600, frozenset({"pages_show_list"}))
    facebook_channel(sb, store).login(user_token=short["access_token"], open_url=no_browser)
    page_token = store.get("facebook-dinkes", "page_access_token")
    assert page_token in emulator.page_tokens
    with pytest.raises(AuthError) as caught:
        facebook_channel(sb, store).login(user_token="EAAexpired-or-made-up")
    assert "Invalid OAuth access token" in caught.value.one_line()


def test_a_login_code_is_single_use_and_bound_to_its_redirect_and_verifier(sb):
    """The emulators' token endpoints, directly: what a stolen code cannot do."""
    verifier, challenge = pkce_pair()
    url = sb.base_url("x") + "/i/oauth2/authorize?" + urlencode({
        "response_type": "code", "client_id": X_CREDENTIALS["client_id"],
        "redirect_uri": "http://127.0.0.1:9/callback", "scope": "tweet.read offline.access",
        "state": "s", "code_challenge": challenge, "code_challenge_method": "S256"})
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = sb.base_url("x") + "/2/oauth2/token"
    form = {"grant_type": "authorization_code", "code": code, "client_id":
            X_CREDENTIALS["client_id"], "redirect_uri": "http://127.0.0.1:9/callback"}
    wrong = requests.post(token, data={**form, "code_verifier": pkce_pair()[0]}, timeout=5)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_request"
    again = requests.post(token, data={**form, "code_verifier": verifier}, timeout=5)
    assert again.status_code == 400  # the failed try used the code up


def test_x_login_is_refused_for_oauth1_accounts_and_without_a_token_store(sb, store):
    account = Account(name="x-old", platform="x", credentials={
        f: "${X}" for f in ("consumer_key", "consumer_secret", "access_token",
                            "access_token_secret")})
    with pytest.raises(ConfigError, match="OAuth 1.0a"):
        XChannel(account, SecretSource(environ={}), base_url=sb.base_url("x")).login(
            open_url=no_browser)
    channel = x_channel(sb, store)
    channel.secrets.tokens = None
    with pytest.raises(CredentialError, match="no token store"):
        channel.login(open_url=no_browser)


# --- the receiver itself ------------------------------------------------------------------
def test_receiver_answers_a_closing_page_ignores_other_paths_and_frees_its_port():
    with LoopbackReceiver(path="/callback") as receiver:
        uri = receiver.redirect_uri
        assert uri.startswith("http://127.0.0.1:") and uri.endswith("/callback")
        assert requests.get(uri.replace("/callback", "/favicon.ico"), timeout=5).status_code \
            == 404
        page = requests.get(uri + "?code=abc&state=s", timeout=5)
        assert page.status_code == 200 and "close this tab" in page.text
        assert receiver.wait(1) == {"code": "abc", "state": "s"}
        assert requests.get(uri + "?code=again", timeout=5).status_code == 404  # one only
        assert "abc" not in repr(receiver)
    with pytest.raises(requests.ConnectionError):
        requests.get(uri, timeout=2)


def test_run_browser_flow_returns_the_code_and_the_redirect_it_used():
    def consent(url: str) -> None:
        query = parse_qs(urlsplit(url).query)
        # The page answers in another thread, as a real browser would.
        threading.Thread(target=requests.get, args=(
            query["redirect_uri"][0] + "?" + urlencode({"code": "c0de", "state":
                                                       query["state"][0]}),),
            kwargs={"timeout": 5}).start()

    code, redirect = run_browser_flow(
        lambda uri, state: "https://example.invalid/auth?" + urlencode(
            {"redirect_uri": uri, "state": state}),
        open_url=consent, timeout=5, platform="Test", account="acct")
    assert code == "c0de" and redirect.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("encoding,length", [("base64url", 43), ("hex", 64)])
def test_pkce_pairs_are_fresh_and_rfc7636_shaped(encoding, length):
    import base64
    import hashlib

    (v1, c1), (v2, _) = pkce_pair(encoding), pkce_pair(encoding)
    assert v1 != v2 and 43 <= len(v1) <= 128 and len(c1) == length
    digest = hashlib.sha256(v1.encode()).digest()
    assert c1 == (digest.hex() if encoding == "hex"
                  else base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


# --- YouTube: google-auth-oauthlib's Flow with our loopback receiver ----------------------------
def _youtube(sb, store):
    from campaignctl.channels.youtube import YouTubeChannel

    refs = {f: "${YT_" + f.upper() + "}" for f in
            ("client_id", "client_secret", "refresh_token", "access_token")}
    env = {"YT_CLIENT_ID": YT_CREDENTIALS["client_id"],
           "YT_CLIENT_SECRET": YT_CREDENTIALS["client_secret"]}
    account = Account(name="youtube-dinkes", platform="youtube", credentials=refs)
    return lambda st: YouTubeChannel(account, SecretSource(environ=env, token_store=st),
                                     base_url=sb.base_url("youtube"), timeout=5,
                                     clock=_CLOCK.aware)


def test_youtube_login_against_the_emulator(sb, store, capsys):
    """The consent URL comes from google-auth-oauthlib's Flow (PKCE S256) and points at the
    emulator's consent page in the sandbox; the code is exchanged by the Flow; nothing is
    printed (the library's run_local_server would print its prompt to stdout)."""
    visited: list[str] = []

    def open_url(url: str) -> bool:
        visited.append(url)
        return browser(url)

    make = _youtube(sb, store)
    make(store).login(open_url=open_url, timeout=5)

    query = parse_qs(urlsplit(visited[0]).query)
    assert visited[0].startswith(sb.base_url("youtube") + "/o/oauth2/auth?")
    assert query["code_challenge_method"] == ["S256"] and query["access_type"] == ["offline"]
    saved = json.loads(store.path.read_text())["youtube-dinkes"]
    assert saved["refresh_token"].startswith("1//sandbox-")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert make(TokenStore(store.path)).check().ok  # a new process uses the stored token
    assert capsys.readouterr().out == ""


def test_youtube_login_refused_or_abandoned_is_one_auth_line(sb, store):
    make = _youtube(sb, store)
    sb.configure("youtube", consent="deny")
    with pytest.raises(AuthError) as refused:
        make(store).login(open_url=browser, timeout=5)
    assert "access_denied" in refused.value.one_line()
    with pytest.raises(AuthError) as late:
        make(store).login(open_url=lambda url: True, timeout=0.05)
    assert "channels login youtube-dinkes" in late.value.one_line()
    assert not store.path.exists() or "youtube-dinkes" not in store.path.read_text()
