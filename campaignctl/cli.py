"""The command line: the only module that prints or exits.

Each command parses its flags, calls the library, and prints. Every CampaignctlError
becomes one line (file:line, what is wrong, what to do) and its exit code; anything
unexpected becomes one line too, never a traceback. Modules are imported inside the
commands so `campaignctl --help` costs little more than typer itself.

Exit codes: 0 fine (warnings allowed), 1 problems found in campaigns, 2 usage or
configuration error, 70 internal error, 130 interrupted.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

app = typer.Typer(
    name="campaignctl",
    help="Campaigns as code: write a campaign once, check it, and publish it to X, "
    "Facebook, YouTube and TikTok on schedule.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _State:
    workspace: Path | None = None


state = _State()

FilesArg = Annotated[Optional[list[Path]], typer.Argument(
    help="Campaign files (default: campaigns/*.yaml).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _err(line: str) -> None:
    typer.echo(line, err=True)


def speaks(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one line and an exit code; never let a traceback out."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import CampaignctlError, ValidationFailed

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except ValidationFailed as exc:
            for problem in exc.problems:
                _err(problem.one_line())
            raise typer.Exit(exc.exit_code) from None
        except CampaignctlError as exc:
            _err(exc.one_line())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:  # a bug of ours: one line, and where to report it
            _err(f"campaignctl: internal error: {type(exc).__name__}: {exc} — "
                 "please report this with the command you ran")
            raise typer.Exit(70) from None

    return wrapper


@app.callback()
def _root(
    lang: Annotated[Optional[str], typer.Option(
        "--lang", help="Language of messages: en or id (default: from the locale).")] = None,
    workspace: Annotated[Optional[Path], typer.Option(
        "--workspace", "-w", envvar="CAMPAIGNCTL_WORKSPACE",
        help="The workspace folder (default: the nearest folder with channels.yaml).")] = None,
) -> None:
    """Campaigns as code for public-service communications."""
    if lang is not None:
        from .i18n import LANGUAGES, set_language

        if lang not in LANGUAGES:
            _err(f"error: --lang must be one of {', '.join(LANGUAGES)}")
            raise typer.Exit(2)
        set_language(lang)
    state.workspace = workspace


# --- shared loading ------------------------------------------------------------------

def find_workspace() -> Path:
    """--workspace, else the nearest folder at or above the current one with channels.yaml."""
    if state.workspace is not None:
        return state.workspace
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "channels.yaml").is_file():
            return folder
    return here


def load(files: list[Path] | None):
    """The workspace and its valid campaigns, plus every problem found while loading."""
    from .config import load_campaigns, load_workspace

    workspace = load_workspace(find_workspace())
    campaigns, problems = load_campaigns(workspace, [f.resolve() for f in files] if files else None)
    return workspace, campaigns, problems


def parse_when(value: str | None, tz_name: str, *, end: bool = False):
    """A --from/--until value: a date (whole day) or a local date-time, in ``tz_name``."""
    if value is None:
        return None
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from .errors import UsageError

    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            moment = datetime.combine(d, time.max if end else time.min)
        else:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise UsageError(f"{value!r} is not a date or date-time",
                         "write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz_name))
    return moment


def print_json(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


# --- init, schema --------------------------------------------------------------------

@app.command()
@speaks
def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Create a workspace: channels.yaml, an example campaign, its templates and media."""
    from .workspace import create_workspace

    written = create_workspace(directory, force=force)
    from .i18n import t

    typer.echo(t("Created a campaignctl workspace in {folder} ({count} files).",
                 folder=str(directory), count=len(written)))
    typer.echo(t("Next: cd {folder} && campaignctl validate && campaignctl preview",
                 folder=str(directory)))


@app.command()
@speaks
def schema() -> None:
    """Print the JSON Schema of campaign files (for editors: yaml-language-server)."""
    from .config import campaign_json_schema

    print_json(campaign_json_schema())


# --- validate ------------------------------------------------------------------------

@app.command()
@speaks
def validate(
    files: FilesArg = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="text, github (Actions annotations) or json.")] = "text",
) -> None:
    """Check campaigns: format, schedule, templates, every rendered post against its channel."""
    from .errors import UsageError
    from .i18n import t
    from .planner import build_plan, no_campaigns_problem

    if fmt not in ("text", "github", "json"):
        raise UsageError(f"unknown format {fmt!r}", "use --format text, github or json")
    workspace, campaigns, problems = load(files)
    if not campaigns and not problems:
        problems = [no_campaigns_problem(workspace)]
    plan = build_plan(workspace, campaigns)
    problems = [*problems, *plan.problems]
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if fmt == "json":
        print_json({
            "ok": not errors,
            "campaigns": [c.id for c in campaigns],
            "occurrences": len(plan.entries),
            "problems": [{"file": p.file, "line": p.line, "severity": p.severity,
                          "message": p.message, "hint": p.hint, "code": p.code}
                         for p in problems],
        })
    elif fmt == "github":
        from .output import github_annotation

        for p in problems:
            typer.echo(github_annotation(p))
    else:
        for p in problems:
            _err(p.one_line())
        if errors:
            _err(t("{errors} error(s), {warnings} warning(s) in {campaigns} campaign file(s)",
                   errors=len(errors), warnings=len(warnings), campaigns=len(campaigns)))
        else:
            typer.echo(t("OK: {campaigns} campaign(s), {posts} post(s) on {entries} "
                         "channel occurrence(s) checked; {warnings} warning(s)",
                         campaigns=len(campaigns), posts=sum(len(c.posts) for c in campaigns),
                         entries=len(plan.entries), warnings=len(warnings)))
    if errors:
        raise typer.Exit(1)


# --- plan, preview -------------------------------------------------------------------

@app.command()
@speaks
def plan(
    files: FilesArg = None,
    from_: Annotated[Optional[str], typer.Option(
        "--from", help="Start of the window (YYYY-MM-DD or 'YYYY-MM-DD HH:MM').")] = None,
    until: Annotated[Optional[str], typer.Option(
        "--until", help="End of the window, inclusive.")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The timeline: every post on every channel, when, and whether it will go out."""
    from .output import plan_rows, plan_table
    from .planner import build_plan

    workspace, campaigns, problems = load(files)
    tz = workspace.timezone
    plan_ = build_plan(workspace, campaigns, start=parse_when(from_, tz),
                       end=parse_when(until, tz, end=True), channel=channel)
    problems = [*problems, *plan_.problems]
    if as_json:
        print_json(plan_rows(plan_.entries))
    else:
        typer.echo(plan_table(plan_.entries, campaigns))
    for p in problems:
        _err(p.one_line())
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


@app.command()
@speaks
def preview(
    files: FilesArg = None,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c",
                                                   help="Only this channel.")] = None,
    post: Annotated[Optional[str], typer.Option("--post", "-p", help="Only this post id.")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="text, markdown (CI job summary / PR comment) or json.")] = "text",
    every: Annotated[bool, typer.Option(
        "--all", help="Every occurrence of recurring posts, not only the first.")] = False,
) -> None:
    """Each rendered post per channel, exactly as it will go out."""
    from .errors import UsageError
    from .output import preview_json, preview_markdown, preview_text
    from .planner import build_plan

    if fmt not in ("text", "markdown", "json"):
        raise UsageError(f"unknown format {fmt!r}", "use --format text, markdown or json")
    workspace, campaigns, problems = load(files)
    plan_ = build_plan(workspace, campaigns, channel=channel, post=post)
    problems = [*problems, *plan_.problems]
    entries = [e for e in plan_.entries if e.rendered is not None]
    if not every:  # the first occurrence of each (post, channel) stands for the rest
        seen: set[tuple[str, str, str]] = set()
        firsts = []
        for e in entries:
            if (e.campaign, e.post, e.channel) not in seen:
                seen.add((e.campaign, e.post, e.channel))
                firsts.append(e)
        entries = firsts
    counts: dict[tuple[str, str, str], int] = {}
    for e in plan_.entries:
        counts[(e.campaign, e.post, e.channel)] = counts.get((e.campaign, e.post, e.channel), 0) + 1
    if fmt == "json":
        print_json(preview_json(entries, problems))
    elif fmt == "markdown":
        typer.echo(preview_markdown(entries, campaigns, problems, counts, workspace.root))
    else:
        typer.echo(preview_text(entries, counts, workspace.root))
        for p in problems:
            _err(p.one_line())
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        app(args=argv, prog_name="campaignctl")
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
