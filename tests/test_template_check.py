"""template_check.py: every undefined name of a template found by reading it, said exactly
as the render error says it, and never one a render would not fail on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from campaignctl.models import Account, Campaign, Mark, Occurrence, Post, Workspace
from campaignctl.planner import build_plan
from campaignctl.render import Renderer, RenderError
from campaignctl.template_check import FORCING_FILTERS, NameCheck

YAML = "campaigns/pbb.yaml"
X = Account("x", "x")
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))

# (template, does the reading find the undefined name?) A name the reading leaves alone
# may still fail the render (an elif, a loop body): the render reports that one.
CASES = [
    ("a\n{{ x }}", True),
    ("a\n{{ 1 ~\n x }}", True),
    ("a\n{{\n x }}", True),
    ("{{ vars.place ~\n vars.plcae }}", True),
    ("{{ vars.place }} {{ x }}", True),
    ("a\n{% if x %}y{% endif %}", True),
    ("{% if 0 %}\n{% elif x %}y{% endif %}", False),
    ("a\n{% for i in x %}y{% endfor %}", True),
    ("{% for i in [1] %}\n{{ x }}{% endfor %}", False),
    ("{{ -x }}", True), ("{{ +x }}", True), ("{{ not x }}", True), ("{{ 1 + x }}", True),
    ("{{ x % 2 }}", True), ("{{ 'a' ~ x }}", True), ("{{ (x) }}", True), ("{{ x[0] }}", True),
    ("{{ 'a' == x }}", True), ("{{ x < 1 }}", True), ("{{ 'a' in x }}", True),
    ("{{ x in ['a'] }}", False), ("{{ 1 < 2 < x }}", False),
    ("{{ x is string }}", False), ("{% if x is defined %}{{ x }}{% endif %}", False),
    ("{{ x | default('d') }}", False), ("{{ x | d('') }}", False), ("{{ [x] }}", False),
    ("{{ range(x) }}", False), ("{{ x() }}", True), ("{{ x.y() }}", True),
    ("{{ x or 1 }}", True), ("{{ 1 or x }}", False),
    ("{{ 1 if x else 2 }}", True), ("{{ x if 1 else 2 }}", False),
    ("{{ x.y }}", True), ("{{ vars.y }}", True), ("{{ vars['y'] }}", True),
    ("{{ vars.get }}", False), ("{{ vars.items() | list }}", False), ("{{ vars._y }}", False),
    ("{{ vars.place[x] }}", False),
    ("{{ campaign.nmae }}", True), ("{{ campaign.vars.plcae }}", True),
    ("{{ campaign.vars.venue }}", True), ("{{ post.vars.place }}", True),
    ("{{ channel.nmae }}", True), ("{{ campaign.name }}{{ channel.platform }}", False),
    ("{{ when.year }}", False), ("{{ loop }}", True),
    ("{% set a = x %}\n{{ a }}", False), ("{% set x = 1 %}{{ x }}", False),
    ("{% set a %}\n{{ x }}{% endset %}{{ a }}", True),
    ("{% with a = 1 %}\n{{ x }}{% endwith %}", True),
    ("{% with a = x.y %}{{ a }}{% endwith %}", True),
    ("a\n{% block b %}\n{{ x }}{% endblock %}", True),
    ("{% filter upper %}\n{{ x }}{% endfilter %}", True),
    ("{% macro m() %}{{ x }}{% endmacro %}{{ m() }}", False),
    ("{% include 'inc.j2' %}", True),
    ("{% extends 'inc.j2' %}", False),
    ("{{ place }} {{ venue }} {{ hotline }}", True),
    ("{{ x | utm }}", True), ("{{ when | date_long }} {{ x | time }}", True),
]


def _setup(root: Path, source: str, inline: bool) -> tuple[Renderer, Campaign, Post]:
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "templates" / "inc.j2").write_text("a\n{{ x }}\n")
    if inline:
        post = Post(id="p", text=source, vars={"venue": "Aula"}, mark=Mark(YAML, 12),
                    marks={"text": Mark(YAML, 14)})
    else:
        (root / "templates" / "t.j2").write_text(source)
        post = Post(id="p", template="t", vars={"venue": "Aula"}, mark=Mark(YAML, 12))
    campaign = Campaign(id="pbb", name="PBB", timezone="Asia/Makassar", channels=["x"],
                        posts=[post], vars={"place": "Kantor"}, mark=Mark(YAML, 1))
    return Renderer(Workspace(root=root, accounts={"x": X})), campaign, post


def _runtime(renderer: Renderer, campaign: Campaign, post: Post):
    try:
        renderer.render(campaign, post, Occurrence("pbb", "p", WHEN), X)
    except RenderError as exc:
        return exc.problem
    return None


@pytest.mark.parametrize("inline", [False, True], ids=["file", "inline"])
@pytest.mark.parametrize("source, found", CASES, ids=[c[0] for c in CASES])
def test_the_reading_says_what_the_render_says(tmp_path, source, found, inline):
    renderer, campaign, post = _setup(tmp_path, source, inline)
    static = renderer.name_problems(campaign, post, X)
    runtime = _runtime(renderer, campaign, post)
    if not found:
        assert static == []
        return
    assert static, runtime
    # The first the reading finds is the one the render stops at, word for word.
    assert static[0] == runtime


def test_every_undefined_name_at_its_own_line(tmp_path):
    source = ("Bayar di {{ vars.plcae }}.\n{{ kantor }} dan {{ hotlin }}\n"
              "{% if channel.platform == 'x' %}{{ inside_a_branch }}{% endif %}\n"
              "{{ vars.place }} {{ tenggat | upper }}\n")
    renderer, campaign, post = _setup(tmp_path, source, inline=False)
    campaign.vars["hotline"] = "119"
    found = [(p.line, p.message, p.hint) for p in renderer.name_problems(campaign, post, X)]
    assert found == [
        (1, "undefined variable vars.plcae", "did you mean vars.place?"),
        (2, "undefined variable kantor",
         "define it under vars: in the campaign or the post, or fix its spelling"),
        (2, "undefined variable hotlin", "did you mean hotline?"),
        (4, "undefined variable tenggat",
         "define it under vars: in the campaign or the post, or fix its spelling"),
    ]


def test_the_plan_tells_each_once_with_the_posts_that_use_it(tmp_path):
    renderer, campaign, post = _setup(tmp_path, "{{ a }}\n{{ b }}\n", inline=False)
    other = Post(id="q", template="t", at=datetime(2026, 12, 2, 9, 0), mark=Mark(YAML, 20))
    post.at = datetime(2026, 12, 1, 9, 0)
    campaign.posts.append(other)
    plan = build_plan(renderer.workspace, [campaign], renderer=renderer)
    assert [(p.file, p.line, p.message) for p in plan.problems] == [
        ("templates/t.j2", 1, "undefined variable a (used by pbb/p, pbb/q)"),
        ("templates/t.j2", 2, "undefined variable b (used by pbb/p, pbb/q)"),
    ]
    assert build_plan(renderer.workspace, [campaign], check=False).problems == [
        p for p in plan.problems if p.line == 1]  # the render alone: the first only


def test_each_source_is_parsed_once(tmp_path):
    renderer, campaign, post = _setup(tmp_path, "{{ vars.place }} {% include 'inc.j2' %}",
                                      inline=False)
    parser = renderer.names._parser()
    calls = []
    parse = parser.parse
    parser.parse = lambda *a, **kw: calls.append(kw.get("filename")) or parse(*a, **kw)
    campaign.posts = [Post(id=f"p{i}", template="t", at=datetime(2026, 12, 1, 9, i),
                           vars={"x": i} if i % 2 else {}, mark=Mark(YAML, 10 + i))
                      for i in range(50)]
    plan = build_plan(renderer.workspace, [campaign], renderer=renderer)
    assert sorted(Path(f).name for f in calls) == ["inc.j2", "t.j2"]
    [problem] = plan.problems  # the posts without x
    assert problem.file == "templates/inc.j2" and problem.line == 2
    assert problem.message.count("pbb/p") == 25


@pytest.mark.parametrize("name", sorted(FORCING_FILTERS))
def test_each_forcing_filter_fails_on_an_undefined_value(tmp_path, name):
    args = {"replace": "('a', 'b')"}.get(name, "")
    renderer, campaign, post = _setup(tmp_path, f"{{{{ x | {name}{args} }}}}", inline=False)
    runtime = _runtime(renderer, campaign, post)
    assert runtime is not None and runtime.code == "undefined-variable", runtime
    assert renderer.name_problems(campaign, post, X) == [runtime]


def test_a_syntax_error_is_said_as_the_render_says_it(tmp_path):
    for inline in (False, True):
        renderer, campaign, post = _setup(tmp_path, "a\n{{ x }\n", inline)
        [static] = renderer.name_problems(campaign, post, X)
        assert static == _runtime(renderer, campaign, post)
        assert static.code == "template-syntax"


def test_without_a_renderer_the_check_needs_no_environment(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.j2").write_text("{{ vars.plcae }}\n")
    check = NameCheck(tmp_path)
    file = check.template_file("t", "x", "x")
    assert file == "templates/t.j2"
    [problem] = check.problems(template_file=file, campaign_vars=["place"])
    assert (problem.line, problem.hint) == (1, "did you mean vars.place?")
    assert check.template_file("../t", "x", "x") is None
