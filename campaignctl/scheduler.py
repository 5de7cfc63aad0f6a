"""The scheduler service behind `campaignctl run`: the only module that imports APScheduler.

One node = one process. It keeps ONE persistent "wake" job, at the next due occurrence
(``schedule.next_due``), in an APScheduler SQLAlchemyJobStore inside the ledger database
(table ``apscheduler_jobs_<node>``: APScheduler 3 cannot share a job store between
schedulers). A wake runs one ``usecases.publishing.publish_job`` pass -- it sends everything
due and not done, records missed occurrences outside the catch-up window, and takes over
stale claims of dead nodes -- then moves the wake job to the next due instant. So the job
store holds one row however many occurrences are planned.

Three in-memory interval jobs run beside it: a safety wake (a clock jump, a dead node's
leftovers, a paused post released), a file watch (campaign edits without a restart) and a
heartbeat row in the ledger that `status` reads (usecases.status.heartbeat_lines).

Several nodes may run on one ledger: the ledger's claim (a conditional UPDATE) decides who
sends each occurrence, so the nodes need no other coordination.

Passes never overlap within a node (one lock); stopping lets the running pass finish and
starts no other. Every action is one log record on the ``campaignctl.scheduler`` logger
with an ``event`` and its fields as ``extra``; cli/service.py renders them as JSON lines.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import make_url

from .config import load_campaigns, load_workspace
from .errors import CampaignctlError, ValidationFailed
from .i18n import t
from .ledger import Ledger, resolve_url
from .models import Campaign, Workspace
from .schedule import next_due
from .usecases.publishing import publish_job
from .usecases.sandbox import sandbox_session, uses_sandbox

log = logging.getLogger("campaignctl.scheduler")

WAKE_JOB = "wake"
LEDGER_STORE = "ledger"
# Outcomes worth a log line; "already-done" repeats on every pass and says nothing new.
_LOGGED = ("published", "failed", "unknown", "skipped", "in-progress")

# Node name -> running service, so the persistent wake job can be stored as a plain
# reference ("campaignctl.scheduler:_wake") with the node name as its only argument.
_SERVICES: dict[str, Service] = {}


def _wake(node: str) -> None:
    """Target of the persistent wake job."""
    service = _SERVICES.get(node)
    if service is not None:
        service.wake("due")


def job_table(node: str) -> str:
    """The APScheduler job-store table of one node: apscheduler_jobs_<node>."""
    return "apscheduler_jobs_" + re.sub(r"[^a-z0-9_]", "_", node.lower())[:40]


def default_node() -> str:
    """The host name: one node per machine unless --node says otherwise."""
    return socket.gethostname()


@dataclass
class ServiceOptions:
    """How one `campaignctl run` node behaves; the intervals are seconds."""

    node: str
    sandbox: bool = False
    sandbox_url: str | None = None
    poll_seconds: float = 2.0
    safety_seconds: float = 60.0
    heartbeat_seconds: float = 5.0
    stop_timeout: float = 60.0


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def watched_files(root: Path) -> list[Path]:
    """channels.yaml, campaigns/*.yaml|yml and templates/**: what a reload depends on."""
    root = Path(root)
    files = [root / "channels.yaml"]
    campaigns = root / "campaigns"
    if campaigns.is_dir():
        files += sorted([*campaigns.glob("*.yaml"), *campaigns.glob("*.yml")])
    templates = root / "templates"
    if templates.is_dir():
        files += sorted(p for p in templates.rglob("*") if p.is_file())
    return files


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in watched_files(root):
        try:
            st = path.stat()
        except OSError:  # removed between the listing and the stat: the next poll sees it
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


class Service:
    """One scheduler node: a BackgroundScheduler, a ledger, the campaigns last loaded good."""

    def __init__(self, root: Path, options: ServiceOptions, *,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.root = Path(root)
        self.options = options
        self.node = options.node
        self.clock = clock
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.started_at = clock()
        self.workspace: Workspace | None = None
        self.campaigns: list[Campaign] = []
        self.next_due: datetime | None = None
        self.ledger: Ledger | None = None
        self.scheduler: BackgroundScheduler | None = None
        self.sandbox_url: str | None = None
        self._stack = contextlib.ExitStack()
        self._pass_lock = threading.Lock()  # one publish pass at a time in this node
        self._state_lock = threading.Lock()  # campaigns/workspace swap on reload
        self._schedule_lock = threading.Lock()
        self._announced = False  # the first schedule is always logged
        self._stopping = threading.Event()
        self._reload_requested = threading.Event()
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._last_pass: datetime | None = None
        self._logged: dict[str, str] = {}  # key -> last outcome logged
        self.last_ok = True  # False when the last pass failed or left something failed

    # --- logging ---------------------------------------------------------------------------
    def _log(self, event: str, level: int = logging.INFO, **fields: Any) -> None:
        fields = {k: v for k, v in fields.items() if v is not None}
        for k, v in fields.items():
            if isinstance(v, datetime):
                fields[k] = v.isoformat()
        log.log(level, event, extra={"node": self.node, "event": event, **fields})

    # --- start and stop --------------------------------------------------------------------
    def start(self, *, run_scheduler: bool = True) -> None:
        """Load the campaigns (refusing broken ones), open the ledger, start the jobs."""
        workspace = load_workspace(self.root)
        campaigns, problems = load_campaigns(workspace)
        errors = [p for p in problems if p.is_error]
        if errors:
            raise ValidationFailed(errors)
        self.workspace, self.campaigns = workspace, campaigns
        self._signature = _signature(self.root)
        url = resolve_url(workspace.root, workspace.ledger_url)
        self.ledger = Ledger.open(url)
        self._stack.callback(self.ledger.close)
        # What the ledger already says is not news: a restart must not re-log every old
        # skip or publish, only what this node's passes change.
        self._logged = {r.key: r.state for r in self.ledger.status()}
        self.sandbox_url = self._open_sandbox(workspace)

        scheduler = BackgroundScheduler(
            timezone=timezone.utc,
            jobstores={"default": MemoryJobStore(),
                       LEDGER_STORE: SQLAlchemyJobStore(engine=self.ledger.engine,
                                                        tablename=job_table(self.node))},
            executors={"default": {"type": "threadpool", "max_workers": 4}},
            # A wake late because the machine slept is still wanted, once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.scheduler = scheduler
        _SERVICES[self.node] = self
        scheduler.start(paused=True)
        stored = scheduler.get_job(WAKE_JOB, LEDGER_STORE)
        if stored is not None and stored.next_run_time is not None \
                and stored.next_run_time < self.clock():
            # The node was down when this wake was due; the first pass below catches up
            # (inside the catch-up window) or records the occurrences as missed.
            self._log("missed-wake", logging.WARNING, due=stored.next_run_time,
                      reason=t("the service was not running at this wake; catching up now"))
        self._log("start", host=self.host, pid=self.pid, campaigns=len(campaigns),
                  ledger=_masked(url), sandbox=self.sandbox_url)
        if run_scheduler:
            opts = self.options
            scheduler.add_job(self.wake, "interval", args=["safety"], id="safety",
                              seconds=opts.safety_seconds, jobstore="default")
            scheduler.add_job(self.poll_files, "interval", id="watch",
                              seconds=opts.poll_seconds, jobstore="default")
            scheduler.add_job(self.beat, "interval", id="heartbeat",
                              seconds=opts.heartbeat_seconds, jobstore="default")
        self.beat()
        self.wake("start")
        if run_scheduler:
            scheduler.resume()

    def _open_sandbox(self, workspace: Workspace) -> str | None:
        """One sandbox URL for the service's lifetime (a running one, else one started here
        whose posts persist in the workspace), so passes do not each start their own."""
        if not (self.options.sandbox or self.options.sandbox_url
                or uses_sandbox(workspace, list(workspace.accounts))):
            return None
        return self._stack.enter_context(sandbox_session(workspace, self.options.sandbox_url))

    def stop(self) -> bool:
        """Start no new pass, let the running one finish (up to stop_timeout), shut down.

        Returns False when a pass was still running at the timeout: its claims stay
        'sending' and another node (or the next start) reconciles them.
        """
        self._stopping.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        finished = self._pass_lock.acquire(timeout=self.options.stop_timeout)
        if finished:
            self._pass_lock.release()
        _SERVICES.pop(self.node, None)
        if self.ledger is not None:
            with contextlib.suppress(CampaignctlError):
                self.ledger.node_stopped(self.node, self.clock())
        self._log("stop", finished=finished,
                  reason=None if finished else t("a pass was still sending; its posts are "
                                                 "left for reconcile"))
        if finished:
            self._stack.close()
        return finished

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # --- the pass --------------------------------------------------------------------------
    def wake(self, why: str) -> None:
        """One publish pass at the current instant, then the wake job moves to the next due."""
        if self._stopping.is_set():
            return
        with self._pass_lock:
            if self._stopping.is_set():
                return
            with self._state_lock:
                workspace, campaigns = self.workspace, list(self.campaigns)
            assert workspace is not None
            now = self.clock()
            self._log("wake", why=why, at=now)
            try:
                summary = publish_job(workspace, campaigns, now=now,
                                      sandbox=self.options.sandbox,
                                      sandbox_url=self.sandbox_url)
                self._log_results(summary.results)
                self.last_ok = summary.ok
            except ValidationFailed as exc:
                self.last_ok = False
                for p in exc.problems:
                    self._log("pass-failed", logging.ERROR, reason=p.one_line())
            except CampaignctlError as exc:
                self.last_ok = False
                self._log("pass-failed", logging.ERROR, reason=exc.one_line())
            except Exception as exc:  # a bug must not stop the service; the next wake retries
                self.last_ok = False
                self._log("pass-failed", logging.ERROR,
                          reason=f"internal error: {type(exc).__name__}: {exc}"[:500])
            self._last_pass = now
            self._reschedule()

    def _log_results(self, results: Sequence[Any]) -> None:
        for r in results:
            if r.outcome not in _LOGGED or self._logged.get(r.key) == r.outcome:
                continue
            self._logged[r.key] = r.outcome
            level = logging.ERROR if r.outcome in ("failed", "unknown") else logging.INFO
            self._log(r.outcome, level, campaign=r.campaign, post=r.post, channel=r.channel,
                      outcome=r.outcome, at=r.at, url=r.url, reason=r.reason)

    def _reschedule(self) -> None:
        """Move the one wake job to the first occurrence after the last pass."""
        # One at a time: a pass ending and a reload must not leave the older answer last.
        with self._schedule_lock:
            self._reschedule_locked()

    def _reschedule_locked(self) -> None:
        if self._stopping.is_set() or self.scheduler is None:
            return
        with self._state_lock:
            workspace, campaigns = self.workspace, list(self.campaigns)
        assert workspace is not None
        # After the last pass, not after now: what fell due since is woken for at once.
        after = self._last_pass or self.clock()
        nxt = next_due(campaigns, after, workspace.blackouts)
        changed, self.next_due = nxt != self.next_due or not self._announced, nxt
        self._announced = True
        if nxt is None:
            with contextlib.suppress(Exception):
                self.scheduler.remove_job(WAKE_JOB, LEDGER_STORE)
            if changed:
                self._log("idle", reason=t("nothing left to schedule"))
            return
        self.scheduler.add_job(_wake, "date", run_date=nxt, args=[self.node], id=WAKE_JOB,
                               jobstore=LEDGER_STORE, replace_existing=True)
        if changed:  # a safety pass that changes nothing is not worth a line
            self._log("scheduled", next_due=nxt)

    # --- heartbeat -------------------------------------------------------------------------
    def beat(self) -> None:
        """Write this node's heartbeat row."""
        if self.ledger is None or self._stopping.is_set():
            return
        nxt = self.next_due
        zone = getattr(nxt.tzinfo, "key", None) if nxt is not None else None
        try:
            self.ledger.beat(self.node, host=self.host, pid=self.pid,
                             started_at=self.started_at, next_due=nxt, zone=zone,
                             now=self.clock())
        except CampaignctlError as exc:
            self._log("heartbeat-failed", logging.WARNING, reason=exc.one_line())

    # --- reload ----------------------------------------------------------------------------
    def request_reload(self) -> None:
        """SIGHUP: ask for a reload (done outside the signal handler)."""
        self._reload_requested.set()

    def take_reload_request(self) -> bool:
        """True once after each request_reload()."""
        if self._reload_requested.is_set():
            self._reload_requested.clear()
            return True
        return False

    def poll_files(self) -> None:
        """Reload when a watched file changed (mtime, size, added or removed)."""
        if self._stopping.is_set():
            return
        signature = _signature(self.root)
        if signature != self._signature:
            self._signature = signature
            self.reload("file-change")

    def reload(self, why: str) -> bool:
        """Re-read channels.yaml and the campaigns; a broken file keeps its last good
        version (one log line per problem with file:line). True when all loaded clean."""
        self._signature = _signature(self.root)
        try:
            workspace = load_workspace(self.root)
            campaigns, problems = load_campaigns(workspace)
        except CampaignctlError as exc:
            self._log("reload-failed", logging.ERROR, why=why, reason=exc.one_line())
            return False
        errors = [p for p in problems if p.is_error]
        with self._state_lock:
            if errors:
                broken = {p.file for p in errors}
                fresh = {c.id for c in campaigns}
                kept = [c for c in self.campaigns
                        if c.marks["campaign"].file in broken and c.id not in fresh]
                campaigns = [*campaigns, *kept]
            self.workspace, self.campaigns = workspace, campaigns
        for p in errors:
            self._log("reload-failed", logging.ERROR, why=why, file=p.file, line=p.line,
                      reason=p.one_line())
        self._log("reload", why=why, campaigns=len(campaigns))
        self._reschedule()
        return not errors


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"
