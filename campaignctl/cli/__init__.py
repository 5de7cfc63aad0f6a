"""The command line: the only package that prints or exits.

Each module here is one group of commands with a ``register(app)`` that adds them; a command
parses its flags, calls a use case (campaignctl.usecases) or the library, and prints. Errors
are not caught in commands: the root group's handler (_handler.py) turns every
CampaignctlError into one line (file:line, what is wrong, what to do) and its exit code, and
anything unexpected into one line too, never a traceback.

To add a command: write ``cli/<group>.py`` with a ``register(app)``; that is all (every
module here not starting with "_" is registered; ``ORDER`` only sets --help's order).

Exit codes: 0 fine (warnings allowed), 1 problems found in campaigns, 2 usage or
configuration error, 70 internal error, 130 interrupted.
"""

import importlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError, translate_labels
from ..i18n import LANGUAGES, set_language, t
from ._common import err, state
from ._handler import CampaignctlGroup

translate_labels(t)  # "error:" and "warning:" in every one-line message, in the user's language

app = typer.Typer(
    cls=CampaignctlGroup,
    name="campaignctl",
    help="Campaigns as code: write a campaign once, check it, and publish it to X, "
    "Facebook, YouTube and TikTok on schedule.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Help text is plain: CAMPAIGN[/POST] must not be read as rich markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    lang: Annotated[Optional[str], typer.Option(
        "--lang", help="Language of messages: en, or the code of a catalog in locale/ such as "
        "id (default: from the locale). Before or after the command.")] = None,
    workspace_dir: Annotated[Optional[Path], typer.Option(
        "--workspace", "-w", envvar="CAMPAIGNCTL_WORKSPACE",
        help="The workspace folder (default: the nearest folder with channels.yaml).")] = None,
) -> None:
    """Campaigns as code for public-service communications."""
    if lang is not None and lang not in LANGUAGES:
        raise UsageError(t("--lang must be one of {languages}", languages=", ".join(LANGUAGES)),
                         t("a language is a catalog under campaignctl/locale/ "
                           "(docs/translating.md)"))
    set_language(lang)  # None: back to the environment's language
    state.workspace = workspace_dir


# Every module of this package not starting with "_" is a command group: a new one joins by
# being there. --help lists these first, in this order, then any others by name.
ORDER = ("workspace", "check", "publish", "channels", "sandbox", "governance", "report",
         "service")


def _group_names() -> list[str]:
    here = Path(__file__).parent
    found = {p.stem for p in here.glob("*.py") if not p.stem.startswith("_")}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


GROUPS = tuple(importlib.import_module(f"{__name__}.{name}") for name in _group_names())
for _group in GROUPS:
    _group.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        app(args=argv, prog_name="campaignctl")
    except KeyboardInterrupt:  # between commands' handling, e.g. while click parses
        err(t("interrupted"))
        sys.exit(130)
