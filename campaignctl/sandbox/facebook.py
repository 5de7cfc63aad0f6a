"""facebook emulator (being written)."""

from .core import Emulator


class FacebookEmulator(Emulator):
    name = "facebook"

CREDENTIALS: dict[str, str] = {}
