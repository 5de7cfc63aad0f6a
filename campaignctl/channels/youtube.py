"""YouTube through google-api-python-client: resumable upload, thumbnail, statistics.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Channel, Limits


class YouTubeChannel(Channel):
    platform = "youtube"
    default_base_url = "https://youtube.googleapis.com"
    limits: ClassVar[Limits] = Limits(
        text_max=5000, text_counter="bytes", max_videos=1, requires_video=True,
        requests_per_window=100, window_seconds=86400, max_concurrency=2, metrics_batch=50,
        option_fields=("title", "description", "tags", "category", "privacy", "publish_at",
                       "made_for_kids", "thumbnail", "default_language"),
    )
