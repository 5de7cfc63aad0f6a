"""pydantic errors -> one-line Problems: file:line, what is wrong, what to do."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..errors import Problem
from ..i18n import t
from ..models import Mark
from .marks import _line_of
from .values import _did_you_mean, _show

_KINDS = {
    "string_type": "text (a string)", "list_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
    "bool_type": "true or false", "int_type": "a whole number", "float_type": "a number",
}


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
