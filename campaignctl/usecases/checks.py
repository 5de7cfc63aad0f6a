"""What the last `channels check` learned of each account, kept in the workspace.

`channels check` asks each platform what the account may do; the facts among its answers
that decide whether a post would be refused (each channel names them in ``check_facts``)
go to .campaignctl/checks.json, so the offline commands can tell without a request:
`plan` marks such posts refused and `validate` warns about them. Facts learned against the
sandbox speak only for an account routed to the sandbox, and live ones only for a live
account. Nothing here imports a platform SDK or the ledger.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..channels import channel_class
from ..channels.base import Refusal
from ..errors import Problem
from ..i18n import t
from ..models import Account, Campaign, PlanEntry, RenderedPost, Workspace

CHECKS_FILE = "checks.json"
SANDBOX = "sandbox"
LIVE = "live"


@dataclass(frozen=True)
class AccountFacts:
    """What one account's last check learned, and where (the sandbox or the platform)."""

    channel: str
    platform: str
    target: str  # SANDBOX | LIVE
    checked_at: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    facts: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "target": self.target,
                "checked_at": self.checked_at, "facts": self.facts}


def target_of(account: Account, forced_sandbox: bool = False) -> str:
    """Where the account's requests go: the sandbox (``sandbox: true`` or forced) or live."""
    return SANDBOX if forced_sandbox or account.sandbox else LIVE


def _path(workspace: Workspace) -> Any:
    return workspace.state_dir / CHECKS_FILE


def _stored(workspace: Workspace) -> dict[str, AccountFacts]:
    try:
        data = json.loads(_path(workspace).read_text(encoding="utf-8"))
        return {name: AccountFacts(name, str(v["platform"]), str(v["target"]),
                                   str(v["checked_at"]), dict(v["facts"]))
                for name, v in data.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        # A missing or damaged file only means nothing is known; the next check rewrites it.
        return {}


def remember_checks(workspace: Workspace, reports: Iterable[tuple[str, Mapping[str, Any]]],
                    *, forced_sandbox: bool, now: datetime) -> None:
    """Keep the ``check_facts`` of each (account, check details) pair. An account whose check
    returned none of them (it failed, say) keeps what an earlier check learned."""
    stored = _stored(workspace)
    changed = False
    for name, details in reports:
        account = workspace.accounts.get(name)
        if account is None:
            continue
        keys = channel_class(account.platform).check_facts
        facts = {k: details[k] for k in keys if k in details}
        if not facts:
            continue
        stored[name] = AccountFacts(name, account.platform, target_of(account, forced_sandbox),
                                    now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    facts)
        changed = True
    if changed:
        _write(workspace, {name: f.to_json() for name, f in sorted(stored.items())})


def _write(workspace: Workspace, data: dict[str, Any]) -> None:
    # Replace the file whole, so a reader never sees half of it.
    workspace.state_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=workspace.state_dir, prefix=".checks-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
        os.replace(tmp, _path(workspace))
    except BaseException:
        os.unlink(tmp)
        raise


def known_facts(workspace: Workspace) -> dict[str, AccountFacts]:
    """The stored facts that still speak for each account as channels.yaml routes it now
    (same platform, same target)."""
    out = {}
    for name, facts in _stored(workspace).items():
        account = workspace.accounts.get(name)
        if (account is not None and account.platform == facts.platform
                and target_of(account) == facts.target):
            out[name] = facts
    return out


def refusal_for(facts: Mapping[str, AccountFacts], post: RenderedPost) -> Refusal | None:
    """Why the platform would refuse ``post``, by what its account's last check learned."""
    known = facts.get(post.channel)
    if known is None:
        return None
    return channel_class(post.platform).refusal(post, known.facts, live=known.target == LIVE)


def _shown(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def refusal_problems(workspace: Workspace, campaigns: Sequence[Campaign],
                     entries: Sequence[PlanEntry]) -> list[Problem]:
    """`validate`'s warnings: each post the platform would refuse, by the last check of its
    account, at the line of the option at fault (else of the post), once per post."""
    facts = known_facts(workspace)
    if not facts:
        return []
    posts = {(c.id, p.id): p for c in campaigns for p in c.posts}
    seen: set[tuple] = set()
    out: list[Problem] = []
    for e in entries:
        if e.rendered is None:
            continue
        refused = refusal_for(facts, e.rendered)
        spec = posts.get((e.campaign, e.post))
        if refused is None or spec is None:
            continue
        mark = (spec.marks.get(f"options.{e.platform}.{refused.option}") if refused.option
                else None) or spec.mark
        problem = Problem(
            t("{post} on {channel} would be refused: {reason} (last `channels check` of "
              "{channel}: {when})", post=e.post, channel=e.channel, reason=refused.message,
              when=_shown(facts[e.channel].checked_at)),
            file=mark.file if mark else None, line=mark.line if mark else None, hint=refused.hint,
            severity="warning", code="account-refuses")
        key = (problem.file, problem.line, problem.message)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out
