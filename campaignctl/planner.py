"""Campaigns -> the timeline: every (occurrence, channel) rendered and checked.

This is the offline pipeline that validate, preview, plan and publish share:
load (config) -> expand (schedule) -> render (render) -> check (rules). It imports no
platform SDK.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import rules, schedule
from .allocation import bulk_allocation
from .errors import Problem, RenderError
from .i18n import t
from .models import SCHEDULED, Campaign, Mark, PlanEntry, RenderedPost, Workspace
from .render import Renderer
from .template_check import ProblemSet

# How far an open-ended recurrence (no `until:`) is planned when no window is given.
OPEN_ENDED_HORIZON = timedelta(days=366)


@dataclass
class Plan:
    """The timeline plus every problem found on the way."""

    entries: list[PlanEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def campaign_bounds(campaign: Campaign, start: datetime | None, end: datetime | None,
                    now: datetime | None = None) -> tuple[datetime, datetime]:
    """The window to plan: what was asked, else the campaign's own span (an open-ended
    recurrence runs from ``now`` for OPEN_ENDED_HORIZON). Naive bounds are campaign-local."""
    first, last = schedule.campaign_window(campaign)
    tz = ZoneInfo(campaign.timezone)
    anchor = now or datetime.now(tz)
    lo = start or first or anchor
    hi = end or last or (lo + OPEN_ENDED_HORIZON)
    return lo, hi


# The planner's own name for it, kept for importers.
_ProblemSet = ProblemSet


def build_plan(workspace: Workspace, campaigns: Sequence[Campaign], *,
               start: datetime | None = None, end: datetime | None = None,
               channel: str | None = None, post: str | None = None,
               render_skipped: bool = False, check: bool = True,
               renderer: Renderer | None = None, now: datetime | None = None,
               render_from: datetime | None = None) -> Plan:
    """Expand, render and check every (occurrence, channel) of ``campaigns`` in the window.

    Skipped occurrences (blackouts) are listed with their reason and, unless
    ``render_skipped``, not rendered. ``check=False`` skips the channel rules and the reading
    of each rendered template for every undefined name (a render stops at the first); publish
    re-checks nothing it has validated already. Entries before ``render_from`` are listed
    but not rendered: publish only records them as missed.
    """
    with bulk_allocation():
        return _build_plan(workspace, campaigns, start=start, end=end, channel=channel,
                           post=post, render_skipped=render_skipped, check=check,
                           renderer=renderer, now=now, render_from=render_from)


def _build_plan(workspace: Workspace, campaigns: Sequence[Campaign], *,
                start: datetime | None, end: datetime | None, channel: str | None,
                post: str | None, render_skipped: bool, check: bool,
                renderer: Renderer | None, now: datetime | None,
                render_from: datetime | None) -> Plan:
    renderer = renderer or Renderer(workspace)
    problems = ProblemSet()
    entries: list[PlanEntry] = []
    for campaign in campaigns:
        problems.add(schedule.schedule_problems(campaign, workspace.blackouts))
        lo, hi = campaign_bounds(campaign, start, end, now)
        rendered_by_post: dict[str, list[RenderedPost]] = {}
        read: set[tuple[str, str]] = set()  # (post, channel) pairs whose names are checked
        posts_by_id = {p.id: p for p in campaign.posts}
        for occ in schedule.expand(campaign, lo, hi, workspace.blackouts):
            if post and occ.post != post:
                continue
            spec = posts_by_id[occ.post]  # expand only yields the campaign's own posts
            for name in campaign.channels_for(spec):
                if channel and name != channel:
                    continue
                account = workspace.accounts.get(name)
                if account is None:  # config/ reports unknown channels with their line
                    continue
                entry = PlanEntry(campaign.id, occ.post, name, account.platform, occ.at,
                                  occ.status, occ.reason, priority=spec.priority)
                entries.append(entry)
                if occ.status != SCHEDULED and not render_skipped:
                    continue
                if render_from is not None and occ.at < render_from:
                    continue
                if check and (occ.post, name) not in read:
                    read.add((occ.post, name))
                    problems.add(renderer.name_problems(campaign, spec, account),
                                 used_by=f"{campaign.id}/{occ.post}")
                try:
                    entry.rendered = renderer.render(campaign, spec, occ, account)
                except RenderError as exc:
                    problems.add([exc.problem], used_by=f"{campaign.id}/{occ.post}")
                    continue
                if check:
                    problems.add(rules.check(entry.rendered, spec.mark, root=workspace.root,
                                             marks=spec.marks))
                    rendered_by_post.setdefault(f"{occ.post}/{name}", []).append(entry.rendered)
        if check:
            marks: dict[str, Mark] = {p.id: p.mark for p in campaign.posts if p.mark}
            for group in rendered_by_post.values():
                if len(group) > 1:
                    problems.add(rules.duplicate_warnings(group, marks))
    entries.sort(key=lambda e: (e.at, e.campaign, e.post, e.channel))
    return Plan(entries, problems.items)


def no_campaigns_problem(workspace: Workspace) -> Problem:
    """The problem shown when there is nothing to validate."""
    return Problem(
        t("no campaign files found in {folder}", folder=str(workspace.campaigns_dir)),
        hint=t("add campaigns/NAME.yaml or run `campaignctl init`"),
    )
