"""Loading channels.yaml and campaign files: the only YAML reader in campaignctl.

How a file is read, and why this way:

1. The YAML is *composed* (not loaded) with libyaml's CSafeLoader into nodes, so every
   value still knows its line.
2. One walk over the nodes builds plain Python values plus a ``{"dotted.path": Mark}``
   map; each post gets a map of its own, which becomes ``Post.marks``.
3. pydantic (strict, ``extra="forbid"``) checks shapes and types; each error's ``loc``
   is mapped back to a line through the map, and unknown keys get a did-you-mean.
4. Checks that need the workspace (channel names, template files, option fields,
   exactly-one-of rules) run afterwards on whatever passed step 3.

How problems come back:

- Campaign files: ``load_campaigns`` returns every problem of every file as a
  ``Problem`` (file relative to the workspace root, 1-based line). A campaign with any
  error is left out of the returned campaigns; warnings do not exclude it.
- channels.yaml: ``load_workspace`` raises one ``ConfigError`` whose ``problems``
  attribute lists every Problem. With a single problem, the error's message, hint, file
  and line are that problem's; with several, the message lists each on its own line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, NoReturn
from zoneinfo import ZoneInfo

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import WithJsonSchema
from pydantic_core import PydanticCustomError
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .allocation import bulk_allocation
from .channels import limits_for, platforms
from .channels.credentials import is_reference
from .errors import ConfigError, Problem
from .i18n import t
from .models import Account, Blackout, Campaign, Mark, Media, Post, Workspace

__all__ = ["CHANNELS_FILE", "campaign_json_schema", "load_campaigns", "load_workspace"]

CHANNELS_FILE = "channels.yaml"

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ID_RE = re.compile(_ID_PATTERN)
_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$"
_DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$")
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_DURATION_PATTERN = r"^(\d+[hms])+$"
_DURATION_RE = re.compile(r"(\d+)([hms])")
_TEMPLATE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_MAP = "tag:yaml.org,2002:map"
_TAG_SEQ = "tag:yaml.org,2002:seq"
_TAG_MERGE = "tag:yaml.org,2002:merge"
_TAG_VALUE = "tag:yaml.org,2002:value"
# PyYAML's own scalar constructors (int, bool, timestamp, ...); unknown tags are refused.
_SCALARS = {tag: fn for tag, fn in SafeConstructor.yaml_constructors.items()
            if tag is not None and tag not in (_TAG_MAP, _TAG_SEQ, "tag:yaml.org,2002:omap",
                                               "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set")}


# --- small value validators (raise PydanticCustomError so the message is ours) -------------

def _fail(message: str, hint: str | None = None) -> PydanticCustomError:
    # The text goes in the context, not the template, so braces in it are never formatted.
    return PydanticCustomError("campaignctl", "{message}", {"message": message, "hint": hint or ""})


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


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


def _timezone(value: str) -> str:
    if not _zone_ok(value):
        from zoneinfo import available_timezones

        close = difflib.get_close_matches(value, sorted(available_timezones()), n=1, cutoff=0.6)
        hint = (t("did you mean {suggestion}?", suggestion=close[0]) if close
                else t("use an IANA name such as Asia/Jakarta, Asia/Makassar or Europe/Tallinn"))
        raise _fail(t("unknown time zone {value!r}", value=_show(value)), hint)
    return value


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
    return value


def _did_you_mean(value: str, choices: list[str] | tuple[str, ...], fallback: str) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return t("did you mean {suggestion}?", suggestion=close[0]) if close else fallback


def _string(pattern: str | None = None, **extra: Any) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", **extra}
    if pattern:
        schema["pattern"] = pattern
    return WithJsonSchema(schema)


Ident = Annotated[str, AfterValidator(_ident), _string(_ID_PATTERN)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]
LocalDateTime = Annotated[Any, BeforeValidator(_local_datetime), _string(_DATETIME_PATTERN)]
LocalDate = Annotated[Any, BeforeValidator(_local_date), _string(_DATE_PATTERN)]
BlackoutBound = Annotated[Any, BeforeValidator(_moment), WithJsonSchema(
    {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"})]
Cron = Annotated[str | None, AfterValidator(_cron)]
TemplateName = Annotated[str | None, AfterValidator(_template_name)]


# --- the file formats, as strict pydantic models ------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BlackoutSpec(_Strict):
    """A window with no posts, in local time; an end given to the minute covers that minute."""

    start: BlackoutBound
    end: BlackoutBound
    reason: str = "blackout"


class MediaSpec(_Strict):
    """An attachment; ``path`` is relative to the workspace root."""

    path: str = Field(description="File path relative to the workspace root.")
    alt: str | None = Field(None, description="Alt text (required by the channel rules).")


class PostSpec(_Strict):
    """One entry of ``posts:``."""

    id: Ident = Field(description="Unique within the campaign: lowercase, digits, dashes.")
    at: LocalDateTime = Field(None, description="One time, local: YYYY-MM-DD HH:MM.")
    every: Cron = Field(None, description="5-field cron in the campaign's time zone.")
    from_: LocalDate = Field(None, alias="from", description="First day of `every`.")
    until: LocalDate = Field(None, description="Last day of `every` (inclusive).")
    template: TemplateName = Field(None, description="templates/NAME.j2 or NAME/CHANNEL.j2.")
    text: str | None = Field(None, description="Inline Jinja text instead of a template.")
    channels: list[str] | None = Field(None, description="Overrides the campaign's channels.")
    vars: dict[str, Any] = Field(default_factory=dict)
    media: list[MediaSpec] = Field(default_factory=list)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict,
                                               description="Per-platform fields.")
    priority: Literal["normal", "emergency"] = "normal"


class _CampaignHead(_Strict):
    """The campaign's own keys; posts are validated one by one so every problem shows."""

    campaign: Ident = Field(description="Campaign id: lowercase letters, digits, dashes.")
    name: str | None = Field(None, description="Human name; defaults to the id.")
    timezone: TimeZoneName | None = Field(None, description="IANA time zone.")
    channels: list[str] | None = Field(None, description="Account names from channels.yaml.")
    vars: dict[str, Any] = Field(default_factory=dict)
    blackouts: list[BlackoutSpec] = Field(default_factory=list)
    posts: list[Any]


class CampaignFile(_CampaignHead):
    """A whole campaign file (used for the JSON Schema)."""

    posts: list[PostSpec]


class _Defaults(_Strict):
    timezone: TimeZoneName = Field(
        "UTC", description="IANA time zone of campaigns that name none, e.g. Asia/Jakarta.")
    catch_up: Annotated[Any, BeforeValidator(_duration), _string(_DURATION_PATTERN)] = Field(
        3600, description="How late a post may still go out (90s, 30m, 1h, 1h30m); "
                          "later ones are reported as missed.")
    blackouts: list[BlackoutSpec] = Field(
        default_factory=list, description="Windows with no posts in any campaign.")


class _Approvals(_Strict):
    required: bool = Field(False, description="Every post needs `campaignctl approve` first.")


# A credential is a reference, never the secret itself.
_CREDENTIAL_PATTERN = r"^(\$\{[A-Za-z_][A-Za-z0-9_]*\}|keyring:.+)$"


class _AccountSpec(_Strict):
    platform: Annotated[str, AfterValidator(_platform)] = Field(
        description="x, facebook, youtube or tiktok.")
    sandbox: bool = Field(False, description="Send to the local emulators instead.")
    base_url: Annotated[str | None, AfterValidator(_base_url)] = Field(
        None, description="Another API base (a proxy or an emulator).")
    approval_required: bool | None = Field(
        None, description="Overrides approvals.required for this account.")
    credentials: dict[str, Annotated[str, AfterValidator(_credential),
                                     _string(_CREDENTIAL_PATTERN)]] = Field(
        default_factory=dict,
        description="References only: ${ENV_VAR} or keyring:service/user.")
    options: dict[str, Any] = Field(default_factory=dict,
                                    description="Platform settings, e.g. page_id.")
    rate_limit: Annotated[Any, BeforeValidator(_rate_limit), _string(_RATE_PATTERN)] = Field(
        None, description="This account's own publishing limit when its access tier differs "
                          "from the platform's usual one (its developer portal says), "
                          "e.g. 17/24h.")


class _ChannelsFile(_Strict):
    defaults: _Defaults = Field(default_factory=_Defaults)
    ledger: str | None = Field(
        None, description="SQLAlchemy URL of the ledger; default: .campaignctl/ledger.db.")
    approvals: _Approvals = Field(default_factory=_Approvals)
    channels: dict[Annotated[str, AfterValidator(_account_name)], _AccountSpec] = Field(
        default_factory=dict, description="Named accounts; campaigns list these names.")


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


# Which keys are allowed where, for did-you-mean on unknown keys (list indexes are "*").
_CAMPAIGN_KEYS = {"": _keys(_CampaignHead), "blackouts.*": _keys(BlackoutSpec)}
_POST_KEYS = {"": _keys(PostSpec), "media.*": _keys(MediaSpec)}
_CHANNELS_KEYS = {"": _keys(_ChannelsFile), "defaults": _keys(_Defaults),
                  "defaults.blackouts.*": _keys(BlackoutSpec), "approvals": _keys(_Approvals),
                  "channels.*": _keys(_AccountSpec)}


# --- YAML nodes -> plain values + marks ------------------------------------------------------

# A 5,000-post campaign has about 20,000 mappings and lists.
_MAX_COLLECTIONS = 200_000


class _TooBig(Exception):
    """The document expands beyond _MAX_COLLECTIONS mappings and lists."""


class _Tree:
    """Builds plain values from composed YAML nodes, recording the line of every path.

    Keys are marked at the key's line (``media:`` rather than its first item); list items
    at the item's line. Items of the top-level list named ``split`` (``posts``) get a marks
    map of their own, in ``items``.
    """

    def __init__(self, file: str, split: str | None = None) -> None:
        self.file = file
        self.split = split
        self.items: list[tuple[Mark, dict[str, Mark]]] = []
        self.problems: list[Problem] = []
        self._marks: dict[int, Mark] = {}  # one Mark per line, shared
        self._ctor = SafeConstructor()
        # Aliases are walked again at each use, so nested ones ("billion laughs") could
        # multiply the work; no honest campaign comes near this many mappings and lists.
        self._budget = _MAX_COLLECTIONS

    def values(self, node: yaml.Node, marks: dict[str, Mark]) -> Any:
        """The plain value of the document ``node``; a runaway alias becomes a Problem."""
        try:
            return self.build(node, "", marks)
        except (RecursionError, _TooBig):
            self.problem(node, t("the YAML aliases (*name) expand too far or refer to "
                                 "themselves"), t("write the values out instead of aliasing"))
            return None

    def mark(self, node: yaml.Node) -> Mark:
        line = node.start_mark.line + 1
        found = self._marks.get(line)
        if found is None:
            found = self._marks[line] = Mark(self.file, line)
        return found

    def problem(self, node: yaml.Node, message: str, hint: str | None = None,
                code: str = "yaml") -> None:
        self.problems.append(Problem(message, self.file, node.start_mark.line + 1, hint,
                                     code=code))

    def build(self, node: yaml.Node, path: str, marks: dict[str, Mark]) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            if node.tag == _TAG_STR:
                return node.value
            return self._scalar(node)
        if cls is MappingNode:
            return self._mapping(node, path, marks)
        if cls is SequenceNode:
            self._spend()
            if node.tag != _TAG_SEQ:
                self._bad_tag(node)
            values = []
            for i, item in enumerate(node.value):
                child = f"{path}.{i}" if path else str(i)
                marks[child] = self.mark(item)
                values.append(self.build(item, child, marks))
            return values
        return None  # pragma: no cover - the composer yields only these three

    def _spend(self) -> None:
        self._budget -= 1
        if self._budget < 0:
            raise _TooBig

    def _scalar(self, node: ScalarNode) -> Any:
        construct = _SCALARS.get(node.tag)
        if node.tag == _TAG_VALUE:  # a lone "=" (PyYAML itself cannot load it): just text
            return node.value
        if construct is None:
            self._bad_tag(node)
            return node.value
        try:
            return construct(self._ctor, node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # e.g. 2026-02-30 has a timestamp's shape but is no date: keep the text, and let
            # the field that expects a date or time say what is wrong with it.
            return node.value

    def _bad_tag(self, node: yaml.Node) -> None:
        self.problem(node, t("unsupported YAML tag {tag}", tag=node.tag),
                     t("remove the tag; campaign files use plain YAML values"))

    def _mapping(self, node: MappingNode, path: str, marks: dict[str, Mark]) -> dict[Any, Any]:
        # The hot loop of a load: string keys and string values take the short path.
        self._spend()
        if node.tag != _TAG_MAP:
            self._bad_tag(node)
        merged = False
        for key_node, _ in node.value:
            if key_node.tag == _TAG_MERGE:
                merged = True
                try:
                    self._ctor.flatten_mapping(node)  # YAML merge keys (<<: *base)
                except yaml.MarkedYAMLError as exc:
                    self.problem(node, t("bad YAML merge: {problem}", problem=exc.problem))
                    return {}
                break
        result: dict[Any, Any] = {}
        lines = self._marks
        prefix = path + "." if path else ""
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self.problem(key_node, t("a key must be a plain name"), t("write `name: value`"))
                continue
            key = key_node.value if key_node.tag == _TAG_STR else self._scalar(key_node)
            child = prefix + str(key)
            line = key_node.start_mark.line + 1
            mark = lines.get(line)
            marks[child] = mark if mark is not None else self.mark(key_node)
            if key in result and not merged:
                self.problem(key_node, t("duplicate key {key!r}", key=_show(key)),
                             t("remove one of them: YAML would silently keep only the last"),
                             code="duplicate")
            if value_node.__class__ is ScalarNode and value_node.tag == _TAG_STR:
                result[key] = value_node.value
            elif not path and key == self.split:
                self.items = []  # a repeated `posts:` key: YAML keeps the last one
                result[key] = (self._split(value_node, child, marks)
                               if value_node.__class__ is SequenceNode
                               else self.build(value_node, child, marks))
            else:
                result[key] = self.build(value_node, child, marks)
        return result

    def _split(self, node: SequenceNode, path: str, marks: dict[str, Mark]) -> list[Any]:
        values = []
        for i, item in enumerate(node.value):
            own: dict[str, Mark] = {}
            item_mark = marks[f"{path}.{i}"] = self.mark(item)
            self.items.append((item_mark, own))
            values.append(self.build(item, "", own))
        return values


def _compose(text: str, file: str) -> tuple[yaml.Node | None, Problem | None]:
    """The document's root node, or the syntax problem at the line PyYAML reports."""
    try:
        return yaml.compose(text, Loader=_LOADER), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = str(exc.problem or exc.context)
        if exc.problem and exc.context:
            what += f" ({exc.context})"
        hint = (t("put one campaign in each file; remove the `---` line")
                if "single document" in what else
                t("fix the indentation or quoting near this line"))
        return None, Problem(t("YAML syntax error: {problem}", problem=what), file,
                             mark.line + 1 if mark else None, hint, code="yaml")
    except yaml.YAMLError as exc:
        return None, Problem(t("YAML syntax error: {problem}", problem=str(exc)), file, None,
                             t("fix the YAML"), code="yaml")


def _read(path: Path, file: str) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError:
        return None, Problem(t("the file is not UTF-8 text"), file, None,
                             t("save it as UTF-8"), code="read")
    except OSError as exc:
        return None, Problem(t("cannot read the file: {reason}", reason=exc.strerror or exc),
                             file, None, t("check the path and its permissions"), code="read")


# --- pydantic errors -> Problems -------------------------------------------------------------

_KINDS = {
    "string_type": "text (a string)", "list_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
    "bool_type": "true or false", "int_type": "a whole number", "float_type": "a number",
}


def _line_of(marks: dict[str, Mark], loc: tuple[Any, ...], default: Mark | None) -> int | None:
    """The line of the deepest marked path along ``loc`` (a missing key: its parent's)."""
    parts = [str(p) for p in loc if p != "[key]"]
    while parts:
        found = marks.get(".".join(parts))
        if found is not None:
            return found.line
        parts.pop()
    return default.line if default else None


def _allowed_at(allowed: dict[str, list[str]], parent: tuple[Any, ...]) -> list[str]:
    """The keys allowed in the mapping at ``parent``; "*" in a pattern is any index or name."""
    parts = [str(p) for p in parent]
    for pattern, keys in allowed.items():
        segments = pattern.split(".") if pattern else []
        if len(segments) == len(parts) and all(s in ("*", p) for s, p in zip(segments, parts)):
            return keys
    return []


def _describe(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "[key]")


def _problems_from(exc: ValidationError, file: str, marks: dict[str, Mark],
                   default: Mark | None, allowed: dict[str, list[str]],
                   prefix: str = "") -> list[Problem]:
    """One Problem per pydantic error, located through ``marks``. Never echoes the input."""
    found = []
    errors = exc.errors(include_url=False)
    # A misspelt required key (`platfrom:`) is one mistake: report the unknown key with its
    # did-you-mean, not also the missing key.
    typos = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            typos.update((loc[:-1], c) for c in difflib.get_close_matches(
                str(loc[-1]), _allowed_at(allowed, loc[:-1]), n=1, cutoff=0.6))
    for err in errors:
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "missing" and (loc[:-1], loc[-1]) in typos:
            continue
        field = prefix + _describe(loc) if loc else (prefix.rstrip(": ") or t("the file"))
        hint: str | None = None
        code = "invalid"
        if kind == "campaignctl":
            message = t("{field}: {message}", field=field, message=err["ctx"]["message"])
            hint = err["ctx"]["hint"] or None
        elif kind == "missing":
            message = t("{field} is missing", field=field)
            hint = t("add `{key}:`", key=loc[-1])
            code = "missing"
        elif kind == "extra_forbidden":
            choices = _allowed_at(allowed, loc[:-1])
            parent = ", ".join(x for x in (prefix.rstrip(": "),
                                           _describe(loc[:-1]) if loc[:-1] else "") if x)
            message = (t("unknown key {key!r} in {parent}", key=_show(loc[-1]), parent=parent)
                       if parent else t("unknown key {key!r}", key=_show(loc[-1])))
            hint = _did_you_mean(str(loc[-1]), choices, t("allowed here: {keys}",
                                                           keys=", ".join(choices)))
            code = "unknown-key"
        elif kind == "literal_error":
            message = t("{field} must be one of {choices}", field=field,
                        choices=err["ctx"]["expected"])
        elif kind in _KINDS:
            message = t("{field} must be {kind}", field=field, kind=_KINDS[kind])
            hint = (t("put quotes around the value") if kind == "string_type"
                    and isinstance(err.get("input"), (int, float, bool, date)) else None)
            code = "type"
        else:
            message = t("{field}: {message}", field=field, message=err["msg"])
        found.append(Problem(message, file, _line_of(marks, loc, default), hint, code=code))
    return found


# --- channels.yaml ---------------------------------------------------------------------------

def load_workspace(root: Path | None = None) -> Workspace:
    """Read ``<root>/channels.yaml`` (root: the current folder) into a Workspace.

    Raises ConfigError listing every problem (``.problems``). Credentials stay references.
    """
    root = Path(root or Path.cwd()).absolute()
    path = root / CHANNELS_FILE
    if not path.is_file():
        raise ConfigError(t("no {file} in {folder}", file=CHANNELS_FILE, folder=str(root)),
                          t("run `campaignctl init` or cd into your workspace"))
    text, problem = _read(path, CHANNELS_FILE)
    node = None
    if problem is None:
        node, problem = _compose(text or "", CHANNELS_FILE)
    if problem is None and node is None:
        problem = Problem(t("{file} is empty", file=CHANNELS_FILE), CHANNELS_FILE, 1,
                          t("run `campaignctl init` to get an example"), code="empty")
    if problem is None and node.__class__ is not MappingNode:
        problem = Problem(t("{file} must be a mapping with defaults: and channels:",
                            file=CHANNELS_FILE), CHANNELS_FILE, node.start_mark.line + 1,
                          t("run `campaignctl init` to get an example"), code="type")
    if problem is not None:
        _raise_config([problem])

    tree = _Tree(CHANNELS_FILE)
    marks: dict[str, Mark] = {}
    data = tree.values(node, marks)
    problems = list(tree.problems)
    if data is None:  # the walk gave up; its problem says why
        _raise_config(problems)
    spec: _ChannelsFile | None = None
    try:
        spec = _ChannelsFile.model_validate(data)
    except ValidationError as exc:
        problems += _problems_from(exc, CHANNELS_FILE, marks, tree.mark(node), _CHANNELS_KEYS)
    if spec is not None:
        problems += _blackout_order(spec.defaults.blackouts, "defaults.blackouts", marks,
                                    CHANNELS_FILE)
    if problems or spec is None:  # spec is None only with problems; the test is for mypy
        _raise_config(problems)

    tz = spec.defaults.timezone
    return Workspace(
        root=root,
        timezone=tz,
        blackouts=_blackouts(spec.defaults.blackouts, tz, "defaults.blackouts", marks),
        accounts={
            name: Account(name=name, platform=acc.platform, credentials=dict(acc.credentials),
                          sandbox=acc.sandbox, base_url=acc.base_url, options=dict(acc.options),
                          approval_required=acc.approval_required,
                          rate_limit=acc.rate_limit, mark=marks.get(f"channels.{name}"))
            for name, acc in spec.channels.items()
        },
        ledger_url=spec.ledger,
        catch_up_seconds=spec.defaults.catch_up,
        approval_required=spec.approvals.required,
        channels_file=path,
    )


def _raise_config(problems: list[Problem]) -> NoReturn:
    problems = sorted(problems, key=lambda p: p.line or 0)
    if len(problems) == 1:
        p = problems[0]
        err = ConfigError(p.message, p.hint, file=p.file, line=p.line)
    else:
        listing = "\n".join("  " + p.one_line() for p in problems)
        err = ConfigError(t("{count} problems in {file}:\n{listing}", count=len(problems),
                            file=CHANNELS_FILE, listing=listing),
                          t("fix each line above"), file=CHANNELS_FILE)
    err.problems = problems  # type: ignore[attr-defined]
    raise err


def _blackout_order(specs: list[BlackoutSpec], path: str, marks: dict[str, Mark],
                    file: str) -> list[Problem]:
    found = []
    for i, b in enumerate(specs):
        if _bound(b.end, end=True) < _bound(b.start, end=False):
            found.append(Problem(t("this blackout ends before it starts"), file,
                                 _line_of(marks, (*path.split("."), i, "end"), None),
                                 t("swap start and end"), code="blackout"))
    return found


def _bound(m: _Moment, *, end: bool) -> datetime:
    if not end or m.precision == "second":
        return m.value
    # An end written to the minute covers that whole minute; a bare date the whole day.
    return m.value + (timedelta(seconds=59) if m.precision == "minute"
                      else timedelta(days=1, seconds=-1))


def _blackouts(specs: list[BlackoutSpec], tz: str, path: str, marks: dict[str, Mark]
               ) -> list[Blackout]:
    zone = ZoneInfo(tz)
    return [Blackout(_bound(b.start, end=False).replace(tzinfo=zone),
                     _bound(b.end, end=True).replace(tzinfo=zone), b.reason,
                     marks.get(f"{path}.{i}"))
            for i, b in enumerate(specs)]


# --- campaign files --------------------------------------------------------------------------

@dataclass
class _Context:
    """What every campaign check needs from the workspace, computed once per load."""

    workspace: Workspace
    template_files: dict[Path, bool]
    template_answers: dict[tuple[str, tuple[str, ...]], Any]
    _template_names: list[str] | None = None

    def exists(self, path: Path) -> bool:
        found = self.template_files.get(path)
        if found is None:
            found = self.template_files[path] = path.is_file()
        return found

    def missing_templates(self, name: str, channels: list[str]
                          ) -> tuple[list[str], list[str]] | None:
        # Thousands of posts share a few (template, channels) pairs: answer each once.
        key = (name, tuple(channels))
        if key not in self.template_answers:
            self.template_answers[key] = _missing_templates(name, channels, self)
        return self.template_answers[key]

    def template_names(self) -> list[str]:
        """Every template name the workspace has (NAME.j2 files and NAME/ folders)."""
        if self._template_names is None:
            root = self.workspace.templates_dir
            found = set()
            if root.is_dir():
                for entry in root.iterdir():
                    if entry.is_dir() or entry.suffix == ".j2":
                        found.add(entry.stem if entry.is_file() else entry.name)
            self._template_names = sorted(found)
        return self._template_names


def load_campaigns(workspace: Workspace, files: list[Path] | None = None
                   ) -> tuple[list[Campaign], list[Problem]]:
    """Read and check campaign files (default: campaigns/*.yaml and *.yml, sorted).

    Returns the campaigns without errors, and every problem of every file at once.
    """
    if files is None:
        folder = workspace.campaigns_dir
        files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    ctx = _Context(workspace, {}, {})
    campaigns: list[Campaign] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in files:
        with bulk_allocation():
            campaign, found = _load_campaign(Path(path), ctx)
        if campaign is not None and campaign.id in seen:
            found.append(Problem(
                t("campaign id {id!r} is already used by {other}", id=campaign.id,
                  other=seen[campaign.id]),
                campaign.marks["campaign"].file, campaign.marks["campaign"].line,
                t("give each campaign its own id"), code="duplicate"))
        found.sort(key=lambda p: p.line or 0)
        problems += found
        if campaign is not None and not any(p.is_error for p in found):
            seen[campaign.id] = campaign.marks["campaign"].file
            campaigns.append(campaign)
    return campaigns, problems


def _display(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)


def _load_campaign(path: Path, ctx: _Context) -> tuple[Campaign | None, list[Problem]]:
    """One campaign file -> (the campaign if it could be built, its problems)."""
    file = _display(path, ctx.workspace.root)
    text, problem = _read(path, file)
    node = None
    if problem is None:
        node, problem = _compose(text or "", file)
    if problem is None and node is None:
        problem = Problem(t("the campaign file is empty"), file, 1,
                          t("start it with `campaign: my-campaign` and a `posts:` list"),
                          code="empty")
    if problem is None and node.__class__ is not MappingNode:
        problem = Problem(t("a campaign file must be a mapping (campaign:, posts:, ...)"), file,
                          node.start_mark.line + 1,
                          t("start it with `campaign: my-campaign` and a `posts:` list"),
                          code="type")
    if problem is not None:
        return None, [problem]

    tree = _Tree(file, split="posts")
    marks: dict[str, Mark] = {}
    data = tree.values(node, marks)
    top = tree.mark(node)
    problems = list(tree.problems)
    if data is None:  # the walk gave up; its problem says why
        return None, problems

    head: _CampaignHead | None = None
    try:
        head = _CampaignHead.model_validate(data)
    except ValidationError as exc:
        problems += _problems_from(exc, file, marks, top, _CAMPAIGN_KEYS)

    # Even when the head is broken, check every post: users want all problems at once.
    raw_channels = data.get("channels") if head is None else head.channels
    campaign_channels = (raw_channels if isinstance(raw_channels, list)
                         and all(isinstance(c, str) for c in raw_channels) else None)
    accounts = ctx.workspace.accounts
    if head is not None and head.channels is not None:
        for i, name in enumerate(head.channels):
            if name not in accounts:
                problems.append(_unknown_channel(name, file, marks, f"channels.{i}", top, accounts))
    if head is not None:
        problems += _blackout_order(head.blackouts, "blackouts", marks, file)

    posts: list[Post] = []
    ids: dict[str, int] = {}
    for i, (item_mark, post_marks) in enumerate(tree.items):
        post, found = _load_post(data["posts"][i], item_mark, post_marks, campaign_channels,
                                 head is not None, ctx, file, i)
        problems += found
        if post is None:
            continue
        if post.id in ids:
            problems.append(Problem(
                t("post id {id!r} is used twice in this campaign", id=post.id), file,
                post.mark_of("id").line, t("give each post its own id (first at line {line})",
                                           line=ids[post.id]), code="duplicate"))
        else:
            ids[post.id] = post.mark_of("id").line
        posts.append(post)

    if head is None:
        return None, problems
    if not head.posts:
        problems.append(Problem(t("this campaign has no posts"), file,
                                _line_of(marks, ("posts",), top),
                                t("add at least one entry under `posts:`"),
                                severity="warning", code="empty"))
    tz = head.timezone or ctx.workspace.timezone
    campaign = Campaign(
        id=head.campaign, name=head.name or head.campaign, timezone=tz,
        channels=list(head.channels or []), posts=posts, vars=head.vars,
        blackouts=_blackouts(head.blackouts, tz, "blackouts", marks), path=path,
        mark=top, marks=marks,
    )
    return campaign, problems


def _unknown_channel(name: str, file: str, marks: dict[str, Mark], key: str,
                     default: Mark | None, accounts: dict[str, Account]) -> Problem:
    choices = sorted(accounts)
    fallback = (t("channels in channels.yaml: {names}", names=", ".join(choices)) if choices
                else t("define it under `channels:` in channels.yaml"))
    return Problem(t("unknown channel {name!r}: it is not in channels.yaml", name=_show(name)),
                   file, _line_of(marks, tuple(key.split(".")), default),
                   _did_you_mean(name, choices, fallback), code="unknown-channel")


def _load_post(raw: Any, item_mark: Mark, marks: dict[str, Mark],
               campaign_channels: list[str] | None, head_ok: bool, ctx: _Context, file: str,
               index: int) -> tuple[Post | None, list[Problem]]:
    """One item of ``posts:`` -> (the Post if its shape is valid, its problems)."""
    try:
        spec = PostSpec.model_validate(raw)
    except ValidationError as exc:
        label = raw.get("id") if isinstance(raw, dict) else None
        prefix = (f"post {label}: " if isinstance(label, str) else f"posts.{index}: ")
        return None, _problems_from(exc, file, marks, item_mark, _POST_KEYS, prefix)

    problems: list[Problem] = []

    def add(message: str, key: str | None, hint: str, code: str = "invalid",
            severity: str = "error") -> None:
        mark = marks.get(key) if key else None
        problems.append(Problem(t("post {id}: {message}", id=spec.id, message=message), file,
                                (mark or item_mark).line, hint, severity=severity, code=code))

    if spec.at is not None and spec.every is not None:
        add(t("has both `at` and `every`"), "every",
            t("keep `at` for one time or `every` for a repeating post"), "schedule")
    elif spec.at is None and spec.every is None:
        add(t("has no time"), None,
            t("add `at: 2026-12-01 09:00` or `every: \"0 9 * * mon\"`"), "schedule")
    if spec.every is None:
        for key in ("from", "until"):
            if key in marks:
                add(t("`{key}` only applies to `every`", key=key), key,
                    t("remove it, or make the post recurring with `every`"), "schedule")
    if spec.from_ and spec.until and spec.until < spec.from_:
        add(t("`until` ({until}) is before `from` ({start})", until=spec.until,
              start=spec.from_), "until", t("swap them"), "schedule")

    if spec.template is not None and spec.text is not None:
        add(t("has both `template` and `text`"), "text",
            t("keep one: a template name or inline text"), "content")
    elif spec.template is None and spec.text is None:
        add(t("has no content"), None,
            t("add `template: NAME` (templates/NAME.j2) or inline `text:`"), "content")

    accounts = ctx.workspace.accounts
    if spec.channels is not None:
        if not spec.channels:
            add(t("`channels` is empty"), "channels",
                t("list at least one channel, or remove the key to use the campaign's"))
        for i, name in enumerate(spec.channels):
            if name not in accounts:
                problems.append(_unknown_channel(name, file, marks, f"channels.{i}", item_mark,
                                                 accounts))
    channels = spec.channels if spec.channels is not None else campaign_channels
    if channels is None and head_ok:
        add(t("has no channels"), None,
            t("add `channels:` to the campaign or to this post"))
    known = [c for c in channels or [] if c in accounts]

    if spec.template is not None:
        missing = ctx.missing_templates(spec.template, known)
        if missing:
            lacking, looked = missing
            create = t("create one of: {paths}", paths=", ".join(looked))
            names = ctx.template_names()
            if spec.template not in names or not lacking:
                if spec.template not in names:  # nothing by that name at all: likely a typo
                    create = _did_you_mean(spec.template, names, create)
                add(t("template {name!r} not found", name=spec.template), "template", create,
                    "template")
            else:
                add(t("no template file for {channels}", channels=", ".join(lacking)),
                    "template", create, "template")

    targets = {accounts[c].platform for c in known}
    all_platforms = platforms()
    for platform, fields in spec.options.items():
        key = f"options.{platform}"
        if platform not in all_platforms:
            add(t("unknown platform {name!r} under options", name=_show(platform)), key,
                _did_you_mean(platform, all_platforms,
                              t("use one of: {choices}", choices=", ".join(all_platforms))),
                "unknown-key")
            continue
        allowed = limits_for(platform).option_fields
        for name in fields:
            if name not in allowed:
                add(t("unknown {platform} option {name!r}", platform=platform,
                      name=_show(name)), f"{key}.{name}",
                    _did_you_mean(name, allowed, t("allowed: {keys}", keys=", ".join(allowed))),
                    "unknown-key")
        if known and platform not in targets:
            add(t("has {platform} options but no {platform} channel", platform=platform), key,
                t("add a {platform} channel or remove these options", platform=platform),
                "options", severity="warning")

    post = Post(
        id=spec.id, template=spec.template, text=spec.text, at=spec.at, every=spec.every,
        from_date=spec.from_, until_date=spec.until, channels=spec.channels, vars=spec.vars,
        media=[Media(path=Path(m.path), alt=m.alt, mark=marks.get(f"media.{i}"))
               for i, m in enumerate(spec.media)],
        options=spec.options, priority=spec.priority, mark=item_mark, marks=marks,
    )
    return post, problems


def _missing_templates(name: str, channels: list[str], ctx: _Context
                       ) -> tuple[list[str], list[str]] | None:
    """(channels without a file, paths looked for), or None when every channel has one.

    A channel's file is templates/NAME/<account>.j2, then templates/NAME/<platform>.j2,
    then templates/NAME.j2. With no known channel, templates/NAME.j2 must exist.
    """
    root = ctx.workspace.templates_dir
    shared = root / f"{name}.j2"
    if not channels:
        return None if ctx.exists(shared) else ([], [_rel(shared, ctx)])
    lacking: list[str] = []
    looked: list[str] = []
    for channel in channels:
        platform = ctx.workspace.accounts[channel].platform
        candidates = [root / name / f"{channel}.j2"]
        if platform != channel:
            candidates.append(root / name / f"{platform}.j2")
        candidates.append(shared)
        if not any(ctx.exists(c) for c in candidates):
            lacking.append(channel)
            looked += [r for c in candidates if (r := _rel(c, ctx)) not in looked]
    return (lacking, looked) if lacking else None


def _rel(path: Path, ctx: _Context) -> str:
    return _display(path, ctx.workspace.root)


# --- JSON Schema ----------------------------------------------------------------------------

def campaign_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a campaign file, for editors (yaml-language-server)."""
    schema = CampaignFile.model_json_schema(by_alias=True)
    options = {}
    for platform in platforms():
        fields = limits_for(platform).option_fields
        options[platform] = {"type": "object", "properties": {f: {} for f in fields},
                             "additionalProperties": False}
    post = schema["$defs"]["PostSpec"]
    post["properties"]["options"] = {
        "type": "object", "properties": options, "additionalProperties": False,
        "description": "Per-platform fields.",
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema, "title": "campaignctl campaign"}


def channels_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of channels.yaml, for editors (yaml-language-server)."""
    schema = _ChannelsFile.model_json_schema(by_alias=True)
    schema["$defs"]["_AccountSpec"]["properties"]["platform"]["enum"] = list(platforms())
    schema["properties"]["channels"]["propertyNames"] = {"pattern": _ACCOUNT_RE.pattern}
    schema["$defs"]["_Defaults"]["properties"]["catch_up"]["default"] = "1h"  # 3600 s, as written
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **schema, "title": "campaignctl channels.yaml"}
