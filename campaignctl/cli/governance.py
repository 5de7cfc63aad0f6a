"""Governance: `pause`, `resume`, `approve`, `approvals`, `announce`, `audit`."""

from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Optional

import typer

from ..i18n import t, tn
from ._common import (
    JsonOpt,
    SandboxAtOpt,
    SandboxOpt,
    confirm_or_refuse,
    err,
    format_option,
    load,
    load_workspace,
    now,
    parse_when,
    print_json,
    print_problems,
    refuse_broken,
)


class AuditFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


ChannelsOpt = Annotated[Optional[list[str]], typer.Option(
    "--channel", "-c", help="Only this channel (repeatable; default: every channel).")]
ByOpt = Annotated[Optional[str], typer.Option(
    "--by", help="Who does this, for the audit trail (default: the OS user).")]
ByRequiredOpt = Annotated[str, typer.Option(
    "--by", help="Who does this, by name: recorded in the audit trail.")]


def _table(headers: list[str], rows: list[list[str]]) -> str:
    from ..output import _table as table

    return table(headers, rows, width=200)


def _when(moment: datetime, tz_name: str) -> str:
    from zoneinfo import ZoneInfo

    from ..output import when_text

    return when_text(moment.astimezone(ZoneInfo(tz_name)))


def pause(
    reason: Annotated[str, typer.Option("--reason", help="Why: shown on every held post.")],
    channel: ChannelsOpt = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Stop every send on every channel (or the named ones) until `campaignctl resume`."""
    from ..usecases.governance import pause_job

    workspace = load_workspace()
    held = pause_job(workspace, reason, channel, by=by, now=now())
    if as_json:
        print_json([p.to_json() for p in held])
        return
    where = ", ".join(channel) if channel else t("every channel")
    typer.echo(t("Paused {where}: {reason}. Due posts are skipped (paused) and go out if "
                 "resumed within the catch-up window; emergency posts still go out. "
                 "Lift it with `campaignctl resume`.", where=where, reason=reason.strip()))


def resume(
    channel: ChannelsOpt = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Lift the pause on every channel (or the named ones); held posts still in time go out."""
    from ..usecases.governance import resume_job

    workspace = load_workspace()
    lifted = resume_job(workspace, channel, by=by, now=now())
    if as_json:
        print_json([p.to_json() for p in lifted])
        return
    if not lifted:
        typer.echo(t("Nothing was paused."))
        return
    for p in lifted:
        where = t("every channel") if p.everything else p.channel
        typer.echo(t("Resumed {where} (paused by {who}: {reason}).", where=where,
                     who=p.paused_by, reason=p.reason))
    typer.echo(t("Held posts still inside the catch-up window go out at the next publish."))


def approve(
    target: Annotated[str, typer.Argument(help="CAMPAIGN or CAMPAIGN/POST.")],
    by: ByRequiredOpt,
    channel: Annotated[Optional[str], typer.Option("--channel", "-c")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve the exact rendered content of every upcoming post of CAMPAIGN[/POST]."""
    from ..usecases.common import Selection
    from ..usecases.governance import approve_job

    workspace, campaigns, problems = load(None)
    if any(p.is_error for p in problems):
        refuse_broken(problems, t("approve refused: fix the campaign files first "
                                  "(campaignctl validate)"))
    entries, new = approve_job(workspace, campaigns, Selection.parse(target, channel), by=by,
                               now=now())
    if as_json:
        print_json({"approved_by": by, "occurrences": len(entries), "new": len(new),
                    "keys": [e.key for e in entries]})
        return
    typer.echo(t("{by} approved {n} post(s) of {target} exactly as they render now ({new} "
                 "new); any edit voids the approval.", by=by, n=len(entries), target=target,
                 new=len(new)))


def approvals(
    campaign: Annotated[Optional[str], typer.Argument(help="One campaign (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who approved which upcoming post, and which approvals are void (edited) or missing."""
    from ..usecases.common import Selection
    from ..usecases.governance import approvals_job

    workspace, campaigns, problems = load(None)
    print_problems(problems)
    rows = approvals_job(workspace, campaigns, Selection(campaign), now=now())
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    if not rows:
        typer.echo(t("No post is still to go out."))
        return
    marks = {"approved": "✓", "void": "✗", "missing": "·"}
    body = [[_when(r.at, workspace.timezone),
             f"{r.campaign}/{r.post}" + (f" ({t('rehearsed')})" if r.rehearsed else ""),
             r.channel, t("yes") if r.required else t("no"),
             f"{marks.get(r.state, ' ')} {t(r.state)}", r.approved_by or "-"] for r in rows]
    typer.echo(_table([t("When"), t("Post"), t("Channel"), t("Required"), t("Approval"),
                       t("By")], body))
    rehearsed = sum(1 for r in rows if r.rehearsed)
    if rehearsed:
        typer.echo("\n" + tn("{count} post was rehearsed in the sandbox only: it is still to go "
                             "out live, and its approval holds for the live send.",
                             "{count} posts were rehearsed in the sandbox only: they are still "
                             "to go out live, and their approvals hold for the live send.",
                             rehearsed))
    blocked = sum(1 for r in rows if r.required and r.state != "approved")
    if blocked:
        typer.echo("\n" + tn("{count} post needs approval and will be skipped (not approved) "
                             "until someone runs `campaignctl approve CAMPAIGN[/POST] --by NAME`.",
                             "{count} posts need approval and will be skipped (not approved) "
                             "until someone runs `campaignctl approve CAMPAIGN[/POST] --by NAME`.",
                             blocked))


def announce(
    text: Annotated[str, typer.Option("--text", help="The message (Jinja allowed).")],
    by: ByRequiredOpt,
    channel: ChannelsOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Send an emergency message now to every channel (or the named ones), through pauses
    and blackouts."""
    from ..output import run_table
    from ..selectors import resolve_channels
    from ..usecases.announce import announce_job

    workspace = load_workspace()
    resolve_channels(channel or [], workspace.accounts)  # a typo is refused, never confirmed
    if not yes:
        where = ", ".join(channel) if channel else t("every channel")
        confirm_or_refuse(t("Post this now on {where}?\n{text}", where=where, text=text),
                          t("announce posts at once and asks first"))
    result = announce_job(workspace, text, channel, by=by, now=now(),
                          sandbox=sandbox or bool(sandbox_url), sandbox_url=sandbox_url)
    if as_json:
        print_json(result.to_json())
    else:
        typer.echo(run_table(result.summary))
        for name, why in sorted(result.left_out.items()):
            err(t("{channel}: left out: {reason}", channel=name, reason=why))
    if not result.ok:
        raise typer.Exit(1)


def audit(
    since: Annotated[Optional[str], typer.Option(
        "--since", help="From this date or date-time (workspace time zone unless an "
        "offset is given).")] = None,
    fmt: Annotated[AuditFormat, format_option(
        AuditFormat, "table, csv or json.",
        lambda: t("use --format table, csv or json"))] = AuditFormat.table,
) -> None:
    """The audit trail: every state change, approval, pause, resume, retract and announce."""
    from zoneinfo import ZoneInfo

    from ..governance import audit_csv
    from ..usecases.governance import audit_job

    workspace = load_workspace()
    moment = parse_when(since)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(workspace.timezone))
    rows = audit_job(workspace, moment)
    if fmt is AuditFormat.json:
        print_json([r.to_json() for r in rows])
    elif fmt is AuditFormat.csv:
        typer.echo(audit_csv(rows), nl=False)
    elif not rows:
        typer.echo(t("The audit trail is empty."))
    else:
        _audit_tables(rows, workspace.timezone)


def _audit_tables(rows: list[Any], tz_name: str) -> None:
    """The live trail, then apart what happened in the sandbox (rehearsals, resets)."""
    def table(part: list[Any]) -> str:
        return _table([t("When"), t("Who"), t("Action"), t("What"), t("Details")],
                      [[_when(r.at, tz_name), r.actor, t(r.action), _what(r),
                        _details(r.details)] for r in part])

    live = [r for r in rows if r.target != "sandbox"]
    rehearsed = [r for r in rows if r.target == "sandbox"]
    if live:
        typer.echo(table(live))
    if rehearsed:
        typer.echo(("\n" if live else "") + t("In the sandbox (rehearsals; nothing here "
                                               "reached a real platform):"))
        typer.echo(table(rehearsed))


def _what(row: Any) -> str:
    parts = [p for p in (row.campaign, row.post) if p]
    what = "/".join(parts)
    if row.channel:
        what = f"{what} @{row.channel}" if what else row.channel
    return what or "-"


def _details(details: dict[str, Any]) -> str:
    if "to" in details:  # a state change
        text = f"{details.get('from') or '∅'} → {details['to']}"
        extra = details.get("reason") or details.get("url")
        return f"{text}: {extra}" if extra else text
    return ", ".join(f"{k}={v}" for k, v in sorted(details.items()) if v not in (None, [], {}))


def register(app: typer.Typer) -> None:
    for command in (pause, resume, approve, approvals, announce, audit):
        app.command()(command)
