"""render.py: sandboxed strict Jinja, per-channel template lookup, filters and located errors."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from campaignctl.errors import CampaignctlError
from campaignctl.models import Account, Campaign, Mark, Media, Occurrence, Post, Workspace
from campaignctl.render import Renderer, RenderError, split_thread

DATA = Path(__file__).parent / "data" / "media"
JAKARTA = ZoneInfo("Asia/Jakarta")
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)
YAML = "campaigns/booster.yaml"

X = Account("x-ministry", "x")
X2 = Account("x-province", "x")
FB = Account("fb-ministry", "facebook")
YT = Account("yt-ministry", "youtube")
TT = Account("tt-ministry", "tiktok")


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def ws(tmp_path) -> Workspace:
    (tmp_path / "media").mkdir()
    for name in ("poster.png", "clip.mp4"):
        shutil.copy(DATA / name, tmp_path / "media" / name)
    return Workspace(root=tmp_path, timezone="Asia/Jakarta")


def post(**kw) -> Post:
    kw.setdefault("id", "launch")
    kw.setdefault("mark", Mark(YAML, 12))
    return Post(**kw)


def campaign(*posts: Post, **kw) -> Campaign:
    kw.setdefault("vars", {"hotline": "119", "landing_url": "https://example.go.id/booster"})
    return Campaign(id="booster-2026", name=kw.pop("name", "Vaksinasi Booster Gratis"),
                    timezone="Asia/Jakarta", channels=["x-ministry"], posts=list(posts),
                    mark=Mark(YAML, 1), **kw)


def occ(at: datetime = WHEN, post_id: str = "launch") -> Occurrence:
    return Occurrence("booster-2026", post_id, at)


def render(ws: Workspace, p: Post, account: Account = X, c: Campaign | None = None,
           at: datetime = WHEN):
    c = c or campaign(p)
    return Renderer(ws).render(c, p, occ(at, p.id), account)


def render_error(ws: Workspace, p: Post, account: Account = X, c: Campaign | None = None):
    with pytest.raises(RenderError) as info:
        render(ws, p, account, c)
    return info.value


# --- lookup ----------------------------------------------------------------------------

ALL = {
    "templates/ann/x-ministry.j2": "channel file",
    "templates/ann/x.j2": "platform file",
    "templates/ann.j2": "shared file",
}


@pytest.mark.parametrize("present, account, expected", [
    (ALL, X, "templates/ann/x-ministry.j2"),
    (ALL, X2, "templates/ann/x.j2"),
    (ALL, FB, "templates/ann.j2"),
    ({k: v for k, v in ALL.items() if "x-ministry" not in k}, X, "templates/ann/x.j2"),
    ({"templates/ann.j2": "shared file"}, X, "templates/ann.j2"),
    ({"templates/ann/x-ministry.j2": "channel file", "templates/ann.j2": "shared file"}, X2,
     "templates/ann.j2"),
])
def test_lookup_order(ws, present, account, expected):
    write(ws.root, present)
    result = render(ws, post(template="ann"), account)
    assert result.template_file == expected
    assert result.parts == [present[expected]]


def test_missing_template_lists_every_path_looked_for(ws):
    p = post(template="ann", marks={"template": Mark(YAML, 15)})
    err = render_error(ws, p, X)
    assert (err.problem.file, err.problem.line) == (YAML, 15)
    assert err.problem.code == "template-missing"
    assert "templates/ann/x-ministry.j2, templates/ann/x.j2, templates/ann.j2" in err.problem.hint


@pytest.mark.parametrize("name", ["../secrets", "/etc/passwd", "a/../../b"])
def test_template_names_cannot_leave_the_templates_folder(ws, name):
    write(ws.root, {"secrets.j2": "TOP SECRET", "templates/x.j2": "fine"})
    err = render_error(ws, post(template=name))
    assert err.problem.code == "template-missing"
    assert "TOP SECRET" not in err.one_line()


# --- context -----------------------------------------------------------------------------


def test_context_names(ws):
    text = ("{{ campaign.id }}|{{ campaign.name }}|{{ campaign.timezone }}|"
            "{{ campaign.vars.hotline }}|{{ post.id }}|{{ post.vars.venue }}|"
            "{{ channel.name }}|{{ channel.platform }}|{{ vars.hotline }}|{{ vars.venue }}|"
            "{{ when.isoformat() }}")
    p = post(text=text, vars={"venue": "Puskesmas Ubud"})
    assert render(ws, p, FB).parts == [
        "booster-2026|Vaksinasi Booster Gratis|Asia/Jakarta|119|launch|Puskesmas Ubud|"
        "fb-ministry|facebook|119|Puskesmas Ubud|2026-12-01T09:00:00+07:00"]


def test_post_vars_override_campaign_vars_and_are_rendered(ws):
    p = post(text="{{ vars.hotline }} / {{ vars.greeting }} / {{ campaign.vars.hotline }}",
             vars={"hotline": "112", "greeting": "Halo {{ channel.name }} ({{ vars.hotline }})"})
    # post vars see the campaign's rendered vars; the post's own value wins in `vars`
    assert render(ws, p).parts == ["112 / Halo x-ministry (112) / 119"]


def test_campaign_vars_are_rendered_per_post_and_channel(ws):
    c_vars = {"link": "{{ 'https://example.go.id/b' | utm }}"}
    p = post(text="{{ vars.link }}")
    out = render(ws, p, FB, campaign(p, vars=c_vars))
    assert out.parts == ["https://example.go.id/b?utm_source=fb-ministry&utm_medium=social"
                         "&utm_campaign=booster-2026&utm_content=launch"]


def test_nested_vars_are_rendered(ws):
    p = post(text="{{ vars.places[1] }} {{ vars.info.phone }}",
             vars={"places": ["a", "{{ campaign.id }}"], "info": {"phone": "{{ vars.hotline }}"}})
    assert render(ws, p).parts == ["booster-2026 119"]


def test_a_var_named_like_a_dict_method_is_the_var(ws):
    p = post(text="{{ vars.items }} {{ vars.values }}", vars={"items": "5 kits", "values": "v"})
    assert render(ws, p).parts == ["5 kits v"]


def test_text_is_stripped(ws):
    assert render(ws, post(text="\n\n  Halo  \n\n"), FB).parts == ["Halo"]


def test_vars_using_when_follow_each_occurrence(ws):
    p = post(text="{{ vars.day }}", vars={"day": "{{ when | date_short('en') }}"})
    c = campaign(p)
    r = Renderer(ws)
    first = r.render(c, p, occ(WHEN), X)
    second = r.render(c, p, occ(WHEN.replace(day=8)), X)
    assert (first.parts, second.parts) == (["1 Dec 2026"], ["8 Dec 2026"])


def test_a_new_post_object_is_not_served_from_cache(ws):
    r = Renderer(ws)
    p1 = post(text="one")
    c1 = campaign(p1)
    assert r.render(c1, p1, occ(), X).parts == ["one"]
    p2 = post(text="two")
    assert r.render(campaign(p2), p2, occ(), X).parts == ["two"]


def test_rendered_post_fields(ws):
    p = post(text="Halo", priority="emergency")
    out = render(ws, p, FB)
    assert (out.campaign, out.post, out.channel, out.platform, out.at, out.priority) == (
        "booster-2026", "launch", "fb-ministry", "facebook", WHEN, "emergency")
    assert out.template_file is None
    assert out.key == "booster-2026/launch/2026-12-01T02:00:00Z/fb-ministry"


# --- threads -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, parts", [
    ("one", ["one"]),
    ("one\n---\ntwo", ["one", "two"]),
    ("one\n---\n\n---\n  \n---\ntwo\n---", ["one", "two"]),
    ("  one  \n  ---  \n  two  ", ["one", "two"]),
    ("one\n----\ntwo", ["one\n----\ntwo"]),
    ("one --- two", ["one --- two"]),
    ("---\none", ["one"]),
    ("", []),
])
def test_split_thread(text, parts):
    assert split_thread(text) == parts


def test_x_template_becomes_a_thread(ws):
    write(ws.root, {"templates/ann.j2": "Satu {{ vars.hotline }}\n---\nDua\n"})
    assert render(ws, post(template="ann"), X).parts == ["Satu 119", "Dua"]


def test_other_platforms_keep_one_part(ws):
    write(ws.root, {"templates/ann.j2": "Satu\n---\nDua\n"})
    assert render(ws, post(template="ann"), FB).parts == ["Satu\n---\nDua"]


def test_empty_x_text_is_one_empty_part(ws):
    assert render(ws, post(text="{{ '' }}"), X).parts == [""]


# --- options and media --------------------------------------------------------------------


def test_youtube_title_defaults_to_campaign_name_and_description_is_the_text(ws):
    p = post(text="Tonton {{ vars.hotline }}",
             options={"youtube": {"privacy": "public", "tags": ["vaksin", "{{ campaign.id }}"]}})
    out = render(ws, p, YT)
    assert out.options == {"privacy": "public", "tags": ["vaksin", "booster-2026"],
                           "title": "Vaksinasi Booster Gratis", "description": "Tonton 119"}


def test_options_are_rendered_for_their_platform_only(ws):
    p = post(text="x", options={"youtube": {"title": "Booster {{ vars.hotline }}"},
                                "tiktok": {"privacy_level": "SELF_ONLY"}})
    assert render(ws, p, YT).options["title"] == "Booster 119"
    assert render(ws, p, TT).options == {"privacy_level": "SELF_ONLY"}
    assert render(ws, p, X).options == {}


def test_media_alt_rendered_and_typed_by_content(ws):
    shutil.copy(DATA / "poster.png", ws.root / "media" / "poster.mp4")  # misnamed picture
    p = post(text="x", vars={"venue": "Ubud"}, media=[
        Media(Path("media/poster.mp4"), alt="Poster {{ vars.venue }}", mark=Mark(YAML, 20)),
        Media(Path("media/clip.mp4"), alt="Video"),
        Media(Path("media/gone.png"), alt="Missing"),
    ])
    out = render(ws, p, FB)
    assert [(m.path, m.alt, m.kind, m.mime) for m in out.media] == [
        (Path("media/poster.mp4"), "Poster Ubud", "image", "image/png"),
        (Path("media/clip.mp4"), "Video", "video", "video/mp4"),
        (Path("media/gone.png"), "Missing", None, None),
    ]
    assert out.media[0].mark == Mark(YAML, 20)


# --- filters -----------------------------------------------------------------------------

UTM = "utm_source=x-ministry&utm_medium=social&utm_campaign=booster-2026&utm_content=launch"


@pytest.mark.parametrize("expr, expected", [
    ("'https://ex.go.id/b' | utm", f"https://ex.go.id/b?{UTM}"),
    ("'https://ex.go.id/b?lang=id&x=a%20b' | utm", f"https://ex.go.id/b?lang=id&x=a%20b&{UTM}"),
    ("'https://ex.go.id/b#daftar' | utm", f"https://ex.go.id/b?{UTM}#daftar"),
    ("'https://ex.go.id/b?q=1#top' | utm", f"https://ex.go.id/b?q=1&{UTM}#top"),
    ("'https://ex.go.id/b?utm_source=poster' | utm",
     "https://ex.go.id/b?utm_source=poster&utm_medium=social&utm_campaign=booster-2026"
     "&utm_content=launch"),
    ("'https://ex.go.id/b?utm_source=a&utm_medium=b&utm_campaign=c&utm_content=d' | utm",
     "https://ex.go.id/b?utm_source=a&utm_medium=b&utm_campaign=c&utm_content=d"),
    ("'https://ex.go.id/b' | utm(source='sms', medium='text', campaign='c1', content='v2', "
     "term='gratis')",
     "https://ex.go.id/b?utm_source=sms&utm_medium=text&utm_campaign=c1&utm_content=v2"
     "&utm_term=gratis"),
    ("'https://ex.go.id/b' | utm(content='a b&c')",
     "https://ex.go.id/b?utm_source=x-ministry&utm_medium=social&utm_campaign=booster-2026"
     "&utm_content=a+b%26c"),
    ("vars.landing_url | utm", f"https://example.go.id/booster?{UTM}"),
])
def test_utm(ws, expr, expected):
    assert render(ws, post(text="{{ " + expr + " }}")).parts == [expected]


@pytest.mark.parametrize("expr, expected", [
    ("when | date_long", "Selasa, 1 Desember 2026"),
    ("when | date_long('id')", "Selasa, 1 Desember 2026"),
    ("when | date_long('en')", "Tuesday, 1 December 2026"),
    ("when | date_short", "1 Des 2026"),
    ("when | date_short('en')", "1 Dec 2026"),
    ("when | time", "09.00"),
    ("when | time('en')", "09:00"),
    ("'2026-08-17' | date_long", "Senin, 17 Agustus 2026"),
    ("'2026-08-17' | date_short('en')", "17 Aug 2026"),
    ("'2026-08-17T16:05' | time", "16.05"),
])
def test_date_filters(ws, expr, expected):
    assert render(ws, post(text="{{ " + expr + " }}"), FB).parts == [expected]


def test_time_is_shown_in_the_occurrence_zone(ws):
    jayapura = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Asia/Jayapura"))  # WIT, 14:30 UTC
    out = render(ws, post(text="{{ when | date_short }} {{ when | time }}"), FB, at=jayapura)
    assert out.parts == ["1 Des 2026 23.30"]


@pytest.mark.parametrize("expr, fragment", [
    ("'soon' | date_long", "date_long needs a date or time, got 'soon'"),
    ("when | date_long('zz')", "unknown language 'zz'"),
    ("'2026-08-17' | time", "time needs a time of day"),
])
def test_filter_misuse_is_a_render_error(ws, expr, fragment):
    err = render_error(ws, post(text="{{ " + expr + " }}", marks={"text": Mark(YAML, 14)}))
    assert fragment in err.problem.message
    assert (err.problem.file, err.problem.line) == (YAML, 14)


# --- errors ------------------------------------------------------------------------------


def test_undefined_variable_names_template_file_and_line(ws):
    write(ws.root, {"templates/announcement.j2":
                    "Halo {{ vars.hotline }}\n{% if true %}\n  Datang ke {{ vars.venue }}\n"
                    "{% endif %}\n"})
    err = render_error(ws, post(template="announcement"))
    assert (err.problem.file, err.problem.line) == ("templates/announcement.j2", 3)
    assert err.problem.code == "undefined-variable"
    assert "vars.venue" in err.problem.message
    assert err.one_line().startswith("templates/announcement.j2:3: error: undefined variable")
    assert isinstance(err, CampaignctlError)


def test_undefined_top_level_name(ws):
    write(ws.root, {"templates/a.j2": "\n\n\n\n{{ venue }}"})
    err = render_error(ws, post(template="a"))
    assert (err.problem.file, err.problem.line) == ("templates/a.j2", 5)
    assert "venue" in err.problem.message


def test_undefined_in_an_included_template_names_that_file(ws):
    write(ws.root, {"templates/a.j2": "top\n{% include 'parts/footer.j2' %}\n",
                    "templates/parts/footer.j2": "ok\nok\n{{ vars.nope }}\n"})
    err = render_error(ws, post(template="a"))
    assert (err.problem.file, err.problem.line) == ("templates/parts/footer.j2", 3)


def test_undefined_in_inline_text_points_at_the_yaml(ws):
    p = post(text="Halo\n{{ vars.venue }}", marks={"text": Mark(YAML, 30)})
    err = render_error(ws, p)
    assert (err.problem.file, err.problem.line) == (YAML, 30)
    assert "venue" in err.problem.message and "line 2 of the inline text" in err.problem.message


def test_undefined_in_a_var_points_at_the_var(ws):
    p = post(text="{{ vars.a }}", vars={"a": "{{ vars.missing }}"},
             marks={"vars.a": Mark(YAML, 40), "text": Mark(YAML, 41)})
    err = render_error(ws, p)
    assert (err.problem.file, err.problem.line) == (YAML, 40)
    assert "missing" in err.problem.message


def test_undefined_in_alt_text_points_at_the_media_item(ws):
    p = post(text="x", media=[Media(Path("media/poster.png"), alt="{{ vars.nope }}",
                                    mark=Mark(YAML, 50))])
    err = render_error(ws, p)
    assert (err.problem.file, err.problem.line) == (YAML, 50)


def test_syntax_error_line_in_a_template_file(ws):
    # An unclosed block: Jinja points at the block that needs closing.
    write(ws.root, {"templates/a.j2": "one\ntwo\n{% if vars.x %}\nfour\n"})
    err = render_error(ws, post(template="a"))
    assert (err.problem.file, err.problem.line) == ("templates/a.j2", 3)
    assert err.problem.code == "template-syntax"
    assert "endif" in err.problem.message


def test_syntax_error_line_in_the_middle_of_a_template(ws):
    write(ws.root, {"templates/a.j2": "one\n{{ vars.x | }}\nthree\n"})
    err = render_error(ws, post(template="a"))
    assert (err.problem.file, err.problem.line) == ("templates/a.j2", 2)


def test_syntax_error_in_inline_text(ws):
    err = render_error(ws, post(text="ok\n{{ oops ", marks={"text": Mark(YAML, 9)}))
    assert (err.problem.file, err.problem.line) == (YAML, 9)
    assert err.problem.code == "template-syntax"


def test_broken_template_is_reported_on_every_render_without_recompiling(ws):
    write(ws.root, {"templates/a.j2": "{% if %}"})
    r = Renderer(ws)
    p = post(template="a")
    c = campaign(p)
    for day in (1, 8):
        with pytest.raises(RenderError) as info:
            r.render(c, p, occ(WHEN.replace(day=day)), X)
        assert info.value.problem.file == "templates/a.j2"


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ self.__init__.__globals__ }}",
    "{{ vars.__class__ }}",
    "{{ when.__class__.__subclasses__() }}",
    "{{ (vars|attr('__class__')) }}",
    "{{ '{0.__class__}'.format(vars) }}",
    "{{ vars.update({'hotline': 'x'}) }}",
    "{{ range.__self__ }}",
    "{{ 'a' * 100000000 }}",
    "{% for i in range(100000000) %}{% endfor %}",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_escape_attempts_are_render_errors_that_leak_nothing(ws, text):
    p = post(text=text, marks={"text": Mark(YAML, 60)})
    err = render_error(ws, p)
    line = err.one_line()
    assert line.startswith(f"{YAML}:60: error: ")
    assert err.problem.code in ("template-unsafe", "undefined-variable", "template-error")
    for leak in ("<function", "<class", "<module", "object at 0x", "builtins", "Traceback",
                 "jinja2", "site-packages", "popen", "'str' object", "__mro__"):
        assert leak not in line, (leak, line)
    assert "\n" not in line
    assert err.__cause__ is None and err.__suppress_context__


def test_unsafe_attribute_message(ws):
    err = render_error(ws, post(text="{{ cycler.__init__.__globals__ }}"))
    assert err.problem.message == "template uses an unsafe attribute __init__"
    assert err.problem.code == "template-unsafe"


def test_cached_context_cannot_be_mutated_by_a_template(ws):
    r = Renderer(ws)
    p = post(text="{% set _ = vars.pop('hotline', None) %}{{ vars.hotline }}")
    with pytest.raises(RenderError):
        r.render(campaign(p), p, occ(), X)
    ok = post(id="other", text="{{ vars.hotline }}")
    assert r.render(campaign(ok), ok, occ(post_id="other"), X).parts == ["119"]


def test_runtime_error_is_located_and_short(ws):
    write(ws.root, {"templates/a.j2": "a\nb\n{{ 1 / 0 }}"})
    err = render_error(ws, post(template="a"))
    assert (err.problem.file, err.problem.line) == ("templates/a.j2", 3)
    assert err.problem.message == "template failed: division by zero"


def test_post_without_template_or_text(ws):
    err = render_error(ws, post())
    assert err.problem.code == "template-missing"
    assert (err.problem.file, err.problem.line) == (YAML, 12)


def test_jinja_globals_work_in_every_string(ws):
    p = post(text="{{ vars.c }} {{ vars.p }} {{ range(2) | list }}",
             vars={"p": "{{ range(3) | list | length }}"},
             media=[Media(Path("media/poster.png"), alt="{{ range(4) | list | length }}")])
    out = render(ws, p, FB, campaign(p, vars={"c": "{{ range(1) | list }}"}))
    assert out.parts == ["[0] 3 [0, 1]"]
    assert out.media[0].alt == "4"


# --- caching never mixes up posts, channels or occurrences -------------------------------------


def test_post_vars_reading_the_channel_differ_per_channel(ws):
    p = post(text="{{ vars.tag }}", vars={"tag": "via {{ channel.name }}"},
             media=[Media(Path("media/poster.png"), alt="on {{ channel.platform }}")])
    c, r = campaign(p), Renderer(ws)
    a, b = r.render(c, p, occ(), X), r.render(c, p, occ(), FB)
    assert (a.parts, b.parts) == (["via x-ministry"], ["via fb-ministry"])
    assert (a.media[0].alt, b.media[0].alt) == ("on x", "on facebook")


def test_alt_reading_the_channel_with_plain_vars(ws):
    p = post(text="x", media=[Media(Path("media/poster.png"), alt="{{ channel.name }}")])
    c, r = campaign(p), Renderer(ws)
    assert [r.render(c, p, occ(), acct).media[0].alt for acct in (X, X2)] == [
        "x-ministry", "x-province"]


def test_campaign_vars_reading_the_post_differ_per_post(ws):
    p1 = post(id="a", text="{{ vars.link }}")
    p2 = post(id="b", text="{{ vars.link }}")
    c = campaign(p1, p2, vars={"link": "https://ex.go.id/{{ post.id }}"})
    r = Renderer(ws)
    assert r.render(c, p1, occ(post_id="a"), X).parts == ["https://ex.go.id/a"]
    assert r.render(c, p2, occ(post_id="b"), X).parts == ["https://ex.go.id/b"]


def test_options_reading_when_follow_each_occurrence(ws):
    p = post(text="x", options={"youtube": {"title": "Booster {{ when | date_short }}"}})
    c, r = campaign(p), Renderer(ws)
    titles = [r.render(c, p, occ(WHEN.replace(day=d)), YT).options["title"] for d in (1, 2)]
    assert titles == ["Booster 1 Des 2026", "Booster 2 Des 2026"]


def test_alt_reading_when_follows_each_occurrence(ws):
    p = post(text="x", media=[Media(Path("media/poster.png"), alt="{{ when | date_short }}")])
    c, r = campaign(p), Renderer(ws)
    alts = [r.render(c, p, occ(WHEN.replace(day=d)), FB).media[0].alt for d in (1, 2)]
    assert alts == ["1 Des 2026", "2 Des 2026"]


def test_rendered_posts_do_not_share_mutable_fields(ws):
    p = post(text="x", media=[Media(Path("media/poster.png"), alt="a")],
             options={"facebook": {"link": "https://ex.go.id"}})
    c, r = campaign(p), Renderer(ws)
    first = r.render(c, p, occ(), FB)
    first.media.clear()
    first.options["link"] = "changed"
    second = r.render(c, p, occ(), FB)
    assert len(second.media) == 1 and second.options == {"link": "https://ex.go.id"}
