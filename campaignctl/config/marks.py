"""YAML with line marks: composed nodes become plain values plus a ``{"dotted.path": Mark}`` map.

The YAML is *composed* (not loaded) with libyaml's CSafeLoader, so every value still knows
its line; one walk over the nodes builds the values and the map. Each post gets a map of its
own, which becomes ``Post.marks``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import Problem
from ..i18n import t
from ..models import Mark
from .values import _show

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_MAP = "tag:yaml.org,2002:map"
_TAG_SEQ = "tag:yaml.org,2002:seq"
_TAG_MERGE = "tag:yaml.org,2002:merge"
_TAG_VALUE = "tag:yaml.org,2002:value"
# PyYAML's own scalar constructors (int, bool, timestamp, ...); unknown tags are refused.
_SCALARS = {tag: fn for tag, fn in SafeConstructor.yaml_constructors.items()
            if tag is not None and tag not in (_TAG_MAP, _TAG_SEQ, "tag:yaml.org,2002:omap",
                                               "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set")}


# A 5,000-post campaign has about 20,000 mappings and lists.
_MAX_COLLECTIONS = 200_000


class _TooBig(Exception):
    """The document expands beyond _MAX_COLLECTIONS mappings and lists."""


class _Tree:
    """Builds plain values from composed YAML nodes, recording the line of every path.

    Keys are marked at the key's line (``media:`` rather than its first item); list items
    at the item's line. Items of the top-level list named ``split`` (``posts``) get a marks
    map of their own, in ``items``.
    """

    def __init__(self, file: str, split: str | None = None) -> None:
        self.file = file
        self.split = split
        self.items: list[tuple[Mark, dict[str, Mark]]] = []
        self.problems: list[Problem] = []
        self._marks: dict[int, Mark] = {}  # one Mark per line, shared
        self._ctor = SafeConstructor()
        # Aliases are walked again at each use, so nested ones ("billion laughs") could
        # multiply the work; no honest campaign comes near this many mappings and lists.
        self._budget = _MAX_COLLECTIONS

    def values(self, node: yaml.Node, marks: dict[str, Mark]) -> Any:
        """The plain value of the document ``node``; a runaway alias becomes a Problem."""
        try:
            return self.build(node, "", marks)
        except (RecursionError, _TooBig):
            self.problem(node, t("the YAML aliases (*name) expand too far or refer to "
                                 "themselves"), t("write the values out instead of aliasing"))
            return None

    def mark(self, node: yaml.Node) -> Mark:
        line = node.start_mark.line + 1
        found = self._marks.get(line)
        if found is None:
            found = self._marks[line] = Mark(self.file, line)
        return found

    def problem(self, node: yaml.Node, message: str, hint: str | None = None,
                code: str = "yaml") -> None:
        self.problems.append(Problem(message, self.file, node.start_mark.line + 1, hint,
                                     code=code))

    def build(self, node: yaml.Node, path: str, marks: dict[str, Mark]) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            if node.tag == _TAG_STR:
                return node.value
            return self._scalar(node)
        if cls is MappingNode:
            return self._mapping(node, path, marks)
        if cls is SequenceNode:
            self._spend()
            if node.tag != _TAG_SEQ:
                self._bad_tag(node)
            values = []
            for i, item in enumerate(node.value):
                child = f"{path}.{i}" if path else str(i)
                marks[child] = self.mark(item)
                values.append(self.build(item, child, marks))
            return values
        return None  # pragma: no cover - the composer yields only these three

    def _spend(self) -> None:
        self._budget -= 1
        if self._budget < 0:
            raise _TooBig

    def _scalar(self, node: ScalarNode) -> Any:
        construct = _SCALARS.get(node.tag)
        if node.tag == _TAG_VALUE:  # a lone "=" (PyYAML itself cannot load it): just text
            return node.value
        if construct is None:
            self._bad_tag(node)
            return node.value
        try:
            return construct(self._ctor, node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # e.g. 2026-02-30 has a timestamp's shape but is no date: keep the text, and let
            # the field that expects a date or time say what is wrong with it.
            return node.value

    def _bad_tag(self, node: yaml.Node) -> None:
        self.problem(node, t("unsupported YAML tag {tag}", tag=node.tag),
                     t("remove the tag; campaign files use plain YAML values"))

    def _mapping(self, node: MappingNode, path: str, marks: dict[str, Mark]) -> dict[Any, Any]:
        # The hot loop of a load: string keys and string values take the short path.
        self._spend()
        if node.tag != _TAG_MAP:
            self._bad_tag(node)
        merged = False
        for key_node, _ in node.value:
            if key_node.tag == _TAG_MERGE:
                merged = True
                try:
                    self._ctor.flatten_mapping(node)  # YAML merge keys (<<: *base)
                except yaml.MarkedYAMLError as exc:
                    self.problem(node, t("bad YAML merge: {problem}", problem=exc.problem))
                    return {}
                break
        result: dict[Any, Any] = {}
        lines = self._marks
        prefix = path + "." if path else ""
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self.problem(key_node, t("a key must be a plain name"), t("write `name: value`"))
                continue
            key = key_node.value if key_node.tag == _TAG_STR else self._scalar(key_node)
            child = prefix + str(key)
            line = key_node.start_mark.line + 1
            mark = lines.get(line)
            marks[child] = mark if mark is not None else self.mark(key_node)
            if key in result and not merged:
                self.problem(key_node, t("duplicate key {key!r}", key=_show(key)),
                             t("remove one of them: YAML would silently keep only the last"),
                             code="duplicate")
            if value_node.__class__ is ScalarNode and value_node.tag == _TAG_STR:
                result[key] = value_node.value
            elif not path and key == self.split:
                self.items = []  # a repeated `posts:` key: YAML keeps the last one
                result[key] = (self._split(value_node, child, marks)
                               if value_node.__class__ is SequenceNode
                               else self.build(value_node, child, marks))
            else:
                result[key] = self.build(value_node, child, marks)
        return result

    def _split(self, node: SequenceNode, path: str, marks: dict[str, Mark]) -> list[Any]:
        values = []
        for i, item in enumerate(node.value):
            own: dict[str, Mark] = {}
            item_mark = marks[f"{path}.{i}"] = self.mark(item)
            self.items.append((item_mark, own))
            values.append(self.build(item, "", own))
        return values


def _plain_yaml(problem: str, context: str, line: str) -> tuple[str, str] | None:
    """What the YAML parser's jargon means at that ``line``, and the usual fix (None: no
    idea). libyaml's messages differ a little from PyYAML's: match what both say."""
    said = f"{problem} {context}"
    if "\t" in line[:len(line) - len(line.lstrip())] or "'\\t'" in said:
        return (t("a tab character: YAML indents with spaces only"),
                t("replace the tabs at the start of the line with spaces"))
    if "expected '-' indicator" in said:
        return (t("this line is not lined up with the list items above it"),
                t("start each item of a list with `- ` at the same indentation"))
    if "mapping values are not allowed" in said:
        return (t("a colon (:) in a value that is not in quotes, or a key indented too far"),
                t('put the value in quotes (text: "Jam buka: 08.00") or line the key up '
                  "with the ones above"))
    if "expected key" in said or "expected <block end>" in said:
        return (t("this line is indented differently from the keys around it"),
                t("line up keys of the same level with the same number of spaces"))
    if "could not find expected ':'" in said:
        return (t("a line without `key: value` where one is expected"),
                t("add `: ` after the key, or put the text in quotes"))
    if "expected ',' or ']'" in said or "expected ',' or '}'" in said or \
            "unexpected end of stream" in said:
        return (t("a bracket or quote opened above is never closed"),
                t("close the bracket or the quotes that start above this line"))
    if "unknown escape character" in said:
        return (t("a backslash in double quotes that YAML does not know"),
                t("use single quotes, or write the backslash twice"))
    if "undefined alias" in said:
        return (t("an alias (*name) that no anchor (&name) defines"),
                t("define the anchor first, or write the value out"))
    return None


def _compose(text: str, file: str) -> tuple[yaml.Node | None, Problem | None]:
    """The document's root node, or the syntax problem at the line PyYAML reports, said in
    plain words where we know what the parser means."""
    try:
        return yaml.compose(text, Loader=_LOADER), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = str(exc.problem or exc.context)
        if exc.problem and exc.context:
            what += f" ({exc.context})"
        lines = text.splitlines()
        line = lines[mark.line] if mark and mark.line < len(lines) else ""
        plain = _plain_yaml(str(exc.problem or ""), str(exc.context or ""), line)
        if "single document" in what:
            hint = t("put one campaign in each file; remove the `---` line")
        elif plain is not None:
            what, hint = plain
        else:
            hint = t("fix the indentation or quoting near this line")
        return None, Problem(t("YAML syntax error: {problem}", problem=what), file,
                             mark.line + 1 if mark else None, hint, code="yaml")
    except yaml.YAMLError as exc:
        return None, Problem(t("YAML syntax error: {problem}", problem=str(exc)), file, None,
                             t("fix the YAML"), code="yaml")


def _document(path: Path, file: str, empty: str, not_mapping: str, hint: str
              ) -> tuple[MappingNode | None, Problem | None]:
    """The file's top mapping, or the one problem that stops the file being read at all."""
    text, problem = _read(path, file)
    if problem is not None:
        return None, problem
    node, problem = _compose(text or "", file)
    if problem is not None:
        return None, problem
    if node is None:
        return None, Problem(empty, file, 1, hint, code="empty")
    if node.__class__ is not MappingNode:
        return None, Problem(not_mapping, file, node.start_mark.line + 1, hint, code="type")
    return node, None


def _read(path: Path, file: str) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError:
        return None, Problem(t("the file is not UTF-8 text"), file, None,
                             t("save it as UTF-8"), code="read")
    except OSError as exc:
        return None, Problem(t("cannot read the file: {reason}", reason=exc.strerror or exc),
                             file, None, t("check the path and its permissions"), code="read")


def _line_of(marks: dict[str, Mark], loc: tuple[Any, ...], default: Mark | None) -> int | None:
    """The line of the deepest marked path along ``loc`` (a missing key: its parent's)."""
    parts = [str(p) for p in loc if p != "[key]"]
    while parts:
        found = marks.get(".".join(parts))
        if found is not None:
            return found.line
        parts.pop()
    return default.line if default else None
