"""Facebook Pages through facebook-sdk, always with an explicit Graph API version.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Channel, Limits


class FacebookChannel(Channel):
    platform = "facebook"
    default_base_url = "https://graph.facebook.com"
    limits: ClassVar[Limits] = Limits(
        text_max=63206, text_counter="chars", max_images=10, max_videos=1,
        requests_per_window=200, window_seconds=3600, max_concurrency=4, metrics_batch=50,
        option_fields=("link", "published"),
    )
