"""A YAML slip is said in plain words at its line, with the usual fix, not parser jargon."""

from __future__ import annotations

import pytest

from campaignctl.config import load_campaigns, load_workspace
from campaignctl.i18n import set_language

CHANNELS = "defaults:\n  timezone: WITA\nchannels:\n  x: {platform: x, sandbox: true}\n"
GOOD = "campaign: a\nchannels: [x]\nposts:\n  - id: a\n    at: 2026-12-01 09:00\n    text: hi\n"


def _problems(tmp_path, text):
    (tmp_path / "campaigns").mkdir(exist_ok=True)
    (tmp_path / "channels.yaml").write_text(CHANNELS)
    (tmp_path / "campaigns" / "a.yaml").write_text(text)
    return load_campaigns(load_workspace(tmp_path))[1]


@pytest.fixture(autouse=True)
def _english():
    set_language("en")
    yield
    set_language(None)


@pytest.mark.parametrize("text, line, words, fix", [
    (GOOD.replace("  - id: a", "\t- id: a"), 4, "a tab character", "spaces"),
    (GOOD + "   - id: b\n", 7, "not lined up with the list items", "`- `"),
    (GOOD.replace("text: hi", "text: Jam buka: 08.00"), 6, "a colon (:) in a value", "quotes"),
    (GOOD.replace("channels: [x]", "channels: [x, facebook"), 3, "never closed", "close"),
    (GOOD.replace("text: hi", 'text: "C:\\q"'), 6, "backslash", "single quotes"),
])
def test_yaml_slips_in_plain_words(tmp_path, text, line, words, fix):
    [problem] = _problems(tmp_path, text)
    assert problem.message.startswith("YAML syntax error: ")
    assert words in problem.message, problem.message
    assert fix in problem.hint, problem.hint
    assert problem.line == line, problem
    for jargon in ("block collection", "indicator", "while parsing", "while scanning"):
        assert jargon not in problem.message


def test_indonesian(tmp_path):
    set_language("id")
    [problem] = _problems(tmp_path, GOOD.replace("  - id: a", "\t- id: a"))
    assert "karakter tab" in problem.message and "spasi" in problem.hint
