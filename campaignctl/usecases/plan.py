"""`plan`: the timeline, each entry marked with what `publish` would do with it at its time.

An entry already due gets what `publish --dry-run` says now, in the same words and with the
same reasons (would-send; skipped: blackout, paused, not approved, retracted, missed;
already-done, in-progress, unknown from the ledger), except where a run would do otherwise
than the dry run shows: a post the ledger records as sent stays already-done (with its URL)
even when paused or past the catch-up window, a channel hold defers it, and what the last
`channels check` learned of the account refuses it. A later entry is judged as far as is
known now (blackouts, pauses in force, missing approvals, retractions, holds, refusals) and
is scheduled when nothing stops it.

Without a ledger nothing here imports SQLAlchemy, so `plan` stays fast and offline, and it
never creates one. What a ledger knows is read by usecases/plan_ledger.py, which the command
loads only when ``ledger_url`` finds a ledger, and passes in as ``read_ledger``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..errors import CampaignctlError, Problem
from ..i18n import t
from ..models import NOT_APPROVED, Campaign, OccurrenceState, PlanEntry, PublishOutcome, Workspace
from ..planner import build_plan
from ..schedule import window_text
from .checks import known_facts, refusal_for

# The statuses: where they overlap with `publish --dry-run --json` outcomes, its words.
SCHEDULED = OccurrenceState.SCHEDULED.value  # later: nothing known stops it
WOULD_SEND = PublishOutcome.WOULD_SEND.value  # due: the next publish sends it
SKIPPED = PublishOutcome.SKIPPED.value
ALREADY_DONE = PublishOutcome.ALREADY_DONE.value
IN_PROGRESS = PublishOutcome.IN_PROGRESS.value
UNKNOWN = PublishOutcome.UNKNOWN.value
DEFERRED = "deferred"  # a platform's hold keeps the channel closed past the entry's time
REFUSED = "refused"  # the platform would refuse it, by the account's last check

# The ledger's URL setting and file (ledger/core.py's ENV_VAR and default_url): that module
# imports SQLAlchemy, which plan must not load where there is no ledger.
LEDGER_ENV = "CAMPAIGNCTL_LEDGER"
LEDGER_FILE = "ledger.db"


@dataclass
class PlanLine:
    """One timeline entry and what publish would do with it."""

    entry: PlanEntry
    status: str
    reason: str | None = None
    url: str | None = None


@dataclass
class LedgerView:
    """What the ledger knows that decides a publish, read once for the whole timeline."""

    rows: Mapping[str, Any] = field(default_factory=dict)  # key -> ledger OccurrenceStatus
    governed: Mapping[str, str] = field(default_factory=dict)  # key -> paused / not approved
    retracted: set[str] = field(default_factory=set)  # keys a retraction marker covers
    holds: Mapping[str, tuple[datetime, str | None]] = field(default_factory=dict)
    deadline: timedelta = timedelta(minutes=5)  # how long a run waits for a hold to end


@dataclass
class PlanReport:
    """The annotated timeline, its problems, and whether (and how) a ledger was read."""

    lines: list[PlanLine]
    problems: list[Problem]
    ledger_read: bool = False
    ledger_error: str | None = None  # the ledger exists but could not be read


LedgerReader = Callable[[str, Workspace, Sequence[PlanEntry], datetime], LedgerView]


def ledger_url(workspace: Workspace, environ: Mapping[str, str] | None = None) -> str | None:
    """The workspace's ledger if there is one to read (the URL ledger.resolve_url would open),
    else None: nothing configured and no .campaignctl/ledger.db, or a configured SQLite file
    that does not exist. Plan never opens a ledger that would be created by opening it."""
    env = os.environ if environ is None else environ
    url = env.get(LEDGER_ENV) or workspace.ledger_url
    if not url:
        path = workspace.state_dir / LEDGER_FILE
        return f"sqlite:///{path.resolve()}" if path.is_file() else None
    scheme, _, rest = url.partition(":///")
    if scheme.split("+")[0] == "sqlite":
        database = rest.split("?")[0]
        return url if database and database != ":memory:" and Path(database).is_file() else None
    return url


def plan_job(workspace: Workspace, campaigns: Sequence[Campaign], *,
             start: datetime | None, end: datetime | None, channel: str | None,
             now: datetime, read_ledger: LedgerReader | None = None) -> PlanReport:
    """The timeline of ``campaigns`` in the window, each entry with what publish would do.

    ``read_ledger`` (usecases.plan_ledger.read_ledger) is given only when ``ledger_url``
    finds a ledger; a ledger that cannot be read leaves the plan to what is known without it,
    and says so in ``ledger_error``.
    """
    plan = build_plan(workspace, campaigns, start=start, end=end, channel=channel, now=now)
    entries = plan.entries
    for e in entries:  # on the target its account publishes to now, as publish would send it
        e.target = workspace.target_of(e.channel)
    window = timedelta(seconds=workspace.catch_up_seconds)
    report = PlanReport([], plan.problems)
    url = ledger_url(workspace) if read_ledger is not None else None
    view = None
    if url is not None and read_ledger is not None:
        try:
            view = read_ledger(url, workspace, entries, now)
            report.ledger_read = True
        except CampaignctlError as exc:
            report.ledger_error = exc.one_line()
    if view is None:
        view = LedgerView(governed=_unapproved(workspace, entries, now - window))
    facts = known_facts(workspace)

    def refused(e: PlanEntry) -> str | None:
        why = refusal_for(facts, e.rendered) if facts and e.rendered is not None else None
        return why.message if why is not None else None

    report.lines = [_decide(e, view, now, window, refused(e)) for e in entries]
    return report


def _unapproved(workspace: Workspace, entries: Sequence[PlanEntry],
                oldest: datetime) -> dict[str, str]:
    """Without a ledger no post is approved: what governance.gate says of an empty one."""
    return {e.key: NOT_APPROVED for e in entries
            if e.status == SCHEDULED and e.rendered is not None and e.at >= oldest
            and workspace.needs_approval(e.channel)}


def _skip_reason(e: PlanEntry, view: LedgerView, now: datetime,
                 window: timedelta) -> str | None:
    """Why publish would skip ``e``, in its order (engine.Publisher.publish): plan skips
    (blackout, and from the gate paused or not approved), retracted, missed, not rendered."""
    if e.status != SCHEDULED:
        return e.reason or t("skipped")
    if e.key in view.governed:
        return view.governed[e.key]
    if e.key in view.retracted:
        return t("retracted")
    if e.at < now - window:
        return t("missed: due at {at} (more than {window} ago)", at=e.at.isoformat(),
                 window=window_text(window))
    if e.rendered is None:
        return t("nothing rendered for this channel")
    return None



def _decide(e: PlanEntry, view: LedgerView, now: datetime, window: timedelta,
            refused: str | None) -> PlanLine:
    row = view.rows.get(e.key)
    reason = _skip_reason(e, view, now, window)
    if reason is not None:
        # A skip is what publish writes into a row it may still write, and what it reports
        # of a retracted post even where a copy went out (and was deleted); a row that says
        # the post went out (or is going) wins over a pause or the catch-up window.
        if e.key in view.retracted or row is None or row.sendable \
                or row.state == OccurrenceState.SKIPPED:
            return PlanLine(e, SKIPPED, reason)
        return _existing(e, row)
    if row is not None and not row.sendable:
        return _existing(e, row)
    if refused is not None:
        return PlanLine(e, REFUSED, refused)
    hold = view.holds.get(e.channel)
    if hold is not None and hold[0] > max(e.at, now) + view.deadline:
        return PlanLine(e, DEFERRED, t(
            "{channel} is rate limited until {at}; it goes out on a later run",
            channel=e.channel, at=f"{hold[0].astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"))
    return PlanLine(e, WOULD_SEND if e.at <= now else SCHEDULED)


def _existing(e: PlanEntry, row: Any) -> PlanLine:
    """What publish reports of a row it will not send (engine.Publisher._existing)."""
    if row.state == OccurrenceState.SENDING:
        return PlanLine(e, IN_PROGRESS, t("being sent by another run ({owner})",
                                          owner=row.claim_owner), row.url)
    if row.state in (OccurrenceState.PUBLISHED, OccurrenceState.RETRACTED):
        return PlanLine(e, ALREADY_DONE, row.reason, row.url)
    if row.state == OccurrenceState.UNKNOWN:
        return PlanLine(e, UNKNOWN, row.reason, row.url)
    return PlanLine(e, ALREADY_DONE, t("{state} earlier: {reason}", state=t(row.state),
                                       reason=row.reason or "-"), row.url)
