"""x emulator (being written)."""

from .core import Emulator


class XEmulator(Emulator):
    name = "x"

CREDENTIALS: dict[str, str] = {}
