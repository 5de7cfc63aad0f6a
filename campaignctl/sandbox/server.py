"""The sandbox server: one loopback HTTP port, one emulator per platform under its own prefix.

    http://127.0.0.1:PORT/x/...          X API v2 (and v1.1 media upload)
    http://127.0.0.1:PORT/facebook/...   Graph API
    http://127.0.0.1:PORT/youtube/...    YouTube Data API v3 (+ /youtube/token for OAuth)
    http://127.0.0.1:PORT/tiktok/...     TikTok Content Posting API
    http://127.0.0.1:PORT/_sandbox/...   control API (what was received, faults, reset)

What every emulator shares (latency, rate-limit windows, injected faults and the record of
requests) is in core.py; each platform module answers requests in its platform's own shapes.

Control API (JSON):
    GET  /_sandbox/health                    {"ok": true, "platforms": [...], "workspace":
                                              "/path" or null} (cheap: is a sandbox there,
                                              and whose world does it hold?)
    GET  /_sandbox/posts                     every emulator's stored posts
    GET  /_sandbox/requests?platform=x       requests received (headers minus Authorization)
    POST /_sandbox/config/<platform>         {"latency_ms": 50, "rate_limit": {"requests": 5,
                                              "window_seconds": 60}, "faults": [
                                              {"kind": "5xx", "count": 2, "path": "/2/tweets"}]}
    POST /_sandbox/reset                     forget posts, requests, faults and config
Fault kinds: "5xx", "429", "timeout_after_apply" (the request is applied, then the connection
drops with no answer), "expired_token".
"""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .core import DropConnection, Emulator, EmulatorConfig, Request, Response
from .facebook import FacebookEmulator
from .tiktok import TikTokEmulator
from .x import XEmulator
from .youtube import YouTubeEmulator

# How often the serve loop checks for stop(): socketserver's default 0.5 s made every
# in-process sandbox (each test, each `publish --sandbox`) cost half a second to stop.
_STOP_POLL_SECONDS = 0.02


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle on, each keep-alive answer
    # waits for the client's delayed ACK (~40 ms a request). TCP_NODELAY: ~1 ms.
    disable_nagle_algorithm = True
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the record
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        prefix, _, rest = split.path.lstrip("/").partition("/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = self.headers.get("host", f"127.0.0.1:{self.server.server_address[1]}")
        req = Request(self.command, "/" + rest, parse_qs(split.query, keep_blank_values=True),
                      headers, body, f"http://{host}{self.path}")
        sandbox = self.server.sandbox
        try:
            if prefix == "_sandbox":
                resp = sandbox.control(req)
            elif prefix in sandbox.emulators:
                resp = sandbox.emulators[prefix].dispatch(req)
            else:
                resp = Response(404, {"error": f"no emulator at /{prefix}"})
        except DropConnection:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        except Exception as exc:  # an emulator bug must not hang the client
            resp = Response(500, {"error": f"sandbox error: {type(exc).__name__}: {exc}"})
        payload, ctype = resp.encode()
        self.send_response(resp.status)
        if ctype and not any(k.lower() == "content-type" for k in resp.headers):
            self.send_header("Content-Type", ctype)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: "Sandbox"


class Sandbox:
    """All four emulators behind one loopback port; use as a context manager in tests.

    ``workspace`` names the workspace whose world it holds (None: no workspace's), and its
    health answer says so: a command then uses only its own workspace's sandbox, never one
    another workspace on the same machine started."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 clock: Callable[[], float] = time.time,
                 emulators: dict[str, Emulator] | None = None,
                 workspace: str | None = None) -> None:
        if emulators is None:
            emulators = default_emulators(clock)
        self.emulators = emulators
        self.clock = clock
        self.workspace = workspace
        self._server = _Server((host, port), _Handler)
        self._server.sandbox = self
        self._thread: threading.Thread | None = None
        for name, emulator in self.emulators.items():
            emulator.base_url = f"{self.url}/{name}"

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, platform: str) -> str:
        """The base URL a channel of ``platform`` uses instead of the real API."""
        return f"{self.url}/{platform}"

    def start(self) -> "Sandbox":
        self._thread = threading.Thread(target=self._server.serve_forever, name="sandbox",
                                        kwargs={"poll_interval": _STOP_POLL_SECONDS},
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl-C."""
        self._thread = threading.current_thread()
        self._server.serve_forever(poll_interval=_STOP_POLL_SECONDS)

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a serve loop, so only if one ran
            self._server.shutdown()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def save_state(self, path: Path) -> None:
        """Keep every emulator's posts in ``path`` so a later run sees the same world.

        pickle is fine here: the file is written and read only by campaignctl itself, in
        the user's own workspace, like a cache."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps({n: em.export_state() for n, em in self.emulators.items()}))
        tmp.replace(path)

    def load_state(self, path: Path) -> bool:
        """Restore what save_state kept; False (and a fresh world) if unreadable."""
        try:
            saved = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                TypeError, ValueError):
            return False
        for name, state in saved.items():
            if name in self.emulators:
                self.emulators[name].import_state(state)
        return True

    def configure(self, platform: str, **settings: Any) -> None:
        """In-process form of POST /_sandbox/config/<platform>."""
        self.emulators[platform].configure(settings)

    def all_posts(self) -> dict[str, list[dict[str, Any]]]:
        out = {}
        for name, em in self.emulators.items():
            with em.lock:
                out[name] = em.posts()
        return out

    def reset(self) -> None:
        for em in self.emulators.values():
            with em.lock:
                em.config = EmulatorConfig()
                em.requests.clear()
                em._window = []
                em.reset()

    def control(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        if req.method == "GET" and parts == ["health"]:
            return Response(200, {"ok": True, "platforms": sorted(self.emulators),
                                  "workspace": self.workspace})
        if req.method == "GET" and parts == ["posts"]:
            return Response(200, self.all_posts())
        if req.method == "GET" and parts == ["requests"]:
            wanted = req.arg("platform")
            return Response(200, {name: em.requests for name, em in self.emulators.items()
                                  if not wanted or name == wanted})
        if req.method == "POST" and len(parts) == 2 and parts[0] == "config":
            if parts[1] not in self.emulators:
                return Response(404, {"error": f"no emulator {parts[1]!r}"})
            try:
                self.emulators[parts[1]].configure(req.json() or {})
            except (TypeError, ValueError) as exc:
                return Response(400, {"error": str(exc)})
            return Response(200, {"ok": True})
        if req.method == "POST" and parts == ["reset"]:
            self.reset()
            return Response(200, {"ok": True})
        return Response(404, {"error": "unknown control call"})


def default_emulators(clock: Callable[[], float] = time.time) -> dict[str, Emulator]:
    """One emulator per built-in platform."""
    return {"x": XEmulator(clock), "facebook": FacebookEmulator(clock),
            "youtube": YouTubeEmulator(clock), "tiktok": TikTokEmulator(clock)}
