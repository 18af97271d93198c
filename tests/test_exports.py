"""No Excel export or template ever holds a live formula, and every workbook is a safe one."""

import ast
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from common.audit import audit, audit_workbook
from common.excel import looks_like_formula, new_workbook, safe_row, workbook_bytes
from learning.reports import export_workbook
from learning.reports.figures import ReportScope, unit_report
from learning.services.attendance import attendance_template
from learning.services.base import ENROL_ACTION
from learning.services.people_import import NewPerson, password_workbook
from learning.services.people_import import build_template as people_template
from quizzes import selectors
from quizzes.admin.statistics import statistics_workbook
from quizzes.excel import build_template as question_template
from quizzes.excel import export_questions
from quizzes.models import KnowledgePoint, Question
from tests.learning import factories as learning
from tests.quizzes import factories as quizzes

ROOT = Path(__file__).resolve().parent.parent
APPS = ("common", "config", "content", "quizzes", "learning")
HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def formulas(content: bytes) -> list[str]:
    """Every formula cell of a saved workbook, and every formula-like text without the quote
    prefix that keeps Excel from running it once edited."""
    found = []
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{sheet.title}!{cell.coordinate} formula {cell.value!r}")
                elif looks_like_formula(cell.value) and not cell.quotePrefix:
                    found.append(f"{sheet.title}!{cell.coordinate} unprefixed {cell.value!r}")
    return found


def texts(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content))
    return {
        cell.value.replace("\n", "\r")  # XML reads a carriage return back as a line feed
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


@pytest.fixture
def hostile_world(db):
    """A unit, learners, a question bank and a finished exam, every name a would-be formula."""
    root = learning.unit(HOSTILE[0], code="+C")
    area = learning.unit(HOSTILE[1], root, code="-A")
    people = [learning.learner(f"user{n}", area, name=text) for n, text in enumerate(HOSTILE)]
    for n, person in enumerate(people):
        person.profile.position = person.profile.phone = HOSTILE[(n + 1) % len(HOSTILE)][:20]
        person.profile.save()
    category = quizzes.category(HOSTILE[3])
    point = KnowledgePoint.objects.create(name=HOSTILE[2])
    questions = []
    for n, text in enumerate(HOSTILE):
        question = quizzes.single(category, n, stem=text, options=[*HOSTILE[:3], "=4"])
        question.explanation, question.source_reference = HOSTILE[-1], HOSTILE[2]
        question.save()
        question.knowledge_points.add(point)
        questions.append(question)
    exam = quizzes.fixed(quizzes.quiz(title=HOSTILE[0]), questions)
    for person in people:
        quizzes.finished_attempt(exam, person, [(q, "1", "2") for q in questions])
    programme = learning.programme(title=HOSTILE[4], units=[root])
    learning.quiz_item(programme, exam)
    for person in people:
        learning.enrol(programme, person)
    audit(programme, ENROL_ACTION, reason=HOSTILE[1], before=HOSTILE[2], after=HOSTILE[3])
    return {"root": root, "people": people, "exam": exam, "programme": programme}


def every_export(world) -> dict[str, bytes]:
    """Every workbook the project writes, keyed by the function that builds it."""
    scope = ReportScope(world["programme"], world["root"], timezone.localdate())
    report = unit_report(scope)
    item = learning.offline(world["programme"], title=HOSTILE[5])
    people = [NewPerson(f"{t}", t, t) for t in HOSTILE]
    return {
        "quizzes.excel.export.build_template": question_template(),
        "quizzes.excel.export.export_questions": export_questions(Question.objects.all()),
        "quizzes.admin.statistics.statistics_workbook": statistics_workbook(
            selectors.quiz_report(world["exam"])
        ),
        "learning.services.people_import.build_template": people_template(),
        "learning.services.people_import.password_workbook": password_workbook(people),
        "learning.services.attendance.attendance_template": attendance_template(item),
        "learning.reports.export.export_workbook": export_workbook(report),
        "learning.reports.export.export_workbook(own, all)": export_workbook(
            report, own=True, roster_kind="all"
        ),
        "common.audit.audit_workbook": audit_workbook(ModelLogEntry.objects.all()),
    }


def test_no_export_writes_a_formula(hostile_world):
    """Names, units, questions and titles that begin with = + - @ (or a tab or a carriage
    return) reach every export as text, quote-prefixed, never as a formula."""
    exports = every_export(hostile_world)
    for name, content in exports.items():
        assert formulas(content) == [], name
    # The hostile texts did reach the exports that carry them (the check above is not vacuous).
    assert set(HOSTILE) <= texts(exports["quizzes.excel.export.export_questions"])
    report = texts(exports["learning.reports.export.export_workbook(own, all)"])
    assert HOSTILE[0] in report and "+C" in report
    assert HOSTILE[0] in texts(exports["quizzes.admin.statistics.statistics_workbook"])
    assert set(HOSTILE) <= texts(exports["learning.services.people_import.password_workbook"])
    assert {HOSTILE[2], HOSTILE[3]} <= texts(exports["common.audit.audit_workbook"])


def builders_of_workbooks() -> set[str]:
    """``module.function`` of every function outside common/excel.py that calls new_workbook."""
    found = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "new_workbook":
                    found.add(f"{module}.{function.name}")
    return found


def python_files() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path.relative_to(ROOT).as_posix() != "common/excel.py"
    ]


def test_every_workbook_builder_is_in_the_export_test(hostile_world):
    """A new export (a new caller of new_workbook) fails here until it is added above."""
    covered = {name.split("(")[0] for name in every_export(hostile_world)}
    assert builders_of_workbooks() == covered


def test_no_module_builds_a_workbook_outside_the_toolkit():
    """Outside common/excel.py no module imports openpyxl's Workbook, load_workbook or a
    worksheet class: every workbook is a SafeWorkbook from ``new_workbook`` and every upload
    is read by ``read_sheets``."""
    forbidden = {"Workbook", "load_workbook", "WriteOnlyWorksheet", "Worksheet", "open"}
    offenders = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                offenders += [f"{path}: {a.name}" for a in node.names if a.name in forbidden]
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path}: import openpyxl" for a in node.names if a.name == "openpyxl"
                ]
            elif isinstance(node, ast.Attribute) and node.attr in forbidden and is_openpyxl(node):
                offenders.append(f"{path}: openpyxl.{node.attr}")
    assert offenders == []


def is_openpyxl(node: ast.Attribute) -> bool:
    return getattr(node.value, "id", "") == "openpyxl"


@pytest.mark.parametrize("write_only", [False, True])
def test_a_safe_workbook_keeps_text_however_a_cell_is_set(write_only):
    """append, sheet["A1"] = …, sheet.cell(…) and pre-built cells all come out as text."""
    book = new_workbook(write_only=write_only)
    sheet = book.create_sheet("表")
    sheet.append(HOSTILE)
    sheet.append(safe_row(sheet, HOSTILE))
    if not write_only:
        sheet["A3"] = "=1+1"
        sheet.cell(row=4, column=1, value="@A1")
    content = workbook_bytes(book)
    assert formulas(content) == []
    assert "=1+1" in texts(content) or write_only


def test_the_check_sees_a_formula():
    """The checker itself reports a formula written by plain openpyxl (it is not vacuous)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["=1+1", "+2"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(formulas(buffer.getvalue())) == 2


def test_numbers_and_dates_stay_numbers_and_dates():
    """Only text is touched: a negative number or a date keeps its type."""
    book = new_workbook()
    book.active.append([-5, 2.5, datetime.date(2026, 3, 5), "-"])
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    assert [cell.data_type for cell in sheet[1]] == ["n", "n", "d", "s"]
