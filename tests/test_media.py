"""media.py: kind and MIME type read from the file's content, not its name."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from campaignctl import media
from campaignctl.models import Mark, Media

DATA = Path(__file__).parent / "data" / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    media.clear_cache()
    yield
    media.clear_cache()


@pytest.mark.parametrize("name, expected", [
    ("poster.png", ("image", "image/png")),
    ("photo.jpg", ("image", "image/jpeg")),
    ("anim.gif", ("gif", "image/gif")),
    ("clip.mp4", ("video", "video/mp4")),
])
def test_sniff_reads_each_fixture(name, expected):
    assert media.sniff(DATA / name) == expected


def test_fixtures_are_tiny():
    for name in ("poster.png", "photo.jpg", "anim.gif", "clip.mp4"):
        assert (DATA / name).stat().st_size < 20_000


def test_png_renamed_mp4_is_still_an_image(tmp_path):
    fake = tmp_path / "poster.mp4"
    shutil.copy(DATA / "poster.png", fake)
    assert media.sniff(fake) == ("image", "image/png")


def test_mp4_renamed_png_is_still_a_video(tmp_path):
    fake = tmp_path / "clip.png"
    shutil.copy(DATA / "clip.mp4", fake)
    assert media.sniff(fake) == ("video", "video/mp4")


@pytest.mark.parametrize("content", [b"just some notes\n", b"", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"])
def test_sniff_rejects_non_media(tmp_path, content):
    path = tmp_path / "poster.png"
    path.write_bytes(content)
    assert media.sniff(path) is None


def test_sniff_missing_file_and_folder(tmp_path):
    assert media.sniff(tmp_path / "nope.png") is None
    (tmp_path / "dir.png").mkdir()
    assert media.sniff(tmp_path / "dir.png") is None


def test_cache_notices_a_replaced_file(tmp_path):
    path = tmp_path / "poster.png"
    shutil.copy(DATA / "poster.png", path)
    assert media.sniff(path) == ("image", "image/png")
    shutil.copy(DATA / "clip.mp4", path)  # different size, newer mtime
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert media.sniff(path) == ("video", "video/mp4")


def test_cache_avoids_rereading(tmp_path, monkeypatch):
    path = tmp_path / "poster.png"
    shutil.copy(DATA / "poster.png", path)
    calls = []
    real = media.filetype.guess
    monkeypatch.setattr(media.filetype, "guess", lambda p: calls.append(p) or real(p))
    for _ in range(5):
        media.sniff(path)
    assert len(calls) == 1


@pytest.mark.parametrize("content, mime, shown", [
    (b"hello\n", "text/plain", "text"),
    (b"", "inode/x-empty", "empty"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf", "application/pdf"),
    (b"\x00\xff\xfe\x80" * 10, "application/octet-stream", "unrecognised binary data"),
])
def test_content_type_and_describe(tmp_path, content, mime, shown):
    path = tmp_path / "thing.png"
    path.write_bytes(content)
    assert media.content_type(path) == mime
    assert media.type_of(path) == (None, mime)
    assert media.describe(mime) == shown


def test_type_of_media_and_missing(tmp_path):
    assert media.type_of(DATA / "clip.mp4") == ("video", "video/mp4")
    assert media.type_of(tmp_path / "gone.png") == (None, None)
    assert media.content_type(tmp_path / "gone.png") is None
    assert media.describe(None) == "unreadable"


def test_with_type_marks_non_media_by_mime_only(tmp_path):
    path = tmp_path / "poster.png"
    path.write_text("not a picture")
    typed = media.with_type(Media(path, alt="x"))
    assert (typed.kind, typed.mime) == (None, "text/plain")


def test_with_type_fills_kind_and_keeps_the_rest():
    mark = Mark("campaigns/c.yaml", 7)
    item = Media(DATA / "anim.gif", alt="a cat", mark=mark)
    typed = media.with_type(item)
    assert (typed.kind, typed.mime) == ("gif", "image/gif")
    assert (typed.path, typed.alt, typed.mark) == (item.path, "a cat", mark)
    assert item.kind is None  # the original is untouched (frozen)


def test_with_type_resolves_relative_paths_against_root():
    item = Media(Path("clip.mp4"), alt="x")
    typed = media.with_type(item, DATA)
    assert (typed.kind, typed.mime) == ("video", "video/mp4")
    assert typed.path == Path("clip.mp4")  # kept as written: hashes do not depend on the folder


def test_with_type_missing_file_is_unchanged(tmp_path):
    item = Media(tmp_path / "gone.png", alt="x")
    assert media.with_type(item) is item


@pytest.mark.parametrize("name, expected", [
    ("a.png", "image/png"), ("a.JPG", "image/jpeg"), ("a.mp4", "video/mp4"), ("a.xyz", None),
    ("a.webp", "image/webp"), ("a.mov", "video/quicktime"),
])
def test_mime_from_name(name, expected):
    assert media.mime_from_name(Path(name)) == expected


# --- video length (real MP4s made once with ffmpeg; see generate.py) -------------------------

@pytest.mark.parametrize("name, seconds", [
    ("one-second.mp4", 1.0),
    ("blink.mp4", 0.3),
    ("two-and-a-half-minutes.mp4", 150.0),
])
def test_duration_of_real_videos(name, seconds):
    assert media.duration(DATA / name) == pytest.approx(seconds, abs=0.01)


@pytest.mark.parametrize("name", [
    "one-second.webm",  # a real video in a container mutagen cannot read
    "clip.mp4",  # a valid MP4 whose header records no length
    "poster.png",
    "gone.mp4",
])
def test_duration_unknown_is_none(name):
    assert media.duration(DATA / name) is None


def test_new_video_fixtures_are_tiny():
    for name in ("one-second.mp4", "blink.mp4", "two-and-a-half-minutes.mp4",
                 "one-second.webm"):
        assert (DATA / name).stat().st_size < 60_000


def test_duration_is_cached_until_the_file_changes(tmp_path, monkeypatch):
    import mutagen

    path = tmp_path / "video.mp4"
    shutil.copy(DATA / "one-second.mp4", path)
    calls = []
    real = mutagen.File
    monkeypatch.setattr(mutagen, "File", lambda p: calls.append(p) or real(p))
    for _ in range(5):
        assert media.duration(path) == pytest.approx(1.0)
    assert len(calls) == 1
    shutil.copy(DATA / "two-and-a-half-minutes.mp4", path)  # different size and mtime
    assert media.duration(path) == pytest.approx(150.0)
    assert len(calls) == 2


@pytest.mark.parametrize("seconds, beside, shown", [
    (0.3, None, "0.3 s"),
    (1, None, "1 s"),
    (140, None, "2 min 20 s"),
    (185, None, "3 min 5 s"),
    (600, None, "10 min"),
    (15 * 60, None, "15 min"),
    (4 * 3600, None, "4 h"),
    (5400, None, "1 h 30 min"),
    (3661.5, None, "1 h 1 min 1.5 s"),
    (140.04, 140, "2 min 20.1 s"),  # never reads as the limit it exceeds
    (0.49, 0.5, "0.4 s"),
])
def test_human_duration(seconds, beside, shown):
    assert media.human_duration(seconds, beside=beside) == shown


def test_human_duration_uses_a_decimal_comma_in_indonesian():
    from campaignctl.i18n import set_language

    set_language("id")
    try:
        assert media.human_duration(1.5).startswith("1,5 ")
    finally:
        set_language(None)


MB = 1024 * 1024


@pytest.mark.parametrize("size, beside, shown", [
    (0, None, "0 B"),
    (830, None, "830 B"),
    (1536, None, "1.5 KB"),
    (5 * MB, None, "5 MB"),
    (int(7.2 * MB), None, "7.2 MB"),
    (512 * MB, None, "512 MB"),
    (4 * 1024 * MB, None, "4 GB"),
    (256 * 1024 * MB, None, "256 GB"),
    (1024 * MB - 1, None, "1 GB"),  # rounds up into the next unit
    (5 * MB + 1, 5 * MB, "5.1 MB"),  # never reads as the limit it exceeds
    (4 * 1024 * MB + 1, 4 * 1024 * MB, "4.1 GB"),  # exact even where floats are not
    (5 * MB - 1, 5 * MB, "4.9 MB"),
    (1024 * MB - 1, 1024 * MB, "1023.9 MB"),
])
def test_human_size(size, beside, shown):
    assert media.human_size(size, beside=beside) == shown


def test_human_size_uses_a_decimal_comma_in_indonesian():
    from campaignctl.i18n import set_language

    set_language("id")
    try:
        assert media.human_size(int(7.2 * MB)) == "7,2 MB"
    finally:
        set_language(None)


def test_size_is_one_stat_and_none_for_missing_or_folders(tmp_path):
    path = tmp_path / "big.png"
    with open(path, "wb") as fh:
        fh.write((DATA / "poster.png").read_bytes())
        fh.truncate(7 * MB)
    assert media.size(path) == 7 * MB
    assert media.sniff(path) == ("image", "image/png")  # sparse, still a picture
    assert media.size(tmp_path / "nope.png") is None
    assert media.size(tmp_path) is None
