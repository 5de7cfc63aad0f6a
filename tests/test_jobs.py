"""usecases.sandbox.sandbox_session's probe: a busy sandbox is waited for, a missing one is not."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from campaignctl.errors import UsageError
from campaignctl.usecases.sandbox import answers as _answers
from campaignctl.usecases.sandbox import sandbox_session
from campaignctl.workspace import create_workspace


class _SlowFirstHealth(BaseHTTPRequestHandler):
    """Answers /_sandbox/health, but the first answer comes late (a loaded machine)."""

    calls = 0
    delay = 0.0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        cls = type(self)
        cls.calls += 1
        if cls.calls == 1:
            time.sleep(cls.delay)
        status = 200 if self.path == "/_sandbox/health" else 404
        try:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the prober gave up on this answer already

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[tuple[str, type[_SlowFirstHealth]]]:
    handler = type("Handler", (_SlowFirstHealth,), {"calls": 0, "delay": 0.6})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_slow_first_answer_is_asked_again_not_taken_for_no_sandbox(slow_server):
    url, handler = slow_server
    assert _answers(url, attempts=3, timeout=0.2) is True
    assert handler.calls >= 2  # the first probe timed out, a later one got the answer


def test_one_attempt_gives_up_on_a_slow_answer(slow_server):
    url, handler = slow_server
    assert _answers(url, attempts=1, timeout=0.2) is False
    assert handler.calls == 1


def test_nothing_listening_is_no_sandbox_without_retrying():
    assert _answers(f"http://127.0.0.1:{_closed_port()}", attempts=3) is False


def test_a_server_that_is_not_a_sandbox_is_not_one(slow_server):
    url, handler = slow_server
    handler.delay = 0.0
    assert _answers(url + "/elsewhere", attempts=3) is False
    assert handler.calls == 1  # a 404 is an answer: no retry


def test_a_named_sandbox_url_that_is_not_there_is_refused_in_one_line(tmp_path):
    create_workspace(tmp_path / "ws")
    from campaignctl.config import load_workspace

    workspace = load_workspace(tmp_path / "ws")
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(UsageError) as caught:
        with sandbox_session(workspace, url):
            pass
    assert url in caught.value.one_line()
