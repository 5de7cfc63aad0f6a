"""What the use cases share: the workspace's ledger, the selection, the entries to act on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import selectors
from ..channels import channel_for
from ..errors import UsageError, ValidationFailed
from ..models import Campaign, PlanEntry, Target, Workspace
from ..planner import build_plan

from ..ledger import Ledger, resolve_url
from ..publish import Publisher, PublishSettings


def open_ledger(workspace: Workspace) -> Ledger:
    """The workspace's ledger: CAMPAIGNCTL_LEDGER, else `ledger:` in channels.yaml, else
    .campaignctl/ledger.db. Use it as ``with open_ledger(ws) as ledger:``."""
    return Ledger.open(resolve_url(workspace.root, workspace.ledger_url))


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

    def campaigns(self, campaigns: Sequence[Campaign], workspace: Workspace | None = None, *,
                  in_ledger: bool = False) -> list[Campaign]:
        """The selected campaigns, once every name given is known: the campaign and post
        among ``campaigns`` (and, ``in_ledger``, among what the workspace's ledger holds, for
        commands about what was sent), the channel among ``workspace``'s accounts."""
        try:
            selectors.resolve_target(self.campaign, self.post, selectors.known_posts(campaigns))
        except UsageError:
            if not (in_ledger and workspace is not None):
                raise
            selectors.resolve_target(self.campaign, self.post, selectors.merged(
                selectors.known_posts(campaigns), ledger_posts(workspace)))
        if self.channel and workspace is not None:
            selectors.resolve_channel(self.channel, workspace.accounts)
        return [c for c in campaigns if self.campaign in (None, c.id)]


def ledger_posts(workspace: Workspace) -> dict[str, set[str]]:
    """Campaign id -> post ids of every occurrence the workspace's ledger holds, including
    those of campaign files since removed."""
    with open_ledger(workspace) as ledger:
        return ledger.posts_known()


def publisher_for(workspace: Workspace, ledger: Ledger, sandbox_url: str | None,
                  force_sandbox: bool, *, concurrency: int | None = None,
                  on_result: Callable[[Any], None] | None = None,
                  on_upload: Callable[[PlanEntry, int, int], None] | None = None) -> Publisher:
    """A Publisher for the workspace's accounts, each routed to the sandbox if it says so
    (or all of them, with ``force_sandbox``), and told which target each one is."""
    def channel(name: str):  # type: ignore[no-untyped-def]
        return channel_for(workspace, name, sandbox_url=sandbox_url,
                           force_sandbox=force_sandbox)

    def target(name: str) -> Target:
        return workspace.target_of(name, force_sandbox)

    settings = PublishSettings(catch_up=timedelta(seconds=workspace.catch_up_seconds))
    if concurrency is not None:
        settings = settings.replace(concurrency=concurrency)
    return Publisher(ledger, channel, settings, on_result=on_result, on_upload=on_upload,
                     target_for=target)


def plan_entries(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
                 now: datetime, until: datetime | None,
                 render_all: bool = False) -> list[PlanEntry]:
    """Every entry up to ``until`` (None: the campaigns' end). Only those still inside the
    catch-up window are rendered (older ones are recorded as missed), unless ``render_all``
    (a rehearsal, where each instant is "now" in turn)."""
    render_from = None if render_all else now - timedelta(seconds=workspace.catch_up_seconds)
    plan = build_plan(workspace, selection.campaigns(campaigns, workspace), end=until, now=now,
                      channel=selection.channel, post=selection.post, check=False,
                      render_from=render_from)
    if plan.errors:  # validate has said all of this; publish refuses to send a broken post
        raise ValidationFailed(plan.errors)
    return plan.entries


def upcoming(workspace: Workspace, campaigns: Sequence[Campaign], selection: Selection, *,
             now: datetime, check: bool) -> list[PlanEntry]:
    """Every rendered entry that may still go out: from the catch-up window's start on."""
    oldest = now - timedelta(seconds=workspace.catch_up_seconds)
    plan = build_plan(workspace, selection.campaigns(campaigns, workspace),
                      channel=selection.channel, post=selection.post, check=check, now=now,
                      render_from=oldest)
    if plan.errors:  # nobody approves (or is shown) content that cannot go out as it is
        raise ValidationFailed(plan.errors)
    return [e for e in plan.entries if e.at >= oldest and e.rendered is not None]
