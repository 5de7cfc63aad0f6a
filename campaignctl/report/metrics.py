"""Reach and engagement: collect metrics through the adapters, keep them as dated snapshots,
summarise them per campaign, channel and post, and join web-analytics conversions.

Library only: nothing here prints. usecases/report.py runs the whole job and cli/report.py
prints; text.py writes the CSV and the terminal tables, html.py draws the page.

One vocabulary for every platform (``METRIC_MAP``)::

    report name   X            Facebook     YouTube     TikTok
    reach         impression   reach        views       view
    likes         like         reactions    likes       like
    comments      reply        comments     comments    comment
    shares        repost       shares       -           share
    extras        quote, bookmark           favorites

``engagement`` = likes + comments + shares + X quotes + X bookmarks (the interactions a
person made). YouTube's ``favorites`` is shown but not counted (it is always 0 nowadays).
Facebook's reach comes from Page post insights; when a Page token may not read them, that
reach is *unknown* — shown as "n/a" with a gap saying why, never as 0, while the other numbers
stay. ``rate`` = engagement / reach, summed over the posts whose reach is known only, so a
post without reach cannot inflate it.

When metrics are collected: with ``refresh``, or when the newest snapshot of the
selection is older than ``max_age`` (1 hour by default), or there is none.

When the audience responded: engagement gained between consecutive snapshots of a post
(its publish time counts as a zero point) is spread evenly over the clock hours of that
interval, in the campaign's time zone, for intervals of at most ``RESPONSE_WINDOW``.
If no such interval exists, each post's engagement is counted at its publish hour
instead (``response_basis`` says which one was used).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypedDict
from zoneinfo import ZoneInfo

from ..errors import AuthError, CampaignctlError, RateLimited
from ..i18n import t
from ..models import Campaign, OccurrenceState, Published, Target
from .conversions import ConversionJoin, ConversionRow, join_conversions

if TYPE_CHECKING:
    from ..ledger import Ledger, OccurrenceStatus

MAX_AGE = timedelta(hours=1)
RESPONSE_WINDOW = timedelta(hours=3)

# report metric -> the platform's own counter names (summed when several).
METRIC_MAP: dict[str, dict[str, tuple[str, ...]]] = {
    "x": {"reach": ("impression",), "likes": ("like",), "comments": ("reply",),
          "shares": ("repost",), "quotes": ("quote",), "bookmarks": ("bookmark",)},
    "facebook": {"reach": ("reach",), "likes": ("reactions",), "comments": ("comments",),
                 "shares": ("shares",)},
    "youtube": {"reach": ("views",), "likes": ("likes",), "comments": ("comments",),
                "favorites": ("favorites",)},
    "tiktok": {"reach": ("view",), "likes": ("like",), "comments": ("comment",),
               "shares": ("share",)},
}
CORE = ("reach", "likes", "comments", "shares")
ENGAGING = ("likes", "comments", "shares", "quotes", "bookmarks")


def normalize(platform: str, values: Mapping[str, int]) -> dict[str, int | None]:
    """The platform's counters in the report's vocabulary; None where it has no such number."""
    mapping = METRIC_MAP.get(platform)
    if mapping is None:  # a third-party platform: trust names that already match
        mapping = {k: (k,) for k in (*CORE, "quotes", "bookmarks")}
    out: dict[str, int | None] = {}
    for name, keys in mapping.items():
        present = [int(values[k]) for k in keys if k in values]
        out[name] = sum(present) if present else None
    for name in CORE:
        out.setdefault(name, None)
    parts = [out.get(k) for k in ENGAGING if out.get(k) is not None]
    out["engagement"] = sum(parts) if parts else None  # type: ignore[arg-type]
    return out


def rate(engagement: int | None, reach: int | None) -> float | None:
    """engagement / reach, or None when reach is unknown or zero."""
    if engagement is None or not reach:
        return None
    return engagement / reach


# --- collecting -------------------------------------------------------------------------------

class Snapshot(TypedDict):
    """One dated measurement of one post, as ``collect`` stores it and the ledger returns it."""

    key: str
    campaign: str
    channel: str
    platform: str
    platform_id: str
    taken_at: datetime
    metrics: dict[str, int] | None  # None: no numbers this time (``gap`` says why)
    gap: str | None


class CollectionGap(TypedDict):
    """A post that got no numbers (or not all of them) in one collection, and why."""

    key: str
    channel: str
    post: str
    reason: str


@dataclass
class Collection:
    """What one collection stored: how many posts got numbers and which got gaps."""

    taken_at: datetime
    measured: int = 0
    gaps: list[CollectionGap] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)  # metrics calls per channel


def _budget(channel: Any) -> int:
    """How many metrics calls one collection may make on this channel: its declared rate
    limit per window, so a report never spends more than the platform allows at once."""
    return max(1, int(channel.limits.requests_per_window))


def published_rows(ledger: Ledger, campaign: str | None, since: datetime | None,
                   target: str | None = None) -> list[OccurrenceStatus]:
    """The published occurrences of the selection (all, or those published since ``since``;
    on one target when given)."""
    return [r for r in ledger.status(campaign, state=OccurrenceState.PUBLISHED, target=target)
            if since is None or (r.published_at or r.at) >= since]


class _Collector:
    """One collection under way: the snapshots it will store and the Collection it reports."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.result = Collection(taken_at=now)
        self.snapshots: list[Snapshot] = []

    def store(self, row: OccurrenceStatus, metrics: dict[str, int] | None,
              gap: str | None) -> None:
        self.snapshots.append({"key": row.key, "campaign": row.campaign,
                               "channel": row.channel, "platform": row.platform,
                               "platform_id": row.platform_id, "taken_at": self.now,
                               "metrics": metrics, "gap": gap})
        if gap:
            self.result.gaps.append({"key": row.key, "channel": row.channel, "post": row.post,
                                     "reason": gap})
        if metrics is not None:
            self.result.measured += 1

    def store_gaps(self, rows: Iterable[OccurrenceStatus], gap: str) -> None:
        for row in rows:
            self.store(row, None, gap)

    def channel(self, name: str, rows: list[OccurrenceStatus],
                channel_for: Callable[[str], Any]) -> None:
        """Measure every post of one channel, batch by batch, within its call budget."""
        try:
            channel = channel_for(name)
        except CampaignctlError as exc:
            self.store_gaps(rows, t("cannot open channel {name}: {reason}", name=name,
                                    reason=exc.message))
            return
        batch = max(1, int(channel.limits.metrics_batch))
        budget = _budget(channel)
        stop: str | None = None  # once set, every remaining post of this channel gets it
        calls = 0
        for start in range(0, len(rows), batch):
            group = rows[start:start + batch]
            if stop is None and calls >= budget:
                stop = t("not measured this time: {name} allows {n} calls per {minutes} "
                         "min; run `campaignctl report --refresh` later for the rest",
                         name=name, n=budget,
                         minutes=max(1, channel.limits.window_seconds // 60))
            if stop is not None:
                self.store_gaps(group, stop)
                continue
            calls += 1
            stop = self.batch(name, channel, group)
        self.result.calls[name] = calls

    def batch(self, name: str, channel: Any, group: list[OccurrenceStatus]) -> str | None:
        """Measure one batch; returns why the channel's later batches are skipped, if so."""
        try:
            got = channel.metrics([r.published() or Published(r.platform_id) for r in group])
        except RateLimited as exc:
            when = (exc.retry_at.astimezone(timezone.utc).strftime("%H:%M UTC")
                    if exc.retry_at else t("later"))
            stop = t("rate limited by {name} until {when}: run `campaignctl report "
                     "--refresh` after that", name=name, when=when)
            self.store_gaps(group, stop)
            return stop
        except AuthError as exc:  # the token will not work for the next batch either
            stop = t("no access to {name}: {reason}", name=name, reason=exc.message)
            self.store_gaps(group, stop)
            return stop
        except CampaignctlError as exc:  # this batch only; the next may work
            self.store_gaps(group, t("{name} failed: {reason}", name=name, reason=exc.message))
            return None
        if len(got) != len(group):  # adapters answer in order; guard against one that does not
            by_id = {m.platform_id: m for m in got}
            got = [by_id.get(r.platform_id) for r in group]
        for row, m in zip(group, got):
            if m is None:
                self.store(row, None, t("{name} did not return this post", name=name))
            elif not m.values:
                self.store(row, None, m.gap or t("{name} returned no numbers", name=name))
            else:  # numbers, and maybe a gap for the rest (Facebook reach without insights)
                self.store(row, dict(m.values), m.gap)
        return None


def collect(ledger: Ledger, channel_for: Callable[[str], Any], *, now: datetime,
            campaign: str | None = None, since: datetime | None = None,
            target: str | None = None, channels: Iterable[str] | None = None) -> Collection:
    """Ask every channel for the numbers of every published post and store one snapshot per
    post (values or a gap with its reason). Never raises for a platform's failure.

    ``target`` (and ``channels``) narrow it to the posts ``channel_for`` reaches: a sandbox
    post's id means nothing to the real platform, nor a live one's to the sandbox."""
    wanted = None if channels is None else set(channels)
    by_channel: dict[str, list[OccurrenceStatus]] = defaultdict(list)
    for row in published_rows(ledger, campaign, since, target):
        if wanted is not None and row.channel not in wanted:
            continue
        if row.platform_id:
            by_channel[row.channel].append(row)
    collector = _Collector(now)
    for name, rows in by_channel.items():
        collector.channel(name, rows, channel_for)
    if collector.snapshots:
        ledger.add_snapshots(collector.snapshots)
    return collector.result


def needs_collection(ledger: Ledger, campaign: str | None, now: datetime, *,
                     refresh: bool = False, max_age: timedelta = MAX_AGE) -> bool:
    """True with ``refresh``, or when the newest snapshot is older than ``max_age`` or absent."""
    if refresh:
        return True
    last = ledger.last_snapshot_at(campaign)
    return last is None or now - last > max_age


# --- summarising ------------------------------------------------------------------------------

def _spread(start: datetime, end: datetime, amount: float, tz: ZoneInfo,
            hours: list[float], days: list[float]) -> None:
    """Share ``amount`` over the local clock hours between start and end, by time spent."""
    total = (end - start).total_seconds()
    if total <= 0:
        local = end.astimezone(tz)
        hours[local.hour] += amount
        days[local.weekday()] += amount
        return
    cursor = start
    while cursor < end:
        nxt = min(end, (cursor.replace(minute=0, second=0, microsecond=0)
                        + timedelta(hours=1)))
        share = amount * (nxt - cursor).total_seconds() / total
        local = cursor.astimezone(tz)
        hours[local.hour] += share
        days[local.weekday()] += share
        cursor = nxt


def _sum(values: Iterable[int | float | None]) -> int | float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


class Totals(TypedDict):
    """The numbers of a group of posts (a channel's, a campaign's)."""

    reach: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    engagement: int | None
    rate: float | None
    post_count: int
    measured: int


class PostReport(TypedDict):
    """One published occurrence in the report, with its latest numbers and their history."""

    key: str
    target: str  # live | sandbox (simulated numbers)
    campaign: str
    post: str
    channel: str
    platform: str
    at: str  # ISO times, in the campaign's time zone
    published_at: str
    url: str | None
    platform_id: str | None
    reach: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    engagement: int | None
    extras: dict[str, int]  # the platform's other numbers (quotes, bookmarks, favorites)
    rate: float | None
    measured_at: str | None
    snapshots: int
    gap: str | None
    series: list[list[Any]]  # [taken_at, reach, engagement] per measured snapshot
    conversions: int | float | None


class ChannelReport(Totals):
    """One channel's totals within a campaign."""

    channel: str
    platform: str
    gaps: int
    conversions: int | float | None
    series: list[list[Any]]  # [at, engagement of the channel's posts so far]


class CampaignReport(Totals):
    """One campaign on one target: its totals, its channels and posts, and when its audience
    responded. A campaign rehearsed and published live has two, never mixed."""

    campaign: str
    target: str  # live | sandbox (simulated numbers)
    name: str
    timezone: str
    conversions: int | float | None
    conversions_unmatched: int | float | None
    gaps: int
    channels: list[ChannelReport]
    best: list[str]  # post keys, most engaging first
    response_basis: str  # "snapshot deltas" or "publish times"
    hours: list[float]
    weekdays: list[float]
    posts: list[PostReport]


class ReportGap(TypedDict):
    """A post whose numbers are missing or old, and why."""

    campaign: str
    key: str
    post: str
    channel: str
    platform: str
    reason: str
    taken_at: str | None
    numbers_from: str | None
    target: str


class Report(TypedDict, total=False):
    """What ``summarize`` returns (``collected`` is added by ``usecases.report.report_job``)."""

    generated_at: str
    metric_map: dict[str, dict[str, list[str]]]
    simulated: bool  # some numbers are the sandbox's, not a platform's
    campaigns: list[CampaignReport]
    gaps: list[ReportGap]
    collected: dict[str, Any] | None


def _aggregate(posts: Sequence[PostReport]) -> Totals:
    out: dict[str, Any] = {name: _sum(p[name] for p in posts)  # type: ignore[literal-required]
                           for name in ("reach", "likes", "comments", "shares", "engagement")}
    with_reach = [p for p in posts if p["reach"] is not None and p["engagement"] is not None]
    out["rate"] = rate(_sum(p["engagement"] for p in with_reach),  # type: ignore[arg-type]
                       _sum(p["reach"] for p in with_reach))  # type: ignore[arg-type]
    out["post_count"] = len(posts)
    out["measured"] = sum(1 for p in posts if p["engagement"] is not None)
    return out  # type: ignore[return-value]


@dataclass
class _Response:
    """When one campaign's audience responded, by local hour and weekday (module docstring)."""

    tz: ZoneInfo
    hours: list[float] = field(default_factory=lambda: [0.0] * 24)
    days: list[float] = field(default_factory=lambda: [0.0] * 7)
    fallback_hours: list[float] = field(default_factory=lambda: [0.0] * 24)
    fallback_days: list[float] = field(default_factory=lambda: [0.0] * 7)
    used_deltas: bool = False

    def gained(self, start: datetime, end: datetime, amount: float) -> None:
        _spread(start, end, amount, self.tz, self.hours, self.days)
        self.used_deltas = True

    def at_publish(self, published: datetime, engagement: int) -> None:
        self.fallback_hours[published.hour] += engagement
        self.fallback_days[published.weekday()] += engagement

    def fields(self) -> dict[str, Any]:
        hours, days = ((self.hours, self.days) if self.used_deltas
                       else (self.fallback_hours, self.fallback_days))
        return {"response_basis": "snapshot deltas" if self.used_deltas else "publish times",
                "hours": [round(v, 3) for v in hours],
                "weekdays": [round(v, 3) for v in days]}


def _post_report(row: OccurrenceStatus, snaps: Sequence[Snapshot], cid: str,
                 response: _Response) -> PostReport:
    """A post's latest numbers and history; its engagement gains go to ``response``."""
    good = [s for s in snaps if s["metrics"] is not None]
    latest = normalize(row.platform, good[-1]["metrics"]) if good else \
        {k: None for k in (*CORE, "engagement")}  # type: ignore[arg-type]
    last = snaps[-1] if snaps else None
    gap = None
    if last is None:
        gap = t("never measured: run `campaignctl report --refresh`")
    elif last["gap"]:
        gap = last["gap"]
    series = []
    prev_at, prev_eng = (row.published_at or row.at), 0
    for s in good:
        n = normalize(row.platform, s["metrics"])  # type: ignore[arg-type]
        series.append([s["taken_at"].isoformat(), n["reach"], n["engagement"]])
        eng = n["engagement"] or 0
        if s["taken_at"] - prev_at <= RESPONSE_WINDOW and eng > prev_eng:
            response.gained(prev_at, s["taken_at"], eng - prev_eng)
        prev_at, prev_eng = s["taken_at"], max(prev_eng, eng)
    published = (row.published_at or row.at).astimezone(response.tz)
    if latest["engagement"]:
        response.at_publish(published, latest["engagement"])
    return {  # type: ignore[typeddict-item]
        "key": row.key, "target": row.target, "campaign": cid, "post": row.post,
        "channel": row.channel,
        "platform": row.platform, "at": row.at.astimezone(response.tz).isoformat(),
        "published_at": published.isoformat(), "url": row.url,
        "platform_id": row.platform_id,
        **{k: latest.get(k) for k in (*CORE, "engagement")},
        "extras": {k: v for k, v in latest.items()
                   if k not in (*CORE, "engagement") and v is not None},
        "rate": rate(latest["engagement"], latest["reach"]),
        "measured_at": good[-1]["taken_at"].isoformat() if good else None,
        "snapshots": len(snaps), "gap": gap, "series": series,
        "conversions": None,
    }


def _gap_entry(post: PostReport, last: Snapshot | None) -> ReportGap:
    return {"campaign": post["campaign"], "key": post["key"], "post": post["post"],
            "channel": post["channel"], "platform": post["platform"],
            "reason": post["gap"],  # type: ignore[typeddict-item]
            "taken_at": last["taken_at"].isoformat() if last else None,
            "numbers_from": post["measured_at"], "target": post["target"]}


def _attach_conversions(posts: list[PostReport], conversions: Sequence[ConversionRow] | None,
                        cid: str) -> ConversionJoin | None:
    """Join the campaign's conversions; each post gets its own count."""
    if conversions is None:
        return None
    conv = join_conversions(conversions, cid, {p["channel"] for p in posts},
                            {p["post"] for p in posts})
    counted: set[tuple[str, str]] = set()
    for p in posts:
        pair = (p["channel"], p["post"])
        # A recurring post shares one utm_content: its first occurrence carries it.
        if pair not in counted:
            p["conversions"] = conv["posts"].get(pair, 0)
            counted.add(pair)
    return conv


def _channel_reports(posts: Sequence[PostReport],
                     conv: ConversionJoin | None) -> list[ChannelReport]:
    channels = []
    for name in sorted({p["channel"] for p in posts}):
        mine = [p for p in posts if p["channel"] == name]
        channels.append({"channel": name, "platform": mine[0]["platform"], **_aggregate(mine),
                         "gaps": sum(1 for p in mine if p["gap"]),
                         "conversions": conv["channels"].get(name, 0) if conv else None,
                         "series": _channel_series(mine)})
    return channels  # type: ignore[return-value]


def _campaign_report(cid: str, rows: Sequence[OccurrenceStatus],
                     by_key: Mapping[str, list[Snapshot]], camp: Campaign | None,
                     tz_name: str, conversions: Sequence[ConversionRow] | None, best: int,
                     gaps: list[ReportGap]) -> CampaignReport:
    """One campaign's part of the report; the gaps of its posts go to ``gaps``."""
    response = _Response(ZoneInfo(tz_name))
    posts: list[PostReport] = []
    for row in rows:
        snaps = by_key.get(row.key, [])
        post = _post_report(row, snaps, cid, response)
        posts.append(post)
        if post["gap"]:
            gaps.append(_gap_entry(post, snaps[-1] if snaps else None))
    conv = _attach_conversions(posts, conversions, cid)
    channels = _channel_reports(posts, conv)
    # A post nobody has responded to yet is not a "best" post.
    ranked = sorted((p for p in posts if p["engagement"]),
                    key=lambda p: (-(p["engagement"] or 0), -(p["reach"] or 0), p["key"]))
    return {  # type: ignore[typeddict-item]
        "campaign": cid, "target": rows[0].target, "name": camp.name if camp else cid,
        "timezone": tz_name,
        **_aggregate(posts),
        "conversions": conv["total"] if conv else None,
        "conversions_unmatched": conv["unmatched"] if conv else None,
        "gaps": sum(1 for p in posts if p["gap"]),
        "channels": channels,
        "best": [p["key"] for p in ranked[:best]],
        **response.fields(),
        "posts": sorted(posts, key=lambda p: (p["at"], p["channel"], p["key"])),
    }


def summarize(rows: Sequence[OccurrenceStatus], snapshots: Sequence[Snapshot],
              campaigns: Mapping[str, Campaign], *, default_tz: str = "UTC",
              conversions: Sequence[ConversionRow] | None = None,
              now: datetime | None = None, best: int = 5) -> Report:
    """The report as JSON-able data: per campaign, channel and post, the gaps, the time series.
    ``rows`` are published OccurrenceStatus rows; ``snapshots`` the ledger's, oldest first."""
    by_key: dict[str, list[Snapshot]] = defaultdict(list)
    for snap in snapshots:
        by_key[snap["key"]].append(snap)
    # A campaign's live and sandbox numbers are reported apart (live first), never summed.
    per_campaign: dict[tuple[str, bool], list[OccurrenceStatus]] = defaultdict(list)
    for row in rows:
        per_campaign[(row.campaign, row.target == Target.SANDBOX)].append(row)
    report: Report = {
        "generated_at": (now or datetime.now(timezone.utc)).isoformat(),
        "metric_map": {p: {k: list(v) for k, v in m.items()} for p, m in METRIC_MAP.items()},
        "simulated": any(sandbox for _, sandbox in per_campaign),
        "campaigns": [], "gaps": [],
    }
    for cid, sandbox in sorted(per_campaign):
        camp = campaigns.get(cid)
        report["campaigns"].append(_campaign_report(
            cid, per_campaign[(cid, sandbox)], by_key, camp,
            camp.timezone if camp else default_tz, conversions, best, report["gaps"]))
    return report


def _channel_series(posts: Sequence[PostReport]) -> list[list[Any]]:
    """Engagement of a channel over time: at each snapshot instant, the sum of every post's
    latest known engagement so far (a post not yet measured counts nothing)."""
    events: list[tuple[str, str, int]] = []
    for p in posts:
        for at, _reach, eng in p["series"]:
            if eng is not None:
                events.append((at, p["key"], eng))
    events.sort()
    current: dict[str, int] = {}
    out: list[list[Any]] = []
    for at, key, eng in events:
        current[key] = eng
        total = sum(current.values())
        if out and out[-1][0] == at:
            out[-1][1] = total
        else:
            out.append([at, total])
    return out
