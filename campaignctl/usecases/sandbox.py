"""Routing sends to a local sandbox: this workspace's own, if one serves it, else one started
in this process whose world (posts, likes, uploads) persists in the workspace between commands.

Which sandbox a command talks to is never a guess: ``--sandbox-url`` (or
CAMPAIGNCTL_SANDBOX_URL) is used as told; otherwise only a sandbox that says, in its health
answer, that it serves this workspace — the one `campaignctl sandbox` recorded in
.campaignctl/sandbox/running.json while it serves, or one on the default port. A sandbox
another workspace started on the same machine is never used unless named.

`sandbox reset` empties that world, with the ledger's sandbox rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import governance
from ..channels.base import DEFAULT_SANDBOX_URL
from ..errors import UsageError
from ..i18n import t
from ..ledger import A_SANDBOX_RESET
from ..models import Workspace
from .common import open_ledger

SANDBOX_STATE = "sandbox/state.pickle"
SANDBOX_RUNNING = "sandbox/running.json"  # the URL of `campaignctl sandbox` while it serves
# Tokens the emulators issued on refresh (channels.secrets_for keeps them there for sandbox
# accounts): an emptied world no longer knows them.
SANDBOX_TOKENS = "sandbox-tokens.json"


def health(url: str, attempts: int = 1, timeout: float = 3.0) -> dict[str, Any] | None:
    """The health answer of a sandbox at ``url`` ({} if it carries no JSON), or None if no
    sandbox listens there. A refused connection answers at once; a sandbox that is merely
    busy (its process loaded, e.g. beside a test run) gets a few seconds, so a slow answer is
    not mistaken for no sandbox."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(f"{url.rstrip('/')}/_sandbox/health",
                                        timeout=timeout) as reply:
                body = reply.read()
        except urllib.error.HTTPError:
            return None  # something answers there, but not a sandbox
        except OSError as exc:
            if isinstance(getattr(exc, "reason", exc), ConnectionRefusedError):
                return None  # nothing listens there
            continue  # timed out or reset: ask again
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {}
    return None


def answers(url: str, attempts: int = 1, timeout: float = 3.0) -> bool:
    """Is a sandbox listening at ``url``? (See health.)"""
    return health(url, attempts, timeout) is not None


def workspace_identity(root: Path | None) -> str | None:
    """What a sandbox serving the workspace at ``root`` calls it: its resolved path."""
    return None if root is None else str(Path(root).resolve())


def record_running(root: Path, url: str) -> Path:
    """Note in the workspace that this process serves its sandbox at ``url``."""
    path = Path(root) / ".campaignctl" / SANDBOX_RUNNING
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url, "pid": os.getpid(), "host": socket.gethostname(),
                               "workspace": workspace_identity(root)}))
    tmp.replace(path)
    return path


def forget_running(root: Path) -> None:
    """Remove the record written by record_running, if it is still this process's."""
    path = Path(root) / ".campaignctl" / SANDBOX_RUNNING
    record = _read_record(path)
    if record is not None and record.get("pid") == os.getpid() \
            and record.get("host") == socket.gethostname():
        with contextlib.suppress(OSError):
            path.unlink()


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _gone(record: dict[str, Any]) -> bool:
    """True when the recording process is known dead (on this host)."""
    pid = record.get("pid")
    if record.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def serves(url: str, root: Path | None, attempts: int = 1) -> bool:
    """Does a sandbox answer at ``url`` that serves the workspace at ``root``: it says so, or
    the world it keeps is this workspace's own saved one?"""
    answer = health(url, attempts)
    if answer is None:
        return False
    if answer.get("workspace") == workspace_identity(root):
        return True
    kept = answer.get("state")
    return bool(kept and root is not None and Path(kept).resolve()
                == (Path(root) / ".campaignctl" / SANDBOX_STATE).resolve())


def running_sandbox(root: Path | None) -> str | None:
    """The URL of this workspace's running sandbox: the one recorded while it serves (checked
    to answer and to serve this workspace: a record left by a killed sandbox, or a port since
    taken by another, is passed over), else the default port if it serves this workspace."""
    asked = None
    if root is not None:
        path = Path(root) / ".campaignctl" / SANDBOX_RUNNING
        record = _read_record(path)
        if record is not None and isinstance(record.get("url"), str):
            if _gone(record):
                with contextlib.suppress(OSError):
                    path.unlink()  # stale: its sandbox was killed
            elif serves(record["url"], root, attempts=3):
                return record["url"]
            else:
                asked = record["url"]
    if asked != DEFAULT_SANDBOX_URL and serves(DEFAULT_SANDBOX_URL, root):
        return DEFAULT_SANDBOX_URL
    return None


@contextlib.contextmanager
def sandbox_session(workspace: Workspace, url: str | None = None) -> Iterator[str]:
    """The URL of a sandbox to talk to: ``url`` as told (refused if nothing answers there),
    else CAMPAIGNCTL_SANDBOX_URL if it answers, else this workspace's running sandbox (see
    running_sandbox), else one started in this process whose posts persist in the workspace,
    so later commands (status, retract) see the same world."""
    # A URL the user named is expected to be there: ask it more than once before refusing.
    if url:
        if answers(url, attempts=3):
            yield url
            return
        raise UsageError(t("no sandbox answers at {url}", url=url),
                         t("start one with `campaignctl sandbox`, or leave out the URL"))
    named = os.environ.get("CAMPAIGNCTL_SANDBOX_URL")
    found = named if named and answers(named) else running_sandbox(workspace.root)
    if found:
        yield found
        return
    state = workspace.state_dir / SANDBOX_STATE
    # The emulators load only here (tests/test_layout.py: LAZY_MODULES): a live publish,
    # cron's every minute, never pays for them.
    from ..sandbox import REHEARSAL_AUDIENCE_SPEED, Sandbox

    with Sandbox(port=0, workspace=workspace_identity(workspace.root)) as sandbox:
        sandbox.load_state(state)
        for platform in sandbox.emulators:
            sandbox.configure(platform, audience_speed=REHEARSAL_AUDIENCE_SPEED)
        try:
            yield sandbox.url
        finally:
            sandbox.save_state(state)


def sandbox_call(url: str, path: str, body: dict | None = None) -> Any:
    """One call to a running sandbox's control API (/_sandbox/...), answered as JSON."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url.rstrip('/')}/_sandbox/{path}", data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise UsageError(t("the sandbox refused: {reason}", reason=exc.read().decode()[:200]))
    except OSError:
        raise UsageError(t("no sandbox answers at {url}", url=url),
                         t("start one with `campaignctl sandbox` in another terminal")) from None


def uses_sandbox(workspace: Workspace, names: Sequence[str]) -> bool:
    return any(workspace.accounts[n].sandbox for n in names if n in workspace.accounts)


@contextlib.contextmanager
def routed(workspace: Workspace, names: Sequence[str], sandbox: bool,
           sandbox_url: str | None) -> Iterator[str | None]:
    """The sandbox URL the named accounts' sends go to, or None if they all go live: a
    sandbox is used when asked for, or when any of the accounts says `sandbox: true`."""
    if sandbox or uses_sandbox(workspace, names):
        with sandbox_session(workspace, sandbox_url) as url:
            yield url
    else:
        yield None


def saved_posts(workspace_root: Any) -> dict | None:
    """The posts kept by `publish --sandbox` in this workspace, or None if there are none."""
    state = workspace_root / ".campaignctl" / SANDBOX_STATE
    if not state.is_file():
        return None
    from ..sandbox import Sandbox

    sandbox = Sandbox(port=0)  # never started: only its emulators' memory is read
    try:
        return sandbox.all_posts() if sandbox.load_state(state) else None
    finally:
        sandbox.stop()


# --- sandbox reset ----------------------------------------------------------------------------

@dataclass
class ResetSummary:
    """What `sandbox reset` emptied."""

    deleted: dict[str, int] = field(default_factory=dict)  # ledger rows, by table
    world_file: bool = False  # the saved world was removed
    tokens_file: bool = False  # the emulators' refreshed tokens were removed
    running: str | None = None  # a running sandbox emptied through its control API
    foreign: str | None = None  # a sandbox that answers but keeps no world of this workspace

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict."""
        return dict(self.__dict__)


def _running_sandbox(workspace: Workspace, url: str | None) -> tuple[str | None, str | None]:
    """(the running sandbox to empty, a sandbox left alone because it is not this
    workspace's). One named (``url``, CAMPAIGNCTL_SANDBOX_URL) is emptied: the sends went
    there. Otherwise only this workspace's own (see running_sandbox)."""
    named = url or os.environ.get("CAMPAIGNCTL_SANDBOX_URL")
    if named:
        if answers(named, attempts=3):
            return named, None
        if url:
            raise UsageError(t("no sandbox answers at {url}", url=url),
                             t("start one with `campaignctl sandbox`, or leave out the URL"))
        return None, None
    own = running_sandbox(workspace.root)
    if own:
        return own, None
    return None, (DEFAULT_SANDBOX_URL if answers(DEFAULT_SANDBOX_URL) else None)


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def reset_job(workspace: Workspace, *, now: datetime, url: str | None = None,
              by: str | None = None) -> ResetSummary:
    """Empty the sandbox's world (a running one of this workspace, or ``url``, and the saved
    one) and delete the ledger's sandbox rows, recording it in the audit trail. Live rows,
    approvals, retraction markers and the audit trail stay as they are."""
    state = workspace.state_dir / SANDBOX_STATE
    running, foreign = _running_sandbox(workspace, url)
    if running:
        # Its latency and faults are the user's settings; only the world goes.
        sandbox_call(running, "reset", {"keep_config": True})
    summary = ResetSummary(world_file=_remove(state),
                           tokens_file=_remove(workspace.state_dir / SANDBOX_TOKENS),
                           running=running, foreign=foreign)
    with open_ledger(workspace) as ledger:
        summary.deleted = ledger.forget_sandbox()
        governance.record(ledger, A_SANDBOX_RESET, by, now, details={
            "deleted": summary.deleted, "world_file": summary.world_file,
            "running": running})
    return summary
