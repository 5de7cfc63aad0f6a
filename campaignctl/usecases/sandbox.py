"""Routing sends to a local sandbox: one already listening, else one started in this process
whose world (posts, likes, uploads) persists in the workspace between commands; and
emptying that world with the ledger's sandbox rows (`sandbox reset`)."""

from __future__ import annotations

import contextlib
import json
import os
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
from ..sandbox import REHEARSAL_AUDIENCE_SPEED, Sandbox
from .common import open_ledger

SANDBOX_STATE = "sandbox/state.pickle"
# Tokens the emulators issued on refresh (channels.secrets_for keeps them there for sandbox
# accounts): an emptied world no longer knows them.
SANDBOX_TOKENS = "sandbox-tokens.json"


def answers(url: str, attempts: int = 1, timeout: float = 3.0) -> bool:
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
    wanted = url or os.environ.get("CAMPAIGNCTL_SANDBOX_URL") or DEFAULT_SANDBOX_URL
    # A URL the user named is expected to be there: ask it more than once before refusing.
    if answers(wanted, attempts=3 if url else 1):
        yield wanted
        return
    if url:
        raise UsageError(t("no sandbox answers at {url}", url=url),
                         t("start one with `campaignctl sandbox`, or leave out the URL"))
    state = workspace.state_dir / SANDBOX_STATE
    with Sandbox(port=0) as sandbox:
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


def _health(url: str) -> dict[str, Any] | None:
    """What a sandbox at ``url`` says of itself, or None when none answers there."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/_sandbox/health", timeout=3) as reply:
            answer = json.loads(reply.read() or b"null")
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _running_sandbox(state: Path, url: str | None) -> tuple[str | None, str | None]:
    """(the running sandbox to empty, a sandbox left alone because it is not this
    workspace's). One named (``url``, CAMPAIGNCTL_SANDBOX_URL) is emptied: the sends went
    there. At the default address only the one that keeps this workspace's world is."""
    named = url or os.environ.get("CAMPAIGNCTL_SANDBOX_URL")
    if named:
        if answers(named, attempts=3):
            return named, None
        if url:
            raise UsageError(t("no sandbox answers at {url}", url=url),
                             t("start one with `campaignctl sandbox`, or leave out the URL"))
        return None, None
    health = _health(DEFAULT_SANDBOX_URL)
    if health is None:
        return None, None
    kept = health.get("state")
    if kept and Path(kept).resolve() == state.resolve():
        return DEFAULT_SANDBOX_URL, None
    return None, DEFAULT_SANDBOX_URL


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
    running, foreign = _running_sandbox(state, url)
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
