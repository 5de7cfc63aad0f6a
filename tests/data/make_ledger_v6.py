"""Make tests/data/ledger-v6.db: a ledger written by campaignctl before rows had a target
(schema version 6), for the migration test in tests/test_targets.py.

Run it with the source of a release at schema version 6 (e.g. ``git archive 42b1a77
campaignctl | tar -x -C /tmp/v6``):

    python tests/data/make_ledger_v6.py /tmp/v6 tests/data/ledger-v6.db

Every row comes from that release's own commands, each typed in its own process as a user
would, in the example workspace:

1. `approve layanan-kesehatan-gratis/pengumuman --by Ani`;
2. the README's main job: `publish --sandbox --rehearse`, then `report`;
3. x made live (pointed at a second sandbox standing in for the real X, whose post ids
   are made to look like real ones) with facebook still `sandbox: true`: `publish` of a
   post of another campaign at its time;
4. facebook made live but pointed at a closed loopback port: its send fails;
5. `publish` inside the workspace's Christmas blackout: skipped live rows (blackout, missed).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

SIAGA = """\
campaign: siaga
name: Siaga
timezone: Asia/Makassar
channels: [x, facebook]
posts:
  - id: langsung
    at: 2026-12-03 10:00
    text: "Siaga banjir: hubungi 112"
  - id: gagal
    at: 2026-12-03 11:00
    channels: [facebook]
    text: "Siaga banjir: posko dibuka"
  - id: natal
    every: "0 10 * * *"
    from: 2026-12-23
    until: 2026-12-25
    channels: [x]
    text: "Siaga banjir menjelang Natal"
"""

X_CREDENTIALS = {"X_CONSUMER_KEY": "consumer_key", "X_CONSUMER_SECRET": "consumer_secret",
                 "X_ACCESS_TOKEN": "access_token",
                 "X_ACCESS_TOKEN_SECRET": "access_token_secret"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(old: Path, out: Path) -> None:
    sys.path.insert(0, str(old))
    from campaignctl.channels.fixtures import sandbox_credentials
    from campaignctl.sandbox import Sandbox
    from campaignctl.workspace import create_workspace

    root = Path(tempfile.mkdtemp()) / "ws"
    create_workspace(root)
    channels = root / "channels.yaml"
    x_sandbox = "  x:\n    platform: x\n    sandbox: true\n"
    fb_sandbox = "  facebook:\n    platform: facebook\n    sandbox: true\n"
    env = dict(os.environ, PYTHONPATH=str(old), PYTHONDONTWRITEBYTECODE="1",
               CAMPAIGNCTL_LANG="en",
               # Nothing else listening on :8765 is used: each command starts its own sandbox.
               CAMPAIGNCTL_SANDBOX_URL=f"http://127.0.0.1:{_closed_port()}")
    env.update({name: sandbox_credentials("x")[field] for name, field in X_CREDENTIALS.items()})
    env["FACEBOOK_PAGE_TOKEN"] = sandbox_credentials("facebook")["page_access_token"]

    def run(now: str, *args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "campaignctl", "--workspace", str(root),
                               *args], env=dict(env, CAMPAIGNCTL_NOW=now), text=True,
                              capture_output=True, cwd=root)  # not a folder with ours
        print("$ campaignctl", *args, f"(exit {done.returncode})\n", done.stdout, done.stderr)

    before = "2026-11-30T09:00:00+08:00"
    run(before, "approve", "layanan-kesehatan-gratis/pengumuman", "--by", "Ani")
    run(before, "publish", "--sandbox", "--rehearse")
    run(before, "report")
    (root / "campaigns" / "siaga.yaml").write_text(SIAGA)  # never rehearsed
    with Sandbox(port=0) as real_x:
        real_x.emulators["x"]._ids = itertools.count(1995847362514098176)
        text = channels.read_text()
        channels.write_text(text.replace(x_sandbox, f"  x:\n    platform: x\n    base_url: "
                                                    f"{real_x.url}/x\n"))
        run("2026-12-03T10:00:30+08:00", "publish", "--only", "siaga")
        closed = f"http://127.0.0.1:{_closed_port()}/facebook"
        channels.write_text(channels.read_text().replace(
            fb_sandbox, f"  facebook:\n    platform: facebook\n    base_url: {closed}\n"))
        run("2026-12-03T11:00:30+08:00", "publish", "--only", "siaga")
        run("2026-12-25T10:00:30+08:00", "publish", "--only", "siaga")
    ledger = root / ".campaignctl" / "ledger.db"
    with sqlite3.connect(ledger) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
    shutil.copyfile(ledger, out)
    print("wrote", out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
