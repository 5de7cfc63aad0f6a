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
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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


@dataclass(frozen=True)
class Catalog:
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
