"""The report as CSV and as tables for a terminal (the HTML page lives in html.py).

Both show the same numbers as the JSON that metrics.py builds: unknown stays unknown (an
empty CSV cell, "n/a" in a table), never 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..i18n import number, percent, t
from ..models import Target

if TYPE_CHECKING:
    from .metrics import Report

NUMBERS = ("reach", "likes", "comments", "shares", "engagement", "conversions")
CSV_COLUMNS = ("level", "campaign", "channel", "platform", "post", "key", "at", "reach",
               "likes", "comments", "shares", "engagement", "rate", "conversions", "gap",
               "target")


def fmt_number(value: int | float | None) -> str:
    """A count for people, as the language writes it (3,521,187 / 3.521.187); "n/a" when
    unknown."""
    if value is None:
        return t("n/a")
    if isinstance(value, float) and not value.is_integer():
        return number(value, 1)
    return number(int(value))


def fmt_rate(value: float | None) -> str:
    """An engagement rate as a percentage (8.29% / 8,29%), or "n/a"."""
    return t("n/a") if value is None else percent(value, 2)


def csv_rows(report: Report) -> list[dict[str, Any]]:
    """One row per campaign, channel and post, with the same numbers as the JSON."""
    out = []
    for c in report["campaigns"]:
        target = c.get("target", Target.LIVE)
        out.append({"level": "campaign", "campaign": c["campaign"], **_nums(c),
                    "target": target})
        for ch in c["channels"]:
            out.append({"level": "channel", "campaign": c["campaign"], "channel": ch["channel"],
                        "platform": ch["platform"], **_nums(ch), "target": target})
        for p in c["posts"]:
            out.append({"level": "post", "campaign": c["campaign"], "channel": p["channel"],
                        "platform": p["platform"], "post": p["post"], "key": p["key"],
                        "at": p["at"], **_nums(p), "gap": p["gap"] or "", "target": target})
    return out


def simulated_note(report: Report) -> str | None:
    """The line that says a report's numbers (some or all) come from the sandbox."""
    parts = [c.get("target") == Target.SANDBOX for c in report["campaigns"]]
    if not any(parts):
        return None
    if all(parts):
        return t("These are simulated numbers from the sandbox: nothing here reached a real "
                 "platform.")
    return t("Parts marked SANDBOX are simulated numbers from the sandbox, not a real "
             "platform's; they are reported apart from the live numbers.")


def _nums(item: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: ("" if item.get(k) is None else item[k]) for k in NUMBERS}
    out["rate"] = "" if item.get("rate") is None else round(item["rate"], 6)
    return out


def report_csv(report: Report) -> str:
    """The report as CSV text (empty cells where a number is unknown, never 0)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(report):
        writer.writerow(row)
    return buf.getvalue()


def report_table(report: Report, width: int = 140) -> str:
    """The report as tables for a terminal (rendered to a string)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    if not report["campaigns"]:
        console.print(t("Nothing published yet: publish first (campaignctl publish), then "
                        "run the report again."))
    note = simulated_note(report)
    if note:
        console.print(f"[bold]{note}[/bold]\n")
    for c in report["campaigns"]:
        label = " · " + t("SANDBOX (simulated)") if c.get("target") == Target.SANDBOX else ""
        console.print(f"[bold]{c['name']}[/bold] ({c['campaign']}, {c['timezone']}){label}")
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
