"""Bahasa Indonesia for the messages in i18n.t(); the English text is the key."""

MESSAGES: dict[str, str] = {}
