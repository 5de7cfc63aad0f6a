"""Getting a post's bytes to TikTok and waiting until TikTok has published it.

A video goes up in the chunks ``chunk_plan`` sizes, PUT to the ``upload_url`` that the
post's init returned, each with its Content-Range; photos need no upload (TikTok pulls
them from the verified URL prefix). Either way TikTok publishes asynchronously, so the
post's status is polled until it is PUBLISH_COMPLETE or FAILED, within a bounded wait.

``TikTokUploads`` is mixed into ``TikTokChannel``, whose HTTP plumbing (``_call``,
``_session``, ``_network_error``, ``_api_error``) it sends through.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ChannelError, Rejected, UnknownOutcome
from ..i18n import t
from ..models import Published
from .base import Progress

MB = 1024 * 1024
SINGLE_CHUNK_MAX = 64 * MB  # up to here a video may go in one request


def chunk_plan(size: int, preferred: int = 10 * MB) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) for a video of ``size`` bytes, per TikTok's rules.

    Under 5 MB, or up to 64 MB when ``preferred`` is not smaller: one chunk of the whole
    file. Otherwise chunks of ``preferred`` bytes (kept within 5-64 MB and at most 1000
    chunks); the count is floor(size / chunk) and the last chunk absorbs the remainder.
    """
    if size <= 0:
        raise ValueError("an empty video cannot be uploaded")
    chunk = min(max(preferred, 5 * MB), 64 * MB)
    if size < 5 * MB or size <= min(chunk, SINGLE_CHUNK_MAX):
        return size, 1
    while size // chunk > 1000 and chunk < 64 * MB:
        chunk = min(chunk * 2, 64 * MB)
    return chunk, size // chunk


class TikTokUploads:
    """The chunked video upload and the status polling of a TikTok channel."""

    # Status polling: status/fetch allows 30 calls a minute per token, so every 3 s is safe;
    # 100 polls bound the wait to about five minutes.
    poll_interval: float = 3.0
    max_polls: int = 100
    chunk_size: int = 10 * MB

    if TYPE_CHECKING:  # what TikTokChannel provides
        name: str
        timeout: float
        sleep: Callable[[float], None]

        def _session(self) -> Any: ...
        def _network_error(self, exc: BaseException, what: str, may_apply: bool,
                           publish_id: str | None = None) -> ChannelError: ...
        def _api_error(self, resp: Any, body: Any, what: str) -> ChannelError: ...
        def _call(self, path: str, payload: dict[str, Any] | None, what: str, *,
                  may_apply: bool = False, _retried: bool = False) -> dict[str, Any]: ...

    def _upload(self, path: Path, mime: str, size: int, chunk: int, count: int,
                upload_url: str, publish_id: str, progress: Progress | None) -> None:
        import requests

        with open(path, "rb") as fh:
            for index in range(count):
                first = index * chunk
                last = size - 1 if index == count - 1 else first + chunk - 1
                fh.seek(first)
                data = fh.read(last - first + 1)
                headers = {"Content-Type": mime, "Content-Length": str(len(data)),
                           "Content-Range": f"bytes {first}-{last}/{size}"}
                what = t("upload part {n} of {count} of the video", n=index + 1, count=count)
                try:
                    resp = self._session().put(upload_url, data=data, headers=headers,
                                               timeout=self.timeout)
                except requests.RequestException as exc:
                    # Only the last part can complete the upload and so publish the post.
                    raise self._network_error(exc, what, index == count - 1,
                                              publish_id) from None
                if resp.status_code not in (200, 201, 206):
                    try:
                        body = resp.json()
                    except ValueError:
                        body = None
                    raise self._api_error(resp, body, what)
                if progress:
                    progress(last + 1, size)

    def _await(self, publish_id: str) -> dict[str, Any]:
        """Poll status/fetch until PUBLISH_COMPLETE (FAILED -> Rejected); bounded."""
        for attempt in range(self.max_polls):
            try:
                data = self._call("/v2/post/publish/status/fetch/", {"publish_id": publish_id},
                                  t("read the post's status"))
            except ChannelError as exc:
                # The post is uploaded: whatever went wrong, it may still get published.
                raise UnknownOutcome(
                    t("TikTok accepted the post but its status could not be read ({error}); "
                      "publish_id {pid}", error=type(exc).__name__, pid=publish_id),
                    t("campaignctl reconciles before sending again; check the TikTok app if "
                      "unsure"), channel=self.name, status=exc.status,
                    platform_code=exc.platform_code) from exc
            status = data.get("status")
            if status == "PUBLISH_COMPLETE":
                return data
            if status == "FAILED":
                reason = str(data.get("fail_reason") or "unknown")
                raise Rejected(t("TikTok could not publish the post: {reason}", reason=reason),
                               t("fix the media or text as the reason says, then publish "
                                 "again"), channel=self.name, platform_code=reason)
            if attempt + 1 < self.max_polls:
                self.sleep(self.poll_interval)
        raise UnknownOutcome(
            t("TikTok is still processing the post after {n} status checks; publish_id {pid}",
              n=self.max_polls, pid=publish_id),
            t("campaignctl reconciles before sending again; check the TikTok app if unsure"),
            channel=self.name)

    def _published(self, publish_id: str, status: dict[str, Any], creator: dict[str, Any],
                   privacy: str, kind: str) -> Published:
        ids = [str(i) for i in status.get("publicaly_available_post_id") or []]  # (sic)
        username = str(creator.get("creator_username") or "")
        video_id = ids[0] if ids else None
        url = (f"https://www.tiktok.com/@{username}/video/{video_id}"
               if video_id and username else None)
        # TikTok names no id for private posts: the publish_id is all there is.
        return Published(video_id or publish_id, url, ids or [publish_id],
                         {"publish_id": publish_id, "video_id": video_id,
                          "privacy_level": privacy, "username": username, "kind": kind})
