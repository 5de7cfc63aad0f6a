"""The command line: the only module that prints or exits.

Each command parses its flags, calls the library, and prints. Every CampaignctlError
becomes one line (file:line, what is wrong, what to do) and its exit code; anything
unexpected becomes one line too, never a traceback. Modules are imported inside the
commands so `campaignctl --help` costs little more than typer itself.

Exit codes: 0 fine (warnings allowed), 1 problems found in campaigns, 2 usage or
configuration error, 70 internal error, 130 interrupted.
"""


import contextlib
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
    # Help text is plain: CAMPAIGN[/POST] must not be read as rich markup.
    rich_markup_mode=None,
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
            from .i18n import t

            _err(t("interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `campaignctl status | head`: the reader left; stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
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
    from .i18n import LANGUAGES, set_language

    if lang is not None and lang not in LANGUAGES:
        _err(f"error: --lang must be one of {', '.join(LANGUAGES)}")
        raise typer.Exit(2)
    set_language(lang)  # None: back to the environment's language
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


def parse_when(value: str | None, *, end: bool = False):
    """A --from/--until value: a date (whole day) or a date-time. Without an offset it stays
    naive, and each campaign reads it in its own time zone."""
    if value is None:
        return None
    from datetime import date, datetime, time

    from .errors import UsageError

    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            moment = datetime.combine(d, time.max if end else time.min)
        else:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        from .i18n import t

        raise UsageError(t("{value!r} is not a date or date-time", value=value),
                         t("write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'")) from None
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
def schema(
    kind: Annotated[str, typer.Argument(
        help="campaign (campaign files) or channels (channels.yaml).")] = "campaign",
) -> None:
    """Print the JSON Schema of campaign files or channels.yaml (for editors:
    yaml-language-server)."""
    from .config import campaign_json_schema, channels_json_schema
    from .errors import UsageError
    from .i18n import t

    schemas = {"campaign": campaign_json_schema, "channels": channels_json_schema}
    if kind not in schemas:
        raise UsageError(t("unknown schema {kind!r}", kind=kind),
                         t("use `campaignctl schema campaign` or `campaignctl schema channels`"))
    print_json(schemas[kind]())


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
        raise UsageError(t("unknown format {fmt!r}", fmt=fmt),
                         t("use --format text, github or json"))
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
            checked = len(files) if files else len([*workspace.campaigns_dir.glob("*.yaml"),
                                                    *workspace.campaigns_dir.glob("*.yml")])
            _err(t("{errors} error(s), {warnings} warning(s) in {campaigns} campaign file(s)",
                   errors=len(errors), warnings=len(warnings), campaigns=checked))
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
    plan_ = build_plan(workspace, campaigns, start=parse_when(from_),
                       end=parse_when(until, end=True), channel=channel)
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
    html: Annotated[Optional[Path], typer.Option(
        "--html", help="Also write a page of cards shaped like each platform's posts.")] = None,
) -> None:
    """Each rendered post per channel, exactly as it will go out."""
    from .errors import UsageError
    from .output import preview_json, preview_markdown, preview_text
    from .planner import build_plan

    if fmt not in ("text", "markdown", "json"):
        from .i18n import t

        raise UsageError(t("unknown format {fmt!r}", fmt=fmt),
                         t("use --format text, markdown or json"))
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
    if html is not None:
        from .i18n import t
        from .report_html import preview_html

        html.write_text(preview_html(entries, campaigns, problems, workspace.root),
                        encoding="utf-8")
        _err(t("Wrote {path}", path=str(html)))
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


# --- publish, status, retract, reconcile ---------------------------------------------

def _now():
    """The current instant; CAMPAIGNCTL_NOW (ISO 8601 with offset) pins it for rehearsals."""
    import os
    from datetime import datetime, timezone

    from .errors import UsageError

    pinned = os.environ.get("CAMPAIGNCTL_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            from .i18n import t

            raise UsageError(t("CAMPAIGNCTL_NOW={pinned!r} is not an ISO date-time with an offset",
                               pinned=pinned), "CAMPAIGNCTL_NOW=2026-12-01T09:00:00+08:00")
        return moment
    return datetime.now(timezone.utc)


@contextlib.contextmanager
def _progress(enabled: bool):
    """On a terminal's stderr: a line counting sends as they settle, and a bar per media
    upload; silent elsewhere (cron mail and CI logs get the summary table only)."""
    if not (enabled and sys.stderr.isatty()):
        yield None, None
        return
    import threading

    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .i18n import t

    counts: dict[str, int] = {}
    uploads: dict[str, Any] = {}
    lock = threading.Lock()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.fields[size]}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("publishing…"), total=None, size="")

        def on_result(result) -> None:
            with lock:
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
                done = ", ".join(f"{n} {t(k)}" for k, n in sorted(counts.items()))
                upload = uploads.pop(result.key, None)
            if upload is not None:
                bar.remove_task(upload)
            bar.update(task, description=t("publishing… {done}", done=done))

        def on_upload(entry, sent: int, total: int) -> None:
            with lock:
                if entry.key not in uploads:
                    uploads[entry.key] = bar.add_task(f"  {entry.post} → {entry.channel}",
                                                      total=total or None, size="")
                upload = uploads[entry.key]
            size = f"{sent / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{sent / 1e6:.1f} MB"
            bar.update(upload, completed=sent, total=total or None, size=size)

        yield on_result, on_upload


SandboxOpt = Annotated[bool, typer.Option(
    "--sandbox", help="Send every channel to the local sandbox (started here if none runs).")]
SandboxAtOpt = Annotated[Optional[str], typer.Option(
    "--sandbox-url", help="A running sandbox to use (default: CAMPAIGNCTL_SANDBOX_URL or :8765).")]


@app.command()
@speaks
def publish(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show each payload; send nothing.")] = False,
    only: Annotated[Optional[str], typer.Option(
        "--only", help="CAMPAIGN or CAMPAIGN/POST.")] = None,
    now_post: Annotated[Optional[str], typer.Option(
        "--now", help="Publish CAMPAIGN/POST immediately (its next occurrence).")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c")] = None,
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    rehearse: Annotated[bool, typer.Option(
        "--rehearse", help="With --sandbox: run the whole timeline now, in order.")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 8,
    as_json: JsonOpt = False,
) -> None:
    """Send every post that is due and not yet sent — safe to run from cron every minute."""
    from .errors import UsageError
    from .i18n import t
    from .jobs import Selection, publish_job
    from .output import run_table

    if only and now_post:
        raise UsageError(t("--only and --now cannot be combined"), t("use one of them"))
    workspace, campaigns, problems = load(None)
    errors = [p for p in problems if p.is_error]
    for p in problems:
        _err(p.one_line())
    if errors:
        _err(t("publish refused: fix the campaign files first (campaignctl validate)"))
        raise typer.Exit(1)
    with _progress(enabled=not as_json and not dry_run) as (on_result, on_upload):
        summary = publish_job(workspace, campaigns, now=_now(),
                              selection=Selection.parse(now_post or only, channel),
                              dry_run=dry_run, sandbox=sandbox or bool(sandbox_url),
                              sandbox_url=sandbox_url, rehearse=rehearse,
                              post_now=bool(now_post), concurrency=concurrency,
                              on_result=on_result, on_upload=on_upload)
    if as_json:
        print_json(summary.to_json())
    else:
        typer.echo(run_table(summary, rehearse=rehearse))
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
@speaks
def status(
    campaign: Annotated[Optional[str], typer.Argument(help="One campaign (default: all).")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed and unknown.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """What happened to each occurrence (state, reason, URL), pauses and approvals."""
    from zoneinfo import ZoneInfo

    from .i18n import t
    from .jobs import governance_status_job, open_ledger
    from .output import governance_lines, status_table

    from .scheduler import heartbeat_lines

    workspace, campaigns, problems = load(None)
    now = _now()
    ledger = open_ledger(workspace)
    try:
        rows = ledger.status(campaign, failed_only=failed)
        schedulers = heartbeat_lines(ledger, now)
        beats = ledger.heartbeats()
        holds = ledger.channel_holds(now)
    finally:
        ledger.close()
    governance = governance_status_job(workspace, campaigns, now=now)
    if as_json:
        print_json({"occurrences": [r.to_json() for r in rows], "governance": governance,
                    "schedulers": beats,
                    "rate_limited": {ch: {"until": until.isoformat(), "reason": reason}
                                     for ch, (until, reason) in sorted(holds.items())}})
        return
    held = [t("{channel} is rate limited by the platform until {at}: {reason}", channel=ch,
              at=f"{until.astimezone(ZoneInfo(workspace.timezone)):%Y-%m-%d %H:%M %Z}",
              reason=reason or "-")
            for ch, (until, reason) in sorted(holds.items())]
    for line in [*schedulers, *held, *governance_lines(governance)]:
        typer.echo(line)
    typer.echo(status_table(rows, workspace.timezone, filtered=bool(campaign or failed)))
    for p in problems:  # status still works with a broken file, but says so
        _err(p.one_line())


@app.command()
@speaks
def retract(
    target: Annotated[str, typer.Argument(help="CAMPAIGN or CAMPAIGN/POST.")],
    channel: Annotated[Optional[str], typer.Option("--channel", "-c")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    by: Annotated[Optional[str], typer.Option(
        "--by", help="Who retracts, for the audit trail (default: the OS user).")] = None,
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete every published copy on every channel, and stop what is still to come."""
    from .errors import UsageError
    from .i18n import t
    from .jobs import Selection, retract_job
    from .output import retract_table

    selection = Selection.parse(target, channel)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(t("retract deletes posts and asks first"),
                             t("run it in a terminal, or pass --yes"))
        what = target + (f" on {channel}" if channel else "")
        if not typer.confirm(t("Delete every published copy of {what}?", what=what)):
            raise typer.Exit(1)
    workspace, campaigns, _ = load(None)
    summary = retract_job(workspace, campaigns, selection, now=_now(),
                          sandbox=sandbox or bool(sandbox_url), sandbox_url=sandbox_url, by=by)
    if as_json:
        print_json(summary.to_json())
    else:
        typer.echo(retract_table(summary))
    if not summary.ok:
        raise typer.Exit(1)


@app.command()
@speaks
def reconcile(
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Settle posts whose outcome is unknown by asking each platform whether they are up."""
    from .config import load_workspace
    from .jobs import reconcile_job
    from .output import run_table

    workspace = load_workspace(find_workspace())
    summary = reconcile_job(workspace, now=_now(), sandbox=sandbox or bool(sandbox_url),
                            sandbox_url=sandbox_url)
    if as_json:
        print_json(summary.to_json())
    else:
        typer.echo(run_table(summary))
    if not summary.ok:
        raise typer.Exit(1)


# --- channels ------------------------------------------------------------------------

channels_app = typer.Typer(help="The accounts in channels.yaml: list, check, log in.",
                           no_args_is_help=False)
app.add_typer(channels_app, name="channels")


@channels_app.callback(invoke_without_command=True)
@speaks
def channels_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the accounts, their platform, where they post, and which credentials are set."""
    if ctx.invoked_subcommand is not None:
        return
    from .config import load_workspace
    from .output import accounts_table, credential_state

    workspace = load_workspace(find_workspace())
    rows = credential_state(workspace)
    if as_json:
        print_json(rows)
    else:
        typer.echo(accounts_table(rows))


@channels_app.command("check")
@speaks
def channels_check(
    name: Annotated[Optional[str], typer.Argument(help="One account (default: all).")] = None,
    sandbox_url: Annotated[Optional[str], typer.Option(
        "--sandbox-url", help="Check against this sandbox instead.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify each credential against its platform and say what it may do, one line each."""
    from .channels import channel_for
    from .config import load_workspace
    from .errors import CampaignctlError

    import contextlib

    from .jobs import sandbox_session, uses_sandbox

    workspace = load_workspace(find_workspace())
    names = [name] if name else sorted(workspace.accounts)
    results, failed = [], 0
    route = bool(sandbox_url) or uses_sandbox(workspace, names)
    with (sandbox_session(workspace, sandbox_url) if route
          else contextlib.nullcontext(None)) as url:
        checks = []
        for account_name in names:
            try:
                report = channel_for(workspace, account_name, sandbox_url=url,
                                     force_sandbox=bool(sandbox_url)).check()
                checks.append((account_name, report.ok, report.summary, report.details))
            except CampaignctlError as exc:
                checks.append((account_name, False, exc.one_line(), {}))
    for account_name, ok, line, details in checks:
        # Adapters' summaries may already start with the account's name.
        line = line.removeprefix(f"{account_name}: ")
        failed += not ok
        results.append({"channel": account_name, "ok": ok, "summary": line, "details": details})
        if not as_json:
            mark = "✓" if ok else "✗"
            (typer.echo if ok else _err)(f"{mark} {account_name}: {line}")
    if as_json:
        print_json(results)
    if failed:
        raise typer.Exit(1)


@channels_app.command("login")
@speaks
def channels_login(
    name: Annotated[str, typer.Argument(help="The account to log in.")],
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Print the consent URL instead of opening a browser.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for consent.")] = 300,
    port: Annotated[Optional[int], typer.Option(
        "--port", help="Loopback port for the redirect (X needs the one registered).")] = None,
    paste_token: Annotated[bool, typer.Option(
        "--paste-token", help="Facebook: paste a short-lived user token instead.")] = False,
) -> None:
    """Run the platform's OAuth flow for an account and store the tokens (user-only file)."""
    import contextlib
    import inspect

    from .channels import channel_for
    from .config import load_workspace
    from .errors import UsageError
    from .i18n import t
    from .jobs import sandbox_session

    workspace = load_workspace(find_workspace())
    account = workspace.accounts.get(name)
    with (sandbox_session(workspace) if account is not None and account.sandbox
          else contextlib.nullcontext(None)) as url:
        channel = channel_for(workspace, name, sandbox_url=url)
        login = getattr(channel, "login", None)
        if login is None:
            raise UsageError(
                t("{platform} has no interactive login in campaignctl", platform=channel.platform),
                t("set the credentials named under channels.{name}.credentials in .env",
                  name=name))

        def show(url_: str) -> bool:
            typer.echo(t("Open this address to give consent: {url}", url=url_), err=True)
            return True

        def open_url(url_: str) -> bool:
            import webbrowser

            return bool(webbrowser.open(url_)) or show(url_)

        accepted = inspect.signature(login).parameters
        kwargs: dict[str, Any] = {}
        if "open_url" in accepted:
            kwargs.update(open_url=show if no_browser else open_url, timeout=timeout, port=port)
        if paste_token:
            if "user_token" not in accepted:
                raise UsageError(t("--paste-token is for Facebook accounts"))
            kwargs["user_token"] = typer.prompt(t("Short-lived user token"), hide_input=True)
        login(**kwargs)
    typer.echo(t("Logged in {name}; tokens stored for the user only.", name=name))


# --- sandbox -------------------------------------------------------------------------

sandbox_app = typer.Typer(help="Local emulators of X, Facebook, YouTube and TikTok.")
app.add_typer(sandbox_app, name="sandbox")

SandboxUrlOpt = Annotated[str, typer.Option(
    "--url", envvar="CAMPAIGNCTL_SANDBOX_URL", help="The running sandbox.")]


@sandbox_app.callback(invoke_without_command=True)
@speaks
def sandbox_serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Loopback port.")] = 8765,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Delay every answer.")] = 0,
    audience_speed: Annotated[float, typer.Option(
        "--audience-speed", help="How much faster than the clock likes and views grow "
        "(default: a second is an hour).")] = 3600.0,
) -> None:
    """Run the emulators on 127.0.0.1 until Ctrl-C (accounts with `sandbox: true` use them)."""
    if ctx.invoked_subcommand is not None:
        return
    from .i18n import t
    from .sandbox import Sandbox

    try:
        sandbox = Sandbox(port=port)
    except OSError as exc:
        from .errors import UsageError

        raise UsageError(t("cannot listen on 127.0.0.1:{port}: {reason}", port=port,
                           reason=exc.strerror or exc),
                         t("is a sandbox already running? pick another --port")) from None
    for platform in sandbox.emulators:
        sandbox.configure(platform, latency_ms=latency_ms, audience_speed=audience_speed)
    # Inside a workspace the sandbox shares one world with `publish --sandbox` runs.
    from .jobs import SANDBOX_STATE

    root = find_workspace()
    state = root / ".campaignctl" / SANDBOX_STATE if (root / "channels.yaml").is_file() else None
    if state is not None:
        sandbox.load_state(state)
    typer.echo(t("Sandbox of {platforms} on {url} (Ctrl-C stops it).",
                 platforms=", ".join(sandbox.emulators), url=sandbox.url))
    typer.echo(t("See what it received: campaignctl sandbox posts"))
    import signal

    def _stop(signum, frame):  # SIGTERM (systemd, kill) stops like Ctrl-C and keeps the state
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        typer.echo(t("Sandbox stopped."))
    finally:
        sandbox.stop()
        if state is not None:
            sandbox.save_state(state)


def _sandbox_call(url: str, path: str, body: dict | None = None) -> Any:
    import json
    import urllib.error
    import urllib.request

    from .errors import UsageError
    from .i18n import t

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url.rstrip('/')}/_sandbox/{path}", data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        raise UsageError(t("the sandbox refused: {reason}", reason=exc.read().decode()[:200]))
    except OSError:
        raise UsageError(t("no sandbox answers at {url}", url=url),
                         t("start one with `campaignctl sandbox` in another terminal")) from None


@sandbox_app.command("posts")
@speaks
def sandbox_posts(
    url: SandboxUrlOpt = "http://127.0.0.1:8765",
    platform: Annotated[Optional[str], typer.Option("--platform")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What each emulator received: every post with its media."""
    from .errors import UsageError
    from .output import sandbox_posts_table

    try:
        posts = _sandbox_call(url, "posts")
    except UsageError:  # none running: show what this workspace's rehearsals left behind
        posts = _saved_sandbox_posts()
        if posts is None:
            raise
    if platform:
        posts = {platform: posts.get(platform, [])}
    if as_json:
        print_json(posts)
    else:
        typer.echo(sandbox_posts_table(posts))


def _saved_sandbox_posts() -> dict | None:
    """The posts kept by `publish --sandbox` in this workspace, or None if there are none."""
    from .jobs import SANDBOX_STATE
    from .sandbox import Sandbox

    state = find_workspace() / ".campaignctl" / SANDBOX_STATE
    if not state.is_file():
        return None
    sandbox = Sandbox(port=0)  # never started: only its emulators' memory is read
    try:
        return sandbox.all_posts() if sandbox.load_state(state) else None
    finally:
        sandbox.stop()


@sandbox_app.command("configure")
@speaks
def sandbox_configure(
    platform: Annotated[str, typer.Argument(help="x, facebook, youtube or tiktok.")],
    url: SandboxUrlOpt = "http://127.0.0.1:8765",
    latency_ms: Annotated[Optional[float], typer.Option("--latency-ms")] = None,
    rate_limit: Annotated[Optional[str], typer.Option(
        "--rate-limit", help="REQUESTS/SECONDS, e.g. 5/60.")] = None,
    fault: Annotated[Optional[list[str]], typer.Option(
        "--fault", help="KIND[:COUNT][@PATH], KIND one of 5xx, 429, timeout_after_apply, "
        "expired_token; @PATH aims it at requests whose path contains PATH (e.g. "
        "timeout_after_apply@/upload); repeatable.")] = None,
) -> None:
    """Set latency, a rate limit or injected faults on one emulator of a running sandbox."""
    from .errors import UsageError
    from .i18n import t
    from .sandbox.core import FAULT_KINDS

    body: dict[str, Any] = {}
    if latency_ms is not None:
        body["latency_ms"] = latency_ms
    if rate_limit:
        requests_, _, seconds = rate_limit.partition("/")
        if not (requests_.isdigit() and seconds.isdigit()):
            raise UsageError(t("--rate-limit must look like 5/60 (requests/seconds)"))
        body["rate_limit"] = {"requests": int(requests_), "window_seconds": int(seconds)}
    if fault:
        faults = []
        for item in fault:
            spec, _, path = item.partition("@")
            kind, _, count = spec.partition(":")
            if kind not in FAULT_KINDS or (count and not count.isdigit()) or "@" in path:
                raise UsageError(t("bad --fault {item!r}", item=item),
                                 t("use KIND[:COUNT][@PATH] with KIND one of {kinds}",
                                   kinds=", ".join(FAULT_KINDS)))
            aimed = {"path": path} if path else {}
            faults.append({"kind": kind, "count": int(count or 1), **aimed})
        body["faults"] = faults
    _sandbox_call(url, f"config/{platform}", body)
    typer.echo(t("{platform}: configured {what}", platform=platform, what=body))


# Commands of the service, governance and reports live in their own CLI modules; importing
# them registers their commands on ``app``. They import only typer at module level.
from . import cli_governance, cli_report, cli_service  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        app(args=argv, prog_name="campaignctl")
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
