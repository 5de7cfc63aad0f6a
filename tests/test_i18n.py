"""Bahasa Indonesia stays complete: every message t() is called with has a translation
that keeps its placeholders, and the CLI speaks it when asked (--lang id, or the locale).
The catalogs follow the source: the .pot is what extraction makes now, and a language is
nothing but its .po file.

The keys come from scripts/i18n_extract.py, the same AST extraction a developer runs.
"""

from __future__ import annotations

import importlib.util
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import PoFileParser
from typer.testing import CliRunner

from campaignctl import i18n, models
from campaignctl.cli import app
from campaignctl.i18n import set_language, t, tn

REPO = Path(__file__).resolve().parent.parent
CAMPAIGN = "campaigns/layanan-kesehatan-gratis.yaml"

_spec = importlib.util.spec_from_file_location("i18n_extract", REPO / "scripts" / "i18n_extract.py")
assert _spec is not None and _spec.loader is not None
extraction = importlib.util.module_from_spec(_spec)
sys.modules["i18n_extract"] = extraction  # dataclasses look their module up by name
_spec.loader.exec_module(extraction)

CALLS = extraction.extract()
KEYS: dict[str, list[str]] = extraction.message_keys(CALLS)
PLURALS: dict[str, str] = extraction.plural_keys(CALLS)
ALL_KEYS = sorted((KEYS.keys() - PLURALS.keys()) | extraction.dynamic_keys())
INDONESIAN = extraction.po_path("id")


def translations(path: Path) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """What a .po translates, as the runtime reads it: (messages, plural forms)."""
    catalog = i18n.load(path)
    return catalog.messages, catalog.plurals


MESSAGES, PLURAL_FORMS = translations(INDONESIAN)

# The same in both languages on purpose: Indonesian uses these words as they are, or the
# message is only placeholders, a command or a protocol name.
SAME_IN_BOTH = {
    "{field}: {message}",
    "{message} (publish_id {pid})",
    "HTTP {status}",
    "campaignctl preview",
    "Status",
    "Platform",
    "Media",
    "video",
    "manual",
    "sandbox",  # the emulators' name in Indonesian too (see "Sandbox belum menerima ...")
}


def placeholders(text: str) -> Counter[tuple[str, str | None, str]]:
    """Each {field!conversion:spec} in a format string, counted."""
    return Counter((name, conv, spec or "")
                   for _, name, spec, conv in string.Formatter().parse(text)
                   if name is not None)


# --- the extraction itself --------------------------------------------------------------


def _calls(tmp_path: Path, source: str, name: str = "mod.py") -> list:
    package = tmp_path / "campaignctl"
    package.mkdir(exist_ok=True)
    path = package / name
    path.write_text(source)
    return extraction.calls_in_file(path, tmp_path)


EXTRACTION_CASES = [
    ("plain", 'from .i18n import t\nt("a {x}", x=1)\n', ["a {x}"]),
    ("implicit concatenation", 'from .i18n import t\nt("one "\n  "two")\n', ["one two"]),
    ("explicit concatenation", 'from .i18n import t\nt("one " + "two")\n', ["one two"]),
    ("aliased", 'from campaignctl.i18n import t as _\n_("hello")\n', ["hello"]),
    ("module attribute", "from campaignctl import i18n\ni18n.t('hi')\n", ["hi"]),
    ("import inside a function", 'def f():\n    from .i18n import t\n    return t("x")\n',
     ["x"]),
    ("module constant", 'from .i18n import t\nHINT = "do this"\nt(HINT)\n', ["do this"]),
    ("table with default", 'from .i18n import t\nD = {"a": "one", "b": "two"}\n'
     't(D.get(k, "other"))\n', ["one", "two", "other"]),
    ("either branch", 'from .i18n import t\nt("yes" if ok else "no")\n', ["yes", "no"]),
    ("variable", 'from .i18n import t\nD = {"a": "one"}\nhint = D.get(k, "two")\nt(hint)\n',
     ["one", "two"]),
    ("attribute is not a literal", "from .i18n import t\nt(row.state)\n", [None]),
    ("f-string is not a literal", 'from .i18n import t\nt(f"a {x}")\n', [None]),
    ("another t is not ours", 'from gettext import gettext as t\nt("no")\n', []),
    ("no import, no call", 't("no")\n', []),
    ("plural", 'from .i18n import tn\ntn("{count} post", "{count} posts", n)\n',
     ["{count} post"]),
    ("plural of a variable is not a literal", "from .i18n import tn\ntn(a, b, n)\n", [None]),
]


@pytest.mark.parametrize("source,expected", [c[1:] for c in EXTRACTION_CASES],
                         ids=[c[0] for c in EXTRACTION_CASES])
def test_extraction_reads_the_ast(tmp_path: Path, source: str, expected: list) -> None:
    assert [c.key for c in _calls(tmp_path, source)] == expected


def test_plural_calls_keep_both_forms(tmp_path: Path) -> None:
    source = 'from campaignctl import i18n\ni18n.tn("one file", "{count} files", n)\n'
    assert [(c.key, c.plural) for c in _calls(tmp_path, source)] == [
        ("one file", "{count} files")]


def test_relative_import_two_levels_up(tmp_path: Path) -> None:
    (tmp_path / "campaignctl" / "channels").mkdir(parents=True)
    path = tmp_path / "campaignctl" / "channels" / "x.py"
    path.write_text('from ..i18n import t\nt("from a channel")\n')
    calls = extraction.calls_in_file(path, tmp_path)
    assert [(c.file, c.line, c.key) for c in calls] == [
        ("campaignctl/channels/x.py", 2, "from a channel")]


def test_extraction_finds_the_package_messages() -> None:
    # a few messages from different layers, to know the walk covers the package
    for key in ("unknown time zone {tz}", "{path} already exists", "Dry run: nothing was sent.",
                "X refused to {what}: {reason}"):
        assert key in KEYS, key
    assert len(KEYS) > 300


# --- completeness -----------------------------------------------------------------------


def test_every_message_has_a_translation() -> None:
    missing = [f"{KEYS.get(k, ['(dynamic)'])[0]}: {k!r}" for k in ALL_KEYS if k not in MESSAGES]
    assert not missing, "no Bahasa Indonesia yet (run scripts/i18n_missing.py):\n" + \
        "\n".join(missing)


def test_dynamic_keys_follow_the_modules_constants() -> None:
    """The words that reach t() through a variable: a new state must get a translation."""
    from campaignctl import governance, ledger, models, publish

    dynamic = extraction.dynamic_keys()
    states = {*ledger.STATES, models.SCHEDULED, models.SKIPPED}
    outcomes = {v for k, v in vars(publish).items() if k.startswith("O_") and isinstance(v, str)}
    actions = {v for k, v in vars(governance).items() if k.startswith("A_") and isinstance(v, str)}
    approvals = {governance.APPROVED, governance.VOID, governance.MISSING}
    for group in (states, outcomes, actions, approvals):
        assert group <= dynamic, group - dynamic


def test_dynamic_keys_are_every_value_of_the_shown_enums() -> None:
    """The catalog reads the enums' source; the values must be what Python makes of it."""
    shown = {value for name in extraction.SHOWN_ENUMS["campaignctl.models"]
             for value in getattr(models, name)}
    others = {v for _, values in extraction.SHOWN_VALUES.values() for v in values}
    assert extraction.dynamic_keys() == shown | others


@pytest.mark.parametrize("key", ALL_KEYS)
def test_translation_keeps_the_placeholders(key: str) -> None:
    if key not in MESSAGES:
        pytest.skip("no translation (reported by test_every_message_has_a_translation)")
    assert placeholders(MESSAGES[key]) == placeholders(key), MESSAGES[key]


def test_no_translation_is_the_english_text() -> None:
    same = sorted(k for k, v in MESSAGES.items() if k == v and k not in SAME_IN_BOTH)
    assert not same, f"not translated: {same}"


def test_the_allow_list_holds_only_real_entries() -> None:
    # an allow-list entry that is translated after all, or gone, must leave the list
    assert {k for k in SAME_IN_BOTH if MESSAGES.get(k) == k} == SAME_IN_BOTH


def test_translations_are_not_stale() -> None:
    """A translation whose key no code uses any more is dead weight; remove it."""
    stale = sorted(MESSAGES.keys() - set(ALL_KEYS))
    assert not stale, f"translations nobody asks for: {stale}"


class _Recording(Catalog):
    """A catalog that remembers every msgid the parser gives it, repeats included."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[object] = []

    def __setitem__(self, id, message) -> None:  # type: ignore[no-untyped-def]
        self.seen.append(id)
        super().__setitem__(id, message)


def test_locales_file_has_no_duplicate_keys() -> None:
    """Two entries with the same msgid: one of them silently wins (msgfmt refuses it)."""
    catalog = _Recording()
    with INDONESIAN.open("rb") as f:
        PoFileParser(catalog).parse(f)
    keys = [k for k in catalog.seen if k]
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_t_fills_the_indonesian_text() -> None:
    set_language("id")
    try:
        assert t("{path} already exists", path="a.yaml") == "a.yaml sudah ada"
        assert t("no such message {x}", x=1) == "no such message 1"  # English fallback
    finally:
        set_language(None)


# --- the catalogs -----------------------------------------------------------------------


def test_the_template_is_up_to_date() -> None:
    """Every t()/tn() key of the source is in the .pot and nothing else is."""
    template = extraction.read(extraction.TEMPLATE)
    in_template = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    in_source = KEYS.keys() | extraction.dynamic_keys()
    assert sorted(in_source - in_template) == [], "run python scripts/i18n_extract.py"
    assert sorted(in_template - in_source) == [], "run python scripts/i18n_extract.py"


def test_extraction_changes_nothing() -> None:
    """The .pot and every .po are what `python scripts/i18n_extract.py` writes now."""
    stale = [str(p.relative_to(REPO)) for p in extraction.refresh(write=False)]
    assert stale == [], "run python scripts/i18n_extract.py"


def test_pybabel_extract_makes_the_same_template(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/translating.md's `pybabel extract` reads pyproject.toml and agrees with the
    script."""
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(REPO))  # the extractor is scripts.i18n_extract
    out = tmp_path / "campaignctl.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-o", str(out)])
    made = extraction._entries(extraction.read(out))
    assert made == extraction._entries(extraction.template())


def test_every_catalog_names_its_language_and_keeps_the_placeholders() -> None:
    for lang in extraction.languages():
        path = extraction.po_path(lang)
        assert str(extraction.read(path).locale) == lang, path
        messages, plurals = translations(path)
        wrong = [k for k, v in messages.items() if placeholders(v) != placeholders(k)]
        wrong += [k for k, forms in plurals.items() for form in forms
                  if placeholders(form) != placeholders(PLURALS.get(k, k))]
        assert wrong == [], f"{lang}: placeholders changed in {wrong}"


def test_every_plural_message_has_its_forms() -> None:
    missing = sorted(k for k in PLURALS if k not in PLURAL_FORMS)
    assert missing == [], "no Bahasa Indonesia yet (python scripts/i18n_extract.py --missing)"


def test_tn_picks_the_english_form_by_count() -> None:
    assert tn("{count} post", "{count} posts", 1) == "1 post"
    assert tn("{count} post", "{count} posts", 0) == "0 posts"
    assert tn("one post in {c}", "{count} posts in {c}", 3, c="x") == "3 posts in x"


def _third_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the locale folder plus one new .po, and nothing else."""
    locale = tmp_path / "locale"
    for lang in extraction.languages():
        target = locale / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "campaignctl.po").write_bytes(extraction.po_path(lang).read_bytes())
    new = locale / "xx" / "LC_MESSAGES"
    new.mkdir(parents=True)
    (new / "campaignctl.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: xx\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "{path} already exists"\nmsgstr "xx {path} xx"\n\n'
        'msgid "{count} post"\nmsgid_plural "{count} posts"\n'
        'msgstr[0] "{count} xx-one"\nmsgstr[1] "{count} xx-many"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    monkeypatch.setattr(i18n, "LANGUAGES", i18n.discover(locale))


def test_a_new_language_is_one_po_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _third_language(tmp_path, monkeypatch)
    assert i18n.LANGUAGES == ("en", "id", "xx")
    set_language("xx")
    try:
        assert t("{path} already exists", path="a") == "xx a xx"
        assert t("no such message") == "no such message"  # English fallback
        assert tn("{count} post", "{count} posts", 1) == "1 xx-one"
        assert tn("{count} post", "{count} posts", 2) == "2 xx-many"
        set_language("id")
        assert t("{path} already exists", path="a") == "a sudah ada"
    finally:
        set_language(None)


def test_the_locale_finds_a_new_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _third_language(tmp_path, monkeypatch)
    monkeypatch.setenv("CAMPAIGNCTL_LANG", "xx_XX.UTF-8")
    assert i18n.language() == "xx"
    for value, lang in (("id_ID.UTF-8", "id"), ("in_ID", "id"), ("C.UTF-8", "en"),
                        ("fr_FR", "en")):
        monkeypatch.setenv("CAMPAIGNCTL_LANG", value)
        assert i18n.language() == lang, value


def test_tn_in_indonesian_uses_its_one_form(tmp_path: Path) -> None:
    po = tmp_path / "id.po"
    po.write_text(INDONESIAN.read_text(encoding="utf-8") + '\nmsgid "{count} post"\n'
                  'msgid_plural "{count} posts"\nmsgstr[0] "{count} unggahan"\n',
                  encoding="utf-8")
    catalog = i18n.load(po)
    assert catalog.plurals["{count} post"] == ("{count} unggahan",)
    assert catalog.plural_index(1) == catalog.plural_index(5) == 0


def test_fuzzy_and_empty_entries_are_not_translations(tmp_path: Path) -> None:
    po = tmp_path / "xx.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: xx\\n"\n\n'
                  '#, fuzzy\nmsgid "a guess"\nmsgstr "tebakan"\n\n'
                  'msgid "not yet"\nmsgstr ""\n', encoding="utf-8")
    assert i18n.load(po).messages == {}


def test_english_never_reads_a_catalog() -> None:
    """An English run neither imports Babel's catalog reader nor parses a .po."""
    code = ("import sys; from campaignctl.i18n import t, tn; t('x {a}', a=1); tn('a', 'b', 2);"
            " print('babel.messages' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"CAMPAIGNCTL_LANG": "en", "PYTHONPATH": str(REPO)}, check=True)
    assert out.stdout.strip() == "False"


# --- the CLI ----------------------------------------------------------------------------

runner = CliRunner()


def run(ws: Path | None, *args: str):
    argv = ["--workspace", str(ws), *args] if ws is not None else list(args)
    return runner.invoke(app, argv, catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    result = run(None, "init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def _line_of(ws: Path, needle: str) -> int:
    for number, line in enumerate((ws / CAMPAIGN).read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_validate_speaks_indonesian(ws: Path) -> None:
    result = run(ws, "--lang", "id", "validate")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "kampanye" in result.stdout and "unggahan" in result.stdout
    assert "campaign(s)" not in result.stdout


BROKEN = [
    # (what, old, new, line needle, Indonesian fragment)
    ("blackout", "at: 2026-12-01 09:00", "at: 2026-12-25 09:00", "at: 2026-12-25",
     "jatuh dalam masa larangan unggah"),
    ("privacy", "privacy_level: SELF_ONLY", "privacy_level: PUBLIC", "privacy_level",
     "bukan salah satu dari"),
    ("unknown key", "template: pengingat", "template: pengingat\n    colour: red", "colour:",
     "tidak dikenal"),
]


@pytest.mark.parametrize("old,new,needle,fragment", [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_campaign_gives_an_indonesian_error_at_file_and_line(
        ws: Path, old: str, new: str, needle: str, fragment: str) -> None:
    path = ws / CAMPAIGN
    path.write_text(path.read_text().replace(old, new, 1))
    result = run(ws, "--lang", "id", "validate")
    assert result.exit_code == 1, result.stdout + result.stderr
    hits = [ln for ln in result.stderr.splitlines() if fragment in ln]
    assert hits, result.stderr
    assert hits[0].startswith(f"{CAMPAIGN}:{_line_of(ws, needle)}:"), hits[0]
    assert "kesalahan" in result.stderr  # the summary line too


@pytest.fixture
def indonesian_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine set up in Indonesian: nothing but the locale says which language."""
    for var in ("CAMPAIGNCTL_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")


def test_the_locale_selects_indonesian(ws: Path, indonesian_locale: None) -> None:
    result = run(ws, "validate")
    assert result.exit_code == 0
    assert "kampanye" in result.stdout


def test_lang_en_wins_over_the_locale(ws: Path, indonesian_locale: None) -> None:
    result = run(ws, "--lang", "en", "validate")
    assert result.exit_code == 0
    assert "campaign(s)" in result.stdout and "kampanye" not in result.stdout


def test_lang_en_is_not_kept_for_the_next_command(ws: Path, indonesian_locale: None) -> None:
    assert "campaign(s)" in run(ws, "--lang", "en", "validate").stdout
    assert "kampanye" in run(ws, "validate").stdout
