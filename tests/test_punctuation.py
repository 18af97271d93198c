"""Chinese text shown to people takes full-width punctuation: the templates, the scripts and the
Python strings of the apps (docstrings and English prose aside; the seed parser and the answer
normaliser read source text as it is written, so they are left out)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("common", "config", "content", "learning", "quizzes")
READS_SOURCE_TEXT = {"content/demo/seeds.py", "content/regulations/parse.py", "quizzes/grading.py"}
CJK = "\u4e00-\u9fff"
HALF_WIDTH = re.compile(rf"[{CJK}][,;:?!]|[{CJK}]\(|\([{CJK}]")
PAREN_AROUND_EXPRESSION = re.compile(r"\((?:\{\{|\{%)|(?:\}\}|%\})\)")
IDENTIFIER = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b")
FIELD = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[^{}]*\}|\$\{[^}]*\}")


def chinese_text(text: str) -> bool:
    """Text mostly in Chinese (not English prose naming a Chinese term); names such as
    DJANGO_SECRET_KEY in a Chinese message do not make it English."""
    plain = IDENTIFIER.sub("", FIELD.sub("", text))
    return len(re.findall(f"[{CJK}]", plain)) >= len(re.findall(r"[A-Za-z]", plain))


def python_strings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def template_offends(line: str) -> bool:
    """A line of Chinese text in a template or script with half-width punctuation beside the
    Chinese, or in half-width parentheses around an expression."""
    if not re.search(f"[{CJK}]", line) or line.lstrip().startswith("//"):
        return False
    return bool(HALF_WIDTH.search(FIELD.sub("", line)) or PAREN_AROUND_EXPRESSION.search(line))


def offenders() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or name in READS_SOURCE_TEXT:
                continue
            for line, text in python_strings(path):
                if chinese_text(text) and HALF_WIDTH.search(FIELD.sub("", text)):
                    found.append(f"{name}:{line} {text[:40]!r}")
    for path in sorted((ROOT / "themes").rglob("*")):
        if path.suffix in (".html", ".js"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if template_offends(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def test_chinese_text_uses_full_width_punctuation():
    """No half-width comma, colon, semicolon, question or exclamation mark, or parenthesis
    beside Chinese text that people read."""
    assert offenders() == []
