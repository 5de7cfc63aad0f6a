"""The accounts in channels.yaml: `channels` (list), `channels check`, `channels login`."""

from typing import Annotated, Any, Optional

import typer

from ..errors import CampaignctlError, UsageError
from ..i18n import t
from ._common import JsonOpt, err, load_workspace, now, print_json

channels_app = typer.Typer(help="The accounts in channels.yaml: list, check, log in.",
                           no_args_is_help=False)


@channels_app.callback(invoke_without_command=True)
def channels_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the accounts, their platform, where they post, and which credentials are set."""
    if ctx.invoked_subcommand is not None:
        return
    from ..output import accounts_table, credential_state

    rows = credential_state(load_workspace())
    if as_json:
        print_json(rows)
    else:
        typer.echo(accounts_table(rows))


def _check_each(workspace: Any, names: list[str], sandbox_url: Optional[str]) -> list[tuple]:
    """(account, ok, one line, details) for each account, asked of its platform."""
    from ..channels import channel_for
    from ..usecases.sandbox import routed

    checks = []
    with routed(workspace, names, bool(sandbox_url), sandbox_url) as url:
        for account_name in names:
            try:
                report = channel_for(workspace, account_name, sandbox_url=url,
                                     force_sandbox=bool(sandbox_url)).check()
                checks.append((account_name, report.ok, report.summary, report.details))
            except CampaignctlError as exc:
                checks.append((account_name, False, exc.one_line(), {}))
    return checks


@channels_app.command("check")
def channels_check(
    name: Annotated[Optional[str], typer.Argument(help="One account (default: all).")] = None,
    sandbox_url: Annotated[Optional[str], typer.Option(
        "--sandbox-url", help="Check against this sandbox instead.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify each credential against its platform and say what it may do, one line each."""
    from ..selectors import resolve_channel
    from ..usecases.checks import remember_checks

    workspace = load_workspace()
    names = [resolve_channel(name, workspace.accounts)] if name else sorted(workspace.accounts)
    results, failed = [], 0
    checks = _check_each(workspace, names, sandbox_url)
    # What the platforms said that decides refusals, for `plan` and `validate` offline.
    remember_checks(workspace, [(c[0], c[3]) for c in checks],
                    forced_sandbox=bool(sandbox_url), now=now())
    for account_name, ok, line, details in checks:
        # Adapters' summaries may already start with the account's name.
        line = line.removeprefix(f"{account_name}: ")
        failed += not ok
        results.append({"channel": account_name, "ok": ok, "summary": line, "details": details})
        if not as_json:
            mark = "✓" if ok else "✗"
            (typer.echo if ok else err)(f"{mark} {account_name}: {line}")
    if as_json:
        print_json(results)
    if failed:
        raise typer.Exit(1)


def _show(url: str) -> bool:
    typer.echo(t("Open this address to give consent: {url}", url=url), err=True)
    return True


def _open_in_browser(url: str) -> bool:
    import webbrowser

    return bool(webbrowser.open(url)) or _show(url)


@channels_app.command("login")
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
    import inspect

    from ..channels import channel_for
    from ..selectors import resolve_channel
    from ..usecases.sandbox import routed

    workspace = load_workspace()
    resolve_channel(name, workspace.accounts)
    with routed(workspace, [name], False, None) as url:
        channel = channel_for(workspace, name, sandbox_url=url)
        login = getattr(channel, "login", None)
        if login is None:
            raise UsageError(
                t("{platform} has no interactive login in campaignctl", platform=channel.platform),
                t("set the credentials named under channels.{name}.credentials in .env",
                  name=name))
        accepted = inspect.signature(login).parameters
        kwargs: dict[str, Any] = {}
        if "open_url" in accepted:
            kwargs.update(open_url=_show if no_browser else _open_in_browser, timeout=timeout,
                          port=port)
        if paste_token:
            if "user_token" not in accepted:
                raise UsageError(t("--paste-token is for Facebook accounts"))
            kwargs["user_token"] = typer.prompt(t("Short-lived user token"), hide_input=True)
        login(**kwargs)
    typer.echo(t("Logged in {name}; tokens stored for the user only.", name=name))


def register(app: typer.Typer) -> None:
    app.add_typer(channels_app, name="channels")
