"""Every error campaignctl raises on purpose.

Library code raises these and never prints; the CLI's one handler (``cli/_handler.py``)
turns each into one line (file:line, what is wrong, what to do) and an exit code.

    CampaignctlError                 message + hint; exit 2 unless said otherwise
    ├── UsageError                   a bad flag or argument, or a name (campaign, post,
    │                                channel) the workspace does not have
    ├── ConfigError                  channels.yaml or the workspace is unusable, or an
    │                                account's options are wrong for its platform
    ├── ValidationFailed             campaign problems found (exit 1); carries every Problem
    ├── CredentialError              a secret reference cannot be resolved, or a login has
    │                                no token store to keep its tokens in
    ├── LedgerError                  the ledger database cannot be opened, migrated or written
    ├── RenderError                  a post cannot be rendered; carries the Problem that
    │                                locates it (template file:line or YAML mark)
    └── ChannelError                 a platform call failed; the publisher acts on the subclass
        ├── AuthError                token missing, expired or revoked, or a login refused:
        │                            a person must act
        ├── RateLimited              the platform says slow down; retry after ``retry_at``
        ├── Rejected                 the platform refused the content: never retried
        ├── TransientError           network error or 5xx before anything applied: retried
        ├── UnknownOutcome           the request may have been applied: reconcile first
        └── NotSupported             the platform has no API for this (e.g. TikTok delete)

``Problem`` is not an exception: it is one located finding, carried by ValidationFailed and
RenderError and listed by ``validate``.

Messages must never contain a secret value; channel code builds them from the
platform's reply, which never echoes tokens back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple


def _english(word: str) -> str:
    return word


# How the labels "error" and "warning" read in the user's language. errors.py imports
# nothing of ours, so the CLI hands its translator in (cli/__init__.py); without one they
# stay English.
_label: Callable[[str], str] = _english


def translate_labels(translator: Callable[[str], str]) -> None:
    """Show the severity labels of every one_line() through ``translator`` (i18n.t)."""
    global _label
    _label = translator


# A NamedTuple, not a frozen dataclass: every command imports this module, and building a
# dataclass costs about 0.7 ms of campaignctl's start-up (benchmarks/bench_startup.py).
class Problem(NamedTuple):
    """One thing wrong with the user's input, located as precisely as we can (immutable;
    ``problem._replace(message=...)`` for a changed copy)."""

    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"
    code: str = "invalid"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "-"

    def one_line(self) -> str:
        """file:line: severity: message (hint) — the form users see."""
        text = f"{self.location()}: {_label(self.severity)}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class CampaignctlError(Exception):
    """Base of every deliberate error; ``hint`` says what to do about it."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None, *, file: str | None = None,
                 line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{_label('error')}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class UsageError(CampaignctlError):
    """A bad command-line flag or argument."""


class ConfigError(CampaignctlError):
    """channels.yaml or the workspace layout cannot be used."""


class ValidationFailed(CampaignctlError):
    """Campaign files have problems; every one is listed at once."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{len(errors)} problem(s) found")
        self.problems = problems


class CredentialError(CampaignctlError):
    """A credential reference (${ENV}, .env, keyring) cannot be resolved."""


class LedgerError(CampaignctlError):
    """The ledger database cannot be opened, migrated or written."""


class RenderError(CampaignctlError):
    """A post cannot be rendered; ``problem`` locates it (template file:line or YAML mark)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message, problem.hint, file=problem.file, line=problem.line)
        self.problem = problem


class ChannelError(CampaignctlError):
    """A call to a platform failed. ``channel`` names the account."""

    retryable = False

    def __init__(self, message: str, hint: str | None = None, *, channel: str | None = None,
                 status: int | None = None, platform_code: str | None = None) -> None:
        super().__init__(message, hint)
        self.channel = channel
        self.status = status
        self.platform_code = platform_code

    def one_line(self) -> str:
        prefix = f"{self.channel}: " if self.channel else ""
        text = f"{prefix}{type(self).__name__}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class AuthError(ChannelError):
    """The token is missing, expired or revoked; a person must log in again."""


class RateLimited(ChannelError):
    """The platform says slow down; ``retry_at`` is when it allows the next call."""

    retryable = True

    def __init__(self, message: str, hint: str | None = None, *, retry_at: datetime | None = None,
                 **kw) -> None:
        super().__init__(message, hint, **kw)
        self.retry_at = retry_at


class Rejected(ChannelError):
    """The platform refused this content (duplicate, too long, policy); never retried."""


class TransientError(ChannelError):
    """A network error or a 5xx before anything was applied; safe to retry."""

    retryable = True


class UnknownOutcome(ChannelError):
    """The request may have reached the platform (timeout after send, crash)."""


class NotSupported(ChannelError):
    """The platform has no API for this (TikTok cannot delete posts)."""
