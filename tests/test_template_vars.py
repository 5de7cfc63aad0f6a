"""Template vars as people write them: by bare name or under vars., reserved names refused,
and an undefined name answered with the closest one that exists."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.models import JINJA_GLOBALS, TEMPLATE_FILTERS
from campaignctl.render import _make_env

CHANNELS = "defaults:\n  timezone: WITA\nchannels:\n  x: {platform: x, sandbox: true}\n"
CAMPAIGN = """\
campaign: pbb-2026
channels: [x]
vars:
  hotline: "1500200"
  place: Kantor Bapenda
posts:
  - id: launch
    at: 2026-12-01 09:00
    vars: {place: Kantor Camat}
    {body}
"""


def _validate(tmp_path, body: str, *extra: str, template: str | None = None):
    (tmp_path / "campaigns").mkdir(exist_ok=True)
    (tmp_path / "channels.yaml").write_text(CHANNELS)
    (tmp_path / "campaigns" / "pbb.yaml").write_text(textwrap.dedent(CAMPAIGN).replace(
        "{body}", body))
    if template is not None:
        (tmp_path / "templates").mkdir(exist_ok=True)
        (tmp_path / "templates" / "launch.j2").write_text(template)
    return CliRunner().invoke(app, ["--workspace", str(tmp_path), "--lang", "en", *extra,
                                    "validate"], catch_exceptions=False)


def _preview_text(tmp_path, body: str, template: str | None = None) -> str:
    _validate(tmp_path, body, template=template)
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path), "--lang", "en", "preview",
                                      "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["posts"][0]["parts"][0]


def test_a_var_reads_by_bare_name_and_under_vars(tmp_path):
    text = _preview_text(tmp_path, 'text: "Hubungi {{ hotline }} / {{ vars.hotline }} di '
                                   '{{ place }}"')
    assert text == "Hubungi 1500200 / 1500200 di Kantor Camat"  # post vars over campaign


def test_bare_names_work_in_template_files_too(tmp_path):
    text = _preview_text(tmp_path, "template: launch", template="Datang ke {{ place }}\n")
    assert text == "Datang ke Kantor Camat"


@pytest.mark.parametrize("name", ["post", "when", "utm", "range"])
def test_a_var_with_a_reserved_name_is_an_error_at_its_line(tmp_path, name):
    result = _validate(tmp_path, f'text: "x"\n    vars: {{place: a, {name}: b}}'.replace(
        "    vars: {place: Kantor Camat}\n", ""))
    assert result.exit_code == 1, result.output
    line = [x for x in result.stderr.splitlines() if "templates already use" in x]
    assert line and f"a var cannot be called {name!r}" in line[0], result.stderr
    assert "rename it, e.g." in line[0]


def test_a_misspelt_var_gets_the_name_that_exists(tmp_path):
    result = _validate(tmp_path, 'text: "Datang ke {{ vars.plcae }}"')
    assert result.exit_code == 1
    assert "undefined variable plcae" in result.stderr
    assert "did you mean place?" in result.stderr


def test_in_a_template_file_the_dotted_name_is_kept(tmp_path):
    result = _validate(tmp_path, "template: launch", template="Datang ke {{ vars.plcae }}\n")
    assert "undefined variable vars.plcae" in result.stderr
    assert "did you mean vars.place?" in result.stderr


def test_a_misspelt_bare_name_gets_the_name_that_exists(tmp_path):
    result = _validate(tmp_path, "template: launch", template="Telepon {{ hotlin }}\n")
    assert result.exit_code == 1
    assert "templates/launch.j2:1" in result.stderr
    assert "did you mean hotline?" in result.stderr


def test_nothing_close_keeps_the_general_hint(tmp_path):
    result = _validate(tmp_path, 'text: "{{ zzzqqq }}"')
    assert "define it under vars:" in result.stderr


def test_the_reserved_names_are_what_the_environment_really_has():
    env = _make_env(Path("."))
    assert set(TEMPLATE_FILTERS) <= set(env.filters)
    assert set(JINJA_GLOBALS) - {"loop"} <= set(env.globals)


def test_a_template_problem_names_the_posts_that_use_it(tmp_path):
    campaign = textwrap.dedent(CAMPAIGN).replace("{body}", "template: launch") + (
        "  - id: again\n    at: 2026-12-02 09:00\n    template: launch\n")
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "channels.yaml").write_text(CHANNELS)
    (tmp_path / "campaigns" / "pbb.yaml").write_text(campaign)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "launch.j2").write_text("Halo\n{{ vars.nope }}\n")
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path), "--lang", "en", "validate",
                                      "--format", "github"], catch_exceptions=False)
    [line] = [x for x in result.stdout.splitlines() if x.startswith("::error")]
    assert line.startswith("::error file=templates/launch.j2,line=2,")
    assert "(used by pbb-2026/launch, pbb-2026/again)" in line
