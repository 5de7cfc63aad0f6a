"""What every command module shares: the workspace flag's state, the common options, loading,
the pinned clock, and printing.

Private to the cli package. Library modules are imported inside the functions that use them:
``campaignctl --help`` must not pay for pydantic, YAML or Jinja (benchmarks/bench_startup.py).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from ..i18n import t


class _State:
    workspace: Path | None = None


state = _State()

FilesArg = Annotated[Optional[list[Path]], typer.Argument(
    help="Campaign files (default: campaigns/*.yaml).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
SandboxOpt = Annotated[bool, typer.Option(
    "--sandbox", help="Send every channel to the local sandbox (started here if none runs).")]
SandboxAtOpt = Annotated[Optional[str], typer.Option(
    "--sandbox-url", help="A running sandbox to use, even another workspace's (default: "
    "CAMPAIGNCTL_SANDBOX_URL, else the sandbox serving this workspace).")]


def format_option(formats: type[Enum], help_text: str, hint: Callable[[], str]) -> Any:
    """The ``--format`` option of a command whose formats are the members of ``formats``;
    a value outside them is refused in our own words (one line, and ``hint`` says what to
    write; called late, as --lang is read after the options)."""

    def parse(value: Any) -> Enum:
        if isinstance(value, formats):
            return value
        try:
            return formats(value)
        except ValueError:
            raise UsageError(t("unknown format {fmt!r}", fmt=value), hint()) from None

    metavar = "[" + "|".join(f.value for f in formats) + "]"
    return typer.Option("--format", help=help_text, parser=parse, metavar=metavar)


def err(line: str) -> None:
    typer.echo(line, err=True)


def print_json(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def print_problems(problems: list[Any]) -> None:
    for problem in problems:
        err(problem.one_line())


def find_workspace() -> Path:
    """--workspace, else the nearest folder at or above the current one with channels.yaml."""
    if state.workspace is not None:
        return state.workspace
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "channels.yaml").is_file():
            return folder
    return here


def load_workspace() -> Any:
    """The workspace (channels.yaml) alone, for commands that read no campaign file."""
    from ..config import load_workspace as load_channels

    return load_channels(find_workspace())


def load(files: list[Path] | None) -> tuple[Any, list[Any], list[Any]]:
    """The workspace and its valid campaigns, plus every problem found while loading."""
    from ..config import load_campaigns

    workspace = load_workspace()
    campaigns, problems = load_campaigns(workspace, [f.resolve() for f in files] if files else None)
    return workspace, campaigns, problems


@contextlib.contextmanager
def names_checked(problems: list[Any]) -> Iterator[None]:
    """Around the check of the names a user gave: if one is refused while a campaign file
    is broken, that file's problems are printed first, for the name may be in it."""
    try:
        yield
    except UsageError:
        print_problems([p for p in problems if p.is_error])
        raise


def refuse_broken(problems: list[Any], refusal: str) -> None:
    """Print the problems; if any is an error, say the command refuses and exit 1."""
    print_problems(problems)
    if any(p.is_error for p in problems):
        err(refusal)
        raise typer.Exit(1)


def parse_when(value: str | None, *, end: bool = False,
               zone: str | None = None) -> datetime | None:
    """A --from/--until/--since value: a date (whole day), a date-time, or one of the words
    now, today, tomorrow, yesterday (today's date in ``zone``, else this machine's). Without
    an offset it stays naive, and each campaign reads it in its own time zone."""
    if value is None:
        return None
    word = value.strip().lower()
    if word == "now":
        return now()
    if word in _DAY_WORDS:
        from zoneinfo import ZoneInfo

        here = now().astimezone(ZoneInfo(zone)) if zone else now().astimezone()
        day = here.date() + timedelta(days=_DAY_WORDS[word])
        return datetime.combine(day, time.max if end else time.min)
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.max if end else time.min)
        return datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise UsageError(t("{value!r} is not a date or date-time", value=value),
                         t("write YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today, tomorrow or now")
                         ) from None


_DAY_WORDS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def now() -> datetime:
    """The current instant; CAMPAIGNCTL_NOW (ISO 8601 with offset) pins it for rehearsals."""
    pinned = os.environ.get("CAMPAIGNCTL_NOW")
    if not pinned:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(pinned)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise UsageError(t("CAMPAIGNCTL_NOW={pinned!r} is not an ISO date-time with an offset",
                           pinned=pinned), "CAMPAIGNCTL_NOW=2026-12-01T09:00:00+08:00")
    return moment


def confirm_or_refuse(question: str, refusal: str) -> None:
    """Ask on a terminal; elsewhere refuse (a script must say --yes); no means exit 1."""
    if not sys.stdin.isatty():
        raise UsageError(refusal, t("run it in a terminal, or pass --yes"))
    if not typer.confirm(question):
        raise typer.Exit(1)
