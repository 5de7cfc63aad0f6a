"""The channel registry: built-in and third-party channels, found through one entry-point group.

A third-party package adds a platform by declaring, in its pyproject.toml::

    [project.entry-points."campaignctl.channels"]
    mastodon = "campaignctl_mastodon:MastodonChannel"
"""

from __future__ import annotations

import dataclasses
import os
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points

from ..errors import ConfigError
from ..i18n import t
from .base import DEFAULT_SANDBOX_URL, Channel, Limits
from .credentials import SecretSource, TokenStore
from .fixtures import SandboxSecrets

ENTRY_POINT_GROUP = "campaignctl.channels"

# Used only when the package's metadata is missing (running from a source tree that was
# never installed); an installed campaignctl always answers from its entry points.
_BUILT_IN = {
    "x": "campaignctl.channels.x:XChannel",
    "facebook": "campaignctl.channels.facebook:FacebookChannel",
    "youtube": "campaignctl.channels.youtube:YouTubeChannel",
    "tiktok": "campaignctl.channels.tiktok:TikTokChannel",
}


@cache
def _targets() -> dict[str, str]:
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return found or dict(_BUILT_IN)


def platforms() -> list[str]:
    """Every platform name a channels.yaml account may use."""
    return sorted(_targets())


@cache
def channel_class(platform: str) -> type[Channel]:
    """The Channel subclass for ``platform``; importing it imports no SDK."""
    target = _targets().get(platform)
    if target is None:
        raise ConfigError(
            f"unknown platform {platform!r}",
            f"use one of: {', '.join(platforms())}",
        )
    module_name, _, attr = target.partition(":")
    return getattr(import_module(module_name), attr)


def limits_for(platform: str) -> Limits:
    """The declared limits of a platform (offline; no SDK import)."""
    return channel_class(platform).limits


def open_channel(account, secrets, *, sandbox_url: str | None = None, **kwargs) -> Channel:
    """An adapter for ``account``; pointed at the sandbox when asked or when the account says
    ``sandbox: true`` (URL from CAMPAIGNCTL_SANDBOX_URL, default http://127.0.0.1:8765)."""
    base_url = account.base_url
    if sandbox_url or account.sandbox:
        root = sandbox_url or os.environ.get("CAMPAIGNCTL_SANDBOX_URL", DEFAULT_SANDBOX_URL)
        base_url = f"{root.rstrip('/')}/{account.platform}"
    return channel_class(account.platform)(account, secrets, base_url=base_url, **kwargs)


def secrets_for(workspace, account):
    """Where an account's credentials come from: the sandbox's fixtures for sandbox accounts
    (tokens they refresh kept apart from real ones), else env/.env/keyring."""
    if account.sandbox:
        return SandboxSecrets(token_store=TokenStore(workspace.state_dir / "sandbox-tokens.json"))
    return SecretSource(dotenv=workspace.root / ".env",
                        token_store=TokenStore(workspace.state_dir / "tokens.json"))


def channel_for(workspace, name: str, *, sandbox_url: str | None = None,
                force_sandbox: bool = False, **kwargs) -> Channel:
    """The adapter for the account ``name`` of ``workspace``. Accounts marked `sandbox: true`
    (or every account, with ``force_sandbox``) go to ``sandbox_url`` (else
    CAMPAIGNCTL_SANDBOX_URL, else 127.0.0.1:8765) with the sandbox's fixture credentials."""
    account = workspace.accounts.get(name)
    if account is None:
        raise ConfigError(t("no channel named {name!r} in channels.yaml", name=name),
                          t("use one of: {names}", names=", ".join(sorted(workspace.accounts))))
    if force_sandbox:
        account = dataclasses.replace(account, sandbox=True)
    return open_channel(account, secrets_for(workspace, account),
                        sandbox_url=sandbox_url if account.sandbox else None, **kwargs)
