"""The offline commands as users see them: init, validate, preview, plan, schema.

Exact exit codes, file:line in every error, no traceback, JSON shapes, both languages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import campaignctl
from campaignctl.cli import app

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "campaignctl" / "init_template"
CAMPAIGN = "campaigns/layanan-kesehatan-gratis.yaml"
BEFORE_THE_CAMPAIGN = "2026-11-30T12:00:00+08:00"

runner = CliRunner()


def run(*args: str, cwd: Path | None = None):
    """Invoke the CLI in ``cwd``; returns the click Result (stdout and stderr kept apart)."""
    argv = list(args)
    if cwd is not None:
        argv = ["--workspace", str(cwd), *argv]
    return runner.invoke(app, argv, catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    result = run("init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def edit(ws: Path, old: str, new: str, file: str = CAMPAIGN) -> None:
    path = ws / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


def line_of(ws: Path, needle: str, file: str = CAMPAIGN) -> int:
    for number, line in enumerate((ws / file).read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not found in {file}")


def test_init_creates_a_valid_workspace(ws: Path) -> None:
    for rel in ("channels.yaml", CAMPAIGN, "templates/pengumuman.j2", "templates/pengumuman/x.j2",
                "media/poster.png", "media/penjelasan.mp4", "campaign.schema.json",
                "channels.schema.json"):
        assert (ws / rel).is_file(), rel
    result = run("validate", cwd=ws)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


def test_init_refuses_to_overwrite(ws: Path) -> None:
    result = run("init", str(ws))
    assert result.exit_code == 2
    assert "already exists" in result.stderr and "--force" in result.stderr


def test_repository_root_is_the_example_workspace() -> None:
    """The repo's own example must not drift from what `init` writes."""
    for src in TEMPLATE.rglob("*"):
        if src.is_file() and "__pycache__" not in src.parts:
            twin = REPO / src.relative_to(TEMPLATE)
            if src.name == ".gitignore":  # the repository's own ignores must include these
                ours = (REPO / ".gitignore").read_text().splitlines()
                assert set(src.read_text().splitlines()) <= set(ours)
                continue
            assert twin.is_file(), f"{twin} missing from the repository root"
            assert twin.read_bytes() == src.read_bytes(), f"{twin} differs from {src}"
    result = run("validate", cwd=REPO)
    assert result.exit_code == 0, result.stderr


# --- every way of breaking the campaign gives one clear line with file:line ------------

BROKEN = [
    # (what, old text, new text, needle for the expected line, fragment of the message)
    ("unknown key", "    template: pengingat", "    tempalte: pengingat", "tempalte", "template"),
    ("bad time zone", "timezone: Asia/Makassar", "timezone: Asia/Makasar", "timezone:",
     "Asia/Makasar"),
    ("unknown channel", "channels: [x, facebook]", "channels: [x, facebok]",
     "channels: [x, facebok]", "facebok"),
    ("bad cron", 'every: "0 9 * * mon"', 'every: "0 9 * * moon"', "every:", "every"),
    ("missing template", "template: pengumuman", "template: pengumuman-lama", "pengumuman-lama",
     "pengumuman-lama"),
    ("missing media", "path: media/poster.png", "path: media/poster-final.png", "poster-final",
     "poster-final.png"),
    ("missing alt text", "        alt: Video singkat", "        description: Video singkat",
     "description: Video", "description"),
    ("bad privacy", "privacy_level: SELF_ONLY", "privacy_level: PUBLIC", "privacy_level", "PUBLIC"),
    ("undefined variable", "{{ vars.hotline }}", "{{ vars.hotlines }}", None, "hotlines"),
    ("at inside a blackout", "at: 2026-12-01 09:00", "at: 2026-12-25 09:00", "at: 2026-12-25",
     "Natal"),
]


@pytest.mark.parametrize("what,old,new,needle,fragment", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_mistake_is_one_line_naming_file_and_line(ws, what, old, new, needle, fragment):
    edit(ws, old, new)
    result = run("validate", cwd=ws)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ": error: " in ln]
    assert errors, result.stderr
    hit = [ln for ln in errors if fragment in ln]
    assert hit, f"no error mentions {fragment!r}: {errors}"
    if needle is not None:
        assert hit[0].startswith(f"{CAMPAIGN}:{line_of(ws, needle)}:"), hit[0]


def test_undefined_variable_names_the_template_file_and_line(ws: Path) -> None:
    edit(ws, "Informasi: hotline {{ vars.hotline }}", "Informasi: hotline {{ vars.hotlines }}",
         file="templates/pengumuman.j2")
    result = run("validate", cwd=ws)
    assert result.exit_code == 1
    line = line_of(ws, "vars.hotlines", file="templates/pengumuman.j2")
    assert any(ln.startswith(f"templates/pengumuman.j2:{line}:") and "hotlines" in ln
               for ln in result.stderr.splitlines()), result.stderr


def test_too_long_for_x_by_x_counting(ws: Path) -> None:
    # 130 CJK characters weigh 260; with the text around them the part passes 280.
    edit(ws, "Cek tekanan darah", "健" * 130 + " Cek tekanan darah",
         file="templates/pengumuman/x.j2")
    result = run("validate", cwd=ws)
    assert result.exit_code == 1
    assert any("280" in ln for ln in result.stderr.splitlines()), result.stderr


def test_yaml_syntax_error_points_at_its_line(ws: Path) -> None:
    edit(ws, "name: Hari Layanan Kesehatan Gratis", "name: [Hari Layanan")
    result = run("validate", cwd=ws)
    assert result.exit_code == 1
    assert CAMPAIGN + ":" in result.stderr and "Traceback" not in result.stderr


def test_template_reaching_for_python_internals_fails_cleanly(ws: Path) -> None:
    edit(ws, "{{ vars.hotline }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
         file="templates/pengumuman.j2")
    result = run("validate", cwd=ws)
    assert result.exit_code == 1
    assert "templates/pengumuman.j2:" in result.stderr
    assert "subclasses" not in result.stderr.replace("__subclasses__", "")
    assert "<class" not in result.stderr and "Traceback" not in result.stderr


def test_missing_channels_yaml_is_a_config_error(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "channels.yaml" in result.stderr and "init" in result.stderr


def test_several_problems_are_reported_at_once(ws: Path) -> None:
    edit(ws, "timezone: Asia/Makassar", "timezone: Mars/Olympus")
    edit(ws, "    template: pengingat", "    tempalte: pengingat")
    result = run("validate", cwd=ws)
    assert result.exit_code == 1
    errors = [ln for ln in result.stderr.splitlines() if ": error: " in ln]
    assert len(errors) >= 2, result.stderr
    assert result.stderr.splitlines()[-1].endswith("in 1 campaign file(s)")


def test_github_annotations(ws: Path) -> None:
    edit(ws, "    template: pengingat", "    tempalte: pengingat")
    result = run("validate", "--format", "github", cwd=ws)
    assert result.exit_code == 1
    line = line_of(ws, "tempalte")
    assert f"::error file={CAMPAIGN},line={line},title=campaignctl::" in result.stdout


def test_validate_json(ws: Path) -> None:
    result = run("validate", "--format", "json", cwd=ws)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["campaigns"] == ["layanan-kesehatan-gratis"]


def test_plan_json_shape(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before the campaign starts: plan marks posts already past their time as missed.
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE_THE_CAMPAIGN)
    result = run("plan", "--json", cwd=ws)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {"campaign", "post", "channel", "at", "status", "reason"} <= set(rows[0])
    first = rows[0]
    assert first["post"] == "pengumuman" and first["at"] == "2026-12-01T09:00:00+08:00"
    weekly = [r for r in rows if r["post"] == "pengingat-mingguan"]
    # Mondays 7 and 14 December, on x and facebook.
    assert sorted({r["at"] for r in weekly}) == ["2026-12-07T09:00:00+08:00",
                                                "2026-12-14T09:00:00+08:00"]
    assert {r["channel"] for r in weekly} == {"x", "facebook"}
    assert all(r["status"] == "scheduled" for r in rows)


def test_plan_shows_blackout_skips_with_reason(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGNCTL_NOW", BEFORE_THE_CAMPAIGN)
    edit(ws, "until: 2026-12-18", "until: 2026-12-31")
    result = run("plan", "--json", cwd=ws)
    assert result.exit_code == 0, result.stderr
    rows = [r for r in json.loads(result.stdout) if r["post"] == "pengingat-mingguan"]
    skipped = [r for r in rows if r["status"] == "skipped"]
    # Monday 28 December is outside the Christmas blackout; none falls on 24-26 Dec
    # (a Thursday to Saturday), so add a Friday cron to hit it.
    assert not skipped
    edit(ws, 'every: "0 9 * * mon"', 'every: "0 9 * * mon,fri"')
    rows = [r for r in json.loads(run("plan", "--json", cwd=ws).stdout)
            if r["post"] == "pengingat-mingguan"]
    skipped = [r for r in rows if r["status"] == "skipped"]
    assert {r["at"][:10] for r in skipped} == {"2026-12-25"}
    assert all("Natal" in r["reason"] for r in skipped)


def test_plan_window(ws: Path) -> None:
    result = run("plan", "--json", "--from", "2026-12-07", "--until", "2026-12-07", cwd=ws)
    rows = json.loads(result.stdout)
    assert {r["post"] for r in rows} == {"pengingat-mingguan"}


def test_preview_text_and_markdown(ws: Path) -> None:
    result = run("preview", cwd=ws)
    assert result.exit_code == 0, result.stderr
    assert "pengumuman → x" in result.stdout and "[1/3]" in result.stdout
    assert "media/poster.png" in result.stdout and "alt:" in result.stdout
    md = run("preview", "--format", "markdown", cwd=ws)
    assert md.exit_code == 0
    assert md.stdout.startswith("# ") and "### `video-penjelasan` → **youtube**" in md.stdout


def test_preview_filters(ws: Path) -> None:
    result = run("preview", "--channel", "facebook", "--post", "pengumuman", "--format", "json",
                 cwd=ws)
    posts = json.loads(result.stdout)["posts"]
    assert [(p["post"], p["channel"]) for p in posts] == [("pengumuman", "facebook")]
    assert "utm_source=facebook" in posts[0]["parts"][0]


def test_schema_is_json(ws: Path) -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    assert "properties" in schema or "$defs" in schema
    assert schema["title"] == "campaignctl campaign"
    channels = json.loads(run("schema", "channels").stdout)
    assert channels["title"] == "campaignctl channels.yaml"
    assert json.loads((ws / "channels.schema.json").read_text()) == channels
    assert (ws / "channels.yaml").read_text().startswith(
        "# yaml-language-server: $schema=channels.schema.json\n")


def test_schema_of_something_unknown_is_one_line() -> None:
    result = run("schema", "channel")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "schema channels" in result.stderr


def test_repository_root_carries_the_current_schemas() -> None:
    """Editors opening the repo's own example find the schemas its files point at."""
    from campaignctl.workspace import schema_files

    for name, text in schema_files().items():
        assert (REPO / name).read_text() == text, (
            f"{name} is stale: run `campaignctl schema {name.split('.')[0]} > {name}`")


def test_messages_in_bahasa_indonesia(ws: Path) -> None:
    result = run("--lang", "id", "validate", cwd=ws)
    assert result.exit_code == 0
    assert result.stdout.startswith("OK:") and "kampanye" in result.stdout


def test_bad_lang_is_a_usage_error() -> None:
    result = run("--lang", "fr", "validate")
    assert result.exit_code == 2


def test_offline_commands_import_no_platform_sdk(ws: Path) -> None:
    code = (
        "import sys\n"
        "from campaignctl.cli import main\n"
        "for cmd in (['validate'], ['plan'], ['preview']):\n"
        "    try:\n"
        f"        main(['--workspace', {str(ws)!r}, *cmd])\n"
        "    except SystemExit as e:\n"
        "        assert e.code in (0, None), (cmd, e.code)\n"
        "bad = [m for m in ('tweepy', 'facebook', 'googleapiclient', 'google.auth', 'requests',"
        " 'sqlalchemy', 'apscheduler') if m in sys.modules]\n"
        "print('LOADED', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_every_command_has_working_help() -> None:
    """Help must never crash (a docstring's CAMPAIGN[/POST] once broke rich's markup)."""
    from typer.main import get_command

    root = get_command(app)
    assert run("--help").exit_code == 0
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        result = run(name, "--help")
        assert result.exit_code == 0, (name, result.output)
        for sub in getattr(command, "commands", {}):
            assert run(name, sub, "--help").exit_code == 0, (name, sub)


def test_preview_html_writes_cards(ws: Path, tmp_path: Path) -> None:
    page = tmp_path / "preview.html"
    result = run("preview", "--html", str(page), cwd=ws)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Puskesmas Ubud I" in html and "data:image/png;base64," in html
    assert "<script src=" not in html and "https://fonts" not in html  # self-contained


@pytest.mark.parametrize("args", [
    ["--lang", "id", "validate"], ["validate", "--lang", "id"], ["validate", "--lang", "ID"],
    ["validate", "--lang=Id"], ["--lang=ID", "validate"],
])
def test_lang_before_or_after_the_command_in_any_case(ws: Path, args) -> None:
    result = run(*args, cwd=ws)
    assert result.exit_code == 0, result.output
    assert "kampanye" in result.stdout


def test_lang_after_the_command_still_refuses_an_unknown_language(ws: Path) -> None:
    result = run("validate", "--lang", "fr", cwd=ws)
    assert result.exit_code == 2 and "--lang must be one of" in result.stderr


def test_init_blank_is_channels_and_one_tiny_campaign(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CAMPAIGNCTL_NOW", "2026-12-04T10:00:00+08:00")
    result = run("init", str(tmp_path / "kantor"), "--blank")
    assert result.exit_code == 0, result.output
    made = sorted(p.relative_to(tmp_path / "kantor").as_posix()
                  for p in (tmp_path / "kantor").rglob("*") if p.is_file())
    assert made == [".env.example", ".gitignore", "campaign.schema.json",
                    "campaigns/kampanye-pertama.yaml", "channels.schema.json", "channels.yaml"]
    assert "at: 2026-12-05 09:00" in (tmp_path / "kantor" / made[3]).read_text()
    checked = run("validate", cwd=tmp_path / "kantor")
    assert checked.exit_code == 0 and "1 post(s)" in checked.stdout, checked.output


@pytest.mark.parametrize("word, has_dec_1", [("today", True), ("now", True), ("tomorrow", False)])
def test_plan_from_words(ws: Path, monkeypatch, word, has_dec_1) -> None:
    monkeypatch.setenv("CAMPAIGNCTL_NOW", "2026-12-01T08:00:00+08:00")
    result = run("plan", "--from", word, cwd=ws)
    assert result.exit_code == 0, result.output
    assert ("Tue 1 Dec" in result.stdout) is has_dec_1, result.stdout
    assert "scheduled" in result.stdout


def test_plan_from_a_word_it_does_not_know(ws: Path) -> None:
    result = run("plan", "--from", "lusa", cwd=ws)
    assert result.exit_code == 2 and "today, tomorrow or now" in result.stderr


def test_next_lists_the_next_posts_from_now(ws: Path, monkeypatch) -> None:
    monkeypatch.setenv("CAMPAIGNCTL_NOW", "2026-12-01T10:00:00+08:00")
    rows = json.loads(run("next", "3", "--json", cwd=ws).stdout)
    assert len(rows) == 3
    assert all(r["at"] >= "2026-12-01T10:00:00+08:00" for r in rows)
    assert rows == sorted(rows, key=lambda r: r["at"])
    plan = json.loads(run("plan", "--from", "now", "--json", cwd=ws).stdout)
    assert rows == plan[:3]  # the same lines plan gives, and the same statuses
    text = run("next", "1", cwd=ws)
    assert text.exit_code == 0 and len(text.stdout.strip().splitlines()) == 4  # head, 1, blank, sum


def test_a_command_group_is_one_file_in_cli(tmp_path: Path) -> None:
    """Adding a command is writing cli/<group>.py with register(app): nothing else."""
    copy = tmp_path / "campaignctl"
    shutil.copytree(Path(campaignctl.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "cli" / "hello.py").write_text(
        "import typer\n\n\ndef hello() -> None:\n    \"\"\"Say hello.\"\"\"\n"
        "    typer.echo('halo')\n\n\ndef register(app: typer.Typer) -> None:\n"
        "    app.command()(hello)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "campaignctl", "hello"], capture_output=True,
                         text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == "halo", out.stderr
    listed = subprocess.run([sys.executable, "-m", "campaignctl", "--help"],
                            capture_output=True, text=True, env=env, cwd=tmp_path).stdout
    assert "hello" in listed and listed.index("init") < listed.index("hello")
