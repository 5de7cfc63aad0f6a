"""The publishing engine: claim -> send -> record, with retries, reconcile and retract.

Exactly once rests on the ledger: a row is claimed by a conditional UPDATE before any
request leaves, the platform's id is stored the moment ``publish`` returns, and a row whose
outcome is unknown (timeout after the request left, or a process killed mid-send) is never
sent again before ``Channel.find_recent`` has looked for it on the platform.

Work fans out on one bounded thread pool. Each channel gets at most
``limits.max_concurrency`` "lanes" (tasks that drain that channel's queue), so a worker is
never parked waiting for a busy channel while another channel has work; a per-channel
sliding window enforces ``limits.requests_per_window`` and a platform's RateLimited.retry_at
holds back every lane of that channel.

Retraction of FUTURE occurrences: ``retract`` stores a marker per (campaign, post, channel)
in the ledger; ``publish`` checks the markers before every send and records the occurrence
as skipped (retracted). Plan entries passed to ``retract`` are also recorded as skipped rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..channels.base import Channel
from ..errors import (
    AuthError,
    CampaignctlError,
    ChannelError,
    LedgerError,
    NotSupported,
    RateLimited,
    TransientError,
    UnknownOutcome,
)
from ..i18n import t
from ..ledger import (
    DEFERRED,
    PUBLISHED,
    RETRACTED,
    SENDING,
    UNKNOWN,
    Claim,
    Ledger,
    OccurrenceStatus,
)
from ..models import SKIPPED as PLAN_SKIPPED
from ..models import Media, PlanEntry, Published, RenderedPost, Target, row_key
from ..schedule import window_text
from .results import (
    O_DONE,
    O_FAILED,
    O_IN_PROGRESS,
    O_PUBLISHED,
    O_SKIPPED,
    O_UNKNOWN,
    O_WOULD_SEND,
    EntryResult,
    RetractItem,
    RetractSummary,
    RunSummary,
)
from .settings import Hooks, PublishSettings
from .throttle import Throttle


@dataclass
class _Attempt:
    """One entry's sending so far: the claim it holds, and what tries are left."""

    claim: Claim
    payload: dict[str, Any]
    number: int = 1
    resend_budget: int = 1

    def renew(self, claim: Claim) -> None:
        self.claim = claim
        self.number += 1


def rendered_from_payload(payload: dict[str, Any]) -> RenderedPost:
    """Rebuild a RenderedPost from its archived payload (to reconcile without the plan)."""
    return RenderedPost(
        campaign=payload["campaign"], post=payload["post"], channel=payload["channel"],
        platform=payload["platform"], at=datetime.fromisoformat(payload["at"]),
        parts=list(payload.get("parts") or []),
        media=[Media(path=Path(m["path"]), alt=m.get("alt"), kind=m.get("kind"),
                     mime=m.get("mime")) for m in payload.get("media") or []],
        options=dict(payload.get("options") or {}))


# A wait for the rate window longer than this moves the attempt's recorded start to the
# moment its request left (shorter waits are not worth a write).
_SENT_LATER = timedelta(seconds=1)


class Publisher:
    """Sends due plan entries exactly once through the channel adapters.

    ``settings`` says how (see PublishSettings); the rest are collaborators: ``clock`` and
    ``sleep`` (tests pin them), ``hooks`` (test seams around each send), ``rng`` (backoff
    jitter), ``on_result`` (called from worker threads as each send settles),
    ``on_upload`` ((entry, bytes sent, bytes total) during media uploads) and ``target_for``
    (channel name -> Target: where ``channel_for`` sends that channel; live by default).
    Settings may also be given one by one as keywords, as tests and benchmarks do.

    The target is part of exactly-once: an entry's ledger row is ``PlanEntry.row_key`` on
    its channel's target, so a sandbox send never makes the live one done, and reconcile
    and retract touch only the rows of the targets this Publisher sends to.
    """

    def __init__(self, ledger: Ledger, channel_for: Callable[[str], Channel],
                 settings: PublishSettings | None = None, *,
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] = time.sleep, hooks: Hooks | None = None,
                 rng: random.Random | None = None,
                 on_result: Callable[[EntryResult], None] | None = None,
                 on_upload: Callable[[PlanEntry, int, int], None] | None = None,
                 target_for: Callable[[str], str] | None = None,
                 **setting_overrides: Any) -> None:
        self.settings = (settings or PublishSettings()).replace(**setting_overrides)
        self.ledger = ledger
        self.channel_for = channel_for
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.concurrency = max(1, self.settings.concurrency)
        self.sleep = sleep
        self.hooks = hooks
        self.rng = rng or random.Random()
        self.on_result = on_result
        self.on_upload = on_upload
        self.target_for = target_for or (lambda _name: Target.LIVE)
        self._lock = threading.Lock()
        self._channels: dict[str, Channel] = {}
        self._throttles: dict[str, Throttle] = {}
        self._dead: dict[str, str] = {}  # channel -> auth failure seen in this run
        self._holds: dict[str, tuple[datetime, str | None]] = {}  # from earlier runs' 429s
        self._deadline_at = self.clock() + self.settings.deadline
        self._run_started = self.clock()  # set again by each publish()

    # --- plumbing -------------------------------------------------------------------------
    def targeted(self, entries: Sequence[PlanEntry]) -> list[PlanEntry]:
        """The entries, each on the target its channel is sent to (copied only if it moves)."""
        out = []
        for e in entries:
            target = self.target_for(e.channel)
            out.append(e if e.target == target else dataclasses.replace(e, target=target))
        return out

    def _mine(self, row: OccurrenceStatus) -> bool:
        """Is this row on the target its channel is sent to by this Publisher?"""
        return row.target == self.target_for(row.channel)

    def _hold_name(self, channel: str) -> str:
        # A sandbox's 429 must not hold the live account back, nor the other way round.
        return row_key(channel, self.target_for(channel))

    def _channel(self, name: str) -> Channel:
        with self._lock:
            if name not in self._channels:
                self._channels[name] = self.channel_for(name)
            return self._channels[name]

    def _throttle(self, name: str, channel: Channel) -> Throttle:
        with self._lock:
            if name not in self._throttles:
                lim = channel.limits
                # The account's own tier (rate_limit: in channels.yaml) over the default.
                per_window, window = (channel.account.rate_limit
                                      or (lim.requests_per_window, lim.window_seconds))
                if self.settings.rate_limits:
                    throttle = Throttle(per_window, window, self.clock, self.sleep)
                    # The window is shared with earlier runs and other nodes.
                    throttle.spent(self._recent_sends(name, throttle))
                else:
                    # Without declared limits (e.g. the sandbox benchmark) the throttle still
                    # holds lanes back until a platform's retry_at.
                    throttle = Throttle(1 << 30, window, self.clock, self.sleep)
                hold = self._holds.get(self._hold_name(name))
                if hold is not None:  # an earlier run's 429: do not knock before its reset
                    throttle.hold_until(hold[0])
                self._throttles[name] = throttle
            return self._throttles[name]

    def _recent_sends(self, name: str, throttle: Throttle) -> list[datetime]:
        # Up to this run's start: the throttle itself counts what this run sends.
        try:
            return self.ledger.sends_since(name, self.clock() - throttle.window,
                                           self._run_started, self.target_for(name))
        except LedgerError:
            # Only the count is lost: the claim (which guards exactly-once) reports its own
            # failure, and the platform's 429s still hold the channel back.
            return []

    def _lanes(self, name: str) -> int:
        if not self.settings.rate_limits:
            # Declared limits off (a sandbox benchmark): the per-channel concurrency cap is
            # one of them, so every channel may use the whole pool; the platform's own 429s
            # and reset headers still hold lanes back.
            return self.concurrency
        try:
            return max(1, self._channel(name).limits.max_concurrency)
        except Exception:  # the task itself reports why the channel cannot be opened
            return 1

    def _run(self, tasks: list[tuple[PlanEntry, Callable[[], EntryResult]]]) -> list[EntryResult]:
        """Run tasks with per-channel lanes on one bounded pool; results in task order."""
        queues: dict[str, deque[tuple[int, PlanEntry, Callable[[], EntryResult]]]]
        queues = defaultdict(deque)
        for i, (entry, fn) in enumerate(tasks):
            queues[entry.channel].append((i, entry, fn))
        lanes: dict[str, int] = {ch: min(len(q), self._lanes(ch)) for ch, q in queues.items()}
        order: list[str] = []
        for round_ in range(max(lanes.values(), default=0)):  # interleave channels
            order += [ch for ch, n in lanes.items() if n > round_]
        results: list[EntryResult | None] = [None] * len(tasks)

        def lane(queue: deque) -> None:
            while True:
                try:
                    i, entry, fn = queue.popleft()
                except IndexError:
                    return
                try:
                    results[i] = fn()
                except Exception as exc:  # a bug in one task must not strand its lane's queue
                    results[i] = self._result(entry, O_FAILED, t(
                        "internal error: {error}; run `campaignctl status` and report this",
                        error=f"{type(exc).__name__}: {exc}"[:300]))
                if self.on_result is not None:
                    self.on_result(results[i])

        with ThreadPoolExecutor(max_workers=self.concurrency,
                                thread_name_prefix="publish") as pool:
            for future in [pool.submit(lane, queues[ch]) for ch in order]:
                future.result()
        return [r for r in results if r is not None]

    def _backoff(self, attempt: int, exc: ChannelError) -> float:
        if isinstance(exc, RateLimited) and exc.retry_at is not None:
            wait = (exc.retry_at - self.clock()).total_seconds()
            return max(0.0, wait) + self.rng.uniform(0, min(1.0, self.settings.backoff_base))
        # Full jitter: spreads a burst of retries over the whole interval.
        base, cap = self.settings.backoff_base, self.settings.backoff_cap
        return self.rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))

    @staticmethod
    def _result(entry: PlanEntry, outcome: str, reason: str | None = None,
                row: OccurrenceStatus | None = None, published: Published | None = None,
                payload: dict[str, Any] | None = None) -> EntryResult:
        url = published.url if published else (row.url if row else None)
        pid = published.platform_id if published else (row.platform_id if row else None)
        return EntryResult(entry.row_key, entry.campaign, entry.post, entry.channel,
                           entry.platform, entry.at, outcome, url, pid, reason, payload,
                           entry.target)

    # --- publish ------------------------------------------------------------------------------
    def publish(self, entries: Sequence[PlanEntry], now: datetime, *,
                dry_run: bool = False) -> RunSummary:
        """Send every due, not-done scheduled entry; record skipped and missed ones."""
        self._deadline_at = self.clock() + self.settings.deadline
        self._dead.clear()
        due = self.targeted([e for e in entries if e.at <= now])
        markers = self.ledger.retraction_markers()
        oldest = now - self.settings.catch_up
        to_send: list[PlanEntry] = []
        to_skip: list[tuple[PlanEntry, str]] = []
        for e in due:
            if e.status == PLAN_SKIPPED:
                to_skip.append((e, e.reason or t("skipped")))
            elif Ledger.is_retracted(markers, e.campaign, e.post, e.channel):
                to_skip.append((e, t("retracted")))
            elif e.at < oldest:
                window = window_text(self.settings.catch_up)
                to_skip.append((e, t("missed: due at {at} (more than {window} ago)",
                                     at=e.at.isoformat(), window=window)))
            elif e.rendered is None:
                to_skip.append((e, t("nothing rendered for this channel")))
            else:
                to_send.append(e)

        if dry_run:
            return self._dry_run(to_send, to_skip)
        self._holds = self.ledger.channel_holds(self.clock())
        self._run_started = self.clock()  # before this run's first claim
        # Emergency posts (a flood warning) jump each channel's queue.
        to_send.sort(key=lambda e: e.priority != "emergency")

        # Plan skips (blackout, paused, not approved) may be lifted by a later plan; a
        # retracted or missed occurrence stays skipped for good.
        lifted = [(e, r) for e, r in to_skip if e.status == PLAN_SKIPPED]
        final = [(e, r) for e, r in to_skip if e.status != PLAN_SKIPPED]
        skipped = set(self.ledger.skip(lifted, now, reopenable=True))
        skipped |= set(self.ledger.skip(final, now))
        self.ledger.ensure(to_send, now)
        rows = self.ledger.rows([e.row_key for e in due])
        ordered: list[tuple[PlanEntry, Callable[[], EntryResult]]] = []
        immediate: dict[str, EntryResult] = {}
        for e, reason in to_skip:
            row = rows.get(e.row_key)
            if e.row_key in skipped:
                immediate[e.row_key] = self._result(e, O_SKIPPED, reason, row)
            elif row and (row.state == UNKNOWN or self.ledger.is_stale(row, now)):
                # A crash left it open; find it, but a skipped or missed post is never sent.
                ordered.append((e, _bind(self._resolve, e, row, reason)))
            else:
                immediate[e.row_key] = self._existing(e, row)
        for e in to_send:
            row = rows.get(e.row_key)
            if row is None or row.sendable:
                ordered.append((e, _bind(self._send, e)))
            elif row.state == UNKNOWN or self.ledger.is_stale(row, now):
                ordered.append((e, _bind(self._resolve, e, row, None)))
            else:
                immediate[e.row_key] = self._existing(e, row)
        ran = {r.key: r for r in self._run(ordered)}
        return RunSummary([immediate.get(e.row_key) or ran[e.row_key] for e in due
                           if e.row_key in immediate or e.row_key in ran])

    def _dry_run(self, to_send: list[PlanEntry],
                 to_skip: list[tuple[PlanEntry, str]]) -> RunSummary:
        """Exactly what would be sent; reads the ledger, writes nothing."""
        rows = self.ledger.rows([e.row_key for e in to_send])
        results = [self._result(e, O_SKIPPED, reason) for e, reason in to_skip]
        for e in to_send:
            row = rows.get(e.row_key)
            if row is None or row.sendable:
                assert e.rendered is not None
                results.append(self._result(e, O_WOULD_SEND, payload=e.rendered.payload()))
            else:
                results.append(self._existing(e, row))
        results.sort(key=lambda r: (r.at, r.key))
        return RunSummary(results, dry_run=True)

    def _existing(self, entry: PlanEntry, row: OccurrenceStatus | None) -> EntryResult:
        if row is None:
            return self._result(entry, O_SKIPPED, t("not recorded"))
        if row.state == SENDING:
            return self._result(entry, O_IN_PROGRESS,
                                t("being sent by another run ({owner})", owner=row.claim_owner),
                                row)
        if row.state in (PUBLISHED, RETRACTED):
            return self._result(entry, O_DONE, row.reason, row)
        if row.state == UNKNOWN:
            return self._result(entry, O_UNKNOWN, row.reason, row)
        return self._result(entry, O_DONE, t("{state} earlier: {reason}", state=t(row.state),
                                             reason=row.reason or "-"), row)

    def _send(self, entry: PlanEntry) -> EntryResult:
        """Claim and send one entry; every path ends in a ledger state."""
        assert entry.rendered is not None
        try:
            claim = self.ledger.claim(entry.row_key, entry.rendered.payload(), now=self.clock(),
                                      content_hash=entry.rendered.content_hash())
            if claim is None:  # another run won the claim between our read and now
                return self._existing(entry, self.ledger.get(entry.row_key))
        except CampaignctlError as exc:  # nothing was sent
            return self._result(entry, O_FAILED, exc.one_line())
        try:
            return self._attempts(entry, claim, resend_budget=1)
        except CampaignctlError as exc:
            # The ledger failed mid-send: the row keeps our claim, so once this process is
            # gone the next run finds the post on the platform before sending anything.
            return self._result(entry, O_UNKNOWN, exc.one_line())

    def _attempts(self, entry: PlanEntry, claim: Claim, resend_budget: int) -> EntryResult:
        """Send with retries; the claim is held throughout, so nobody else can send."""
        post = entry.rendered
        assert post is not None
        try:
            channel = self._channel(entry.channel)
        except CampaignctlError as exc:
            # Fixable by a person (credentials, config); the next run will try again.
            self.ledger.record_failed(claim, type(exc).__name__, exc.one_line(),
                                      retryable=True, now=self.clock())
            return self._result(entry, O_FAILED, exc.one_line())
        throttle = self._throttle(entry.channel, channel)
        attempt = _Attempt(claim, post.payload(), resend_budget=resend_budget)
        while True:
            held_back = self._wait_for_slot(entry, attempt.claim, throttle)
            if held_back is not None:
                return held_back
            if self.hooks:
                self.hooks.before_send(entry)
            try:
                published = channel.publish(post, progress=self._renewer(attempt.claim, entry))
            except Exception as exc:
                settled = self._failed_attempt(entry, channel, throttle, attempt, exc)
                if settled is not None:
                    return settled
                continue  # _failed_attempt renewed the claim for another try
            if self.hooks:
                self.hooks.after_send(entry, published)
            return self._record_sent(entry, attempt.claim, published)

    def _wait_for_slot(self, entry: PlanEntry, claim: Claim,
                       throttle: Throttle) -> EntryResult | None:
        """Wait for the channel's rate-limit window; a result if the send cannot go now."""
        dead = self._dead.get(entry.channel)
        if dead:
            self.ledger.record_failed(claim, "AuthError", dead, retryable=True, now=self.clock())
            return self._result(entry, O_FAILED, dead)
        asked_at = self.clock()
        blocked_until = throttle.acquire(self._deadline_at, urgent=entry.priority == "emergency")
        if blocked_until is None:
            if self.clock() - asked_at >= _SENT_LATER:
                # It waited for the window: record when the request really left, which is
                # what the next run counts (only the count suffers if this write fails).
                with contextlib.suppress(LedgerError):
                    self.ledger.mark_sent(claim, self.clock())
            return None
        # Nothing was sent: the row stays retryable and a later run (inside the catch-up
        # window) sends it once the platform lets us.
        reason = t("{channel} is rate limited until {at}; it goes out on a later run",
                   channel=entry.channel,
                   at=f"{blocked_until.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC")
        self.ledger.record_failed(claim, DEFERRED, reason, retryable=True, now=self.clock())
        return self._result(entry, O_FAILED, reason)

    def _failed_attempt(self, entry: PlanEntry, channel: Channel, throttle: Throttle,
                        attempt: _Attempt, exc: Exception) -> EntryResult | None:
        """Record why a send failed and return the result, or None after renewing
        ``attempt`` when it is worth another try (the claim is still ours)."""
        post = entry.rendered
        assert post is not None
        claim = attempt.claim
        if isinstance(exc, UnknownOutcome):
            found, find_error = self._find(channel, post, entry, claim.started_at)
            if found:
                self.ledger.record_published(claim, found, now=self.clock(), outcome="found")
                return self._result(entry, O_PUBLISHED, t("found on the platform after: {error}",
                                                          error=exc.message), published=found)
            if find_error is None and attempt.resend_budget > 0 and self._can_wait(0):
                attempt.resend_budget -= 1
                attempt.renew(self.ledger.retry(claim, "UnknownOutcome", exc.message,
                                                attempt.payload, now=self.clock()))
                return None
            reason = exc.message if find_error is None else find_error
            self.ledger.record_unknown(claim, reason, now=self.clock())
            return self._result(entry, O_UNKNOWN, reason)
        if isinstance(exc, (TransientError, RateLimited)):
            if isinstance(exc, RateLimited) and exc.retry_at:
                throttle.hold_until(exc.retry_at)
                self._remember_hold(entry.channel, exc)
            delay = self._backoff(attempt.number, exc)
            if attempt.number < self.settings.max_attempts and self._can_wait(delay):
                attempt.renew(self.ledger.retry(claim, type(exc).__name__, exc.message,
                                                attempt.payload, now=self.clock()))
                self.sleep(delay)
                return None
            reason = t("gave up after {n} attempt(s): {error}", n=attempt.number,
                       error=exc.message)
            self.ledger.record_failed(claim, type(exc).__name__, reason, retryable=True,
                                      now=self.clock())
            return self._result(entry, O_FAILED, reason)
        if isinstance(exc, AuthError):
            self._dead[entry.channel] = exc.message
            self.ledger.record_failed(claim, "AuthError", exc.message, retryable=True,
                                      now=self.clock())
            return self._result(entry, O_FAILED, exc.message)
        if isinstance(exc, ChannelError):  # Rejected, NotSupported: the platform said no
            self.ledger.record_failed(claim, type(exc).__name__, exc.message, now=self.clock())
            return self._result(entry, O_FAILED, exc.message)
        if isinstance(exc, CampaignctlError):
            # A credential or setting the adapter could not resolve: raised before any
            # request, so nothing left; a person fixes it and the next run sends.
            self.ledger.record_failed(claim, type(exc).__name__, exc.one_line(),
                                      retryable=True, now=self.clock())
            return self._result(entry, O_FAILED, exc.one_line())
        # An adapter bug may strike after the request left: treat it as unknown so the next
        # run looks before it sends.
        reason = t("unexpected error in the {channel} adapter: {error}",
                   channel=entry.channel, error=type(exc).__name__)
        self.ledger.record_unknown(claim, reason, now=self.clock())
        return self._result(entry, O_UNKNOWN, reason)

    def _record_sent(self, entry: PlanEntry, claim: Claim, published: Published) -> EntryResult:
        try:
            self.ledger.record_published(claim, published, now=self.clock())
        except LedgerError as exc:
            # The post is out; the row stays 'sending' under our claim, so the next run
            # finds it on the platform instead of sending it again.
            return self._result(entry, O_UNKNOWN, t(
                "published as {url} but the ledger could not record it: {error}; the next "
                "run will reconcile it", url=published.url or published.platform_id,
                error=exc.message), published=published)
        return self._result(entry, O_PUBLISHED, published=published)

    def _renewer(self, claim: Claim, entry: PlanEntry) -> Callable[[int, int], None]:
        """A progress callback that keeps a long upload's claim fresh (a third of the lease)
        and tells ``on_upload`` how far the upload is."""
        last = [self.clock()]
        every = self.ledger.lease / 3

        def progress(sent: int, total: int) -> None:
            if self.on_upload is not None:
                self.on_upload(entry, sent, total)
            now = self.clock()
            if now - last[0] >= every:
                last[0] = now
                try:
                    self.ledger.renew(claim, now)
                except LedgerError:
                    pass  # the send matters more; a stale claim is reconciled, never resent
        return progress

    def _remember_hold(self, channel: str, exc: RateLimited) -> None:
        """Keep a platform's reset time in the ledger for later runs and other nodes."""
        assert exc.retry_at is not None
        if exc.retry_at <= self._deadline_at:
            return  # this run waits it out itself
        try:
            self.ledger.hold_channel(self._hold_name(channel), exc.retry_at, exc.message,
                                     now=self.clock())
        except LedgerError:
            pass  # advisory: without it the next run merely meets the same 429

    def _can_wait(self, delay: float) -> bool:
        return self.clock() + timedelta(seconds=delay) <= self._deadline_at

    def _find(self, channel: Channel, post: RenderedPost, entry: PlanEntry,
              started: datetime) -> tuple[Published | None, str | None]:
        """Look for the post on the platform; (found, None) or (None, why the look failed)."""
        since = min(started, entry.at) - self.settings.find_margin
        for attempt in range(1, 4):
            try:
                return channel.find_recent(post, since=since), None
            except (TransientError, RateLimited, UnknownOutcome) as exc:
                # A lookup is a read: safe to repeat, unlike the send it is checking.
                delay = self._backoff(attempt, exc)
                if attempt == 3 or not self._can_wait(delay):
                    return None, t("could not check the platform: {error}", error=exc.message)
                self.sleep(delay)
            except ChannelError as exc:
                return None, t("could not check the platform: {error}", error=exc.message)
            except Exception as exc:
                return None, t("could not check the platform: {error}",
                               error=type(exc).__name__)
        return None, None  # unreachable: the loop always returns

    # --- reconcile ----------------------------------------------------------------------------
    def _resolve(self, entry: PlanEntry | None, row: OccurrenceStatus,
                 no_send_reason: str | None) -> EntryResult:
        """Settle an unknown (or crash-orphaned) row: find it first, send only if absent."""
        stub = entry or _stub(row)
        try:
            claim = self.ledger.take_over(row, now=self.clock())
            if claim is None:
                return self._existing(stub, self.ledger.get(row.key))
            post = entry.rendered if entry and entry.rendered else None
            if post is None:
                payload = self.ledger.last_payload(row.key)
                if payload is None:
                    reason = t("no archived payload to look for; check the platform by hand")
                    self.ledger.record_unknown(claim, reason, now=self.clock())
                    return self._result(stub, O_UNKNOWN, reason, row)
                post = rendered_from_payload(payload)
            entry = PlanEntry(row.campaign, row.post, row.channel, row.platform,
                              stub.at, rendered=post, target=row.target)
            try:
                channel = self._channel(row.channel)
            except CampaignctlError as exc:
                self.ledger.record_unknown(claim, exc.one_line(), now=self.clock())
                return self._result(entry, O_UNKNOWN, exc.one_line(), row)
            found, find_error = self._find(channel, post, entry,
                                           row.claimed_at or row.at)
            if found:
                self.ledger.record_published(claim, found, now=self.clock(), outcome="found")
                return self._result(entry, O_PUBLISHED,
                                    t("found on the platform (reconciled)"), published=found)
            if find_error:
                self.ledger.record_unknown(claim, find_error, now=self.clock())
                return self._result(entry, O_UNKNOWN, find_error, row)
            if no_send_reason:
                self.ledger.record_skipped(claim, no_send_reason, now=self.clock())
                return self._result(entry, O_SKIPPED, no_send_reason, row)
            claim = self.ledger.retry(claim, "NotFound",
                                      t("not found on the platform; sending again"),
                                      post.payload(), now=self.clock(), outcome="not-found")
            return self._attempts(entry, claim, resend_budget=0)
        except CampaignctlError as exc:
            return self._result(stub, O_UNKNOWN, exc.one_line(), row)

    def reconcile(self, now: datetime | None = None) -> RunSummary:
        """Resolve every unknown or crash-orphaned row through the adapters."""
        now = now or self.clock()
        self._deadline_at = self.clock() + self.settings.deadline
        markers = self.ledger.retraction_markers()
        tasks: list[tuple[PlanEntry, Callable[[], EntryResult]]] = []
        for row in self.ledger.unresolved(now):
            if not self._mine(row):
                continue  # the other target's: its own routing reconciles it
            reason = None
            if Ledger.is_retracted(markers, row.campaign, row.post, row.channel):
                reason = t("retracted")
            elif row.at < now - self.settings.catch_up:
                reason = t("missed: due at {at} (more than {window} ago)",
                           at=row.at.isoformat(), window=window_text(self.settings.catch_up))
            tasks.append((_stub(row), _bind(self._resolve, None, row, reason)))
        return RunSummary(self._run(tasks))

    # --- retract ------------------------------------------------------------------------------
    def retract(self, campaign: str, post: str | None = None, channel: str | None = None, *,
                entries: Sequence[PlanEntry] = (), now: datetime | None = None) -> RetractSummary:
        """Delete every published copy (in parallel, after recording it) and stop the rest."""
        now = now or self.clock()
        reason = t("retracted")
        self.ledger.mark_retracted(campaign, post, channel, now)
        skipped = self.ledger.skip_matching(campaign, post, channel, reason, now)
        future = [(e, reason) for e in self.targeted(entries)
                  if e.campaign == campaign and (post is None or e.post == post)
                  and (channel is None or e.channel == channel)]
        skipped += len(self.ledger.skip(future, now)) if future else 0
        summary = RetractSummary(skipped_pending=skipped)
        tasks: list[tuple[PlanEntry, Callable[[], EntryResult]]] = []
        items: list[RetractItem] = []
        for row in self.ledger.status(campaign, post=post, channel=channel):
            if not self._mine(row):
                # Its copy is on the other target: deleting it through this routing would
                # ask the wrong platform. The marker above still stops what is to come.
                continue
            if row.state == PUBLISHED:
                tasks.append((_stub(row), _bind(self._delete, row, items)))
            elif row.state in (SENDING, UNKNOWN):
                items.append(RetractItem(row.key, row.channel, row.platform, row.url, "in-flight",
                                         t("outcome not known yet; run `campaignctl reconcile` "
                                           "and then retract again"), row.target))
        self._deadline_at = self.clock() + self.settings.deadline
        self._run(tasks)
        summary.items = sorted(items, key=lambda i: i.key)
        return summary

    def _delete(self, row: OccurrenceStatus, items: list[RetractItem]) -> EntryResult:
        record = self.ledger.begin_retraction(row, self.clock())
        outcome, message = "deleted", None
        published = row.published()
        assert published is not None
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                self._channel(row.channel).delete(published)
                outcome, message = "deleted", None
                break
            except NotSupported as exc:  # the adapter says where and how to remove it by hand
                outcome, message = "manual", exc.message
                if row.url and row.url not in message:
                    message += f" ({row.url})"
                break
            except (TransientError, RateLimited) as exc:
                outcome, message = "failed", exc.message
                delay = self._backoff(attempt, exc)
                if attempt < self.settings.max_attempts and self._can_wait(delay):
                    self.sleep(delay)
                    continue
                break
            except CampaignctlError as exc:
                outcome, message = "failed", exc.message
                break
            except Exception as exc:  # keep deleting the others
                outcome, message = "failed", type(exc).__name__
                break
        self.ledger.finish_retraction(record, row.key, outcome, message, self.clock())
        item = RetractItem(row.key, row.channel, row.platform, row.url, outcome, message,
                           row.target)
        with self._lock:
            items.append(item)
        return self._result(_stub(row), outcome, message, row)


def _stub(row: OccurrenceStatus) -> PlanEntry:
    return PlanEntry(row.campaign, row.post, row.channel, row.platform, row.at,
                     target=row.target)


def _bind(fn: Callable[..., EntryResult], *args: Any) -> Callable[[], EntryResult]:
    return lambda: fn(*args)
