"""A tiny run of benchmarks/bench_publish.py: every post published exactly once through the real
adapters and the sandbox. Correctness only; the timing bound is the benchmark's own business."""

from __future__ import annotations

import importlib.util
import socket
import sys

import pytest
from conftest import REPO, postgres_url

_spec = importlib.util.spec_from_file_location("bench_publish",
                                               REPO / "benchmarks" / "bench_publish.py")
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # dataclasses look their module up by name
_spec.loader.exec_module(bench)

PG = postgres_url()


@pytest.mark.parametrize("ledger", ["sqlite", pytest.param("postgres",
                                                           marks=pytest.mark.postgres)])
def test_small_run_publishes_every_post_exactly_once(ledger):
    if ledger == "postgres" and PG is None:
        pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432")
    result = bench.run(posts=20, latency_ms=10, concurrency=8,
                       postgres=PG if ledger == "postgres" else None)
    assert result.outcomes == {"published": 20}
    assert result.duplicates == {} and result.missing == []
    assert result.stored == {"x": 5, "facebook": 5, "youtube": 5, "tiktok": 5}
    assert result.rate_limited == 0
    # Several requests per video post: the ideal is computed from what the sandbox received.
    assert result.per_post["x"] == 1 and result.per_post["facebook"] == 1
    assert result.per_post["youtube"] >= 2 and result.per_post["tiktok"] >= 3
    assert result.ideal == pytest.approx(result.total_requests * 0.010 / 8)
    assert result.correct


def test_a_duplicate_or_a_missing_post_is_caught():
    stored = {"x": [{"text": "a [bench-0]"}, {"text": "again [bench-0]"}],
              "youtube": [{"snippet": {"title": "t [bench-1]", "description": "d [bench-1]"}}]}
    copies = bench.count_markers(stored)
    assert copies == {0: 2, 1: 1}  # one post naming its marker twice is still one post
    result = bench.BenchResult("sqlite", 3, 10, 8, 1.0, {"x": 2}, {"published": 3},
                               {"x": 2}, {"0": 2}, [2], 0)
    assert not result.correct


@pytest.mark.live
def test_a_live_test_gets_the_real_connect_back():
    import conftest

    assert socket.socket.connect is conftest._real_connect
    assert socket.socket.connect_ex is conftest._real_connect_ex


def test_other_tests_stay_sealed():
    with socket.socket() as sock, pytest.raises(RuntimeError, match="only loopback"):
        sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed
