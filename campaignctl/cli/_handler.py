"""The one place where errors become what a user sees: one line each and an exit code.

The root command group runs every command inside this handler (``CampaignctlGroup.invoke``),
so the console entry point and a test's ``CliRunner`` see the same behaviour, and no command
needs a decorator of its own.
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
from ..i18n import t


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
    """typer's group: ``--lang`` anywhere, and library errors turned into one line and an
    exit code."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        return super().parse_args(ctx, lang_first(list(args)))

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise  # click's own: --help, a usage error it drew itself, a declined confirm
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
            _err(f"campaignctl: internal error: {type(exc).__name__}: {exc} — "
                 "please report this with the command you ran")
            raise typer.Exit(70) from None
