"""tiktok emulator (being written)."""

from .core import Emulator


class TikTokEmulator(Emulator):
    name = "tiktok"

CREDENTIALS: dict[str, str] = {}
