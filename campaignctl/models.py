"""The types the rest of campaignctl passes around. No I/O here, and no imports of ours
but errors.

Campaign files are validated in config/ and turned into these plain dataclasses;
schedule.py turns a Campaign into Occurrences; render.py turns an (Occurrence,
channel) into a RenderedPost; channels/* publish a RenderedPost and return a
Published.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any

PLATFORMS = ("x", "facebook", "youtube", "tiktok")


# The words below are data: the ledger stores them and code compares them, whatever language
# the user reads. Each is also shown through t(value), so each value is a message id too
# (scripts/i18n_extract.py reads these classes for the catalog). Members compare equal to
# their strings, so code and rows holding the bare strings keep working.


class OccurrenceState(StrEnum):
    """Where one (occurrence, channel) stands: the plan's two states, then the ledger's."""

    SCHEDULED = "scheduled"  # plan: due and allowed
    SKIPPED = "skipped"  # plan or ledger: not sent on purpose (blackout, pause, retracted ...)
    PENDING = "pending"
    SENDING = "sending"
    PUBLISHED = "published"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the request may have reached the platform; reconcile decides
    RETRACTED = "retracted"  # was published, then deleted by `retract`


class PublishOutcome(StrEnum):
    """What one run did with one (occurrence, channel)."""

    PUBLISHED = "published"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNKNOWN = "unknown"
    ALREADY_DONE = "already-done"
    IN_PROGRESS = "in-progress"  # another live run holds the claim
    WOULD_SEND = "would-send"  # dry run


class RetractOutcome(StrEnum):
    """What `retract` did about one published copy."""

    DELETING = "deleting"  # stored before the delete request, so a crash leaves a trace
    DELETED = "deleted"
    MANUAL = "manual"  # the channel cannot delete it; the message says how, by hand
    FAILED = "failed"
    IN_FLIGHT = "in-flight"  # sending or unknown: reconcile, then retract again


class ReconcileOutcome(StrEnum):
    """What reconcile found on the platform for a send whose outcome was unknown."""

    FOUND = "found"  # it went out: the ids are stored, never resent
    NOT_FOUND = "not-found"  # it never arrived: sent again


class ApprovalState(StrEnum):
    """The approval of one (occurrence, channel)."""

    APPROVED = "approved"
    VOID = "void"  # approved once, but the content has changed since
    MISSING = "missing"


class AuditAction(StrEnum):
    """The kind of an audit-log entry."""

    STATE = "state"  # written by the ledger's triggers
    PAUSE = "pause"
    RESUME = "resume"
    APPROVE = "approve"
    EMERGENCY = "emergency"
    ANNOUNCE = "announce"
    RETRACT = "retract"
    SANDBOX_RESET = "sandbox-reset"  # `sandbox reset` emptied the sandbox and its rows
    RETARGET = "retarget"  # a migration found that an older row was a sandbox send


class Target(StrEnum):
    """Where a send went: the sandbox's emulators, or the real platform."""

    LIVE = "live"
    SANDBOX = "sandbox"


# A sandbox send's ledger row is the occurrence key plus this, so a rehearsal and the live
# send of one occurrence are two rows: neither makes the other already done.
SANDBOX_KEY_SUFFIX = "#sandbox"


# What a template reads besides the vars (which it also reads by bare name: `{{ hotline }}` is
# `{{ vars.hotline }}`), our filters, and Jinja's own globals: a var cannot take these names.
TEMPLATE_NAMESPACES = ("campaign", "post", "channel", "when", "vars")
TEMPLATE_FILTERS = ("utm", "date_long", "date_short", "time")
JINJA_GLOBALS = ("range", "lipsum", "dict", "cycler", "joiner", "namespace", "loop")
RESERVED_VAR_NAMES = frozenset(TEMPLATE_NAMESPACES + TEMPLATE_FILTERS + JINJA_GLOBALS)


# The skip reason of a post that needs an approval nobody gave (data, like every skip reason:
# the ledger keeps it and code reads it, whatever language the user reads).
NOT_APPROVED = "not approved"


# Plain strings, as they always were, for the modules that import these two names.
SCHEDULED: str = OccurrenceState.SCHEDULED.value
SKIPPED: str = OccurrenceState.SKIPPED.value


@dataclass(frozen=True)
class Mark:
    """Where a value came from: the file and 1-based line, for error messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Media:
    """A picture or video attached to a post. ``path`` is resolved against the workspace."""

    path: Path
    alt: str | None = None
    mark: Mark | None = None
    kind: str | None = None  # "image" | "gif" | "video", read from the file's content
    mime: str | None = None


@dataclass(frozen=True)
class Blackout:
    """A window (aware datetimes, inclusive) in which nothing is posted."""

    start: datetime
    end: datetime
    reason: str
    mark: Mark | None = None

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant <= self.end


@dataclass
class Post:
    """One entry of a campaign's ``posts:`` list, as written (times are local, naive)."""

    id: str
    template: str | None = None
    text: str | None = None
    at: datetime | None = None  # naive, local to the campaign's timezone
    every: str | None = None  # 5-field cron, local
    from_date: date | None = None  # inclusive local dates bounding `every`
    until_date: date | None = None
    channels: list[str] | None = None  # overrides the campaign's list
    vars: dict[str, Any] = field(default_factory=dict)
    media: list[Media] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # per platform
    priority: str = "normal"  # "normal" | "emergency"
    mark: Mark | None = None
    # Marks of individual fields ("at", "text", "media.0.alt", ...) for precise errors.
    marks: dict[str, Mark] = field(default_factory=dict)

    def mark_of(self, key: str) -> Mark | None:
        return self.marks.get(key) or self.mark


@dataclass
class Campaign:
    id: str
    name: str
    timezone: str
    channels: list[str]
    posts: list[Post]
    vars: dict[str, Any] = field(default_factory=dict)
    blackouts: list[Blackout] = field(default_factory=list)
    path: Path | None = None
    mark: Mark | None = None
    marks: dict[str, Mark] = field(default_factory=dict)

    def post(self, post_id: str) -> Post | None:
        return next((p for p in self.posts if p.id == post_id), None)

    def channels_for(self, post: Post) -> list[str]:
        return list(post.channels if post.channels is not None else self.channels)


@dataclass
class Account:
    """A named channel account from channels.yaml. ``credentials`` holds references only."""

    name: str
    platform: str
    credentials: dict[str, str] = field(default_factory=dict)  # "${ENV}" / "keyring:..."
    sandbox: bool = False
    base_url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # e.g. page_id, graph_version
    approval_required: bool | None = None
    # (requests, window seconds) when the account's tier differs from the channel's default
    rate_limit: tuple[int, int] | None = None
    mark: Mark | None = None


@dataclass
class Workspace:
    """The folder holding channels.yaml, campaigns/, templates/ and media/."""

    root: Path
    timezone: str = "UTC"
    blackouts: list[Blackout] = field(default_factory=list)
    accounts: dict[str, Account] = field(default_factory=dict)
    ledger_url: str | None = None
    catch_up_seconds: int = 3600
    approval_required: bool = False
    channels_file: Path | None = None

    def needs_approval(self, name: str) -> bool:
        """True when posts on the account ``name`` need approval (its own setting, else the
        workspace's)."""
        account = self.accounts.get(name)
        if account is not None and account.approval_required is not None:
            return account.approval_required
        return self.approval_required

    def target_of(self, name: str, force_sandbox: bool = False) -> Target:
        """Where the account ``name``'s posts go: the sandbox when every account is sent
        there (``--sandbox``, ``--rehearse``, ``--sandbox-url``) or it says `sandbox: true`;
        else live (the rule channels.channel_for routes by)."""
        account = self.accounts.get(name)
        if force_sandbox or (account is not None and account.sandbox):
            return Target.SANDBOX
        return Target.LIVE

    @property
    def campaigns_dir(self) -> Path:
        return self.root / "campaigns"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def state_dir(self) -> Path:
        return self.root / ".campaignctl"


@dataclass(frozen=True)
class Occurrence:
    """One due instant of one post (before it is split per channel)."""

    campaign: str
    post: str
    at: datetime  # aware, in the campaign's timezone
    status: str = SCHEDULED  # SCHEDULED | SKIPPED
    reason: str | None = None

    @property
    def at_utc(self) -> datetime:
        return self.at.astimezone(timezone.utc)


def occurrence_key(campaign: str, post: str, at: datetime, channel: str) -> str:
    """The idempotency key: stable across file renames and text edits."""
    instant = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{campaign}/{post}/{instant}/{channel}"


def row_key(key: str, target: str) -> str:
    """The ledger row of an occurrence key on one target: the key itself when live."""
    return key + SANDBOX_KEY_SUFFIX if target == Target.SANDBOX else key


def key_target(key: str) -> Target:
    """The target a ledger row key (or an audit row's key) belongs to."""
    return Target.SANDBOX if key.endswith(SANDBOX_KEY_SUFFIX) else Target.LIVE


def occurrence_of(key: str) -> str:
    """The target-free occurrence key of a ledger row key."""
    return key.removesuffix(SANDBOX_KEY_SUFFIX)


@dataclass
class RenderedPost:
    """What goes out on one channel for one occurrence, exactly."""

    campaign: str
    post: str
    channel: str  # account name from channels.yaml
    platform: str
    at: datetime  # aware
    parts: list[str]  # thread parts for X; exactly one element elsewhere
    media: list[Media] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)  # this platform's fields, rendered
    template_file: str | None = None
    priority: str = "normal"

    @property
    def text(self) -> str:
        return "\n---\n".join(self.parts)

    @property
    def key(self) -> str:
        return occurrence_key(self.campaign, self.post, self.at, self.channel)

    def payload(self) -> dict[str, Any]:
        """A JSON-able description of the post: what the ledger archives and `--json` shows."""
        return {
            "campaign": self.campaign,
            "post": self.post,
            "channel": self.channel,
            "platform": self.platform,
            "at": self.at.isoformat(),
            "parts": list(self.parts),
            "media": [
                {"path": str(m.path), "alt": m.alt, "kind": m.kind, "mime": m.mime}
                for m in self.media
            ],
            "options": self.options,
        }

    def content_hash(self) -> str:
        """A hash of the exact content (text, media, fields) for approvals and edits."""
        body = {k: v for k, v in self.payload().items() if k != "at"}
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class PlanEntry:
    """One (occurrence, channel) on the timeline: what `plan` shows and `publish` consumes."""

    campaign: str
    post: str
    channel: str  # account name
    platform: str
    at: datetime  # aware, campaign time zone
    status: str = SCHEDULED  # SCHEDULED | SKIPPED
    reason: str | None = None
    rendered: RenderedPost | None = None  # filled for scheduled entries
    priority: str = "normal"
    target: str = Target.LIVE  # where the Publisher sends it; set by the Publisher

    @property
    def key(self) -> str:
        """The occurrence key, whatever the target: approvals and the plan use it."""
        return occurrence_key(self.campaign, self.post, self.at, self.channel)

    @property
    def row_key(self) -> str:
        """The key of this entry's ledger row on its target."""
        return row_key(self.key, self.target)


@dataclass
class Published:
    """What a platform gave back for a published post."""

    platform_id: str  # the first (or only) post's id
    url: str | None = None
    ids: list[str] = field(default_factory=list)  # every id (thread parts, photos)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Metrics:
    """One snapshot of one post's numbers; ``gap`` explains missing numbers instead of zeros."""

    platform_id: str
    values: dict[str, int] = field(default_factory=dict)
    gap: str | None = None
