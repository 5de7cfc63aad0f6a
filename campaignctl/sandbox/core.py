"""What every emulator shares: the request and response shapes, and the ``Emulator`` base.

The base does the work common to all platforms (latency, rate-limit windows, injected
faults, the record of requests, state kept across restarts); each platform module answers
requests in its platform's own shapes. server.py serves the emulators on one port.

Fault kinds: "5xx", "429", "timeout_after_apply" (the request is applied, then the connection
drops with no answer), "expired_token".
"""

from __future__ import annotations

import itertools
import json
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

FAULT_KINDS = ("5xx", "429", "timeout_after_apply", "expired_token")

@dataclass
class Request:
    method: str
    path: str  # below the platform prefix, e.g. "/2/tweets"
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    url: str  # the full URL as the client sent it (for OAuth 1.0a signatures)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """Form-encoded body fields (first value of each)."""
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def multipart(self) -> dict[str, bytes]:
        """Multipart form-data fields by name (values as bytes)."""
        ctype = self.headers.get("content-type", "")
        raw = f"Content-Type: {ctype}\r\n\r\n".encode() + self.body
        msg = BytesParser(policy=HTTP).parsebytes(raw)
        fields: dict[str, bytes] = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                fields[name] = part.get_payload(decode=True) or b""
        return fields

    def bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes/str as is; None -> empty
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", ""
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json; charset=utf-8"


class DropConnection(Exception):
    """Raised by the core after applying a request whose answer must never arrive."""


@dataclass
class Fault:
    kind: str
    count: int = 1
    path: str | None = None  # only requests whose path contains this
    method: str | None = None


@dataclass
class EmulatorConfig:
    latency_ms: float = 0.0
    # How much faster than the clock the audience reacts: metrics grow with
    # audience_age() = seconds since the post x audience_speed. 1 in tests; rehearsals
    # run faster so a report made seconds after publishing shows hours of reactions.
    audience_speed: float = 1.0
    rate_limit: dict[str, int] | None = None  # {"requests": N, "window_seconds": S}
    faults: list[Fault] = field(default_factory=list)


class Emulator:
    """Base of a platform emulator. Subclasses implement ``handle`` and ``error``."""

    name: str = ""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.config = EmulatorConfig()
        self.requests: list[dict[str, Any]] = []
        self._window: list[float] = []
        self.base_url = ""  # set by the Sandbox once it has a port
        self.consent = "allow"  # what the next login's consent page answers: allow or deny
        self.reset()

    # --- to implement --------------------------------------------------------------
    def reset(self) -> None:
        """Forget every stored post and upload."""

    def handle(self, req: Request) -> Response:
        raise NotImplementedError

    def error(self, kind: str, req: Request, reset_at: float | None = None) -> Response:
        """The platform's own answer for an injected fault or an exhausted rate limit.

        kind is "5xx", "429" (reset_at = epoch seconds) or "expired_token".
        """
        raise NotImplementedError

    def posts(self) -> list[dict[str, Any]]:
        """What `sandbox posts` shows: every post as stored, with its media."""
        return []

    # --- shared by all -------------------------------------------------------------
    def audience_age(self, created: float) -> float:
        """Seconds of audience time since ``created``: what the metric formulas grow with."""
        return max(0.0, (self.clock() - created) * self.config.audience_speed)

    def rate_headers(self) -> dict[str, str]:
        """Remaining-quota headers in X's style; emulators may override or not send them."""
        limit = self.config.rate_limit
        if not limit:
            return {}
        now = self.clock()
        window = limit.get("window_seconds", 900)
        used = len([t for t in self._window if t > now - window])
        reset = int((self._window[0] if self._window else now) + window)
        return {"x-rate-limit-limit": str(limit["requests"]),
                "x-rate-limit-remaining": str(max(0, limit["requests"] - used)),
                "x-rate-limit-reset": str(reset)}

    def _take_fault(self, req: Request) -> Fault | None:
        for fault in self.config.faults:
            if fault.count <= 0:
                continue
            if fault.path and fault.path not in req.path:
                continue
            if fault.method and fault.method.upper() != req.method:
                continue
            fault.count -= 1
            return fault
        return None

    def _rate_limited(self) -> float | None:
        """Count this call; return the reset instant if it exceeds the window's allowance."""
        limit = self.config.rate_limit
        if not limit:
            return None
        now = self.clock()
        window = limit.get("window_seconds", 900)
        self._window = [t for t in self._window if t > now - window]
        if len(self._window) >= limit["requests"]:
            return self._window[0] + window
        self._window.append(now)
        return None

    def dispatch(self, req: Request) -> Response:
        """Latency, faults and rate limits around ``handle``; records the request."""
        with self.lock:
            record = {"method": req.method, "path": req.path, "query": req.query,
                      "at": self.clock(),
                      "headers": {k: v for k, v in req.headers.items() if k != "authorization"}}
            self.requests.append(record)
            fault = self._take_fault(req)
            latency = self.config.latency_ms / 1000.0
        if latency:
            time.sleep(latency)
        with self.lock:
            if fault and fault.kind in ("5xx", "expired_token", "429"):
                reset = self.clock() + 60 if fault.kind == "429" else None
                record["fault"] = fault.kind
                return self.error(fault.kind, req, reset)
            reset_at = self._rate_limited()
            if reset_at is not None:
                record["fault"] = "rate_limited"
                return self.error("429", req, reset_at)
            response = self.handle(req)
            record["status"] = response.status
            if fault and fault.kind == "timeout_after_apply":
                record["fault"] = fault.kind
                raise DropConnection()
            return response

    # What a restart must not keep: wiring, per-run settings and the request log.
    _TRANSIENT = frozenset({"lock", "clock", "config", "requests", "_window", "base_url",
                            "consent"})

    def export_state(self) -> dict[str, Any]:
        """The emulator's stored world (posts, tokens, id counters), picklable."""
        state = {}
        with self.lock:
            for k, v in vars(self).items():
                if k in self._TRANSIENT:
                    continue
                if isinstance(v, itertools.count):
                    v = _Counter(int(repr(v)[6:-1]))
                try:  # anything else that cannot be kept (a live upload) is forgotten
                    pickle.dumps(v)
                except (pickle.PicklingError, TypeError, AttributeError):
                    continue
                state[k] = v
        return state

    def import_state(self, state: dict[str, Any]) -> None:
        """Restore what export_state saved."""
        with self.lock:
            for k, v in state.items():
                setattr(self, k, itertools.count(v.value) if isinstance(v, _Counter) else v)

    def configure(self, body: dict[str, Any]) -> None:
        with self.lock:
            if "latency_ms" in body:
                self.config.latency_ms = float(body["latency_ms"])
            if "audience_speed" in body:
                self.config.audience_speed = float(body["audience_speed"])
            if "consent" in body:
                self.consent = str(body["consent"])
            if "rate_limit" in body:
                self.config.rate_limit = body["rate_limit"]
                self._window = []
            if "faults" in body:
                self.config.faults = [Fault(**f) for f in body["faults"]]


@dataclass(frozen=True)
class _Counter:
    """An itertools.count's next value: counters themselves stop pickling in Python 3.14."""

    value: int
