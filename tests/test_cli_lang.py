"""The whole CLI in the user's language: every --help page and click's own usage errors say
no English sentence under --lang id; the error/warning labels, numbers, percentages and
dates take the language's forms; shell completion is typer's own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.main import get_command
from typer.testing import CliRunner

from campaignctl import i18n
from campaignctl.cli import app
from campaignctl.i18n import set_language
from campaignctl.output import when_text
from campaignctl.report.text import fmt_number, fmt_rate

REPO = Path(__file__).resolve().parent.parent
INDONESIAN_PO = REPO / "campaignctl" / "locale" / "id" / "LC_MESSAGES" / "campaignctl.po"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _command_paths(command=None, path=()) -> list[tuple[str, ...]]:
    command = command or get_command(app)
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _command_paths(sub, (*path, name))
    return found


def _names(command) -> set[str]:
    """The names of commands and of their parameters, as the help pages show them."""
    names = {command.name or "", *(p.name or "" for p in command.params)}
    for sub in getattr(command, "commands", {}).values():
        names |= _names(sub)
    return names


COMMAND_PATHS = _command_paths()
NAMES = _names(get_command(app))


# --- what counts as English -------------------------------------------------------------


def _vocabulary() -> tuple[set[str], set[str]]:
    """The words of the English messages, and the words of their Indonesian translations."""
    with INDONESIAN_PO.open("rb") as f:
        catalog = read_po(f)
    english: set[str] = set()
    indonesian: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        for text in (m.id if isinstance(m.id, tuple) else (m.id,)):
            english |= {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            indonesian |= {w.lower() for w in re.findall(r"[A-Za-z]+", text or "")}
    return english, indonesian


_ENGLISH, _INDONESIAN = _vocabulary()
# Words only English uses: in some English message, in no Indonesian translation.
ENGLISH_ONLY = _ENGLISH - _INDONESIAN
# click's and typer's own words, which the word check would set aside as names or values.
CLICK_PHRASES = ("Usage:", "Options:", "Arguments:", "Commands:", "[OPTIONS]",
                 "COMMAND [ARGS]", "Error:", "Try '", "default:", "env var:", "required]")
_VALUES = re.compile(r"'[^']*'|`[^`]*`|<[^>]*>|\{[^}\s]*\}|\[[^\]\s]*\](?:\.\.\.)?")


def english_in(text: str) -> list[str]:
    """Each English word or click phrase in ``text``, once names and values are set aside:
    quoted and bracketed values, metavars, options, paths, URLs, variables, numbers and the
    names of commands."""
    found = [phrase for phrase in CLICK_PHRASES if phrase in text]
    for line in text.splitlines():
        for token in _VALUES.sub(" ", line).split():
            if re.search(r"[/_=@\d]|\w\.\w|^-", token):
                continue
            found += [w for w in re.findall(r"[A-Za-z]{3,}", token)
                      if w.lower() in ENGLISH_ONLY and w not in NAMES]
    return found


def test_the_check_finds_english() -> None:
    """The check can fail: an untranslated help line, click's words, a whole English page."""
    assert english_in("  --json  Print JSON for machines.") == ["Print", "for", "machines"]
    assert english_in("Usage: campaignctl [OPTIONS] COMMAND [ARGS]...")[:2] == ["Usage:",
                                                                               "[OPTIONS]"]
    assert english_in("  --json  Cetak JSON untuk mesin.") == []
    english = run("validate", "--help")
    assert english.exit_code == 0 and len(english_in(english.stdout)) > 5


# --- every help page and usage error, in Indonesian -------------------------------------


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=[" ".join(p) or "root" for p in
                                                     COMMAND_PATHS])
def test_every_help_page_is_indonesian(path: tuple[str, ...]) -> None:
    result = run("--lang", "id", *path, "--help")
    assert result.exit_code == 0, result.output
    assert "Penggunaan: campaignctl" in result.stdout
    assert english_in(result.stdout) == [], result.stdout


USAGE_ERRORS = [
    ("missing option", ["approve", "banjir"], "Opsi '--by' belum diberikan."),
    ("missing argument", ["approve"], "Argumen 'target' belum diberikan."),
    ("unknown option", ["validate", "--bogus"], "Tidak ada opsi --bogus"),
    ("unknown root option", ["--bogus"], "Tidak ada opsi --bogus"),
    ("unknown command", ["valdate"], "Maksud Anda 'validate'?"),
    ("unknown subcommand", ["channels", "nope"], "Tidak ada perintah 'nope'."),
    ("not a number", ["publish", "--concurrency", "x"],
     "Nilai tidak sah untuk '--concurrency': Nilai harus bilangan bulat"),
    ("out of range", ["run", "--poll-interval", "0"], "lebih besar dari atau sama dengan 0.1"),
    ("option without its value", ["plan", "--from"], "Opsi '--from' memerlukan satu nilai."),
    ("flag with a value", ["plan", "--json=3"], "Opsi '--json' tidak menerima nilai."),
    ("extra arguments", ["status", "a", "b", "c"], "argumen lebih yang tidak diharapkan (b c)"),
    ("a folder for a file", ["report", "--html", "."], "berkas '.' adalah direktori."),
    ("missing command", [], "Perintah belum diberikan."),
    ("our own usage error", ["validate", "--format", "xx"], "kesalahan: format 'xx'"),
]


@pytest.mark.parametrize("args, words", [c[1:] for c in USAGE_ERRORS],
                         ids=[c[0] for c in USAGE_ERRORS])
def test_usage_errors_are_indonesian(args: list[str], words: str) -> None:
    result = run(*args, "--lang", "id")  # --lang after the command, as people type it
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert english_in(result.stderr) == [], result.stderr
    assert "Traceback" not in result.output


def test_usage_errors_keep_clicks_shape() -> None:
    result = run("--lang", "id", "approve", "banjir")
    assert result.stderr.splitlines() == [
        "Penggunaan: campaignctl approve [OPSI] {target}",
        "Coba 'campaignctl approve -h' untuk bantuan.",
        "",
        "Kesalahan: Opsi '--by' belum diberikan."]


def test_english_is_typers_own_words() -> None:
    help_page = run("validate", "--help").stdout
    assert help_page.startswith("Usage: campaignctl validate [OPTIONS] [files]...")
    assert "-h, --help                   Show this message and exit." in help_page
    assert "[default: text]" in help_page
    error = run("approve", "banjir")
    assert error.stderr.splitlines() == [
        "Usage: campaignctl approve [OPTIONS] {target}",
        "Try 'campaignctl approve -h' for help.",
        "",
        "Error: Missing option '--by'."]


def test_the_locale_alone_gives_indonesian_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAMPAIGNCTL_LANG")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    result = run("plan", "--help")
    assert "Linimasa: setiap unggahan" in result.stdout and "Opsi:" in result.stdout


def test_a_second_run_in_english_is_english_again() -> None:
    """The help texts of one command tree can change language and back."""
    from campaignctl.cli._localize import localize

    tree = get_command(app)
    set_language("id")
    localize(tree)
    assert tree.commands["plan"].help.startswith("Linimasa")
    set_language("en")
    localize(tree)
    assert tree.commands["plan"].help.startswith("The timeline")


# --- labels, numbers and dates -----------------------------------------------------------


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    result = run("init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def test_problem_labels_follow_the_language(ws: Path) -> None:
    campaign = next((ws / "campaigns").glob("*.yaml"))
    campaign.write_text(campaign.read_text().replace("template: pengingat",
                                                     "template: pengingat\n    colour: red", 1))
    english = run("--workspace", str(ws), "validate")
    indonesian = run("--workspace", str(ws), "--lang", "id", "validate")
    assert english.exit_code == indonesian.exit_code == 1
    assert re.search(r"\.yaml:\d+: error: ", english.stderr), english.stderr
    assert re.search(r"\.yaml:\d+: kesalahan: ", indonesian.stderr), indonesian.stderr
    assert ": error: " not in indonesian.stderr


@pytest.mark.parametrize("lang, count, fraction, tenth", [
    ("en", "3,521,187", "8.29%", "1,234.5"),
    ("id", "3.521.187", "8,29%", "1.234,5"),
])
def test_numbers_follow_the_language(lang: str, count: str, fraction: str, tenth: str) -> None:
    set_language(lang)
    assert (fmt_number(3521187), fmt_rate(0.0829), fmt_number(1234.5)) == (count, fraction,
                                                                          tenth)
    assert fmt_rate(0.083) == fraction.replace("29", "30")  # two places, always


def test_a_new_language_takes_its_forms_from_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing but the language code names the locale: Hindi groups by two after the
    thousands, which no code of ours spells out."""
    monkeypatch.setattr(i18n, "LANGUAGES", (*i18n.LANGUAGES, "hi"))
    set_language("hi")
    assert fmt_number(3521187) == "35,21,187"


def test_dates_follow_the_language() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    set_language("id")
    assert when_text(moment) == "Rab 2 Des 2026 09.00 WITA"
    assert i18n.local_time(moment, "%d %b %H:%M", "dd MMM {time}") == "02 Des 09.00"
    set_language("en")
    assert when_text(moment) == "Wed 2 Dec 2026 09:00 WITA"
    assert i18n.local_time(moment, "%d %b %H:%M", "dd MMM {time}") == "02 Dec 09:00"


def test_the_preview_page_dates_posts_in_indonesian(ws: Path, tmp_path: Path) -> None:
    page = tmp_path / "preview.html"
    result = run("--workspace", str(ws), "--lang", "id", "preview", "--html", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert "Sel 01 Des 2026 09.00 WITA" in html and "Dec" not in html


# --- shell completion -------------------------------------------------------------------


@pytest.mark.parametrize("shell, marker", [
    ("bash", "_CAMPAIGNCTL_COMPLETE=complete_bash"),
    ("zsh", "#compdef campaignctl"),
    ("fish", "complete --command campaignctl"),
])
def test_show_completion_prints_each_shells_script(shell: str, marker: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # typer's switch for naming the shell instead of detecting it from the parent process
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = run("--show-completion", shell)
    assert result.exit_code == 0, result.output
    assert marker in result.stdout


def test_install_completion_writes_the_script_and_says_so_in_indonesian(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    home = Path(os.environ["HOME"])  # the sealed home of conftest.py
    result = run("--lang", "id", "--install-completion", "fish")
    assert result.exit_code == 0, result.output
    script = home / ".config" / "fish" / "completions" / "campaignctl.fish"
    assert "_CAMPAIGNCTL_COMPLETE=complete_fish" in script.read_text()
    assert f"pelengkapan otomatis fish terpasang di {script}" in result.stdout


def _complete(env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("_TYPER")}
    out = subprocess.run([sys.executable, "-m", "campaignctl"], capture_output=True,
                         text=True, env={**base, "PYTHONPATH": str(REPO), **env}, timeout=60)
    return out.stdout


def test_completion_answers_a_shell_in_its_language() -> None:
    bash = _complete({"_CAMPAIGNCTL_COMPLETE": "complete_bash",
                      "COMP_WORDS": "campaignctl va", "COMP_CWORD": "1"})
    assert bash.split() == ["validate"]
    zsh = _complete({"_CAMPAIGNCTL_COMPLETE": "complete_zsh", "CAMPAIGNCTL_LANG": "id",
                     "_TYPER_COMPLETE_ARGS": "campaignctl pl"})
    assert '"plan":"Linimasa' in zsh, zsh
