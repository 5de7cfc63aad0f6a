"""Self-contained HTML pages: the campaign report and the preview cards.

Pure functions that return one string each: no external scripts, fonts or CDNs, charts
drawn here as inline SVG, media embedded as data: URIs. Every number on the report carries
``data-metric``/``data-level``/``data-campaign``/``data-channel``/``data-post`` and the
raw ``data-value`` (empty when unknown), so a test or a script can read the page back.

A small inline script checks the page when it opens (every chart drawn, every number
readable) and writes the result to ``<body data-selfcheck>``; it changes nothing else.
"""

from __future__ import annotations

import base64
import calendar
import html
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import decimal_sign, language, local_time, t
from ..models import Target
from .text import fmt_number, fmt_rate, simulated_note

if TYPE_CHECKING:
    from .metrics import CampaignReport, Report, ReportGap

EMBED_MAX_BYTES = 2 * 1024 * 1024
COLORS = {"x": "#14171a", "facebook": "#1877f2", "youtube": "#e62117", "tiktok": "#00a3a3"}
PALETTE = ("#5b6abf", "#d9822b", "#3a9d5d", "#b04a9e", "#7f7f7f")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _color(platform: str, index: int = 0) -> str:
    return COLORS.get(platform, PALETTE[index % len(PALETTE)])


CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d8dce4;--bg:#f5f6f8;--card:#fff;--accent:#1f6f4a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
 color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:22px;margin:28px 0 8px}
h3{font-size:17px;margin:22px 0 8px}
.sub{color:var(--muted);margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card .label{color:var(--muted);font-size:13px}
.card .big{font-size:28px;font-weight:700;display:block}
.card .note{color:var(--muted);font-size:12px}
.banner{background:#fff4d6;border:2px solid #c98a00;border-radius:8px;padding:10px 14px;
 font-weight:600;margin:0 0 16px}
.badge{background:#c98a00;color:#fff;border-radius:4px;font-size:13px;padding:2px 6px;
 vertical-align:middle}
.plain{background:#eef6f1;border-left:4px solid var(--accent);padding:10px 14px;border-radius:6px}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:middle}
th:first-child,td:first-child,td.l,th.l{text-align:left}
td:first-child{white-space:nowrap}
td .gap{white-space:normal;font-size:12px;max-width:260px}
table.wide th,table.wide td{font-size:13px;padding:5px 6px}
.panel{overflow-x:auto}
th{font-size:13px;color:var(--muted);font-weight:600}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px}
svg{display:block;max-width:100%;height:auto}
svg text{font:11px system-ui,sans-serif;fill:#5b6475}
.gap{color:#9a3412}.na{color:var(--muted)}
.gaps li{margin:4px 0}
.cal{display:flex;flex-wrap:wrap;gap:16px}
.month{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px}
.month table{width:auto}.month td,.month th{text-align:center;width:40px;height:34px;padding:2px;
 border:none;font-size:12px}
.month td.has{background:#e3f1e8;border-radius:6px;font-weight:700}
.month td span.n{display:block;font-size:10px;color:var(--accent)}
.best li{margin:4px 0}
a{color:#1f5fbf}
footer{color:var(--muted);font-size:12px;margin:32px 0 8px}
@media (max-width:800px){.grid2{grid-template-columns:1fr}}
@media print{body{background:#fff;font-size:11pt}main{max-width:none;padding:0}
 .card,.panel,.month,table{break-inside:avoid}section.campaign{break-before:page}
 section.campaign:first-of-type{break-before:auto}a{color:inherit;text-decoration:none}}
"""

SELF_CHECK = """
(function(){
  var errors=[];
  window.addEventListener('error',function(e){errors.push(String(e.message));});
  function run(){
    var body=document.body, want=parseInt(body.getAttribute('data-expected-charts')||'0',10);
    var charts=document.querySelectorAll('svg[data-chart]').length;
    if(charts!==want){errors.push('charts '+charts+' of '+want);}
    var nums=document.querySelectorAll('[data-metric]');
    for(var i=0;i<nums.length;i++){
      var v=nums[i].getAttribute('data-value');
      if(v!==''&&isNaN(Number(v))){errors.push('bad number '+v);}
    }
    body.setAttribute('data-selfcheck',errors.length?'fail: '+errors.join('; '):'ok');
    body.setAttribute('data-numbers',String(nums.length));
  }
  if(document.readyState==='loading'){document.addEventListener('DOMContentLoaded',run);}
  else{run();}
})();
"""


class _Page:
    """Collects the charts drawn so the self-check knows how many to expect."""

    def __init__(self) -> None:
        self.charts = 0

    def chart(self, svg_body: str, kind: str, width: int, height: int, label: str,
              **attrs: str) -> str:
        self.charts += 1
        extra = "".join(f' data-{k.replace("_", "-")}="{_e(v)}"' for k, v in attrs.items())
        return (f'<svg data-chart="{_e(kind)}"{extra} viewBox="0 0 {width} {height}" '
                f'width="{width}" height="{height}" role="img" aria-label="{_e(label)}">'
                f'<title>{_e(label)}</title>{svg_body}</svg>')


def _num(value: int | float | None, metric: str, level: str, campaign: str,
         channel: str = "", post: str = "", text: str | None = None) -> str:
    """A number with its machine-readable hook; unknown shows "n/a" with an empty value."""
    raw = "" if value is None else (f"{value:.6f}" if isinstance(value, float) and
                                    not float(value).is_integer() else str(int(value)))
    shown = text if text is not None else fmt_number(value)
    cls = "num na" if value is None else "num"
    return (f'<span class="{cls}" data-metric="{metric}" data-level="{level}" '
            f'data-campaign="{_e(campaign)}" data-channel="{_e(channel)}" '
            f'data-post="{_e(post)}" data-value="{raw}">{_e(shown)}</span>')


def _rate(value: float | None, level: str, campaign: str, channel: str = "",
          post: str = "") -> str:
    return _num(value, "rate", level, campaign, channel, post, text=fmt_rate(value))


# --- charts -----------------------------------------------------------------------------------

def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def bar_chart(page: _Page, items: Sequence[tuple[str, float | None, str]], kind: str,
              label: str, width: int = 520, height: int = 200, **attrs: str) -> str:
    """Vertical bars (label, value, colour); a None value is drawn as a hatched "n/a"."""
    left, bottom, top = 40, 28, 12
    inner_w, inner_h = width - left - 8, height - bottom - top
    peak = _nice_max(max([v or 0 for _, v, _ in items] + [0]))
    n = max(1, len(items))
    slot = inner_w / n
    bar_w = max(2.0, slot * 0.7)
    parts = [f'<line x1="{left}" y1="{top + inner_h}" x2="{width - 8}" y2="{top + inner_h}" '
             'stroke="#c7ccd6"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_e(fmt_number(peak))}</text>',
             f'<text x="{left - 4}" y="{top + inner_h}" text-anchor="end">0</text>']
    every = max(1, n // 12)
    for i, (name, value, color) in enumerate(items):
        x = left + i * slot + (slot - bar_w) / 2
        if value is None:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + inner_h - 4}" '
                         f'text-anchor="middle">{_e(t("n/a"))}</text>')
        else:
            h = inner_h * value / peak
            parts.append(f'<rect x="{x:.1f}" y="{top + inner_h - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{h:.1f}" fill="{color}" rx="2"><title>{_e(name)}: '
                         f'{_e(fmt_number(value))}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 10}" '
                         f'text-anchor="middle">{_e(name)}</text>')
    return page.chart("".join(parts), kind, width, height, label, **attrs)


def line_chart(page: _Page, series: Mapping[str, tuple[str, Sequence[tuple[datetime, float]]]],
               kind: str, label: str, width: int = 1080, height: int = 240,
               **attrs: str) -> str:
    """One line per series name: (colour, [(instant, value), ...]); a shared time axis."""
    left, bottom, top, right = 48, 30, 12, 130
    inner_w, inner_h = width - left - right, height - bottom - top
    points = [p for _, pts in series.values() for p in pts]
    parts = [f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" '
             f'y2="{top + inner_h}" stroke="#c7ccd6"/>']
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">'
                     f'{_e(t("no measurements yet"))}</text>')
        return page.chart("".join(parts), kind, width, height, label, **attrs)
    t0 = min(p[0] for p in points).timestamp()
    t1 = max(p[0] for p in points).timestamp()
    span = (t1 - t0) or 1.0
    peak = _nice_max(max(p[1] for p in points))

    def xy(at: datetime, value: float) -> tuple[float, float]:
        x = left + inner_w * ((at.timestamp() - t0) / span if t1 > t0 else 0.5)
        return x, top + inner_h - inner_h * value / peak

    parts += [f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_e(fmt_number(peak))}'
              '</text>',
              f'<text x="{left - 4}" y="{top + inner_h}" text-anchor="end">0</text>',
              f'<text x="{left}" y="{height - 8}">{_e(_short(min(p[0] for p in points)))}'
              '</text>',
              f'<text x="{left + inner_w}" y="{height - 8}" text-anchor="end">'
              f'{_e(_short(max(p[0] for p in points)))}</text>']
    for i, (name, (color, pts)) in enumerate(series.items()):
        coords = [xy(at, v) for at, v in sorted(pts)]
        if len(coords) == 1:
            x, y = coords[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
        elif coords:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" '
                         'stroke-width="2.5" stroke-linejoin="round"/>')
        ly = top + 14 + i * 18
        parts.append(f'<rect x="{left + inner_w + 12}" y="{ly - 9}" width="10" height="10" '
                     f'fill="{color}"/><text x="{left + inner_w + 26}" y="{ly}">{_e(name)}</text>')
    return page.chart("".join(parts), kind, width, height, label, **attrs)


def _short(at: datetime) -> str:
    return local_time(at, "%d %b %H:%M", "dd MMM {time}")


def _long(at: datetime) -> str:
    return local_time(at, "%d %b %Y %H:%M %Z", "dd MMM y {time} {zone}")


def sparkline(page: _Page, pts: Sequence[tuple[datetime, float]], color: str, label: str,
              **attrs: str) -> str:
    """A tiny engagement-over-time line for one post."""
    width, height = 100, 28
    if not pts:
        body = f'<text x="4" y="19">{_e(t("n/a"))}</text>'
        return page.chart(body, "post", width, height, label, **attrs)
    t0, t1 = pts[0][0].timestamp(), pts[-1][0].timestamp()
    peak = max(v for _, v in pts) or 1
    coords = []
    for at, v in pts:
        x = 4 + (width - 8) * ((at.timestamp() - t0) / (t1 - t0) if t1 > t0 else 1.0)
        coords.append(f"{x:.1f},{height - 4 - (height - 8) * v / peak:.1f}")
    if len(coords) == 1:
        x, y = coords[0].split(",")
        body = f'<circle cx="{x}" cy="{y}" r="3" fill="{color}"/>'
    else:
        body = (f'<polyline points="{" ".join(coords)}" fill="none" stroke="{color}" '
                'stroke-width="2"/>')
    return page.chart(body, "post", width, height, label, **attrs)


# --- the report -------------------------------------------------------------------------------

def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def report_html(report: Report, title: str | None = None) -> str:
    """The whole report as one self-contained HTML page."""
    page = _Page()
    campaigns = report["campaigns"]
    heading = title or t("Campaign report")
    body = [f"<h1>{_e(heading)}</h1>",
            '<p class="sub">' + _e(t("What the campaign achieved, from each platform's own "
                                     "numbers."))
            + " " + _e(t("Report made {when}.", when=_long(_dt(report["generated_at"])))) + "</p>"]
    note = simulated_note(report)
    if note:
        body.append(f'<p class="banner" role="note" data-simulated="true">{_e(note)}</p>')
    if not campaigns:
        body.append('<p class="plain">' + _e(t("Nothing has been published yet, so there is "
                                                "nothing to measure.")) + "</p>")
    for c in campaigns:
        body.append(_campaign_section(page, c))
    body.append(_gaps_section(report["gaps"]))
    body.append("<footer>" + _e(t(
        "Reach = impressions (X), people who saw the post (Facebook Page insights) or views "
        "(YouTube, TikTok). Engagement = likes/reactions + comments/replies + "
        "shares/reposts (+ quotes and bookmarks on X). Rate = engagement ÷ reach, over posts "
        "whose reach is known. n/a means the number is unknown, not zero.")) + "</footer>")
    return _document(heading, "".join(body), page.charts)


def _document(title: str, body: str, charts: int) -> str:
    return (f'<!doctype html><html lang="{_e(language())}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head>"
            f'<body data-expected-charts="{charts}" data-selfcheck="pending"><main>{body}</main>'
            f"<script>{SELF_CHECK}</script></body></html>")


def _headline(c: CampaignReport) -> str:
    cid = c["campaign"]

    def card(label: str, value: str, note: str = "") -> str:
        return (f'<div class="card"><span class="label">{_e(label)}</span>'
                f'<span class="big">{value}</span><span class="note">{_e(note)}</span></div>')

    cards = [
        card(t("Reach"), _num(c["reach"], "reach", "campaign", cid),
             t("times the posts were seen")),
        card(t("Engagement"), _num(c["engagement"], "engagement", "campaign", cid),
             t("likes, comments and shares")),
        card(t("Engagement rate"), _rate(c["rate"], "campaign", cid),
             t("engagement per view, where views are known")),
    ]
    if c["conversions"] is not None:
        cards.append(card(t("Conversions"), _num(c["conversions"], "conversions", "campaign",
                                                  cid), t("from the website's analytics")))
    cards.append(card(t("Posts published"), _num(c["post_count"], "posts", "campaign", cid),
                      t("{n} measured", n=c["measured"])))
    cards.append(card(t("Gaps"), _num(c["gaps"], "gaps", "campaign", cid),
                      t("posts without numbers (see below)")))
    return f'<div class="cards">{"".join(cards)}</div>'


def _plain_words(c: CampaignReport) -> str:
    best_channel = max((ch for ch in c["channels"] if ch["engagement"] is not None),
                       key=lambda ch: ch["engagement"], default=None)
    text = t("{posts} posts went out. They were seen {reach} times and people responded "
             "{eng} times.", posts=c["post_count"], reach=fmt_number(c["reach"]),
             eng=fmt_number(c["engagement"]))
    if best_channel is not None:
        text += " " + t("Most responses came on {channel}.", channel=best_channel["channel"])
    if any(c["hours"]):
        peak = max(range(24), key=lambda h: c["hours"][h])
        text += " " + t("People responded most around {hour}:00 ({zone}).",
                        hour=f"{peak:02d}", zone=c["timezone"])
    if c["conversions"] is not None:
        text += " " + t("The website counted {n} conversions from these links.",
                        n=fmt_number(c["conversions"]))
    if c["gaps"]:
        text += " " + t("Posts without numbers yet: {n}; the reasons are listed at the end.",
                        n=c["gaps"])
    return f'<p class="plain">{_e(text)}</p>'


def _measured_note(c: CampaignReport) -> str:
    measured = [p["measured_at"] for p in c["posts"] if p["measured_at"]]
    if not measured:
        return ""
    return " · " + _e(t("numbers collected {when}",
                        when=_long(_dt(max(measured)))))


def _campaign_section(page: _Page, c: CampaignReport) -> str:
    cid = c["campaign"]
    target = c.get("target", Target.LIVE)
    badge = (f' <span class="badge">{_e(t("SANDBOX (simulated)"))}</span>'
             if target == Target.SANDBOX else "")
    out = [f'<section class="campaign" data-campaign="{_e(cid)}" data-target="{_e(target)}">',
           f'<h2>{_e(c["name"])}{badge}</h2>',
           f'<p class="sub">{_e(cid)} · {_e(t("times in {zone}", zone=c["timezone"]))}'
           + _measured_note(c) + "</p>",
           _headline(c), _plain_words(c)]
    # Channels: table + bars.
    rows = []
    for i, ch in enumerate(c["channels"]):
        name = ch["channel"]
        cells = "".join(f"<td>{_num(ch[k], k, 'channel', cid, name)}</td>"
                        for k in ("reach", "likes", "comments", "shares", "engagement"))
        conv = ("<td>-</td>" if ch["conversions"] is None else
                f"<td>{_num(ch['conversions'], 'conversions', 'channel', cid, name)}</td>")
        rows.append(f'<tr><td class="l"><span class="dot" style="background:'
                    f'{_color(ch["platform"], i)}"></span>{_e(name)}</td>{cells}'
                    f"<td>{_rate(ch['rate'], 'channel', cid, name)}</td>{conv}"
                    f"<td>{_num(ch['gaps'], 'gaps', 'channel', cid, name)}</td></tr>")
    heads = "".join(f"<th>{_e(h)}</th>" for h in (
        t("Channel"), t("Reach"), t("Likes"), t("Comments"), t("Shares"), t("Engagement"),
        t("Rate"), t("Conversions"), t("Gaps")))
    out.append(f"<h3>{_e(t('By channel'))}</h3><div class='panel'>"
               f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
               "</div><div class='panel' style='margin-top:12px'>")
    out.append(bar_chart(page, [(ch["channel"], ch["engagement"], _color(ch["platform"], i))
                                for i, ch in enumerate(c["channels"])], "channels",
                         t("Engagement per channel"), width=1080, height=180, campaign=cid))
    out.append("</div>")
    # Over time.
    series = {ch["channel"]: (_color(ch["platform"], i),
                              [(_dt(at), v) for at, v in ch["series"]])
              for i, ch in enumerate(c["channels"])}
    out.append(f"<h3>{_e(t('Engagement over time, per channel'))}</h3><div class='panel'>")
    out.append(line_chart(page, series, "over-time", t("Engagement over time"), campaign=cid))
    out.append("</div>")
    # When.
    basis = (t("from how engagement grew between measurements")
             if c["response_basis"] == "snapshot deltas"
             else t("from publish times, weighted by engagement (measure more often for a "
                    "finer picture)"))
    out.append(f"<h3>{_e(t('When people responded'))}</h3><p class='sub'>"
               + _e(t("Hour of day and day of week in {zone}, {basis}.", zone=c["timezone"],
                      basis=basis)) + "</p>"
               "<div class='grid2'><div class='panel'>")
    out.append(bar_chart(page, [(f"{h:02d}", round(v, 1), "#1f6f4a")
                                for h, v in enumerate(c["hours"])], "hours",
                         t("Responses by hour of day"), campaign=cid))
    out.append("</div><div class='panel'>")
    out.append(bar_chart(page, [(t(d), round(v, 1), "#1f6f4a")
                                for d, v in zip(WEEKDAYS, c["weekdays"])], "weekdays",
                         t("Responses by day of week"), campaign=cid))
    out.append("</div></div>")
    # Best posts.
    posts = {p["key"]: p for p in c["posts"]}
    if c["best"]:
        items = []
        for key in c["best"]:
            p = posts[key]
            items.append(f"<li><b>{_e(p['post'])}</b> {_e(t('on'))} {_e(p['channel'])}, "
                         f"{_e(_short(_dt(p['at'])))}: "
                         f"{_num(p['engagement'], 'engagement', 'best', cid, p['channel'], key)}"
                         f" {_e(t('responses'))}"
                         + ("" if p["reach"] is None else
                            f", {_num(p['reach'], 'reach', 'best', cid, p['channel'], key)} "
                            f"{_e(t('views'))}")
                         + (f' — <a href="{_e(p["url"])}">{_e(t("open"))}</a>'
                            if p["url"] else "") + "</li>")
        out.append(f"<h3>{_e(t('Best posts'))}</h3><ol class='best'>{''.join(items)}</ol>")
    out.append(_calendar(c))
    out.append(_posts_table(page, c))
    out.append(_conversions(c))
    out.append("</section>")
    return "".join(out)


def _calendar(c: CampaignReport) -> str:
    """Month grids with the number of posts published each day (campaign time zone)."""
    per_day: dict[date, list[str]] = defaultdict(list)
    for p in c["posts"]:
        per_day[_dt(p["at"]).date()].append(f"{p['post']} ({p['channel']})")
    if not per_day:
        return ""
    months = sorted({(d.year, d.month) for d in per_day})
    grids = []
    for year, month in months:
        weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
        # Whole abbreviations: two letters would make Indonesian Sen and Sel both "Se".
        rows = ["<tr>" + "".join(f"<th>{_e(t(d))}</th>" for d in WEEKDAYS) + "</tr>"]
        for week in weeks:
            cells = []
            for day in week:
                if not day:
                    cells.append("<td></td>")
                    continue
                what = per_day.get(date(year, month, day))
                if what:
                    cells.append(f'<td class="has" data-day="{year}-{month:02d}-{day:02d}" '
                                 f'data-posts="{len(what)}" title="{_e("; ".join(what))}">'
                                 f'{day}<span class="n">{len(what)}×</span></td>')
                else:
                    cells.append(f"<td>{day}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        month_name = local_time(date(year, month, 1), "%B %Y", "LLLL y")
        grids.append(f'<div class="month"><b>{_e(month_name)}</b>'
                     f"<table>{''.join(rows)}</table></div>")
    return (f"<h3>{_e(t('Calendar: what went out when'))}</h3>"
            f"<div class='cal'>{''.join(grids)}</div>")


def _posts_table(page: _Page, c: CampaignReport) -> str:
    cid = c["campaign"]
    rows = []
    for i, p in enumerate(c["posts"]):
        key, ch = p["key"], p["channel"]
        pts = [(_dt(at), eng) for at, _reach, eng in p["series"] if eng is not None]
        spark = sparkline(page, pts, _color(p["platform"], i),
                          t("Engagement of {post} on {channel} over time", post=p["post"],
                            channel=ch), campaign=cid, post=key)
        cells = "".join(f"<td>{_num(p[k], k, 'post', cid, ch, key)}</td>"
                        for k in ("reach", "likes", "comments", "shares", "engagement"))
        conv = ("<td>-</td>" if p["conversions"] is None else
                f"<td>{_num(p['conversions'], 'conversions', 'post', cid, ch, key)}</td>")
        name = _e(p["post"])
        if p["url"]:
            name = f'<a href="{_e(p["url"])}">{name}</a>'
        note = f'<div class="gap">{_e(p["gap"])}</div>' if p["gap"] else ""
        rows.append(f'<tr data-row="{_e(key)}"><td class="l">{name}{note}</td>'
                    f'<td class="l">{_e(ch)}</td>'
                    f"<td class='l'>{_e(_short(_dt(p['at'])))}</td>{cells}"
                    f"<td>{_rate(p['rate'], 'post', cid, ch, key)}</td>{conv}"
                    f"<td>{spark}</td></tr>")
    heads = "".join(f"<th>{_e(h)}</th>" for h in (
        t("Post"), t("Channel"), t("When"), t("Reach"), t("Likes"), t("Comments"), t("Shares"),
        t("Engagement"), t("Rate"), t("Conversions"), t("Over time")))
    return (f"<h3>{_e(t('Every post'))}</h3><div class='panel'><table class='wide'>"
            f"<thead><tr>{heads}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def _conversions(c: CampaignReport) -> str:
    cid = c["campaign"]
    if c["conversions"] is None:
        return (f"<h3>{_e(t('Conversions'))}</h3><p class='sub'>"
                + _e(t("No web-analytics export was given: add --conversions FILE.csv to see "
                       "how many people acted on the links.")) + "</p>")
    rows = [f"<tr><td class='l'>{_e(ch['channel'])}</td><td>"
            f"{_num(ch['conversions'], 'conversions', 'channel', cid, ch['channel'])}</td></tr>"
            for ch in c["channels"]]
    rows.append(f"<tr><td class='l'>{_e(t('other sources of this campaign'))}</td><td>"
                f"{_num(c['conversions_unmatched'], 'conversions_unmatched', 'campaign', cid)}"
                "</td></tr>")
    return (f"<h3>{_e(t('Conversions'))}</h3><p class='sub'>"
            f"{_e(t('People who acted on the links (utm_source = channel, utm_content = post).'))}"
            f"</p><div class='panel'><table><thead><tr><th>{_e(t('Channel'))}</th>"
            f"<th>{_e(t('Conversions'))}</th></tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div>")


def _gaps_section(gaps: Sequence[ReportGap]) -> str:
    if not gaps:
        return (f"<section class='gaps'><h2>{_e(t('Gaps'))}</h2><p>"
                f"{_e(t('Every published post has numbers.'))}</p></section>")
    items = "".join(
        f'<li data-gap="{_e(g["key"])}"><b>{_e(g["post"])}</b> {_e(t("on"))} '
        f'{_e(g["channel"])}: <span class="gap">{_e(g["reason"])}</span>'
        + (' <span class="sub">(' + _e(t("numbers shown are from {when}",
                                           when=g["numbers_from"][:16])) + ")</span>"
           if g.get("numbers_from") else "") + "</li>" for g in gaps)
    return (f"<section class='gaps'><h2>{_e(t('Gaps: posts without current numbers'))}</h2>"
            "<p class='sub'>" + _e(t("These are unknown, not zero. Most clear up on the next "
                                     "`campaignctl report --refresh`.")) + "</p>"
            f"<ul class='gaps'>{items}</ul></section>")


# --- the preview page -------------------------------------------------------------------------

PREVIEW_CSS = """
.posts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:18px}
.pv{background:#fff;border:1px solid #d8dce4;border-radius:14px;overflow:hidden}
.pv header{display:flex;align-items:center;gap:8px;padding:10px 12px;
 border-bottom:1px solid #eceff3}
.pv .av{width:36px;height:36px;border-radius:50%;background:#c9d3e0;flex:none}
.pv .who b{display:block}.pv .who span{color:#5b6475;font-size:13px}
.pv .body{padding:10px 12px;white-space:pre-wrap;word-wrap:break-word}
.pv .media{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:4px;
 padding:0 12px 8px}
.pv .media img,.pv .media video{width:100%;border-radius:8px;display:block;background:#eee}
.pv .alt{font-size:12px;color:#374151;background:#f3f4f6;border-radius:6px;padding:4px 6px;
 margin-top:3px}
.pv .alt.missing{background:#fde8e8;color:#9b1c1c}
.pv .ph{background:#1f2430;color:#e5e7eb;display:flex;align-items:center;justify-content:center;
 border-radius:8px;min-height:120px;font-size:13px;text-align:center;padding:8px}
.pv.x .tw{border-left:3px solid #cfd9de;margin:8px 12px;padding-left:10px}
.pv.x .tw .n{color:#5b6475;font-size:12px}
.pv.youtube .thumb{aspect-ratio:16/9;background:#0f0f0f;color:#fff;display:flex;align-items:center;
 justify-content:center;font-size:40px}
.pv.youtube .title{font-weight:700;font-size:16px;padding:10px 12px 0}
.pv.tiktok .frame{aspect-ratio:9/16;max-height:480px;background:#111;color:#fff;
 position:relative;margin:0 auto;
 display:flex;align-items:flex-end}
.pv.tiktok .frame video{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
.pv.tiktok .cap{position:relative;padding:12px;
 background:linear-gradient(transparent,rgba(0,0,0,.75));
 width:100%;white-space:pre-wrap}
.pv footer{color:#5b6475;font-size:12px;padding:6px 12px 10px;border-top:1px solid #eceff3}
.problems{background:#fff4e5;border:1px solid #f0c36d;border-radius:10px;padding:10px 14px}
.problems li.error{color:#9b1c1c}
"""


def _media_src(path: Path, mime: str | None) -> str | None:
    """A data: URI of the file, or None when it is missing or larger than EMBED_MAX_BYTES."""
    try:
        if path.stat().st_size > EMBED_MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return f"data:{mime or 'application/octet-stream'};base64,{base64.b64encode(data).decode()}"


def _media_block(media: Sequence[Any], root: Path, key: str, *,
                 inline_video: bool = True) -> str:
    if not media:
        return ""
    out = []
    for i, m in enumerate(media):
        path = Path(m.path)
        full = path if path.is_absolute() else root / path
        try:
            shown = str(full.relative_to(root))
        except ValueError:
            shown = str(path)
        kind = m.kind or ("video" if (m.mime or "").startswith("video") else "image")
        src = _media_src(full, m.mime) if inline_video or kind != "video" else None
        if kind == "video" and not inline_video:  # drawn in the platform's own frame above
            item = f'<div class="ph" data-media="listed" style="min-height:0">{_e(shown)}</div>'
        elif src is None:
            size = full.stat().st_size if full.exists() else None
            why = (t("not embedded: {size} MB is over the 2 MB preview cap",
                     size=f"{size / 1048576:.1f}".replace(".", decimal_sign())) if size is not None
                   else t("file not found"))
            item = f'<div class="ph" data-media="placeholder">{_e(shown)}<br>{_e(why)}</div>'
        elif kind == "video":
            item = (f'<video data-media="video" src="{src}" controls muted preload="metadata" '
                    f'aria-label="{_e(m.alt)}"></video>')
        else:
            item = f'<img data-media="image" src="{src}" alt="{_e(m.alt)}">'
        alt = (f'<div class="alt" data-alt="{i}">ALT: {_e(m.alt)}</div>' if m.alt
               else f'<div class="alt missing" data-alt="{i}">{_e(t("no alt text"))}</div>')
        out.append(f"<div>{item}{alt}</div>")
    return f'<div class="media" data-post="{_e(key)}">{"".join(out)}</div>'


def _card(entry: Any, root: Path) -> str:
    post = entry.rendered
    key = entry.key
    platform = post.platform
    when = local_time(post.at, "%a %d %b %Y %H:%M %Z", "EEE dd MMM y {time} {zone}")
    head = (f'<header><div class="av"></div><div class="who"><b>{_e(post.channel)}</b>'
            f'<span>{_e(platform)} · {_e(when)}</span></div></header>')
    media = _media_block(post.media, root, key,
                         inline_video=platform not in ("youtube", "tiktok"))
    foot = (f"<footer>{_e(entry.campaign)}/{_e(entry.post)}"
            + (f" · {_e(post.template_file)}" if post.template_file else "") + "</footer>")
    attrs = (f'class="pv {_e(platform)}" data-card="{_e(platform)}" data-post="{_e(key)}" '
             f'data-parts="{len(post.parts)}" data-media-count="{len(post.media)}"')
    opts = post.options or {}
    if platform == "x":
        parts = []
        for i, part in enumerate(post.parts):
            parts.append(f'<div class="tw" data-part="{i + 1}"><div class="n">'
                         f'{i + 1}/{len(post.parts)}</div><div class="body">{_e(part)}</div>'
                         + (media if i == 0 else "") + "</div>")
        return f"<article {attrs}>{head}{''.join(parts)}{foot}</article>"
    if platform == "youtube":
        thumb = ('<div class="thumb" data-media="thumbnail">▶</div>')
        title = opts.get("title") or (post.parts[0].splitlines()[0] if post.parts else "")
        meta = ", ".join(f"{k}: {v}" for k, v in opts.items() if k not in ("title",))
        return (f"<article {attrs}>{head}{thumb}<div class='title'>{_e(title)}</div>"
                f"<div class='body'>{_e(post.parts[0] if post.parts else '')}</div>{media}"
                + (f"<footer>{_e(meta)}</footer>" if meta else "") + f"{foot}</article>")
    if platform == "tiktok":
        video = next((m for m in post.media if (m.kind or "") == "video"), None)
        inner = ""
        if video is not None:
            full = Path(video.path) if Path(video.path).is_absolute() else root / video.path
            src = _media_src(full, video.mime)
            if src:
                inner = f'<video data-media="video" src="{src}" muted preload="metadata"></video>'
        frame = (f'<div class="frame" data-media="frame">{inner}<div class="cap">'
                 f'{_e(post.parts[0] if post.parts else "")}</div></div>')
        meta = ", ".join(f"{k}: {v}" for k, v in opts.items())
        return (f"<article {attrs}>{head}{frame}{media}"
                + (f"<footer>{_e(meta)}</footer>" if meta else "") + f"{foot}</article>")
    # Facebook, and any other platform: a post with its text, then its photos.
    text = "\n\n".join(post.parts)
    return f"<article {attrs}>{head}<div class='body'>{_e(text)}</div>{media}{foot}</article>"


def preview_html(entries: Sequence[Any], campaigns: Sequence[Any], problems: Sequence[Any],
                 root: Path) -> str:
    """Each rendered post as a card shaped like its platform's own, problems first."""
    root = Path(root)
    names = {c.id: c.name for c in campaigns}
    out = [f"<h1>{_e(t('Preview: what will be posted'))}</h1>",
           '<p class="sub">' + _e(t("{n} posts, shown as each platform will show them.",
                                    n=len(entries))) + "</p>"]
    if problems:
        items = "".join(f'<li class="{"error" if p.is_error else "warning"}" data-problem>'
                        f"{_e(p.one_line())}</li>" for p in problems)
        out.append(f'<div class="problems"><b>{_e(t("{n} problems to fix first", n=len(problems)))}'
                   f"</b><ul>{items}</ul></div>")
    by_campaign: dict[str, list[Any]] = defaultdict(list)
    for e in entries:
        if e.rendered is not None:
            by_campaign[e.campaign].append(e)
    for cid, group in by_campaign.items():
        cards = "".join(_card(e, root) for e in group)
        out.append(f'<section data-campaign="{_e(cid)}"><h2>{_e(names.get(cid, cid))}</h2>'
                   f'<div class="posts">{cards}</div></section>')
    body = "".join(out)
    title = t("Preview")
    cards_total = sum(len(g) for g in by_campaign.values())
    script = SELF_CHECK.replace("svg[data-chart]", "article[data-card]")
    return (f'<!doctype html><html lang="{_e(language())}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}{PREVIEW_CSS}</style></head>"
            f'<body data-expected-charts="{cards_total}" data-selfcheck="pending"><main>{body}'
            f"</main><script>{script}</script></body></html>")
