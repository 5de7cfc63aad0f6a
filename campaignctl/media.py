"""What a media file really is, read from its content (never its name).

A poster saved as ``poster.mp4`` is still a picture; platforms care about the bytes, so
the rules do too. Results are cached by (path, mtime, size): validate looks at the same
files once per (occurrence, channel) and must not re-read them. A video's length comes from
its container (mutagen reads MP4/MOV headers; nothing is decoded).
"""

from __future__ import annotations

import dataclasses
import math
import mimetypes
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import filetype

from .i18n import decimal_sign, t
from .models import Media

KINDS = ("image", "gif", "video")

# Python's built-in table only: /etc/mime.types differs between machines, and CI and a
# laptop must give the same warnings.
_NAMES = mimetypes.MimeTypes()

_cache: dict[tuple[str, int, int], tuple[str, str] | None] = {}
_durations: dict[tuple[str, int, int], float | None] = {}
T = TypeVar("T")


def _key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):  # a folder or device is never media
        return None
    return (str(path), st.st_mtime_ns, st.st_size)


def _kind_of(mime: str) -> str | None:
    if mime == "image/gif":
        return "gif"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    return None


def _cached(cache: dict[tuple[str, int, int], T], path: Path,
            read: Callable[[Path], T]) -> T | None:
    """``read(path)`` once per (path, mtime, size); None for a missing file or a folder."""
    key = _key(path)
    if key is None:
        return None
    if key not in cache:
        cache[key] = read(path)
    return cache[key]


def sniff(path: Path) -> tuple[str, str] | None:
    """(kind, mime) read from the file's content; None if missing or not a picture or video."""
    return _cached(_cache, Path(path), _sniff)


def _sniff(path: Path) -> tuple[str, str] | None:
    found: tuple[str, str] | None = None
    try:
        guess = filetype.guess(str(path))
    except OSError:
        guess = None
    if guess is not None:
        kind = _kind_of(guess.mime)
        if kind is not None:
            found = (kind, guess.mime)
    return found


def content_type(path: Path) -> str | None:
    """The MIME type of any file's content ("text/plain" and "inode/x-empty" included); None if
    it cannot be read."""
    path = Path(path)
    found = sniff(path)
    if found is not None:
        return found[1]
    try:
        guess = filetype.guess(str(path))
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if guess is not None:
        return guess.mime
    if not head:
        return "inode/x-empty"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


_PLAIN_NAMES = {"text/plain": "text", "inode/x-empty": "empty",
                "application/octet-stream": "unrecognised binary data"}


def describe(mime: str | None) -> str:
    """A short human name for what a file holds, for "this is not media" messages."""
    if mime is None:
        return "unreadable"
    return _PLAIN_NAMES.get(mime, mime)


def mime_from_name(path: Path) -> str | None:
    """The MIME type a file's extension promises (None when the extension is unknown)."""
    return _NAMES.guess_type(path.name, strict=False)[0]


def type_of(path: Path) -> tuple[str | None, str | None]:
    """(kind, mime) of a file: both for pictures and videos, (None, mime) for other files,
    (None, None) when it is missing."""
    found = sniff(path)
    if found is not None:
        return found
    if _key(Path(path)) is None:
        return None, None
    return None, content_type(path)


def with_type(media: Media, root: Path | None = None) -> Media:
    """A copy of ``media`` with ``kind`` and ``mime`` read from the file (unchanged if missing).

    A file that is not a picture or video gets its ``mime`` and no ``kind``, so later checks
    can tell "not media" from "missing" without the workspace folder. ``root`` resolves a
    relative ``media.path``; the copy keeps the path as written, so content hashes do not
    depend on where the workspace lives.
    """
    path = media.path if root is None or media.path.is_absolute() else root / media.path
    kind, mime = type_of(path)
    if mime is None:
        return media
    if media.kind == kind and media.mime == mime:
        return media
    return dataclasses.replace(media, kind=kind, mime=mime)


def duration(path: Path) -> float | None:
    """A video's length in seconds from its container; None when unknown (missing file, a
    format mutagen cannot read such as WebM, or no length recorded)."""
    return _cached(_durations, Path(path), _duration)


def _duration(path: Path) -> float | None:
    length: float | None = None
    try:
        # Imported here: the offline commands start fast, and most posts carry no video.
        import mutagen

        found = mutagen.File(str(path))
        if found is not None and found.info is not None:
            length = float(found.info.length)
    except Exception:  # a damaged header means "unknown", never a crash
        length = None
    # A zero length is what a fragmented MP4 (or an empty moov) records: unknown, not 0 s.
    if length is not None and not length > 0:
        length = None
    return length


def human_duration(seconds: float, *, beside: float | None = None) -> str:
    """A length for people in the current language: "2 min 20 s", "0.3 s", "4 h".

    Shown next to a limit (``beside``), it rounds away from that limit to the tenth of a
    second, so 140.04 s beside 140 s reads "2 min 20.1 s", never the limit itself.
    """
    tenths = round(seconds * 10, 6)  # drop float noise (0.3 * 10) before rounding
    if beside is not None and seconds > beside:
        tenths = math.ceil(tenths)
    elif beside is not None and seconds < beside:
        tenths = math.floor(tenths)
    else:
        tenths = round(tenths)
    hours, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    secs = f"{rest // 10}" if rest % 10 == 0 else f"{rest / 10:.1f}"
    secs = secs.replace(".", decimal_sign())
    parts = []
    if hours:
        parts.append(t("{n} h", n=hours))
    if minutes:
        parts.append(t("{n} min", n=minutes))
    if rest or not parts:
        parts.append(t("{n} s", n=secs))
    return " ".join(parts)


def size(path: Path) -> int | None:
    """A file's size in bytes from one stat (the same one the caches key on); None when it
    is missing or not a regular file."""
    key = _key(Path(path))
    return None if key is None else key[2]


_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def human_size(size: int, *, beside: int | None = None) -> str:
    """A file size for people in the current language: "7.2 MB", "512 MB", "830 B".

    Units are binary, as the platforms count (1 MB = 1024 * 1024 bytes), with at most one
    decimal. Shown next to a limit (``beside``), it rounds away from that limit, so 5 MB and
    one byte beside 5 MB reads "5.1 MB", never the limit itself. Integer arithmetic keeps
    that true for limits of many GB.
    """
    size = max(int(size), 0)
    place = 0
    while place < len(_SIZE_UNITS) - 1 and size >= 1024 ** (place + 1):
        place += 1

    def tenths_in(unit: int) -> int:
        if beside is not None and size > beside:
            return -(-size * 10 // unit)  # up
        if beside is not None and size < beside:
            return size * 10 // unit  # down
        return (size * 20 + unit) // (2 * unit)  # nearest, halves up

    tenths = tenths_in(1024 ** place)
    while place < len(_SIZE_UNITS) - 1 and tenths >= 10240:  # 1023.96 MB reads "1 GB"
        place += 1
        tenths = tenths_in(1024 ** place)
    if place == 0:
        shown = str(size)
    else:
        shown = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
    shown = shown.replace(".", decimal_sign())
    return f"{shown} {_SIZE_UNITS[place]}"


def clear_cache() -> None:
    """Forget every sniffed file (tests; long-running services after edits are already safe)."""
    _cache.clear()
    _durations.clear()
