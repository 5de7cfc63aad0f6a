"""Seal every test: sockets only to loopback, HOME in a temp folder, no real clock surprises."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guard(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host not in _LOOPBACK and not str(host).startswith("127."):
            raise RuntimeError(f"test tried to reach {host!r}: only loopback is allowed")


def _sealed_connect(self, address):
    _guard(self, address)
    return _real_connect(self, address)


def _sealed_connect_ex(self, address):
    _guard(self, address)
    return _real_connect_ex(self, address)


socket.socket.connect = _sealed_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _sealed_connect_ex  # type: ignore[method-assign]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _live_unseals_sockets(request, monkeypatch):
    """A test marked ``@pytest.mark.live`` may reach the real platforms: it gets the real
    connect back for its own duration (monkeypatch puts the seal back afterwards)."""
    if request.node.get_closest_marker("live") is not None:
        monkeypatch.setattr(socket.socket, "connect", _real_connect)
        monkeypatch.setattr(socket.socket, "connect_ex", _real_connect_ex)
    yield


@pytest.fixture(autouse=True)
def _sealed_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("CAMPAIGNCTL_LEDGER", raising=False)
    monkeypatch.delenv("CAMPAIGNCTL_SANDBOX_URL", raising=False)
    monkeypatch.setenv("CAMPAIGNCTL_LANG", "en")
    from campaignctl.i18n import set_language

    set_language(None)
    yield home
    set_language(None)  # a test that ran `--lang id` must not change the next one


@pytest.fixture
def sandbox():
    """All four emulators on a free loopback port."""
    from campaignctl.sandbox import Sandbox

    with Sandbox(port=0) as sb:
        yield sb


def postgres_url() -> str | None:
    """A reachable PostgreSQL URL (CAMPAIGNCTL_TEST_POSTGRES or the local server), else None."""
    url = os.environ.get("CAMPAIGNCTL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), connect_timeout=2):
            return url
    except Exception:
        return None
