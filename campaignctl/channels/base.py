"""The one interface every platform adapter implements, and the limits it declares as data.

A channel module may import its platform SDK only inside methods (never at module
level): rules.py reads ``limits`` on the offline path, which must stay free of SDKs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

from ..models import Account, Metrics, Published, RenderedPost
from .credentials import SecretSource

DEFAULT_SANDBOX_URL = "http://127.0.0.1:8765"


@dataclass(frozen=True)
class Limits:
    """What a platform accepts and how fast; rules.py and the publisher enforce these."""

    text_max: int  # per post (per thread part where ``thread``)
    text_counter: str = "chars"  # "twitter" (weighted), "chars", "utf16", "bytes"
    thread: bool = False  # an X-style reply chain is allowed
    max_images: int = 0
    max_videos: int = 0
    mix_images_and_video: bool = False
    requires_video: bool = False
    alt_text_max: int | None = None
    # Video length in seconds (None: no bound). Above ``max_video_seconds_unverified`` a
    # video needs a verified account (YouTube's 15 minutes): a warning, not an error.
    min_video_seconds: float | None = None
    max_video_seconds: float | None = None
    max_video_seconds_unverified: float | None = None
    # File size in bytes (None: no bound). Adapters write them in binary units, as the
    # sandboxes count: 1 MB = 1024 * 1024 bytes, 1 GB = 1024 MB. A GIF is held to
    # ``max_gif_bytes`` where the platform has one (X), else to the picture limits.
    # ``image_bytes_warn`` is a recommendation (Facebook's 4 MB): above it a warning, above
    # ``max_image_bytes`` an error. ``max_thumbnail_bytes`` bounds the file named by the
    # ``thumbnail`` option (YouTube).
    max_image_bytes: int | None = None
    image_bytes_warn: int | None = None
    max_gif_bytes: int | None = None
    max_video_bytes: int | None = None
    max_thumbnail_bytes: int | None = None
    # Throttling: calls allowed per window for the publish path, and how many at once.
    requests_per_window: int = 100
    window_seconds: int = 900
    max_concurrency: int = 4
    metrics_batch: int = 100  # ids per metrics call
    can_delete: bool = True
    option_fields: tuple[str, ...] = ()  # allowed keys under post.options.<platform>


@dataclass
class CheckReport:
    """`channels check`: what the credential may do, one line for users."""

    ok: bool
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """Why the platform would refuse a post, judged offline from what ``check()`` learned."""

    message: str
    hint: str | None = None
    option: str | None = None  # the post option (options.<platform>.<option>) at fault


Progress = Callable[[int, int], None]  # (bytes_sent, bytes_total)


class Channel(ABC):
    """A platform account that can publish, delete, measure and check itself."""

    platform: ClassVar[str]
    limits: ClassVar[Limits]
    # The production API base this adapter talks to; the sandbox replaces it.
    default_base_url: ClassVar[str]
    # The keys of check()'s details that decide offline whether a post would be refused;
    # `channels check` keeps them in the workspace so `plan` and `validate` can tell.
    check_facts: ClassVar[tuple[str, ...]] = ()

    def __init__(self, account: Account, secrets: "SecretSource", *,
                 base_url: str | None = None, timeout: float = 30.0,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.account = account
        self.secrets = secrets
        self.base_url = (base_url or account.base_url or self.default_base_url).rstrip("/")
        self.timeout = timeout
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    @property
    def name(self) -> str:
        return self.account.name

    @abstractmethod
    def publish(self, post: RenderedPost, progress: Progress | None = None) -> Published:
        """Send the post; return the platform's ids and URL. Raises ChannelError subclasses."""

    @abstractmethod
    def delete(self, published: Published) -> None:
        """Remove a published post (every thread part). NotSupported where impossible."""

    @abstractmethod
    def metrics(self, published: list[Published]) -> list[Metrics]:
        """Current numbers for each post, batched by ``limits.metrics_batch``; gaps, not zeros."""

    @abstractmethod
    def check(self) -> CheckReport:
        """Verify the credential against the platform and say what it may do."""

    @classmethod
    def refusal(cls, post: RenderedPost, facts: Mapping[str, Any], *,
                live: bool) -> Refusal | None:
        """Why the platform would refuse ``post``, judging by ``facts`` (``check_facts`` of
        the account's last check, against the real platform when ``live``, else the
        sandbox); None when nothing known stops it. Offline: no SDK, no request."""
        return None

    @abstractmethod
    def find_recent(self, post: RenderedPost, since: datetime) -> Published | None:
        """Find a post with this content made after ``since`` (to reconcile unknown outcomes)."""

    def __repr__(self) -> str:  # never show credentials
        return f"<{type(self).__name__} {self.account.name!r} at {self.base_url}>"
