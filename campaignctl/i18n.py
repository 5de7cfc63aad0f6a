"""User-facing messages in English and Bahasa Indonesia.

Write every message a user reads as ``t("English text with {fields}", field=value)``.
The English text is the key; ``locales_id.py`` maps it to Indonesian. A message with no
translation falls back to English, so adding a message never breaks the other language.
The language comes from ``--lang``, else CAMPAIGNCTL_LANG, else the locale (LC_ALL,
LC_MESSAGES, LANG): ``id_ID.UTF-8`` gives Indonesian, anything else English.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "id")
_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Fix the language for this process (from --lang); None returns to the environment's."""
    global _chosen
    _chosen = lang if lang in LANGUAGES else None


def language() -> str:
    if _chosen:
        return _chosen
    for var in ("CAMPAIGNCTL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "id" if value.lower().startswith(("id", "in_")) else "en"
    return "en"


def t(message: str, /, **fields: object) -> str:
    """The message in the current language, with ``fields`` filled in."""
    if language() == "id":
        from .locales_id import MESSAGES

        message = MESSAGES.get(message, message)
    return message.format(**fields) if fields else message
