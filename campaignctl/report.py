"""Reach and engagement: collect metrics through the adapters, keep them as dated snapshots,
summarise them per campaign, channel and post, and join web-analytics conversions.

Library only: nothing here prints. cli_report.py prints; report_html.py draws the page.

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

import contextlib
import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .errors import AuthError, CampaignctlError, RateLimited, UsageError
from .i18n import t
from .models import Campaign, Published, Workspace

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
NUMBERS = ("reach", "likes", "comments", "shares", "engagement", "conversions")


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

@dataclass
class Collection:
    """What one collection stored: how many posts got numbers and which got gaps."""

    taken_at: datetime
    measured: int = 0
    gaps: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)  # metrics calls per channel


def _budget(channel: Any) -> int:
    """How many metrics calls one collection may make on this channel: its declared rate
    limit per window, so a report never spends more than the platform allows at once."""
    limits = channel.limits
    return max(1, int(limits.requests_per_window))


def collect(ledger: Any, channel_for: Callable[[str], Any], *, now: datetime,
            campaign: str | None = None, since: datetime | None = None) -> Collection:
    """Ask every channel for the numbers of every published post and store one snapshot per
    post (values or a gap with its reason). Never raises for a platform's failure."""
    from .ledger import PUBLISHED

    rows = [r for r in ledger.status(campaign, state=PUBLISHED) if r.platform_id
            and (since is None or (r.published_at or r.at) >= since)]
    result = Collection(taken_at=now)
    snapshots: list[dict[str, Any]] = []
    by_channel: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)

    def store(row: Any, metrics: dict[str, int] | None, gap: str | None) -> None:
        snapshots.append({"key": row.key, "campaign": row.campaign, "channel": row.channel,
                          "platform": row.platform, "platform_id": row.platform_id,
                          "taken_at": now, "metrics": metrics, "gap": gap})
        if gap:
            result.gaps.append({"key": row.key, "channel": row.channel, "post": row.post,
                                "reason": gap})
        if metrics is not None:
            result.measured += 1

    for name, chunk_rows in by_channel.items():
        try:
            channel = channel_for(name)
        except CampaignctlError as exc:
            for row in chunk_rows:
                store(row, None, t("cannot open channel {name}: {reason}", name=name,
                                   reason=exc.message))
            continue
        batch = max(1, int(channel.limits.metrics_batch))
        budget = _budget(channel)
        stop: str | None = None  # once set, every remaining post of this channel gets it
        calls = 0
        for start in range(0, len(chunk_rows), batch):
            group = chunk_rows[start:start + batch]
            if stop is None and calls >= budget:
                stop = t("not measured this time: {name} allows {n} calls per {minutes} "
                         "min; run `campaignctl report --refresh` later for the rest",
                         name=name, n=budget,
                         minutes=max(1, channel.limits.window_seconds // 60))
            if stop is not None:
                for row in group:
                    store(row, None, stop)
                continue
            calls += 1
            try:
                got = channel.metrics([r.published() or Published(r.platform_id)
                                       for r in group])
            except RateLimited as exc:
                when = (exc.retry_at.astimezone(timezone.utc).strftime("%H:%M UTC")
                        if exc.retry_at else t("later"))
                stop = t("rate limited by {name} until {when}: run `campaignctl report "
                         "--refresh` after that", name=name, when=when)
                for row in group:
                    store(row, None, stop)
                continue
            except AuthError as exc:  # the token will not work for the next batch either
                stop = t("no access to {name}: {reason}", name=name, reason=exc.message)
                for row in group:
                    store(row, None, stop)
                continue
            except CampaignctlError as exc:  # this batch only; the next may work
                for row in group:
                    store(row, None, t("{name} failed: {reason}", name=name,
                                       reason=exc.message))
                continue
            if len(got) != len(group):  # adapters answer in order; guard against one that does not
                by_id = {m.platform_id: m for m in got}
                got = [by_id.get(r.platform_id) for r in group]
            for row, m in zip(group, got):
                if m is None:
                    store(row, None, t("{name} did not return this post", name=name))
                elif not m.values:
                    store(row, None, m.gap or t("{name} returned no numbers", name=name))
                else:  # numbers, and maybe a gap for the rest (Facebook reach without insights)
                    store(row, dict(m.values), m.gap)
        result.calls[name] = calls
    if snapshots:
        ledger.add_snapshots(snapshots)
    return result


def needs_collection(ledger: Any, campaign: str | None, now: datetime, *,
                     refresh: bool = False, max_age: timedelta = MAX_AGE) -> bool:
    """True with ``refresh``, or when the newest snapshot is older than ``max_age`` or absent."""
    if refresh:
        return True
    last = ledger.last_snapshot_at(campaign)
    return last is None or now - last > max_age


# --- conversions ------------------------------------------------------------------------------

# The usual headers of Matomo and Google Analytics (UA and GA4) exports, lower-cased.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "utm_campaign": ("utm_campaign", "campaign name", "campaign", "session campaign",
                     "sessioncampaignname", "first user campaign", "campaign_name",
                     "referrer_name"),
    "utm_source": ("utm_source", "campaign source", "source", "session source",
                   "sessionsource", "first user source", "campaign_source"),
    "utm_content": ("utm_content", "campaign content", "content", "ad content",
                    "session manual ad content", "sessionmanualadcontent",
                    "manual ad content", "campaign_content"),
    "utm_medium": ("utm_medium", "campaign medium", "medium", "session medium",
                   "sessionmedium", "campaign_medium"),
    "conversions": ("conversions", "nb_conversions", "goal conversions", "key events",
                    "keyevents", "goal completions", "goals", "conversions (all goals)",
                    "registrations"),
}


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """`--map col=field` pairs: ``field`` is one of DEFAULT_COLUMNS, ``col`` the CSV header."""
    out: dict[str, str] = {}
    for item in items:
        left, sep, right = item.partition("=")
        left, right = left.strip(), right.strip()
        # Either order reads naturally ("Kampanye=utm_campaign" or "utm_campaign=Kampanye").
        if right in DEFAULT_COLUMNS:
            column, wanted = left, right
        elif left in DEFAULT_COLUMNS:
            column, wanted = right, left
        else:
            column, wanted = "", ""
        if not sep or not column:
            raise UsageError(t("bad --map {item!r}", item=item),
                             t("write COLUMN=FIELD with FIELD one of {fields}, e.g. "
                               "--map \"Kampanye=utm_campaign\"",
                               fields=", ".join(DEFAULT_COLUMNS)))
        out[wanted] = column
    return out


def _number(text: str) -> float:
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned or cleaned in ("-", "—"):
        return 0.0
    if "," in cleaned and "." not in cleaned and len(cleaned.rsplit(",", 1)[1]) != 3:
        cleaned = cleaned.replace(",", ".")  # a decimal comma (1,5)
    cleaned = cleaned.replace(",", "")  # thousands separators (1,234)
    try:
        return float(cleaned.rstrip("%"))
    except ValueError:
        return math.nan


def load_conversions(path: Path, mapping: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows of a Matomo or Google Analytics CSV export as utm_* + conversions dicts."""
    try:
        raw = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(t("cannot read {path}: {reason}", path=str(path),
                           reason=exc.strerror or exc),
                         t("give the CSV exported from Matomo or Google Analytics")) from None
    except UnicodeDecodeError:
        raise UsageError(t("{path} is not UTF-8 text", path=str(path)),
                         t("export the report as CSV (UTF-8) and try again")) from None
    # GA4 puts "# ..." comment lines above the table; blank lines separate its sections.
    lines = [ln for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise UsageError(t("{path} has no rows", path=str(path)),
                         t("export the campaign report with its rows as CSV"))
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO("\n".join(lines)), dialect=dialect)
    headers = {(h or "").strip().lower(): h for h in (reader.fieldnames or [])}
    chosen: dict[str, str | None] = {}
    for wanted, names in DEFAULT_COLUMNS.items():
        given = (mapping or {}).get(wanted)
        if given is not None:
            if given.strip().lower() not in headers:
                raise UsageError(t("{path} has no column {column!r}", path=str(path),
                                   column=given),
                                 t("columns there: {names}", names=", ".join(headers.values())))
            chosen[wanted] = headers[given.strip().lower()]
        else:
            chosen[wanted] = next((headers[n] for n in names if n in headers), None)
    missing = [w for w in ("utm_campaign", "utm_source", "conversions") if not chosen[w]]
    if missing:
        raise UsageError(
            t("{path}: cannot tell which column holds {fields}", path=str(path),
              fields=", ".join(missing)),
            t("name them with --map, e.g. --map \"My column=utm_source\"; columns there: "
              "{names}", names=", ".join(headers.values())))
    out = []
    for line_no, rec in enumerate(reader, start=2):
        value = _number(rec.get(chosen["conversions"]) or "")
        if math.isnan(value):
            raise UsageError(t("{path}:{line}: {value!r} is not a number of conversions",
                               path=str(path), line=line_no,
                               value=rec.get(chosen["conversions"])),
                             t("map the right column with --map \"COLUMN=conversions\""))
        row = {w: (rec.get(c) or "").strip() if c else "" for w, c in chosen.items()
               if w != "conversions"}
        row["conversions"] = int(value) if value.is_integer() else value
        out.append(row)
    return out


def join_conversions(rows: Sequence[Mapping[str, Any]], campaign: str,
                     channels: Iterable[str], posts: Iterable[str]) -> dict[str, Any]:
    """Conversions of one campaign by channel (utm_source) and by (channel, post)
    (utm_content); rows of this campaign whose source or content is unknown are kept apart."""
    channels, posts = set(channels), set(posts)
    # int while every count is whole, so 45 stays "45" in CSV and HTML, not "45.0".
    per_channel: dict[str, float] = defaultdict(int)
    per_post: dict[tuple[str, str], float] = defaultdict(int)
    unmatched: float = 0
    total: float = 0
    for r in rows:
        if r["utm_campaign"].lower() != campaign.lower():
            continue
        medium = r.get("utm_medium", "").lower()
        if medium and medium not in ("social", "(not set)"):
            continue  # email or paid links of the same campaign are not ours to count
        total += r["conversions"]
        source = r["utm_source"]
        if source not in channels:
            unmatched += r["conversions"]
            continue
        per_channel[source] += r["conversions"]
        if r.get("utm_content") in posts:
            per_post[(source, r["utm_content"])] += r["conversions"]
    return {"total": total, "channels": dict(per_channel), "posts": dict(per_post),
            "unmatched": unmatched}


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


def _aggregate(posts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {name: _sum(p[name] for p in posts)
                           for name in ("reach", "likes", "comments", "shares", "engagement")}
    with_reach = [p for p in posts if p["reach"] is not None and p["engagement"] is not None]
    out["rate"] = rate(_sum(p["engagement"] for p in with_reach),  # type: ignore[arg-type]
                       _sum(p["reach"] for p in with_reach))  # type: ignore[arg-type]
    out["post_count"] = len(posts)
    out["measured"] = sum(1 for p in posts if p["engagement"] is not None)
    return out


def summarize(rows: Sequence[Any], snapshots: Sequence[Mapping[str, Any]],
              campaigns: Mapping[str, Campaign], *, default_tz: str = "UTC",
              conversions: Sequence[Mapping[str, Any]] | None = None,
              now: datetime | None = None, best: int = 5) -> dict[str, Any]:
    """The report as JSON-able data: per campaign, channel and post, the gaps, the time series.
    ``rows`` are published OccurrenceStatus rows; ``snapshots`` the ledger's, oldest first."""
    by_key: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for snap in snapshots:
        by_key[snap["key"]].append(snap)
    per_campaign: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        per_campaign[row.campaign].append(row)
    report: dict[str, Any] = {
        "generated_at": (now or datetime.now(timezone.utc)).isoformat(),
        "metric_map": {p: {k: list(v) for k, v in m.items()} for p, m in METRIC_MAP.items()},
        "campaigns": [], "gaps": [],
    }
    for cid in sorted(per_campaign):
        camp = campaigns.get(cid)
        tz_name = camp.timezone if camp else default_tz
        tz = ZoneInfo(tz_name)
        hours, days = [0.0] * 24, [0.0] * 7
        fallback_hours, fallback_days = [0.0] * 24, [0.0] * 7
        used_deltas = False
        posts: list[dict[str, Any]] = []
        for row in per_campaign[cid]:
            snaps = by_key.get(row.key, [])
            good = [s for s in snaps if s["metrics"] is not None]
            latest = normalize(row.platform, good[-1]["metrics"]) if good else \
                {k: None for k in (*CORE, "engagement")}
            last = snaps[-1] if snaps else None
            gap = None
            if last is None:
                gap = t("never measured: run `campaignctl report --refresh`")
            elif last["gap"]:
                gap = last["gap"]
            series = []
            prev_at, prev_eng = (row.published_at or row.at), 0
            for s in good:
                n = normalize(row.platform, s["metrics"])
                series.append([s["taken_at"].isoformat(), n["reach"], n["engagement"]])
                eng = n["engagement"] or 0
                if s["taken_at"] - prev_at <= RESPONSE_WINDOW and eng > prev_eng:
                    _spread(prev_at, s["taken_at"], eng - prev_eng, tz, hours, days)
                    used_deltas = True
                prev_at, prev_eng = s["taken_at"], max(prev_eng, eng)
            published = (row.published_at or row.at).astimezone(tz)
            if latest["engagement"]:
                fallback_hours[published.hour] += latest["engagement"]
                fallback_days[published.weekday()] += latest["engagement"]
            post = {
                "key": row.key, "campaign": cid, "post": row.post, "channel": row.channel,
                "platform": row.platform, "at": row.at.astimezone(tz).isoformat(),
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
            posts.append(post)
            if gap:
                report["gaps"].append({"campaign": cid, "key": row.key, "post": row.post,
                                       "channel": row.channel, "platform": row.platform,
                                       "reason": gap,
                                       "taken_at": last["taken_at"].isoformat() if last else None,
                                       "numbers_from": post["measured_at"]})
        conv = None
        if conversions is not None:
            conv = join_conversions(conversions, cid, {p["channel"] for p in posts},
                                    {p["post"] for p in posts})
            counted: set[tuple[str, str]] = set()
            for p in posts:
                pair = (p["channel"], p["post"])
                # A recurring post shares one utm_content: its first occurrence carries it.
                if pair not in counted:
                    p["conversions"] = conv["posts"].get(pair, 0)
                    counted.add(pair)
        channels = []
        for name in sorted({p["channel"] for p in posts}):
            mine = [p for p in posts if p["channel"] == name]
            entry = {"channel": name, "platform": mine[0]["platform"], **_aggregate(mine),
                     "gaps": sum(1 for p in mine if p["gap"]),
                     "conversions": conv["channels"].get(name, 0) if conv else None,
                     "series": _channel_series(mine)}
            channels.append(entry)
        # A post nobody has responded to yet is not a "best" post.
        ranked = sorted((p for p in posts if p["engagement"]),
                        key=lambda p: (-(p["engagement"] or 0), -(p["reach"] or 0), p["key"]))
        report["campaigns"].append({
            "campaign": cid, "name": camp.name if camp else cid, "timezone": tz_name,
            **_aggregate(posts),
            "conversions": conv["total"] if conv else None,
            "conversions_unmatched": conv["unmatched"] if conv else None,
            "gaps": sum(1 for p in posts if p["gap"]),
            "channels": channels,
            "best": [p["key"] for p in ranked[:best]],
            "response_basis": "snapshot deltas" if used_deltas else "publish times",
            "hours": [round(v, 3) for v in (hours if used_deltas else fallback_hours)],
            "weekdays": [round(v, 3) for v in (days if used_deltas else fallback_days)],
            "posts": sorted(posts, key=lambda p: (p["at"], p["channel"], p["key"])),
        })
    return report


def _channel_series(posts: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
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


# --- the whole job ----------------------------------------------------------------------------

def report_job(workspace: Workspace, campaigns: Sequence[Campaign], *, now: datetime,
               campaign: str | None = None, since: datetime | None = None,
               refresh: bool = False, sandbox: bool = False, sandbox_url: str | None = None,
               conversions: Path | None = None, mapping: Mapping[str, str] | None = None,
               max_age: timedelta = MAX_AGE) -> dict[str, Any]:
    """Collect when needed (see the module docstring), then summarise from the ledger."""
    from .channels import channel_for as open_for
    from .usecases.common import open_ledger
    from .usecases.sandbox import sandbox_session, uses_sandbox
    from .ledger import PUBLISHED

    conv_rows = load_conversions(conversions, mapping) if conversions else None
    ledger = open_ledger(workspace)
    try:
        rows = [r for r in ledger.status(campaign, state=PUBLISHED)
                if since is None or (r.published_at or r.at) >= since]
        if campaign and not rows and campaign not in {c.id for c in campaigns}:
            raise UsageError(t("no campaign {name!r}", name=campaign),
                             t("campaigns here: {names}",
                               names=", ".join(c.id for c in campaigns) or "-"))
        collection = None
        if rows and needs_collection(ledger, campaign, now, refresh=refresh, max_age=max_age):
            route = sandbox or bool(sandbox_url) or uses_sandbox(
                workspace, sorted({r.channel for r in rows}))
            with (sandbox_session(workspace, sandbox_url) if route
                  else contextlib.nullcontext(None)) as url:
                def opener(name: str) -> Any:
                    return open_for(workspace, name, sandbox_url=url,
                                    force_sandbox=sandbox or bool(sandbox_url))
                collection = collect(ledger, opener, now=now, campaign=campaign, since=since)
        snaps = ledger.snapshots(campaign)
    finally:
        ledger.close()
    data = summarize(rows, snaps, {c.id: c for c in campaigns}, default_tz=workspace.timezone,
                     conversions=conv_rows, now=now)
    data["collected"] = None if collection is None else {
        "taken_at": collection.taken_at.isoformat(), "measured": collection.measured,
        "gaps": len(collection.gaps), "calls": collection.calls}
    return data


# --- plain outputs (the HTML page lives in report_html.py) ------------------------------------

CSV_COLUMNS = ("level", "campaign", "channel", "platform", "post", "key", "at", "reach",
               "likes", "comments", "shares", "engagement", "rate", "conversions", "gap")


def fmt_number(value: int | float | None) -> str:
    """A count for people: thousands separated; "n/a" when unknown."""
    if value is None:
        return t("n/a")
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def fmt_rate(value: float | None) -> str:
    """An engagement rate as a percentage, or "n/a"."""
    return t("n/a") if value is None else f"{value * 100:.2f}%"


def csv_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per campaign, channel and post, with the same numbers as the JSON."""
    out = []
    for c in report["campaigns"]:
        out.append({"level": "campaign", "campaign": c["campaign"], **_nums(c)})
        for ch in c["channels"]:
            out.append({"level": "channel", "campaign": c["campaign"], "channel": ch["channel"],
                        "platform": ch["platform"], **_nums(ch)})
        for p in c["posts"]:
            out.append({"level": "post", "campaign": c["campaign"], "channel": p["channel"],
                        "platform": p["platform"], "post": p["post"], "key": p["key"],
                        "at": p["at"], **_nums(p), "gap": p["gap"] or ""})
    return out


def _nums(item: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: ("" if item.get(k) is None else item[k]) for k in NUMBERS}
    out["rate"] = "" if item.get("rate") is None else round(item["rate"], 6)
    return out


def report_csv(report: Mapping[str, Any]) -> str:
    """The report as CSV text (empty cells where a number is unknown, never 0)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(report):
        writer.writerow(row)
    return buf.getvalue()


def report_table(report: Mapping[str, Any], width: int = 140) -> str:
    """The report as tables for a terminal (rendered to a string)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    if not report["campaigns"]:
        console.print(t("Nothing published yet: publish first (campaignctl publish), then "
                        "run the report again."))
    for c in report["campaigns"]:
        console.print(f"[bold]{c['name']}[/bold] ({c['campaign']}, {c['timezone']})")
        console.print(t("Reach {reach} · engagement {eng} ({rate}) · {posts} posts, {gaps} "
                        "with gaps", reach=fmt_number(c["reach"]), eng=fmt_number(c["engagement"]),
                        rate=fmt_rate(c["rate"]), posts=c["post_count"], gaps=c["gaps"])
                      + ("" if c["conversions"] is None else
                         " · " + t("conversions {n}", n=fmt_number(c["conversions"]))))
        table = Table(box=None, pad_edge=False, header_style="bold")
        for head in (t("Channel"), t("Reach"), t("Likes"), t("Comments"), t("Shares"),
                     t("Engagement"), t("Rate"), t("Conversions"), t("Gaps")):
            table.add_column(head, justify="left" if head == t("Channel") else "right")
        for ch in c["channels"]:
            table.add_row(ch["channel"], *(fmt_number(ch[k]) for k in
                                           ("reach", "likes", "comments", "shares",
                                            "engagement")),
                          fmt_rate(ch["rate"]),
                          "-" if ch["conversions"] is None else fmt_number(ch["conversions"]),
                          str(ch["gaps"]))
        console.print(table)
        measured = [p["measured_at"] for p in c["posts"] if p["measured_at"]]
        if measured:
            console.print(t("Numbers as collected at {when}; `--refresh` collects them again now.",
                            when=max(measured)[:16].replace("T", " ") + " UTC"))
        posts = {p["key"]: p for p in c["posts"]}
        if c["best"]:
            console.print(t("Best posts:"))
            for key in c["best"]:
                p = posts[key]
                console.print(f"  {p['post']} @ {p['channel']} ({p['at'][:16]}): "
                              + t("engagement {eng}, reach {reach}",
                                  eng=fmt_number(p["engagement"]), reach=fmt_number(p["reach"])))
        peak = max(range(24), key=lambda h: c["hours"][h]) if any(c["hours"]) else None
        if peak is not None:
            console.print(t("Most response around {hour}:00 ({zone}), from {basis}.",
                            hour=f"{peak:02d}", zone=c["timezone"],
                            basis=t(c["response_basis"])))
        console.print("")
    if report["gaps"]:
        console.print(t("Gaps (no numbers, with the reason):"))
        for g in report["gaps"]:
            console.print(f"  {g['post']} @ {g['channel']}: {g['reason']}")
    return console.export_text().rstrip() + "\n"
