"""List the user-facing messages that have no Bahasa Indonesia translation yet.

Run ``python scripts/i18n_missing.py`` from the repository root. It reads every
``t("English text", ...)`` call in campaignctl/**/*.py by AST (so implicitly
concatenated literals count as one key), compares the keys with
``campaignctl.locales_id.MESSAGES`` and prints what is missing, plus every call whose
first argument is not a literal (those cannot be translated and are bugs to fix).
Exit status: 0 when everything is translated, 1 otherwise. tests/test_i18n.py uses the
same functions, so the script and the test never disagree.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "campaignctl"
I18N_MODULE = "campaignctl.i18n"


# Keys that reach t() through a variable (t(state), t(outcome), t(action), t(day)), so the
# AST cannot see them. Where each comes from; tests/test_i18n.py checks the lists against
# the modules' own constants where those are public.
DYNAMIC_KEYS: dict[str, tuple[str, ...]] = {
    # plan, publish, status and retract tables: t(e.status), t(r.outcome), t(r.state)
    "occurrence and ledger states (models, ledger.STATES)": (
        "scheduled", "skipped", "pending", "sending", "published", "failed", "unknown",
        "retracted"),
    "publish outcomes (publish.O_*)": (
        "published", "failed", "skipped", "unknown", "already-done", "in-progress",
        "would-send"),
    "retract and reconcile outcomes (publish.py, ledger.py)": (
        "deleted", "deleting", "manual", "failed", "in-flight", "found", "not-found"),
    # `campaignctl approvals` and `campaignctl audit`: t(r.state), t(r.action)
    "approval states (governance.APPROVED, VOID, MISSING)": ("approved", "void", "missing"),
    "audit actions (governance.A_*)": (
        "state", "pause", "resume", "approve", "emergency", "announce", "retract"),
    # rules.py: t(media.describe(mime)) for a file that is not media
    "media.describe() names": ("unreadable", "text", "empty", "unrecognised binary data"),
    # report.py: t(c["response_basis"])
    "report response_basis": ("snapshot deltas", "publish times"),
    # report_html.py: t(d) for d in WEEKDAYS
    "report_html.WEEKDAYS": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def dynamic_keys() -> set[str]:
    """Every key in DYNAMIC_KEYS."""
    return {key for keys in DYNAMIC_KEYS.values() for key in keys}


@dataclass(frozen=True)
class Call:
    """One call of i18n.t(): where it is and, for a literal, its key."""

    file: str  # relative to the repository root
    line: int
    key: str | None  # None when the first argument is not a string literal


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


def calls_in_file(path: Path, root: Path = REPO) -> list[Call]:
    """Every call of campaignctl.i18n.t in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    importer = _module_name(path, root)
    is_package = path.name == "__init__.py"
    names: set[str] = set()  # local names bound to t
    modules: set[str] = set()  # local names bound to the i18n module itself
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(node.module, node.level, importer, is_package)
            for alias in node.names:
                if source == I18N_MODULE and alias.name == "t":
                    names.add(alias.asname or "t")
                elif f"{source}.{alias.name}" == I18N_MODULE:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == I18N_MODULE and alias.asname:
                    modules.add(alias.asname)
    rel = path.relative_to(root).as_posix()
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
        is_t = (isinstance(func, ast.Name) and func.id in names) or (
            isinstance(func, ast.Attribute) and func.attr == "t"
            and isinstance(func.value, ast.Name) and func.value.id in modules
        )
        if not is_t:
            continue
        keys = _keys(node.args[0], constants, local) if node.args else None
        if keys is None:
            found.append(Call(rel, node.lineno, None))
        else:
            found.extend(Call(rel, node.lineno, key) for key in keys)
    return sorted(found, key=lambda c: (c.file, c.line))


def extract(package: Path = PACKAGE, root: Path = REPO) -> list[Call]:
    """Every call of campaignctl.i18n.t in the package, in file and line order."""
    calls: list[Call] = []
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            calls.extend(calls_in_file(path, root))
    return calls


def message_keys(calls: list[Call]) -> dict[str, list[str]]:
    """Each literal key with the file:line places that use it."""
    keys: dict[str, list[str]] = {}
    for call in calls:
        if call.key is not None:
            keys.setdefault(call.key, []).append(f"{call.file}:{call.line}")
    return keys


def non_literal(calls: list[Call]) -> list[str]:
    """file:line of each call whose message is not a string literal."""
    return [f"{c.file}:{c.line}" for c in calls if c.key is None]


def main() -> int:
    """Print the untranslated keys and the non-literal calls; 1 if there are any missing."""
    sys.path.insert(0, str(REPO))
    from campaignctl.locales_id import MESSAGES

    calls = extract()
    keys = message_keys(calls)
    for key in sorted(dynamic_keys() - keys.keys()):
        keys[key] = ["(t() of a variable, see DYNAMIC_KEYS)"]
    missing = {k: v for k, v in keys.items() if k not in MESSAGES}
    for key, places in missing.items():
        print(f"{places[0]}: {key!r}")
    dynamic = non_literal(calls)
    if dynamic:
        print(f"\n{len(dynamic)} call(s) of t() with a message that is not a literal:")
        for place in dynamic:
            print(f"  {place}")
    print(f"\n{len(keys)} message(s), {len(missing)} without a translation", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
