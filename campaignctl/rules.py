"""Offline checks of rendered posts against each channel's rules, in one place.

The generic checks read the limits each channel declares as data
(``campaignctl.channels.limits_for``): text length by the platform's own counting, media
counts, alt text, video length, file sizes. The few rules that are not plain numbers
(YouTube's title and tags, TikTok's privacy levels, Facebook's "text or media") live in one
small function per platform below. Nothing here touches the network or imports a platform SDK.

Every problem names the YAML file:line it comes from, says what is wrong with numbers,
and what to do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

from . import media as media_mod
from .channels import limits_for
from .channels.base import Limits
from .errors import CampaignctlError, Problem
from .i18n import t
from .models import Mark, Media, RenderedPost

__all__ = ["check", "duplicate_warnings", "text_length", "x_weighted_length", "youtube_tags_length"]

# How each platform is called in messages.
_NAMES = {"x": "X", "facebook": "Facebook", "youtube": "YouTube", "tiktok": "TikTok"}

YOUTUBE_PRIVACY = ("public", "unlisted", "private")
TIKTOK_PRIVACY = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR",
                  "SELF_ONLY")
YOUTUBE_TITLE_MAX = 100
YOUTUBE_TAGS_MAX = 500
YOUTUBE_DESCRIPTION_MAX = 5000

# What each platform calls a post's text, in messages.
_TEXT_NAMES = {"x": "post", "facebook": "message", "youtube": "description",
               "tiktok": "caption"}

# Platforms where a GIF takes the single video slot instead of a photo slot.
_GIF_IS_VIDEO = {"x"}


@lru_cache(maxsize=8192)
def x_weighted_length(text: str) -> int:
    """The length of ``text`` by X's own counting (twitter-text v3: URLs 23, emoji and CJK 2)."""
    try:
        return _parse_tweet()(text).weightedLength
    except UnicodeEncodeError:
        # A lone surrogate (a YAML "\ud800" escape) cannot be sent anyway; twitter-text
        # crashes on it, so count it as the replacement character X would see.
        clean = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
        return _parse_tweet()(clean).weightedLength


_original_extract: Callable[[str], list[dict]] | None = None


@cache
def _parse_tweet() -> Callable[[str], Any]:
    """twitter-text's parse_tweet, imported on first use, with a faster emoji scan.

    Importing twitter_text takes ~0.2 s (it compiles one regex of every emoji), so only
    campaigns with X posts pay it. Its scan, ``emoji.finditer(text)``, then tries that
    regex at every position: ~5 us a character, 0.5-0.8 ms a post, more than everything
    else validate does. A match can only start at a character that starts one of the
    regex's own sequences (read from the same module data the regex is built from), so we
    try ``emoji.match`` at those positions only and step past each match as finditer does:
    the same matches, ~50x faster. The counting itself stays twitter-text's; tests compare
    both scans on random text.
    """
    global _original_extract

    # twitter_text/__init__ rebinds the name parse_tweet to the function: go through
    # import_module for the module itself.
    module = import_module("twitter_text.parse_tweet")
    try:
        data = import_module("twitter_text.regexp.emoji")
        regex = data.emoji
        sequences = [[int(c, 16) for c in item.codepoint.split()] for item in data.emoji_list]
        singles = data.single_codepoint_emoji_ranges
        original = module.extract_emojis_with_indices
    except (ImportError, AttributeError, ValueError):  # a future layout: stay correct, slower
        return module.parse_tweet  # type: ignore[no-any-return]
    first = {chr(seq[0]) for seq in sequences if len(seq) > 1}
    first.update(chr(c) for low, high in singles for c in range(low, high + 1))
    # Sequences starting with an ASCII character (keycaps: "1", FE0F, 20E3) need one of
    # these next; checking it avoids a regex attempt at every digit.
    ascii_second = {chr(seq[1]) for seq in sequences if len(seq) > 1 and seq[0] < 0x80}
    ascii_alone = any(low < 0x80 for low, _ in singles)
    first_set = frozenset(first)

    def extract_emojis_with_indices(text: str) -> list[dict]:
        if text.isascii() and not ascii_alone:
            return []  # every sequence holds a non-ASCII code point
        found = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch in first_set and (ch >= "\x80" or ascii_alone
                                    or (i + 1 < n and text[i + 1] in ascii_second)):
                match = regex.match(text, i)
                if match:
                    found.append({"emoji": match.group(0),
                                  "indices": [match.start(), match.end()]})
                    i = match.end()
                    continue
            i += 1
        return found

    _original_extract = original
    module.extract_emojis_with_indices = extract_emojis_with_indices
    return module.parse_tweet


_COUNTERS: dict[str, Callable[[str], int]] = {
    "twitter": x_weighted_length,
    "chars": len,
    "utf16": lambda s: len(s.encode("utf-16-le")) // 2,
    "bytes": lambda s: len(s.encode("utf-8")),
}

_UNITS = {
    "twitter": "characters by X's counting",
    "chars": "characters",
    "utf16": "characters (UTF-16 units)",
    "bytes": "bytes (UTF-8)",
}


def text_length(text: str, counter: str) -> int:
    """The length of ``text`` as a platform counts it ("twitter", "chars", "utf16", "bytes")."""
    return _COUNTERS.get(counter, len)(text)


def _problem(mark: Mark | None, message: str, hint: str | None = None, *,
             severity: str = "error", code: str = "invalid") -> Problem:
    return Problem(message, mark.file if mark else None, mark.line if mark else None,
                   hint=hint, severity=severity, code=code)


def _shown(path: Path, root: Path | None) -> str:
    """The media path as the user wrote it: relative to the workspace (or cwd) when possible."""
    if not path.is_absolute():
        return path.as_posix()
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def check(post: RenderedPost, mark: Mark | None, *, root: Path | None = None,
          marks: Mapping[str, Mark] | None = None) -> list[Problem]:
    """Every way ``post`` breaks its channel's rules; ``mark`` is the post's YAML location
    and ``marks`` its fields' (``Post.marks``), so an option's problem names its own line.

    Media the renderer typed (``kind``/``mime`` set) is trusted; other media is read from
    disk, relative paths resolved against ``root`` (the workspace folder; default: the
    current one).
    """
    name = _NAMES.get(post.platform, post.platform)
    try:
        limits = limits_for(post.platform)
    except CampaignctlError as exc:
        return [_problem(mark, exc.message, exc.hint, code="unknown-platform")]
    problems: list[Problem] = []
    problems += _check_text(post, mark, limits, name)
    typed = [_typed(m, root) for m in post.media]
    problems += _check_media_files(post, typed, mark, root, limits)
    problems += _check_media_counts(post, typed, mark, limits, name)

    def where(option: str) -> Mark | None:
        return (marks or {}).get(f"options.{post.platform}.{option}") or mark

    problems += _check_media_durations(post, typed, mark, root, limits, name)
    problems += _check_media_sizes(post, typed, mark, root, limits, name, where)
    specific = _PLATFORM_CHECKS.get(post.platform)
    if specific is not None:
        problems += specific(post, typed, mark, where)
    return problems


# --- text ----------------------------------------------------------------------------


def _check_text(post: RenderedPost, mark: Mark | None, limits: Limits,
                name: str) -> list[Problem]:
    # Messages are built only when something is wrong: this runs for every
    # (occurrence, channel) and most posts are fine.
    problems = []
    count = _COUNTERS.get(limits.text_counter, len)
    threaded = limits.thread and len(post.parts) > 1
    if limits.thread and not post.media and not any(p.strip() for p in post.parts):
        return [_problem(mark, t("{platform} post is empty", platform=name),
                         t("write some text or attach media"), code="text-empty")]

    def what(i: int) -> str:
        if threaded:
            return t("{platform} thread part {n}", platform=name, n=i)
        return t("{platform} {label}", platform=name,
                 label=t(_TEXT_NAMES.get(post.platform, "text")))

    for i, part in enumerate(post.parts, 1):
        if threaded and not part.strip():
            problems.append(_problem(
                mark, t("{what} is empty", what=what(i)),
                t("write some text, or remove the empty part between --- lines"),
                code="text-empty"))
            continue
        length = count(part)
        if length > limits.text_max:
            hint = (t("shorten it or split the thread with a line containing only ---")
                    if limits.thread else t("shorten it"))
            problems.append(_problem(
                mark, t("{what} is {length} {unit}; the limit is {limit}", what=what(i),
                        length=length, limit=limits.text_max,
                        unit=t(_UNITS.get(limits.text_counter, "characters"))),
                hint, code="text-too-long"))
    return problems


# --- media ---------------------------------------------------------------------------


def _typed(item: Media, root: Path | None) -> Media:
    if item.mime:
        return item
    return media_mod.with_type(item, root)


def _check_media_files(post: RenderedPost, typed: list[Media], mark: Mark | None,
                       root: Path | None, limits: Limits) -> list[Problem]:
    # Media the renderer typed (it knows the workspace folder) is trusted: kind set means
    # a picture or video, mime alone means some other file, neither means missing.
    problems = []
    for item in typed:
        where = item.mark or mark
        if item.mime is None:
            problems.append(_problem(
                where, t("media file {path} does not exist", path=_shown(item.path, root)),
                t("check the path (relative to the workspace folder) or add the file"),
                code="media-missing"))
            continue
        if item.kind is None:
            problems.append(_problem(
                where, t("{path} is not a picture or video (its content is {content})",
                         path=_shown(item.path, root),
                         content=t(media_mod.describe(item.mime))),
                t("attach a PNG, JPEG or GIF picture or an MP4 video"),
                code="media-type"))
            continue
        promised = media_mod.mime_from_name(item.path)
        if promised and promised != item.mime and not _same_family(promised, item.mime):
            problems.append(_problem(
                where, t("{path} is named like {promised} but its content is {actual}",
                         path=_shown(item.path, root), promised=promised, actual=item.mime),
                t("rename the file to match its content"),
                severity="warning", code="media-extension"))
        alt = (item.alt or "").strip()
        if not alt:
            problems.append(_problem(
                where, t("{path} has no alt text", path=_shown(item.path, root)),
                t("add `alt:` describing the {kind} for people who cannot see it",
                  kind=t("video") if item.kind == "video" else t("picture")),
                code="alt-missing"))
        elif limits.alt_text_max is not None and len(alt) > limits.alt_text_max:
            problems.append(_problem(
                where, t("alt text of {path} is {length} characters; the limit is {limit}",
                         path=_shown(item.path, root), length=len(alt),
                         limit=limits.alt_text_max),
                t("shorten the alt text"), code="alt-too-long"))
    return problems


def _same_family(a: str | None, b: str | None) -> bool:
    # The same bytes go by several names (image/jpg vs image/jpeg, MP4 brands).
    aliases = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg",
               "video/x-m4v": "video/mp4", "video/quicktime": "video/quicktime"}
    return aliases.get(a or "", a) == aliases.get(b or "", b)


def _counts(post: RenderedPost, typed: list[Media]) -> tuple[int, int]:
    """(pictures, videos) as the platform counts them."""
    gif_is_video = post.platform in _GIF_IS_VIDEO
    images = videos = 0
    for item in typed:
        if item.kind == "video" or (item.kind == "gif" and gif_is_video):
            videos += 1
        elif item.kind in ("image", "gif"):
            images += 1
    return images, videos


def _check_media_counts(post: RenderedPost, typed: list[Media], mark: Mark | None,
                        limits: Limits, name: str) -> list[Problem]:
    problems = []
    images, videos = _counts(post, typed)
    if not images and not videos and not limits.requires_video:
        return problems
    video_word = t("video or GIF") if post.platform in _GIF_IS_VIDEO else t("video")
    if images > limits.max_images:
        message = (t("{platform} posts cannot carry pictures; this one has {n}",
                     platform=name, n=images) if limits.max_images == 0 else
                   t("{platform} allows at most {limit} pictures per post; this one has {n}",
                     platform=name, limit=limits.max_images, n=images))
        problems.append(_problem(mark, message, t("remove pictures or split the post"),
                                 code="media-count"))
    if videos > limits.max_videos:
        problems.append(_problem(
            mark, t("{platform} allows at most {limit} {what} per post; this one has {n}",
                    platform=name, limit=limits.max_videos, what=video_word, n=videos),
            t("keep one and move the others to their own posts"), code="media-count"))
    if images and videos and not limits.mix_images_and_video:
        problems.append(_problem(
            mark, t("{platform} cannot mix pictures and a {what} in one post "
                    "({images} picture(s), {videos} {what})", platform=name,
                    what=video_word, images=images, videos=videos),
            t("attach either the pictures or the {what}", what=video_word),
            code="media-mix"))
    if limits.requires_video and videos == 0:
        problems.append(_problem(
            mark, t("{platform} posts need exactly one video; this one has none",
                    platform=name),
            t("add the video under media:"), code="media-required"))
    return problems


def _check_media_durations(post: RenderedPost, typed: list[Media], mark: Mark | None,
                           root: Path | None, limits: Limits, name: str) -> list[Problem]:
    low, high = limits.min_video_seconds, limits.max_video_seconds
    soft = limits.max_video_seconds_unverified
    if low is None and high is None and soft is None:
        return []
    problems = []
    for item in typed:
        if item.kind != "video":
            continue
        path = item.path if root is None or item.path.is_absolute() else root / item.path
        seconds = media_mod.duration(path)
        if seconds is None:  # a length we cannot read is the platform's to judge
            continue
        where, shown = item.mark or mark, _shown(item.path, root)
        if high is not None and seconds > high:
            problems.append(_problem(
                where, t("video {path} is {length} long; {platform} accepts at most {limit}",
                         path=shown, length=media_mod.human_duration(seconds, beside=high),
                         platform=name, limit=media_mod.human_duration(high)),
                t("trim it or split it into shorter videos") if post.platform == "youtube"
                else t("trim it, or post it to YouTube and link to it"),
                code="media-duration"))
        elif soft is not None and seconds > soft:
            problems.append(_problem(
                where, t("video {path} is {length} long; {platform} accepts videos over "
                         "{limit} only from a verified channel", path=shown,
                         length=media_mod.human_duration(seconds, beside=soft), platform=name,
                         limit=media_mod.human_duration(soft)),
                t("verify the {platform} channel (it takes a phone number) or trim the video",
                  platform=name),
                severity="warning", code="media-duration"))
        elif low is not None and seconds < low:
            problems.append(_problem(
                where, t("video {path} is {length} long; {platform} needs at least {limit}",
                         path=shown, length=media_mod.human_duration(seconds, beside=low),
                         platform=name, limit=media_mod.human_duration(low)),
                t("use a longer clip, or attach a picture instead"), code="media-duration"))
    return problems


def _shrink_hint() -> str:
    # A function, not a constant: messages are built only when something is wrong (validate
    # runs this for every post and channel; the language is read at each call).
    return t("make it smaller (export as JPEG, or reduce its size)")


def _check_media_sizes(post: RenderedPost, typed: list[Media], mark: Mark | None,
                       root: Path | None, limits: Limits, name: str,
                       where_option: Callable[[str], Mark | None]) -> list[Problem]:
    """One problem per file over its platform's size limit (an error), or over a recommended
    size (a warning). The size comes from one stat of the file."""
    problems = []
    for item in typed:
        if item.kind is None:  # missing or not media: _check_media_files said so
            continue
        gif_own = item.kind == "gif" and limits.max_gif_bytes is not None
        if item.kind == "video":
            high, soft = limits.max_video_bytes, None
        elif gif_own:
            high, soft = limits.max_gif_bytes, None
        else:
            high, soft = limits.max_image_bytes, limits.image_bytes_warn
        if high is None and soft is None:
            continue
        path = item.path if root is None or item.path.is_absolute() else root / item.path
        size = media_mod.size(path)
        if size is None:
            continue
        over = high if high is not None and size > high else None
        if over is None and (soft is None or size <= soft):
            continue
        limit = over if over is not None else soft
        assert limit is not None
        fields = {"path": _shown(item.path, root), "platform": name,
                  "size": media_mod.human_size(size, beside=limit),
                  "limit": media_mod.human_size(limit)}
        where = item.mark or mark
        if over is None:
            problems.append(_problem(
                where, t("{path} is {size}; {platform} recommends pictures under {limit}",
                         **fields), _shrink_hint(), severity="warning", code="media-size"))
        elif item.kind == "video":
            problems.append(_problem(
                where, t("{path} is {size}; {platform} accepts videos up to {limit}", **fields),
                t("compress it (a lower bitrate or resolution), or trim it"),
                code="media-size"))
        elif gif_own:
            problems.append(_problem(
                where, t("{path} is {size}; {platform} accepts GIFs up to {limit}", **fields),
                t("make it smaller (fewer frames or a smaller size), or attach it as an MP4 "
                  "video"), code="media-size"))
        else:
            problems.append(_problem(
                where, t("{path} is {size}; {platform} accepts pictures up to {limit}",
                         **fields), _shrink_hint(), code="media-size"))
    thumb_max, thumbnail = limits.max_thumbnail_bytes, post.options.get("thumbnail")
    if thumb_max is not None and thumbnail:  # a file path, relative like media
        written = Path(str(thumbnail))
        path = written if root is None or written.is_absolute() else root / written
        size = media_mod.size(path)
        if size is None:
            problems.append(_problem(
                where_option("thumbnail"),
                t("thumbnail file {path} does not exist", path=_shown(written, root)),
                t("check the path (relative to the workspace folder) or add the file"),
                code="media-missing"))
        elif size > thumb_max:
            problems.append(_problem(
                where_option("thumbnail"),
                t("thumbnail {path} is {size}; {platform} accepts thumbnails up to {limit}",
                  path=_shown(written, root), platform=name,
                  size=media_mod.human_size(size, beside=thumb_max),
                  limit=media_mod.human_size(thumb_max)),
                _shrink_hint(), code="media-size"))
    return problems


# --- per platform --------------------------------------------------------------------


def _check_facebook(post: RenderedPost, typed: list[Media], mark: Mark | None,
                    where: Callable[[str], Mark | None]) -> list[Problem]:
    if any(p.strip() for p in post.parts) or typed:
        return []
    return [_problem(mark, t("Facebook post has neither text nor media"),
                     t("write some text or attach a picture or video"), code="text-empty")]


def _check_youtube(post: RenderedPost, typed: list[Media], mark: Mark | None,
                   where: Callable[[str], Mark | None]) -> list[Problem]:
    problems = []
    opts = post.options
    title = str(opts.get("title") or "")
    if not title.strip():
        problems.append(_problem(where("title"), t("YouTube title is empty"),
                                 t("set options.youtube.title"), code="youtube-title"))
    elif len(title) > YOUTUBE_TITLE_MAX:
        problems.append(_problem(
            where("title"), t("YouTube title is {length} characters; the limit is {limit}",
                    length=len(title), limit=YOUTUBE_TITLE_MAX),
            t("shorten options.youtube.title"), code="youtube-title"))
    text = post.parts[0] if post.parts else ""
    description = str(opts.get("description") or text)
    if description != text and len(description.encode("utf-8")) > YOUTUBE_DESCRIPTION_MAX:
        problems.append(_problem(
            where("description"),
            t("YouTube description is {length} bytes (UTF-8); the limit is {limit}",
                    length=len(description.encode("utf-8")), limit=YOUTUBE_DESCRIPTION_MAX),
            t("shorten it"), code="text-too-long"))
    for field, value in (("title", title), ("description", description)):
        if "<" in value or ">" in value:
            problems.append(_problem(
                where(field),
                t("YouTube {field} contains < or >, which YouTube rejects", field=field),
                t("remove the angle brackets (write ‹ › or words instead)"),
                code="youtube-angle"))
    tags = opts.get("tags")
    if tags is not None:
        items = [s.strip() for s in tags.split(",")] if isinstance(tags, str) else \
            [str(s) for s in tags]
        items = [s for s in items if s]
        total = youtube_tags_length(items)
        if total > YOUTUBE_TAGS_MAX:
            problems.append(_problem(
                where("tags"), t("YouTube tags total {length} characters (counting commas and the "
                        "quotes around tags with spaces); the limit is {limit}",
                        length=total, limit=YOUTUBE_TAGS_MAX),
                t("remove or shorten tags"), code="youtube-tags"))
    privacy = opts.get("privacy")
    if privacy is not None and privacy not in YOUTUBE_PRIVACY:
        problems.append(_problem(
            where("privacy"), t("YouTube privacy {value!r} is not one of {allowed}", value=privacy,
                    allowed=", ".join(YOUTUBE_PRIVACY)),
            t("set options.youtube.privacy to public, unlisted or private"),
            code="youtube-privacy"))
    if opts.get("publish_at") and privacy != "private":
        problems.append(_problem(
            where("publish_at"),
            t("YouTube publish_at only works with privacy private (it is {value})",
                    value=privacy or t("not set")),
            t("set options.youtube.privacy: private, or remove publish_at"),
            code="youtube-publish-at"))
    return problems


def youtube_tags_length(tags: Sequence[str]) -> int:
    """YouTube's count for a tag list: commas between tags, quotes around tags with spaces."""
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + max(len(tags) - 1, 0)


def _check_tiktok(post: RenderedPost, typed: list[Media], mark: Mark | None,
                  where: Callable[[str], Mark | None]) -> list[Problem]:
    problems = []
    if not typed:
        problems.append(_problem(
            mark, t("TikTok posts need one video or 1 to 35 photos; this one has none"),
            t("attach a video or photos under media:"), code="media-required"))
    level = post.options.get("privacy_level")
    if level is not None and level not in TIKTOK_PRIVACY:
        problems.append(_problem(
            where("privacy_level"),
            t("TikTok privacy_level {value!r} is not one of {allowed}", value=level,
                    allowed=", ".join(TIKTOK_PRIVACY)),
            t("use SELF_ONLY until the TikTok app has passed its audit"),
            code="tiktok-privacy"))
    return problems


_PLATFORM_CHECKS: dict[str, Callable[[RenderedPost, list[Media], Mark | None,
                                      Callable[[str], Mark | None]], list[Problem]]] = {
    "facebook": _check_facebook,
    "youtube": _check_youtube,
    "tiktok": _check_tiktok,
}


# --- across occurrences --------------------------------------------------------------

_DATES_SHOWN = 5


def duplicate_warnings(posts: Sequence[RenderedPost],
                       marks: Mapping[str, Mark]) -> list[Problem]:
    """Warn where X would reject a post because the same channel already got the same text.

    ``marks`` maps post ids to their YAML location.
    """
    groups: dict[tuple[str, str], list[RenderedPost]] = defaultdict(list)
    for post in posts:
        if post.platform == "x":
            groups[(post.channel, post.text)].append(post)
    problems = []
    for (channel, _text), same in groups.items():
        if len(same) < 2:
            continue
        same.sort(key=lambda p: p.at)
        dates = [p.at.date().isoformat() for p in same]
        shown = ", ".join(dates[:_DATES_SHOWN])
        if len(dates) > _DATES_SHOWN:
            shown += t(" and {n} more", n=len(dates) - _DATES_SHOWN)
        ids = sorted({p.post for p in same})
        first = same[0].post
        problems.append(_problem(
            marks.get(first),
            t("X post {post} renders the same text on {channel} on {dates}; X rejects "
              "duplicate posts", post=", ".join(ids), channel=channel, dates=shown),
            t("make each occurrence differ, e.g. add {example} to the text",
              example="{{ when | date_long }}"),
            severity="warning", code="x-duplicate"))
    return problems
