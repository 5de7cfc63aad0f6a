"""`publish` of 1,000 due posts (250 each on X, Facebook, YouTube and TikTok) into the sandbox
with 50 ms of latency per request, 8 workers, against the least time that traffic can take.

Goal: wall time within 1.3x of the ideal = (HTTP requests the sandbox received x
latency) / concurrency, with zero duplicates and every post published.

How it is measured
- The engine path is ``Publisher.publish`` over ``PlanEntry``s with ``RenderedPost``s built
  here (no YAML, no Jinja): the benchmark times the engine, not the renderer.
- The real adapters (tweepy, facebook-sdk, google-api-python-client, requests) talk HTTP to
  the sandbox in a process of its own, as the real platforms are elsewhere: the emulators'
  CPU and GIL are not the engine's, so the ratio measures campaignctl. Every emulator gets
  ``latency_ms``; the sandbox's control API configures it and reports what it received.
- Requests are counted from each emulator's request log, since YouTube (resumable session +
  upload) and TikTok (creator info, init, upload, status) need several per post.
- ``rate_limits=False``: the channels' declared windows are for the real platforms (X: 100
  per 15 min) and would stretch the run to hours. The per-channel concurrency caps
  (``Limits.max_concurrency``) still apply, and so does any 429 the sandbox answers: the
  benchmark counts those and fails when a post ends anything but published.
- The sandbox's own quotas are raised for the volume, as an office with a raised quota would
  have them: YouTube 1,000 inserts a day (default 100), TikTok's per-minute endpoint windows
  off (6 inits a minute would take 40 minutes), TikTok processing done at the first status
  check (its adapter waits 3 s between checks, the real platform's pace).
- Duplicates: every text carries ``[bench-N]``; the emulators' stored posts are counted per
  marker.

    python benchmarks/bench_publish.py [--posts 1000] [--latency-ms 50] [--concurrency 8]
                                       [--postgres postgresql+psycopg://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PLATFORMS = ("x", "facebook", "youtube", "tiktok")
BOUND = 1.3
MARK = re.compile(r"\[bench-(\d+)\]")


@dataclass
class BenchResult:
    """One run's numbers."""

    ledger: str
    posts: int
    latency_ms: float
    concurrency: int
    wall: float
    requests: dict[str, int]
    outcomes: dict[str, int]
    stored: dict[str, int]  # posts the emulators hold, per platform
    duplicates: dict[str, int]  # marker -> copies, only where more than one
    missing: list[int]  # markers no emulator holds
    rate_limited: int  # 429 answers (injected or from a window) the sandbox gave
    per_post: dict[str, float] = field(default_factory=dict)
    lanes_used: dict[str, int] = field(default_factory=dict)  # lanes each platform had

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def ideal(self) -> float:
        """Every request's latency, spread perfectly over the workers."""
        return self.total_requests * self.latency_ms / 1000.0 / self.concurrency

    @property
    def ratio(self) -> float:
        return self.wall / self.ideal if self.ideal else float("inf")

    @property
    def floor(self) -> float:
        """The least time with the per-channel lane caps: a platform with L lanes cannot
        get through its requests faster than requests x latency / L."""
        capped = [self.requests[p] * self.latency_ms / 1000.0 / n
                  for p, n in self.lanes_used.items() if n]
        return max([self.ideal, *capped])

    @property
    def correct(self) -> bool:
        """Every post published exactly once."""
        return (not self.duplicates and not self.missing
                and self.outcomes == {"published": self.posts})

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict of the numbers."""
        return {"ledger": self.ledger, "posts": self.posts, "latency_ms": self.latency_ms,
                "concurrency": self.concurrency, "wall_s": round(self.wall, 3),
                "ideal_s": round(self.ideal, 3), "ratio": round(self.ratio, 3),
                "lane_floor_s": round(self.floor, 3), "lanes": self.lanes_used,
                "requests": self.requests, "requests_per_post": self.per_post,
                "outcomes": self.outcomes, "stored": self.stored,
                "duplicates": self.duplicates, "missing": self.missing,
                "rate_limited": self.rate_limited}


def tiny_mp4(folder: Path) -> Path:
    """The test suite's tiny valid MP4 (ftyp + moov + mdat), written into ``folder``."""
    spec = importlib.util.spec_from_file_location(
        "_media_generate", REPO / "tests" / "data" / "media" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = folder / "clip.mp4"
    path.write_bytes(module.mp4())
    return path


def accounts() -> dict[str, Any]:
    """The four sandbox accounts, as `campaignctl init` writes them in channels.yaml."""
    from campaignctl.models import Account

    return {
        "x": Account("x", "x", sandbox=True, credentials={
            k: f"${{X_{k.upper()}}}" for k in ("consumer_key", "consumer_secret",
                                              "access_token", "access_token_secret")}),
        "facebook": Account("facebook", "facebook", sandbox=True,
                            credentials={"page_access_token": "${FACEBOOK_PAGE_TOKEN}"},
                            options={"page_id": "100000000000001", "graph_version": "v24.0"}),
        "youtube": Account("youtube", "youtube", sandbox=True, credentials={
            k: f"${{YOUTUBE_{k.upper()}}}" for k in ("client_id", "client_secret",
                                                    "refresh_token")}),
        "tiktok": Account("tiktok", "tiktok", sandbox=True, credentials={
            k: f"${{TIKTOK_{k.upper()}}}" for k in ("client_key", "client_secret",
                                                   "access_token", "refresh_token")}),
    }


def due_entries(posts: int, video: Path, now: datetime) -> list[Any]:
    """``posts`` entries due in the last minutes, spread evenly over the four platforms."""
    from campaignctl.models import Media, PlanEntry, RenderedPost

    clip = Media(video, alt="Penjelasan", kind="video", mime="video/mp4")
    entries = []
    for i in range(posts):
        platform = PLATFORMS[i % len(PLATFORMS)]
        at = now - timedelta(minutes=1 + i % 30)
        text = f"Vaksin booster gratis di Puskesmas {i % 97}. Hotline 119. [bench-{i}]"
        media: list[Media] = []
        options: dict[str, Any] = {}
        if platform == "youtube":
            media, options = [clip], {"title": f"Booster gratis [bench-{i}]",
                                      "privacy": "public"}
        elif platform == "tiktok":
            media, options = [clip], {"privacy_level": "PUBLIC_TO_EVERYONE"}
        rendered = RenderedPost("bench", f"post-{i}", platform, platform, at, [text], media,
                                options)
        entries.append(PlanEntry("bench", f"post-{i}", platform, platform, at,
                                 rendered=rendered))
    return entries


_SERVE = ("import sys; from campaignctl.sandbox import Sandbox; sb = Sandbox(port=0).start(); "
          "print(sb.url, flush=True); sys.stdin.read(); sb.stop()")


class SandboxProcess:
    """The four emulators in a child process (until its stdin closes), driven over the
    sandbox's control API: configure, the requests each received, the posts it holds."""

    def __enter__(self) -> SandboxProcess:
        self.proc = subprocess.Popen([sys.executable, "-c", _SERVE], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.__exit__()
            raise RuntimeError("the sandbox process did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)

    def _call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    def configure(self, platform: str, **settings: Any) -> None:
        self._call(f"config/{platform}", settings)

    def requests(self, platform: str) -> list[dict[str, Any]]:
        return self._call(f"requests?platform={platform}")[platform]

    def all_posts(self) -> dict[str, list[dict[str, Any]]]:
        return self._call("posts")


def prepare_sandbox(sandbox: Any, latency_ms: float) -> None:
    """Latency on every emulator; quotas raised for the benchmark's volume (see above)."""
    for platform in PLATFORMS:
        sandbox.configure(platform, latency_ms=latency_ms)
    sandbox.configure("youtube", quota={"inserts_per_day": 1000})
    sandbox.configure("tiktok", endpoint_limits=False, polls_to_complete=1,
                      processing_seconds=0.0)


def count_markers(stored: dict[str, list[dict[str, Any]]]) -> Counter[int]:
    """How many stored posts carry each ``[bench-N]`` marker (a post counts once)."""
    copies: Counter[int] = Counter()
    for posts in stored.values():
        for post in posts:
            for marker in set(MARK.findall(json.dumps(post, ensure_ascii=False))):
                copies[int(marker)] += 1
    return copies


@dataclass
class _Ledger:
    url: str
    cleanup: Callable[[], None]


def _ledger_url(folder: Path, postgres: str | None) -> _Ledger:
    if not postgres:
        return _Ledger(f"sqlite:///{folder / 'ledger.db'}", lambda: None)
    import psycopg

    # A schema of its own, so the run starts empty and never touches other data.
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    plain = postgres.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    sep = "&" if "?" in postgres else "?"
    return _Ledger(f"{postgres}{sep}options=-csearch_path%3D{schema}", drop)


def run(posts: int = 1000, latency_ms: float = 50.0, concurrency: int = 8,
        postgres: str | None = None) -> BenchResult:
    """Publish ``posts`` due entries into a fresh sandbox and ledger; return the numbers.

    The Publisher runs with ``rate_limits=False``: the sandbox's own limits (429s with reset
    times) are honoured, the channels' declared ones (requests per window, per-channel
    concurrency) are off, so every channel may use the whole pool."""
    from campaignctl.channels import open_channel
    from campaignctl.channels.credentials import TokenStore
    from campaignctl.ledger import Ledger
    from campaignctl.publish import Publisher
    from campaignctl.sandbox import SandboxSecrets

    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp, \
            SandboxProcess() as sandbox:
        folder = Path(tmp)
        now = datetime.now(timezone.utc)
        entries = due_entries(posts, tiny_mp4(folder), now)
        prepare_sandbox(sandbox, latency_ms)
        accts = accounts()
        secrets = SandboxSecrets(token_store=TokenStore(folder / "sandbox-tokens.json"))

        def channel_for(name: str) -> Any:
            return open_channel(accts[name], secrets, sandbox_url=sandbox.url)

        where = _ledger_url(folder, postgres)
        ledger = Ledger.open(where.url)
        try:
            publisher = Publisher(ledger, channel_for, concurrency=concurrency,
                                  rate_limits=False)
            start = time.perf_counter()
            summary = publisher.publish(entries, now)
            wall = time.perf_counter() - start
        finally:
            ledger.close()
            where.cleanup()
        received = {p: sandbox.requests(p) for p in PLATFORMS}
        requests = {p: len(received[p]) for p in PLATFORMS}
        limited = sum(1 for p in PLATFORMS for r in received[p]
                      if r.get("status") == 429 or r.get("fault") in ("429", "rate_limited"))
        stored = sandbox.all_posts()
        copies = count_markers(stored)
        per_platform = Counter(e.platform for e in entries)
        return BenchResult(
            ledger="postgresql" if postgres else "sqlite", posts=posts, latency_ms=latency_ms,
            concurrency=concurrency, wall=wall, requests=requests, outcomes=summary.counts,
            stored={p: len(v) for p, v in stored.items()},
            duplicates={str(k): n for k, n in sorted(copies.items()) if n > 1},
            missing=[i for i in range(posts) if copies[i] == 0], rate_limited=limited,
            per_post={p: round(requests[p] / per_platform[p], 2)
                      for p in PLATFORMS if per_platform[p]},
            lanes_used={p: min(per_platform[p], concurrency) for p in PLATFORMS})


def report(result: BenchResult) -> str:
    """The numbers, for a person."""
    r = result
    lines = [
        f"ledger: {r.ledger}; posts: {r.posts}; latency {r.latency_ms:.0f} ms/request; "
        f"concurrency {r.concurrency}; rate_limits=False (the sandbox's own limits only; "
        "every channel may use the whole pool)",
        "requests: " + ", ".join(f"{p} {r.requests[p]} ({r.per_post.get(p, 0)}/post)"
                                 for p in PLATFORMS) + f"; total {r.total_requests}",
        f"outcomes: {r.outcomes}; 429 answers: {r.rate_limited}",
        f"duplicates: {len(r.duplicates)}; missing: {len(r.missing)}",
        f"wall {r.wall:.2f} s; ideal {r.ideal:.2f} s "
        f"({r.total_requests} x {r.latency_ms:.0f} ms / {r.concurrency}); "
        f"ratio {r.ratio:.2f}x (goal <= {BOUND:.2f}x) {'OK' if r.ratio <= BOUND else 'OVER'}",
        f"floor with these lanes {r.floor:.2f} s (slowest platform's requests x latency / its "
        f"lanes); wall / floor {r.wall / r.floor:.2f}x (the engine's own overhead)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run on SQLite (and PostgreSQL when given); non-zero when over the bound or wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on PostgreSQL (a SQLAlchemy URL, "
                             "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    targets: list[str | None] = [None] + ([args.postgres] if args.postgres else [])
    results = [run(args.posts, args.latency_ms, args.concurrency, url)
               for url in targets]
    if args.json:
        print(json.dumps([r.to_json() for r in results], indent=2))
    else:
        print("\n\n".join(report(r) for r in results))
    return 0 if all(r.correct and r.ratio <= BOUND for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
