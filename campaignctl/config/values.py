"""Value validators for the config files: ids, time zones, local times, cron, durations, rates.

Each raises PydanticCustomError with our own message and hint, so a bad value reads the same
wherever it is written; the Annotated types at the end bind them to pydantic fields.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit
from typing import Annotated, Any, NamedTuple
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..channels import platforms
from ..channels.credentials import is_reference
from ..i18n import t
from ..models import RESERVED_VAR_NAMES

_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID_RE = re.compile(_ID_PATTERN)
_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$"
_DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$")
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_DURATION_PATTERN = r"^(\d+[hms])+$"
_DURATION_RE = re.compile(r"(\d+)([hms])")
_TEMPLATE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")


def _fail(message: str, hint: str | None = None) -> PydanticCustomError:
    # The text goes in the context, not the template, so braces in it are never formatted.
    return PydanticCustomError("campaignctl", "{message}", {"message": message, "hint": hint or ""})


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _did_you_mean(value: str, choices: list[str] | tuple[str, ...], fallback: str) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return t("did you mean {suggestion}?", suggestion=close[0]) if close else fallback


def _ident(value: str) -> str:
    if not _ID_RE.match(value):
        raise _fail(t("{value!r} is not a valid id", value=_show(value)),
                    t("use lowercase letters, digits and single dashes, e.g. booster-2026"))
    return value


@cache
def _zone_ok(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, or ValueError for names like "../x"
        return False
    return True


# Indonesia's zones as people write them (and as every table prints them).
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
# Zones offered first for an offset, so a hint names a place a reader knows.
_KNOWN_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Singapore",
                "Asia/Kuala_Lumpur", "Asia/Manila", "Asia/Tokyo", "Australia/Perth",
                "Europe/London", "Europe/Paris", "Europe/Tallinn", "America/New_York",
                "America/Los_Angeles", "UTC")
_OFFSET_RE = re.compile(r"^(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_POSIX_RE = re.compile(r"^Etc/GMT([+-])(\d{1,2})$", re.IGNORECASE)


def _offset_of(sign: str, hours: str, minutes: str | None) -> timedelta:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return delta if sign == "+" else -delta


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@cache
def zones_at_offset(offset: timedelta) -> tuple[str, ...]:
    """IANA zones whose offset is ``offset`` all year round (never one that moves to
    another offset for part of the year), well-known places first."""
    def steady(name: str) -> bool:
        zone = ZoneInfo(name)
        return all(datetime(2026, month, 15, 12, tzinfo=zone).utcoffset() == offset
                   for month in (1, 7))
    known = [z for z in _KNOWN_ZONES if steady(z)]
    others = sorted(z for z in available_timezones()
                    if "/" in z and not z.startswith(("Etc/", "SystemV/")) and z not in known
                    and steady(z))
    return tuple(known + others)


def _offset_hint(offset: timedelta) -> str:
    zones = zones_at_offset(offset)[:3]
    if not zones:
        return t("use an IANA name such as Asia/Jakarta, Asia/Makassar or Europe/Tallinn")
    return t("write the place's IANA zone, e.g. {zones}", zones=", ".join(zones))


def _timezone(value: str) -> str:
    text = str(value).strip()
    if text.upper() in ZONE_ALIASES:
        return ZONE_ALIASES[text.upper()]
    if (offset := _OFFSET_RE.match(text)) is not None:
        delta = _offset_of(*offset.groups())
        raise _fail(t("{value!r} is a UTC offset, not a time zone ({offset})", value=_show(text),
                      offset=_offset_text(delta)), _offset_hint(delta))
    if (posix := _POSIX_RE.match(text)) is not None and _zone_ok(text):
        # POSIX inverts the sign: Etc/GMT-8 is eight hours AHEAD of UTC.
        sign, hours = posix.groups()
        delta = _offset_of("-" if sign == "+" else "+", hours, None)
        raise _fail(t("{value!r} means {offset}: POSIX zones count the sign backwards",
                      value=_show(text), offset=_offset_text(delta)), _offset_hint(delta))
    if not _zone_ok(text):
        close = difflib.get_close_matches(text, sorted(available_timezones()), n=1, cutoff=0.6)
        hint = (t("did you mean {suggestion}?", suggestion=close[0]) if close
                else t("use an IANA name such as Asia/Jakarta, Asia/Makassar or Europe/Tallinn"))
        raise _fail(t("unknown time zone {value!r}", value=_show(text)), hint)
    return text


_DATETIME_HINT = "write a local date and time like 2026-12-01 09:00"


def _local_datetime(value: Any) -> datetime | None:
    if value is None or (isinstance(value, datetime) and value.tzinfo is None):
        return value
    if isinstance(value, datetime):
        raise _fail(t("times are local to the campaign's time zone; remove the UTC offset"),
                    t(_DATETIME_HINT))
    if isinstance(value, date):
        raise _fail(t("a date alone is not a time"), t(_DATETIME_HINT))
    if isinstance(value, str):
        m = _DATETIME_RE.match(value.strip())
        if m:
            try:
                return datetime.fromisoformat(f"{m[1]}T{m[2]}{m[3] or ''}")
            except ValueError:
                pass  # the right shape but no such day or hour (2026-02-30, 25:00)
    raise _fail(t("{value!r} is not a local date and time", value=_show(value)), t(_DATETIME_HINT))


def _local_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str) and re.match(_DATE_PATTERN, value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(t("{value!r} is not a date", value=_show(value)),
                t("write a date like 2026-12-01 (the day is included)"))


class _Moment(NamedTuple):
    """A blackout bound as written: the value and how precisely it was given."""

    value: datetime
    precision: str  # "day" | "minute" | "second"


def _moment(value: Any) -> _Moment:
    if isinstance(value, date) and not isinstance(value, datetime):
        return _Moment(datetime.combine(value, time()), "day")
    if isinstance(value, str) and re.match(_DATE_PATTERN, value.strip()):
        return _Moment(datetime.combine(_local_date(value), time()), "day")
    has_seconds = isinstance(value, datetime) or (
        isinstance(value, str) and bool((m := _DATETIME_RE.match(value.strip())) and m[3]))
    moment = _local_datetime(value)
    if moment is None:
        raise _fail(t("a blackout needs a start and an end"), t(_DATETIME_HINT))
    return _Moment(moment, "second" if has_seconds else "minute")


@cache
def _cron_ok(value: str) -> bool:
    from croniter import croniter  # imported here: only recurring posts pay for it

    return len(value.split()) == 5 and croniter.is_valid(value)


def _cron_field(index: int) -> tuple[str, str]:
    """A cron field's name and what it accepts, in the user's language, by position."""
    steps = t("a range (1-5), a list (1,3) or a step (*/2)")
    return (
        (t("minute"), "0-59, " + steps), (t("hour"), "0-23, " + steps),
        (t("day-of-month"), "1-31, " + steps), (t("month"), t("1-12 or jan-dec") + ", " + steps),
        (t("day-of-week"), t("0-7 or sun, mon, tue, wed, thu, fri, sat") + ", " + steps),
    )[index]


def _bad_cron_field(fields: list[str]) -> int | None:
    """Which of five fields croniter refuses on its own (the others set to *), if one."""
    from croniter import croniter

    for index, field in enumerate(fields):
        alone = ["*"] * 5
        alone[index] = field
        if not croniter.is_valid(" ".join(alone)):
            return index
    return None


def _cron(value: str | None) -> str | None:
    if value is None:
        return value
    if not _cron_ok(value):
        fields = value.split()
        bad = _bad_cron_field(fields) if len(fields) == 5 else None
        if bad is not None:
            name, accepts = _cron_field(bad)
            raise _fail(t("{value!r}: the {field} field {part!r} is not valid", value=_show(value),
                          field=name, part=_show(fields[bad])),
                        t("the {field} field takes {accepts}", field=name, accepts=accepts))
        raise _fail(t("{value!r} is not a 5-field cron expression", value=_show(value)),
                    t("write minute hour day-of-month month day-of-week, e.g. \"0 9 * * mon\""))
    return value


def _template_name(value: str | None) -> str | None:
    if value is not None and not _TEMPLATE_RE.match(value):
        raise _fail(t("{value!r} is not a template name", value=_show(value)),
                    t("name a file under templates/ without .j2, e.g. announcement"))
    return value


def _duration(value: Any) -> int:
    if isinstance(value, str) and re.match(_DURATION_PATTERN, value.strip()):
        factor = {"h": 3600, "m": 60, "s": 1}
        return sum(int(n) * factor[unit] for n, unit in _DURATION_RE.findall(value))
    raise _fail(t("{value!r} is not a duration", value=_show(value)),
                t("write a number with a unit: 90s, 30m, 1h or 1h30m"))


_RATE_PATTERN = r"^\d+/(\d+[hms])+$"


def _rate_limit(value: Any) -> tuple[int, int] | None:
    """"17/24h" -> (17 requests, 86400 seconds): an account's own publishing limit."""
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else ""
    count, _, window = text.partition("/")
    if re.match(_RATE_PATTERN, text) and int(count) > 0:
        return int(count), _duration(window)
    raise _fail(t("{value!r} is not a rate limit", value=_show(value)),
                t("write posts per duration, e.g. 17/24h or 100/15m"))


def _platform(value: str) -> str:
    known = platforms()
    if value not in known:
        raise _fail(t("unknown platform {value!r}", value=_show(value)), _did_you_mean(
            value, known, t("use one of: {choices}", choices=", ".join(known))))
    return value


def _account_name(value: str) -> str:
    if not _ACCOUNT_RE.match(value):
        raise _fail(t("{value!r} is not a usable channel name", value=_show(value)),
                    t("use letters, digits, dots, dashes and underscores, e.g. x-ministry"))
    return value


# A credential is a reference, never the secret itself.
_CREDENTIAL_PATTERN = r"^(\$\{[A-Za-z_][A-Za-z0-9_]*\}|keyring:.+)$"


def _credential(value: str) -> str:
    # Never echo the value: it is most likely the secret itself.
    if not is_reference(value):
        raise _fail(t("this credential is a value, not a reference: never put a secret in "
                      "channels.yaml"),
                    t("store it in an environment variable or .env and write {env}, or in the "
                      "OS keyring and write {keyring}", env="${NAME}",
                      keyring="keyring:service/user"))
    return value


def _base_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise _fail(t("base_url is not an http(s) URL"),
                    t("write the API base like https://api.example.com"))
    if value is not None and "@" in urlsplit(value).netloc:
        # A user or password here would be printed by `channels`, kept in the ledger and in
        # the append-only audit log, where it can never be purged. Never echo it.
        raise _fail(t("base_url carries a user name or password"),
                    t("remove the `user:password@` part; credentials go under `credentials:` "
                      "as ${NAME} or keyring: references"))
    return value


def _string(pattern: str | None = None, **extra: Any) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", **extra}
    if pattern:
        schema["pattern"] = pattern
    return WithJsonSchema(schema)


def _var_name(value: str) -> str:
    if value in RESERVED_VAR_NAMES:
        raise _fail(t("a var cannot be called {name!r}: templates already use that name",
                      name=value), t("rename it, e.g. {suggestion}", suggestion=f"{value}_text"))
    return value


Ident = Annotated[str, AfterValidator(_ident), _string(_ID_PATTERN)]
VarName = Annotated[str, AfterValidator(_var_name)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]
LocalDateTime = Annotated[Any, BeforeValidator(_local_datetime), _string(_DATETIME_PATTERN)]
LocalDate = Annotated[Any, BeforeValidator(_local_date), _string(_DATE_PATTERN)]
BlackoutBound = Annotated[Any, BeforeValidator(_moment), WithJsonSchema(
    {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"})]
Cron = Annotated[str | None, AfterValidator(_cron)]
TemplateName = Annotated[str | None, AfterValidator(_template_name)]
