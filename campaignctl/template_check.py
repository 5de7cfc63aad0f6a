"""Undefined names in a template, found by reading it: every one at its own line.

A render stops at the first undefined name, and a first draft has several. ``NameCheck``
parses each template once (jinja2's AST) and lists the names it reads where a render must
fail on an undefined one: printed, tested by an ``if``, looped over, computed with, read
from. Each is reported with the message and location the render error has
(``undefined_problem`` and ``syntax_problem`` are shared with render.py), so ``ProblemSet``
tells the two once. A name read only where a render may not go (an ``if`` or loop body, a
macro, the far side of ``or`` or of ``a if b else c``), or where an undefined value passes
(``default``, ``is defined``, a call's arguments, a ``set``), is left to the render, which
sees the branch really taken: this check reports nothing a render would not.

Jinja is imported only when a template is read, so config (which checks the templates of
files it cannot make into campaigns) pays nothing for it at import.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem
from .i18n import t
from .models import TEMPLATE_NAMESPACES, Mark

# --- the messages a render error and this check share --------------------------------


def relative_to(root: Path, filename: str) -> str:
    """``filename`` relative to the workspace root, as problems show it."""
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename


def closest_var(name: str | None, var_names: Collection[str],
                namespaces: Iterable[str]) -> str | None:
    """"did you mean vars.place?" for vars.plcae (or place for plcae), from the names the
    template could have read."""
    if not name:
        return None
    known = sorted(var_names)
    dotted = name.startswith("vars.")
    wanted = name.removeprefix("vars.")
    candidates = known if dotted else known + list(namespaces)
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.6)
    if not close:
        return None
    return t("did you mean {suggestion}?", suggestion=("vars." if dotted else "") + close[0])


def dotted_name(root: Path, name: str, file: str | None, line: int | None) -> str | None:
    """``vars.venue`` rather than ``venue``, read back from the template file's line."""
    if not (file and line and file.startswith("templates/")):
        return None
    try:
        source = (root / file).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError):
        return None
    found = re.search(r"([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*\.)?" + re.escape(name) + r"\b",
                      source)
    return found.group(0) if found else None


def undefined_problem(root: Path, name: str | None, file: str | None, line: int | None,
                      inline_line: int | None, var_names: Collection[str],
                      namespaces: Iterable[str]) -> Problem:
    """The problem of an undefined ``name`` (as Jinja's error names it) at file:line."""
    within = t(" (line {n} of the inline text)", n=inline_line) if inline_line else ""
    shown = dotted_name(root, name, file, line) if name else None
    return Problem(
        t("undefined variable {name}{within}", name=shown or name or "?", within=within),
        file, line, code="undefined-variable",
        hint=closest_var(shown or name, var_names, namespaces) or t(
            "define it under vars: in the campaign or the post, or fix its spelling"),
    )


def syntax_problem(root: Path, message: str | None, filename: str | None, lineno: int,
                   mark: Mark | None) -> Problem:
    """A Jinja syntax error: at its template file's line, or at the inline text's mark."""
    message = message or "syntax error"
    if filename and filename != "<template>":
        return Problem(t("template syntax error: {message}", message=message),
                       relative_to(root, filename), lineno, code="template-syntax",
                       hint=t("fix the Jinja syntax on that line"))
    within = t(" (line {n} of the inline text)", n=lineno) if lineno > 1 else ""
    return Problem(t("template syntax error: {message}{within}", message=message,
                     within=within),
                   mark.file if mark else None, mark.line if mark else None,
                   code="template-syntax", hint=t("fix the Jinja syntax in that text"))


class ProblemSet:
    """Problems in first-seen order, each once (a template error repeats per occurrence).

    A problem located in a template file names the campaign/post(s) that use it: a reviewer
    reading the annotation on the template sees which posts it breaks."""

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self._seen: dict[tuple, int] = {}
        self._users: dict[int, list[str]] = {}

    def add(self, problems: Iterable[Problem], used_by: str | None = None) -> None:
        for p in problems:
            key = (p.file, p.line, p.message, p.severity)
            index = self._seen.get(key)
            if index is None:
                index = self._seen[key] = len(self._items)
                self._items.append(p)
            if used_by and p.file and p.file.startswith("templates/"):
                users = self._users.setdefault(index, [])
                if used_by not in users:
                    users.append(used_by)

    @property
    def items(self) -> list[Problem]:
        return [p._replace(message=p.message + t(" (used by {posts})", posts=", ".join(
            self._users[i]))) if i in self._users else p for i, p in enumerate(self._items)]


# --- reading a template ----------------------------------------------------------------

# What the namespaces hold (render.py builds them); a var namespace is given per post.
_NAMESPACE_KEYS: dict[tuple[str, ...], frozenset[str]] = {
    ("campaign",): frozenset({"id", "name", "timezone", "vars"}),
    ("post",): frozenset({"id", "vars"}),
    ("channel",): frozenset({"name", "platform"}),
}
_VAR_NAMESPACES = {("vars",), ("campaign", "vars"), ("post", "vars")}
_ALWAYS_BOUND = frozenset({*TEMPLATE_NAMESPACES, "self", "super"})
# Filters that fail on an undefined value (tests/test_template_check.py checks each);
# others (default, pprint, batch, ...) pass it through or fail otherwise.
FORCING_FILTERS = frozenset({
    "utm", "date_long", "date_short", "time", "upper", "lower", "title", "capitalize",
    "trim", "length", "count", "join", "first", "last", "replace", "truncate", "string", "e",
    "escape", "safe", "wordcount", "int", "float", "sum", "list", "center", "indent",
    "striptags", "urlencode", "urlize", "wordwrap", "format", "max", "min", "sort", "reverse",
})
_FORCING_OPERATORS = frozenset({"Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow",
                                "Concat", "Not", "Neg", "Pos"})
_BODIES = frozenset({"AssignBlock", "Block", "Scope", "ScopedEvalContextModifier",
                     "EvalContextModifier", "FilterBlock", "With"})


@dataclass(frozen=True, slots=True)
class _Read:
    """A name a render must have: at ``line`` of ``file`` (None: the inline text itself)."""

    file: str | None
    line: int
    name: str  # as Jinja's error names it: the bare name, or the attribute
    path: tuple[str, ...] | None  # None: a bare name; else the namespace it is read from


@dataclass(slots=True)
class _Reading:
    """What one template (with what it includes) reads, binds itself, and fails to parse."""

    reads: list[_Read] = field(default_factory=list)
    bound: set[str] = field(default_factory=set)
    syntax: list[tuple[str | None, str | None, int]] = field(default_factory=list)
    # The var names the reads need, each once: (as a var, as a campaign var, as a post
    # var); and whether some read fails whatever the vars. Thousands of posts share a
    # template: each is then checked with a few set lookups.
    needs: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None
    fails: bool = False

    def sound(self, campaign_vars: Collection[str], post_vars: Collection[str]) -> bool:
        """True when every read is defined for a post with these vars."""
        if self.needs is None:
            self._summarize()
        assert self.needs is not None
        anywhere, of_campaign, of_post = self.needs
        return not (self.syntax or self.fails) and all(
            n in post_vars or n in campaign_vars for n in anywhere) and all(
            n in campaign_vars for n in of_campaign) and all(n in post_vars for n in of_post)

    def _summarize(self) -> None:
        groups: dict[tuple[str, ...] | None, set[str]] = {
            None: set(), ("vars",): set(), ("campaign", "vars"): set(), ("post", "vars"): set()}
        for read in self.reads:
            if _defined(read, self.bound, (), ()):
                continue
            if read.path in groups:
                groups[read.path].add(read.name)
            else:
                self.fails = True
        self.needs = (frozenset(groups[None] | groups[("vars",)]),
                      frozenset(groups[("campaign", "vars")]),
                      frozenset(groups[("post", "vars")]))


class _Unknown(Exception):
    """A template this check does not follow (it extends another): the render sees it."""


class NameCheck:
    """Undefined names of templates and inline texts; each source is read once."""

    def __init__(self, root: Path, env: Any = None) -> None:
        self._root = Path(root)
        self._env = env  # any Jinja environment with the default syntax (only parses)
        self._files: dict[str, _Reading | None] = {}
        self._texts: dict[str, _Reading | None] = {}
        self._found: dict[tuple, list[Problem]] = {}
        self._paths: dict[tuple[str, str | None, str | None], str | None] = {}

    def template_file(self, name: str, channel: str | None, platform: str | None
                      ) -> str | None:
        """templates/NAME/CHANNEL.j2, NAME/PLATFORM.j2 or NAME.j2, the first that exists."""
        key = (name, channel, platform)
        if key not in self._paths:
            candidates = [f"{name}/{c}.j2" for c in dict.fromkeys((channel, platform)) if c]
            found = None
            if name and ".." not in name.split("/") and not name.startswith(("/", "\\")):
                found = next((f"templates/{c}" for c in [*candidates, f"{name}.j2"]
                              if (self._root / "templates" / c).is_file()), None)
            self._paths[key] = found
        return self._paths[key]

    def problems(self, *, template_file: str | None = None, text: str | None = None,
                 mark: Mark | None = None, campaign_vars: Collection[str] = (),
                 post_vars: Collection[str] = ()) -> list[Problem]:
        """Every undefined name (and syntax error) of the template file or inline text, for a
        post with these vars; located as the render error would be."""
        if template_file is not None:
            key: tuple = ("file", template_file)
            reading = self._file(template_file, ())
        elif text is not None and "{" in text:
            key = ("text", text)
            reading = self._text(text)
        else:
            return []
        if reading is None or reading.sound(campaign_vars, post_vars):
            return []
        missing = tuple(r for r in reading.reads
                        if not _defined(r, reading.bound, campaign_vars, post_vars))
        var_names = {*campaign_vars, *post_vars}
        key = (*key, missing, frozenset(var_names), mark)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = [
                *(syntax_problem(self._root, m, f, n, mark) for m, f, n in reading.syntax),
                *(self._problem(r, mark, var_names) for r in missing)]
        return found

    def _problem(self, read: _Read, mark: Mark | None, var_names: Collection[str]) -> Problem:
        if read.file is not None:
            file, line, inline = read.file, read.line, None
        else:  # inline text: at its YAML line, saying the line inside it when not the first
            file, line = (mark.file, mark.line) if mark else (None, None)
            inline = read.line if read.line > 1 else None
        return undefined_problem(self._root, read.name, file, line, inline, var_names,
                                 TEMPLATE_NAMESPACES)

    # -- parsing ---------------------------------------------------------------------

    def _parser(self) -> Any:
        if self._env is None:
            import jinja2

            self._env = jinja2.Environment()
        return self._env

    def _text(self, source: str) -> _Reading | None:
        if source not in self._texts:
            self._texts[source] = self._read(source, None, None, ())
        return self._texts[source]

    def _file(self, rel: str, chain: tuple[str, ...]) -> _Reading | None:
        if rel in chain:  # includes itself: the render says so
            return None
        if rel not in self._files:
            path = self._root / rel
            try:
                source = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._files[rel] = None
            else:
                self._files[rel] = self._read(source, rel, str(path), (*chain, rel))
        return self._files[rel]

    def _read(self, source: str, rel: str | None, filename: str | None,
              chain: tuple[str, ...]) -> _Reading | None:
        from jinja2 import TemplateSyntaxError

        reading = _Reading()
        try:
            tree = self._parser().parse(source, filename=filename)
        except TemplateSyntaxError as exc:
            reading.syntax.append((exc.message, exc.filename, exc.lineno))
            return reading
        try:
            reading.bound = _bound_names(tree)
            reading.bound.update(self._parser().globals)
            self._walk(tree.body, rel, reading, chain)
        except _Unknown:
            return None
        return reading

    def _walk(self, body: list[Any], file: str | None, reading: _Reading,
              chain: tuple[str, ...]) -> None:
        """The statements a render of ``body`` runs whatever the data."""
        reads = reading.reads
        for node in body:
            kind = type(node).__name__
            if kind == "Output":
                for item in node.nodes:
                    if type(item).__name__ != "TemplateData":
                        _scan(item, True, file, item.lineno, reads)
            elif kind == "If":
                _scan(node.test, True, file, node.lineno, reads)  # elif/else may not run
            elif kind == "For":
                _scan(node.iter, True, file, node.lineno, reads)  # the body may not run
            elif kind == "Assign":
                _scan(node.node, False, file, node.lineno, reads)
            elif kind in _BODIES:
                for value in getattr(node, "values", ()):
                    _scan(value, False, file, node.lineno, reads)
                self._walk(node.body, file, reading, chain)
            elif kind == "Include":
                self._include(node, reading, chain)
            # Macro and CallBlock bodies run when called; imports read no name of ours.

    def _include(self, node: Any, reading: _Reading, chain: tuple[str, ...]) -> None:
        name = getattr(node.template, "value", None)
        if not isinstance(name, str):
            return
        rel = f"templates/{name}"
        if not (self._root / rel).is_file():
            return  # the render reports the missing file
        included = self._file(rel, chain)
        if included is not None:
            reading.reads += included.reads
            reading.bound |= included.bound
            reading.syntax += included.syntax


def _bound_names(tree: Any) -> set[str]:
    """Names the template binds itself, anywhere (set, for, macro, import, with)."""
    bound: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        kind = type(node).__name__
        if kind == "Name" and node.ctx in ("store", "param"):
            bound.add(node.name)
        elif kind == "Macro":
            bound.add(node.name)
        elif kind == "Import":
            bound.add(node.target)
        elif kind == "FromImport":
            bound.update(n if isinstance(n, str) else n[1] for n in node.names)
        elif kind == "Extends":
            raise _Unknown
        stack.extend(node.iter_child_nodes())
    return bound


def _namespace(node: Any) -> tuple[str, ...] | None:
    """The namespace ``node`` is (vars, campaign, campaign.vars, ...), or None."""
    kind = type(node).__name__
    if kind == "Name" and node.name in ("vars", "campaign", "post", "channel"):
        return (node.name,)
    if kind == "Getattr" and node.attr == "vars":
        inner = _namespace(node.node)
        if inner in (("campaign",), ("post",)):
            return (*inner, "vars")
    return None


def _scan(node: Any, forced: bool, file: str | None, line: int, reads: list[_Read]) -> None:
    """The names ``node`` reads whose undefined value fails the render: ``forced`` says
    whether the value of ``node`` itself is used (printed, tested, computed with)."""
    kind = type(node).__name__
    if kind == "Name":
        if forced and node.ctx == "load":
            reads.append(_Read(file, line, node.name, None))
        return
    if kind in ("Getattr", "Getitem"):
        attr = node.attr if kind == "Getattr" else getattr(node.arg, "value", None)
        path = _namespace(node.node)
        if forced and isinstance(attr, str) and path is not None:
            reads.append(_Read(file, line, attr, path))
        _scan(node.node, True, file, line, reads)  # reading from an undefined fails
        if kind == "Getitem":
            _scan(node.arg, False, file, line, reads)
        return
    children: list[tuple[Any, bool]]
    if kind == "Filter":
        children = [(node.node, node.name in FORCING_FILTERS)] if node.node else []
        children += [(c, False) for c in (*node.args, *node.kwargs)]
    elif kind == "Call":
        children = [(node.node, True), *((c, False) for c in (*node.args, *node.kwargs))]
    elif kind in ("And", "Or"):
        children = [(node.left, True)]  # the right side may not run
    elif kind == "CondExpr":
        children = [(node.test, True)]  # either branch may not run
    elif kind == "Compare":
        first = node.ops[0] if node.ops else None  # later links may not run
        children = [(node.expr, first is not None and first.op not in ("in", "notin"))]
        if first is not None:
            children.append((first.expr, True))
    else:  # operators use their operands; lists, tests, slices... only hold them
        strict = kind in _FORCING_OPERATORS
        children = [(c, strict) for c in node.iter_child_nodes()]
    for child, strict in children:
        _scan(child, strict, file, line, reads)


def _defined(read: _Read, bound: Collection[str], campaign_vars: Collection[str],
             post_vars: Collection[str]) -> bool:
    name, path = read.name, read.path
    if path is None:
        return (name in post_vars or name in campaign_vars or name in bound
                or name in _ALWAYS_BOUND)
    if path[0] in bound or name.startswith("_") or hasattr(dict, name):
        return True  # rebound by the template; unsafe (the sandbox says); a dict method
    if path == ("vars",):
        return name in post_vars or name in campaign_vars
    if path in _VAR_NAMESPACES:
        return name in (campaign_vars if path[0] == "campaign" else post_vars)
    return name in _NAMESPACE_KEYS[path]


def var_names_of(values: Any) -> list[str]:
    """The names of a vars mapping as written (any other value: none)."""
    return [k for k in values if isinstance(k, str)] if isinstance(values, Mapping) else []
