"""User-facing messages in English and every language with a catalog.

Write every message a user reads as ``t("English text with {fields}", field=value)``, and
one that shows a count as ``tn("{count} post", "{count} posts", n)``. The English text is
the msgid of a gettext catalog: locale/<lang>/LC_MESSAGES/campaignctl.po, one per language,
found by listing locale/ (docs/translating.md). A message with no translation falls back to
English, so adding a message never breaks another language. The language comes from
``--lang``, else CAMPAIGNCTL_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG):
``id_ID.UTF-8`` gives Indonesian, a locale with no catalog English.

A catalog is parsed on the first message in its language and kept for the process, so an
English run never reads one, nor imports Babel's catalog reader.

Numbers, percentages and dates shown to people go through ``number``, ``percent`` and
``local_time`` (and a time of day in a Babel pattern through ``time_pattern``): Indonesian
reads 3.521.187, 8,29% and 03 Des 09.00, English what Python writes.
"""

from __future__ import annotations

import copy
import gettext
import os
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "campaignctl"
SOURCE_LANGUAGE = "en"  # the msgids' language: it needs no catalog


def _catalog_path(lang: str, locale_dir: Path | None = None) -> Path:
    return (locale_dir or LOCALE_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def discover(locale_dir: Path | None = None) -> tuple[str, ...]:
    """English, then every language with a catalog under ``locale_dir``, by folder name."""
    folder = locale_dir or LOCALE_DIR
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    found = [n for n in names
             if n != SOURCE_LANGUAGE and _catalog_path(n, folder).is_file()]
    return (SOURCE_LANGUAGE, *found)


LANGUAGES = discover()
_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Fix the language for this process (from --lang); None returns to the environment's."""
    global _chosen
    _chosen = lang if lang in LANGUAGES else None


@cache
def _from_locale(value: str, languages: tuple[str, ...]) -> str:
    """The language a locale name (``id_ID.UTF-8``, ``pt_BR``, ``C``) asks for."""
    value = value.lower()
    if value.startswith("in_"):  # Indonesian's old ISO 639 code, still found in locales
        value = "id" + value[2:]
    for lang in sorted(languages, key=len, reverse=True):  # pt_BR before pt
        if value.startswith(lang.lower()):
            return lang
    return SOURCE_LANGUAGE


def language() -> str:
    """The language messages are shown in now."""
    if _chosen:
        return _chosen
    for var in ("CAMPAIGNCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return _from_locale(value, LANGUAGES)
    return SOURCE_LANGUAGE


class Catalog(NamedTuple):  # not a dataclass: this module is imported at every start
    """One language's translations, as read from its .po."""

    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]  # by the singular msgid
    plural_index: Callable[[int], int]  # the .po's Plural-Forms, as gettext evaluates it


@cache
def load(path: Path) -> Catalog:
    """The translations in one .po; untranslated and fuzzy entries are left out, as gettext
    leaves them out (a fuzzy entry is a translator's guess, not yet confirmed)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        po = read_po(f)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for m in po:
        if not m.id or m.fuzzy or not m.string:
            continue
        if isinstance(m.id, str):
            messages[m.id] = str(m.string)
        elif all(m.string):
            plurals[m.id[0]] = tuple(m.string)
    return Catalog(messages, plurals, gettext.c2py(po.plural_expr))


@cache
def _catalog_of(lang: str, locale_dir: Path) -> Catalog:
    return load(_catalog_path(lang, locale_dir))


def _catalog() -> Catalog | None:
    lang = language()
    return None if lang == SOURCE_LANGUAGE else _catalog_of(lang, LOCALE_DIR)


def t(message: str, /, **fields: object) -> str:
    """The message in the current language, with ``fields`` filled in."""
    catalog = _catalog()
    if catalog is not None:
        message = catalog.messages.get(message, message)
    return message.format(**fields) if fields else message


def tn(singular: str, plural: str, count: int, /, **fields: object) -> str:
    """The form of a message that fits ``count``, with ``{count}`` and ``fields`` filled in."""
    catalog = _catalog()
    forms = catalog.plurals.get(singular) if catalog is not None else None
    if forms and catalog is not None:
        index = catalog.plural_index(count)
        message = forms[index] if index < len(forms) else forms[-1]
    else:
        message = singular if count == 1 else plural
    return message.format(**{"count": count, **fields})


# --- numbers and dates ------------------------------------------------------------------
# English keeps Python's own formatting (and never imports Babel for it); every other
# language is written by Babel in the locale named by its code (id, pt_BR), so a new
# language needs nothing but its .po.


@cache
def _locale(lang: str) -> Any:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):  # a catalog named unlike any locale
        return Locale.parse(SOURCE_LANGUAGE)


def number(value: float, decimals: int = 0) -> str:
    """``value`` with its thousands grouped and ``decimals`` places, as the current
    language writes it: 3,521,187 and 1,234.5 in English, 3.521.187 and 1.234,5 in
    Indonesian."""
    lang = language()
    if lang == SOURCE_LANGUAGE:
        return f"{value:,}" if isinstance(value, int) and not decimals else \
            f"{value:,.{decimals}f}"
    return _decimal_pattern(lang, "decimal", decimals).apply(_rounded(value, decimals),
                                                             _locale(lang))


def percent(fraction: float, decimals: int = 2) -> str:
    """A fraction as a percentage with ``decimals`` places: 8.29% in English, 8,29% in
    Indonesian."""
    lang = language()
    if lang == SOURCE_LANGUAGE:
        return f"{fraction * 100:.{decimals}f}%"
    return _decimal_pattern(lang, "percent", decimals).apply(
        _rounded(fraction * 100, decimals), _locale(lang))


def decimal_sign() -> str:
    """The decimal separator of the current language: "." in English, "," in Indonesian."""
    lang = language()
    if lang == SOURCE_LANGUAGE:
        return "."
    from babel.numbers import get_decimal_symbol

    return str(get_decimal_symbol(_locale(lang)))


def _rounded(value: float, decimals: int) -> str:
    # rounded as English rounds it, so both languages show the same digits (Babel reads
    # the text as a decimal, exactly)
    return str(value) if isinstance(value, int) else f"{value:.{decimals}f}"


@cache
def _decimal_pattern(lang: str, kind: str, decimals: int) -> Any:
    """The locale's own number (or percent) pattern, with exactly ``decimals`` places; a
    percentage is given already times 100."""
    from babel.numbers import parse_pattern

    formats = _locale(lang).decimal_formats if kind == "decimal" else \
        _locale(lang).percent_formats
    pattern = copy.copy(parse_pattern(formats[None]))
    pattern.frac_prec = (decimals, decimals)
    pattern.scale = 0
    return pattern


def local_time(moment: date | datetime, english: str, pattern: str) -> str:
    """A date or date-time as the current language writes it: the strftime format
    ``english`` in English; else the CLDR ``pattern``, where ``{time}`` is the locale's
    own short time (09.00 in Indonesian) and ``{zone}`` the zone's abbreviation (WITA)."""
    lang = language()
    if lang == SOURCE_LANGUAGE:
        return moment.strftime(english)
    from babel.dates import format_date, format_datetime

    locale = _locale(lang)
    pattern = time_pattern(pattern)

    def cldr(piece: str) -> str:
        if not piece:
            return ""
        if isinstance(moment, datetime):
            return str(format_datetime(moment, piece, locale=locale))
        return str(format_date(moment, piece, locale=locale))

    return moment.strftime("%Z").join(cldr(piece) for piece in pattern.split("{zone}"))


def time_pattern(pattern: str) -> str:
    """A CLDR date-time pattern with ``{time}`` as the current language writes a time of
    day: HH:mm in English, HH.mm in Indonesian."""
    lang = language()
    if lang == SOURCE_LANGUAGE:
        return pattern.replace("{time}", "HH:mm")
    return pattern.replace("{time}", _locale(lang).time_formats["short"].pattern)


def babel_locale() -> str:
    """The Babel locale of the current language (its code: en, id, pt_BR)."""
    return str(_locale(language()))
