"""The jobs behind publish, retract and reconcile: ledger + plan + publisher + sandbox routing.

cli.py parses flags and prints; this module does the work, so the scheduler service can
run the same jobs. Nothing here prints.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .channels import channel_for
from .channels.base import DEFAULT_SANDBOX_URL
from .errors import UsageError
from .i18n import t
from .models import Campaign, PlanEntry, Workspace
from .planner import build_plan

SANDBOX_STATE = "sandbox/state.pickle"


def open_ledger(workspace: Workspace):
    """The workspace's ledger: CAMPAIGNCTL_LEDGER, else `ledger:` in channels.yaml, else
    .campaignctl/ledger.db."""
    from .ledger import Ledger, resolve_url

    return Ledger.open(resolve_url(workspace.root, workspace.ledger_url))


def _answers(url: str, attempts: int = 1, timeout: float = 3.0) -> bool:
    """Is a sandbox listening at ``url``? A refused connection answers at once; a sandbox
    that is merely busy (its process loaded, e.g. beside a test run) gets a few seconds, so a
    slow answer is not mistaken for no sandbox."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/_sandbox/health", timeout=timeout):
                return True
        except urllib.error.HTTPError:
            return False  # something answers there, but not a sandbox
        except OSError as exc:
            if isinstance(getattr(exc, "reason", exc), ConnectionRefusedError):
                return False  # nothing listens there
            # timed out or reset: ask again
    return False


@contextlib.contextmanager
def sandbox_session(workspace: Workspace, url: str | None = None) -> Iterator[str]:
    """The URL of a sandbox to talk to: one already listening (``url``, else
    CAMPAIGNCTL_SANDBOX_URL, else 127.0.0.1:8765), else one started in this process whose
    posts persist in the workspace, so later commands (status, retract) see the same world."""
    import os

    wanted = url or os.environ.get("CAMPAIGNCTL_SANDBOX_URL") or DEFAULT_SANDBOX_URL
    # A URL the user named is expected to be there: ask it more than once before refusing.
    if _answers(wanted, attempts=3 if url else 1):
        yield wanted
        return
    if url:
        raise UsageError(t("no sandbox answers at {url}", url=url),
                         t("start one with `campaignctl sandbox`, or leave out the URL"))
    from .sandbox import REHEARSAL_AUDIENCE_SPEED, Sandbox

    state = workspace.state_dir / SANDBOX_STATE
    with Sandbox(port=0) as sandbox:
        sandbox.load_state(state)
        for platform in sandbox.emulators:
            sandbox.configure(platform, audience_speed=REHEARSAL_AUDIENCE_SPEED)
        try:
            yield sandbox.url
        finally:
            sandbox.save_state(state)


def uses_sandbox(workspace: Workspace, names: Sequence[str]) -> bool:
    return any(workspace.accounts[n].sandbox for n in names if n in workspace.accounts)


@dataclass
class Selection:
    """`--only CAMPAIGN[/POST]` and `--channel`."""

    campaign: str | None = None
    post: str | None = None
    channel: str | None = None

    @classmethod
    def parse(cls, only: str | None, channel: str | None = None) -> Selection:
        if not only:
            return cls(channel=channel)
        campaign, _, post = only.partition("/")
        return cls(campaign or None, post or None, channel)

    def campaigns(self, campaigns: Sequence[Campaign]) -> list[Campaign]:
        chosen = [c for c in campaigns if self.campaign in (None, c.id)]
        if self.campaign and not chosen:
            raise UsageError(t("no campaign {name!r}", name=self.campaign),
                             t("campaigns here: {names}",
                               names=", ".join(c.id for c in campaigns) or "-"))
        if self.post and not any(c.post(self.post) for c in chosen):
            raise UsageError(t("campaign {campaign} has no post {post!r}",
                               campaign=self.campaign, post=self.post))
        return chosen


def _publisher(workspace: Workspace, ledger, sandbox_url: str | None, force_sandbox: bool,
               **kwargs):
    from .publish import Publisher

    def channel(name: str):
        return channel_for(workspace, name, sandbox_url=sandbox_url,
                           force_sandbox=force_sandbox)

    return Publisher(ledger, channel, catch_up=timedelta(seconds=workspace.catch_up_seconds),
                     **kwargs)


def plan_entries(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                 now: datetime, until: datetime | None,
                 render_all: bool = False) -> list[PlanEntry]:
    """Every entry up to ``until`` (None: the campaigns' end). Only those still inside the
    catch-up window are rendered (older ones are recorded as missed), unless ``render_all``
    (a rehearsal, where each instant is "now" in turn)."""
    render_from = None if render_all else now - timedelta(seconds=workspace.catch_up_seconds)
    plan = build_plan(workspace, selection.campaigns(campaigns), end=until, now=now,
                      channel=selection.channel, post=selection.post, check=False,
                      render_from=render_from)
    if plan.errors:  # validate has said all of this; publish refuses to send a broken post
        from .errors import ValidationFailed

        raise ValidationFailed(plan.errors)
    return plan.entries


def publish_job(workspace: Workspace, campaigns: Sequence[Campaign], *, now: datetime,
                selection: Selection | None = None, dry_run: bool = False,
                sandbox: bool = False, sandbox_url: str | None = None, rehearse: bool = False,
                post_now: bool = False, concurrency: int = 8,
                on_result: Callable[[Any], None] | None = None,
                on_upload: Callable[[PlanEntry, int, int], None] | None = None):
    """Send what is due (or, rehearsing, the whole timeline in order) exactly once.
    ``on_result`` hears of each send as it settles and ``on_upload`` of media bytes as they
    go (for a progress display)."""
    from .publish import RunSummary

    selection = selection or Selection()
    if rehearse and not sandbox:
        raise UsageError(t("--rehearse runs the whole timeline and needs --sandbox"),
                         t("add --sandbox: rehearsals never reach the real platforms"))
    if post_now:
        entries = _post_now_entries(workspace, campaigns, selection, now)
    else:
        entries = plan_entries(workspace, campaigns, selection, now=now,
                               until=None if rehearse else now, render_all=rehearse)
    from . import governance

    names = sorted({e.channel for e in entries})
    route = sandbox or uses_sandbox(workspace, names)
    ledger = open_ledger(workspace)
    try:
        with (sandbox_session(workspace, sandbox_url) if route else
              contextlib.nullcontext(None)) as url:
            publisher = _publisher(workspace, ledger, url, sandbox, concurrency=concurrency,
                                   on_result=on_result, on_upload=on_upload)
            if not (rehearse or post_now):
                # Pause and approvals filter here, so the Publisher records them as plan
                # skips (retryable until the catch-up window has passed).
                entries = governance.gate(ledger, workspace, entries, now,
                                          oldest=governance.catch_up_start(workspace, now),
                                          audit=not dry_run)
                return publisher.publish(entries, now, dry_run=dry_run)
            summary = RunSummary(dry_run=dry_run)
            for at, group in _by_instant(entries):
                group = governance.gate(ledger, workspace, group, at, audit=not dry_run)
                summary.results += publisher.publish(group, at, dry_run=dry_run).results
            return summary
    finally:
        ledger.close()


def _by_instant(entries: Sequence[PlanEntry]) -> list[tuple[datetime, list[PlanEntry]]]:
    groups: dict[datetime, list[PlanEntry]] = {}
    for e in sorted(entries, key=lambda e: e.at):
        groups.setdefault(e.at, []).append(e)
    return list(groups.items())


def _post_now_entries(workspace: Workspace, campaigns: Sequence[Campaign],
                      selection: Selection, now: datetime) -> list[PlanEntry]:
    """`--now CAMPAIGN/POST`: its next occurrence (else its last), sent at once under that
    occurrence's key, so it will not go out again when its time comes."""
    if not (selection.campaign and selection.post):
        raise UsageError(t("--now needs CAMPAIGN/POST"), t("e.g. --now booster-2026/launch"))
    plan = build_plan(workspace, selection.campaigns(campaigns), post=selection.post,
                      channel=selection.channel, check=False, now=now)
    scheduled = [e for e in plan.entries if e.status == "scheduled" and e.rendered]
    if not scheduled:
        raise UsageError(t("{campaign}/{post} has no occurrence that can go out",
                           campaign=selection.campaign, post=selection.post))
    upcoming = [e for e in scheduled if e.at >= now]
    at = upcoming[0].at if upcoming else scheduled[-1].at
    return [e for e in scheduled if e.at == at]


def reconcile_job(workspace: Workspace, *, now: datetime, sandbox: bool = False,
                  sandbox_url: str | None = None):
    """Settle unknown outcomes by asking each platform whether the post is there."""
    ledger = open_ledger(workspace)
    try:
        route = sandbox or uses_sandbox(workspace, list(workspace.accounts))
        with (sandbox_session(workspace, sandbox_url) if route else
              contextlib.nullcontext(None)) as url:
            return _publisher(workspace, ledger, url, sandbox).reconcile(now)
    finally:
        ledger.close()


def retract_job(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                now: datetime, sandbox: bool = False, sandbox_url: str | None = None,
                by: str | None = None):
    """Delete every published copy, and stop every future occurrence of the selection
    (recorded in the audit trail with ``by``, else the OS user)."""
    from . import governance

    if not selection.campaign:
        raise UsageError(t("retract needs CAMPAIGN or CAMPAIGN/POST"))
    known = [c for c in campaigns if c.id == selection.campaign]
    future: list[PlanEntry] = []
    if known:
        future = [e for e in build_plan(workspace, known, post=selection.post,
                                        channel=selection.channel, check=False,
                                        now=now).entries if e.at > now]
    ledger = open_ledger(workspace)
    try:
        route = sandbox or uses_sandbox(workspace, list(workspace.accounts))
        with (sandbox_session(workspace, sandbox_url) if route else
              contextlib.nullcontext(None)) as url:
            publisher = _publisher(workspace, ledger, url, sandbox)
            summary = publisher.retract(selection.campaign, selection.post, selection.channel,
                                        entries=future, now=now)
        governance.record(ledger, governance.A_RETRACT, by, now, campaign=selection.campaign,
                          post=selection.post, channel=selection.channel, details={
                              "skipped_pending": summary.skipped_pending,
                              "items": [{"key": i.key, "outcome": i.outcome, "url": i.url}
                                        for i in summary.items]})
        return summary
    finally:
        ledger.close()


# --- governance: pause, approvals, announce, audit ----------------------------------------------

ANNOUNCE = "announce"  # the campaign id announcements are recorded under


def pause_job(workspace: Workspace, reason: str, channels: Sequence[str] | None = None, *,
              by: str | None = None, now: datetime):
    """Stop every send (or the named channels') until resumed; returns the new pauses."""
    from . import governance

    ledger = open_ledger(workspace)
    try:
        return governance.pause(ledger, workspace, reason, channels, by=by, now=now)
    finally:
        ledger.close()


def resume_job(workspace: Workspace, channels: Sequence[str] | None = None, *,
               by: str | None = None, now: datetime):
    """Lift the pauses (of the named channels); returns those lifted."""
    from . import governance

    ledger = open_ledger(workspace)
    try:
        return governance.resume(ledger, workspace, channels, by=by, now=now)
    finally:
        ledger.close()


def pauses_job(workspace: Workspace):
    """The pauses that hold now (for `status`)."""
    from . import governance

    ledger = open_ledger(workspace)
    try:
        return governance.active_pauses(ledger)
    finally:
        ledger.close()


def _upcoming(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
              now: datetime, check: bool) -> list[PlanEntry]:
    """Every rendered entry that may still go out: from the catch-up window's start on."""
    oldest = now - timedelta(seconds=workspace.catch_up_seconds)
    plan = build_plan(workspace, selection.campaigns(campaigns), channel=selection.channel,
                      post=selection.post, check=check, now=now, render_from=oldest)
    if plan.errors:  # nobody approves (or is shown) content that cannot go out as it is
        from .errors import ValidationFailed

        raise ValidationFailed(plan.errors)
    return [e for e in plan.entries if e.at >= oldest and e.rendered is not None]


def approve_job(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                by: str | None, now: datetime):
    """Approve the exact rendered content of every upcoming (occurrence, channel) selected."""
    from . import governance

    if not selection.campaign:
        raise UsageError(t("approve needs CAMPAIGN or CAMPAIGN/POST"),
                         t("e.g. campaignctl approve booster-2026/launch --by \"Kepala Dinas\""))
    entries = _upcoming(workspace, campaigns, selection, now=now, check=True)
    if not entries:
        raise UsageError(t("nothing of {what} is still to go out, so there is nothing to approve",
                           what=selection.campaign + (f"/{selection.post}" if selection.post
                                                      else "")),
                         t("check the dates with `campaignctl plan`"))
    ledger = open_ledger(workspace)
    try:
        return entries, governance.approve(ledger, entries, by=by, now=now)
    finally:
        ledger.close()


def approvals_job(workspace: Workspace, campaigns: Sequence[Campaign],
                  selection: Selection | None = None, *, now: datetime):
    """Who approved what among the upcoming posts, and which approvals are void or missing."""
    from . import governance

    entries = _upcoming(workspace, campaigns, selection or Selection(), now=now, check=False)
    ledger = open_ledger(workspace)
    try:
        return governance.approval_state(ledger, workspace, entries)
    finally:
        ledger.close()


def audit_job(workspace: Workspace, since: datetime | None = None):
    """The audit trail from ``since`` on, oldest first."""
    from . import governance

    ledger = open_ledger(workspace)
    try:
        return governance.audit_rows(ledger, since)
    finally:
        ledger.close()


@dataclass
class AnnounceResult:
    """What `announce` sent where, and which channels it left out (and why)."""

    post: str
    at: datetime
    text: str
    again: bool  # this announcement had been made before: nothing new is sent twice
    left_out: dict[str, str]
    summary: object  # publish.RunSummary

    @property
    def ok(self) -> bool:
        return self.summary.ok  # type: ignore[attr-defined]

    def to_json(self) -> dict:
        """A JSON-able dict for `--json`."""
        return {"campaign": ANNOUNCE, "post": self.post, "at": self.at.isoformat(),
                "again": self.again, "left_out": self.left_out,
                **self.summary.to_json()}  # type: ignore[attr-defined]


def announcement_id(text: str, now: datetime) -> str:
    """The post id of an announcement: its UTC day and a hash of its text, so the same text
    sent twice on one day is one announcement (exactly once), and a new text is a new one."""
    import hashlib

    digest = hashlib.sha256(text.strip().encode()).hexdigest()[:10]
    return now.astimezone(timezone.utc).strftime("%Y%m%d-") + digest


def announce_job(workspace: Workspace, text: str, channels: Sequence[str] | None = None, *,
                 by: str | None = None, now: datetime, sandbox: bool = False,
                 sandbox_url: str | None = None) -> AnnounceResult:
    """Send inline text at once to every channel (or the named ones) as an emergency post:
    checked by the channel rules first, through blackouts and pauses, exactly once."""
    from zoneinfo import ZoneInfo

    from . import governance, rules
    from .errors import Problem, ValidationFailed
    from .models import Campaign, Occurrence, Post
    from .render import Renderer, RenderError

    text = (text or "").strip()
    if not text:
        raise UsageError(t("the announcement has no text"), t("pass it with --text \"…\""))
    named = list(dict.fromkeys(channels or []))
    for name in named:
        if name not in workspace.accounts:
            raise UsageError(t("no channel {name!r} in channels.yaml", name=name),
                             t("channels here: {names}",
                               names=", ".join(sorted(workspace.accounts)) or "-"))
    names = named or sorted(workspace.accounts)
    if not names:
        raise UsageError(t("channels.yaml names no channel to announce on"),
                         t("add an account under channels:"))
    post_id = announcement_id(text, now)
    ledger = open_ledger(workspace)
    try:
        earlier = ledger.status(ANNOUNCE, post=post_id)
        # Reuse the first run's instant: the same keys, so the claim stops a second send.
        at_utc = earlier[0].at if earlier else now.astimezone(timezone.utc).replace(microsecond=0)
        at = at_utc.astimezone(ZoneInfo(workspace.timezone))
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
                rendered = renderer.render(campaign, spec, Occurrence(ANNOUNCE, post_id, at),
                                           account)
                found = [p for p in rules.check(rendered, None, root=workspace.root)
                         if p.is_error]
            except RenderError as exc:
                rendered, found = None, [exc.problem]
            if found:
                problems += [Problem(f"{name}: {p.message}", p.file, p.line, p.hint)
                             for p in found]
                left_out[name] = found[0].message
                continue
            entries.append(PlanEntry(ANNOUNCE, post_id, name, account.platform, at,
                                     rendered=rendered, priority=governance.EMERGENCY))
        # Channels the user named must all take the text; of "every channel", those that
        # cannot (a video platform) are left out and said so.
        if (named and problems) or not entries:
            raise ValidationFailed(problems)
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
        route = sandbox or uses_sandbox(workspace, [e.channel for e in entries])
        with (sandbox_session(workspace, sandbox_url) if route else
              contextlib.nullcontext(None)) as url:
            summary = _publisher(workspace, ledger, url, sandbox).publish(entries, now)
        return AnnounceResult(post_id, at, text, bool(earlier), left_out, summary)
    finally:
        ledger.close()


def governance_status_job(workspace: Workspace, campaigns: Sequence[Campaign], *,
                          now: datetime) -> dict:
    """For `status`: the pauses in force and who approved the upcoming posts (JSON-able)."""
    from . import governance

    entries = _upcoming(workspace, campaigns, Selection(), now=now, check=False)
    ledger = open_ledger(workspace)
    try:
        return governance.status_summary(governance.active_pauses(ledger),
                                         governance.approval_state(ledger, workspace, entries))
    finally:
        ledger.close()
