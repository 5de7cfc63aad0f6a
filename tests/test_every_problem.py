"""One `validate` run reports every problem of every file: a broken campaign head hides
neither its channel names nor its posts, and a YAML slip in one file hides no other file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campaignctl.cli import app
from campaignctl.config import load_campaigns, load_workspace

CHANNELS = """\
defaults:
  timezone: Asia/Makassar
channels:
  x: {platform: x, sandbox: true}
  facebook: {platform: facebook, sandbox: true, options: {page_id: "1"}}
"""


def _workspace(root: Path, campaigns: dict[str, str], templates: dict[str, str] | None = None
               ) -> Path:
    (root / "campaigns").mkdir(parents=True, exist_ok=True)
    (root / "channels.yaml").write_text(CHANNELS)
    for name, body in campaigns.items():
        (root / "campaigns" / name).write_text(textwrap.dedent(body))
    for name, body in (templates or {}).items():
        path = root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return root


def _run(root: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["--workspace", str(root), "--lang", "en", *args],
                                catch_exceptions=False)
    return result.exit_code, [x for x in result.stderr.splitlines() if ": error: " in x
                              or ": warning: " in x]


def _load(root: Path):
    return load_campaigns(load_workspace(root))


def test_a_wrong_timezone_hides_neither_the_channel_typo_nor_the_posts(tmp_path):
    root = _workspace(tmp_path, {"pbb.yaml": """\
        campaign: pbb
        timezone: GMT+8
        channels: [x, facebok]
        posts:
          - id: a
            at: 2026-12-01 09:00
            text: "Halo"
            options: {facebook: {linkk: "https://example.org"}}
          - id: b
            at: 2026-12-02 09:00
            template: nope
        """})
    campaigns, problems = _load(root)
    assert campaigns == []  # still not a campaign: publish, plan and preview refuse it
    lines = {(p.line, p.code) for p in problems}
    assert (2, "invalid") in lines  # the zone itself
    assert (3, "unknown-channel") in lines
    assert (8, "unknown-key") in lines  # a post check that needs the head
    assert (11, "template") in lines
    [typo] = [p for p in problems if p.code == "unknown-channel"]
    assert typo.hint == "did you mean facebook?"


def test_a_wrong_item_or_var_leaves_the_rest_of_its_list_checked(tmp_path):
    root = _workspace(tmp_path, {"pbb.yaml": """\
        campaign: pbb
        channels:
          - x
          - 5
          - facebok
        vars: {post: a, place: b}
        blackouts:
          - {start: 2026-12-24, end: nope}
          - {start: 2026-12-31 00:00, end: 2026-12-30 00:00}
        posts:
          - id: a
            at: 2026-12-01 09:00
            text: "Halo"
        """})
    campaigns, problems = _load(root)
    assert campaigns == []
    assert any(p.line == 4 and p.code == "type" for p in problems)  # the 5
    [typo] = [p for p in problems if p.code == "unknown-channel"]
    assert typo.line == 5 and "facebok" in typo.message
    assert any(p.line == 6 and "'post'" in p.message for p in problems)
    assert [p.line for p in problems if p.code == "blackout"] == [9]  # the sound one


def test_a_missing_id_and_posts_still_check_the_channels(tmp_path):
    root = _workspace(tmp_path, {"pbb.yaml": "name: PBB\nchannels: [facebok]\n"})
    campaigns, problems = _load(root)
    assert campaigns == []
    codes = sorted(p.code for p in problems)
    assert codes == ["missing", "missing", "unknown-channel"]


def test_a_post_without_channels_is_only_reported_when_the_campaign_list_is_sound(tmp_path):
    root = _workspace(tmp_path, {
        "a.yaml": """\
            campaign: a
            timezone: Mars/Olympus
            posts:
              - {id: p, at: 2026-12-01 09:00, text: "Halo"}
            """,
        "b.yaml": """\
            campaign: b
            channels: x
            posts:
              - {id: p, at: 2026-12-01 09:00, text: "Halo"}
            """})
    _, problems = _load(root)
    no_channels = [p for p in problems if "has no channels" in p.message]
    assert [p.file for p in no_channels] == ["campaigns/a.yaml"]
    assert any(p.file == "campaigns/b.yaml" and p.line == 2 for p in problems)


def test_publish_still_refuses_a_campaign_whose_head_was_salvaged(tmp_path):
    root = _workspace(tmp_path, {"pbb.yaml": """\
        campaign: pbb
        timezone: GMT+8
        channels: [x]
        posts:
          - {id: a, at: 2026-12-01 09:00, text: "Halo"}
        """})
    code, lines = _run(root, "publish", "--dry-run")
    assert code == 1
    assert lines and all("pbb.yaml:2" in x for x in lines)


@pytest.mark.parametrize("broken", ["a.yaml", "m.yaml", "z.yaml"])
def test_a_yaml_slip_in_one_file_hides_no_other_file(tmp_path, broken):
    files = {name: f"""\
        campaign: c-{name[0]}
        channels: [x, facebok]
        posts:
          - {{id: p, at: 2026-13-01 09:00, text: "Halo"}}
        """ for name in ("a.yaml", "m.yaml", "z.yaml")}
    files[broken] = "campaign: broken\nposts:\n\t- id: a\n"
    root = _workspace(tmp_path, files)
    code, lines = _run(root, "validate")
    assert code == 1
    assert [x for x in lines if x.startswith(f"campaigns/{broken}:3: error: YAML")]
    for name in set(files) - {broken}:
        assert [x for x in lines if x.startswith(f"campaigns/{name}:2: error: unknown channel")]
        assert [x for x in lines if x.startswith(f"campaigns/{name}:4: error: post p: at:")]
    assert len(lines) == 1 + 2 * 2


def test_a_broken_post_still_has_its_template_read_for_every_undefined_name(tmp_path):
    post = """\
        campaign: {id}
        channels: [x, facebook]
        vars: {{place: Kantor}}
        posts:
          - id: p
            at: 2026-13-01 09:00
            template: pbb
        """
    root = _workspace(tmp_path, {"a.yaml": post.format(id="a"), "b.yaml": post.format(id="b")},
                      {"pbb.j2": "Di {{ vars.plcae }}\n\n{{ tenggat }}\n",
                       "pbb/facebook.j2": "{{ vars.place }} {{ kantor }}\n"})
    code, lines = _run(root, "validate")
    assert code == 1
    assert [x for x in lines if x.startswith("templates/")] == [
        "templates/pbb.j2:1: error: undefined variable vars.plcae (used by a/p, b/p) — "
        "did you mean vars.place?",
        "templates/pbb.j2:3: error: undefined variable tenggat (used by a/p, b/p) — "
        "define it under vars: in the campaign or the post, or fix its spelling",
        "templates/pbb/facebook.j2:1: error: undefined variable kantor (used by a/p, b/p) — "
        "define it under vars: in the campaign or the post, or fix its spelling",
    ]


def test_a_template_is_read_for_known_channels_only_and_a_text_always(tmp_path):
    root = _workspace(tmp_path, {"a.yaml": """\
        campaign: a
        posts:
          - {id: p, at: 2026-12-01 09:00, template: pbb, channels: [nope]}
          - {id: q, at: 2026-12-01 09:00, text: "{{ kantor }}", channels: [nope]}
        """}, {"pbb.j2": "{{ tenggat }}\n"})
    _, problems = _load(root)
    assert [(p.line, p.code) for p in problems] == [
        (3, "unknown-channel"), (4, "unknown-channel"), (4, "undefined-variable")]


def test_a_valid_campaign_has_its_templates_read_by_the_plan_only(tmp_path):
    root = _workspace(tmp_path, {"a.yaml": """\
        campaign: a
        channels: [x]
        posts:
          - {id: p, at: 2026-12-01 09:00, template: pbb}
        """}, {"pbb.j2": "{{ a }}\n{{ b }}\n"})
    campaigns, problems = _load(root)
    assert [c.id for c in campaigns] == ["a"] and problems == []
    code, lines = _run(root, "validate")
    assert code == 1
    assert [x.split(" (used")[0] for x in lines] == [
        "templates/pbb.j2:1: error: undefined variable a",
        "templates/pbb.j2:2: error: undefined variable b"]
