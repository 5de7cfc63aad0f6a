"""The package's shape stays readable: short functions, modules of one job, imports on top.

A function may run past the limit only when a comment on the line above its ``def``
starts with ``# one piece:`` and says why it cannot be split. The sandbox emulators
are exempt from the module limit: each mirrors one platform's whole API surface.

Imports sit at the top of each module. Kept lazy, inside the function that needs them, are
only the libraries (LAZY_LIBRARIES) and our modules (LAZY_MODULES) that are slow to import
and needed by few commands, the one list of each, and what each cli/ command needs (the
library, and stdlib modules that only it uses), so that `campaignctl --help` and the
offline commands start fast (benchmarks/bench_startup.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "campaignctl"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 700
EXEMPT_MODULE_DIRS = {"sandbox"}


# Slow to import and needed by few commands: the platform SDKs and their HTTP stack (only
# channels/ uses them), SQLAlchemy (the ledger), APScheduler (the service), Jinja2
# (rendering), rich (progress bars), Babel (dates and the message catalog), croniter
# (recurring posts; ~50 ms), mutagen (video length), keyring (~150 ms) and python-dotenv
# (~30 ms; both only when a secret is resolved) and twitter-text (~0.2 s: one regex of every
# emoji, compiled on import).
LAZY_LIBRARIES = {
    "tweepy", "facebook", "googleapiclient", "google", "google_auth_oauthlib",
    "google_auth_httplib2", "httplib2", "requests", "requests_oauthlib", "oauthlib", "urllib3",
    "sqlalchemy", "apscheduler", "jinja2", "rich", "babel", "croniter", "mutagen",
    "keyring", "dotenv", "twitter_text",
}


# Of our own modules: the four emulators and their server (~60 ms, http.server and email
# among them), needed only by a command that starts a sandbox in its own process.
LAZY_MODULES = {"campaignctl.sandbox"}


def _absolute(path: Path, level: int, module: str) -> str:
    """The absolute name of a relative import made in ``path``."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    base = parts[:len(parts) - level] if level else []
    return ".".join([*base, *([module] if module else [])])


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _label(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent)) if path.is_relative_to(PACKAGE) else path.name


def _long_functions(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        length = node.end_lineno - node.lineno + 1
        above = lines[first - 2].strip() if first >= 2 else ""
        if length > MAX_FUNCTION_LINES and not above.startswith("# one piece:"):
            found.append(f"{_label(path)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_runs_past_the_limit_without_a_reason():
    found = [entry for path in _sources() for entry in _long_functions(path)]
    assert found == [], "split these, or say why they are one piece:\n" + "\n".join(found)


def test_no_module_does_too_many_jobs():
    found = []
    for path in _sources():
        if EXEMPT_MODULE_DIRS & set(path.relative_to(PACKAGE).parts[:-1]):
            continue
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(PACKAGE.parent)} ({count} lines)")
    assert found == [], "split these modules by concern:\n" + "\n".join(found)


def test_the_checker_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    sample = tmp_path / "probe.py"
    sample.write_text(f"def too_long():\n{body}\n", encoding="utf-8")
    assert [e for e in _long_functions(sample) if "too_long" in e]
    sample.write_text(f"# one piece: a probe\ndef too_long():\n{body}\n", encoding="utf-8")
    assert _long_functions(sample) == []


def _imports_inside_functions(path: Path) -> list[str]:
    found = []
    in_cli = path.is_relative_to(PACKAGE / "cli")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                level, names = 0, [alias.name for alias in inner.names]
            elif isinstance(inner, ast.ImportFrom):
                level, names = inner.level, [inner.module or ""]
            else:
                continue
            if level == 0 and all(n.split(".")[0] in LAZY_LIBRARIES for n in names):
                continue
            if in_cli:  # a command loads what it needs when it runs, so --help stays cheap
                continue
            if level > 0 and path.is_relative_to(PACKAGE) and \
                    _absolute(path, level, names[0]) in LAZY_MODULES:
                continue
            found.append(f"{_label(path)}:{inner.lineno} {'.' * level}{names[0]}")
    return found


def test_imports_are_at_the_top_but_for_the_slow_few():
    found = sorted({e for path in _sources() for e in _imports_inside_functions(path)})
    assert found == [], "move these imports to the top of their module:\n" + "\n".join(found)


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "probe.py"
    sample.write_text("def f():\n    import json\n    import jinja2\n", encoding="utf-8")
    assert _imports_inside_functions(sample) == ["probe.py:2 json"]
