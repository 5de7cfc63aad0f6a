"""schedule.py: local wall-clock times to instants across DST, recurrences, blackouts."""

from __future__ import annotations

import os
import time as _time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaignctl.errors import ValidationFailed
from campaignctl.models import SCHEDULED, SKIPPED, Blackout, Campaign, Mark, Post
from campaignctl.schedule import (
    campaign_window,
    expand,
    expand_post,
    localize,
    next_due,
    schedule_problems,
)

UTC = timezone.utc
TALLINN = ZoneInfo("Europe/Tallinn")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
JAKARTA = ZoneInfo("Asia/Jakarta")
FILE = "campaigns/booster.yaml"


def campaign(tz: str, *posts: Post, blackouts: list[Blackout] | None = None,
             **kw) -> Campaign:
    return Campaign("booster-2026", "Booster", tz, ["x"], list(posts),
                    blackouts=blackouts or [], **kw)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def utcs(occurrences) -> list[datetime]:
    return [o.at_utc for o in occurrences]


# ------------------------------------------------------------------------ localize

@pytest.mark.parametrize("zone, wall, expected_local, expected_utc", [
    # Tallinn springs forward 2026-03-29 03:00 EET -> 04:00 EEST: 03:00-03:59 do not exist.
    (TALLINN, datetime(2026, 3, 29, 2, 59), "2026-03-29T02:59:00+02:00", utc(2026, 3, 29, 0, 59)),
    (TALLINN, datetime(2026, 3, 29, 3, 0), "2026-03-29T04:00:00+03:00", utc(2026, 3, 29, 1, 0)),
    (TALLINN, datetime(2026, 3, 29, 3, 30), "2026-03-29T04:00:00+03:00", utc(2026, 3, 29, 1, 0)),
    (TALLINN, datetime(2026, 3, 29, 3, 59, 59), "2026-03-29T04:00:00+03:00",
     utc(2026, 3, 29, 1, 0)),
    (TALLINN, datetime(2026, 3, 29, 4, 0), "2026-03-29T04:00:00+03:00", utc(2026, 3, 29, 1, 0)),
    # Tallinn falls back 2026-10-25 04:00 EEST -> 03:00 EET: 03:00-03:59 happen twice.
    (TALLINN, datetime(2026, 10, 25, 3, 30), "2026-10-25T03:30:00+03:00",
     utc(2026, 10, 25, 0, 30)),
    (TALLINN, datetime(2026, 10, 25, 4, 0), "2026-10-25T04:00:00+02:00", utc(2026, 10, 25, 2, 0)),
    # New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
    (NEW_YORK, datetime(2026, 3, 8, 2, 30), "2026-03-08T03:00:00-04:00", utc(2026, 3, 8, 7, 0)),
    (NEW_YORK, datetime(2026, 3, 8, 1, 59), "2026-03-08T01:59:00-05:00", utc(2026, 3, 8, 6, 59)),
    (NEW_YORK, datetime(2026, 11, 1, 1, 30), "2026-11-01T01:30:00-04:00", utc(2026, 11, 1, 5, 30)),
    (NEW_YORK, datetime(2026, 11, 1, 2, 0), "2026-11-01T02:00:00-05:00", utc(2026, 11, 1, 7, 0)),
    # Kolkata has no DST: the same wall times are plain +05:30.
    (KOLKATA, datetime(2026, 3, 29, 3, 30), "2026-03-29T03:30:00+05:30", utc(2026, 3, 28, 22, 0)),
    (KOLKATA, datetime(2026, 11, 1, 1, 30), "2026-11-01T01:30:00+05:30", utc(2026, 10, 31, 20, 0)),
    # Lord Howe moves by 30 minutes: the gap is 02:00-02:30.
    (ZoneInfo("Australia/Lord_Howe"), datetime(2026, 10, 4, 2, 15), "2026-10-04T02:30:00+11:00",
     utc(2026, 10, 3, 15, 30)),
])
def test_localize(zone, wall, expected_local, expected_utc):
    got = localize(wall, zone)
    assert got.tzinfo is zone
    assert got.isoformat() == expected_local
    assert got.astimezone(UTC) == expected_utc


def test_localize_keeps_an_aware_instant():
    instant = utc(2026, 12, 1, 2, 0)
    assert localize(instant, JAKARTA).isoformat() == "2026-12-01T09:00:00+07:00"


@pytest.mark.parametrize("zone, utc_hour", [
    ("Asia/Jakarta", 2),    # WIB  +7
    ("Asia/Makassar", 1),   # WITA +8
    ("Asia/Jayapura", 0),   # WIT  +9
])
def test_indonesian_zones_pin_the_same_wall_time_to_different_instants(zone, utc_hour):
    post = Post("launch", text="hi", at=datetime(2026, 12, 1, 9, 0))
    occ = expand(campaign(zone, post), utc(2026, 11, 30), utc(2026, 12, 2))
    assert [o.at_utc for o in occ] == [utc(2026, 12, 1, utc_hour, 0)]
    assert occ[0].at.strftime("%H:%M") == "09:00"
    assert str(occ[0].at.tzinfo) == zone


# -------------------------------------------------------------------- recurrences

@pytest.mark.parametrize("zone, every, days, changed_day, changed_local", [
    # Daily 03:30 in Tallinn across spring-forward: the 29th's 03:30 does not exist.
    ("Europe/Tallinn", "30 3 * * *", (date(2026, 3, 27), date(2026, 3, 31)), date(2026, 3, 29),
     "2026-03-29T04:00:00+03:00"),
    # ... and across fall-back: the 25th's 03:30 happens twice; once, the first time.
    ("Europe/Tallinn", "30 3 * * *", (date(2026, 10, 23), date(2026, 10, 27)),
     date(2026, 10, 25), "2026-10-25T03:30:00+03:00"),
    ("America/New_York", "30 2 * * *", (date(2026, 3, 6), date(2026, 3, 10)), date(2026, 3, 8),
     "2026-03-08T03:00:00-04:00"),
    ("America/New_York", "30 1 * * *", (date(2026, 10, 30), date(2026, 11, 3)), date(2026, 11, 1),
     "2026-11-01T01:30:00-04:00"),
    ("Asia/Kolkata", "30 2 * * *", (date(2026, 3, 6), date(2026, 3, 10)), date(2026, 3, 8),
     "2026-03-08T02:30:00+05:30"),
])
def test_daily_post_gives_one_occurrence_per_local_day_across_dst(zone, every, days, changed_day,
                                                                  changed_local):
    post = Post("daily", text="hi", every=every, from_date=days[0], until_date=days[1])
    occ = expand(campaign(zone, post), utc(2026, 1, 1), utc(2027, 1, 1))
    assert [o.at.date() for o in occ] == [days[0] + timedelta(d) for d in range(5)]
    assert {o.at.date(): o.at.isoformat() for o in occ}[changed_day] == changed_local
    instants = utcs(occ)
    assert instants == sorted(set(instants))
    # Every other day keeps the exact wall-clock time.
    wall = croniter(every, datetime(2026, 1, 1)).get_next(datetime).time()
    assert all(o.at.time() == wall for o in occ if o.at.date() != changed_day)


def test_hourly_post_across_spring_forward_lands_once_on_the_transition():
    post = Post("hourly", text="hi", every="0 * * * *")
    occ = expand(campaign("Europe/Tallinn", post), datetime(2026, 3, 29, 1, 0, tzinfo=TALLINN),
                 datetime(2026, 3, 29, 6, 0, tzinfo=TALLINN))
    # 03:00 does not exist and lands on 04:00, which the cron also names: one post, not two.
    assert [o.at.strftime("%H:%M%z") for o in occ] == [
        "01:00+0200", "02:00+0200", "04:00+0300", "05:00+0300", "06:00+0300"]


def test_hourly_post_across_fall_back_never_repeats_a_wall_time():
    post = Post("hourly", text="hi", every="0 * * * *")
    occ = expand(campaign("Europe/Tallinn", post), utc(2026, 10, 24, 22, 0),
                 utc(2026, 10, 25, 3, 0))
    assert [o.at.isoformat() for o in occ] == [
        "2026-10-25T01:00:00+03:00", "2026-10-25T02:00:00+03:00", "2026-10-25T03:00:00+03:00",
        "2026-10-25T04:00:00+02:00", "2026-10-25T05:00:00+02:00"]


def test_window_opening_on_a_transition_includes_the_gap_wall_times():
    post = Post("gap", text="hi", every="30 3 * * *")
    transition = utc(2026, 3, 29, 1, 0)  # 04:00 EEST; 03:30 that day lands exactly here
    occ = expand(campaign("Europe/Tallinn", post), transition, transition)
    assert utcs(occ) == [transition]


@pytest.mark.parametrize("from_date, until_date, start, end, expected_days", [
    # from/until are inclusive local dates: Mondays on both edges count.
    (date(2026, 12, 7), date(2026, 12, 28), utc(2026, 1, 1), utc(2027, 1, 1), [7, 14, 21, 28]),
    # The product's example: 1 Dec (a Tuesday) to 29 Dec.
    (date(2026, 12, 1), date(2026, 12, 29), utc(2026, 1, 1), utc(2027, 1, 1), [7, 14, 21, 28]),
    (date(2026, 12, 8), date(2026, 12, 27), utc(2026, 1, 1), utc(2027, 1, 1), [14, 21]),
    # The window clips too, inclusively: 14 Dec 09:00 WIB is 02:00 UTC.
    (date(2026, 12, 1), date(2026, 12, 29), utc(2026, 12, 14, 2, 0), utc(2026, 12, 21, 2, 0),
     [14, 21]),
    (date(2026, 12, 1), date(2026, 12, 29), utc(2026, 12, 14, 2, 0, 1),
     utc(2026, 12, 21, 1, 59, 59), []),
    # Missing from/until: the window alone bounds the recurrence.
    (None, None, utc(2026, 12, 10), utc(2026, 12, 20), [14]),
])
def test_weekly_from_until_are_inclusive(from_date, until_date, start, end, expected_days):
    post = Post("weekly", text="hi", every="0 9 * * mon", from_date=from_date,
                until_date=until_date)
    c = campaign("Asia/Jakarta", post)
    occ = expand_post(c, post, start, end)
    assert [o.at.day for o in occ] == expected_days
    assert all(o.at.strftime("%a %H:%M %z") == "Mon 09:00 +0700" for o in occ)
    assert all(o.status == SCHEDULED and o.reason is None for o in occ)


def test_naive_window_bounds_are_campaign_local():
    post = Post("weekly", text="hi", every="0 9 * * mon")
    c = campaign("Asia/Jayapura", post)
    occ = expand(c, datetime(2026, 12, 14, 9, 0), datetime(2026, 12, 14, 9, 0))
    assert utcs(occ) == [utc(2026, 12, 14, 0, 0)]


def test_expand_sorts_by_instant_then_post_id():
    c = campaign(
        "Asia/Jakarta",
        Post("zeta", text="z", at=datetime(2026, 12, 1, 9, 0)),
        Post("alpha", text="a", at=datetime(2026, 12, 1, 9, 0)),
        Post("weekly", text="w", every="0 8 * * tue", until_date=date(2026, 12, 8)),
        Post("early", text="e", at=datetime(2026, 11, 30, 23, 0)),
    )
    occ = expand(c, utc(2026, 11, 30), utc(2026, 12, 31))
    assert [(o.post, o.at.strftime("%d %H:%M")) for o in occ] == [
        ("early", "30 23:00"), ("weekly", "01 08:00"), ("alpha", "01 09:00"),
        ("zeta", "01 09:00"), ("weekly", "08 08:00")]
    assert all(o.campaign == "booster-2026" for o in occ)


def test_expanding_is_independent_of_the_machine_time_zone():
    post = Post("daily", text="hi", every="30 3 * * *", from_date=date(2026, 3, 28),
                until_date=date(2026, 3, 30))
    c = campaign("America/New_York", post)
    expected = utcs(expand(c, utc(2026, 1, 1), utc(2027, 1, 1)))
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Tallinn"  # croniter must not read naive times as machine-local
    _time.tzset()
    try:
        assert utcs(expand(c, utc(2026, 1, 1), utc(2027, 1, 1))) == expected
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        _time.tzset()


# ----------------------------------------------------------------------- blackouts

CHRISTMAS = Blackout(datetime(2026, 12, 24, 0, 0, tzinfo=JAKARTA),
                     datetime(2026, 12, 26, 23, 59, 59, tzinfo=JAKARTA), "Libur Natal",
                     Mark(FILE, 8))


@pytest.mark.parametrize("at, status, reason", [
    (datetime(2026, 12, 23, 23, 59, 59), SCHEDULED, None),
    (datetime(2026, 12, 24, 0, 0), SKIPPED, "blackout: Libur Natal"),  # start is inclusive
    (datetime(2026, 12, 25, 9, 0), SKIPPED, "blackout: Libur Natal"),
    (datetime(2026, 12, 26, 23, 59, 59), SKIPPED, "blackout: Libur Natal"),  # so is the end
    (datetime(2026, 12, 27, 0, 0), SCHEDULED, None),
])
def test_campaign_blackout_bounds_are_inclusive(at, status, reason):
    post = Post("p", text="hi", at=at)
    c = campaign("Asia/Jakarta", post, blackouts=[CHRISTMAS])
    [occ] = expand(c, utc(2026, 12, 1), utc(2027, 1, 1))
    assert (occ.status, occ.reason) == (status, reason)


def test_global_blackouts_apply_and_compare_as_instants():
    # A global blackout written in another zone (WIT) covers 09:00-10:00 WIT = 07:00-08:00 WIB.
    eid = Blackout(datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jayapura")),
                   datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Jayapura")), "Hari raya")
    posts = [Post(f"p{h}", text="hi", at=datetime(2026, 12, 2, h, 30)) for h in (6, 7, 8)]
    c = campaign("Asia/Jakarta", *posts)
    occ = expand(c, utc(2026, 12, 1), utc(2026, 12, 3), [eid])
    assert [(o.post, o.status, o.reason) for o in occ] == [
        ("p6", SCHEDULED, None), ("p7", SKIPPED, "blackout: Hari raya"), ("p8", SCHEDULED, None)]
    # Without the global list only the campaign's own blackouts count.
    assert {o.status for o in expand(c, utc(2026, 12, 1), utc(2026, 12, 3))} == {SCHEDULED}


def test_recurring_post_is_skipped_only_inside_the_blackout():
    post = Post("daily", text="hi", every="0 9 * * *", from_date=date(2026, 12, 22),
                until_date=date(2026, 12, 28))
    c = campaign("Asia/Jakarta", post, blackouts=[CHRISTMAS])
    occ = expand_post(c, post, utc(2026, 12, 1), utc(2027, 1, 1))
    assert [(o.at.day, o.status) for o in occ] == [
        (22, SCHEDULED), (23, SCHEDULED), (24, SKIPPED), (25, SKIPPED), (26, SKIPPED),
        (27, SCHEDULED), (28, SCHEDULED)]


def test_emergency_post_bypasses_blackouts_and_says_so():
    post = Post("flood", text="Banjir!", at=datetime(2026, 12, 25, 7, 0), priority="emergency")
    c = campaign("Asia/Jakarta", post, blackouts=[CHRISTMAS])
    [occ] = expand_post(c, post, utc(2026, 12, 1), utc(2027, 1, 1))
    assert occ.status == SCHEDULED
    assert occ.reason == "emergency: bypassed blackout Libur Natal"
    assert schedule_problems(c) == []


# ---------------------------------------------------------------- campaign_window

@pytest.mark.parametrize("posts, first, last", [
    ([], None, None),
    ([Post("a", text="x", at=datetime(2026, 12, 2, 16, 0)),
      Post("b", text="x", at=datetime(2026, 12, 1, 9, 0))],
     "2026-12-01T09:00:00+07:00", "2026-12-02T16:00:00+07:00"),
    ([Post("a", text="x", at=datetime(2026, 12, 2, 16, 0)),
      Post("w", text="x", every="0 9 * * mon", from_date=date(2026, 12, 1),
           until_date=date(2026, 12, 29))],
     "2026-12-01T00:00:00+07:00", "2026-12-29T23:59:59.999999+07:00"),
    ([Post("w", text="x", every="0 9 * * mon", from_date=date(2026, 12, 1))],
     "2026-12-01T00:00:00+07:00", None),
    ([Post("a", text="x", at=datetime(2026, 12, 2, 16, 0)),
      Post("w", text="x", every="0 9 * * mon", until_date=date(2026, 12, 29))],
     None, "2026-12-29T23:59:59.999999+07:00"),
])
def test_campaign_window(posts, first, last):
    got = campaign_window(campaign("Asia/Jakarta", *posts))
    assert tuple(d.isoformat() if d else None for d in got) == (first, last)


def test_campaign_window_covers_every_occurrence():
    post = Post("w", text="x", every="59 23 * * *", from_date=date(2026, 12, 1),
                until_date=date(2026, 12, 3))
    c = campaign("Asia/Makassar", post)
    first, last = campaign_window(c)
    assert [o.at.day for o in expand(c, first, last)] == [1, 2, 3]


# ------------------------------------------------------------------------ problems

def test_at_inside_a_blackout_is_an_error_at_the_at_line():
    post = Post("launch", text="hi", at=datetime(2026, 12, 25, 9, 0), mark=Mark(FILE, 20),
                marks={"at": Mark(FILE, 21)})
    c = campaign("Asia/Jakarta", post, blackouts=[CHRISTMAS])
    [problem] = schedule_problems(c)
    assert problem.is_error
    assert (problem.file, problem.line) == (FILE, 21)
    assert problem.message == ('post launch at 2026-12-25 09:00 falls inside the blackout '
                               '"Libur Natal" (2026-12-24 00:00 to 2026-12-26 23:59)')
    assert "priority: emergency" in problem.hint and "move the post" in problem.hint
    assert problem.one_line().startswith(f"{FILE}:21: error: post launch")


def test_at_inside_a_global_blackout_is_an_error_too():
    post = Post("launch", text="hi", at=datetime(2026, 12, 25, 9, 0), mark=Mark(FILE, 20))
    c = campaign("Asia/Jakarta", post)
    assert schedule_problems(c) == []
    [problem] = schedule_problems(c, [CHRISTMAS])
    assert problem.is_error and problem.line == 20  # falls back to the post's own mark


@pytest.mark.parametrize("post, severity, fragment", [
    (Post("w", text="x", every="0 9 * * mon", from_date=date(2026, 12, 1)),
     "warning", "post w recurs forever; add until:"),
    # 1 Dec 2026 is a Tuesday, 6 Dec a Sunday: no Monday in between.
    (Post("w", text="x", every="0 9 * * mon", from_date=date(2026, 12, 1),
          until_date=date(2026, 12, 6)),
     "warning", "post w: `every: 0 9 * * mon` never happens from 2026-12-01 to 2026-12-06"),
    (Post("w", text="x", every="0 0 30 2 *", until_date=date(2027, 1, 1)),
     "warning", "never happens"),
    (Post("w", text="x", every="0 9 * * mon", from_date=date(2026, 12, 29),
          until_date=date(2026, 12, 1)),
     "warning", "never happens"),
    (Post("w", text="x", every="0 25 * * *", until_date=date(2027, 1, 1)),
     "error", "is not a valid 5-field cron expression"),
    (Post("w", text="x", every="0 0 9 * * mon", until_date=date(2027, 1, 1)),
     "error", "is not a valid 5-field cron expression"),
    (Post("gap", text="x", at=datetime(2026, 3, 29, 3, 30)),
     "warning", "2026-03-29 03:30 does not exist in Europe/Tallinn (clocks jump forward); "
                "it will go out at 2026-03-29 04:00"),
    (Post("fold", text="x", at=datetime(2026, 10, 25, 3, 30)),
     "warning", "2026-10-25 03:30 happens twice in Europe/Tallinn"),
])
def test_schedule_problems(post, severity, fragment):
    post.marks = {"every": Mark(FILE, 30), "at": Mark(FILE, 31)}
    problems = schedule_problems(campaign("Europe/Tallinn", post))
    assert [p.severity for p in problems] == [severity]
    assert fragment in problems[0].message
    assert problems[0].hint and problems[0].file == FILE
    assert problems[0].line == (31 if post.at else 30)


def test_a_well_formed_campaign_has_no_schedule_problems():
    c = campaign("Asia/Jakarta",
                 Post("launch", text="x", at=datetime(2026, 12, 1, 9, 0)),
                 Post("w", text="x", every="0 9 * * mon", from_date=date(2026, 12, 1),
                      until_date=date(2026, 12, 29)),
                 blackouts=[CHRISTMAS])
    assert schedule_problems(c, [CHRISTMAS]) == []


def test_unknown_time_zone_is_a_problem_and_expand_refuses_it():
    c = campaign("Asia/Jakarta_", Post("a", text="x", at=datetime(2026, 12, 1, 9, 0)),
                 marks={"timezone": Mark(FILE, 3)})
    [problem] = schedule_problems(c)
    assert problem.is_error and (problem.file, problem.line) == (FILE, 3)
    assert "unknown time zone 'Asia/Jakarta_'" in problem.message
    with pytest.raises(ValidationFailed) as err:
        expand(c, utc(2026, 1, 1), utc(2027, 1, 1))
    assert err.value.problems[0].line == 3


def test_expand_refuses_a_bad_cron_with_its_line():
    post = Post("w", text="x", every="every monday", marks={"every": Mark(FILE, 14)})
    with pytest.raises(ValidationFailed) as err:
        expand(campaign("Asia/Jakarta", post), utc(2026, 1, 1), utc(2027, 1, 1))
    assert err.value.problems[0].line == 14


# ------------------------------------------------------------------------ next_due

def test_next_due_is_the_earliest_across_campaigns_and_zones():
    jakarta = campaign("Asia/Jakarta", Post("a", text="x", at=datetime(2026, 12, 1, 9, 0)))
    jayapura = campaign("Asia/Jayapura",
                        Post("b", text="x", every="0 9 * * *", from_date=date(2026, 12, 1)))
    # 09:00 WIT (00:00 UTC) comes before 09:00 WIB (02:00 UTC).
    due = next_due([jakarta, jayapura], utc(2026, 11, 30, 12, 0))
    assert due == utc(2026, 12, 1, 0, 0) and str(due.tzinfo) == "Asia/Jayapura"
    # Strictly after: an occurrence exactly at `after` is not due again.
    assert next_due([jakarta, jayapura], utc(2026, 12, 1, 0, 0)) == utc(2026, 12, 1, 2, 0)
    assert next_due([jakarta, jayapura], utc(2026, 12, 1, 2, 0)) == utc(2026, 12, 2, 0, 0)


def test_next_due_skips_blackouts_unless_emergency():
    daily = Post("d", text="x", every="0 9 * * *", until_date=date(2026, 12, 31))
    c = campaign("Asia/Jakarta", daily)
    after = datetime(2026, 12, 23, 10, 0, tzinfo=JAKARTA)
    assert next_due([c], after, [CHRISTMAS]) == datetime(2026, 12, 27, 9, 0, tzinfo=JAKARTA)
    daily.priority = "emergency"
    assert next_due([c], after, [CHRISTMAS]) == datetime(2026, 12, 24, 9, 0, tzinfo=JAKARTA)


def test_next_due_is_none_when_everything_is_over_or_blacked_out():
    c = campaign("Asia/Jakarta",
                 Post("a", text="x", at=datetime(2026, 12, 1, 9, 0)),
                 Post("b", text="x", at=datetime(2026, 12, 25, 9, 0)),
                 Post("w", text="x", every="0 9 * * *", until_date=date(2026, 12, 26)),
                 blackouts=[CHRISTMAS])
    assert next_due([c], utc(2026, 12, 23, 3, 0)) is None
    assert next_due([], utc(2026, 12, 23, 3, 0)) is None
    with pytest.raises(ValueError):
        next_due([c], datetime(2026, 12, 1))


def test_next_due_steps_over_long_blackouts_without_walking_them():
    # A per-minute cron, open-ended, behind a year-long blackout: walking it minute by
    # minute would take half a million steps.
    c = campaign("Europe/Tallinn", Post("m", text="x", every="* * * * *"),
                 blackouts=[Blackout(utc(2026, 1, 1), utc(2027, 1, 1, 0, 0, 30), "freeze")])
    began = _time.perf_counter()
    assert next_due([c], utc(2026, 6, 1)) == utc(2027, 1, 1, 0, 1)
    assert _time.perf_counter() - began < 0.5


# --------------------------------------------------------------------- performance

def test_expanding_a_5000_post_campaign_is_cheap():
    posts = [Post(f"p{i}", text="x", at=datetime(2026, 12, 1) + timedelta(minutes=7 * i))
             for i in range(4500)]
    posts += [Post(f"w{i}", text="x", every=f"{i % 60} {i % 24} * * {i % 7}",
                   from_date=date(2026, 12, 1), until_date=date(2026, 12, 31))
              for i in range(500)]
    c = campaign("Europe/Tallinn", *posts, blackouts=[
        Blackout(datetime(2026, 12, 24, tzinfo=TALLINN), datetime(2026, 12, 26, tzinfo=TALLINN),
                 "Jõulud")])
    began = _time.perf_counter()
    occ = expand(c, utc(2026, 11, 1), utc(2027, 2, 1))
    elapsed = _time.perf_counter() - began
    assert len(occ) == 4500 + sum(len(expand_post(c, p, utc(2026, 11, 1), utc(2027, 2, 1)))
                                  for p in posts[4500:])
    assert elapsed < 3.0, f"expanding 5,000 posts took {elapsed:.2f}s"


# -------------------------------------------------------------- property-based

ZONES = ["Europe/Tallinn", "America/New_York", "Asia/Kolkata", "Asia/Jakarta", "Asia/Makassar",
         "Asia/Jayapura", "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham",
         "Europe/London", "America/Havana"]

zones = st.sampled_from(ZONES).map(ZoneInfo)
walls = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31))


def _oracle(zone: ZoneInfo, walls_: list[datetime], lo: datetime, hi: datetime) -> list[datetime]:
    """Instants of the given wall times inside [lo, hi], each once, the obvious slow way."""
    instants = {localize(w, zone).astimezone(UTC) for w in walls_}
    return sorted(i for i in instants if lo <= i <= hi)


@settings(max_examples=200, deadline=None)
@given(zone=zones, wall=walls)
def test_property_localize_round_trips_or_lands_just_after_a_gap(zone, wall):
    got = localize(wall, zone)
    back = got.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != wall:
        # Only a non-existent wall time moves, and then to the instant the gap closes:
        # a moment earlier the clock still showed a time before `wall`.
        # (Step back on the UTC line: aware arithmetic in `zone` is wall-clock arithmetic
        # and would land inside the very gap being checked.)
        before = (got.astimezone(UTC) - timedelta(microseconds=1)).astimezone(zone)
        assert before.utcoffset() < got.utcoffset()
        assert before.replace(tzinfo=None) < wall < back
    else:
        # The fold's first pass: no earlier instant shows the same wall time.
        fold = abs(got.replace(fold=0).utcoffset() - got.replace(fold=1).utcoffset())
        earlier = got.astimezone(UTC) - fold
        assert earlier == got.astimezone(UTC) or \
            earlier.astimezone(zone).replace(tzinfo=None) != wall


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zone=zones, hour=st.integers(0, 23), minute=st.integers(0, 59),
       first=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 6, 30)),
       days=st.integers(0, 120))
def test_property_daily_cron_gives_exactly_one_per_local_date(zone, hour, minute, first, days):
    last = first + timedelta(days)
    post = Post("d", text="x", every=f"{minute} {hour} * * *", from_date=first, until_date=last)
    c = campaign(zone.key, post)
    lo, hi = campaign_window(c)
    occ = expand(c, lo, hi)
    instants = utcs(occ)
    assert all(a < b for a, b in zip(instants, instants[1:]))
    assert [o.at.date() for o in occ] == [first + timedelta(d) for d in range(days + 1)]
    for o in occ:
        wall = o.at.replace(tzinfo=None)
        if (wall.hour, wall.minute) != (hour, minute):  # only in a gap, then just after it
            assert (o.at - timedelta(microseconds=1)).astimezone(zone).utcoffset() \
                < o.at.utcoffset()
            assert wall > datetime.combine(o.at.date(), datetime.min.time()).replace(
                hour=hour, minute=minute)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zone=zones, minute=st.integers(0, 59), daily_hour=st.none() | st.integers(0, 23),
       start=walls, length=st.integers(0, 14 * 24 * 60))
def test_property_cron_occurrences_match_the_obvious_expansion(zone, minute, daily_hour, start,
                                                               length):
    every = f"{minute} {'*' if daily_hour is None else daily_hour} * * *"
    post = Post("p", text="x", every=every)
    c = campaign(zone.key, post)
    lo = localize(start, zone).astimezone(UTC)
    hi = lo + timedelta(minutes=length)
    occ = expand_post(c, post, lo, hi)
    instants = utcs(occ)
    # Strictly increasing (so unique) and inside the window.
    assert all(a < b for a, b in zip(instants, instants[1:]))
    assert all(lo <= i <= hi for i in instants)
    # Each is the cron's wall time, or -- for a wall time in a gap -- the instant after it.
    for o in occ:
        wall = o.at.replace(tzinfo=None)
        if not croniter.match(every, wall):
            assert (o.at - timedelta(microseconds=1)).astimezone(zone).utcoffset() \
                < o.at.utcoffset()
    # The same set as localizing every matching wall time near the window, one by one.
    base = start.replace(minute=minute, second=0, microsecond=0) - timedelta(days=2)
    step = timedelta(hours=1)
    near = [base + k * step for k in range(int((length / 60 + 100)))]
    if daily_hour is not None:
        near = [w for w in near if w.hour == daily_hour]
    assert instants == _oracle(zone, near, lo, hi)
    # And next_due, stepping forward, agrees with the expansion.
    if instants:
        assert next_due([c], lo - timedelta(seconds=1)) == instants[0]


def test_every_schedule_problem_speaks_indonesian(monkeypatch):
    c = campaign(
        "Europe/Tallinn",
        Post("gap", text="x", at=datetime(2026, 3, 29, 3, 30)),
        Post("fold", text="x", at=datetime(2026, 10, 25, 3, 30)),
        Post("xmas", text="x", at=datetime(2026, 12, 25, 9, 0)),
        Post("bad", text="x", every="0 25 * * *", until_date=date(2027, 1, 1)),
        Post("never", text="x", every="0 0 30 2 *"),  # also recurs forever
        blackouts=[CHRISTMAS],
    )
    bad_zone = campaign("Mars/Olympus", Post("a", text="x", at=datetime(2026, 1, 1)))
    english = schedule_problems(c) + schedule_problems(bad_zone)
    monkeypatch.setenv("CAMPAIGNCTL_LANG", "id")
    indonesian = schedule_problems(c) + schedule_problems(bad_zone)
    assert len(english) == len(indonesian) == 7
    for en, id_ in zip(english, indonesian):
        assert id_.message != en.message and id_.hint != en.hint, en.message
    assert indonesian[2].message.startswith("unggahan xmas pada 2026-12-25 09:00 jatuh dalam")
