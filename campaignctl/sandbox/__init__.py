"""Local emulators of the four platforms, for rehearsal and for every test.

``Sandbox`` (core.py) serves them on one loopback port. Each platform module declares
``CREDENTIALS``: the fixed credential values its emulator accepts, which
``SandboxSecrets`` hands to the adapters so the sandbox needs no real secret.
"""

from __future__ import annotations

from .core import Emulator, Request, Response, Sandbox

__all__ = ["Emulator", "Request", "Response", "Sandbox", "SandboxSecrets", "sandbox_credentials",
           "REHEARSAL_AUDIENCE_SPEED"]

# In a sandbox people rehearse with, a second of the clock is an hour of audience reactions,
# so `report` right after `publish --sandbox --rehearse` shows numbers worth reading.
REHEARSAL_AUDIENCE_SPEED = 3600.0


def sandbox_credentials(platform: str) -> dict[str, str]:
    """The credential fields the ``platform`` emulator accepts (not secrets: fixtures)."""
    from importlib import import_module

    return dict(getattr(import_module(f"{__name__}.{platform}"), "CREDENTIALS", {}))


from ..channels.credentials import Secret, SecretSource  # noqa: E402


class SandboxSecrets(SecretSource):
    """Answers every credential lookup with the sandbox's own fixture values."""

    def get(self, account, field: str, default: str | None = None):  # type: ignore[override]
        if self.tokens is not None:
            stored = self.tokens.get(account.name, field)
            if stored:
                return Secret(stored)
        value = sandbox_credentials(account.platform).get(field, default)
        return Secret(value) if value is not None else None
