"""X (Twitter) through tweepy: OAuth 1.0a or OAuth 2.0 user tokens; threads; v2 media upload.

The SDK is imported inside methods only: the offline commands read ``limits`` without it.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Channel, Limits


class XChannel(Channel):
    platform = "x"
    default_base_url = "https://api.twitter.com"
    limits: ClassVar[Limits] = Limits(
        text_max=280, text_counter="twitter", thread=True, max_images=4, max_videos=1,
        alt_text_max=1000, requests_per_window=100, window_seconds=900, max_concurrency=4,
        metrics_batch=100,
        option_fields=("reply_settings", "quote_tweet_id", "poll", "for_super_followers_only"),
    )
