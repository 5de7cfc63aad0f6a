"""A new user's first draft, every mistake at once: one `validate` run lists all of them,
each at its file:line with a fix that works, in English and in Indonesian."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.i18n import LOCALE_DIR, load

CAMPAIGN = """\
campaign: pbb-2026
name: PBB 2026
timezone: GMT+8
channels: [x, facebok]
vars:
  place: Kantor Bapenda
  hotline: "1500200"
posts:
  - id: pengumuman
    at: 2026-13-01 09:00
    template: pbb
  - id: pengingat
    at: 2026-12-05 09:00
    text: |
      Datang ke {{ vars.plcae }}.
      Bawa SPPT ke {{ kantor }}.
      Tanya {{ hotlin }}.
"""
TEMPLATE = "Bayar PBB di {{ vars.place }}.\nBatas waktu {{ tenggat }}.\nInfo: {{ vars.nomor }}\n"
SECOND = "campaign: kedua\nchannels: [x]\nposts:\n\t- id: a\n\t  at: 2026-12-01 09:00\n"

MAIN = "campaigns/kampanye-pertama.yaml"
# (file, line, what the message says, what the hint says), in the order validate gives them
EXPECTED = [
    (MAIN, 3, "'GMT+8' is a UTC offset", "Asia/Makassar"),
    (MAIN, 4, "unknown channel 'facebok'", "did you mean facebook?"),
    (MAIN, 10, "post pengumuman: at: '2026-13-01 09:00'", "like 2026-12-01 09:00"),
    (MAIN, 14, "undefined variable plcae", "did you mean place?"),
    (MAIN, 14, "undefined variable kantor (line 2 of the inline text)", "define it under vars:"),
    (MAIN, 14, "undefined variable hotlin (line 3 of the inline text)", "did you mean hotline?"),
    ("campaigns/kedua.yaml", 4, "a tab character", "replace the tabs"),
    ("templates/pbb.j2", 2, "undefined variable tenggat (used by pbb-2026/pengumuman)",
     "define it under vars:"),
    ("templates/pbb.j2", 3, "undefined variable vars.nomor (used by pbb-2026/pengumuman)",
     "define it under vars:"),
]


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    root = tmp_path / "pbb"
    result = CliRunner().invoke(app, ["--lang", "en", "init", str(root), "--blank"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (root / "campaigns" / "kampanye-pertama.yaml").write_text(CAMPAIGN)
    (root / "campaigns" / "kedua.yaml").write_text(SECOND)
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "pbb.j2").write_text(TEMPLATE)
    return root


def _validate(root: Path, *args: str, lang: str = "en"):
    return CliRunner().invoke(app, ["--workspace", str(root), "validate", "--lang", lang,
                                    *args], catch_exceptions=False)


def _json(root: Path, lang: str = "en") -> dict:
    result = _validate(root, "--format", "json", lang=lang)
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def test_one_run_lists_every_mistake_at_its_line_with_its_fix(draft):
    report = _json(draft)
    found = [(p["file"], p["line"], p["message"], p["hint"]) for p in report["problems"]]
    assert len(found) == len(EXPECTED), "\n".join(map(str, found))
    for (file, line, message, hint), want in zip(found, EXPECTED):
        assert (file, line) == want[:2], (found, want)
        assert want[2] in message and want[3] in hint, (message, hint)
    assert report["ok"] is False and report["campaigns"] == []

    text = _validate(draft)
    lines = [x for x in text.stderr.splitlines() if ": error: " in x]
    assert [x.split(": error: ")[0] for x in lines] == [f"{f}:{n}" for f, n, *_ in EXPECTED]
    assert "9 error(s)" in text.stderr

    github = _validate(draft, "--format", "github").stdout.splitlines()
    assert [re.match(r"::error file=([^,]+),line=(\d+),", x).groups() for x in github] == [
        (f, str(n)) for f, n, *_ in EXPECTED]


def test_the_fixes_the_hints_give_make_it_valid(draft):
    main = draft / "campaigns" / "kampanye-pertama.yaml"
    text = (main.read_text()
            .replace("GMT+8", "Asia/Makassar").replace("facebok", "facebook")
            .replace("2026-13-01", "2026-12-01").replace("plcae", "place")
            .replace("hotlin ", "hotline ")
            .replace('  hotline: "1500200"\n', '  hotline: "1500200"\n  kantor: Bapenda\n'
                     "  tenggat: 31 Desember\n  nomor: \"1500200\"\n"))
    main.write_text(text)
    second = draft / "campaigns" / "kedua.yaml"
    second.write_text(second.read_text().replace("\t", "  ") + "    text: Halo\n")
    result = _validate(draft)
    assert result.exit_code == 0, result.output
    assert "OK: 2 campaign(s)" in result.stdout


# --- the same run in Indonesian, checked against the catalog ---------------------------

CATALOG = load(LOCALE_DIR / "id" / "LC_MESSAGES" / "campaignctl.po").messages
with (LOCALE_DIR / "campaignctl.pot").open("rb") as _f:
    MSGIDS = [m.id for m in read_po(_f) if isinstance(m.id, str) and m.id]
_FIELD = re.compile(r"\{[^{}]*\}")


def _pattern(message: str) -> re.Pattern[str]:
    return re.compile("(.*?)".join(re.escape(x) for x in _FIELD.split(message)), re.DOTALL)


def _literal(message: str) -> int:
    return len(_FIELD.sub("", message))


def _msgid_of(english: str) -> str:
    """The most specific catalog message the English text is an instance of."""
    matches = [m for m in CATALOG if _pattern(m).fullmatch(english)]
    assert matches, f"no catalog message gives {english!r}"
    return max(matches, key=_literal)


def _assert_translated(english: str, indonesian: str) -> None:
    msgid = _msgid_of(english)
    assert _pattern(CATALOG[msgid]).fullmatch(indonesian), (msgid, indonesian)
    assert indonesian != english
    # No English wording of any message that went into the English text is left over
    # (an untranslated one nested in a translated one would be).
    for m in MSGIDS:
        for part in _FIELD.split(m):
            if len(part.strip()) >= 8 and part in english and part not in CATALOG.get(m, ""):
                assert part not in indonesian, (part, indonesian)


def test_the_same_run_in_indonesian_says_every_problem_in_indonesian(draft):
    english, indonesian = _json(draft)["problems"], _json(draft, "id")["problems"]
    assert [(p["file"], p["line"], p["code"]) for p in indonesian] == [
        (p["file"], p["line"], p["code"]) for p in english]
    for en, id_ in zip(english, indonesian):
        _assert_translated(en["message"], id_["message"])
        _assert_translated(en["hint"], id_["hint"])
    text = _validate(draft, lang="id")
    assert "9 kesalahan" in text.stderr
