"""Sending and its aftermath: `publish`, `status`, `retract`, `reconcile`."""

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from ..i18n import t
from ._common import (
    JsonOpt,
    SandboxAtOpt,
    SandboxOpt,
    confirm_or_refuse,
    load,
    load_workspace,
    names_checked,
    now,
    print_json,
    print_problems,
    refuse_broken,
)


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[tuple[Optional[Callable], Optional[Callable]]]:
    """On a terminal's stderr: a line counting sends as they settle, and a bar per media
    upload; silent elsewhere (cron mail and CI logs get the summary table only)."""
    if not (enabled and sys.stderr.isatty()):
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    counts: dict[str, int] = {}
    uploads: dict[str, Any] = {}
    lock = threading.Lock()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.fields[size]}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("publishing…"), total=None, size="")

        def on_result(result: Any) -> None:
            with lock:
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
                done = ", ".join(f"{n} {t(k)}" for k, n in sorted(counts.items()))
                upload = uploads.pop(result.key, None)
            if upload is not None:
                bar.remove_task(upload)
            bar.update(task, description=t("publishing… {done}", done=done))

        def on_upload(entry: Any, sent: int, total: int) -> None:
            with lock:
                if entry.key not in uploads:
                    uploads[entry.key] = bar.add_task(f"  {entry.post} → {entry.channel}",
                                                      total=total or None, size="")
                upload = uploads[entry.key]
            size = f"{sent / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{sent / 1e6:.1f} MB"
            bar.update(upload, completed=sent, total=total or None, size=size)

        yield on_result, on_upload


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
    lookup_first: Annotated[bool, typer.Option(
        "--lookup-first", help="Look each post up on its platform before sending it, and "
        "record the ones already there (after the ledger was lost).")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 8,
    as_json: JsonOpt = False,
) -> None:
    """Send every post that is due and not yet sent — safe to run from cron every minute."""
    from ..output import run_table
    from ..usecases.common import Selection
    from ..usecases.publishing import publish_job

    if only and now_post:
        raise UsageError(t("--only and --now cannot be combined"), t("use one of them"))
    workspace, campaigns, problems = load(None)
    refuse_broken(problems, t("publish refused: fix the campaign files first (campaignctl "
                              "validate)"))
    with _progress(enabled=not as_json and not dry_run) as (on_result, on_upload):
        summary = publish_job(workspace, campaigns, now=now(),
                              selection=Selection.parse(now_post or only, channel),
                              dry_run=dry_run, sandbox=sandbox or bool(sandbox_url),
                              sandbox_url=sandbox_url, rehearse=rehearse,
                              post_now=bool(now_post), lookup_first=lookup_first,
                              concurrency=concurrency,
                              on_result=on_result, on_upload=on_upload)
    if as_json:
        print_json(summary.to_json())
    else:
        typer.echo(run_table(summary, rehearse=rehearse))
    if not summary.ok:
        raise typer.Exit(1)


def status(
    campaign: Annotated[Optional[str], typer.Argument(help="One campaign (default: all).")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed and unknown.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """What happened to each occurrence (state, reason, URL), pauses and approvals."""
    from zoneinfo import ZoneInfo

    from ..output import governance_lines, status_table
    from ..usecases.status import status_job

    workspace, campaigns, problems = load(None)
    with names_checked(problems):
        view = status_job(workspace, campaigns, campaign, failed_only=failed, now=now())
    if as_json:
        print_json({"occurrences": [r.to_json() for r in view.rows],
                    "governance": view.governance, "schedulers": view.heartbeats,
                    "rate_limited": {ch: {"until": until.isoformat(), "reason": reason}
                                     for ch, (until, reason) in sorted(view.holds.items())}})
        return
    zone = ZoneInfo(workspace.timezone)
    held = [t("{channel} is rate limited by the platform until {at}: {reason}", channel=ch,
              at=f"{until.astimezone(zone):%Y-%m-%d %H:%M %Z}", reason=reason or "-")
            for ch, (until, reason) in sorted(view.holds.items())]
    for line in [*view.schedulers, *held, *governance_lines(view.governance)]:
        typer.echo(line)
    typer.echo(status_table(view.rows, workspace.timezone, filtered=bool(campaign or failed)))
    print_problems(problems)  # status still works with a broken file, but says so


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
    from ..output import retract_table
    from ..usecases.common import Selection
    from ..usecases.publishing import retract_job

    selection = Selection.parse(target, channel)
    workspace, campaigns, problems = load(None)
    with names_checked(problems):  # before asking: a typo is refused, never confirmed
        selection.campaigns(campaigns, workspace, in_ledger=True)
    if not yes:
        what = target + (f" on {channel}" if channel else "")
        confirm_or_refuse(t("Delete every published copy of {what}?", what=what),
                          t("retract deletes posts and asks first"))
    summary = retract_job(workspace, campaigns, selection, now=now(),
                          sandbox=sandbox or bool(sandbox_url), sandbox_url=sandbox_url, by=by)
    if as_json:
        print_json(summary.to_json())
    else:
        typer.echo(retract_table(summary))
    if not summary.ok:
        raise typer.Exit(1)


def reconcile(
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    from_platform: Annotated[bool, typer.Option(
        "--from-platform", help="Look every due post the ledger does not know as sent up "
        "on its platform and record the ones found (after the ledger was lost); sends "
        "nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Settle posts whose outcome is unknown by asking each platform whether they are up."""
    from ..output import run_table
    from ..usecases.publishing import reconcile_job

    if from_platform:
        workspace, campaigns, problems = load(None)
        refuse_broken(problems, t("reconcile refused: fix the campaign files first "
                                  "(campaignctl validate)"))
    else:
        workspace, campaigns = load_workspace(), []
    summary = reconcile_job(workspace, now=now(), sandbox=sandbox or bool(sandbox_url),
                            sandbox_url=sandbox_url, from_platform=from_platform,
                            campaigns=campaigns)
    if as_json:
        print_json(summary.to_json())
    else:
        typer.echo(run_table(summary))
    if not summary.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    for command in (publish, status, retract, reconcile):
        app.command()(command)
