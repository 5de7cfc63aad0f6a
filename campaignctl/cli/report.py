"""`report`: reach, engagement and conversions per campaign, channel and post."""

from datetime import timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..i18n import t
from ._common import (
    JsonOpt,
    SandboxAtOpt,
    SandboxOpt,
    load,
    now,
    parse_when,
    print_json,
    print_problems,
)


def report(
    campaign: Annotated[Optional[str], typer.Argument(help="One campaign (default: all).")] = None,
    since: Annotated[Optional[str], typer.Option(
        "--since", help="Only posts published from this date (YYYY-MM-DD, UTC).")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Collect fresh numbers now (default: only when the last "
        "collection is over an hour old).")] = False,
    sandbox: SandboxOpt = False,
    sandbox_url: SandboxAtOpt = None,
    conversions: Annotated[Optional[Path], typer.Option(
        "--conversions", help="A Matomo or Google Analytics CSV export to join on UTM tags.",
        dir_okay=False)] = None,
    mapping: Annotated[Optional[list[str]], typer.Option(
        "--map", help="COLUMN=FIELD for the CSV, FIELD one of utm_campaign, utm_source, "
        "utm_content, utm_medium, conversions; repeatable.")] = None,
    csv_out: Annotated[Optional[str], typer.Option(
        "--csv", help="Write CSV to this file ('-' for standard output).")] = None,
    as_json: JsonOpt = False,
    html_out: Annotated[Optional[Path], typer.Option(
        "--html", help="Write one self-contained HTML page here.", dir_okay=False)] = None,
) -> None:
    """Reach, engagement and conversions per campaign, channel and post."""
    from ..output import sandbox_used_line
    from ..report import parse_mapping, report_csv, report_table
    from ..usecases.report import report_job

    workspace, campaigns, problems = load(None)
    print_problems(problems)  # a broken campaign file must not hide what was published
    start = parse_when(since)
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    data = report_job(workspace, campaigns, now=now(), campaign=campaign, since=start,
                      refresh=refresh, sandbox=sandbox or bool(sandbox_url),
                      sandbox_url=sandbox_url, conversions=conversions,
                      mapping=parse_mapping(mapping or []))
    if html_out is not None:
        from ..report.html import report_html

        html_out.write_text(report_html(data), encoding="utf-8")
    if csv_out == "-":
        typer.echo(report_csv(data), nl=False)
    elif csv_out:
        Path(csv_out).write_text(report_csv(data), encoding="utf-8")
    if as_json:
        print_json(data)
    elif csv_out != "-":
        typer.echo(report_table(data), nl=False)
        if data.get("sandbox_url"):
            typer.echo(sandbox_used_line(data["sandbox_url"]))
        for written in (html_out, csv_out):
            if written:
                typer.echo(t("Wrote {path}", path=str(written)))


def register(app: typer.Typer) -> None:
    app.command()(report)
