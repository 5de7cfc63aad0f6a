"""`report` over 1,000 published posts with 30 snapshots each (30,000 snapshot rows), the
ledger rows built directly: time and peak memory of each step, from reading the ledger to
the terminal table, CSV, JSON and the HTML page.

    python benchmarks/bench_report.py [--posts 1000] [--snapshots 30] [--ledger URL]

Collection itself (HTTP to the platforms) is not timed: it is bounded by the platforms'
batch sizes and rate limits, not by campaignctl.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

from campaignctl import report as R
from campaignctl.ledger import Ledger, occurrences
from campaignctl.models import Campaign
from campaignctl.report.html import report_html

PLATFORMS = (("x", "x"), ("facebook", "facebook"), ("youtube", "youtube"), ("tiktok", "tiktok"))


def values(platform: str, n: int, i: int) -> dict[str, int]:
    """Growing counters in each platform's own names."""
    base = (n + 1) * (10 + i % 7)
    return {
        "x": {"impression": base * 20, "like": base, "repost": base // 5, "reply": base // 8,
              "quote": base // 20, "bookmark": base // 10},
        "facebook": {"reactions": base, "comments": base // 4, "shares": base // 9},
        "youtube": {"views": base * 30, "likes": base, "comments": base // 15, "favorites": 0},
        "tiktok": {"view": base * 40, "like": base * 2, "comment": base // 6, "share": base // 7},
    }[platform]


def build(ledger: Ledger, posts: int, snapshots: int) -> None:
    """``posts`` published occurrences over 4 channels and ``snapshots`` collections of them,
    every 30th snapshot of every 10th post a gap."""
    start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    rows, snaps = [], []
    for i in range(posts):
        channel, platform = PLATFORMS[i % 4]
        at = start + timedelta(hours=i // 4)
        key = f"bench/post-{i // 4}/{at.strftime('%Y-%m-%dT%H:%M:%SZ')}/{channel}"
        rows.append({"key": key, "campaign": "bench", "post": f"post-{i // 4}",
                     "channel": channel, "platform": platform, "at_utc": at,
                     "state": "published", "platform_id": str(10**12 + i),
                     "ids": json.dumps([str(10**12 + i)]), "published_at": at, "attempts": 1,
                     "updated_at": at, "retryable": False,
                     "url": f"https://example.invalid/{i}"})
        for n in range(snapshots):
            gap = n == snapshots - 1 and i % 10 == 0
            snaps.append({"key": key, "campaign": "bench", "channel": channel,
                          "platform": platform, "platform_id": str(10**12 + i),
                          "taken_at": at + timedelta(hours=1 + n),
                          "metrics": None if gap else values(platform, n, i),
                          "gap": "rate limited by x until 02:00 UTC" if gap else None})
    with ledger.engine.begin() as conn:
        for k in range(0, len(rows), 500):
            conn.execute(occurrences.insert(), rows[k:k + 500])
    ledger.add_snapshots(snaps)


def step(name: str, fn, results: list[tuple[str, float, float]]):  # type: ignore[no-untyped-def]
    """Run ``fn`` twice: once timed without tracing (tracemalloc slows Python down several
    times over), once under tracemalloc for its peak memory."""
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    out = fn()
    peak = tracemalloc.get_traced_memory()[1] / 1048576
    tracemalloc.stop()
    results.append((name, elapsed, peak))
    return out


def main() -> None:
    """Build the ledger, then time and measure each step of the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--snapshots", type=int, default=30)
    parser.add_argument("--ledger", help="a ledger URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger.open(args.ledger or f"sqlite:///{Path(tmp) / 'bench.db'}")
        started = time.perf_counter()
        build(ledger, args.posts, args.snapshots)
        print(f"built {args.posts} posts x {args.snapshots} snapshots in "
              f"{time.perf_counter() - started:.2f} s")
        camp = {"bench": Campaign("bench", "Benchmark", "Asia/Jakarta", [], [])}
        results: list[tuple[str, float, float]] = []
        rows = step("read published rows", lambda: ledger.status("bench", state="published"),
                    results)
        snaps = step("read snapshots", lambda: ledger.snapshots("bench"), results)
        data = step("summarise", lambda: R.summarize(rows, snaps, camp), results)
        step("terminal table", lambda: R.report_table(data), results)
        step("CSV", lambda: R.report_csv(data), results)
        step("JSON", lambda: json.dumps(data, default=str), results)
        page = step("HTML", lambda: report_html(data), results)
        ledger.close()
    print(f"{'step':<22}{'seconds':>10}{'peak MiB':>10}")
    for name, elapsed, peak in results:
        print(f"{name:<22}{elapsed:>10.3f}{peak:>10.1f}")
    total = sum(e for _, e, _ in results)
    print(f"{'total':<22}{total:>10.3f}{max(p for _, _, p in results):>10.1f}  "
          f"(HTML page {len(page) / 1048576:.2f} MiB, {len(snaps)} snapshot rows)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
