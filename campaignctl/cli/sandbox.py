"""The local emulators: `sandbox` (serve), `sandbox posts`, `sandbox configure`."""

import signal
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from ..i18n import t
from ._common import JsonOpt, find_workspace, print_json, state

sandbox_app = typer.Typer(help="Local emulators of X, Facebook, YouTube and TikTok.")

SandboxUrlOpt = Annotated[Optional[str], typer.Option(
    "--url", envvar="CAMPAIGNCTL_SANDBOX_URL",
    help="The running sandbox (default: the one serving this workspace).")]


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (systemd, kill) stops like Ctrl-C, and the sandbox keeps its state."""
    raise KeyboardInterrupt


def _workspace_root() -> Optional[Path]:
    """The workspace the sandbox commands act for, or None outside any workspace."""
    root = find_workspace()
    return root if (root / "channels.yaml").is_file() else None


def _running_url(url: Optional[str]) -> str:
    """``url`` as told, else the running sandbox that serves this workspace (never one
    another workspace started); refused in one line when there is none."""
    from ..usecases.sandbox import running_sandbox

    root = _workspace_root()
    found = url or running_sandbox(root)
    if found is None:
        raise UsageError(t("no running sandbox serves this workspace ({path})",
                           path=str(root or find_workspace())),
                         t("start one with `campaignctl sandbox` in another terminal, or "
                           "name one with --url"))
    return found


def _posts_hint(sandbox_url: str, root: Optional[Path]) -> str:
    """The `sandbox posts` command that finds this sandbox when typed as printed: plain
    where it is found on its own (this workspace's record, or the default port outside any
    workspace), else with its --url."""
    from ..channels.base import DEFAULT_SANDBOX_URL

    found_alone = state.workspace is None and (root is not None
                                              or sandbox_url == DEFAULT_SANDBOX_URL)
    return "campaignctl sandbox posts" + ("" if found_alone else f" --url {sandbox_url}")


@sandbox_app.callback(invoke_without_command=True)
def sandbox_serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Loopback port.")] = 8765,
    latency_ms: Annotated[float, typer.Option("--latency-ms", help="Delay every answer.")] = 0,
    audience_speed: Annotated[float, typer.Option(
        "--audience-speed", help="How much faster than the clock likes and views grow "
        "(default: a second is an hour).")] = 3600.0,
) -> None:
    """Run the emulators on 127.0.0.1 until Ctrl-C (accounts with `sandbox: true` use them).

    Inside a workspace its URL is recorded there while it serves, so that workspace's
    commands use it (and no other workspace's)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..sandbox import Sandbox
    from ..usecases.sandbox import (
        SANDBOX_STATE,
        forget_running,
        record_running,
        running_sandbox,
        workspace_identity,
    )

    root = _workspace_root()
    already = running_sandbox(root) if root is not None else None
    if already:  # two would each save their own world over the other's on stop
        raise UsageError(t("this workspace's sandbox already runs at {url}", url=already),
                         t("use that one, or stop it first"))
    try:
        sandbox = Sandbox(port=port, workspace=workspace_identity(root))
    except OSError as exc:
        raise UsageError(t("cannot listen on 127.0.0.1:{port}: {reason}", port=port,
                           reason=exc.strerror or exc),
                         t("is a sandbox already running? pick another --port")) from None
    # Inside a workspace the sandbox shares one world with `publish --sandbox` runs.
    saved = root / ".campaignctl" / SANDBOX_STATE if root is not None else None
    loaded = False  # stopped before its world was read, it must not save an empty one over it
    # From here on a SIGTERM stops it cleanly, even before it has said where it listens.
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        for platform in sandbox.emulators:
            sandbox.configure(platform, latency_ms=latency_ms, audience_speed=audience_speed)
        if saved is not None:
            sandbox.load_state(saved)
            loaded = True
        typer.echo(t("Sandbox of {platforms} on {url} (Ctrl-C stops it).",
                     platforms=", ".join(sandbox.emulators), url=sandbox.url))
        typer.echo(t("See what it received: {command}",
                     command=_posts_hint(sandbox.url, root)))
        if root is not None:
            record_running(root, sandbox.url)
        sandbox.serve_forever()
    except KeyboardInterrupt:
        typer.echo(t("Sandbox stopped."))
    finally:
        sandbox.stop()
        if root is not None:
            forget_running(root)
        if saved is not None and loaded:
            sandbox.save_state(saved)


@sandbox_app.command("posts")
def sandbox_posts(
    url: SandboxUrlOpt = None,
    platform: Annotated[Optional[str], typer.Option("--platform")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What each emulator received: every post with its media."""
    from ..output import sandbox_posts_table
    from ..usecases.sandbox import sandbox_call, saved_posts

    try:
        posts = sandbox_call(_running_url(url), "posts")
    except UsageError:  # none running: show what this workspace's rehearsals left behind
        posts = saved_posts(find_workspace())
        if posts is None:
            raise
    if platform:
        posts = {platform: posts.get(platform, [])}
    if as_json:
        print_json(posts)
    else:
        typer.echo(sandbox_posts_table(posts))


def _faults(items: list[str], kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """--fault KIND[:COUNT][@PATH] values as the sandbox's fault list."""
    faults = []
    for item in items:
        spec, _, path = item.partition("@")
        kind, _, count = spec.partition(":")
        if kind not in kinds or (count and not count.isdigit()) or "@" in path:
            raise UsageError(t("bad --fault {item!r}", item=item),
                             t("use KIND[:COUNT][@PATH] with KIND one of {kinds}",
                               kinds=", ".join(kinds)))
        aimed = {"path": path} if path else {}
        faults.append({"kind": kind, "count": int(count or 1), **aimed})
    return faults


@sandbox_app.command("configure")
def sandbox_configure(
    platform: Annotated[str, typer.Argument(help="x, facebook, youtube or tiktok.")],
    url: SandboxUrlOpt = None,
    latency_ms: Annotated[Optional[float], typer.Option("--latency-ms")] = None,
    rate_limit: Annotated[Optional[str], typer.Option(
        "--rate-limit", help="REQUESTS/SECONDS, e.g. 5/60.")] = None,
    fault: Annotated[Optional[list[str]], typer.Option(
        "--fault", help="KIND[:COUNT][@PATH], KIND one of 5xx, 429, timeout_after_apply, "
        "expired_token; @PATH aims it at requests whose path contains PATH (e.g. "
        "timeout_after_apply@/upload); repeatable.")] = None,
) -> None:
    """Set latency, a rate limit or injected faults on one emulator of a running sandbox."""
    from ..sandbox.core import FAULT_KINDS
    from ..usecases.sandbox import sandbox_call

    body: dict[str, Any] = {}
    if latency_ms is not None:
        body["latency_ms"] = latency_ms
    if rate_limit:
        requests_, _, seconds = rate_limit.partition("/")
        if not (requests_.isdigit() and seconds.isdigit()):
            raise UsageError(t("--rate-limit must look like 5/60 (requests/seconds)"))
        body["rate_limit"] = {"requests": int(requests_), "window_seconds": int(seconds)}
    if fault:
        body["faults"] = _faults(fault, tuple(FAULT_KINDS))
    sandbox_call(_running_url(url), f"config/{platform}", body)
    typer.echo(t("{platform}: configured {what}", platform=platform, what=body))


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
