"""Pure schedule expansion: a campaign and a time window -> its occurrences.

Times in campaign files are local wall-clock times in the campaign's time zone. A
recurring post's cron runs over those naive wall-clock times (so "0 9 * * *" means
09:00 on the office clock every day, DST or not), and each wall time is then pinned
to a real instant by ``localize``:

- a wall time that does not exist (the spring-forward gap) goes out at the first
  real instant after the gap, e.g. 02:30 in a 02:00-03:00 gap -> 03:00 new time;
- a wall time that happens twice (the fall-back fold) goes out the first time.

Every comparison between instants is made in UTC: two aware datetimes that share a
tzinfo compare by wall time in Python, ignoring ``fold``, which is wrong inside a fold.

No I/O and no clock reads here: callers pass every instant in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from croniter.croniter import CroniterError

from .errors import Problem, ValidationFailed
from .i18n import t
from .models import SCHEDULED, SKIPPED, Blackout, Campaign, Mark, Occurrence, Post

__all__ = [
    "campaign_window",
    "expand",
    "expand_post",
    "localize",
    "next_due",
    "schedule_problems",
    "zone",
]

UTC = timezone.utc
EMERGENCY = "emergency"
_ONE_DAY = timedelta(days=1)
_STAMP = "%Y-%m-%d %H:%M"


# --------------------------------------------------------------------------- zones


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(campaign: Campaign) -> ZoneInfo:
    """The campaign's ZoneInfo; an unknown name raises ValidationFailed at its line."""
    try:
        return _zone(campaign.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationFailed([_timezone_problem(campaign)]) from None


def _timezone_problem(campaign: Campaign) -> Problem:
    return _problem(
        t("unknown time zone {tz}", tz=repr(campaign.timezone)),
        campaign.marks.get("timezone") or campaign.mark,
        campaign,
        hint=t("use an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura"),
    )


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall time as an aware instant: gap -> first instant after, fold -> first."""
    if naive.tzinfo is not None:  # already an instant: just express it in tz
        return naive.astimezone(tz)
    first = naive.replace(tzinfo=tz, fold=0)
    off_before = first.utcoffset()
    off_after = first.replace(fold=1).utcoffset()
    assert off_before is not None and off_after is not None
    # zoneinfo (PEP 495) gives fold=0 the offset before a transition and fold=1 the one
    # after; the offset grows across a gap (clocks jump forward) and shrinks across a fold.
    if off_before >= off_after:
        return first  # ordinary time, or the first pass of a fold
    return _gap_end(naive, tz, off_before, off_after)


def _gap_end(naive: datetime, tz: ZoneInfo, off_before: timedelta,
             off_after: timedelta) -> datetime:
    """The transition instant that opened the gap ``naive`` falls in, in tz."""
    # Read with the later offset the wall time is an instant before the transition, read
    # with the earlier one an instant after it; bisect between them on whole seconds
    # (tzdata transitions fall on whole seconds). zoneinfo keeps its transition list
    # private, so this is the portable way to find it, and gaps are rare.
    lo = int((naive - off_after).replace(tzinfo=UTC).timestamp())
    hi = -int(-(naive - off_before).replace(tzinfo=UTC).timestamp() // 1)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == off_before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC).astimezone(tz)


def _aware(instant: datetime, tz: ZoneInfo) -> datetime:
    """A window bound as an aware instant; a naive bound is read as campaign-local time."""
    return localize(instant, tz) if instant.tzinfo is None else instant


# ------------------------------------------------------------------------ blackouts


@dataclass(frozen=True)
class _Window:
    start: datetime  # UTC
    end: datetime  # UTC, inclusive
    blackout: Blackout


def _windows(blackouts: Iterable[Blackout]) -> list[_Window]:
    wins = [_Window(b.start.astimezone(UTC), b.end.astimezone(UTC), b) for b in blackouts]
    wins.sort(key=lambda w: w.start)
    return wins


def _covering(wins: Sequence[_Window], instant_utc: datetime) -> _Window | None:
    for w in wins:
        if w.start > instant_utc:
            break  # sorted by start: nothing later can cover it
        if instant_utc <= w.end:
            return w
    return None


def _occurrence(campaign: Campaign, post: Post, at: datetime, at_utc: datetime,
                wins: Sequence[_Window]) -> Occurrence:
    win = _covering(wins, at_utc) if wins else None
    if win is None:
        return Occurrence(campaign.id, post.id, at)
    # Status reasons are data, not messages: the ledger records them and other code reads
    # their prefix, so they stay the same whatever language the user reads.
    reason = win.blackout.reason
    if post.priority == EMERGENCY:
        return Occurrence(campaign.id, post.id, at, SCHEDULED,
                          f"emergency: bypassed blackout {reason}")
    return Occurrence(campaign.id, post.id, at, SKIPPED, f"blackout: {reason}")


# ----------------------------------------------------------------------- recurrence


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def _valid_cron(expr: object) -> bool:
    # croniter also takes 6- and 7-field forms (seconds, years); campaign files are 5-field.
    return isinstance(expr, str) and len(expr.split()) == 5 and croniter.is_valid(expr)


def _cron(post: Post, base: datetime) -> croniter:
    """A croniter over naive wall-clock times, or ValidationFailed for a bad expression."""
    if not _valid_cron(post.every):
        raise ValidationFailed([_bad_cron_problem(post)])
    return croniter(post.every, base)


def _walk(post: Post, tz: ZoneInfo, lo_utc: datetime) -> Iterator[tuple[datetime, datetime]]:
    """(local, utc) of each occurrence of a recurring post at or after lo_utc, increasing.

    Runs until ``until`` (or forever); the caller stops it at the end of its window.
    """
    lo_local = lo_utc.astimezone(tz)
    naive_lo = lo_local.replace(tzinfo=None)
    # Wall times inside a spring-forward gap land on the transition instant, so when
    # the window opens exactly there, the gap's wall times (earlier than naive_lo) count.
    jump = lo_local.utcoffset() - (lo_utc - timedelta(microseconds=1)).astimezone(tz).utcoffset()
    if jump > timedelta(0):
        naive_lo -= jump
    if post.from_date is not None:
        naive_lo = max(naive_lo, _day_start(post.from_date))
    stop = _day_start(post.until_date) + _ONE_DAY if post.until_date is not None else None
    if stop is not None and naive_lo >= stop:
        return
    # get_next is exclusive of its base; a second earlier makes naive_lo itself eligible.
    it = _cron(post, naive_lo - timedelta(seconds=1))
    last: datetime | None = None
    while True:
        try:
            wall = it.get_next(datetime)
        except CroniterError:  # the expression has no further dates (e.g. 30 February)
            return
        if stop is not None and wall >= stop:
            return
        local = localize(wall, tz)
        at_utc = local.astimezone(UTC)
        if at_utc < lo_utc:
            continue
        # Two wall times in one gap (an hourly cron) land on the same instant: keep one.
        if last is not None and at_utc <= last:
            continue
        last = at_utc
        yield local, at_utc


# ------------------------------------------------------------------------ expansion


def expand_post(campaign: Campaign, post: Post, start: datetime, end: datetime,
                blackouts: Sequence[Blackout] = ()) -> list[Occurrence]:
    """Occurrences of one post with start <= at <= end; blackouts mark them skipped."""
    tz = zone(campaign)
    lo = _aware(start, tz).astimezone(UTC)
    hi = _aware(end, tz).astimezone(UTC)
    wins = _windows([*campaign.blackouts, *blackouts])
    return _expand_post(campaign, post, tz, lo, hi, wins)


def _expand_post(campaign: Campaign, post: Post, tz: ZoneInfo, lo: datetime, hi: datetime,
                 wins: Sequence[_Window]) -> list[Occurrence]:
    if hi < lo:
        return []
    if post.at is not None:
        local = localize(post.at, tz)
        at_utc = local.astimezone(UTC)
        if lo <= at_utc <= hi:
            return [_occurrence(campaign, post, local, at_utc, wins)]
        return []
    if not post.every:
        return []
    out: list[Occurrence] = []
    for local, at_utc in _walk(post, tz, lo):
        if at_utc > hi:
            break
        out.append(_occurrence(campaign, post, local, at_utc, wins))
    return out


def expand(campaign: Campaign, start: datetime, end: datetime,
           global_blackouts: Sequence[Blackout] = ()) -> list[Occurrence]:
    """Every post's occurrences in [start, end], sorted by (instant, post id)."""
    tz = zone(campaign)
    lo = _aware(start, tz).astimezone(UTC)
    hi = _aware(end, tz).astimezone(UTC)
    wins = _windows([*campaign.blackouts, *global_blackouts])
    out: list[Occurrence] = []
    for post in campaign.posts:
        out.extend(_expand_post(campaign, post, tz, lo, hi, wins))
    out.sort(key=lambda o: (o.at_utc, o.post))
    return out


def campaign_window(campaign: Campaign) -> tuple[datetime | None, datetime | None]:
    """The first and last instants any post can happen; None where a recurrence is open."""
    tz = zone(campaign)
    firsts: list[datetime] = []
    lasts: list[datetime] = []
    open_start = open_end = False
    for post in campaign.posts:
        if post.at is not None:
            at = localize(post.at, tz)
            firsts.append(at)
            lasts.append(at)
        elif post.every:
            if post.from_date is None:
                open_start = True
            else:
                firsts.append(localize(_day_start(post.from_date), tz))
            if post.until_date is None:
                open_end = True
            else:
                lasts.append(localize(datetime.combine(post.until_date, time.max), tz))
    first = None if open_start or not firsts else min(firsts, key=lambda d: d.astimezone(UTC))
    last = None if open_end or not lasts else max(lasts, key=lambda d: d.astimezone(UTC))
    return first, last


def next_due(campaigns: Iterable[Campaign], after: datetime,
             global_blackouts: Sequence[Blackout] = ()) -> datetime | None:
    """The earliest scheduled (not blacked-out) occurrence strictly after ``after``, or None."""
    if after.tzinfo is None:
        raise ValueError("next_due needs an aware `after`: campaigns differ in time zone")
    after_utc = after.astimezone(UTC)
    best: datetime | None = None  # aware, in its campaign's zone
    best_utc: datetime | None = None
    for campaign in campaigns:
        tz = zone(campaign)
        wins = _windows([*campaign.blackouts, *global_blackouts])
        for post in campaign.posts:
            found = _next_for_post(post, tz, after_utc, wins, best_utc)
            if found is not None:
                best, best_utc = found
    return best


def _next_for_post(post: Post, tz: ZoneInfo, after_utc: datetime, wins: Sequence[_Window],
                   bound: datetime | None) -> tuple[datetime, datetime] | None:
    """This post's first scheduled occurrence after after_utc, if earlier than bound."""
    emergency = post.priority == EMERGENCY
    if post.at is not None:
        local = localize(post.at, tz)
        at_utc = local.astimezone(UTC)
        if at_utc <= after_utc or (bound is not None and at_utc >= bound):
            return None
        if not emergency and _covering(wins, at_utc):
            return None
        return local, at_utc
    if not post.every:
        return None
    lo = after_utc + timedelta(microseconds=1)
    while True:
        for local, at_utc in _walk(post, tz, lo):
            if bound is not None and at_utc >= bound:
                return None
            win = None if emergency else _covering(wins, at_utc)
            if win is None:
                return local, at_utc
            # Step over the whole blackout at once rather than one cron tick at a time
            # (a per-minute cron in a three-day holiday would otherwise take 4,320 steps).
            lo = win.end + timedelta(microseconds=1)
            break
        else:
            return None  # the recurrence has ended


# ------------------------------------------------------------------------- problems


def _problem(message: str, mark: Mark | None, campaign: Campaign, *, hint: str,
             severity: str = "error", code: str = "schedule") -> Problem:
    file = mark.file if mark else (str(campaign.path) if campaign.path else None)
    line = mark.line if mark else None
    return Problem(message, file=file, line=line, hint=hint, severity=severity, code=code)


def _bad_cron_problem(post: Post) -> Problem:
    mark = post.mark_of("every")
    return Problem(
        t("post {post}: `every: {expr}` is not a valid 5-field cron expression",
          post=post.id, expr=post.every),
        file=mark.file if mark else None,
        line=mark.line if mark else None,
        hint=t('write minute hour day month weekday, e.g. "0 9 * * mon"'),
        code="schedule",
    )


def schedule_problems(campaign: Campaign,
                      global_blackouts: Sequence[Blackout] = ()) -> list[Problem]:
    """Schedule mistakes: a one-off post inside a blackout (error), dead or endless recurrences."""
    try:
        tz = zone(campaign)
    except ValidationFailed:
        return [_timezone_problem(campaign)]
    wins = _windows([*campaign.blackouts, *global_blackouts])
    problems: list[Problem] = []
    for post in campaign.posts:
        if post.at is not None:
            problems.extend(_at_problems(campaign, post, tz, wins))
        elif post.every:
            problems.extend(_every_problems(campaign, post, tz))
    return problems


def _at_problems(campaign: Campaign, post: Post, tz: ZoneInfo,
                 wins: Sequence[_Window]) -> list[Problem]:
    assert post.at is not None
    mark = post.mark_of("at")
    local = localize(post.at, tz)
    wall = post.at.strftime(_STAMP)
    problems: list[Problem] = []
    if local.replace(tzinfo=None) != post.at:
        problems.append(_problem(
            t("post {post}: {at} does not exist in {tz} (clocks jump forward); "
              "it will go out at {actual}", post=post.id, at=wall, tz=campaign.timezone,
              actual=local.strftime(_STAMP)),
            mark, campaign, severity="warning",
            hint=t("pick a time outside the daylight-saving change")))
    elif local.utcoffset() != local.replace(fold=1).utcoffset():
        problems.append(_problem(
            t("post {post}: {at} happens twice in {tz} (clocks go back); "
              "it will go out the first time", post=post.id, at=wall, tz=campaign.timezone),
            mark, campaign, severity="warning",
            hint=t("pick a time outside the daylight-saving change")))
    win = _covering(wins, local.astimezone(UTC))
    if win is not None and post.priority != EMERGENCY:
        b = win.blackout
        problems.append(_problem(
            t("post {post} at {at} falls inside the blackout \"{reason}\" ({start} to {end})",
              post=post.id, at=wall, reason=b.reason,
              start=b.start.astimezone(tz).strftime(_STAMP),
              end=b.end.astimezone(tz).strftime(_STAMP)),
            mark, campaign,
            hint=t("move the post outside the blackout, or mark it `priority: emergency` "
                   "if it must go out anyway")))
    return problems


def _every_problems(campaign: Campaign, post: Post, tz: ZoneInfo) -> list[Problem]:
    mark = post.mark_of("every")
    if not _valid_cron(post.every):
        return [_bad_cron_problem(post)]
    problems: list[Problem] = []
    if not _ever_happens(post):
        first, last = (d.isoformat() if d else "…" for d in (post.from_date, post.until_date))
        problems.append(_problem(
            t("post {post}: `every: {expr}` never happens from {first} to {last}",
              post=post.id, expr=post.every, first=first, last=last),
            mark, campaign, severity="warning",
            hint=t("check the cron expression and the from:/until: dates")))
    if post.until_date is None:
        problems.append(_problem(
            t("post {post} recurs forever; add until:", post=post.id),
            mark, campaign, severity="warning",
            hint=t("add `until: YYYY-MM-DD` so the campaign stops on its own")))
    return problems


def _ever_happens(post: Post) -> bool:
    """Whether the cron has at least one wall time inside the post's from/until dates."""
    # Wall times only: whatever a gap does to a wall time, it still yields an instant.
    try:
        if post.until_date is not None:
            stop = _day_start(post.until_date) + _ONE_DAY
            prev = croniter(post.every, stop).get_prev(datetime)
            return post.from_date is None or prev >= _day_start(post.from_date)
        base = _day_start(post.from_date) if post.from_date else datetime(2000, 1, 1)
        croniter(post.every, base - timedelta(seconds=1)).get_next(datetime)
        return True
    except CroniterError:
        return False


def window_text(delta: timedelta) -> str:
    """A window such as the catch-up as reasons write it: 1h, 90 min, 45 s."""
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
