"""typer's and click's own words in the user's language: every help text, the usage line,
the headings of --help and the usage errors (a missing option, an unknown one, a bad value).

typer 0.2x carries its own copy of click, with its English written into f-strings and no
gettext to hook into, so the words are translated around it. Once the root group knows the
language (_handler.py), ``localize`` puts every command's and option's help through t() and
gives each command a Context whose help formatter translates the usage line and headings;
``local_error`` shows a usage error in the same language. English goes through t() unchanged,
so it reads exactly as typer writes it.

The help texts are msgids like any other: scripts/i18n_extract.py reads them from the same
command tree, through ``help_texts``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

import typer

from ..i18n import SOURCE_LANGUAGE, language, t

try:  # typer 0.2x carries its own copy of click
    from typer._click import Context, HelpFormatter
    from typer._click.exceptions import ClickException, UsageError
    from typer._click.utils import echo
except ImportError:
    from click import ClickException, Context, HelpFormatter, UsageError, echo
try:  # what typer's --install-completion does, without its English lines
    from typer._completion_shared import install as install_completion
except ImportError:
    install_completion = None

HELP_ATTRS = ("help", "short_help", "epilog")  # of a command; a parameter has "help"
HELP_OPTION = "Show this message and exit."  # what click says of -h/--help


# --- help texts -------------------------------------------------------------------------


def _commands(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def _english(obj: Any, attr: str) -> Any:
    """What ``obj.attr`` said before any translation (kept, so a second language can
    replace the first)."""
    kept = vars(obj).setdefault("_campaignctl_english", {})
    if attr not in kept:
        kept[attr] = getattr(obj, attr, None)
    return kept[attr]


def _put(obj: Any, attr: str, say: Callable[[str], str] = t) -> None:
    english = _english(obj, attr)
    if english:
        setattr(obj, attr, say(english))


def help_texts(command: Any) -> Iterator[tuple[Any, str]]:
    """(command, text) for every help text under ``command``, in English: the msgids
    ``localize`` looks up, of the command or of one of its parameters."""
    for cmd in _commands(command):
        for attr in HELP_ATTRS:
            if text := _english(cmd, attr):
                yield cmd, text
        for param in cmd.params:
            if text := _english(param, "help"):
                yield cmd, text


def _metavar(english: str) -> str:
    words = {"[OPTIONS]": t("[OPTIONS]"), "COMMAND [ARGS]...": t("COMMAND [ARGS]...")}
    return words.get(english, english)


def localize(command: Any) -> None:
    """Every help text under ``command`` in the current language, and help pages and usage
    lines drawn in it."""
    if language() == SOURCE_LANGUAGE and "_campaignctl_english" not in vars(command):
        return  # typer's own English, as it is: --help pays nothing for the other languages
    for cmd in _commands(command):
        for attr in HELP_ATTRS:
            _put(cmd, attr)
        _put(cmd, "options_metavar", _metavar)
        if hasattr(cmd, "subcommand_metavar"):
            _put(cmd, "subcommand_metavar", _metavar)
        for param in cmd.params:
            _put(param, "help")
            if param.name == "install_completion" and install_completion is not None:
                param.callback = _install_completion  # typer's, in the user's words
        cmd.context_class = LocalContext


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """typer's --install-completion, saying what it did in the current language."""
    if not value or ctx.resilient_parsing:
        return value
    shell, path = install_completion(shell=value if isinstance(value, str) else None)
    typer.secho(t("{shell} completion installed in {path}", shell=shell, path=path),
                fg="green")
    typer.echo(t("Completion will take effect once you restart the terminal"))
    sys.exit(0)


_EXTRAS = r"(?s)(?P<help>.*?)(?P<gap>  |^)\[(?P<extras>[^\[\]]+)\]"


def _extra(piece: str) -> str:
    if piece == "required":
        return t("required")
    if piece.startswith("default: "):
        return t("default: {default}", default=piece[len("default: "):])
    if piece.startswith("env var: "):
        return t("env var: {var}", var=piece[len("env var: "):])
    return piece  # a range such as x>=0.1


def _help_column(text: str) -> str:
    """An option's help as typer drew it, ``help  [default: x; required]``, with typer's
    own words in the current language."""
    if text == HELP_OPTION:
        return t(HELP_OPTION)
    found = re.fullmatch(_EXTRAS, text)
    if found is None:
        return text
    extras = "; ".join(_extra(p) for p in found["extras"].split("; "))
    return f"{found['help']}{found['gap']}[{extras}]"


class LocalFormatter(HelpFormatter):
    """click's help formatter, with its headings, usage prefix and option notes translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, t("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        words = {"Arguments": t("Arguments"), "Options": t("Options"),
                 "Commands": t("Commands")}
        super().write_heading(words.get(heading, heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(first, _help_column(second)) for first, second in rows],
                         col_max, col_spacing)


class LocalContext(Context):
    """click's context, drawing help pages with LocalFormatter."""

    formatter_class = LocalFormatter


# --- usage errors -----------------------------------------------------------------------

_QUOTED = r"'[^']*'(?: / '[^']*')*(?: \(env var: '[^']*'\))?"  # click's name of a parameter


def _path_kind(kind: str) -> str:
    return {"file": t("file"), "dir": t("directory"), "path": t("path")}[kind]


# click's and typer's messages (and pydantic's, for a number typer could not read), each
# with its words in the current language; the first whose pattern matches the whole text.
# (Patterns, not compiled ones: re compiles one when an error needs it; --help never does.)
_RULES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"(?P<head>.+?) Did you mean (?P<what>.+)\?",
     lambda m: f"{say(m['head'])} {t('Did you mean {suggestion}?', suggestion=m['what'])}"),
    (r"(?P<head>Missing .+?\.) Choose from:(?P<choices>.*)",
     lambda m: f"{say(m['head'])} {t('Choose from:')}{m['choices']}"),
    (rf"Missing option (?P<name>{_QUOTED})\.",
     lambda m: t("Missing option {name}.", name=m["name"])),
    (rf"Missing argument (?P<name>{_QUOTED})\.",
     lambda m: t("Missing argument {name}.", name=m["name"])),
    (rf"Missing parameter (?P<name>{_QUOTED})\.",
     lambda m: t("Missing parameter {name}.", name=m["name"])),
    (r"Missing command\.", lambda m: t("Missing command.")),
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
     lambda m: t("No such option: {name} (Possible options: {options})",
                 name=m["name"], options=m["options"])),
    (r"No such option: (?P<name>\S+)", lambda m: t("No such option: {name}", name=m["name"])),
    (r"No such command (?P<name>'.*')\.", lambda m: t("No such command {name}.",
                                                      name=m["name"])),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
     lambda m: t("Got unexpected extra argument(s) ({args})", args=m["args"])),
    (r"Option (?P<name>'.+?') does not take a value\.",
     lambda m: t("Option {name} does not take a value.", name=m["name"])),
    (r"Option (?P<name>'.+?') requires an argument\.",
     lambda m: t("Option {name} requires an argument.", name=m["name"])),
    (r"Option (?P<name>'.+?') requires (?P<n>\d+) arguments\.",
     lambda m: t("Option {name} requires {n} arguments.", name=m["name"], n=m["n"])),
    (r"Argument (?P<name>'.+?') takes (?P<n>\d+) values\.",
     lambda m: t("Argument {name} takes {n} values.", name=m["name"], n=m["n"])),
    (rf"Invalid value for (?P<name>{_QUOTED}): (?P<why>.*)",
     lambda m: t("Invalid value for {name}: {reason}", name=m["name"],
                 reason=say(m["why"]))),
    (r"Invalid value: (?P<why>.*)", lambda m: t("Invalid value: {reason}",
                                                reason=say(m["why"]))),
    (r"(?P<value>.+) is not one of (?P<choices>.+)\.",
     lambda m: t("{value} is not one of {choices}.", value=m["value"],
                 choices=m["choices"])),
    (r"Input should be a valid integer, unable to parse string as an integer",
     lambda m: t("Input should be a valid integer, unable to parse string as an integer")),
    (r"Input should be a valid number, unable to parse string as a number",
     lambda m: t("Input should be a valid number, unable to parse string as a number")),
    (r"Input should be a valid boolean, unable to interpret input",
     lambda m: t("Input should be a valid boolean, unable to interpret input")),
    (r"Input should be greater than or equal to (?P<n>\S+)",
     lambda m: t("Input should be greater than or equal to {n}", n=m["n"])),
    (r"Input should be less than or equal to (?P<n>\S+)",
     lambda m: t("Input should be less than or equal to {n}", n=m["n"])),
    (r"Input should be greater than (?P<n>\S+)",
     lambda m: t("Input should be greater than {n}", n=m["n"])),
    (r"Input should be less than (?P<n>\S+)",
     lambda m: t("Input should be less than {n}", n=m["n"])),
    (r"(?P<kind>file|dir|path) (?P<name>'.*') does not exist\.",
     lambda m: t("{kind} {name} does not exist.", kind=_path_kind(m["kind"]), name=m["name"])),
    (r"(?P<kind>file|dir|path) (?P<name>'.*') is a file\.",
     lambda m: t("{kind} {name} is a file.", kind=_path_kind(m["kind"]), name=m["name"])),
    (r"(?P<kind>file|dir|path) (?P<name>'.*') is a directory\.",
     lambda m: t("{kind} {name} is a directory.", kind=_path_kind(m["kind"]),
                 name=m["name"])),
    (r"(?P<kind>file|dir|path) (?P<name>'.*') is not readable\.",
     lambda m: t("{kind} {name} is not readable.", kind=_path_kind(m["kind"]),
                 name=m["name"])),
    (r"(?P<kind>file|dir|path) (?P<name>'.*') is not writable\.",
     lambda m: t("{kind} {name} is not writable.", kind=_path_kind(m["kind"]),
                 name=m["name"])),
]


def say(message: str) -> str:
    """One of click's messages in the current language; one it does not know, as it is."""
    for pattern, words in _RULES:
        found = re.fullmatch(pattern, message, re.S)
        if found is not None:
            return words(found)
    return message


class LocalUsageError(UsageError):
    """A usage error of click's, shown as click shows it, in the current language."""

    def __init__(self, original: ClickException) -> None:
        super().__init__(original.format_message(), getattr(original, "ctx", None))
        self.exit_code = original.exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        color = None
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = t("Try '{command} {option}' for help.", command=ctx.command_path,
                         option=ctx.help_option_names[0]) + "\n"
            color = ctx.color
            echo(f"{ctx.get_usage()}\n{hint}", file=file, err=file is None, color=color)
        echo(t("Error: {message}", message=say(self.message)), file=file, err=file is None,
             color=color)


def local_error(exc: ClickException) -> ClickException:
    """``exc`` as it should be shown in the current language. Asked for no arguments, a
    command shows its help page, drawn in that language already."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return exc
    return LocalUsageError(exc)
