"""A lost ledger is not a licence to repost: a ledger deleted under a running publish, or
made anew in a workspace that published before, stops the next publish in one line, and
`reconcile --from-platform` or `publish --lookup-first` then sends only what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from service_runner import local_now, make_workspace, wait_for, write_campaign
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.ledger import Ledger, default_url
from campaignctl.sandbox import Sandbox

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()
POSTS = 12
CHANNELS = ("x", "facebook")


def run(ws: Path, *args: str):
    return runner.invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)


def texts(sb: Sandbox) -> Counter:
    """(platform, text) of every post the sandbox holds, counted."""
    return Counter((platform, post["text"]) for platform, posts in sb.all_posts().items()
                   for post in posts)


def expected() -> Counter:
    return Counter((platform, f"Layanan lost post{i}: cek kesehatan gratis.")
                   for platform in CHANNELS for i in range(POSTS))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = make_workspace(tmp_path / "ws", x_rate_limit="10000/15m")
    due = local_now() - timedelta(minutes=10)
    write_campaign(root, "lost", [(f"post{i}", due + timedelta(seconds=i))
                                  for i in range(POSTS)], channels=CHANNELS)
    return root


def ledger_files(ws: Path) -> list[Path]:
    db = ws / ".campaignctl" / "ledger.db"
    return [db, db.with_name("ledger.db-wal"), db.with_name("ledger.db-shm")]


def stop_line(result) -> str:
    """The one line a stopped publish prints (and nothing else)."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "publish stopped" in lines[0] and "second time" in lines[0], lines[0]
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("way_on", ["reconcile", "lookup-first"])
def test_a_ledger_deleted_while_publishing_never_makes_a_duplicate(ws, sandbox, way_on):
    """Proof: delete the SQLite ledger while a real publish process sends to a slow sandbox,
    publish again: it stops in one line; then either way on sends only what is missing."""
    for platform in CHANNELS:
        sandbox.configure(platform, latency_ms=250)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "campaignctl", "--workspace", str(ws), "publish",
         "--sandbox-url", sandbox.url, "--json", "--concurrency", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wait_for(lambda: sum(texts(sandbox).values()) >= 4, 60, "the first posts")
    for path in ledger_files(ws):
        path.unlink(missing_ok=True)
    out, err = proc.communicate(timeout=120)
    first = json.loads(out)
    reasons = [r["reason"] or "" for r in first["results"]]
    assert any("the ledger was replaced" in r for r in reasons), (reasons, err)
    for platform in CHANNELS:
        sandbox.configure(platform, latency_ms=0)
    sent = texts(sandbox)
    assert max(sent.values()) == 1 and 0 < sum(sent.values()) < len(expected()), sent

    stop = stop_line(run(ws, "publish", "--sandbox-url", sandbox.url))
    assert "reconcile --from-platform" in stop and "--lookup-first" in stop, stop
    assert texts(sandbox) == sent  # nothing was sent

    if way_on == "reconcile":
        settled = run(ws, "reconcile", "--from-platform", "--sandbox-url", sandbox.url, "--json")
        assert settled.exit_code == 0, settled.output
        summary = json.loads(settled.stdout)
        assert summary["counts"].get("published") == sum(sent.values()), summary["counts"]
        assert texts(sandbox) == sent  # reconcile sends nothing
        again = run(ws, "publish", "--sandbox-url", sandbox.url, "--json")
    else:
        again = run(ws, "publish", "--sandbox-url", sandbox.url, "--lookup-first", "--json")
    assert again.exit_code == 0, again.output
    counts = json.loads(again.stdout)["counts"]
    assert counts.get("published") == len(expected()) - sum(sent.values()), counts
    assert texts(sandbox) == expected()  # every post exactly once

    calm = run(ws, "publish", "--sandbox-url", sandbox.url, "--json")  # the ledger is known
    assert calm.exit_code == 0, calm.output
    assert set(json.loads(calm.stdout)["counts"]) == {"already-done"}
    assert texts(sandbox) == expected()


def test_a_fresh_ledger_where_a_marker_names_another_stops_publish(ws, sandbox):
    first = run(ws, "publish", "--sandbox-url", sandbox.url)
    assert first.exit_code == 0, first.output
    mark = (ws / ".campaignctl" / "ledger-id").read_text().strip()
    with Ledger.open(default_url(ws)) as ledger:
        assert ledger.identity() == mark
    for path in ledger_files(ws):
        path.unlink(missing_ok=True)

    stop_line(run(ws, "publish", "--sandbox-url", sandbox.url))
    # The marker is left alone, so the stop holds until someone takes a way on.
    assert (ws / ".campaignctl" / "ledger-id").read_text().strip() == mark
    stop_line(run(ws, "publish", "--sandbox-url", sandbox.url))
    assert texts(sandbox) == expected()


def test_the_one_line_is_translated(ws, sandbox):
    assert run(ws, "publish", "--sandbox-url", sandbox.url).exit_code == 0
    for path in ledger_files(ws):
        path.unlink(missing_ok=True)
    result = runner.invoke(app, ["--lang", "id", "--workspace", str(ws), "publish",
                                 "--sandbox-url", sandbox.url])
    assert result.exit_code == 2, result.output
    assert "publish dihentikan" in result.stderr and "--lookup-first" in result.stderr


@pytest.mark.parametrize("sign", ["tokens", "sandbox-state"])
def test_a_workspace_that_published_before_without_a_marker_is_stopped_too(ws, sign):
    """A workspace from before the marker (or one whose marker went with the ledger):
    refreshed tokens, or posts its sandbox kept, show it published before."""
    state = ws / ".campaignctl"
    if sign == "tokens":
        state.mkdir(parents=True, exist_ok=True)
        (state / "tokens.json").write_text("{}")
    else:
        assert run(ws, "publish", "--sandbox").exit_code == 0  # in-process sandbox, kept
        (state / "ledger-id").unlink()
        for path in ledger_files(ws):
            path.unlink(missing_ok=True)
    stop_line(run(ws, "publish", "--sandbox"))
    assert not (state / "ledger-id").exists()


def test_a_new_workspace_publishes_and_remembers_its_ledger(ws, sandbox):
    result = run(ws, "publish", "--sandbox-url", sandbox.url, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"] == {"published": len(expected())}
    with Ledger.open(default_url(ws)) as ledger:
        assert (ws / ".campaignctl" / "ledger-id").read_text().strip() == ledger.identity()


def test_an_existing_ledger_without_a_marker_is_adopted(ws, sandbox):
    """A workspace from before the marker whose ledger holds its record: no stop."""
    assert run(ws, "publish", "--sandbox-url", sandbox.url).exit_code == 0
    (ws / ".campaignctl" / "ledger-id").unlink()
    (ws / ".campaignctl" / "tokens.json").write_text("{}")
    again = run(ws, "publish", "--sandbox-url", sandbox.url, "--json")
    assert again.exit_code == 0, again.output
    assert set(json.loads(again.stdout)["counts"]) == {"already-done"}
    assert (ws / ".campaignctl" / "ledger-id").is_file()
    assert texts(sandbox) == expected()


def test_an_unanswered_look_up_is_recorded_unknown_and_never_sent_blind(ws, sandbox):
    """A look-up the platform does not answer is not a blind send: the post is recorded as
    unknown, as after a crash mid-send, and the next run asks the platform again first."""
    assert run(ws, "publish", "--sandbox-url", sandbox.url).exit_code == 0
    for path in ledger_files(ws):
        path.unlink(missing_ok=True)
    sandbox.configure("x", faults=[{"kind": "5xx", "count": 1000}])
    half = run(ws, "publish", "--sandbox-url", sandbox.url, "--lookup-first", "--json")
    assert half.exit_code == 1, half.output
    results = json.loads(half.stdout)["results"]
    assert {r["outcome"] for r in results if r["channel"] == "x"} == {"unknown"}, results
    assert all("not sent" in r["reason"] for r in results if r["channel"] == "x")
    assert {r["outcome"] for r in results if r["channel"] == "facebook"} == {"already-done"}
    assert texts(sandbox) == expected()

    sandbox.configure("x", faults=[])
    after = run(ws, "publish", "--sandbox-url", sandbox.url, "--json")  # not stopped again
    assert after.exit_code == 0, after.output
    x_results = [r for r in json.loads(after.stdout)["results"] if r["channel"] == "x"]
    assert {r["outcome"] for r in x_results} == {"published"}
    assert all("reconciled" in r["reason"] for r in x_results)  # found, not sent
    assert texts(sandbox) == expected()


def test_ledger_identity_survives_reopening_and_differs_between_ledgers(tmp_path):
    a, b = (f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    with Ledger.open(a) as first:
        ident = first.identity()
        assert first.identity_now() == ident and not first.has_occurrences()
    with Ledger.open(a) as again, Ledger.open(b) as other:
        assert again.identity() == ident
        assert other.identity() != ident
    (tmp_path / "a.db").unlink()
    with Ledger.open(b) as other:
        assert other.identity_now() == other.identity()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_a_claim_after_the_ledger_was_replaced_is_refused(tmp_path, backend):
    """What a running publish sees when its ledger is swapped: the next claim is refused
    (nothing is sent), on SQLite (file deleted, a new one made) and PostgreSQL alike."""
    from conftest import postgres_url
    from crash_runner import entry, pg_drop_schema, pg_schema_url

    from campaignctl.errors import LedgerError
    from campaignctl.usecases.lost_ledger import WatchedLedger

    if backend == "sqlite":
        url, schema, base = f"sqlite:///{tmp_path / 'l.db'}", None, None
    else:
        base = postgres_url()
        if base is None:
            pytest.skip("no PostgreSQL server reachable at 127.0.0.1:5432")
        url, schema = pg_schema_url(base)
    try:
        ledger = Ledger.open(url)
        watched = WatchedLedger(ledger, ledger.identity())
        now = local_now()
        first, second = entry(1, now), entry(2, now)
        ledger.ensure([first, second], now)
        assert watched.claim(first.key, now=now) is not None
        if backend == "sqlite":
            (tmp_path / "l.db").unlink()
        else:
            pg_drop_schema(base, schema)
            pg_schema_url(base, schema)
        Ledger.open(url).close()  # another process makes a new ledger there
        with pytest.raises(LedgerError, match="replaced"):
            watched.claim(second.key, now=now)
        assert not watched.intact()
        ledger.close()
    finally:
        if schema is not None:
            pg_drop_schema(base, schema)


def test_a_rehearsal_after_a_lost_ledger_looks_first_and_sends_nothing_twice(tmp_path):
    from campaignctl.workspace import create_workspace

    ws = tmp_path / "rehearsed"
    create_workspace(ws)
    first = run(ws, "publish", "--sandbox", "--rehearse", "--json")
    assert first.exit_code == 0, first.output
    sent = json.loads(first.stdout)["counts"]["published"]
    kept = json.loads(run(ws, "sandbox", "posts", "--json").stdout)
    for path in ledger_files(ws):
        path.unlink(missing_ok=True)

    stop = stop_line(run(ws, "publish", "--sandbox", "--rehearse"))
    assert "publish --sandbox --rehearse --lookup-first" in stop, stop
    assert "reconcile" not in stop  # a rehearsal's future posts are not due
    again = run(ws, "publish", "--sandbox", "--rehearse", "--lookup-first", "--json")
    # TikTok cannot list a SELF_ONLY video: that one is left unknown, never sent blind.
    assert again.exit_code == 1, again.output
    assert json.loads(again.stdout)["counts"] == {"already-done": sent - 1, "unknown": 1}
    assert json.loads(run(ws, "sandbox", "posts", "--json").stdout) == kept
    calm = run(ws, "publish", "--sandbox", "--rehearse", "--json")
    assert "publish stopped" not in calm.stderr
    assert json.loads(run(ws, "sandbox", "posts", "--json").stdout) == kept
