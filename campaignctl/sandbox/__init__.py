"""Local emulators of the four platforms, for rehearsal and for every test.

``Sandbox`` (server.py) serves them on one loopback port. Each platform module's
``CREDENTIALS`` are the fixed credential values its emulator accepts; they come from
channels/fixtures.py, whose ``SandboxSecrets`` hands them to the adapters so the sandbox
needs no real secret.
"""

from __future__ import annotations

from ..channels.fixtures import SandboxSecrets, sandbox_credentials
from .core import Emulator, Request, Response
from .server import Sandbox

__all__ = ["Emulator", "Request", "Response", "Sandbox", "SandboxSecrets", "sandbox_credentials",
           "REHEARSAL_AUDIENCE_SPEED"]

# In a sandbox people rehearse with, a second of the clock is an hour of audience reactions,
# so `report` right after `publish --sandbox --rehearse` shows numbers worth reading.
REHEARSAL_AUDIENCE_SPEED = 3600.0
