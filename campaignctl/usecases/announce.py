"""Emergency announcements: inline text sent at once to every channel (or the named ones),
checked by the channel rules first, through blackouts and pauses, exactly once."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from .. import governance, rules, selectors
from ..errors import Problem, UsageError, ValidationFailed
from ..i18n import t
from ..models import Campaign, Occurrence, PlanEntry, Post, Workspace
from ..render import Renderer, RenderError
from .common import open_ledger, publisher_for
from .sandbox import routed

ANNOUNCE = "announce"  # the campaign id announcements are recorded under


@dataclass
class AnnounceResult:
    """What `announce` sent where, and which channels it left out (and why)."""

    post: str
    at: datetime
    text: str
    again: bool  # this announcement had been made before: nothing new is sent twice
    left_out: dict[str, str]
    summary: Any  # publish.RunSummary

    @property
    def ok(self) -> bool:
        return self.summary.ok

    def to_json(self) -> dict:
        """A JSON-able dict for `--json`."""
        return {"campaign": ANNOUNCE, "post": self.post, "at": self.at.isoformat(),
                "again": self.again, "left_out": self.left_out, **self.summary.to_json()}


def announcement_id(text: str, now: datetime) -> str:
    """The post id of an announcement: its UTC day and a hash of its text, so the same text
    sent twice on one day is one announcement (exactly once), and a new text is a new one."""
    digest = hashlib.sha256(text.strip().encode()).hexdigest()[:10]
    return now.astimezone(timezone.utc).strftime("%Y%m%d-") + digest


def _channels(workspace: Workspace, channels: Sequence[str] | None) -> tuple[list[str], bool]:
    """The channels to announce on, and whether the user named them."""
    named = selectors.resolve_channels(channels or [], workspace.accounts)
    names = named or sorted(workspace.accounts)
    if not names:
        raise UsageError(t("channels.yaml names no channel to announce on"),
                         t("add an account under channels:"))
    return names, bool(named)


def _entries(workspace: Workspace, post_id: str, text: str, names: list[str], at: datetime,
             named: bool) -> tuple[list[PlanEntry], dict[str, str]]:
    """One emergency entry per channel that takes the text, and why the others do not."""
    spec = Post(id=post_id, text=text, priority=governance.EMERGENCY)
    campaign = Campaign(id=ANNOUNCE, name=ANNOUNCE, timezone=workspace.timezone,
                        channels=names, posts=[spec])
    renderer = Renderer(workspace)
    entries: list[PlanEntry] = []
    problems: list[Problem] = []
    left_out: dict[str, str] = {}
    for name in names:
        account = workspace.accounts[name]
        try:
            rendered = renderer.render(campaign, spec, Occurrence(ANNOUNCE, post_id, at), account)
            found = [p for p in rules.check(rendered, None, root=workspace.root) if p.is_error]
        except RenderError as exc:
            rendered, found = None, [exc.problem]
        if found:
            problems += [Problem(f"{name}: {p.message}", p.file, p.line, p.hint) for p in found]
            left_out[name] = found[0].message
            continue
        entries.append(PlanEntry(ANNOUNCE, post_id, name, account.platform, at,
                                 rendered=rendered, priority=governance.EMERGENCY))
    # Channels the user named must all take the text; of "every channel", those that
    # cannot (a video platform) are left out and said so.
    if (named and problems) or not entries:
        raise ValidationFailed(problems)
    return entries, left_out


def announce_job(workspace: Workspace, text: str, channels: Sequence[str] | None = None, *,
                 by: str | None = None, now: datetime, sandbox: bool = False,
                 sandbox_url: str | None = None) -> AnnounceResult:
    """Send inline text at once as an emergency post (see the module's docstring)."""
    text = (text or "").strip()
    if not text:
        raise UsageError(t("the announcement has no text"), t("pass it with --text \"…\""))
    names, named = _channels(workspace, channels)
    post_id = announcement_id(text, now)
    with open_ledger(workspace) as ledger:
        earlier = ledger.status(ANNOUNCE, post=post_id)
        # Reuse the first run's instant: the same keys, so the claim stops a second send.
        at_utc = earlier[0].at if earlier else now.astimezone(timezone.utc).replace(microsecond=0)
        at = at_utc.astimezone(ZoneInfo(workspace.timezone))
        entries, left_out = _entries(workspace, post_id, text, names, at, named)
        active = governance.active_pauses(ledger)
        bypassed = [f"blackout: {b.reason}" for b in workspace.blackouts if b.covers(now)]
        bypassed += sorted({governance.PAUSED_PREFIX + p.reason for e in entries
                            if (p := governance.pause_for(active, e.channel)) is not None})
        governance.record(ledger, governance.A_ANNOUNCE, by, now, campaign=ANNOUNCE,
                          post=post_id, details={
                              "text": text, "channels": [e.channel for e in entries],
                              "left_out": left_out, "bypassed": bypassed,
                              "priority": governance.EMERGENCY, "again": bool(earlier),
                              "content_hash": {e.channel: e.rendered.content_hash()
                                               for e in entries if e.rendered}})
        with routed(workspace, [e.channel for e in entries], sandbox, sandbox_url) as url:
            summary = publisher_for(workspace, ledger, url, sandbox).publish(entries, now)
            summary.sandbox_url = url
        return AnnounceResult(post_id, at, text, bool(earlier), left_out, summary)
