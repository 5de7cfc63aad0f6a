"""Reading campaign files: every problem of every file at once, each with file:line.

pydantic checks each file's shape (the campaign's own keys, then each post on its own, so
one bad post hides none of the others); the checks that need the workspace (channel names,
template files, option fields, exactly-one-of rules) run afterwards on whatever passed.
The templates and texts of a file that does not become a campaign are read here for
undefined names (those of campaigns are read by the plan, which renders them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..allocation import bulk_allocation
from ..channels import limits_for, platforms
from ..errors import Problem
from ..i18n import t
from ..models import Account, Campaign, Mark, Media, Post, Workspace
from ..template_check import NameCheck, ProblemSet, var_names_of
from .blackouts import _blackout_order, _blackouts
from .marks import _document, _line_of, _Tree
from .problems import _problems_from
from .specs import _CAMPAIGN_KEYS, _POST_KEYS, PostSpec, _CampaignHead
from .values import _did_you_mean, _show


@dataclass
class _Context:
    """What every campaign check needs from the workspace, computed once per load."""

    workspace: Workspace
    template_files: dict[Path, bool]
    template_answers: dict[tuple[str, tuple[str, ...]], Any]
    _template_names: list[str] | None = None
    names: NameCheck | None = None
    # Problems located in template files, each once, naming the posts that use it.
    in_templates: ProblemSet = field(default_factory=ProblemSet)

    def exists(self, path: Path) -> bool:
        found = self.template_files.get(path)
        if found is None:
            found = self.template_files[path] = path.is_file()
        return found

    def missing_templates(self, name: str, channels: list[str]
                          ) -> tuple[list[str], list[str]] | None:
        # Thousands of posts share a few (template, channels) pairs: answer each once.
        key = (name, tuple(channels))
        if key not in self.template_answers:
            self.template_answers[key] = _missing_templates(name, channels, self)
        return self.template_answers[key]

    def template_names(self) -> list[str]:
        """Every template name the workspace has (NAME.j2 files and NAME/ folders)."""
        if self._template_names is None:
            root = self.workspace.templates_dir
            found = set()
            if root.is_dir():
                for entry in root.iterdir():
                    if entry.is_dir() or entry.suffix == ".j2":
                        found.add(entry.stem if entry.is_file() else entry.name)
            self._template_names = sorted(found)
        return self._template_names


def load_campaigns(workspace: Workspace, files: list[Path] | None = None
                   ) -> tuple[list[Campaign], list[Problem]]:
    """Read and check campaign files (default: campaigns/*.yaml and *.yml, sorted).

    Returns the campaigns without errors, and every problem of every file at once.
    """
    if files is None:
        folder = workspace.campaigns_dir
        files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    ctx = _Context(workspace, {}, {})
    campaigns: list[Campaign] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in files:
        with bulk_allocation():
            campaign, found, draft = _load_campaign(Path(path), ctx)
        if campaign is not None and campaign.id in seen:
            found.append(Problem(
                t("campaign id {id!r} is already used by {other}", id=campaign.id,
                  other=seen[campaign.id]),
                campaign.marks["campaign"].file, campaign.marks["campaign"].line,
                t("give each campaign its own id"), code="duplicate"))
        if campaign is not None and not any(p.is_error for p in found):
            seen[campaign.id] = campaign.marks["campaign"].file
            campaigns.append(campaign)
        elif draft is not None:  # no plan will render it: read its templates here
            found += _check_names(draft, ctx)
        found.sort(key=lambda p: p.line or 0)
        problems += found
    return campaigns, problems + ctx.in_templates.items


def _display(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)


@dataclass
class _Draft:
    """What a file that may not become a campaign still tells about its posts' content."""

    data: dict[str, Any]
    tree: _Tree
    campaign_vars: list[str]
    campaign_channels: list[str] | None
    file: str


def _load_campaign(path: Path, ctx: _Context
                   ) -> tuple[Campaign | None, list[Problem], _Draft | None]:
    """One campaign file -> (the campaign if it could be built, its problems, what its posts
    read, when the file could be read)."""
    file = _display(path, ctx.workspace.root)
    node, problem = _document(
        path, file, t("the campaign file is empty"),
        t("a campaign file must be a mapping (campaign:, posts:, ...)"),
        t("start it with `campaign: my-campaign` and a `posts:` list"))
    if problem is not None:
        return None, [problem], None

    tree = _Tree(file, split="posts")
    marks: dict[str, Mark] = {}
    data = tree.values(node, marks)
    top = tree.mark(node)
    problems = list(tree.problems)
    if data is None:  # the walk gave up; its problem says why
        return None, problems, None

    head, wrong, kept, found = _validate_head(data, file, marks, top)
    problems += found
    if head is not None:
        problems += _check_head(head, ctx.workspace.accounts, file, marks, top, kept)

    # Even when the head is broken, check every post: users want all problems at once.
    raw_channels = data.get("channels") if head is None else head.channels
    campaign_channels = (raw_channels if isinstance(raw_channels, list)
                         and all(isinstance(c, str) for c in raw_channels) else None)
    # A post without channels is only a mistake if the campaign's own list is known.
    channels_known = head is not None and "channels" not in wrong
    posts, found = _load_posts(tree, data, campaign_channels, channels_known, ctx, file)
    problems += found
    draft = _Draft(data, tree, var_names_of(head.vars if head else data.get("vars")),
                   campaign_channels, file)

    if head is None or wrong:  # a head checked without its wrong keys is no campaign
        return None, problems, draft
    if not head.posts:
        problems.append(Problem(t("this campaign has no posts"), file,
                                _line_of(marks, ("posts",), top),
                                t("add at least one entry under `posts:`"),
                                severity="warning", code="empty"))
    tz = head.timezone or ctx.workspace.timezone
    campaign = Campaign(
        id=head.campaign, name=head.name or head.campaign, timezone=tz,
        channels=list(head.channels or []), posts=posts, vars=head.vars,
        blackouts=_blackouts(head.blackouts, tz, "blackouts", marks), path=path,
        mark=top, marks=marks,
    )
    return campaign, problems, draft


def _check_names(draft: _Draft, ctx: _Context) -> list[Problem]:
    """The undefined names in the text of every post, and in the template of every post with
    a known channel, even a post that is itself wrong: those in the file (inline texts) are
    returned; those in template files go to ``ctx.in_templates``."""
    names = ctx.names = ctx.names or NameCheck(ctx.workspace.root)
    accounts = ctx.workspace.accounts
    label = draft.data.get("campaign")
    label = label if isinstance(label, str) else Path(draft.file).stem
    in_file = ProblemSet()
    for i, (item_mark, marks) in enumerate(draft.tree.items):
        raw = draft.data["posts"][i]
        if not isinstance(raw, dict):
            continue
        known = {"campaign_vars": draft.campaign_vars,
                 "post_vars": var_names_of(raw.get("vars"))}
        text, template = raw.get("text"), raw.get("template")
        if isinstance(text, str):  # a post with both renders its text
            in_file.add(names.problems(text=text, mark=marks.get("text") or item_mark, **known))
            continue
        if not isinstance(template, str):
            continue
        channels = raw.get("channels")
        if not (isinstance(channels, list) and all(isinstance(c, str) for c in channels)):
            channels = draft.campaign_channels or []
        post_id = raw.get("id") if isinstance(raw.get("id"), str) else f"posts.{i}"
        for channel in [c for c in channels if c in accounts]:  # each has its own file
            file = names.template_file(template, channel, accounts[channel].platform)
            if file is not None:
                ctx.in_templates.add(names.problems(template_file=file, **known),
                                     used_by=f"{label}/{post_id}")
    return in_file.items


def _validate_head(data: dict[str, Any], file: str, marks: dict[str, Mark], top: Mark
                   ) -> tuple[_CampaignHead | None, set[str], dict[str, list[int]],
                              list[Problem]]:
    """(head, the top-level keys that were wrong, where the head's list items were in the
    file's lists when some were left out, their problems).

    When some keys are wrong, the head is validated again without them (a wrong list item
    or var alone is left out, a wrong id or `posts:` replaced), so the checks that need the
    rest still run: the channel names, and every post with the workspace's time zone for a
    wrong one. Such a head is for checking only, never made into a campaign.
    """
    try:
        return _CampaignHead.model_validate(data), set(), {}, []
    except ValidationError as exc:
        problems = _problems_from(exc, file, marks, top, _CAMPAIGN_KEYS)
        errors = exc.errors(include_url=False)
    wrong = {str(err["loc"][0]) for err in errors if err["loc"]}
    salvaged, kept = _without(data, errors)
    try:
        head = _CampaignHead.model_validate(salvaged)
    except ValidationError:  # not expected: every wrong key is gone
        head = None
    return head, wrong, kept, problems


def _without(data: dict[str, Any], errors: list[Any]
             ) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """``data`` without what ``errors`` point at (the required keys get harmless values),
    and for each list that lost items, the file's index of each item left."""
    kept = dict(data)
    indexes: dict[str, list[int]] = {}
    drop: dict[str, set[Any]] = {}
    for err in errors:
        loc = err["loc"]
        if not loc or loc[0] not in kept:
            continue
        value = kept[loc[0]]
        inner = loc[1] if len(loc) > 1 else None
        if loc[0] != "posts" and ((isinstance(value, list) and isinstance(inner, int))
                                  or (isinstance(value, dict) and inner in value)):
            drop.setdefault(loc[0], set()).add(inner)
        else:
            drop[loc[0]] = set()  # the whole key
    for key, parts in drop.items():
        value = kept.pop(key)
        if parts and isinstance(value, list):
            indexes[key] = [i for i in range(len(value)) if i not in parts]
            kept[key] = [value[i] for i in indexes[key]]
        elif parts:
            kept[key] = {k: v for k, v in value.items() if k not in parts}
    kept.setdefault("campaign", "campaign")
    kept.setdefault("posts", [])
    return kept, indexes


def _check_head(head: _CampaignHead, accounts: dict[str, Account], file: str,
                marks: dict[str, Mark], top: Mark, kept: dict[str, list[int]]
                ) -> list[Problem]:
    """The campaign's own channels exist, and its blackouts end after they start."""
    channels = head.channels or []
    where = kept.get("channels") or range(len(channels))
    found = [_unknown_channel(name, file, marks, f"channels.{i}", top, accounts)
             for i, name in zip(where, channels) if name not in accounts]
    return found + _blackout_order(head.blackouts, "blackouts", marks, file,
                                   kept.get("blackouts"))


def _load_posts(tree: _Tree, data: dict[str, Any], campaign_channels: list[str] | None,
                channels_known: bool, ctx: _Context, file: str) -> tuple[list[Post], list[Problem]]:
    """Every item of ``posts:`` that has a valid shape, and the problems of all of them."""
    posts: list[Post] = []
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    for i, (item_mark, post_marks) in enumerate(tree.items):
        post, found = _load_post(data["posts"][i], item_mark, post_marks, campaign_channels,
                                 channels_known, ctx, file, i)
        problems += found
        if post is None:
            continue
        if post.id in ids:
            problems.append(Problem(
                t("post id {id!r} is used twice in this campaign", id=post.id), file,
                post.mark_of("id").line, t("give each post its own id (first at line {line})",
                                           line=ids[post.id]), code="duplicate"))
        else:
            ids[post.id] = post.mark_of("id").line
        posts.append(post)
    return posts, problems


def _unknown_channel(name: str, file: str, marks: dict[str, Mark], key: str,
                     default: Mark | None, accounts: dict[str, Account]) -> Problem:
    choices = sorted(accounts)
    fallback = (t("channels in channels.yaml: {names}", names=", ".join(choices)) if choices
                else t("define it under `channels:` in channels.yaml"))
    return Problem(t("unknown channel {name!r}: it is not in channels.yaml", name=_show(name)),
                   file, _line_of(marks, tuple(key.split(".")), default),
                   _did_you_mean(name, choices, fallback), code="unknown-channel")


@dataclass
class _PostCheck:
    """A post whose shape is valid, and the problems its checks have found so far."""

    spec: PostSpec
    marks: dict[str, Mark]
    item_mark: Mark
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, message: str, key: str | None, hint: str, code: str = "invalid",
            severity: str = "error") -> None:
        """A problem of this post, at ``key``'s line (or the post's own)."""
        mark = self.marks.get(key) if key else None
        self.problems.append(Problem(t("post {id}: {message}", id=self.spec.id, message=message),
                                     self.file, (mark or self.item_mark).line, hint,
                                     severity=severity, code=code))


def _load_post(raw: Any, item_mark: Mark, marks: dict[str, Mark],
               campaign_channels: list[str] | None, channels_known: bool, ctx: _Context,
               file: str, index: int) -> tuple[Post | None, list[Problem]]:
    """One item of ``posts:`` -> (the Post if its shape is valid, its problems)."""
    try:
        spec = PostSpec.model_validate(raw)
    except ValidationError as exc:
        label = raw.get("id") if isinstance(raw, dict) else None
        prefix = (f"post {label}: " if isinstance(label, str) else f"posts.{index}: ")
        return None, _problems_from(exc, file, marks, item_mark, _POST_KEYS, prefix)

    check = _PostCheck(spec, marks, item_mark, file)
    accounts = ctx.workspace.accounts
    _check_schedule(check)
    _check_content(check)
    known = _check_channels(check, campaign_channels, channels_known, accounts)
    _check_template(check, known, ctx)
    _check_options(check, known, accounts)
    post = Post(
        id=spec.id, template=spec.template, text=spec.text, at=spec.at, every=spec.every,
        from_date=spec.from_, until_date=spec.until, channels=spec.channels, vars=spec.vars,
        media=[Media(path=Path(m.path), alt=m.alt, mark=marks.get(f"media.{i}"))
               for i, m in enumerate(spec.media)],
        options=spec.options, priority=spec.priority, mark=item_mark, marks=marks,
    )
    return post, check.problems


def _check_schedule(check: _PostCheck) -> None:
    """Exactly one of `at` and `every`; `from`/`until` only with `every`, in order."""
    spec, add = check.spec, check.add
    if spec.at is not None and spec.every is not None:
        add(t("has both `at` and `every`"), "every",
            t("keep `at` for one time or `every` for a repeating post"), "schedule")
    elif spec.at is None and spec.every is None:
        add(t("has no time"), None,
            t("add `at: 2026-12-01 09:00` or `every: \"0 9 * * mon\"`"), "schedule")
    if spec.every is None:
        for key in ("from", "until"):
            if key in check.marks:
                add(t("`{key}` only applies to `every`", key=key), key,
                    t("remove it, or make the post recurring with `every`"), "schedule")
    if spec.from_ and spec.until and spec.until < spec.from_:
        add(t("`until` ({until}) is before `from` ({start})", until=spec.until,
              start=spec.from_), "until", t("swap them"), "schedule")


def _check_content(check: _PostCheck) -> None:
    """Exactly one of `template` and `text`."""
    spec, add = check.spec, check.add
    if spec.template is not None and spec.text is not None:
        add(t("has both `template` and `text`"), "text",
            t("keep one: a template name or inline text"), "content")
    elif spec.template is None and spec.text is None:
        add(t("has no content"), None,
            t("add `template: NAME` (templates/NAME.j2) or inline `text:`"), "content")


def _check_channels(check: _PostCheck, campaign_channels: list[str] | None,
                    channels_known: bool, accounts: dict[str, Account]) -> list[str]:
    """The post's channels exist and it has some; returns those channels.yaml defines."""
    spec = check.spec
    if spec.channels is not None:
        if not spec.channels:
            check.add(t("`channels` is empty"), "channels",
                      t("list at least one channel, or remove the key to use the campaign's"))
        for i, name in enumerate(spec.channels):
            if name not in accounts:
                check.problems.append(_unknown_channel(name, check.file, check.marks,
                                                       f"channels.{i}", check.item_mark,
                                                       accounts))
    channels = spec.channels if spec.channels is not None else campaign_channels
    if channels is None and channels_known:
        check.add(t("has no channels"), None,
                  t("add `channels:` to the campaign or to this post"))
    return [c for c in channels or [] if c in accounts]


def _check_template(check: _PostCheck, known: list[str], ctx: _Context) -> None:
    """Each of the post's channels finds a file for its template."""
    template = check.spec.template
    if template is None:
        return
    missing = ctx.missing_templates(template, known)
    if not missing:
        return
    lacking, looked = missing
    create = t("create one of: {paths}", paths=", ".join(looked))
    names = ctx.template_names()
    if template not in names or not lacking:
        if template not in names:  # nothing by that name at all: likely a typo
            create = _did_you_mean(template, names, create)
        check.add(t("template {name!r} not found", name=template), "template", create,
                  "template")
    else:
        check.add(t("no template file for {channels}", channels=", ".join(lacking)),
                  "template", create, "template")


def _check_options(check: _PostCheck, known: list[str], accounts: dict[str, Account]) -> None:
    """`options` names known platforms and their fields, for platforms the post goes to."""
    add = check.add
    targets = {accounts[c].platform for c in known}
    all_platforms = platforms()
    for platform, fields in check.spec.options.items():
        key = f"options.{platform}"
        if platform not in all_platforms:
            add(t("unknown platform {name!r} under options", name=_show(platform)), key,
                _did_you_mean(platform, all_platforms,
                              t("use one of: {choices}", choices=", ".join(all_platforms))),
                "unknown-key")
            continue
        allowed = limits_for(platform).option_fields
        for name in fields:
            if name not in allowed:
                add(t("unknown {platform} option {name!r}", platform=platform,
                      name=_show(name)), f"{key}.{name}",
                    _did_you_mean(name, allowed, t("allowed: {keys}", keys=", ".join(allowed))),
                    "unknown-key")
        if known and platform not in targets:
            add(t("has {platform} options but no {platform} channel", platform=platform), key,
                t("add a {platform} channel or remove these options", platform=platform),
                "options", severity="warning")


def _missing_templates(name: str, channels: list[str], ctx: _Context
                       ) -> tuple[list[str], list[str]] | None:
    """(channels without a file, paths looked for), or None when every channel has one.

    A channel's file is templates/NAME/<account>.j2, then templates/NAME/<platform>.j2,
    then templates/NAME.j2. With no known channel, templates/NAME.j2 must exist.
    """
    root = ctx.workspace.templates_dir
    shared = root / f"{name}.j2"
    if not channels:
        return None if ctx.exists(shared) else ([], [_rel(shared, ctx)])
    lacking: list[str] = []
    looked: list[str] = []
    for channel in channels:
        platform = ctx.workspace.accounts[channel].platform
        candidates = [root / name / f"{channel}.j2"]
        if platform != channel:
            candidates.append(root / name / f"{platform}.j2")
        candidates.append(shared)
        if not any(ctx.exists(c) for c in candidates):
            lacking.append(channel)
            looked += [r for c in candidates if (r := _rel(c, ctx)) not in looked]
    return (lacking, looked) if lacking else None


def _rel(path: Path, ctx: _Context) -> str:
    return _display(path, ctx.workspace.root)
