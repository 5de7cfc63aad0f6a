"""Web-analytics conversions for the report: rows of a Matomo or Google Analytics CSV
export, and their join to a campaign's channels (utm_source) and posts (utm_content).

Library only: nothing here prints. metrics.py joins them into the summary.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from ..errors import UsageError
from ..i18n import t


class ConversionRow(TypedDict):
    """One row of an export, by the utm_* field it answers and its conversions."""

    utm_campaign: str
    utm_source: str
    utm_content: str
    utm_medium: str
    conversions: int | float  # int while whole, so 45 stays "45", not "45.0"


class ConversionJoin(TypedDict):
    """One campaign's conversions: in all, per channel, per (channel, post), and the rest."""

    total: int | float
    channels: dict[str, int | float]
    posts: dict[tuple[str, str], int | float]
    unmatched: int | float  # rows of the campaign whose source is none of its channels


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


def load_conversions(path: Path,
                     mapping: Mapping[str, str] | None = None) -> list[ConversionRow]:
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
    out: list[ConversionRow] = []
    for line_no, rec in enumerate(reader, start=2):
        value = _number(rec.get(chosen["conversions"]) or "")
        if math.isnan(value):
            raise UsageError(t("{path}:{line}: {value!r} is not a number of conversions",
                               path=str(path), line=line_no,
                               value=rec.get(chosen["conversions"])),
                             t("map the right column with --map \"COLUMN=conversions\""))
        row: dict[str, Any] = {w: (rec.get(c) or "").strip() if c else ""
                               for w, c in chosen.items() if w != "conversions"}
        row["conversions"] = int(value) if value.is_integer() else value
        out.append(row)  # type: ignore[arg-type]
    return out


def join_conversions(rows: Sequence[ConversionRow], campaign: str,
                     channels: Iterable[str], posts: Iterable[str]) -> ConversionJoin:
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
