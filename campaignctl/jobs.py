"""The jobs behind publish, retract and reconcile: ledger + plan + publisher + sandbox routing.

cli.py parses flags and prints; this module does the work, so the scheduler service can
run the same jobs. Nothing here prints.
"""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_sandbox/posts", timeout=1):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def sandbox_session(workspace: Workspace, url: str | None = None) -> Iterator[str]:
    """The URL of a sandbox to talk to: one already listening (``url``, else
    CAMPAIGNCTL_SANDBOX_URL, else 127.0.0.1:8765), else one started in this process whose
    posts persist in the workspace, so later commands (status, retract) see the same world."""
    import os

    wanted = url or os.environ.get("CAMPAIGNCTL_SANDBOX_URL") or DEFAULT_SANDBOX_URL
    if _answers(wanted):
        yield wanted
        return
    if url:
        raise UsageError(t("no sandbox answers at {url}", url=url),
                         t("start one with `campaignctl sandbox`, or leave out the URL"))
    from .sandbox import Sandbox

    state = workspace.state_dir / SANDBOX_STATE
    with Sandbox(port=0) as sandbox:
        sandbox.load_state(state)
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
                 now: datetime, until: datetime | None) -> list[PlanEntry]:
    """Every entry up to ``until`` (None: the campaigns' end); only those still inside the
    catch-up window are rendered, older ones are recorded as missed."""
    plan = build_plan(workspace, selection.campaigns(campaigns), end=until, now=now,
                      channel=selection.channel, post=selection.post, check=False,
                      render_from=now - timedelta(seconds=workspace.catch_up_seconds))
    if plan.errors:  # validate has said all of this; publish refuses to send a broken post
        from .errors import ValidationFailed

        raise ValidationFailed(plan.errors)
    return plan.entries


def publish_job(workspace: Workspace, campaigns: Sequence[Campaign], *, now: datetime,
                selection: Selection | None = None, dry_run: bool = False,
                sandbox: bool = False, sandbox_url: str | None = None, rehearse: bool = False,
                post_now: bool = False, concurrency: int = 8):
    """Send what is due (or, rehearsing, the whole timeline in order) exactly once."""
    from .publish import RunSummary

    selection = selection or Selection()
    if rehearse and not sandbox:
        raise UsageError(t("--rehearse runs the whole timeline and needs --sandbox"),
                         t("add --sandbox: rehearsals never reach the real platforms"))
    if post_now:
        entries = _post_now_entries(workspace, campaigns, selection, now)
    else:
        until = None if rehearse else now
        entries = plan_entries(workspace, campaigns, selection, now=now, until=until)
        if rehearse:  # render everything: each instant is "now" in turn
            entries = build_plan(workspace, selection.campaigns(campaigns), now=now,
                                 channel=selection.channel, post=selection.post,
                                 check=False).entries
    names = sorted({e.channel for e in entries})
    route = sandbox or uses_sandbox(workspace, names)
    ledger = open_ledger(workspace)
    try:
        with (sandbox_session(workspace, sandbox_url) if route else
              contextlib.nullcontext(None)) as url:
            publisher = _publisher(workspace, ledger, url, sandbox, concurrency=concurrency)
            if not (rehearse or post_now):
                return publisher.publish(entries, now, dry_run=dry_run)
            summary = RunSummary(dry_run=dry_run)
            for at, group in _by_instant(entries):
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
                now: datetime, sandbox: bool = False, sandbox_url: str | None = None):
    """Delete every published copy, and stop every future occurrence of the selection."""
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
            return publisher.retract(selection.campaign, selection.post, selection.channel,
                                     entries=future, now=now)
    finally:
        ledger.close()
