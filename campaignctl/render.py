"""(campaign, post, occurrence, account) -> RenderedPost, through sandboxed, strict Jinja.

The only module that imports Jinja. Campaign files are written by people who are not
programmers and reviewed in pull requests, so templates run in Jinja's immutable
sandbox (no Python internals, no mutating the shared context) with StrictUndefined (a
misspelt variable is an error, never a silent blank).

Lookup for ``template: NAME`` on account CHANNEL of platform PLATFORM, first found wins:
``templates/NAME/CHANNEL.j2``, ``templates/NAME/PLATFORM.j2``, ``templates/NAME.j2``.

Speed: ``validate`` renders every (occurrence, channel) of every campaign on each CI
run, so everything that does not change between occurrences (template lookup and
compilation, the context, rendered vars, media types, options) is worked out once per
(post, channel) and reused; a render is then one Jinja call plus a strip. A Renderer
caches what it has read: make a new one after files change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from . import media as media_mod
from .channels import limits_for
from .errors import CampaignctlError, Problem, RenderError  # RenderError re-exported here
from .i18n import t
from .models import (
    TEMPLATE_NAMESPACES,
    Account,
    Campaign,
    Mark,
    Media,
    Occurrence,
    Post,
    RenderedPost,
    Workspace,
)
from .template_check import NameCheck, relative_to, syntax_problem, undefined_problem

__all__ = ["RenderError", "Renderer", "split_thread"]


class _FilterError(Exception):
    """Raised by our filters on bad input; turned into a RenderError at the template line."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --- filters -------------------------------------------------------------------------

_UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


def _ns_value(ctx: Context, name: str, key: str) -> str | None:
    ns = ctx.get(name)
    return ns.get(key) if isinstance(ns, dict) else None


@pass_context
def utm(ctx: Context, url: Any, source: str | None = None, medium: str | None = "social",
        campaign: str | None = None, content: str | None = None,
        term: str | None = None) -> str:
    """Add UTM tags to ``url``; existing query parameters, fragment and utm keys are kept."""
    url = str(url)  # an undefined url fails here, with its name
    parts = urlsplit(url)
    present = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    wanted = (
        ("utm_source", source or _ns_value(ctx, "channel", "name")),
        ("utm_medium", medium),
        ("utm_campaign", campaign or _ns_value(ctx, "campaign", "id")),
        ("utm_content", content or _ns_value(ctx, "post", "id")),
        ("utm_term", term),
    )
    added = [(k, str(v)) for k, v in wanted if v and k not in present]
    if not added:
        return url
    # Append rather than re-encode: the author's own query string stays byte for byte.
    query = parts.query + ("&" if parts.query else "") + urlencode(added)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


# Patterns that read naturally in each language; other babel locales use the same shapes.
_DATE_LONG = "EEEE, d MMMM y"  # Selasa, 1 Desember 2026 / Tuesday, 1 December 2026
_DATE_SHORT = "d MMM y"  # 1 Des 2026 / 1 Dec 2026
_TIME = {"id": "HH.mm"}  # Indonesian writes 09.00
_TIME_DEFAULT = "HH:mm"


@cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise _FilterError(t("unknown language {lang!r} for a date filter", lang=lang),
                           t("use lang=\"id\" or lang=\"en\"")) from exc


def _as_datetime(value: Any, filter_name: str) -> date | datetime | time:
    if isinstance(value, (date, time)):  # datetime is a date
        return value
    text = str(value)  # StrictUndefined raises here, naming the variable
    try:
        # "2026-08-17" is a day, not midnight: `time` must refuse it.
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise _FilterError(
            t("{filter} needs a date or time, got {value!r}", filter=filter_name, value=text),
            t("pass `when` or an ISO date such as 2026-12-01"),
        ) from None


def date_long(value: Any, lang: str = "id") -> str:
    """'Selasa, 1 Desember 2026' (id) / 'Tuesday, 1 December 2026' (en)."""
    return format_date(_as_datetime(value, "date_long"), _DATE_LONG, locale=_locale(lang))


def date_short(value: Any, lang: str = "id") -> str:
    """'1 Des 2026' (id) / '1 Dec 2026' (en)."""
    return format_date(_as_datetime(value, "date_short"), _DATE_SHORT, locale=_locale(lang))


def time_filter(value: Any, lang: str = "id") -> str:
    """'09.00' (id) / '09:00' (en), in the value's own time zone."""
    moment = _as_datetime(value, "time")
    if type(moment) is date:
        raise _FilterError(t("time needs a time of day, got the date {value}", value=moment),
                           t("pass `when` or a datetime"))
    return format_time(moment, _TIME.get(lang, _TIME_DEFAULT), locale=_locale(lang))


# --- the environment -----------------------------------------------------------------

_MAX_REPEAT = 100_000  # longest string/list a template may build with * (CI must not hang)


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, with dict namespaces read by key first and no runaway * or **."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        # campaign, post, channel and vars are dicts: `vars.items` must be the user's
        # var called "items", not dict.items.
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise SecurityError("exponent too large")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) \
                        and len(seq) * n > _MAX_REPEAT:
                    raise SecurityError("repetition too large")
        return super().call_binop(context, operator, left, right)


def _make_env(templates_dir: Path) -> _Environment:
    env = _Environment(
        loader=FileSystemLoader(str(templates_dir), encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        auto_reload=False,  # a Renderer lives for one command; skip the mtime check per call
    )
    env.filters.update(utm=utm, date_long=date_long, date_short=date_short, time=time_filter)
    return env


def _has_jinja(text: str) -> bool:
    return "{" in text and ("{{" in text or "{%" in text or "{#" in text)


def _scope(strings: list[str]) -> tuple[bool, bool, bool]:
    """(uses `when`, uses the channel, uses the post) for the Jinja among ``strings``.

    Conservative substring tests: a false positive only costs caching, never correctness.
    ``utm`` reads the channel, campaign and post from the context, so it counts as all.
    """
    when = channel = post = False
    for text in strings:
        if not _has_jinja(text):
            continue
        when = when or "when" in text
        uses_utm = "utm" in text
        channel = channel or uses_utm or "channel" in text
        post = post or uses_utm or "post" in text
    return when, channel, post


_THREAD_BREAK = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)


def split_thread(text: str) -> list[str]:
    """X text -> thread parts, split at lines holding only ``---``; stripped, empties dropped."""
    if "---" not in text:
        return [text] if text else []
    return [p for p in (part.strip() for part in _THREAD_BREAK.split(text)) if p]


@cache
def _threads(platform: str) -> bool:
    try:
        return limits_for(platform).thread
    except CampaignctlError:  # unknown platform: config/ reports it with its line
        return False


# --- the renderer --------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    """Everything about one (post, channel) that does not change between occurrences."""

    campaign: Campaign
    post: Post
    template: Template
    template_file: str | None  # relative to the workspace; None for inline text
    source_mark: Mark | None  # where inline text (or the post) is written
    base: dict[str, Any]  # the context but `channel` and `when` (static plans only)
    thread: bool
    static: bool  # no string depends on `when`: vars, media, options computed once
    media: list[Media] | None = None
    options: dict[str, Any] | None = None
    channel: dict[str, str] | None = None


@dataclass(slots=True)
class _Shared:
    """What one post renders to on every channel, when none of its strings read the channel."""

    campaign: Campaign
    post: Post
    when_free: bool  # no var, alt text or option string reads `when`
    base: dict[str, Any] | None = None  # campaign, post and vars; None: per channel
    media: list[Media] | None = None  # None: alt text reads the channel


class Renderer:
    """Renders posts for a workspace; cache-heavy, so build one per command."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._root = Path(workspace.root)
        self._templates_dir = self._root / "templates"
        self.env = _make_env(self._templates_dir)
        self._globals = dict(self.env.globals)
        self._types: dict[Path, tuple[str | None, str | None]] = {}  # path -> (kind, mime)
        self._strings: dict[str, Template] = {}
        self._lookups: dict[tuple[str, str, str], tuple[Template, str] | Problem] = {}
        self._plans: dict[tuple[str, str, str], _Plan] = {}
        self._shared: dict[tuple[str, str], _Shared] = {}
        # campaign id -> (campaign, its namespace with rendered vars, or None if those
        # vars read the post, channel or time)
        self._campaigns: dict[str, tuple[Campaign, dict[str, Any] | None]] = {}
        self._channels: dict[tuple[str, str], dict[str, str]] = {}
        self.names = NameCheck(self._root, self.env)

    # -- public ------------------------------------------------------------------------

    def name_problems(self, campaign: Campaign, post: Post, account: Account) -> list[Problem]:
        """Every undefined name of the post's template or text on ``account``, found without
        rendering, each as the render error would say it (a render stops at the first)."""
        if post.text is not None:
            return self.names.problems(text=post.text, mark=post.mark_of("text"),
                                       campaign_vars=campaign.vars, post_vars=post.vars)
        file = self.names.template_file(post.template or "", account.name, account.platform)
        if file is None:
            return []
        return self.names.problems(template_file=file, campaign_vars=campaign.vars,
                                   post_vars=post.vars)

    def render(self, campaign: Campaign, post: Post, occurrence: Occurrence,
               account: Account) -> RenderedPost:
        """The post exactly as it goes out on ``account`` at ``occurrence``; RenderError if not."""
        key = (campaign.id, post.id, account.name)
        plan = self._plans.get(key)
        if plan is None or plan.post is not post or plan.campaign is not campaign:
            plan = self._plans[key] = self._plan(campaign, post, account)
        when = occurrence.at
        if plan.static:
            ctx = {**plan.base, "channel": plan.channel, "when": when}
            media, options = plan.media, plan.options
        else:
            ctx = self._dynamic_context(campaign, post, account, when)
            media = self._media(post, ctx)
            options = self._options(campaign, post, account.platform, ctx)
        text = self._run(plan.template, ctx, plan.template_file, plan.source_mark).strip()
        parts = (split_thread(text) or [""]) if plan.thread else [text]
        assert media is not None and options is not None
        if account.platform == "youtube":
            options = {**options, "description": text or options.get("description", "")}
        return RenderedPost(
            campaign=campaign.id, post=post.id, channel=account.name,
            platform=account.platform, at=when, parts=parts, media=list(media),
            options=dict(options), template_file=plan.template_file, priority=post.priority,
        )

    # -- building a plan ---------------------------------------------------------------
    #
    # Three levels, each computed once: the campaign (its vars), the post (its vars and
    # media, shared by its channels), the channel (template, options). A level whose
    # strings read something more specific falls back to the next one down, and strings
    # that read `when` are rendered per occurrence.

    def _plan(self, campaign: Campaign, post: Post, account: Account) -> _Plan:
        if post.text is not None:
            text_mark = post.mark_of("text")
            template = self._string_template(post.text, text_mark)
            template_file = None
        else:
            template, template_file = self._lookup(post, account)
            text_mark = post.mark_of("template")
        platform = account.platform
        shared = self._shared_for(campaign, post)
        option_strings = _strings_in(post.options.get(platform))
        if platform == "youtube" and "title" not in (post.options.get(platform) or {}):
            option_strings.append(campaign.name)
        static = shared.when_free and not _scope(option_strings)[0]
        plan = _Plan(campaign, post, template, template_file, text_mark, {},
                     _threads(platform), static)
        if not static:
            return plan
        plan.channel = self._channel_ns(account)
        if shared.base is not None:
            # The post's context is shared by its channels (no per-plan copy: with 10,000
            # plans the copies cost more than they save); render() adds the channel.
            plan.base = shared.base
            full = {**shared.base, "channel": plan.channel}
        else:
            plan.base = full = self._dynamic_context(campaign, post, account, None)
            del full["when"]  # when_free: no string reads it
        plan.media = shared.media if shared.media is not None else self._media(post, full)
        plan.options = self._options(campaign, post, platform, full)
        return plan

    def _shared_for(self, campaign: Campaign, post: Post) -> _Shared:
        key = (campaign.id, post.id)
        shared = self._shared.get(key)
        if shared is not None and shared.post is post and shared.campaign is campaign:
            return shared
        campaign_ns = self._campaign_ns(campaign)
        var_strings = _strings_in(post.vars)
        alt_strings = [m.alt for m in post.media if m.alt]
        when_c = campaign_ns is None and _scope(_strings_in(campaign.vars))[0]
        when_v, channel_v, _ = _scope(var_strings)
        when_a, channel_a, _ = _scope(alt_strings)
        shared = _Shared(campaign, post, not (when_c or when_v or when_a))
        self._shared[key] = shared
        if not shared.when_free or campaign_ns is None or channel_v:
            return shared
        ctx: dict[str, Any] = {**self._globals, "campaign": campaign_ns,
                               "post": {"id": post.id, "vars": post.vars}}
        cvars = campaign_ns["vars"]
        ctx["vars"] = {**cvars, **post.vars}
        pvars = self._render_mapping(post.vars, ctx, lambda k: post.mark_of(f"vars.{k}"))
        ctx["post"] = {"id": post.id, "vars": pvars}
        ctx["vars"] = {**cvars, **pvars} if pvars else cvars
        shared.base = ctx
        if not channel_a:
            shared.media = self._media(post, ctx)
        return shared

    def _campaign_ns(self, campaign: Campaign) -> dict[str, Any] | None:
        """The ``campaign`` namespace with rendered vars, or None if they vary by post."""
        hit = self._campaigns.get(campaign.id)
        if hit is not None and hit[0] is campaign:
            return hit[1]
        when, channel, post = _scope(_strings_in(campaign.vars))
        ns: dict[str, Any] | None = None
        if not (when or channel or post):
            ns = {"id": campaign.id, "name": campaign.name, "timezone": campaign.timezone,
                  "vars": campaign.vars}
            ctx = {**self._globals, "campaign": ns, "vars": campaign.vars}
            ns = {**ns, "vars": self._render_mapping(campaign.vars, ctx, lambda k: (
                campaign.marks.get(f"vars.{k}") or campaign.mark))}
        self._campaigns[campaign.id] = (campaign, ns)
        return ns

    def _channel_ns(self, account: Account) -> dict[str, str]:
        key = (account.name, account.platform)
        ns = self._channels.get(key)
        if ns is None:
            ns = self._channels[key] = {"name": account.name, "platform": account.platform}
        return ns

    def _lookup(self, post: Post, account: Account) -> tuple[Template, str]:
        name = post.template or ""
        key = (name, account.name, account.platform)
        hit = self._lookups.get(key)
        if hit is None:
            hit = self._lookups[key] = self._find_template(name, post, account)
        if isinstance(hit, Problem):
            raise RenderError(hit)
        return hit

    def _find_template(self, name: str, post: Post,
                       account: Account) -> tuple[Template, str] | Problem:
        mark = post.mark_of("template")
        candidates = [f"{name}/{account.name}.j2", f"{name}/{account.platform}.j2",
                      f"{name}.j2"]
        if name and ".." not in name.split("/") and not name.startswith(("/", "\\")):
            for candidate in candidates:
                if (self._templates_dir / candidate).is_file():
                    try:
                        return self.env.get_template(candidate), f"templates/{candidate}"
                    except TemplateSyntaxError as exc:
                        return self._syntax_problem(exc, mark)
                    except TemplateNotFound:
                        continue
        if not name:
            return Problem(
                t("post {post} has neither a template nor text", post=post.id),
                mark.file if mark else None, mark.line if mark else None,
                hint=t("add `template: NAME` or `text: ...` to the post"),
                code="template-missing",
            )
        return Problem(
            t("template {name} not found for channel {channel}", name=name,
              channel=account.name),
            mark.file if mark else None, mark.line if mark else None,
            hint=t("create one of: {paths}",
                   paths=", ".join(f"templates/{c}" for c in candidates)),
            code="template-missing",
        )

    def _string_template(self, source: str, mark: Mark | None) -> Template:
        template = self._strings.get(source)
        if template is None:
            try:
                template = self.env.from_string(source)
            except TemplateSyntaxError as exc:
                raise RenderError(self._syntax_problem(exc, mark)) from None
            self._strings[source] = template
        return template

    # -- contexts ----------------------------------------------------------------------

    def _dynamic_context(self, campaign: Campaign, post: Post, account: Account,
                         when: datetime | None) -> dict[str, Any]:
        """The full template context, every var rendered for this channel and ``when``."""
        ctx: dict[str, Any] = {
            **self._globals,
            "campaign": {"id": campaign.id, "name": campaign.name,
                         "timezone": campaign.timezone, "vars": campaign.vars},
            "post": {"id": post.id, "vars": post.vars},
            "channel": self._channel_ns(account),
            "when": when,
        }
        # Campaign vars see the raw campaign vars; post vars see the rendered campaign vars
        # overlaid with the raw post vars: one pass each, no recursion to get lost in.
        ctx["vars"] = campaign.vars
        cvars = self._render_mapping(campaign.vars, ctx, lambda k: (
            campaign.marks.get(f"vars.{k}") or campaign.mark))
        ctx["vars"] = {**cvars, **post.vars}
        pvars = self._render_mapping(post.vars, ctx, lambda k: post.mark_of(f"vars.{k}"))
        ctx["campaign"] = {**ctx["campaign"], "vars": cvars}
        ctx["post"] = {**ctx["post"], "vars": pvars}
        ctx["vars"] = {**cvars, **pvars}
        return ctx

    def _render_mapping(self, values: Mapping[str, Any], ctx: dict[str, Any],
                        mark_of: Callable[[str], Mark | None]) -> dict[str, Any]:
        return {k: v if type(v) is str and not _has_jinja(v)
                else self._render_value(v, ctx, mark_of(k)) for k, v in values.items()}

    def _render_value(self, value: Any, ctx: dict[str, Any], mark: Mark | None) -> Any:
        if isinstance(value, str):
            if not _has_jinja(value):
                return value
            return self._run(self._string_template(value, mark), ctx, None, mark)
        if isinstance(value, list):
            return [self._render_value(v, ctx, mark) for v in value]
        if isinstance(value, dict):
            return {k: self._render_value(v, ctx, mark) for k, v in value.items()}
        return value

    def _media(self, post: Post, ctx: dict[str, Any]) -> list[Media]:
        out = []
        for i, item in enumerate(post.media):
            alt = item.alt
            if alt is not None:
                alt = self._render_value(alt, ctx, item.mark or post.mark_of(f"media.{i}.alt"))
            found = self._types.get(item.path)
            if found is None:
                path = item.path if item.path.is_absolute() else self._root / item.path
                found = self._types[item.path] = media_mod.type_of(path)
            kind, mime = found if found[1] is not None else (item.kind, item.mime)
            out.append(Media(item.path, alt, item.mark, kind, mime))
        return out

    def _options(self, campaign: Campaign, post: Post, platform: str,
                 ctx: dict[str, Any]) -> dict[str, Any]:
        raw = post.options.get(platform) or {}
        if not raw and platform != "youtube":
            return {}
        options = {k: self._render_value(v, ctx, post.mark_of(f"options.{platform}.{k}"))
                   for k, v in raw.items()}
        if platform == "youtube" and "title" not in options:
            options["title"] = self._render_value(campaign.name, ctx,
                                                  campaign.marks.get("name") or campaign.mark)
        return options

    # -- running a template and explaining its failures --------------------------------

    def _run(self, template: Template, ctx: dict[str, Any], template_file: str | None,
             mark: Mark | None) -> str:
        """Render with ``ctx``, which already holds the environment's globals.

        Every context here is built with the globals merged in once (they are the
        environment's: we never pass per-template globals), so this skips the two dict
        copies Template.render makes; on failure it does what Template.render does.
        """
        bare = ctx.get("vars")
        if bare:  # `{{ hotline }}` reads vars.hotline; the namespaces win (no var takes them)
            ctx = {**bare, **ctx}
        try:
            try:
                return "".join(template.root_render_func(template.new_context(ctx, shared=True)))
            except Exception:
                self.env.handle_exception()  # re-raises with template lines in the traceback
                raise  # not reached
        except CampaignctlError:
            raise
        except Exception as exc:  # every Jinja failure becomes one located line
            raise RenderError(self._explain(exc, template_file, mark, ctx)) from None

    def _explain(self, exc: Exception, template_file: str | None,
                 mark: Mark | None, ctx: Mapping[str, Any] | None = None) -> Problem:
        if isinstance(exc, TemplateSyntaxError):
            return self._syntax_problem(exc, mark)
        file, line, inline_line = self._where(exc, template_file, mark)
        within = t(" (line {n} of the inline text)", n=inline_line) if inline_line else ""
        if isinstance(exc, SecurityError):
            match = re.search(r"attribute '([^']+)'", str(exc))
            what = (t("template uses an unsafe attribute {attr}{within}",
                      attr=match.group(1), within=within) if match else
                    t("template tries something the sandbox does not allow{within}",
                      within=within))
            return Problem(what, file, line, code="template-unsafe",
                           hint=t("templates may only read campaign, post, channel, vars "
                                  "and when, and use filters"))
        if isinstance(exc, UndefinedError):
            ctx = ctx or {}
            return undefined_problem(self._root, _undefined_name(str(exc)), file, line,
                                     inline_line, ctx.get("vars") or {},
                                     [n for n in TEMPLATE_NAMESPACES if n in ctx])
        if isinstance(exc, _FilterError):
            return Problem(exc.message + within, file, line, hint=exc.hint,
                           code="template-error")
        if isinstance(exc, TemplateNotFound):
            return Problem(t("template includes {name}, which does not exist{within}",
                             name=exc.name, within=within), file, line,
                           code="template-missing",
                           hint=t("create templates/{name} or fix the name", name=exc.name))
        reason = re.sub(r" at 0x[0-9a-fA-F]+", "", str(exc)).splitlines()[0] if str(exc) \
            else type(exc).__name__
        return Problem(t("template failed: {reason}{within}", reason=reason, within=within),
                       file, line, code="template-error",
                       hint=t("fix the expression on that line"))

    def _where(self, exc: BaseException, template_file: str | None,
               mark: Mark | None) -> tuple[str | None, int | None, int | None]:
        """(file, line, line-in-inline-text) from the traceback's template frames."""
        found: tuple[str, int] | None = None
        tb = exc.__traceback__
        templates = str(self._templates_dir)
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name == "<template>" or name.startswith(templates):
                found = (name, tb.tb_lineno)  # innermost wins (an include's own line)
            tb = tb.tb_next
        if found is not None and found[0] != "<template>":
            return self._relative(found[0]), found[1], None
        # Inline text, a var or an option value: point at the YAML, and say the line
        # inside the string when it has more than one.
        inline = found[1] if found and found[1] > 1 else None
        if template_file is not None and found is None:
            return template_file, None, None
        return (mark.file if mark else None), (mark.line if mark else None), inline

    def _relative(self, filename: str) -> str:
        return relative_to(self._root, filename)

    def _syntax_problem(self, exc: TemplateSyntaxError, mark: Mark | None) -> Problem:
        return syntax_problem(self._root, exc.message, exc.filename, exc.lineno, mark)


def _undefined_name(message: str) -> str | None:
    found = (re.search(r"'([^']+)' is undefined", message)
             or re.search(r"has no attribute '([^']+)'", message)
             or re.search(r"no element '([^']+)'", message))
    return found.group(1) if found else None


def _strings_in(*values: Any) -> list[str]:
    """Every string inside nested lists and dicts."""
    out: list[str] = []
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
    return out
