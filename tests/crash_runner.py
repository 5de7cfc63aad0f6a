"""A publish run in its own process, for crash and race tests; also the test-only fake platform.

    python tests/crash_runner.py --ledger URL --sandbox URL --count N --at ISO
        [--platform fake|x|facebook] [--block before|after] [--block-index I] [--ready FILE]

With --block, the run stops at that point of the send of entry I (before the request, or
after the platform answered but before the ledger write), touches FILE and waits to be
killed. Without it, the run publishes and prints the summary as JSON.

The fake platform is a small ``Emulator`` subclass served by the real ``Sandbox`` core (same
latency, rate limits and fault injection), with a ``Channel`` subclass talking real HTTP to
it: a fake, not a mock, for engine logic while the platform emulators are being written.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from campaignctl.channels.base import Channel, CheckReport, Limits  # noqa: E402
from campaignctl.errors import (  # noqa: E402
    AuthError,
    RateLimited,
    Rejected,
    TransientError,
    UnknownOutcome,
)
from campaignctl.models import Account, Metrics, PlanEntry, Published, RenderedPost  # noqa: E402
from campaignctl.sandbox.core import Emulator, Request, Response  # noqa: E402

TOKEN = "fake-token-123"
_ids = itertools.count(1000)


class FakeEmulator(Emulator):
    """A tiny platform: POST /posts, GET /posts, DELETE /posts/<id>; bearer token auth."""

    name = "fake"

    def reset(self) -> None:
        self.stored: list[dict[str, Any]] = []

    def handle(self, req: Request) -> Response:
        if req.bearer() != TOKEN:
            return Response(401, {"error": "invalid token"})
        if req.method == "POST" and req.path == "/posts":
            body = req.json() or {}
            text = body.get("text", "")
            if "REJECT" in text:
                return Response(400, {"error": "duplicate content is not allowed"})
            post = {"id": str(next(_ids)), "text": text, "created_at": self.clock()}
            self.stored.append(post)
            return Response(201, post)
        if req.method == "GET" and req.path == "/posts":
            return Response(200, {"posts": self.stored})
        if req.method == "DELETE" and req.path.startswith("/posts/"):
            pid = req.path.rsplit("/", 1)[1]
            before = len(self.stored)
            self.stored = [p for p in self.stored if p["id"] != pid]
            return Response(200 if len(self.stored) < before else 404, {"deleted": True})
        return Response(404, {"error": "no such endpoint"})

    def error(self, kind: str, req: Request, reset_at: float | None = None) -> Response:
        if kind == "429":
            return Response(429, {"error": "slow down"},
                            {"x-rate-limit-reset": str(int(reset_at or self.clock()))})
        if kind == "expired_token":
            return Response(401, {"error": "token expired"})
        return Response(503, {"error": "server busy"})

    def posts(self) -> list[dict[str, Any]]:
        return list(self.stored)


class FakeChannel(Channel):
    """A Channel over real HTTP to FakeEmulator; error mapping like a real adapter's."""

    platform = "fake"
    default_base_url = "http://127.0.0.1:9/fake"
    limits: ClassVar[Limits] = Limits(text_max=1000, requests_per_window=10_000,
                                      window_seconds=60, max_concurrency=4, can_delete=True)

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            resp = requests.request(method, self.base_url + path, timeout=self.timeout,
                                    headers={"Authorization": f"Bearer {TOKEN}"}, **kw)
        except (requests.ConnectTimeout, requests.exceptions.SSLError) as exc:
            raise TransientError(f"cannot connect: {type(exc).__name__}",
                                 channel=self.name) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            if "NewConnectionError" in repr(exc) or "Connection refused" in repr(exc):
                raise TransientError("cannot connect", channel=self.name) from None
            raise UnknownOutcome(f"no answer: {type(exc).__name__}", channel=self.name) from None
        body = resp.json() if resp.content else {}
        message = body.get("error", "") if isinstance(body, dict) else ""
        if resp.status_code == 401:
            raise AuthError(message, channel=self.name, status=401)
        if resp.status_code == 429:
            reset = resp.headers.get("x-rate-limit-reset")
            at = datetime.fromtimestamp(int(reset), timezone.utc) if reset else None
            raise RateLimited(message, retry_at=at, channel=self.name, status=429)
        if resp.status_code >= 500:
            raise TransientError(message, channel=self.name, status=resp.status_code)
        if resp.status_code >= 400:
            raise Rejected(message, channel=self.name, status=resp.status_code)
        return body

    def publish(self, post: RenderedPost, progress: Any = None) -> Published:
        body = self._call("POST", "/posts", json={"text": post.text})
        return Published(body["id"], f"{self.base_url}/posts/{body['id']}", [body["id"]])

    def delete(self, published: Published) -> None:
        self._call("DELETE", f"/posts/{published.platform_id}")

    def metrics(self, published: list[Published]) -> list[Metrics]:
        return [Metrics(p.platform_id) for p in published]

    def check(self) -> CheckReport:
        return CheckReport(True, "fake")

    def find_recent(self, post: RenderedPost, since: datetime) -> Published | None:
        for p in self._call("GET", "/posts")["posts"]:
            if p["text"] == post.text and p["created_at"] >= since.timestamp():
                return Published(p["id"], f"{self.base_url}/posts/{p['id']}", [p["id"]])
        return None


class NoDelete(FakeChannel):
    """Like TikTok: no delete API."""

    def delete(self, published: Published) -> None:
        from campaignctl.errors import NotSupported

        raise NotSupported("this platform has no delete API", channel=self.name)


def fake_account(name: str = "fake-a") -> Account:
    return Account(name=name, platform="fake")


def entry(i: int, at: datetime, channel: str = "fake-a", platform: str = "fake",
          campaign: str = "crash", text: str | None = None, **kw: Any) -> PlanEntry:
    """A scheduled plan entry with a rendered post whose text is unique per (i, channel)."""
    post = f"p{i}"
    rendered = RenderedPost(campaign, post, channel, platform, at,
                            [text if text is not None else f"post {i} on {channel}"], **kw)
    return PlanEntry(campaign, post, channel, platform, at, rendered=rendered)


def pg_schema_url(base: str, schema: str | None = None) -> tuple[str, str]:
    """A URL whose search_path is a fresh schema (created here); returns (url, schema)."""
    import psycopg

    schema = schema or f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        c.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


def pg_drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class BlockHook:
    """Stops the process at one point of one entry's send, so the test can SIGKILL it."""

    def __init__(self, where: str, key: str, ready: Path) -> None:
        self.where, self.key, self.ready = where, key, ready

    def _block(self, entry: PlanEntry) -> None:
        if entry.key == self.key:
            self.ready.write_text("ready")
            while True:
                time.sleep(60)

    def before_send(self, entry: PlanEntry) -> None:
        if self.where == "before":
            self._block(entry)

    def after_send(self, entry: PlanEntry, published: Published) -> None:
        if self.where == "after":
            self._block(entry)


def main(argv: list[str] | None = None) -> int:
    from campaignctl.channels import open_channel
    from campaignctl.ledger import Ledger
    from campaignctl.publish import Publisher
    from campaignctl.sandbox import SandboxSecrets

    ap = argparse.ArgumentParser()
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--at", required=True)
    ap.add_argument("--platform", default="fake")
    ap.add_argument("--block", choices=("before", "after"))
    ap.add_argument("--block-index", type=int, default=0)
    ap.add_argument("--ready")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--go", type=float, help="epoch seconds at which to start publishing")
    args = ap.parse_args(argv)

    at = datetime.fromisoformat(args.at)
    channel_name = f"{args.platform}-a"
    entries = [entry(i, at, channel=channel_name, platform=args.platform)
               for i in range(args.count)]
    hooks = None
    if args.block:
        hooks = BlockHook(args.block, entries[args.block_index].key, Path(args.ready))

    def channel_for(name: str) -> Channel:
        if args.platform == "fake":
            return FakeChannel(fake_account(name), None,  # type: ignore[arg-type]
                               base_url=f"{args.sandbox}/fake", timeout=5.0)
        options = {}
        if args.platform == "facebook":
            from campaignctl.sandbox.facebook import PAGE_ID

            options = {"page_id": PAGE_ID}
        account = Account(name=name, platform=args.platform, options=options)
        return open_channel(account, SandboxSecrets(), sandbox_url=args.sandbox)

    ledger = Ledger.open(args.ledger)
    publisher = Publisher(ledger, channel_for, concurrency=args.concurrency, hooks=hooks,
                          sleep=lambda s: time.sleep(min(s, 0.05)), backoff_base=0.01,
                          deadline=timedelta(seconds=30))
    while args.go and time.time() < args.go:  # line racing processes up on one instant
        time.sleep(0.005)
    summary = publisher.publish(entries, datetime.now(timezone.utc))
    print(json.dumps(summary.to_json()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
