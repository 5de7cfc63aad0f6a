"""The fixed credentials the sandbox emulators accept, and the source that hands them out.

They are fixtures, not secrets: each emulator (sandbox/) checks requests against its
platform's table, and ``SandboxSecrets`` gives the same values to the adapters, so a
rehearsal needs no real credential. Both sides need them, and channels never import the
sandbox, so they live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .credentials import Secret, SecretSource

if TYPE_CHECKING:
    from ..models import Account

# The Facebook app that logs in (`channels login`: app_id/app_secret credentials).
FACEBOOK_APP_CREDENTIALS: Mapping[str, str] = {"app_id": "100000000000777",
                                               "app_secret": "sandbox-facebook-app-secret"}

SANDBOX_CREDENTIALS: Mapping[str, dict[str, str]] = {
    "x": {
        # OAuth 1.0a user context
        "consumer_key": "sandbox-x-consumer-key",
        "consumer_secret": "sandbox-x-consumer-secret",
        "access_token": "sandbox-x-access-token",  # also accepted as an OAuth 2.0 bearer token
        "access_token_secret": "sandbox-x-access-token-secret",
        # OAuth 2.0 user tokens
        "client_id": "sandbox-x-client-id",
        "client_secret": "sandbox-x-client-secret",
        "refresh_token": "sandbox-x-refresh-token",
    },
    # The Page token, and the app for logging in.
    "facebook": {"page_access_token": "sandbox-facebook-page-access-token",
                 **FACEBOOK_APP_CREDENTIALS},
    "youtube": {
        "client_id": "sandbox-youtube-client-id.apps.googleusercontent.com",
        "client_secret": "sandbox-youtube-client-secret",
        "refresh_token": "sandbox-youtube-refresh-token",
        "access_token": "sandbox-youtube-access-token",
    },
    "tiktok": {
        "client_key": "sandbox-tiktok-client-key",
        "client_secret": "sandbox-tiktok-client-secret",
        "access_token": "act.sandbox-tiktok-access-token",
        "refresh_token": "rft.sandbox-tiktok-refresh-token",
    },
}


def sandbox_credentials(platform: str) -> dict[str, str]:
    """The credential fields the ``platform`` emulator accepts (not secrets: fixtures)."""
    return dict(SANDBOX_CREDENTIALS.get(platform, {}))


class SandboxSecrets(SecretSource):
    """Answers every credential lookup with the sandbox's own fixture values."""

    def get(self, account: Account, field: str,  # type: ignore[override]
            default: str | None = None) -> Secret | None:
        if self.tokens is not None:
            stored = self.tokens.get(account.name, field)
            if stored:
                return Secret(stored)
        value = sandbox_credentials(account.platform).get(field, default)
        return Secret(value) if value is not None else None
