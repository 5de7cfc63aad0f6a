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


class CampaignctlGroup(TyperGroup):
    """typer's group, with library errors turned into one line and an exit code."""

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
