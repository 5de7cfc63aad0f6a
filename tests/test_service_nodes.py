"""Several real `campaignctl run` processes on one ledger (PostgreSQL, and SQLite on one
machine): every occurrence reaches the sandbox exactly once, and when a node is SIGKILLed
mid-send the others take over its claim (found on the platform, or sent) and its future work."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from conftest import postgres_url
from crash_runner import pg_drop_schema, pg_schema_url
from service_runner import (
    Node,
    due_by_text,
    local_now,
    make_workspace,
    schedule_ahead,
    wait_for,
    write_campaign,
    x_posts,
)

from campaignctl.ledger import PUBLISHED, SENDING, Ledger, default_url
from campaignctl.usecases.status import heartbeat_lines


@pytest.fixture(params=["postgresql", "sqlite"])
def ledger_url(request, tmp_path):
    if request.param == "sqlite":
        yield default_url(tmp_path / "ws")
        return
    base = postgres_url()
    if base is None:
        pytest.skip("no PostgreSQL server at CAMPAIGNCTL_TEST_POSTGRES or 127.0.0.1:5432")
    url, schema = pg_schema_url(base)
    try:
        yield url
    finally:
        pg_drop_schema(base, schema)


def test_nodes_share_the_work_and_survive_a_kill(tmp_path, sandbox, ledger_url):
    root = make_workspace(tmp_path / "ws")
    nodes_count = 3 if ledger_url.startswith("postgresql") else 2
    posts = schedule_ahead(local_now() + timedelta(seconds=5), 8, timedelta(seconds=1))
    write_campaign(root, "bersama", posts)
    # Slow sends, so the kill below catches a claim in flight.
    sandbox.configure("x", latency_ms=400)
    env = {"CAMPAIGNCTL_LEDGER": ledger_url}
    nodes = [Node(root, "--sandbox-url", sandbox.url, "--node", f"n{i}",
                  "--safety-interval", "1", "--heartbeat-interval", "1", env=env)
             for i in range(nodes_count)]
    ledger = Ledger.open(ledger_url)
    try:
        for node in nodes:
            node.wait_event("scheduled", timeout=30)
        victim = nodes[0]
        owner = f":{victim.proc.pid}"

        def victim_sending() -> bool:
            rows = ledger.status(state=SENDING)
            return any((r.claim_owner or "").endswith(owner) for r in rows)

        # Kill the first node while it holds a claim (or, if it never wins one in time,
        # after the first post is out): either way its share must be done by the others.
        held: list[str] = []
        try:
            wait_for(victim_sending, 15, "a claim held by the victim", every=0.01)
            held = [r.key for r in ledger.status(state=SENDING)
                    if (r.claim_owner or "").endswith(owner)]
        except AssertionError:
            wait_for(lambda: ledger.counts().get(PUBLISHED), 15, "a first post")
        victim.kill()
        print("killed holding", held)
        wait_for(lambda: ledger.counts().get(PUBLISHED) == len(posts), 40,
                 "every occurrence published", every=0.2)
        lines = heartbeat_lines(ledger, local_now())
        assert len(lines) == nodes_count
        assert sum("scheduler up on" in line for line in lines) >= nodes_count - 1
    finally:
        for node in nodes:
            node.kill()
        ledger.close()
    texts = Counter(tw["text"] for tw in x_posts(sandbox))
    assert texts == Counter(list(due_by_text("bersama", posts)))  # each exactly once
    survivors = [e for n in nodes[1:] for e in n.seen("published")]
    assert survivors, "the surviving nodes published nothing"
    # What the victim held when it died was settled by a survivor (found, or sent).
    settled = {f"{e['campaign']}/{e['post']}" for e in survivors}
    for key in held:
        assert "/".join(key.split("/")[:2]) in settled, (key, settled)


def test_two_nodes_started_at_once_on_a_fresh_ledger_do_not_double(tmp_path, sandbox):
    root = make_workspace(tmp_path / "ws")
    posts = schedule_ahead(local_now() + timedelta(seconds=4), 4, timedelta(seconds=0))
    write_campaign(root, "serentak", [(f"q{i}", at) for i, (_, at) in enumerate(posts)])
    nodes = [Node(root, "--sandbox-url", sandbox.url, "--node", f"m{i}",
                  "--safety-interval", "3600") for i in range(2)]
    try:
        wait_for(lambda: len(x_posts(sandbox)) == 4, 30, "four posts in the sandbox")
        time.sleep(1.0)  # room for a wrongful second send to show up
        for node in nodes:
            node.proc.terminate()
            assert node.finish() == 0, node.tail()
    finally:
        for node in nodes:
            node.kill()
    assert len(x_posts(sandbox)) == 4
    outcomes = Counter(e["outcome"] for n in nodes for e in n.seen("published"))
    assert outcomes == {"published": 4}
