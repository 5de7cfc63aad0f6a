"""Checking before anything is sent: `validate`, `plan` (the timeline) and `preview`."""

from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..i18n import t
from ._common import (
    FilesArg,
    JsonOpt,
    err,
    format_option,
    load,
    names_checked,
    now,
    parse_when,
    print_json,
    print_problems,
)


class ValidateFormat(str, Enum):
    text = "text"
    github = "github"
    json = "json"


class PreviewFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


def validate(
    files: FilesArg = None,
    fmt: Annotated[ValidateFormat, format_option(
        ValidateFormat, "text, github (Actions annotations) or json.",
        lambda: t("use --format text, github or json"))] = ValidateFormat.text,
) -> None:
    """Check campaigns: format, schedule, templates, every rendered post against its channel."""
    from ..planner import build_plan, no_campaigns_problem
    from ..usecases.checks import refusal_problems

    workspace, campaigns, problems = load(files)
    if not campaigns and not problems:
        problems = [no_campaigns_problem(workspace)]
    plan = build_plan(workspace, campaigns)
    problems = [*problems, *plan.problems, *refusal_problems(workspace, campaigns, plan.entries)]
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if fmt is ValidateFormat.json:
        print_json({
            "ok": not errors,
            "campaigns": [c.id for c in campaigns],
            "occurrences": len(plan.entries),
            "problems": [{"file": p.file, "line": p.line, "severity": p.severity,
                          "message": p.message, "hint": p.hint, "code": p.code}
                         for p in problems],
        })
    elif fmt is ValidateFormat.github:
        from ..output import github_annotation

        for p in problems:
            typer.echo(github_annotation(p))
    else:
        print_problems(problems)
        if errors:
            checked = len(files) if files else len([*workspace.campaigns_dir.glob("*.yaml"),
                                                    *workspace.campaigns_dir.glob("*.yml")])
            err(t("{errors} error(s), {warnings} warning(s) in {campaigns} campaign file(s)",
                  errors=len(errors), warnings=len(warnings), campaigns=checked))
        else:
            typer.echo(t("OK: {campaigns} campaign(s), {posts} post(s) on {entries} "
                         "channel occurrence(s) checked; {warnings} warning(s)",
                         campaigns=len(campaigns), posts=sum(len(c.posts) for c in campaigns),
                         entries=len(plan.entries), warnings=len(warnings)))
    if errors:
        raise typer.Exit(1)


def _timeline(files: list[Path] | None, *, start: Optional[str], until: Optional[str],
              channel: Optional[str]) -> tuple[Any, list[Any], Any]:
    """(the workspace's campaigns, every problem, usecases.plan's report) for plan and next."""
    from ..selectors import resolve_channel
    from ..usecases.plan import ledger_url, plan_job

    workspace, campaigns, problems = load(files)
    with names_checked(problems):
        if channel:
            resolve_channel(channel, workspace.accounts)
    reader = None
    if ledger_url(workspace) is not None:
        # Only here, where a ledger exists: it brings SQLAlchemy with it.
        from ..usecases.plan_ledger import read_ledger as reader
    zone = workspace.timezone
    report = plan_job(workspace, campaigns, start=parse_when(start, zone=zone),
                      end=parse_when(until, end=True, zone=zone), channel=channel, now=now(),
                      read_ledger=reader)
    return campaigns, [*problems, *report.problems], report


def _show_timeline(lines: list[Any], campaigns: list[Any], problems: list[Any], report: Any,
                   as_json: bool) -> None:
    from ..output import plan_rows, plan_table

    if as_json:
        print_json(plan_rows(lines))
    else:
        typer.echo(plan_table(lines, campaigns))
    if report.ledger_error:
        err(t("warning: the ledger could not be read, so the plan does not show what it "
              "records: {error}", error=report.ledger_error))
    print_problems(problems)
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


def plan(
    files: FilesArg = None,
    from_: Annotated[Optional[str], typer.Option(
        "--from", help="Start of the window (YYYY-MM-DD or 'YYYY-MM-DD HH:MM').")] = None,
    until: Annotated[Optional[str], typer.Option(
        "--until", help="End of the window, inclusive.")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The timeline: every post on every channel, when, and what publish would do with it."""
    campaigns, problems, report = _timeline(files, start=from_, until=until, channel=channel)
    _show_timeline(report.lines, campaigns, problems, report, as_json)


def next_posts(
    count: Annotated[int, typer.Argument(help="How many.", min=1)] = 5,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What goes out next: the next posts from now, when, where, and what publish will do."""
    campaigns, problems, report = _timeline(None, start="now", until=None, channel=channel)
    _show_timeline(report.lines[:count], campaigns, problems, report, as_json)


def _first_of_each(entries: list[Any]) -> list[Any]:
    """The first occurrence of each (campaign, post, channel): it stands for the rest."""
    seen: set[tuple[str, str, str]] = set()
    firsts = []
    for e in entries:
        if (e.campaign, e.post, e.channel) not in seen:
            seen.add((e.campaign, e.post, e.channel))
            firsts.append(e)
    return firsts


def preview(
    files: FilesArg = None,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c",
                                                   help="Only this channel.")] = None,
    post: Annotated[Optional[str], typer.Option("--post", "-p", help="Only this post id.")] = None,
    fmt: Annotated[PreviewFormat, format_option(
        PreviewFormat, "text, markdown (CI job summary / PR comment) or json.",
        lambda: t("use --format text, markdown or json"))] = PreviewFormat.text,
    every: Annotated[bool, typer.Option(
        "--all", help="Every occurrence of recurring posts, not only the first.")] = False,
    html: Annotated[Optional[Path], typer.Option(
        "--html", help="Also write a page of cards shaped like each platform's posts.")] = None,
) -> None:
    """Each rendered post per channel, exactly as it will go out."""
    from ..output import preview_json, preview_markdown, preview_text
    from ..planner import build_plan
    from ..selectors import known_posts, resolve_channel, resolve_target

    workspace, campaigns, problems = load(files)
    with names_checked(problems):
        resolve_target(None, post, known_posts(campaigns))
        if channel:
            resolve_channel(channel, workspace.accounts)
    timeline = build_plan(workspace, campaigns, channel=channel, post=post)
    problems = [*problems, *timeline.problems]
    entries = [e for e in timeline.entries if e.rendered is not None]
    if not every:
        entries = _first_of_each(entries)
    counts = dict(Counter((e.campaign, e.post, e.channel) for e in timeline.entries))
    if html is not None:
        from ..report.html import preview_html

        html.write_text(preview_html(entries, campaigns, problems, workspace.root),
                        encoding="utf-8")
        err(t("Wrote {path}", path=str(html)))
    if fmt is PreviewFormat.json:
        print_json(preview_json(entries, problems))
    elif fmt is PreviewFormat.markdown:
        typer.echo(preview_markdown(entries, campaigns, problems, counts, workspace.root))
    else:
        typer.echo(preview_text(entries, counts, workspace.root))
        print_problems(problems)
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(plan)
    app.command("next")(next_posts)
    app.command()(preview)
