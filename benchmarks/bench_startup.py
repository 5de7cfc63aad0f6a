"""`campaignctl --help` against a bare typer app that declares the same command names.

Goal: within 1.3x. Both run as fresh subprocesses of the same interpreter,
interleaved, and the medians of their wall times are compared.

    python benchmarks/bench_startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

BARE_APP = textwrap.dedent('''
    import typer
    # The same help mode as campaignctl's app (plain text, no rich markup), so the two
    # differ only in what campaignctl itself loads.
    app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None)
    NAMES = {names!r}

    @app.callback()
    def _root(lang: str = typer.Option(None, "--lang"),
              workspace: str = typer.Option(None, "--workspace")):
        """Bare app."""

    for _name in NAMES:
        app.command(name=_name)(lambda: None)

    app(prog_name="bare")
''')


def command_names() -> list[str]:
    """The names campaignctl declares, read from its own typer app."""
    from typer.main import get_command

    from campaignctl.cli import app

    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


# Installed users run from bytecode caches; a shell with PYTHONDONTWRITEBYTECODE set would
# make campaignctl recompile its modules on every start (the bare app has none to compile)
# and measure the compiler, not the startup (~1.3x instead of ~1.15x on the CI machine).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    names = command_names()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP.format(names=names))
        ours_cmd = [sys.executable, "-m", "campaignctl", "--help"]
        bare_cmd = [sys.executable, str(bare), "--help"]
        for _ in range(3):  # warm the OS file cache and write the bytecode caches
            timed(ours_cmd), timed(bare_cmd)
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(timed(ours_cmd))
            base.append(timed(bare_cmd))
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"commands: {len(names)} ({', '.join(names)})")
    print(f"bare typer --help:   median {statistics.median(base) * 1000:.1f} ms")
    print(f"campaignctl --help:  median {statistics.median(ours) * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (goal <= 1.30x) {'OK' if ratio <= 1.3 else 'OVER'}")
    sys.exit(0 if ratio <= 1.3 else 1)


if __name__ == "__main__":
    main()
