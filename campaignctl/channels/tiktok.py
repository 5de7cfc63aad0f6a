"""TikTok Content Posting API over plain HTTP (requests); TikTok cannot delete posts.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Channel, Limits


class TikTokChannel(Channel):
    platform = "tiktok"
    default_base_url = "https://open.tiktokapis.com"
    limits: ClassVar[Limits] = Limits(
        text_max=2200, text_counter="utf16", max_images=35, max_videos=1,
        requests_per_window=6, window_seconds=60, max_concurrency=2, metrics_batch=20,
        can_delete=False,
        option_fields=("privacy_level", "title", "disable_comment", "disable_duet",
                       "disable_stitch", "brand_content_toggle", "brand_organic_toggle",
                       "is_aigc", "video_cover_timestamp_ms", "auto_add_music"),
    )
