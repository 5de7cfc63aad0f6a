"""The sandbox a command uses is never a surprise: `campaignctl sandbox` records its URL in
its workspace while it serves, that workspace's commands use it (and say so), and no command
uses a sandbox another workspace started unless told to."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from service_runner import wait_for
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.sandbox import Sandbox
from campaignctl.usecases import sandbox as sandbox_usecase
from campaignctl.usecases.sandbox import SANDBOX_RUNNING, health, workspace_identity
from campaignctl.workspace import create_workspace

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()
POST = "layanan-kesehatan-gratis/pengumuman"


def run(ws: Path, *args: str):
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def make(root: Path) -> Path:
    create_workspace(root)
    return root


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make(tmp_path / "ws")


@pytest.fixture
def other(tmp_path: Path) -> Path:
    return make(tmp_path / "other")


def record(ws: Path) -> Path:
    return ws / ".campaignctl" / SANDBOX_RUNNING


def serve(cwd: Path, *args: str) -> subprocess.Popen:
    """`campaignctl sandbox` as typed in a terminal opened in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "campaignctl", "sandbox", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return out


def posted_texts(sb: Sandbox) -> list[str]:
    return [p["text"] for posts in sb.all_posts().values() for p in posts]


@pytest.fixture
def default_port(monkeypatch):
    """Stand in for 127.0.0.1:8765 (other runs on this machine may own the real one): the
    default URL commands look at becomes whatever sandbox the test puts there."""
    def point_at(sb: Sandbox) -> None:
        monkeypatch.setattr(sandbox_usecase, "DEFAULT_SANDBOX_URL", sb.url)
    return point_at


@pytest.mark.slow
def test_a_sandbox_on_its_own_port_serves_its_workspace_and_says_how_to_see_it(ws):
    proc = serve(ws, "--port", "0")
    try:
        url = wait_for(lambda: record(ws).is_file() and json.loads(record(ws).read_text())["url"],
                       30, "the sandbox's record")
        assert health(url)["workspace"] == workspace_identity(ws)

        published = run(ws, "publish", "--now", POST)  # accounts say `sandbox: true`
        assert published.exit_code == 0, published.output
        assert published.stdout.strip().splitlines()[-1] == f"Sandbox used: {url}"
        as_json = json.loads(run(ws, "publish", "--now", POST, "--json").stdout)
        assert as_json["sandbox_url"] == url
        assert set(as_json["counts"]) == {"already-done"}

        listing = run(ws, "sandbox", "posts", "--json")  # the hint, as printed
        assert listing.exit_code == 0, listing.output
        assert len(json.loads(listing.stdout)["facebook"]) == 1
    finally:
        out = stop(proc)
    lines = out.splitlines()
    assert url in lines[0]
    assert lines[1] == "See what it received: campaignctl sandbox posts"
    assert "Sandbox stopped." in out
    assert not record(ws).exists()  # gone with the sandbox, on SIGTERM too
    # Its world was kept in the workspace: the posts survive it.
    kept = json.loads(run(ws, "sandbox", "posts", "--json").stdout)
    assert len(kept["facebook"]) == 1


@pytest.mark.slow
def test_outside_a_workspace_the_hint_names_the_url(tmp_path):
    proc = serve(tmp_path, "--port", "0")
    try:
        first = proc.stdout.readline()
        hint = proc.stdout.readline().strip()
    finally:
        stop(proc)
    url = first.split(" on ")[1].split(" ")[0]
    assert hint == f"See what it received: campaignctl sandbox posts --url {url}"


def test_a_second_sandbox_for_the_same_workspace_is_refused(ws):
    with Sandbox(port=0, workspace=workspace_identity(ws)) as sb:
        sandbox_usecase.record_running(ws, sb.url)
        result = run(ws, "sandbox", "--port", "0")
    assert result.exit_code == 2
    assert sb.url in result.stderr and "already runs" in result.stderr


def test_another_workspaces_sandbox_on_the_default_port_is_never_used(ws, other, default_port):
    with Sandbox(port=0, workspace=workspace_identity(other)) as theirs:
        default_port(theirs)
        result = run(ws, "publish", "--now", POST, "--json")
        assert result.exit_code == 0, result.output
        used = json.loads(result.stdout)["sandbox_url"]
        assert used and used != theirs.url
        assert posted_texts(theirs) == []
        # ... nor read: `sandbox posts` shows this workspace's own kept world instead.
        mine = json.loads(run(ws, "sandbox", "posts", "--json").stdout)
        assert len(mine["facebook"]) == 1 and posted_texts(theirs) == []
        # Unless told to: --sandbox-url is used as given.
        told = run(ws, "publish", "--sandbox-url", theirs.url, "--now",
                   "layanan-kesehatan-gratis/video-penjelasan", "--json")
        assert json.loads(told.stdout)["sandbox_url"] == theirs.url
        assert len(theirs.all_posts()["youtube"]) == 1


def test_this_workspaces_sandbox_on_the_default_port_is_used(ws, default_port):
    with Sandbox(port=0, workspace=workspace_identity(ws)) as mine:
        default_port(mine)
        result = run(ws, "publish", "--now", POST, "--json")
        assert json.loads(result.stdout)["sandbox_url"] == mine.url
        assert len(mine.all_posts()["facebook"]) == 1


def test_the_environment_variable_still_wins(ws, other, monkeypatch):
    with Sandbox(port=0, workspace=workspace_identity(ws)) as mine, \
            Sandbox(port=0, workspace=workspace_identity(other)) as named:
        sandbox_usecase.record_running(ws, mine.url)
        monkeypatch.setenv("CAMPAIGNCTL_SANDBOX_URL", named.url)
        result = run(ws, "publish", "--now", POST, "--json")
        assert json.loads(result.stdout)["sandbox_url"] == named.url
        assert posted_texts(mine) == [] and len(named.all_posts()["facebook"]) == 1


def test_a_stale_record_breaks_nothing(ws, other, tmp_path):
    # The sandbox that wrote it was killed: its pid is gone, its port answers nothing.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    record(ws).parent.mkdir(parents=True, exist_ok=True)
    record(ws).write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": int(dead.stdout),
                                      "host": os.uname().nodename,
                                      "workspace": workspace_identity(ws)}))
    result = run(ws, "publish", "--now", POST, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {"published": 2}
    assert not record(ws).exists()  # cleaned up
    # A live record whose port another workspace's sandbox has since taken: passed over.
    with Sandbox(port=0, workspace=workspace_identity(other)) as theirs:
        sandbox_usecase.record_running(ws, theirs.url)
        again = run(ws, "publish", "--now", "layanan-kesehatan-gratis/video-penjelasan",
                    "--json")
        assert again.exit_code == 0, again.output
        assert json.loads(again.stdout)["sandbox_url"] != theirs.url
        assert posted_texts(theirs) == []


def test_retract_and_report_name_the_sandbox_they_used(ws, sandbox):
    assert run(ws, "publish", "--sandbox-url", sandbox.url, "--now", POST).exit_code == 0
    report = run(ws, "report", "--sandbox-url", sandbox.url)
    assert report.exit_code == 0, report.output
    assert f"Sandbox used: {sandbox.url}" in report.stdout
    as_json = json.loads(run(ws, "report", "--sandbox-url", sandbox.url, "--refresh",
                             "--json").stdout)
    assert as_json["sandbox_url"] == sandbox.url

    retract = run(ws, "retract", POST, "--yes", "--sandbox-url", sandbox.url)
    assert retract.exit_code == 0, retract.output
    assert retract.stdout.strip().splitlines()[-1] == f"Sandbox used: {sandbox.url}"
    again = json.loads(run(ws, "retract", POST, "--yes", "--sandbox-url", sandbox.url,
                           "--json").stdout)
    assert again["sandbox_url"] == sandbox.url


def test_reconcile_names_the_sandbox_and_live_runs_name_none(ws, sandbox):
    result = json.loads(run(ws, "reconcile", "--sandbox-url", sandbox.url, "--json").stdout)
    assert result["sandbox_url"] == sandbox.url
    text = run(ws, "reconcile", "--sandbox-url", sandbox.url)
    assert f"Sandbox used: {sandbox.url}" in text.stdout
    channels = ws / "channels.yaml"
    channels.write_text(channels.read_text().replace("    sandbox: true\n", ""))
    live = run(ws, "reconcile", "--json")
    assert live.exit_code == 0, live.output
    assert json.loads(live.stdout)["sandbox_url"] is None
    assert "Sandbox used" not in run(ws, "reconcile").stdout


def test_configure_finds_this_workspaces_sandbox_and_no_other(ws, other, default_port):
    with Sandbox(port=0, workspace=workspace_identity(ws)) as mine, \
            Sandbox(port=0, workspace=workspace_identity(other)) as theirs:
        default_port(theirs)
        refused = run(ws, "sandbox", "configure", "x", "--latency-ms", "5")
        assert refused.exit_code == 2
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "no running sandbox serves this workspace" in refused.stderr
        sandbox_usecase.record_running(ws, mine.url)
        result = run(ws, "sandbox", "configure", "x", "--latency-ms", "5")
        assert result.exit_code == 0, result.output
        assert mine.emulators["x"].config.latency_ms == 5
        assert theirs.emulators["x"].config.latency_ms == 0
