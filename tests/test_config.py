"""config.py: channels.yaml and campaign files, every problem with its exact file:line."""

from __future__ import annotations

import json
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaignctl.config import (
    campaign_json_schema,
    channels_json_schema,
    load_campaigns,
    load_workspace,
    marks,
)
from campaignctl.errors import ConfigError

CHANNELS = """\
defaults:
  timezone: Asia/Jakarta
  catch_up: 1h30m
  blackouts:
    - {start: 2026-12-24 00:00, end: 2026-12-26 23:59, reason: Libur Natal}
ledger: sqlite:///.campaignctl/ledger.db
approvals: {required: true}
channels:
  x:
    platform: x
    sandbox: true
    rate_limit: 17/24h
    credentials:
      consumer_key: ${X_CONSUMER_KEY}
  facebook:
    platform: facebook
    approval_required: false
    options: {page_id: "123"}
    credentials:
      page_access_token: keyring:campaignctl/facebook
  youtube:
    platform: youtube
    base_url: http://127.0.0.1:9/youtube
  tiktok:
    platform: tiktok
"""

# The example of PRODUCT.md, verbatim: the contract.
PRODUCT_EXAMPLE = """\
campaign: booster-2026            # id: lowercase letters, digits, dashes
name: Vaksinasi Booster Gratis
timezone: Asia/Jakarta            # IANA; default from channels.yaml
channels: [x, facebook, youtube, tiktok]   # names defined in channels.yaml
vars:                             # visible to every template
  hotline: "119"
  landing_url: https://example.go.id/booster
blackouts:                        # no post goes out inside these (also global ones in channels.yaml)
  - {start: 2026-12-24 00:00, end: 2026-12-26 23:59, reason: Libur Natal}
posts:
  - id: launch
    at: 2026-12-01 09:00          # local time in the campaign's time zone
    template: announcement
    vars: {venue: Puskesmas Ubud}
    media:
      - {path: media/poster.png, alt: "Poster: booster gratis 1-7 Desember"}
  - id: weekly-reminder
    every: "0 9 * * mon"          # cron, in the campaign's time zone
    from: 2026-12-01
    until: 2026-12-29
    template: reminder
    channels: [x, facebook]       # overrides the campaign's list
  - id: explainer
    at: 2026-12-02 16:00
    template: explainer
    channels: [youtube, tiktok]
    media: [{path: media/explainer.mp4, alt: "..."}]
    options:                      # per-platform fields
      youtube: {title: "...", privacy: public, tags: [vaksin, booster]}
      tiktok: {privacy_level: PUBLIC_TO_EVERYONE}
"""

TEMPLATES = ["announcement.j2", "reminder.j2", "explainer/youtube.j2", "explainer/tiktok.j2"]


def make_workspace(root: Path, channels: str = CHANNELS) -> Path:
    (root / "campaigns").mkdir(parents=True)
    (root / "channels.yaml").write_text(channels)
    for name in TEMPLATES:
        path = root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{{ vars.hotline }}\n")
    return root


def write(root: Path, name: str, text: str) -> Path:
    path = root / "campaigns" / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def ws(tmp_path):
    return load_workspace(make_workspace(tmp_path / "ws"))


# --- channels.yaml ---------------------------------------------------------------------------

def test_workspace_fields(tmp_path):
    root = make_workspace(tmp_path / "ws")
    ws = load_workspace(root)
    assert ws.root == root
    assert ws.timezone == "Asia/Jakarta"
    assert ws.catch_up_seconds == 5400
    assert ws.ledger_url == "sqlite:///.campaignctl/ledger.db"
    assert ws.approval_required is True
    assert ws.channels_file == root / "channels.yaml"
    assert sorted(ws.accounts) == ["facebook", "tiktok", "x", "youtube"]
    x = ws.accounts["x"]
    assert (x.platform, x.sandbox) == ("x", True)
    assert x.credentials == {"consumer_key": "${X_CONSUMER_KEY}"}
    assert x.rate_limit == (17, 86400) and ws.accounts["facebook"].rate_limit is None
    assert x.mark is not None and (x.mark.file, x.mark.line) == ("channels.yaml", 9)
    fb = ws.accounts["facebook"]
    assert fb.options == {"page_id": "123"} and fb.approval_required is False
    assert ws.accounts["youtube"].base_url == "http://127.0.0.1:9/youtube"
    [blackout] = ws.blackouts
    jakarta = ZoneInfo("Asia/Jakarta")
    assert blackout.start == datetime(2026, 12, 24, 0, 0, tzinfo=jakarta)
    # An end given to the minute covers that whole minute.
    assert blackout.end == datetime(2026, 12, 26, 23, 59, 59, tzinfo=jakarta)
    assert blackout.reason == "Libur Natal" and blackout.mark.line == 5


def test_workspace_defaults_to_current_folder(tmp_path, monkeypatch):
    root = make_workspace(tmp_path / "ws", "channels: {}\n")
    monkeypatch.chdir(root)
    ws = load_workspace()
    assert ws.root == root and ws.timezone == "UTC" and ws.catch_up_seconds == 3600
    assert ws.accounts == {} and ws.approval_required is False


def test_missing_channels_yaml(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_workspace(tmp_path)
    assert "campaignctl init" in err.value.hint and "cd into your workspace" in err.value.hint


CHANNEL_ERRORS = [
    # (channels.yaml, line, fragment of message or hint)
    ("channels:\n  x:\n    platform: mastodn\n", 3, "unknown platform 'mastodn'"),
    ("channels:\n  x:\n    platfrom: x\n", 3, "did you mean platform?"),
    ("defaults:\n  timezone: Asia/Jakata\n", 2, "did you mean Asia/Jakarta?"),
    ("defaults:\n  catch_up: 3600\n", 2, "is not a duration"),
    ("defaults:\n  blackouts:\n    - {start: 2026-12-26 00:00, end: 2026-12-24 00:00}\n", 3,
     "ends before it starts"),
    ("defaults:\n  blackouts:\n    - {start: 2026-12-24 00:00}\n", 3, "end is missing"),
    ("approvals: {required: maybe}\n", 1, "must be true or false"),
    ("channels:\n  x:\n    platform: x\n    sandbox: yes please\n", 4, "true or false"),
    ("channels:\n  x:\n    platform: x\n    base_url: ftp://host\n", 4, "http(s) URL"),
    ("channels:\n  x/y:\n    platform: x\n", 2, "not a usable channel name"),
    ("channels:\n  x:\n    platform: x\n    rate_limit: 17 a day\n", 4, "17/24h"),
    ("channels:\n  x:\n    platform: x\n    rate_limit: 0/15m\n", 4, "is not a rate limit"),
    ("channels:\n  x:\n    platform: x\n    rate_limit: 100\n", 4, "is not a rate limit"),
    ("channels:\n  x:\n    sandbox: true\n", 2, "platform is missing"),
    ("ledgr: sqlite://\n", 1, "did you mean ledger?"),
    ("channels: [x, y]\n", 1, "must be a mapping"),
    ("channels:\n  x: {platform: x\n", 3, "YAML syntax error"),
    ("- just\n- a list\n", 1, "must be a mapping"),
    ("", 1, "is empty"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), CHANNEL_ERRORS)
def test_channels_yaml_errors(tmp_path, text, line, fragment):
    root = make_workspace(tmp_path / "ws", text)
    with pytest.raises(ConfigError) as err:
        load_workspace(root)
    assert err.value.exit_code == 2
    [problem] = err.value.problems
    assert (problem.file, problem.line) == ("channels.yaml", line)
    assert fragment in f"{problem.message} {problem.hint}"
    assert (err.value.file, err.value.line) == ("channels.yaml", line)
    assert err.value.one_line().startswith(f"channels.yaml:{line}: error: ")


SECRET = "AAAAsuperSecretToken1234567890"


@pytest.mark.parametrize("value", [SECRET, f'"{SECRET}"', "1234567890123", "$X_TOKEN"])
def test_secret_in_channels_yaml_is_refused_and_never_echoed(tmp_path, value):
    text = f"channels:\n  x:\n    platform: x\n    credentials:\n      access_token: {value}\n"
    root = make_workspace(tmp_path / "ws", text)
    with pytest.raises(ConfigError) as err:
        load_workspace(root)
    [problem] = err.value.problems
    assert problem.line == 5
    shown = " ".join([str(err.value), err.value.one_line(), repr(err.value),
                      repr(err.value.problems)])
    assert value.strip('"') not in shown
    if value != "1234567890123":  # an int is refused as "must be text", also without echo
        assert "never put a secret in channels.yaml" in problem.message


def test_channels_yaml_reports_every_problem_at_once(tmp_path):
    text = ("defaults:\n  timezone: Mars/Base\n"
            "channels:\n  x:\n    platform: x\n    credentials: {token: plain}\n"
            "  fb:\n    platform: facebok\n")
    root = make_workspace(tmp_path / "ws", text)
    with pytest.raises(ConfigError) as err:
        load_workspace(root)
    assert [p.line for p in err.value.problems] == [2, 6, 8]
    message = str(err.value)
    assert message.startswith("3 problems in channels.yaml")
    for line in (2, 6, 8):
        assert f"channels.yaml:{line}: error:" in message
    assert "plain" not in message


# --- campaign files: the valid round trip ---------------------------------------------------

def test_product_example_round_trip(ws):
    path = write(ws.root, "booster.yaml", PRODUCT_EXAMPLE)
    campaigns, problems = load_campaigns(ws)
    assert problems == []
    [c] = campaigns
    assert (c.id, c.name, c.timezone, c.path) == ("booster-2026", "Vaksinasi Booster Gratis",
                                                  "Asia/Jakarta", path)
    assert c.channels == ["x", "facebook", "youtube", "tiktok"]
    assert c.vars == {"hotline": "119", "landing_url": "https://example.go.id/booster"}
    [blackout] = c.blackouts
    assert blackout.end == datetime(2026, 12, 26, 23, 59, 59, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert blackout.mark.line == 9
    assert c.marks["timezone"].line == 3 and c.marks["blackouts.0"].line == 9
    assert str(c.marks["posts.1"]) == "campaigns/booster.yaml:17"

    launch, weekly, explainer = c.posts
    assert launch.at == datetime(2026, 12, 1, 9, 0) and launch.at.tzinfo is None
    assert launch.template == "announcement" and launch.vars == {"venue": "Puskesmas Ubud"}
    assert launch.channels is None and c.channels_for(launch) == c.channels
    [poster] = launch.media
    assert poster.path == Path("media/poster.png")
    assert poster.alt == "Poster: booster gratis 1-7 Desember"
    assert poster.mark.line == 16
    assert launch.mark.line == 11
    assert {k: m.line for k, m in launch.marks.items()} == {
        "id": 11, "at": 12, "template": 13, "vars": 14, "vars.venue": 14, "media": 15,
        "media.0": 16, "media.0.path": 16, "media.0.alt": 16}

    assert weekly.every == "0 9 * * mon" and weekly.at is None
    assert (weekly.from_date, weekly.until_date) == (date(2026, 12, 1), date(2026, 12, 29))
    assert weekly.channels == ["x", "facebook"]
    assert weekly.mark_of("until").line == 20 and weekly.mark_of("nothing").line == 17

    assert explainer.options == {"youtube": {"title": "...", "privacy": "public",
                                             "tags": ["vaksin", "booster"]},
                                 "tiktok": {"privacy_level": "PUBLIC_TO_EVERYONE"}}
    assert explainer.marks["options.youtube.title"].line == 29
    assert explainer.marks["options.tiktok"].line == 30
    assert explainer.priority == "normal"


def test_defaults_and_accepted_forms(ws):
    write(ws.root, "a.yml", """\
        campaign: a
        channels: [x]
        blackouts:
          - {start: 2026-12-31, end: 2027-01-01}
          - {start: "2026-11-01 10:00:00", end: 2026-11-01 11:00:30}
        posts:
          - {id: iso, at: "2026-12-01T09:00", text: "Hi {{ vars.x }}", priority: emergency}
          - {id: yaml-ts, at: 2026-12-01 09:00:05, text: hi}
          - {id: str-dates, every: "30 8 1 * *", from: "2026-12-01", until: "2026-12-01", text: =}
        """)
    [c], problems = load_campaigns(ws)
    assert problems == []
    assert c.name == "a" and c.timezone == "Asia/Jakarta"  # from channels.yaml
    jakarta = ZoneInfo("Asia/Jakarta")
    day, precise = c.blackouts
    assert (day.start, day.end) == (datetime(2026, 12, 31, tzinfo=jakarta),
                                    datetime(2027, 1, 1, 23, 59, 59, tzinfo=jakarta))
    assert precise.end == datetime(2026, 11, 1, 11, 0, 30, tzinfo=jakarta)
    iso, ts, dates = c.posts
    assert iso.at == datetime(2026, 12, 1, 9, 0) and iso.priority == "emergency"
    assert ts.at == datetime(2026, 12, 1, 9, 0, 5)
    assert dates.from_date == dates.until_date == date(2026, 12, 1) and dates.text == "="


def test_template_lookup_per_channel(ws):
    # explainer exists only as explainer/youtube.j2 and explainer/tiktok.j2; they read no
    # var, since this campaign defines none and a file that is no campaign has its
    # templates read for undefined names
    for name in ("youtube", "tiktok"):
        (ws.root / "templates" / "explainer" / f"{name}.j2").write_text("explainer\n")
    write(ws.root, "c.yaml", """\
        campaign: c
        channels: [youtube, x]
        posts:
          - id: ok
            at: 2026-12-01 09:00
            template: explainer
            channels: [youtube, tiktok]
          - id: missing-for-x
            at: 2026-12-01 09:00
            template: explainer
        """)
    campaigns, problems = load_campaigns(ws)
    assert campaigns == []
    [p] = problems
    assert (p.file, p.line, p.code) == ("campaigns/c.yaml", 10, "template")
    assert "no template file for x" in p.message
    assert p.hint == "create one of: templates/explainer/x.j2, templates/explainer.j2"


def test_template_without_known_channels_needs_the_shared_file(ws):
    write(ws.root, "c.yaml", """\
        campaign: c
        channels: [nope]
        posts:
          - {id: p, at: 2026-12-01 09:00, template: t}
        """)
    _, problems = load_campaigns(ws)
    assert [(p.line, p.code) for p in problems] == [(2, "unknown-channel"), (4, "template")]
    assert problems[1].message == "post p: template 't' not found"
    assert problems[1].hint == "create one of: templates/t.j2"


def test_a_misspelt_template_name_suggests_the_one_that_exists(ws):
    write(ws.root, "c.yaml", """\
        campaign: c
        channels: [youtube]
        posts:
          - {id: p, at: 2026-12-01 09:00, template: explainr}
        """)
    _, [problem] = load_campaigns(ws)
    assert problem.hint == "did you mean explainer?"  # a folder of per-channel files


def test_no_campaign_files(ws):
    assert load_campaigns(ws) == ([], [])


# --- campaign files: one problem each, exact line ---------------------------------------------

GOOD_POST = "  - id: p\n    at: 2026-12-01 09:00\n    text: hello\n"
HEAD = "campaign: c\nchannels: [x]\nposts:\n"

CAMPAIGN_ERRORS = [
    # (file text, line, fragment of message or hint, code)
    ("campaign: Booster_2026\nposts: []\n", 1, "is not a valid id", "invalid"),
    ("campaing: c\nposts: []\n", 1, "did you mean campaign?", "unknown-key"),
    ("campaign: c\ntimezone: Asia/Jakata\nposts: []\n", 2, "did you mean Asia/Jakarta?", "invalid"),
    ("campaign: c\nchannels: [x, facebok]\nposts: []\n", 2, "did you mean facebook?",
     "unknown-channel"),
    ("campaign: c\nvars: [a, b]\nposts: []\n", 2, "vars must be a mapping", "type"),
    ("campaign: c\nname: 2026\nposts: []\n", 2, "put quotes around the value", "type"),
    ("campaign: c\nposts: {a: 1}\n", 2, "posts must be a list", "type"),
    ("campaign: c\nchannels: [x]\nposts:\n" + GOOD_POST + "posts:\n" + GOOD_POST, 7,
     "duplicate key 'posts'", "duplicate"),
    ("campaign: c\n", 1, "posts is missing", "missing"),
    ("campaign: c\nblackouts:\n  - {start: 2026-12-02 00:00, end: 2026-12-01 00:00}\nposts: []\n",
     3, "ends before it starts", "blackout"),
    ("campaign: c\nblackouts:\n  - {start: 2026-12-02 00:00, end: 2026-12-03, resaon: x}\n"
     "posts: []\n",
     3, "did you mean reason?", "unknown-key"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n    tempalte: announcement\n", 6,
     "did you mean template?", "unknown-key"),
    (HEAD + "  - id: Bad Id\n    at: 2026-12-01 09:00\n    text: t\n", 4, "is not a valid id",
     "invalid"),
    (HEAD + "  - id: p\n    at: 2026-12-01\n    text: t\n", 5, "a date alone is not a time",
     "invalid"),
    (HEAD + "  - id: p\n    at: tomorrow 9am\n    text: t\n", 5, "is not a local date and time",
     "invalid"),
    (HEAD + "  - id: p\n    at: 2026-12-01 25:00\n    text: t\n", 5, "is not a local date and time",
     "invalid"),
    (HEAD + "  - id: p\n    at: 2026-12-01T09:00:00+07:00\n    text: t\n", 5,
     "remove the UTC offset", "invalid"),
    (HEAD + "  - id: p\n    at: 2026-02-30 09:00:00\n    text: t\n", 5,
     "is not a local date and time", "invalid"),
    (HEAD + "  - id: p\n    every: 0 9 * *\n    text: t\n", 5, "not a 5-field cron", "invalid"),
    (HEAD + "  - id: p\n    every: \"61 9 * * *\"\n    text: t\n", 5,
     "the minute field '61' is not valid", "invalid"),
    (HEAD + "  - id: p\n    every: \"0 9 * * mun\"\n    text: t\n", 5,
     "the day-of-week field 'mun' is not valid", "invalid"),
    (HEAD + "  - id: p\n    every: \"0 9 31 13 *\"\n    text: t\n", 5,
     "the month field '13' is not valid", "invalid"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n    every: 0 9 * * mon\n    text: t\n", 6,
     "both `at` and `every`", "schedule"),
    (HEAD + "  - id: p\n    text: t\n", 4, "has no time", "schedule"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n    until: 2026-12-05\n    text: t\n", 6,
     "only applies to `every`", "schedule"),
    (HEAD + "  - id: p\n    every: 0 9 * * mon\n    from: 2026-12-05\n    until: 2026-12-01\n"
            "    text: t\n", 7, "is before `from`", "schedule"),
    (HEAD + "  - id: p\n    every: 0 9 * * mon\n    from: 2026-12-05 10:00\n    text: t\n", 6,
     "is not a date", "invalid"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n    template: announcement\n    text: t\n", 7,
     "both `template` and `text`", "content"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n", 4, "has no content", "content"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n    template: nope\n", 6,
     "templates/nope.j2", "template"),
    (HEAD + "  - id: p\n    at: 2026-12-01 09:00\n    template: ../etc/passwd\n", 6,
     "is not a template name", "invalid"),
    (HEAD + GOOD_POST + "    channels: [x, tiktk]\n", 7, "did you mean tiktok?",
     "unknown-channel"),
    (HEAD + GOOD_POST + "    channels: []\n", 7, "`channels` is empty", "invalid"),
    ("campaign: c\nchannels: [nope]\nposts:\n"
     "  - {id: p, at: 2026-12-01 09:00, template: announcement}\n",
     2, "channels in channels.yaml: facebook, tiktok, x, youtube", "unknown-channel"),
    ("campaign: c\nposts:\n" + GOOD_POST, 3, "has no channels", "invalid"),
    (HEAD + GOOD_POST + "    media:\n      - {path: 12, alt: x}\n", 8, "path must be text",
     "type"),
    (HEAD + GOOD_POST + "    media: [poster.png]\n", 7, "must be a mapping", "type"),
    (HEAD + GOOD_POST + "    media:\n      - {path: a.png, atl: x}\n", 8, "did you mean alt?",
     "unknown-key"),
    (HEAD + GOOD_POST + "    options:\n      youtub: {title: t}\n", 8, "did you mean youtube?",
     "unknown-key"),
    (HEAD + GOOD_POST + "    options:\n      x:\n        reply_setting: following\n", 9,
     "did you mean reply_settings?", "unknown-key"),
    (HEAD + GOOD_POST + "    options:\n      x: private\n", 8, "must be a mapping", "type"),
    (HEAD + GOOD_POST + "    priority: urgent\n", 7, "'normal' or 'emergency'", "invalid"),
    (HEAD + GOOD_POST + "    vars: {hotline: 1, hotline: 2}\n", 7, "duplicate key", "duplicate"),
    (HEAD + GOOD_POST + GOOD_POST, 7, "used twice", "duplicate"),
    (HEAD + "  - launch\n", 4, "posts.0 must be a mapping", "type"),
    (HEAD + GOOD_POST + "  -\n", 7, "posts.1 must be a mapping", "type"),
    ("campaign: c\nname: !vault x\nposts: []\n", 2, "unsupported YAML tag", "yaml"),
    (HEAD + GOOD_POST + "   bad: indent\n", 7, "YAML syntax error", "yaml"),
    ("campaign: c\nposts: [\n", 3, "YAML syntax error", "yaml"),
    ("campaign: a\n---\ncampaign: b\n", 2, "YAML syntax error", "yaml"),
    ("", 1, "the campaign file is empty", "empty"),
    ("# only a comment\n", 1, "the campaign file is empty", "empty"),
    ("- campaign: c\n", 1, "must be a mapping", "type"),
]


@pytest.mark.parametrize(("text", "line", "fragment", "code"), CAMPAIGN_ERRORS,
                         ids=[f"{i}:{c[2][:30]}" for i, c in enumerate(CAMPAIGN_ERRORS)])
def test_campaign_error_has_exact_line(ws, text, line, fragment, code):
    (ws.root / "campaigns" / "c.yaml").write_text(text)
    campaigns, problems = load_campaigns(ws)
    errors = [p for p in problems if p.is_error]
    assert len(errors) == 1, [p.one_line() for p in problems]
    [p] = errors
    assert (p.file, p.line, p.code) == ("campaigns/c.yaml", line, code), p.one_line()
    assert fragment in f"{p.message} {p.hint}", p.one_line()
    assert campaigns == []  # a campaign with an error is left out


def test_every_problem_at_once_across_posts_and_files(ws):
    write(ws.root, "a.yaml", """\
        campaign: a
        chanels: [x]
        posts:
          - id: one
            at: 2026-12-01 09:00
            tempalte: announcement
          - id: two
            at: 2026-12-01 09:00
            text: t
            channels: [facebok]
          - id: three
            every: "bad"
            text: t
            channels: [x]
        """)
    write(ws.root, "b.yaml", "campaign: b\nchannels: [x]\nposts:\n" + GOOD_POST)
    write(ws.root, "c.yaml", "campaign: b\nchannels: [x]\nposts:\n" + GOOD_POST)
    campaigns, problems = load_campaigns(ws)
    assert [(p.file, p.line) for p in problems] == [
        ("campaigns/a.yaml", 2), ("campaigns/a.yaml", 6), ("campaigns/a.yaml", 10),
        ("campaigns/a.yaml", 12), ("campaigns/c.yaml", 1)]
    assert "did you mean channels?" in problems[0].hint
    assert "already used by campaigns/b.yaml" in problems[4].message
    assert [c.id for c in campaigns] == ["b"]


def test_files_outside_workspace_and_given_explicitly(ws, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("campaign: c\nchannels: [nope]\nposts: []\n")
    inside = write(ws.root, "in.yaml", "campaign: d\nchannels: [nope]\nposts: []\n")
    _, problems = load_campaigns(ws, [outside, inside.resolve()])
    errors = [p for p in problems if p.is_error]
    assert [(p.file, p.line) for p in errors] == [(str(outside), 2), ("campaigns/in.yaml", 2)]


def test_warnings_do_not_exclude(ws):
    write(ws.root, "w.yaml", HEAD + GOOD_POST + "    options:\n      youtube: {title: t}\n")
    write(ws.root, "z.yaml", "campaign: z\nposts: []\n")
    campaigns, problems = load_campaigns(ws)
    assert [c.id for c in campaigns] == ["c", "z"]
    assert [(p.severity, p.line) for p in problems] == [("warning", 8), ("warning", 2)]
    assert "no youtube channel" in problems[0].message


def test_merge_keys_and_anchors(ws):
    write(ws.root, "m.yaml", """\
        campaign: m
        channels: [x]
        posts:
          - &base {id: one, at: 2026-12-01 09:00, text: t}
          - <<: *base
            id: two
        """)
    [c], problems = load_campaigns(ws)
    assert problems == []
    assert [(p.id, p.text) for p in c.posts] == [("one", "t"), ("two", "t")]


def test_alias_bombs_are_refused(ws, monkeypatch):
    monkeypatch.setattr(marks, "_MAX_COLLECTIONS", 20_000)  # the real limit, 200,000, is slow
    laughs = ["campaign: c", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    laughs += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    write(ws.root, "bomb.yaml", "\n".join(laughs) + "\nposts: []\n")
    write(ws.root, "loop.yaml", "campaign: loop\nposts: &p [*p]\n")
    campaigns, problems = load_campaigns(ws)
    assert campaigns == []
    assert [(p.file, p.line) for p in problems] == [("campaigns/bomb.yaml", 1),
                                                    ("campaigns/loop.yaml", 1)]
    assert all("aliases" in p.message for p in problems)


# --- JSON Schema ----------------------------------------------------------------------------

def _as_editor_sees(text: str):
    """YAML as an editor's JSON view: dates stay strings (YAML 1.2 has no timestamps)."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def test_schema_accepts_product_example():
    schema = campaign_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(_as_editor_sees(PRODUCT_EXAMPLE), schema,
                        cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("edit", [
    lambda d: d.update(tempalte="x"),
    lambda d: d["posts"][0].update(tempalte="x"),
    lambda d: d["posts"][0]["media"][0].update(atl="x"),
    lambda d: d["posts"][2]["options"].update(youtub={}),
    lambda d: d["posts"][2]["options"]["youtube"].update(titel="x"),
    lambda d: d.update(campaign="Not An Id"),
    lambda d: d["posts"][0].update(at="tomorrow"),
    lambda d: d["posts"][0].update(priority="urgent"),
])
def test_schema_rejects_unknown_keys_and_bad_values(edit):
    data = _as_editor_sees(PRODUCT_EXAMPLE)
    edit(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, campaign_json_schema(), cls=jsonschema.Draft202012Validator)


def _example_channels():
    root = Path(__file__).resolve().parent.parent
    return [_as_editor_sees(CHANNELS), _as_editor_sees((root / "channels.yaml").read_text())]


def test_channels_schema_accepts_the_examples():
    schema = channels_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for data in _example_channels():
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("edit", [
    lambda d: d.update(defualts={}),
    lambda d: d["defaults"].update(catch_up=3600),  # needs a unit, as the loader says
    lambda d: d["defaults"].update(catch_up="an hour"),
    lambda d: d["channels"]["x"].update(platform="twitter"),
    lambda d: d["channels"]["x"].update(sandbx=True),
    lambda d: d["channels"]["x"]["credentials"].update(access_token="AAAA-the-secret-itself"),
    lambda d: d["channels"].update({"bad name": {"platform": "x"}}),
    lambda d: d["channels"].update({"fb2": {"sandbox": True}}),  # no platform
])
def test_channels_schema_rejects_what_the_loader_rejects(edit, tmp_path):
    data = _example_channels()[1]
    edit(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, channels_json_schema(), cls=jsonschema.Draft202012Validator)
    # The editor and `validate` agree: the loader refuses the same file.
    (tmp_path / "channels.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError):
        load_workspace(tmp_path)


# --- speed ----------------------------------------------------------------------------------

def test_big_campaign_loads_with_marks(ws):
    body = "".join(f"  - id: p{i}\n    at: 2026-12-01 09:00\n    text: t\n" for i in range(2000))
    write(ws.root, "big.yaml", HEAD + body)
    [c], problems = load_campaigns(ws)
    assert problems == [] and len(c.posts) == 2000
    assert c.posts[-1].marks["at"].line == 4 + 3 * 1999 + 1
    assert c.posts[0].at + timedelta(0) == datetime(2026, 12, 1, 9)


def test_loading_imports_no_platform_sdk(ws):
    """validate must stay offline and fast: config pulls in no SDK, even for options checks."""
    import subprocess
    import sys

    write(ws.root, "booster.yaml", PRODUCT_EXAMPLE)
    code = ("import sys; from pathlib import Path; from campaignctl.config import *; "
            f"ws = load_workspace(Path({str(ws.root)!r})); "
            "cs, ps = load_campaigns(ws); assert len(cs) == 1 and not ps, ps; "
            "print(sorted(m for m in ('tweepy', 'facebook', 'googleapiclient', 'google.auth') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_the_init_example_workspace_is_valid(tmp_path):
    import shutil

    import campaignctl

    root = tmp_path / "ws"
    shutil.copytree(Path(campaignctl.__file__).parent / "init_template", root)
    ws = load_workspace(root)
    campaigns, problems = load_campaigns(ws)
    assert problems == [] and [c.id for c in campaigns] == ["layanan-kesehatan-gratis"]
    assert ws.timezone == campaigns[0].timezone == "Asia/Makassar"


_scalars = (st.none() | st.booleans() | st.integers(-5, 5) | st.dates()
            | st.sampled_from(["x", "0 9 * * mon", "2026-12-01 09:00", "announcement", "p-1", ""]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(["id", "at", "path", "alt", "x"]),
                                         inner, max_size=3), max_leaves=6)
_post_keys = ["id", "at", "every", "from", "until", "template", "text", "channels", "vars",
              "media", "options", "priority", "tempalte"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(posts=st.lists(st.dictionaries(st.sampled_from(_post_keys), _values, max_size=6),
                      max_size=3),
       head=st.dictionaries(st.sampled_from(["name", "timezone", "channels", "vars",
                                              "blackouts", "camp"]), _values, max_size=3))
def test_any_shape_gives_located_problems_never_a_crash(ws, posts, head):
    """Whatever the shape, loading returns (never raises) and every problem has file:line."""
    text = yaml.safe_dump({"campaign": "c", **head, "posts": posts}, sort_keys=False)
    (ws.root / "campaigns" / "c.yaml").write_text(text)
    campaigns, problems = load_campaigns(ws)
    for p in problems:
        assert p.file == "campaigns/c.yaml" and isinstance(p.line, int) and p.line >= 1
    assert bool(campaigns) != any(p.is_error for p in problems)


def test_loading_and_planning_restore_the_collector_thresholds(tmp_path: Path) -> None:
    """bulk_allocation raises the young threshold only for the block, also when it fails."""
    import gc

    from campaignctl.allocation import BULK_THRESHOLD, bulk_allocation
    from campaignctl.planner import build_plan
    from campaignctl.workspace import create_workspace

    before = gc.get_threshold()
    create_workspace(tmp_path / "ws")
    workspace = load_workspace(tmp_path / "ws")
    campaigns, _ = load_campaigns(workspace)
    assert build_plan(workspace, campaigns).entries
    assert gc.get_threshold() == before
    with pytest.raises(ZeroDivisionError):
        with bulk_allocation():
            assert gc.get_threshold()[0] == BULK_THRESHOLD
            with bulk_allocation():  # nested: left as the outer block set it
                assert gc.get_threshold()[0] == BULK_THRESHOLD
            assert gc.get_threshold()[0] == BULK_THRESHOLD
            1 / 0
    assert gc.get_threshold() == before


def test_a_password_in_base_url_is_refused_and_never_echoed(tmp_path):
    text = "channels:\n  x:\n    platform: x\n    base_url: https://ops:s3cr3t-pw@api.x.test/2\n"
    root = make_workspace(tmp_path / "ws", text)
    with pytest.raises(ConfigError) as err:
        load_workspace(root)
    [problem] = err.value.problems
    assert problem.line == 4 and "user name or password" in problem.message
    assert "credentials:" in problem.hint
    assert "s3cr3t-pw" not in problem.one_line() and "s3cr3t-pw" not in str(err.value)
