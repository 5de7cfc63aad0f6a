"""The package's shape stays readable: short functions, modules of one job.

A function may run past the limit only when a comment on the line above its ``def``
starts with ``# one piece:`` and says why it cannot be split. The sandbox emulators
are exempt from the module limit: each mirrors one platform's whole API surface.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "campaignctl"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 700
EXEMPT_MODULE_DIRS = {"sandbox"}


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
