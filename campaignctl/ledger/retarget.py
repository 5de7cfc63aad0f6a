"""Which rows of a ledger written before rows had a target were sandbox sends (migration 7).

Frozen with that step, like the step itself: it describes the emulators of the release that
added targets, not whatever the sandbox becomes later.

Moving a row to the sandbox lets its occurrence go out live again, so a row moves only on
evidence that it never reached a real platform. Without evidence it stays live: at worst
that is the old behaviour (`already-done` with the sandbox's URL), never a second real post.

Evidence, any of:

- loopback: the row's URL, reason or last error, or one of its attempts' messages, names
  127.0.0.1, localhost or [::1], where the emulators listen and no platform does;
- the emulators' own accounts and id counters (sandbox/*.py): the sandbox Facebook Page's ids
  and URLs (100000000000001), the sandbox TikTok account's URLs (@dinkes.sandbox), the
  first million ids the X and TikTok emulators hand out;
- a rehearsal: one process (the claim's host:pid) claimed posts of two or more instants
  before they were due. No live run sends early except `publish --now`, which sends one
  instant, and `--rehearse` sends every account to the sandbox, so every row that process
  claimed during that run was a sandbox send.

The YouTube emulator's ids look like real ones, so a YouTube row of a `publish --sandbox`
run that was not a rehearsal has no evidence and stays live.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from .schema import SANDBOX, attempts, occurrences

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
SANDBOX_FACEBOOK_PAGE = "100000000000001"
SANDBOX_TIKTOK_USER = "/@dinkes.sandbox/"
# The first id each emulator's counter hands out (X posts; TikTok publish ids and videos).
SANDBOX_ID_COUNTERS = {"x": (1860000000000000001,),
                       "tiktok": (7300000000000000000, 7310000000000000000)}
COUNTER_SPAN = 1_000_000
# How long before its first early claim a rehearsal may have sent the instants already past.
REHEARSAL_LEAD = timedelta(minutes=10)


def _names_loopback(*texts: str | None) -> bool:
    return any(text and any(host in text for host in LOOPBACK) for text in texts)


def _counter_id(platform: str, ident: str) -> bool:
    digits = ident.rsplit(".", 1)[-1]  # TikTok publish ids: v_pub_file~v2-1.<number>
    if not digits.isdigit():
        return False
    return any(base <= int(digits) < base + COUNTER_SPAN
               for base in SANDBOX_ID_COUNTERS.get(platform, ()))


def _sandbox_account(row: Any) -> str | None:
    """Why the row's ids or URL can only be the emulators' own, or None."""
    ids = [i for i in [row.platform_id, *(json.loads(row.ids) if row.ids else [])] if i]
    url = row.url or ""
    if row.platform == "facebook" and (
            any(str(i).startswith(SANDBOX_FACEBOOK_PAGE + "_") for i in ids)
            or f"/{SANDBOX_FACEBOOK_PAGE}/" in url or f"={SANDBOX_FACEBOOK_PAGE}_" in url):
        return "the sandbox Facebook Page's id"
    if row.platform == "tiktok" and SANDBOX_TIKTOK_USER in url:
        return "the sandbox TikTok account's URL"
    if any(_counter_id(row.platform, str(i)) for i in ids):
        return f"an id of the {row.platform} emulator's counter"
    return None


def _rehearsals(rows: list[Any]) -> dict[str, str]:
    """Row keys claimed by a rehearsing process during its run, with the evidence."""
    early: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row.claim_owner and row.claimed_at and row.claimed_at < row.at_utc:
            early[row.claim_owner].append(row)
    found: dict[str, str] = {}
    for owner, sent in early.items():
        if len({r.at_utc for r in sent}) < 2:
            continue  # one instant early: `publish --now` does that live
        first = min(r.claimed_at for r in sent)
        last = max(r.claimed_at for r in sent)
        first_due = min(r.at_utc for r in sent)
        why = f"a rehearsal: {owner} sent {len(sent)} posts before they were due"

        def in_run(r: Any) -> bool:
            # Between its early claims, or just before them for the instants already past
            # when it began (a rehearsal sends in time order): never a later process that
            # happens to get the same pid.
            return r.claim_owner == owner and r.claimed_at is not None and (
                first <= r.claimed_at <= last
                or (first - REHEARSAL_LEAD <= r.claimed_at < first and r.at_utc <= first_due))

        found.update({r.key: why for r in rows if in_run(r)})
    return found


def sandbox_evidence(conn: Connection) -> dict[str, tuple[dict[str, str], str]]:
    """Every occurrence row that was a sandbox send: key -> (its campaign, post and
    channel, why)."""
    cols = occurrences.c
    rows = list(conn.execute(select(
        cols.key, cols.campaign, cols.post, cols.channel, cols.platform, cols.at_utc,
        cols.reason, cols.platform_id, cols.url, cols.ids, cols.claim_owner, cols.claimed_at,
        cols.last_error).where(cols.target != SANDBOX)))
    loud = set(conn.execute(select(attempts.c.key).where(
        or_(*[attempts.c.message.contains(host) for host in LOOPBACK]))).scalars())
    found: dict[str, str] = _rehearsals(rows)
    for row in rows:
        if row.key in found:
            continue
        if row.key in loud or _names_loopback(row.url, row.reason, row.last_error):
            found[row.key] = "a loopback address (the sandbox's) in its URL or errors"
        elif (why := _sandbox_account(row)) is not None:
            found[row.key] = why
    by_key = {r.key: r for r in rows}
    return {key: ({"campaign": by_key[key].campaign, "post": by_key[key].post,
                   "channel": by_key[key].channel}, why) for key, why in found.items()}
