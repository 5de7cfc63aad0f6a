"""Routing commands to a sandbox: one already listening, else one started in this process.

publish, report, `channels check` and the service all route here when an account (or the
command line) asks for the sandbox, so every command sees the same rehearsal world.
"""

from __future__ import annotations

import contextlib
import os
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence

from ..channels.base import DEFAULT_SANDBOX_URL
from ..errors import UsageError
from ..i18n import t
from ..models import Workspace
from . import REHEARSAL_AUDIENCE_SPEED
from .server import Sandbox

# Where a sandbox started in-process keeps its posts, below the workspace's state folder.
SANDBOX_STATE = "sandbox/state.pickle"


def sandbox_answers(url: str, attempts: int = 1, timeout: float = 3.0) -> bool:
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
    if sandbox_answers(wanted, attempts=3 if url else 1):
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


def uses_sandbox(workspace: Workspace, names: Sequence[str]) -> bool:
    """True when any of the accounts ``names`` is marked ``sandbox: true``."""
    return any(workspace.accounts[n].sandbox for n in names if n in workspace.accounts)
