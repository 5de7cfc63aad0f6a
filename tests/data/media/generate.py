"""Write the tiny real media fixtures the tests sniff (run once; the files are committed).

Each file is a structurally valid image or video, built byte by byte so no imaging
library is needed: a PNG (zlib + CRC chunks), a baseline JPEG (one flat 8x8 block with
the standard Huffman tables), a GIF89a, and an ISO-BMFF MP4 (ftyp + moov/mvhd + mdat).

The video-length fixtures were made once with ffmpeg (CI may not have it), black 64x64
frames at the lowest quality, a few KB each:

    ffmpeg -f lavfi -i color=c=black:s=64x64:r=1 -t 150 -c:v libx264 -crf 51 \
        -pix_fmt yuv420p -movflags +faststart two-and-a-half-minutes.mp4

with ``-t 1`` for one-second.mp4, ``r=10`` and ``-t 0.3`` for blink.mp4, and
``-c:v libvpx-vp9 -b:v 10k`` for one-second.webm (a length mutagen cannot read).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    # Each row: filter byte 0, then RGB pixels (a flat teal).
    raw = b"".join(b"\x00" + b"\x00\x80\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


# The standard luminance Huffman tables (ITU T.81 Annex K.3).
_DC_BITS = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
_DC_VALS = bytes(range(12))
_AC_BITS = bytes([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D])
_AC_VALS = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a16"
    "1718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a"
    "737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8"
    "b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
)


def jpeg() -> bytes:
    def segment(marker: int, data: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data

    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\x00" + bytes([1] * 64)
    sof0 = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"  # 8x8, one grey component
    dht = b"\x00" + _DC_BITS + _DC_VALS + b"\x10" + _AC_BITS + _AC_VALS
    sos = b"\x01\x01\x00\x00\x3f\x00"
    # A flat mid-grey block: DC difference 0 (code 00), then end-of-block (code 1010),
    # padded with 1 bits to the byte boundary.
    scan = bytes([0b00101011])
    return (b"\xff\xd8" + segment(0xE0, app0) + segment(0xDB, dqt) + segment(0xC0, sof0)
            + segment(0xC4, dht) + segment(0xDA, sos) + scan + b"\xff\xd9")


def gif() -> bytes:
    # 1x1, a two-colour global table, one LZW-coded pixel.
    return (b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\xff\xff\xff\x00\x00\x00"
            + b",\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02\x44\x01\x00" + b";")


def mp4() -> bytes:
    def box(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data) + 8) + kind + data

    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    identity = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = box(b"mvhd", struct.pack(">B3xIIII", 0, 0, 0, 1000, 0)  # version, times, timescale
               + struct.pack(">IH10x", 0x10000, 0x100) + identity + bytes(24)
               + struct.pack(">I", 2))
    return ftyp + box(b"moov", mvhd) + box(b"mdat", b"")


def main() -> None:
    (HERE / "poster.png").write_bytes(png())
    (HERE / "photo.jpg").write_bytes(jpeg())
    (HERE / "anim.gif").write_bytes(gif())
    (HERE / "clip.mp4").write_bytes(mp4())


if __name__ == "__main__":
    main()
