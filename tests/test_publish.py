"""The publishing engine against a fake platform over loopback HTTP (and one real adapter)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from conftest import postgres_url
from crash_runner import (
    TOKEN,
    FakeChannel,
    FakeEmulator,
    NoDelete,
    entry,
    fake_account,
    pg_drop_schema,
    pg_schema_url,
)

from campaignctl.channels.base import Limits
from campaignctl.errors import TransientError
from campaignctl.ledger import FAILED, PUBLISHED, RETRACTED, SENDING, SKIPPED, UNKNOWN, Ledger
from campaignctl.models import Account, PlanEntry
from campaignctl.publish import Publisher, rendered_from_payload
from campaignctl.sandbox import Sandbox

PG = postgres_url()


class Sleeper:
    """Records every requested sleep instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sb():
    with Sandbox(port=0, emulators={"fake": FakeEmulator(), "fake2": FakeEmulator()}) as sandbox:
        yield sandbox


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def led(request, tmp_path):
    if request.param == "sqlite":
        ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
        yield ledger
        ledger.close()
        return
    if PG is None:
        pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432")
    url, schema = pg_schema_url(PG)
    ledger = Ledger.open(url)
    yield ledger
    ledger.close()
    pg_drop_schema(PG, schema)


@pytest.fixture
def sqlite_led(tmp_path):
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    yield ledger
    ledger.close()


def channels(sb, **classes):
    """channel name -> adapter; "fake-*" talk to /fake, "fake2-*" to /fake2."""
    def channel_for(name: str):
        prefix = name.split("-")[0]
        cls = classes.get(name, FakeChannel)
        return cls(fake_account(name), None, base_url=sb.base_url(prefix), timeout=5.0)
    return channel_for


def posted(sb, platform="fake"):
    return [p["text"] for p in sb.emulators[platform].posts()]


def publisher(led, sb, sleep=None, **kw):
    return Publisher(led, kw.pop("channel_for", None) or channels(sb), sleep=sleep or Sleeper(),
                     backoff_base=0.01, **kw)


def now():
    return datetime.now(timezone.utc)


# --- the basic run ---------------------------------------------------------------------------

def test_publishes_due_entries_once_and_never_again(led, sb):
    t0 = now()
    due = [entry(i, t0 - timedelta(minutes=1)) for i in range(5)]
    later = [entry(i, t0 + timedelta(hours=1)) for i in range(5, 7)]
    pub = publisher(led, sb)
    summary = pub.publish(due + later, t0)
    assert summary.counts == {"published": 5} and summary.ok
    assert sorted(posted(sb)) == sorted(e.rendered.text for e in due)
    row = led.get(due[0].key)
    assert row.state == PUBLISHED and row.url.endswith(f"/posts/{row.platform_id}")
    again = pub.publish(due + later, t0 + timedelta(seconds=30))
    assert again.counts == {"already-done": 5}
    assert len(posted(sb)) == 5
    assert led.get(later[0].key) is None  # not due: not touched
    doc = json.loads(json.dumps(summary.to_json()))
    assert doc["counts"] == {"published": 5}
    assert {r["outcome"] for r in doc["results"]} == {"published"}


def test_missed_and_plan_skipped_entries_are_recorded_never_sent(sqlite_led, sb):
    t0 = now()
    old = entry(0, t0 - timedelta(hours=2))
    blackout = entry(1, t0 - timedelta(minutes=5))
    blackout.status, blackout.reason = "skipped", "blackout: Libur Natal"
    fresh = entry(2, t0 - timedelta(minutes=59))
    summary = publisher(sqlite_led, sb).publish([old, blackout, fresh], t0)
    by_key = {r.key: r for r in summary.results}
    assert by_key[old.key].outcome == "skipped"
    assert by_key[old.key].reason.startswith("missed: due at ")
    assert "(more than 1h ago)" in by_key[old.key].reason
    assert by_key[blackout.key].reason == "blackout: Libur Natal"
    assert by_key[fresh.key].outcome == "published"
    assert posted(sb) == [fresh.rendered.text]
    assert sqlite_led.get(old.key).state == SKIPPED
    assert summary.ok  # skipped is not a failure
    # the blackout is lifted in the campaign file: the next plan schedules it, and it goes out
    lifted = entry(1, blackout.at)
    again = publisher(sqlite_led, sb).publish([old, lifted, fresh], t0 + timedelta(minutes=1))
    assert Counter(r.outcome for r in again.results) == {"skipped": 1, "published": 1,
                                                         "already-done": 1}
    assert sorted(posted(sb)) == sorted([fresh.rendered.text, lifted.rendered.text])


def test_dry_run_shows_payloads_and_touches_nothing(sqlite_led, sb):
    t0 = now()
    due = [entry(i, t0 - timedelta(minutes=1)) for i in range(3)]
    summary = publisher(sqlite_led, sb).publish(due, t0, dry_run=True)
    assert summary.dry_run and summary.counts == {"would-send": 3}
    assert [r.payload for r in summary.results] == [e.rendered.payload() for e in due]
    assert posted(sb) == [] and sb.emulators["fake"].requests == []
    assert sqlite_led.status() == []


def test_payload_archive_holds_the_post_and_no_secret(sqlite_led, sb):
    t0 = now()
    e = entry(0, t0)
    publisher(sqlite_led, sb).publish([e], t0)
    (attempt,) = sqlite_led.attempts(e.key)
    assert attempt.payload == e.rendered.payload()
    assert rendered_from_payload(attempt.payload).key == e.key
    with sqlite_led.engine.connect() as conn:
        dump = json.dumps([list(map(str, r)) for t in ("occurrences", "attempts")
                           for r in conn.exec_driver_sql(f"SELECT * FROM {t}")])
    assert TOKEN not in dump


# --- faults -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fault, outcome, reason, requests", [
    ({"kind": "5xx", "count": 2}, "published", None, 3),
    ({"kind": "429", "count": 1}, "published", None, 2),
    ({"kind": "timeout_after_apply", "count": 1}, "published", "found on the platform", 1),
    ({"kind": "expired_token", "count": 1}, "failed", "token expired", 1),
    ({"kind": "5xx", "count": 50}, "failed", "gave up after 6 attempt(s): server busy", 6),
])
def test_faults_end_published_or_failed_never_doubled(led, sb, fault, outcome, reason, requests):
    t0 = now()
    e = entry(0, t0 - timedelta(minutes=1), text="the only post")
    sb.configure("fake", faults=[fault])
    sleeper = Sleeper()
    summary = publisher(led, sb, sleep=sleeper).publish([e], t0)
    (result,) = summary.results
    assert result.outcome == outcome
    if reason:
        assert reason in result.reason
    stored = posted(sb)
    assert stored == (["the only post"] if outcome == "published" else [])
    writes = [r for r in sb.emulators["fake"].requests if r["method"] == "POST"]
    assert len(writes) == requests
    row = led.get(e.key)
    assert row.state == (PUBLISHED if outcome == "published" else FAILED)
    if fault["kind"] == "429":
        assert max(sleeper.calls) >= 55  # waited for the platform's reset, ~60 s
    if outcome == "failed":
        assert row.reason == result.reason and row.retryable


def test_rejected_fails_at_once_with_the_platform_reason(led, sb):
    t0 = now()
    bad = entry(0, t0, text="REJECT me")
    good = entry(1, t0)
    summary = publisher(led, sb).publish([bad, good], t0)
    by_key = {r.key: r for r in summary.results}
    assert by_key[bad.key].outcome == "failed"
    assert by_key[bad.key].reason == "duplicate content is not allowed"
    assert by_key[good.key].outcome == "published"
    assert led.get(bad.key).retryable is False
    assert not summary.ok
    # a final failure is not retried by the next run
    assert publisher(led, sb).publish([bad], t0).counts == {"already-done": 1}
    assert len([r for r in sb.emulators["fake"].requests if r["method"] == "POST"]) == 2


class OneLane(FakeChannel):
    limits = Limits(text_max=1000, requests_per_window=10_000, window_seconds=60,
                    max_concurrency=1)


def test_a_failing_channel_never_stops_the_others(sqlite_led, sb):
    t0 = now()
    sb.configure("fake2", faults=[{"kind": "expired_token", "count": 100}])
    a = [entry(i, t0, channel="fake-a") for i in range(4)]
    b = [entry(i, t0, channel="fake2-b") for i in range(4)]
    # One lane on the failing channel, so "after the first 401" is well defined (with
    # several lanes, sends already in flight when it comes back may still go out).
    make = channels(sb, **{"fake2-b": OneLane})
    summary = publisher(sqlite_led, sb, channel_for=make).publish(a + b, t0)
    outcomes = Counter((r.channel, r.outcome) for r in summary.results)
    assert outcomes == {("fake-a", "published"): 4, ("fake2-b", "failed"): 4}
    # after one auth failure the run stops calling that platform with a dead token
    assert len(sb.emulators["fake2"].requests) == 1
    # retried by a later run once the token works again
    sb.configure("fake2", faults=[])
    assert publisher(sqlite_led, sb, channel_for=make).publish(b, t0).counts == {
        "published": 4}


def test_retryable_failure_is_sent_by_the_next_run(sqlite_led, sb):
    t0 = now()
    e = entry(0, t0)
    sb.configure("fake", faults=[{"kind": "5xx", "count": 6}])
    assert publisher(sqlite_led, sb).publish([e], t0).counts == {"failed": 1}
    assert publisher(sqlite_led, sb).publish([e], t0).counts == {"published": 1}
    assert posted(sb) == [e.rendered.text]


# --- unknown outcomes and reconcile -------------------------------------------------------------

class BlindOnce(FakeChannel):
    """find_recent fails in the first run (the platform's search is down for a while)."""

    blind = True

    def find_recent(self, post, since):
        if BlindOnce.blind:
            raise TransientError("search is down", channel=self.name)
        return super().find_recent(post, since)


def test_unknown_outcome_is_reconciled_not_resent(led, sb):
    BlindOnce.blind = True
    t0 = now()
    e = entry(0, t0, channel="fake-a")
    sb.configure("fake", faults=[{"kind": "timeout_after_apply", "count": 1}])
    pub = publisher(led, sb, channel_for=channels(sb, **{"fake-a": BlindOnce}))
    (result,) = pub.publish([e], t0).results
    assert result.outcome == "unknown" and "search is down" in result.reason
    assert led.get(e.key).state == UNKNOWN
    BlindOnce.blind = False
    (rec,) = pub.reconcile(t0).results
    assert rec.outcome == "published" and "reconciled" in rec.reason
    assert posted(sb) == [e.rendered.text]
    assert led.get(e.key).platform_id == sb.emulators["fake"].posts()[0]["id"]
    assert pub.reconcile(t0).results == []


def test_unknown_not_found_is_sent_once_more(sqlite_led, sb):
    BlindOnce.blind = True
    t0 = now()
    e = entry(0, t0, channel="fake-a")
    # the request never reached the platform: no post, but the adapter could not tell
    sb.configure("fake", faults=[{"kind": "timeout_after_apply", "count": 1}])
    pub = publisher(sqlite_led, sb, channel_for=channels(sb, **{"fake-a": BlindOnce}))
    pub.publish([e], t0)
    BlindOnce.blind = False
    sb.emulators["fake"].stored.clear()
    summary = pub.publish([e], t0)  # the next run reconciles first
    assert summary.counts == {"published": 1}
    assert posted(sb) == [e.rendered.text]
    outcomes = [a.outcome for a in sqlite_led.attempts(e.key)]
    assert outcomes == ["unknown", "not-found", "published"]


def test_reconcile_rebuilds_the_post_from_the_archive_and_respects_catch_up(sqlite_led, sb):
    t0 = now()
    e = entry(0, t0 - timedelta(hours=3))
    sqlite_led.ensure([e], t0)
    claim = sqlite_led.claim(e.key, e.rendered.payload(), t0 - timedelta(hours=3))
    sqlite_led.record_unknown(claim, "process died", t0)
    (res,) = publisher(sqlite_led, sb).reconcile(t0).results
    # not found and too late: recorded missed, never posted late
    assert res.outcome == "skipped" and res.reason.startswith("missed")
    assert posted(sb) == []


def test_live_claim_of_another_run_is_left_alone(sqlite_led, sb):
    t0 = now()
    e = entry(0, t0)
    sqlite_led.ensure([e], t0)
    sqlite_led.claim(e.key, None, t0)  # this process, alive: another run is mid-send
    (res,) = publisher(sqlite_led, sb).publish([e], t0).results
    assert res.outcome == "in-progress"
    assert posted(sb) == [] and sqlite_led.get(e.key).state == SENDING


# --- concurrency and throttling ------------------------------------------------------------------

def test_two_publishers_in_threads_never_double(led, sb):
    t0 = now()
    due = [entry(i, t0, channel=f"fake-{i % 3}") for i in range(30)]
    sb.configure("fake", latency_ms=5)
    results = []

    def run():
        results.append(publisher(led, sb).publish(due, t0))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    texts = posted(sb)
    assert sorted(texts) == sorted(e.rendered.text for e in due)
    published = sum(s.counts.get("published", 0) for s in results)
    assert published == 30
    assert {r.state for r in led.status()} == {PUBLISHED}


class Slow2(FakeChannel):
    limits = Limits(text_max=1000, requests_per_window=1000, window_seconds=60,
                    max_concurrency=2)


def test_fan_out_is_parallel_but_bounded_per_channel(sqlite_led, sb):
    t0 = now()
    sb.configure("fake", latency_ms=150)
    due = [entry(i, t0, channel="fake-a") for i in range(6)]
    start = time.monotonic()
    publisher(sqlite_led, sb, channel_for=channels(sb, **{"fake-a": Slow2})).publish(due, t0)
    took = time.monotonic() - start
    # 6 posts, 2 at a time, 150 ms each: three rounds, not one and not six
    assert 0.44 <= took < 0.85, took
    assert len(posted(sb)) == 6


class Tight(FakeChannel):
    limits = Limits(text_max=1000, requests_per_window=2, window_seconds=10, max_concurrency=1)


def test_declared_rate_limit_spaces_requests(sqlite_led, sb):
    clock_at = [now()]
    start = clock_at[0]
    sleeper = Sleeper()

    def sleep(seconds):
        sleeper(seconds)
        clock_at[0] += timedelta(seconds=seconds)

    due = [entry(i, clock_at[0]) for i in range(5)]
    pub = publisher(sqlite_led, sb, sleep=sleep, clock=lambda: clock_at[0],
                    channel_for=channels(sb, **{"fake-a": Tight}))
    assert pub.publish(due, clock_at[0]).counts == {"published": 5}
    # two per 10 s window: the 3rd and 5th request wait for a free slot
    assert [round(s) for s in sleeper.calls] == [10, 10]
    # and the ledger says when each left, which is what the next run counts
    sent = sqlite_led.sends_since("fake-a", start, clock_at[0] + timedelta(seconds=1))
    assert [round((at - start).total_seconds()) for at in sent] == [0, 0, 10, 10, 20]


class Serial(FakeChannel):
    """One request at a time, so which entry meets the platform's limit is known."""

    limits = Limits(text_max=1000, requests_per_window=10_000, window_seconds=60,
                    max_concurrency=1)


def test_a_platform_limit_past_the_deadline_is_not_slept_through_and_later_runs_keep_off(
        led, sb):
    """A daily limit (429 resetting in 24 h) must neither hold a run and its claims for a
    day nor be knocked on again by the next cron run; after the reset the rest go out once."""
    t0 = now()
    due = [entry(i, t0 - timedelta(minutes=1)) for i in range(4)]
    sb.configure("fake", rate_limit={"requests": 1, "window_seconds": 86400})
    make = channels(sb, **{"fake-a": Serial})

    def writes() -> int:
        return len([r for r in sb.emulators["fake"].requests if r["method"] == "POST"])

    sleeper = Sleeper()
    first = publisher(led, sb, sleep=sleeper, channel_for=make).publish(due, t0)
    assert [r.outcome for r in first.results] == ["published", "failed", "failed", "failed"]
    assert all(s < 300 for s in sleeper.calls), sleeper.calls  # never waits for the reset
    assert writes() == 2  # the one sent and the one refused; the others were not tried
    assert "rate limited until" in first.results[3].reason
    assert all(led.get(e.key).retryable for e in due[1:])
    hold, _reason = led.channel_holds(t0)["fake-a"]
    assert hold > t0 + timedelta(hours=23)

    # The next cron run, a minute later, does not knock at all.
    second = publisher(led, sb, channel_for=make).publish(due, t0 + timedelta(minutes=1))
    assert [r.outcome for r in second.results] == ["already-done", "failed", "failed", "failed"]
    assert writes() == 2

    # After the reset, a run inside the catch-up window sends each of the rest once.
    sb.configure("fake", rate_limit=None)
    later = hold + timedelta(seconds=1)
    third = publisher(led, sb, channel_for=make, clock=lambda: later,
                      catch_up=timedelta(days=2)).publish(due, later)
    assert third.counts == {"already-done": 1, "published": 3}
    assert writes() == 5
    assert sorted(posted(sb)) == sorted(e.rendered.text for e in due)
    assert led.channel_holds(later) == {}


def test_a_declared_window_longer_than_the_deadline_defers_the_rest(sqlite_led, sb):
    class Hourly(FakeChannel):
        limits = Limits(text_max=1000, requests_per_window=2, window_seconds=3600,
                        max_concurrency=1)

    t0 = now()
    due = [entry(i, t0) for i in range(4)]
    sleeper = Sleeper()
    summary = publisher(sqlite_led, sb, sleep=sleeper,
                        channel_for=channels(sb, **{"fake-a": Hourly})).publish(due, t0)
    assert summary.counts == {"published": 2, "failed": 2}
    assert sleeper.calls == []  # the 3rd slot is an hour away: deferred, not waited for
    assert len(posted(sb)) == 2


def test_a_declared_window_counts_what_earlier_runs_sent(led, sb):
    """Cron runs each minute with a Publisher of its own: the channel's declared window
    (2 an hour here) holds across them, and a deferral is not counted as a send."""
    class Hourly(FakeChannel):
        limits = Limits(text_max=1000, requests_per_window=2, window_seconds=3600,
                        max_concurrency=1)

    t0 = now()
    make = channels(sb, **{"fake-a": Hourly})

    def run(at: datetime, due: list[PlanEntry]):
        return publisher(led, sb, channel_for=make, clock=lambda: at, sleep=Sleeper(),
                         catch_up=timedelta(hours=2)).publish(due, at)

    first = [entry(i, t0) for i in range(2)]
    assert run(t0, first).counts == {"published": 2}
    # An emergency (a flood warning) does not wait for our own estimate of the window,
    # though it counts in it.
    flood = entry(9, t0 + timedelta(minutes=5))
    flood.priority = "emergency"
    assert run(t0 + timedelta(minutes=5), [flood]).counts == {"published": 1}
    later = [entry(i, t0 + timedelta(minutes=20)) for i in range(2, 4)]
    deferred = run(t0 + timedelta(minutes=20), later)
    assert deferred.counts == {"failed": 2}, deferred.results
    assert all("rate limited until" in r.reason for r in deferred.results)
    assert len(posted(sb)) == 3  # nothing more went out inside the hour

    # Once the first two and the warning are an hour old the window has room again, and
    # the deferrals inside it (20 minutes in) are not counted as sends: the deferred pair,
    # still inside the catch-up window, goes out once.
    after = t0 + timedelta(minutes=66)
    assert run(after, later).counts == {"published": 2}
    assert sorted(posted(sb)) == sorted(e.rendered.text for e in first + [flood] + later)
    assert len(led.sends_since("fake-a", t0, after + timedelta(seconds=1))) == 5


def test_an_accounts_own_rate_limit_replaces_the_channels_default(sqlite_led, sb):
    """An access tier that allows fewer posts than the channel's default: `rate_limit:
    3/24h` on the account holds a run to three and defers the rest."""
    def channel_for(name: str):
        account = Account(name=name, platform="fake", rate_limit=(3, 86400))
        return FakeChannel(account, None, base_url=sb.base_url("fake"), timeout=5.0)

    t0 = now()
    due = [entry(i, t0) for i in range(5)]
    sleeper = Sleeper()
    summary = publisher(sqlite_led, sb, sleep=sleeper, channel_for=channel_for,
                        clock=lambda: t0).publish(due, t0)
    assert summary.counts == {"published": 3, "failed": 2}
    assert sleeper.calls == [] and len(posted(sb)) == 3


# --- retract ----------------------------------------------------------------------------------

def test_retract_deletes_everywhere_reports_manual_and_stops_future(led, sb):
    t0 = now()
    launch_a = entry(0, t0, channel="fake-a")
    launch_b = entry(0, t0, channel="fake2-nodelete")
    other = entry(1, t0, channel="fake-a")
    pub = publisher(led, sb, channel_for=channels(sb, **{"fake2-nodelete": NoDelete}))
    pub.publish([launch_a, launch_b, other], t0)
    upcoming = entry(0, t0 + timedelta(days=1), channel="fake-a")
    pending = entry(0, t0 + timedelta(hours=2), channel="fake-a")
    led.ensure([pending], t0)

    summary = pub.retract("crash", "p0", entries=[upcoming])
    by_channel = {i.channel: i for i in summary.items}
    assert by_channel["fake-a"].outcome == "deleted"
    manual = by_channel["fake2-nodelete"]
    assert manual.outcome == "manual" and manual.url and manual.url in manual.message
    assert summary.skipped_pending == 2 and not summary.ok
    assert posted(sb) == [other.rendered.text]  # only the other post is left
    assert posted(sb, "fake2") == [launch_b.rendered.text]
    assert led.get(launch_a.key).state == RETRACTED
    assert led.get(launch_b.key).state == PUBLISHED
    assert {r.outcome for r in led.retractions("crash")} == {"deleted", "manual"}
    assert led.get(upcoming.key).state == SKIPPED
    # a later occurrence the planner had not produced yet is stopped by the marker
    later = entry(0, t0 + timedelta(days=7), channel="fake-a")
    res = pub.publish([later], later.at)
    assert res.results[0].outcome == "skipped" and res.results[0].reason == "retracted"
    assert posted(sb) == [other.rendered.text]
    json.dumps(summary.to_json())


# --- a real adapter ---------------------------------------------------------------------------

def test_end_to_end_through_the_facebook_adapter(sqlite_led, sandbox):
    from campaignctl.channels import open_channel
    from campaignctl.models import Account
    from campaignctl.sandbox import SandboxSecrets
    from campaignctl.sandbox.facebook import PAGE_ID

    account = Account(name="fb-dinkes", platform="facebook", options={"page_id": PAGE_ID})

    def channel_for(name):
        return open_channel(account, SandboxSecrets(), sandbox_url=sandbox.url)

    t0 = now()
    due = [PlanEntry("e2e", f"p{i}", "fb-dinkes", "facebook", t0,
                     rendered=entry(i, t0, channel="fb-dinkes", platform="facebook",
                                    campaign="e2e").rendered) for i in range(3)]
    sandbox.configure("facebook", faults=[{"kind": "5xx", "count": 1}])
    pub = Publisher(sqlite_led, channel_for, sleep=Sleeper(), backoff_base=0.01)
    summary = pub.publish(due, t0)
    assert summary.counts == {"published": 3}, summary.to_json()
    stored = sandbox.all_posts()["facebook"]
    assert len(stored) == 3
    assert publisher(sqlite_led, None, channel_for=channel_for).publish(due, t0).counts == {
        "already-done": 3}
    retract = pub.retract("e2e", "p1")
    assert [i.outcome for i in retract.items] == ["deleted"]
    assert len(sandbox.all_posts()["facebook"]) == 2


def test_mixed_faults_nothing_lost_nothing_doubled(led, sb):
    """5xx bursts, 429s, dropped answers and an expired token across two platforms at once."""
    t0 = now()
    a = [entry(i, t0, channel="fake-a") for i in range(12)]
    b = [entry(i, t0, channel="fake2-b") for i in range(12)]
    sb.configure("fake", faults=[{"kind": "5xx", "count": 4}, {"kind": "429", "count": 2},
                                 {"kind": "timeout_after_apply", "count": 3}])
    sb.configure("fake2", faults=[{"kind": "timeout_after_apply", "count": 2},
                                  {"kind": "expired_token", "count": 1}])
    # More attempts than fake's 9 faults: with 4 lanes one post may meet several in a row,
    # and giving up after 6 (retryable, sent next run) is another test's subject.
    pub = publisher(led, sb, max_attempts=10)
    summary = pub.publish(a + b, t0)
    results = {r.key: r for r in summary.results}
    assert set(results) == {e.key for e in a + b}  # none lost
    unknown = [k for k, r in results.items() if r.outcome == "unknown"]
    for r in pub.reconcile(t0).results:  # a lookup that failed too is settled by reconcile
        assert r.key in unknown and r.outcome == "published"
        results[r.key] = r
    for platform, entries in (("fake", a), ("fake2", b)):
        stored = Counter(posted(sb, platform))
        assert max(stored.values()) == 1  # none doubled
        for e in entries:
            r = results[e.key]
            assert r.outcome in ("published", "failed"), r
            assert stored[e.rendered.text] == (1 if r.outcome == "published" else 0)
            assert led.get(e.key).state == r.outcome
    # the expired token hits a send (failed, platform's reason) or a lookup (then reconciled)
    failed = [r for r in results.values() if r.outcome == "failed"]
    assert all(r.reason == "token expired" for r in failed), [(r.channel, r.reason)
                                                             for r in failed]
    # the next run sends what failed for a fixable reason, and only that
    again = publisher(led, sb).publish(a + b, t0)
    expected = {"published": len(failed), "already-done": 24 - len(failed)}
    assert again.counts == {k: n for k, n in expected.items() if n}
    assert sorted(posted(sb)) == sorted(e.rendered.text for e in a)
    assert sorted(posted(sb, "fake2")) == sorted(e.rendered.text for e in b)


def test_a_broken_database_is_a_ledger_error(sqlite_led):
    from campaignctl.errors import LedgerError

    sqlite_led.drop_all()
    with pytest.raises(LedgerError) as err:
        sqlite_led.status()
    assert "the ledger database failed" in err.value.one_line() and err.value.hint


def test_a_long_upload_keeps_its_claim_fresh(sqlite_led, sb):
    clock_at = [now()]
    start = clock_at[0]

    class SlowUpload(FakeChannel):
        def publish(self, post, progress=None):
            for i in range(4):  # 16 minutes of "upload", reporting progress
                clock_at[0] += timedelta(minutes=4)
                progress(i, 4)
                row = sqlite_led.get(post.key)
                # never stale for a second run, even on another host with a 10-minute lease
                assert row.claimed_at >= clock_at[0] - timedelta(minutes=8)
            return super().publish(post, progress)

    e = entry(0, start, channel="fake-a")
    pub = publisher(sqlite_led, sb, clock=lambda: clock_at[0],
                    channel_for=channels(sb, **{"fake-a": SlowUpload}))
    assert pub.publish([e], start).counts == {"published": 1}
    assert sqlite_led.get(e.key).claimed_at > start + timedelta(minutes=10)


def test_emergency_posts_go_first_in_their_channel(sqlite_led, sb):
    t0 = now()
    due = [entry(i, t0 - timedelta(minutes=5 - i), channel="fake-a") for i in range(4)]
    due[3].priority = "emergency"
    publisher(sqlite_led, sb, channel_for=channels(sb, **{"fake-a": Tight})).publish(due, t0)
    assert posted(sb)[0] == due[3].rendered.text
