"""A lost ledger is not a licence to repost.

The ledger is what makes a send happen once: a post it does not know of goes out. So a
ledger that is not the one this workspace published with — deleted and made anew, another
database configured, or swapped under a running process — would send every due post again.

The workspace remembers the id of its ledger in .campaignctl/ledger-id. A publish run stops
in one line when that id names another ledger, or when there is none yet but the ledger is
empty and the workspace shows it published before (refreshed tokens, posts the sandbox
kept). Each claim of a run checks the ledger at its URL is still the one the run began with.
Two ways on, both of which look on the platform (``Channel.find_recent``) before anything
is sent: `reconcile --from-platform` records what the platforms already show, and
`publish --lookup-first` looks each due post up before sending it. A post whose look-up
fails is recorded as unknown (never sent before the platform is asked again), so once
either has run the ledger knows every due post, and the workspace takes it as its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..channels import channel_for
from ..channels.base import Channel
from ..errors import CampaignctlError, LedgerError
from ..i18n import t
from ..ledger import Ledger
from ..models import SKIPPED, PlanEntry, Published, Workspace
from ..publish.results import O_DONE, O_SKIPPED, O_UNKNOWN, EntryResult
from .sandbox import saved_posts

LEDGER_MARK = "ledger-id"
TOKENS = "tokens.json"
# How long before its due time (or before now, if earlier) a live post is looked for: a
# late send is at most a catch-up window late; the margin covers clock skew.
FIND_MARGIN = timedelta(minutes=5)
# The sandbox keeps all it received in the workspace and a rehearsal sends future posts
# early, so there a post is looked for over everything the sandbox holds.
SANDBOX_SINCE = datetime(2000, 1, 1, tzinfo=timezone.utc)


def remembered(workspace: Workspace) -> str | None:
    """The id of the ledger this workspace last published with, if it noted one."""
    try:
        return (workspace.state_dir / LEDGER_MARK).read_text().strip() or None
    except OSError:
        return None


def remember(workspace: Workspace, ledger_id: str) -> None:
    """Note ``ledger_id`` as the ledger this workspace publishes with."""
    path = workspace.state_dir / LEDGER_MARK
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(ledger_id + "\n")
    tmp.replace(path)


def earlier_signs(workspace: Workspace) -> str | None:
    """What shows this workspace has published before, or None if nothing does."""
    if (workspace.state_dir / TOKENS).is_file():
        return t("it holds refreshed platform tokens (.campaignctl/tokens.json)")
    posts = saved_posts(workspace.root)
    if posts and any(posts.values()):
        return t("its sandbox kept posts it received (.campaignctl/sandbox/)")
    return None


def check_ledger(workspace: Workspace, ledger: Ledger, *, looking_up: bool,
                 reconcile_cmd: str, publish_cmd: str) -> str:
    """The ledger's id, once it is safe to send with it; else a LedgerError in one line
    naming the two ways on (``reconcile_cmd``, ``publish_cmd``: the commands to suggest).
    ``looking_up``: the run looks every post up first, so it may go on."""
    ledger_id = ledger.identity()
    mark = remembered(workspace)
    if mark == ledger_id:
        return ledger_id
    if mark is None:
        # A workspace from before the mark, or a new one: its ledger's own record, or a
        # workspace with nothing to show, is taken as its ledger from now on.
        sign = None if ledger.has_occurrences() else earlier_signs(workspace)
        if sign is None:
            remember(workspace, ledger_id)
            return ledger_id
    else:
        sign = t("its .campaignctl/ledger-id names another ledger")
    if looking_up:
        return ledger_id
    ways = (t("run `{publish}`, which looks each post up on the platform before sending it",
              publish=publish_cmd) if not reconcile_cmd else
            t("run `{reconcile}` to record what the platforms already show, or `{publish}` "
              "to look each post up before sending it",
              reconcile=reconcile_cmd, publish=publish_cmd))
    raise LedgerError(t("publish stopped: this ledger does not hold what the workspace "
                        "published before ({sign}), so sending what is due could post it a "
                        "second time", sign=sign), ways)


def _sqlite_file(ledger: Ledger) -> Path | None:
    url = ledger.engine.url
    if ledger.dialect == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database)
    return None


def _inode(path: Path | None) -> tuple[int, int] | None:
    """(device, inode) of the file: a deleted or replaced ledger file has other ones (the
    old inode cannot be reused meanwhile: this run's connections still hold it open)."""
    if path is None:
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


class WatchedLedger:
    """The ledger as one run's Publisher sees it: before each claim it checks that the
    ledger at its URL is still the one the run began with, and refuses the claim (nothing
    is sent) once it is not — e.g. the SQLite file was deleted while the run was sending."""

    def __init__(self, ledger: Ledger, ledger_id: str) -> None:
        self._ledger = ledger
        self.ledger_id = ledger_id
        self._lost = False
        self._file = _sqlite_file(ledger)
        self._inode = _inode(self._file)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ledger, name)

    def intact(self) -> bool:
        """Is the ledger at the URL still the one this run began with?"""
        if self._lost:
            return False
        if self._inode is not None and _inode(self._file) == self._inode:
            return True  # the very file the run opened: no need to read it again per claim
        if self._ledger.identity_now() != self.ledger_id:
            self._lost = True
        return not self._lost

    def _refuse_if_replaced(self) -> None:
        if not self.intact():
            raise LedgerError(t("the ledger was replaced while this run was publishing; "
                                "nothing more is sent"),
                              t("run `campaignctl publish` again: it says how to go on "
                                "without posting anything twice"))

    def claim(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_replaced()
        return self._ledger.claim(*args, **kwargs)

    def take_over(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_replaced()
        return self._ledger.take_over(*args, **kwargs)


def candidates(ledger: Ledger, entries: Sequence[PlanEntry], *,
               due_from: datetime | None = None,
               due_until: datetime | None = None) -> list[PlanEntry]:
    """The entries a send could be made for, which the ledger does not know as sent: those
    to look up. ``due_from``/``due_until`` bound their instants (None: unbounded)."""
    markers = ledger.retraction_markers()
    maybe = [e for e in entries
             if e.status != SKIPPED and e.rendered is not None
             and (due_from is None or e.at >= due_from)
             and (due_until is None or e.at <= due_until)
             and not Ledger.is_retracted(markers, e.campaign, e.post, e.channel)]
    rows = ledger.rows([e.row_key for e in maybe])
    return [e for e in maybe if e.row_key not in rows or rows[e.row_key].sendable]


class PlatformLookUp:
    """Looks posts up on their platforms (``find_recent``) before anything is sent, through
    the workspace's accounts routed as the run routes them. A post found is recorded as
    published; one whose look-up fails is recorded as unknown, as after a crash mid-send,
    so no later run sends it before the platform has been asked again. Either way the ledger
    knows of it afterwards."""

    def __init__(self, workspace: Workspace, ledger: Ledger, sandbox_url: str | None,
                 force_sandbox: bool, *, found_outcome: str = O_DONE) -> None:
        self.workspace = workspace
        self.ledger = ledger
        self.sandbox_url = sandbox_url
        self.force_sandbox = force_sandbox
        self.found_outcome = found_outcome
        self.catch_up = timedelta(seconds=workspace.catch_up_seconds)
        self._channels: dict[str, Channel] = {}

    def _channel(self, name: str) -> Channel:
        if name not in self._channels:
            self._channels[name] = channel_for(self.workspace, name,
                                               sandbox_url=self.sandbox_url,
                                               force_sandbox=self.force_sandbox)
        return self._channels[name]

    def _since(self, entry: PlanEntry, now: datetime) -> datetime:
        account = self.workspace.accounts.get(entry.channel)
        if self.sandbox_url and (self.force_sandbox or (account and account.sandbox)):
            return SANDBOX_SINCE
        return min(entry.at, now) - self.catch_up - FIND_MARGIN

    def __call__(self, entries: Sequence[PlanEntry], now: datetime,
                 **bounds: datetime | None) -> tuple[list[EntryResult], list[PlanEntry]]:
        """Look up the entries that could be sent (see candidates, given ``bounds``): a
        result for each found, and for each whose look-up failed (neither may be sent now),
        and the entries left to send."""
        results, settled = [], set()
        for e in candidates(self.ledger, entries, **bounds):
            found, reason = self._find(e, now)
            if found is not None:
                self._record(e, now, found=found)
                results.append(_result(e, self.found_outcome,
                                       t("found on the platform; not sent again"), found))
            elif reason is not None:
                self._record(e, now, unknown=reason)
                results.append(_result(e, O_UNKNOWN, reason))
            else:
                continue
            settled.add(e.row_key)
        return results, [e for e in entries if e.row_key not in settled]

    def _find(self, entry: PlanEntry, now: datetime) -> tuple[Published | None, str | None]:
        """(the post found, None), (None, None) when it is not there, or (None, why the
        look-up failed)."""
        assert entry.rendered is not None
        try:
            return self._channel(entry.channel).find_recent(
                entry.rendered, since=self._since(entry, now)), None
        except CampaignctlError as exc:
            error = exc.one_line()
        except Exception as exc:  # an adapter bug: still never a blind send
            error = type(exc).__name__
        return None, t("could not check the platform: {error}; not sent: `campaignctl "
                       "reconcile` asks again", error=error)

    def _record(self, entry: PlanEntry, now: datetime, *, found: Published | None = None,
                unknown: str | None = None) -> None:
        assert entry.rendered is not None
        self.ledger.ensure([entry], now)
        claim = self.ledger.claim(entry.row_key, entry.rendered.payload(), now=now,
                                  content_hash=entry.rendered.content_hash())
        if claim is None:  # another run holds it, and looks for the post itself
            return
        if found is not None:
            self.ledger.record_published(claim, found, now=now, outcome="found")
        else:
            self.ledger.record_unknown(claim, unknown or "", now=now)


def not_found(looked_at: Sequence[PlanEntry], results: Sequence[EntryResult]) -> list[EntryResult]:
    """A result for each entry looked up that the platform does not show (reconcile sends
    nothing: a later publish sends it when it is due)."""
    settled = {r.key for r in results}
    return [_result(e, O_SKIPPED, t("not on the platform; not recorded"))
            for e in looked_at if e.row_key not in settled]


def _result(entry: PlanEntry, outcome: str, reason: str,
            found: Published | None = None) -> EntryResult:
    return EntryResult(entry.row_key, entry.campaign, entry.post, entry.channel, entry.platform,
                       entry.at, outcome, found.url if found else None,
                       found.platform_id if found else None, reason, target=entry.target)
