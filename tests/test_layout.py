"""The test suite's own layout: one definition per fixture name, a docstring on every test."""

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def fixture_name(function: ast.FunctionDef) -> str | None:
    """The name ``function`` is registered under as a fixture (``name=`` if given), or None."""
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        if getattr(target, "attr", getattr(target, "id", None)) != "fixture":
            continue
        for keyword in call.keywords if call else ():
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                return keyword.value.value
        return function.name
    return None


def fixtures(source: str) -> list[tuple[str, int]]:
    """(name, line) of every fixture defined in ``source``, at any depth."""
    return [
        (name, node.lineno)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, FUNCTIONS) and (name := fixture_name(node))
    ]


def sources() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(TESTS.parent)), path.read_text(encoding="utf-8"))
        for path in sorted(TESTS.rglob("*.py"))
    ]


def test_no_fixture_name_is_defined_twice():
    """Each fixture name is defined once under tests/, so a name means one thing everywhere."""
    places = defaultdict(list)
    for path, source in sources():
        for name, line in fixtures(source):
            places[name].append(f"{path}:{line}")
    assert {name: where for name, where in places.items() if len(where) > 1} == {}


def test_every_form_of_fixture_definition_is_recognised():
    """@pytest.fixture, @pytest.fixture(...), a bare @fixture and name= all define a fixture."""
    source = (
        "import pytest\n"
        "from pytest import fixture\n"
        "@pytest.fixture\n"
        "def plain(): ...\n"
        "@pytest.fixture(scope='module')\n"
        "def scoped(): ...\n"
        "@fixture\n"
        "def bare(): ...\n"
        "@pytest.fixture(name='renamed')\n"
        "def _function(): ...\n"
        "@pytest.mark.django_db\n"
        "def test_something(): ...\n"
    )
    assert fixtures(source) == [("plain", 4), ("scoped", 6), ("bare", 8), ("renamed", 10)]


def test_every_test_states_its_behaviour():
    """Every test function has a docstring saying what behaviour it checks."""
    undocumented = [
        f"{path}:{node.lineno} {node.name}"
        for path, source in sources()
        if Path(path).name.startswith("test_")
        for node in ast.walk(ast.parse(source))
        if isinstance(node, FUNCTIONS)
        and node.name.startswith("test_")
        and not (ast.get_docstring(node) or "").strip()
    ]
    assert undocumented == []
