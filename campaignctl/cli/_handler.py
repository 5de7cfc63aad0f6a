"""The one place where errors become what a user sees: one line each and an exit code.

The root command group runs every command inside this handler (``CampaignctlGroup.invoke``),
so the console entry point and a test's ``CliRunner`` see the same behaviour, and no command
needs a decorator of its own. It also learns the language first (``--lang`` anywhere, else
the environment), so help pages and click's own usage errors are drawn in it (_localize.py).
"""

import os
import sys

import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click
    from typer._click.exceptions import ClickException
except ImportError:
    from click import ClickException

from ..errors import CampaignctlError, ValidationFailed
from ..i18n import set_language, t
from ._localize import LocalContext, local_error, localize


def _err(line: str) -> None:
    typer.echo(line, err=True)


def lang_first(args: list[str]) -> list[str]:
    """``--lang X`` may come after the command (``campaignctl validate --lang id``) and in
    any case (``ID``): move it before the command, where the root option reads it. Nothing
    after ``--`` is touched."""
    out: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out += args[i:]
            break
        if arg == "--lang" and i + 1 < len(args):
            moved = ["--lang", args[i + 1].lower()]
            i += 2
            continue
        if arg.startswith("--lang="):
            moved = ["--lang", arg.split("=", 1)[1].lower()]
            i += 1
            continue
        out.append(arg)
        i += 1
    return moved + out


class CampaignctlGroup(TyperGroup):
    """typer's group: ``--lang`` anywhere, help and usage errors in the user's language, and
    library errors turned into one line and an exit code."""

    context_class = LocalContext  # made before the language is known; it draws in it later

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        args = lang_first(list(args))
        # Known before the options are read: --help is eager and would print first. The
        # root callback checks the value and sets it again.
        set_language(args[1] if args[:1] == ["--lang"] and len(args) > 1 else None)
        localize(self)
        return super().parse_args(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except ClickException as exc:  # a mistake in the options before the command
            raise local_error(exc) from None

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None):  # type: ignore[no-untyped-def]
        # typer's variable; when a shell asks, the descriptions beside each completion
        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(var):
            localize(self)
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except typer.Exit:
            raise  # --help, or a command's own exit code
        except typer.Abort:  # a confirm left with Ctrl-D
            _err(t("Aborted!"))
            raise typer.Exit(1) from None
        except ClickException as exc:  # a usage mistake click found: drawn as click does
            raise local_error(exc) from None
        except ValidationFailed as exc:
            for problem in exc.problems:
                _err(problem.one_line())
            raise typer.Exit(exc.exit_code) from None
        except CampaignctlError as exc:
            _err(exc.one_line())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err(t("interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `campaignctl status | head`: the reader left; stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except Exception as exc:  # a bug of ours: one line, and where to report it
            _err(t("campaignctl: internal error: {kind}: {error} — please report this with "
                   "the command you ran", kind=type(exc).__name__, error=exc))
            raise typer.Exit(70) from None
