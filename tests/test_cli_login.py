"""`campaignctl channels login` as a user runs it: a real process, a "browser" that consents.

The browser is the stdlib's $BROWSER seam: a tiny script that opens the consent page and
follows its redirect back to the login's loopback receiver.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

BROWSER = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=10).read()"


def campaignctl(ws: Path, *args: str, browser: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "CAMPAIGNCTL_LANG": "en"}
    if browser:
        script = ws.parent / "browser.py"
        script.write_text(BROWSER)
        env["BROWSER"] = f"{sys.executable} {script} %s"
    return subprocess.run([sys.executable, "-m", "campaignctl", "--workspace", str(ws), *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    from campaignctl.workspace import create_workspace

    create_workspace(tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.parametrize("account", ["tiktok", "facebook", "youtube"])
def test_login_stores_tokens_for_the_user_only(ws: Path, account: str) -> None:
    result = campaignctl(ws, "channels", "login", account, "--timeout", "30")
    assert result.returncode == 0, result.stderr
    assert f"Logged in {account}" in result.stdout and "Traceback" not in result.stderr
    tokens = ws / ".campaignctl" / "sandbox-tokens.json"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    assert json.loads(tokens.read_text())[account]
    check = campaignctl(ws, "channels", "check", account, browser=False)
    assert check.returncode == 0, check.stderr


def test_login_with_oauth1_keys_says_what_to_change(ws: Path) -> None:
    result = campaignctl(ws, "channels", "login", "x", browser=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "OAuth 1.0a" in result.stderr


def test_login_without_consent_times_out_with_one_line(ws: Path) -> None:
    result = campaignctl(ws, "channels", "login", "tiktok", "--no-browser", "--timeout", "1",
                         browser=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Open this address to give consent: http://127.0.0.1")
    assert "channels login tiktok" in lines[-1] and "Traceback" not in result.stderr
