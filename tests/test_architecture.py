"""The import arrows run one way: learning → quizzes → content, and all three → common."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("common", "content", "quizzes", "learning")
# Which apps each app must not import (directly or inside a function).
FORBIDDEN = {
    "common": {"content", "quizzes", "learning"},
    "content": {"quizzes", "learning"},
    "quizzes": {"learning"},
    "learning": set(),
}


def imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, at any depth, and of every
    ``import_module("…")`` with a literal name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def crossings(app: str, path: Path, source: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for line, module in imports(source)
        if module.split(".")[0] in FORBIDDEN[app]
    ]


def test_no_import_runs_against_the_arrows():
    """No module of an app imports an app above it, not even inside a function."""
    violations = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            violations += crossings(app, path, path.read_text(encoding="utf-8"))
    assert violations == []


def test_hidden_imports_count():
    """An import inside a function, or through import_module, is caught like any other."""
    source = (
        "def f():\n"
        "    from learning.models import Unit\n"
        "    import importlib\n"
        "    return importlib.import_module('quizzes.services')\n"
    )
    found = crossings("content", ROOT / "content" / "x.py", source)
    assert found == [
        "content/x.py:2 imports learning.models",
        "content/x.py:4 imports quizzes.services",
    ]


def test_common_has_no_models():
    """common holds what apps share and owns no table of its own."""
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "common").rglob("*.py")]
    assert not any(
        "models.Model" in source or "from django.db import models" in source for source in sources
    )
