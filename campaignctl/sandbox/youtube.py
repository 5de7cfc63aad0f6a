"""youtube emulator (being written)."""

from .core import Emulator


class YouTubeEmulator(Emulator):
    name = "youtube"

CREDENTIALS: dict[str, str] = {}
