"""Formatting for people and machines: plan tables, previews, annotations.

Pure functions that return strings or JSON-able data; cli/ does the printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .channels import limits_for, secrets_for
from .errors import CredentialError, Problem
from .i18n import babel_locale, t, time_pattern, tn
from .models import Campaign, Media, PlanEntry, RenderedPost, Target
from .rules import x_weighted_length


def when_text(moment: datetime) -> str:
    """A local date-time as people read it, in the current language, with its zone."""
    from babel.dates import format_datetime

    pattern = time_pattern("EEE d MMM y {time}")
    return f"{format_datetime(moment, pattern, locale=babel_locale())} {moment.tzname()}"


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that pins the problem to its file and line."""
    level = "error" if problem.is_error else "warning"
    props = []
    if problem.file:
        props.append(f"file={_escape_prop(problem.file)}")
    if problem.line:
        props.append(f"line={problem.line}")
    props.append("title=campaignctl")
    text = problem.message + (f" — {problem.hint}" if problem.hint else "")
    return f"::{level} {','.join(props)}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def plan_rows(lines: Sequence[Any]) -> list[dict[str, Any]]:
    """`plan --json`: one object per (occurrence, channel) with what publish would do
    (``lines``: usecases.plan.PlanLine, an entry with its status, reason and URL)."""
    return [{
        "campaign": line.entry.campaign,
        "post": line.entry.post,
        "channel": line.entry.channel,
        "platform": line.entry.platform,
        "at": line.entry.at.isoformat(),
        "at_utc": _utc(line.entry.at),
        "status": line.status,
        "reason": line.reason,
        "url": line.url,
        "key": line.entry.row_key,
        "target": line.entry.target,
    } for line in lines]


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")



def plan_table(lines: Sequence[Any], campaigns: Sequence[Campaign]) -> str:
    """The timeline as an aligned table for terminals and CI logs, with what publish would
    do with each entry (``lines``: usecases.plan.PlanLine)."""
    rows = [[when_text(line.entry.at), line.entry.campaign, line.entry.post,
             line.entry.channel, _plan_status(line.status),
             " · ".join(x for x in (line.reason, line.url) if x)] for line in lines]
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    footer = t("{counts}, in {campaigns}",
               counts=", ".join(f"{n} {_plan_status(s)}" for s, n in counts.items()) or "0",
               campaigns=tn("{count} campaign", "{count} campaigns", len(campaigns)))
    return _table([t("When"), t("Campaign"), t("Post"), t("Channel"), t("Status"),
                   t("Reason")], rows) + "\n\n" + footer


def _plan_status(status: str) -> str:
    # The two words only `plan` uses; the others are the models' states and outcomes.
    if status == "deferred":
        return t("deferred")
    if status == "refused":
        return t("refused")
    return t(status)


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass


def _length_note(post: RenderedPost, part: str) -> str:
    limits = limits_for(post.platform)
    if limits.text_counter == "twitter":
        return f"{x_weighted_length(part)}/{limits.text_max}"
    if limits.text_counter == "bytes":
        return f"{len(part.encode())}/{limits.text_max} bytes"
    if limits.text_counter == "utf16":
        return f"{len(part.encode('utf-16-le')) // 2}/{limits.text_max}"
    return f"{len(part)}/{limits.text_max}"


def _media_line(media: Media, root: Path) -> str:
    path = _relative(media.path, root)
    kind = media.mime or t("unknown type")
    alt = media.alt or t("(no alt text)")
    return f"{path} · {kind} · alt: {alt}"


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _more(counts: Mapping[tuple[str, str, str], int], e: PlanEntry) -> int:
    return counts.get((e.campaign, e.post, e.channel), 1) - 1


def preview_text(entries: Sequence[PlanEntry], counts: Mapping[tuple[str, str, str], int],
                 root: Path) -> str:
    """Each rendered post as it will go out, for a terminal."""
    blocks = []
    for e in entries:
        post = e.rendered
        assert post is not None
        head = f"── {e.campaign}/{e.post} → {e.channel} ({e.platform}) · {when_text(e.at)}"
        more = _more(counts, e)
        if more:
            head += " " + tn("(+{count} more occurrence; --all shows it)",
                             "(+{count} more occurrences; --all shows them)", more)
        lines = [head]
        total = len(post.parts)
        for i, part in enumerate(post.parts, 1):
            label = f"[{i}/{total}] " if total > 1 else ""
            lines.append(f"{label}({_length_note(post, part)})")
            lines.extend("  " + line for line in part.splitlines())
        for media in post.media:
            lines.append("  ▣ " + _media_line(media, root))
        for key, value in post.options.items():
            lines.append(f"  {key}: {value}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if blocks else t("Nothing to preview.")


def preview_markdown(entries: Sequence[PlanEntry], campaigns: Sequence[Campaign],
                     problems: Sequence[Problem], counts: Mapping[tuple[str, str, str], int],
                     root: Path) -> str:
    """A GitHub job summary / pull-request comment showing every post."""
    names = {c.id: c.name for c in campaigns}
    out = [f"# {t('campaignctl preview')}"]
    errors = [p for p in problems if p.is_error]
    if problems:
        icon = "❌" if errors else "⚠️"
        # "3 errors, 1 warning": a comma joins the two counts in every language we have.
        out.append(f"\n{icon} {tn('{count} error', '{count} errors', len(errors))}, "
                   f"{tn('{count} warning', '{count} warnings', len(problems) - len(errors))}")
        out.extend(f"- `{p.location()}` **{t(p.severity)}**: {p.message}"
                   + (f" — {p.hint}" if p.hint else "") for p in problems)
    current = None
    for e in entries:
        post = e.rendered
        assert post is not None
        if e.campaign != current:
            current = e.campaign
            out.append(f"\n## {names.get(e.campaign, e.campaign)} (`{e.campaign}`)")
        more = _more(counts, e)
        extra = (" " + tn("(+{count} more occurrence)", "(+{count} more occurrences)", more)
                 if more else "")
        out.append(f"\n### `{e.post}` → **{e.channel}** · {when_text(e.at)}{extra}\n")
        for i, part in enumerate(post.parts, 1):
            if len(post.parts) > 1:
                out.append(f"**{i}/{len(post.parts)}** ({_length_note(post, part)})\n")
            else:
                out.append(f"({_length_note(post, part)})\n")
            out.append("\n".join("> " + line if line else ">" for line in part.splitlines()))
            out.append("")
        for media in post.media:
            out.append(f"- 🖼 {_media_line(media, root)}")
        for key, value in post.options.items():
            out.append(f"- `{key}`: {value}")
    return "\n".join(out) + "\n"


def preview_json(entries: Sequence[PlanEntry], problems: Sequence[Problem]) -> dict[str, Any]:
    """`preview --format json`: the payload of each post and the problems."""
    return {
        "posts": [e.rendered.payload() for e in entries if e.rendered is not None],
        "problems": [{"file": p.file, "line": p.line, "severity": p.severity,
                      "message": p.message, "hint": p.hint} for p in problems],
    }


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int = 160) -> str:
    """An aligned plain-text table (rich measures emoji and CJK widths correctly)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for head in headers:
        table.add_column(head, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console = Console(width=width, record=True, file=_Null(), color_system=None)
    console.print(table)
    return console.export_text().rstrip()


def credential_state(workspace: Any) -> list[dict[str, Any]]:
    """Each account and whether each credential resolves — never the values."""
    rows = []
    for name, account in sorted(workspace.accounts.items()):
        secrets = secrets_for(workspace, account)
        fields = {}
        for field in sorted(account.credentials):
            try:
                fields[field] = "set" if secrets.get(account, field) else "missing"
            except CredentialError:
                fields[field] = "missing"
        target = "sandbox" if account.sandbox else (account.base_url or "production")
        rows.append({"channel": name, "platform": account.platform, "target": target,
                     "credentials": fields})
    return rows


def accounts_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """`campaignctl channels`: one account per row."""
    body = []
    for row in rows:
        creds = ", ".join(f"{k} {'✓' if v == 'set' else '✗ ' + t('missing')}"
                          for k, v in row["credentials"].items()) or "-"
        body.append([row["channel"], row["platform"], row["target"], creds])
    return _table([t("Channel"), t("Platform"), t("Posts to"), t("Credentials")], body)


def sandbox_posts_table(posts: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """`campaignctl sandbox posts`: what each emulator holds."""
    body = []
    for platform, items in posts.items():
        for item in items:
            text = str(item.get("text") or item.get("title") or item.get("message") or "")
            text = " ".join(text.split())
            if item.get("deleted"):
                text = "[" + t("deleted") + "] " + text
            media = item.get("media") or []
            kinds = ", ".join(str(m.get("type") or m.get("kind") or m.get("mime") or "media")
                              for m in media) if isinstance(media, list) else str(media)
            body.append([platform, str(item.get("id", "")),
                         text[:70] + ("…" if len(text) > 70 else ""), kinds or "-",
                         str(item.get("url") or "")])
    if not body:
        return t("The sandbox has received no posts yet.")
    return _table([t("Platform"), "Id", t("Text"), t("Media"), "URL"], body)


def target_label(target: str) -> str:
    """How a row's target reads: the real platform, or the sandbox's emulators."""
    return t("sandbox") if target == Target.SANDBOX else t("live")


_OUTCOME_MARK = {"published": "✓", "already-done": "·", "skipped": "–", "failed": "✗",
                 "unknown": "?", "in-progress": "…", "would-send": "→"}


def run_table(summary: Any, *, rehearse: bool = False) -> str:
    """The end-of-run summary of publish or reconcile: one row per (occurrence, channel),
    and which sandbox it talked to, if any."""
    if not summary.results:
        return t("Nothing was due.") + ("" if rehearse else " " + t(
            "To rehearse the whole campaign now: campaignctl publish --sandbox --rehearse")) \
            + _sandbox_used(summary)
    rows = []
    for r in summary.results:
        detail = r.url or r.reason or (f"id {r.platform_id}" if r.platform_id else "")
        if r.payload is not None:  # dry run: exactly what would go out
            detail = " | ".join(" ".join(part.split()) for part in r.payload.get("parts") or [])
            detail = detail[:100] + ("…" if len(detail) > 100 else "")
        rows.append([f"{_OUTCOME_MARK.get(r.outcome, ' ')} {t(r.outcome)}", when_text(r.at),
                     f"{r.campaign}/{r.post}", r.channel, target_label(r.target), detail])
    counts = ", ".join(f"{n} {t(k)}" for k, n in sorted(summary.counts.items()))
    head = t("Dry run: nothing was sent.") + "\n" if summary.dry_run else ""
    return head + _table([t("Outcome"), t("When"), t("Post"), t("Channel"), t("Target"),
                          t("URL or reason")], rows, width=200) + "\n\n" + counts \
        + _sandbox_used(summary)


def sandbox_used_line(url: str) -> str:
    """The line a summary ends with when its sends went to a sandbox, naming which."""
    return t("Sandbox used: {url}", url=url)


def _sandbox_used(summary: Any) -> str:
    url = getattr(summary, "sandbox_url", None)
    return "\n" + sandbox_used_line(url) if url else ""


def status_table(rows: Sequence[Any], tz_name: str = "UTC", *, filtered: bool = False) -> str:
    """`campaignctl status`: every occurrence in the ledger, in the workspace's time zone."""
    if not rows:
        if filtered:
            return t("No occurrence matches.")
        return t("The ledger is empty: nothing has been published yet.")
    tz = ZoneInfo(tz_name)
    body = [[when_text(r.at.astimezone(tz)), f"{r.campaign}/{r.post}", r.channel,
             target_label(r.target), t(r.state),
             r.url or r.reason or r.last_error or (f"id {r.platform_id}" if r.platform_id else "")]
            for r in rows]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    footer = ", ".join(f"{n} {t(k)}" for k, n in sorted(counts.items()))
    rehearsed = sum(1 for r in rows if r.target == Target.SANDBOX)
    if rehearsed:
        footer += "\n" + tn("{count} row is a sandbox send (a rehearsal): it never reached a "
                            "real platform.",
                            "{count} rows are sandbox sends (rehearsals): they never reached "
                            "a real platform.", rehearsed)
    return _table([t("When"), t("Post"), t("Channel"), t("Target"), t("State"),
                   t("URL or reason")], body, width=200) + "\n\n" + footer


def retract_table(summary: Any) -> str:
    """`campaignctl retract`: what was deleted, what must be removed by hand."""
    lines = []
    for item in summary.items:
        mark = {"deleted": "✓", "manual": "!", "failed": "✗",
                "in-flight": "…"}.get(item.outcome, " ")
        where = item.channel
        if item.target == Target.SANDBOX:
            where += f" ({target_label(item.target)})"
        text = f"{mark} {where}: {t(item.outcome)}"
        if item.url:
            text += f" {item.url}"
        if item.message:
            text += f" — {item.message}"
        lines.append(text)
    if not summary.items:
        lines.append(t("Nothing was published, so nothing was deleted."))
    if summary.skipped_pending:
        lines.append(tn("{count} occurrence still to come will not go out (retracted).",
                        "{count} occurrences still to come will not go out (retracted).",
                        summary.skipped_pending))
    return "\n".join(lines) + _sandbox_used(summary)


def governance_lines(summary: Mapping[str, Any]) -> list[str]:
    """The lines `status` prints above the table: pauses in force and approvals pending."""
    lines = []
    for pause in summary.get("paused", []):
        where = t("every channel") if pause["channel"] == "*" else pause["channel"]
        lines.append("⏸ " + t("PAUSED {where} since {at} by {who}: {reason}", where=where,
                                  at=pause["paused_at"], who=pause["paused_by"],
                                  reason=pause["reason"]))
    approvals = summary.get("approvals") or {}
    if approvals.get("required"):
        lines.append(t("Approvals of upcoming posts: {approved} approved, {void} void (edited "
                       "since), {missing} missing, of {required} required",
                       approved=approvals.get("approved", 0), void=approvals.get("void", 0),
                       missing=approvals.get("missing", 0), required=approvals["required"]))
        if summary.get("approved_by"):
            lines.append(t("Approved by: {names}", names=", ".join(summary["approved_by"])))
    return lines + ([""] if lines else [])
