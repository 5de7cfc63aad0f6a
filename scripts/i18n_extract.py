"""Refresh the message catalogs: campaignctl/locale/campaignctl.pot from the source, and
every language's campaignctl/locale/<lang>/LC_MESSAGES/campaignctl.po from the .pot.

    python scripts/i18n_extract.py              # write what changed
    python scripts/i18n_extract.py --check      # exit 1 if a catalog is out of date (CI)
    python scripts/i18n_extract.py --missing    # what each language has not translated yet

Messages are read from every ``t("English text", ...)`` and ``tn("one", "many", n, ...)``
call in campaignctl/**/*.py by AST, so implicitly concatenated literals count as one key and
``t(CONSTANT)``, ``t(TABLE.get(k, "default"))`` and ``t("a" if x else "b")`` are read too.
Words shown through a variable (``t(row.state)``) come from the StrEnums in
campaignctl/models.py and from ``SHOWN_VALUES`` below. The texts ``--help`` shows (each
command's docstring, each option's ``help=``) are read from the command tree typer builds
of campaignctl.cli, the tree the CLI translates at run time, and filed under the module of
each command's function. The merge into each .po keeps every
translation, marks a reworded message fuzzy with its old translation (a translator confirms
it) and drops messages no code uses any more.

``pybabel extract`` reads the same settings from pyproject.toml ([tool.babel]) and calls
``extract_messages`` below, so it writes the same .pot (see docs/translating.md).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import io
import sys
import tomllib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "campaignctl"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "campaignctl"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
I18N_MODULE = "campaignctl.i18n"
FUNCTIONS = ("t", "tn")
CLI_MODULE = "campaignctl.cli"  # its ``app``: every help text in it is a message
HELP_COMMENT = "a --help text"

# StrEnums whose values reach t() through a variable (t(e.status), t(r.outcome), t(r.state),
# t(r.action)): every member's value is a message.
SHOWN_ENUMS: dict[str, tuple[str, ...]] = {
    "campaignctl.models": ("OccurrenceState", "PublishOutcome", "RetractOutcome",
                           "ReconcileOutcome", "ApprovalState", "AuditAction"),
}

# Other words that reach t() through a variable, by the module that makes them up.
SHOWN_VALUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "campaignctl.media": ("media.describe(), shown through t() for a file that is not media",
                          ("unreadable", "text", "empty", "unrecognised binary data")),
    "campaignctl.report.metrics": ("report response_basis, shown through t()",
                                   ("snapshot deltas", "publish times")),
    "campaignctl.report.html": ("report.html.WEEKDAYS, shown through t()",
                                ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")),
    "campaignctl.errors": ("the severity label of Problem.one_line(), shown through t()",
                           ("error", "warning")),
}


@dataclass(frozen=True)
class Call:
    """One call of i18n.t() or i18n.tn(): where it is and, for a literal, its key."""

    file: str  # relative to the repository root
    line: int
    key: str | None  # None when the message is not a string literal
    plural: str | None = None  # tn()'s plural key


@dataclass(frozen=True)
class Shown:
    """A word that reaches t() through a variable, and where it is defined."""

    key: str
    line: int  # 0 when it has no single line (a hand list)
    why: str


# --- reading the source -----------------------------------------------------------------


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str | None, level: int, importer: str, is_package: bool) -> str:
    """The absolute module an ``import`` statement names, as Python would resolve it."""
    if level == 0:
        return module or ""
    base = importer.split(".")
    # a module's own package is its name minus the last part; a package is its own
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, module] if module else base)


def _literal(node: ast.expr) -> str | None:
    """The string a node always evaluates to, or None (``"a" "b"`` is one Constant already;
    ``"a" + "b"`` is folded here too)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = "text"`` and ``NAME = {key: "text", ...}``: the strings each
    name can stand for, so ``t(NAME)`` and ``t(NAME.get(k, "default"))`` are read too."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if (text := _literal(value)) is not None:
            found[target.id] = [text]
        elif isinstance(value, ast.Dict):
            texts = [_literal(v) for v in value.values]
            if texts and all(x is not None for x in texts):
                found[target.id] = texts  # type: ignore[assignment]
    return found


def _keys(node: ast.expr, constants: dict[str, list[str]],
          local: dict[str, list[ast.expr]] | None = None) -> list[str] | None:
    """Every key a call's first argument can be, or None when it cannot be known here."""
    if (text := _literal(node)) is not None:
        return [text]
    if isinstance(node, ast.IfExp):  # t("a" if x else "b")
        left, right = _keys(node.body, constants, local), _keys(node.orelse, constants, local)
        return None if left is None or right is None else [*left, *right]
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    # a variable: known when every assignment to that name in the module is known
    if isinstance(node, ast.Name) and local and node.id in local:
        found: list[str] = []
        for value in local[node.id]:
            keys = _keys(value, constants)  # one level only, so no loops
            if keys is None:
                return None
            found.extend(keys)
        return found
    # TABLE.get(x, "default") over a module-level dict of strings
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get" and isinstance(node.func.value, ast.Name)
            and node.func.value.id in constants and len(node.args) == 2
            and (default := _literal(node.args[1])) is not None):
        return [*constants[node.func.value.id], default]
    return None


def _bound_names(tree: ast.Module, importer: str, is_package: bool
                 ) -> tuple[dict[str, str], set[str]]:
    """Local names bound to t/tn (name -> which), and local names bound to the i18n module."""
    names: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(node.module, node.level, importer, is_package)
            for alias in node.names:
                if source == I18N_MODULE and alias.name in FUNCTIONS:
                    names[alias.asname or alias.name] = alias.name
                elif f"{source}.{alias.name}" == I18N_MODULE:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == I18N_MODULE and alias.asname:
                    modules.add(alias.asname)
    return names, modules


def _calls_in_tree(tree: ast.Module, rel: str, importer: str, is_package: bool) -> list[Call]:
    names, modules = _bound_names(tree, importer, is_package)
    constants = _constants(tree)
    local: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            local.setdefault(node.targets[0].id, []).append(node.value)
    found: list[Call] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names:
            which = names[func.id]
        elif (isinstance(func, ast.Attribute) and func.attr in FUNCTIONS
              and isinstance(func.value, ast.Name) and func.value.id in modules):
            which = func.attr
        else:
            continue
        if which == "tn":
            one, many = (_literal(a) for a in node.args[:2]) if len(node.args) >= 2 \
                else (None, None)
            ok = one is not None and many is not None
            found.append(Call(rel, node.lineno, one if ok else None, many if ok else None))
            continue
        keys = _keys(node.args[0], constants, local) if node.args else None
        if keys is None:
            found.append(Call(rel, node.lineno, None))
        else:
            found.extend(Call(rel, node.lineno, key) for key in keys)
    return sorted(found, key=lambda c: (c.file, c.line))


def calls_in_file(path: Path, root: Path = REPO) -> list[Call]:
    """Every call of campaignctl.i18n.t and tn in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return _calls_in_tree(tree, path.relative_to(root).as_posix(), _module_name(path, root),
                          path.name == "__init__.py")


@cache
def help_calls(root: Path = REPO) -> tuple[Call, ...]:
    """Every help text of the CLI, as a Call at the function of the command that shows it.

    The command tree is typer's, built from the campaignctl package under ``root`` (put
    first on sys.path when it is not imported yet)."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    cli = importlib.import_module(CLI_MODULE)
    where = Path(cli.__file__).resolve()
    if not where.is_relative_to(root.resolve()):
        raise SystemExit(f"{CLI_MODULE} is imported from {where}, not from {root}: "
                         f"run with PYTHONPATH={root}")
    from typer.main import get_command

    localized = importlib.import_module(f"{CLI_MODULE}._localize")
    calls = []
    for command, text in localized.help_texts(get_command(cli.app)):
        function = inspect.unwrap(command.callback)
        source = Path(inspect.getsourcefile(function) or "").resolve()
        calls.append(Call(source.relative_to(root.resolve()).as_posix(),
                          function.__code__.co_firstlineno, text))
    return tuple(calls)


def extract(package: Path = PACKAGE, root: Path = REPO) -> list[Call]:
    """Every call of campaignctl.i18n.t and tn in the package, and every help text of its
    CLI, in file and line order."""
    calls: list[Call] = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            calls.extend(calls_in_file(path, root))
    return sorted([*calls, *help_calls(root)], key=lambda c: (c.file, c.line))


def message_keys(calls: list[Call]) -> dict[str, list[str]]:
    """Each literal key (a tn() call's singular one) with the file:line places that use it."""
    keys: dict[str, list[str]] = {}
    for call in calls:
        if call.key is not None:
            keys.setdefault(call.key, []).append(f"{call.file}:{call.line}")
    return keys


def plural_keys(calls: list[Call]) -> dict[str, str]:
    """Each tn() call's singular key with its plural one."""
    return {c.key: c.plural for c in calls if c.key is not None and c.plural is not None}


def non_literal(calls: list[Call]) -> list[str]:
    """file:line of each call whose message is not a string literal."""
    return [f"{c.file}:{c.line}" for c in calls if c.key is None]


def shown_in(tree: ast.Module, module: str) -> list[Shown]:
    """The words of ``module`` that reach t() through a variable (SHOWN_ENUMS, SHOWN_VALUES)."""
    found: list[Shown] = []
    enums = SHOWN_ENUMS.get(module, ())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in enums:
            doc = (ast.get_docstring(node) or "").partition("\n")[0]
            why = f"a value of {node.name}, shown through t(): {doc}".rstrip(": ")
            for item in node.body:
                if isinstance(item, ast.Assign) and (value := _literal(item.value)) is not None:
                    found.append(Shown(value, item.lineno, why))
    if module in SHOWN_VALUES:
        why, values = SHOWN_VALUES[module]
        found.extend(Shown(value, 0, why) for value in values)
    return found


def dynamic_keys(root: Path = REPO) -> set[str]:
    """Every word that reaches t() through a variable, read from where it is defined."""
    keys: set[str] = set()
    for module in {*SHOWN_ENUMS, *SHOWN_VALUES}:
        path = root.joinpath(*module.split(".")).with_suffix(".py")
        keys.update(s.key for s in shown_in(ast.parse(path.read_text(encoding="utf-8")),
                                            module))
    return keys


# --- Babel ------------------------------------------------------------------------------


def _package_root(path: Path) -> Path:
    """The folder holding the top package ``path`` belongs to (its import root)."""
    folder = path.parent
    while (folder / "__init__.py").exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def extract_messages(fileobj: IO[bytes], keywords: Mapping[str, Any],
                     comment_tags: Collection[str], options: Mapping[str, Any]
                     ) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """A Babel extraction method: the messages of one campaignctl source file."""
    if any(k not in keywords for k in FUNCTIONS):
        raise ValueError("extract with the keywords t and tn:1,2 (pybabel: -k t -k tn:1,2)")
    path = Path(getattr(fileobj, "name", "") or "module.py").resolve()
    root = _package_root(path)
    source = fileobj.read().decode("utf-8")
    tree = ast.parse(source, filename=str(path))
    module = _module_name(path, root)
    for call in _calls_in_tree(tree, path.name, module, path.name == "__init__.py"):
        if call.plural is not None:
            yield call.line, "tn", (call.key, call.plural), []  # type: ignore[misc]
        elif call.key is not None:
            yield call.line, "t", call.key, []
    for shown in shown_in(tree, module):
        yield shown.line, "t", shown.key, [shown.why]
    if module == CLI_MODULE or module.startswith(CLI_MODULE + "."):
        here = path.relative_to(root.resolve()).as_posix()
        for call in help_calls(root):
            if call.file == here and call.key is not None:
                yield call.line, "t", call.key, [HELP_COMMENT]


def settings() -> dict[str, Any]:
    """pyproject.toml's [tool.babel.extract_messages], the settings pybabel uses too."""
    with (REPO / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["babel"]["extract_messages"]


def template() -> Catalog:
    """The .pot as the source makes it now."""
    config = settings()
    catalog = Catalog(project=config["project"], header_comment=config["header-comment"])
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", extract_messages)],
            keywords=parse_keywords(config["keywords"])):
        location = (PACKAGE.relative_to(REPO) / filename).as_posix()
        catalog.add(message, None, [(location, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def languages() -> list[str]:
    """Every language with a catalog: a folder under campaignctl/locale/ holding one."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def render(catalog: Catalog) -> bytes:
    """A catalog as the .pot/.po text pybabel writes (file names without line numbers, so
    an edit above a message does not change the catalogs)."""
    out = io.BytesIO()
    write_po(out, catalog, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def _entries(catalog: Catalog) -> list[tuple[Any, ...]]:
    """What a catalog says, header dates and Babel's version aside."""
    def words(comments: list[str]) -> list[str]:  # write_po wraps long comments
        return " ".join(comments).split()

    def text(string: str | tuple[str, ...] | None) -> object:  # untranslated, however said
        return string if string and any(string) else ""

    return [(m.id, text(m.string), m.context, sorted({f for f, _ in m.locations}),
             words(m.auto_comments), words(m.user_comments), sorted(m.flags), m.previous_id)
            for m in catalog if m.id]


def merged(lang: str, fresh: Catalog) -> Catalog:
    """One language's catalog brought up to the fresh template."""
    catalog = read(po_path(lang), locale=lang)
    catalog.update(fresh)
    catalog.obsolete.clear()  # nobody asks for them; fuzzy matches already kept their text
    return catalog


def refresh(write: bool) -> list[Path]:
    """The catalogs that differ from what the source makes now; written when ``write``."""
    fresh = template()
    wanted = {TEMPLATE: fresh, **{po_path(lang): merged(lang, fresh) for lang in languages()}}
    stale = []
    for path, catalog in wanted.items():
        current = read(path) if path.exists() else None
        if current is None or _entries(current) != _entries(catalog) \
                or current.header_comment != catalog.header_comment:
            stale.append(path)
            if write:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(render(catalog))
    return stale


def translated(lang: str) -> set[str]:
    """The msgids ``lang``'s catalog translates (the singular one of a plural entry); a
    fuzzy entry is not translated yet, as gettext skips it."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in read(po_path(lang))
            if m.id and not m.fuzzy and m.string and all(m.string)}


def missing(langs: list[str]) -> int:
    """Print what each language lacks, and the calls whose message is not a literal;
    1 if anything is untranslated."""
    calls = extract()
    keys = message_keys(calls)
    for key in sorted(dynamic_keys() - keys.keys()):
        keys[key] = ["(t() of a variable: SHOWN_ENUMS, SHOWN_VALUES)"]
    total = 0
    for lang in langs:
        done = translated(lang)
        lacking = {k: v for k, v in keys.items() if k not in done}
        total += len(lacking)
        for key, places in lacking.items():
            print(f"{lang}: {places[0]}: {key!r}")
        print(f"{lang}: {len(keys)} message(s), {len(lacking)} without a translation",
              file=sys.stderr)
    dynamic = non_literal(calls)
    if dynamic:  # fine when they show a word of SHOWN_ENUMS or SHOWN_VALUES
        print(f"\n{len(dynamic)} call(s) of t() with a message that is not a literal:")
        for place in dynamic:
            print(f"  {place}")
    return 1 if total else 0


def main(argv: list[str] | None = None) -> int:
    """Write the catalogs that are out of date (or with --check, only say which)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a catalog is out of date")
    parser.add_argument("--missing", nargs="*", metavar="LANG",
                        help="write nothing; list the messages LANG (default: every "
                             "language) has no translation for, exit 1 if there are any")
    args = parser.parse_args(argv)
    if args.missing is not None:
        return missing(args.missing or languages())
    stale = refresh(write=not args.check)
    for path in stale:
        verb = "out of date" if args.check else "written"
        print(f"{path.relative_to(REPO)}: {verb}")
    if args.check and stale:
        print("run `python scripts/i18n_extract.py`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
