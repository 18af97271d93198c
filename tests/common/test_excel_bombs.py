"""Hostile Excel files are refused quickly, in bounded memory, and nothing is written."""

import io
import time
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common import excel
from common.excel import SheetSpec, read_sheets
from learning.models import AttendanceRecord, Unit
from learning.services.attendance import SHEET as ATTENDANCE_SHEET
from learning.services.people_import import PEOPLE_SHEET, SPECS, import_people
from quizzes.excel import HEADERS, import_questions
from quizzes.models import Question
from tests.common import bombs

SPEC = SheetSpec("名单", ("用户名", "学时"), max_rows=5000)
HEADER = SPEC.headers
# A refusal takes milliseconds and the unguarded reads take from a minute to many minutes; the
# bound is generous because the machine running the tests may be busy.
SECONDS = 20


def upload(content: bytes, name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def read(content: bytes) -> tuple[list[str], float, int]:
    """The messages of reading ``content``, the seconds it took and the peak bytes Python
    allocated while reading it again under tracemalloc (which slows it down)."""
    started = time.perf_counter()
    found = read_sheets(io.BytesIO(content), [SPEC])
    seconds = time.perf_counter() - started
    tracemalloc.start()
    read_sheets(io.BytesIO(content), [SPEC])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return [str(error) for error in found.errors], seconds, peak


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if the file reaches openpyxl (and so the row loop)."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a file the guard should refuse")

    monkeypatch.setattr(excel, "load_workbook", refuse)


@pytest.fixture
def no_row_loop(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the row loop was reached")

    monkeypatch.setattr(excel, "_sheet_rows", refuse)


# Refused from the zip directory, before any XML is parsed -------------------------------------


def test_three_million_shared_strings_are_refused_unparsed(no_openpyxl):
    """A 130 KB file whose string table unpacks to 51 MB is refused in a moment, unread."""
    content = bombs.shared_strings_bomb(HEADER, 3_000_000)
    assert len(content) < 200_000
    messages, seconds, peak = read(content)
    assert len(messages) == 1 and messages[0].startswith("文件解压后过大")
    assert seconds < SECONDS and peak < 2 * 1024 * 1024


def test_a_string_table_with_too_many_entries_is_counted_and_refused(settings, no_openpyxl):
    """Under every size limit, 300,000 entries are still refused: they are counted by streaming
    the table, so openpyxl never builds 300,000 Python objects (without the count, the read
    peaks at about 41 MB under tracemalloc and takes over a minute)."""
    settings.EXCEL_MAX_COMPRESSION_RATIO = 10**6
    content = bombs.shared_strings_bomb(HEADER, 300_000, b"ab")
    messages, seconds, peak = read(content)
    assert messages == [
        "文件中的不同文字过多（超过 200000 条），请删除多余的内容或分成多个文件导入"
    ]
    assert seconds < SECONDS and peak < 4 * 1024 * 1024


def test_a_highly_compressed_part_is_refused(no_openpyxl):
    """A part that unpacks to over 100 times its packed size (blank rows, repeated text) is
    refused by its compression ratio."""
    messages, _, _ = read(bombs.huge_cell_file(HEADER, 20_000_000))
    assert len(messages) == 1 and "压缩了" in messages[0] and "上限 100 倍" in messages[0]


def test_a_declared_range_of_the_whole_grid_is_refused(no_openpyxl):
    """A sheet declaring A1:XFD1048576 is refused from the first bytes of its XML."""
    messages, seconds, _ = read(bombs.dimension_bomb(HEADER))
    assert messages == [
        "工作表声明的范围过大（A1:XFD1048576，上限 20000 行、100 列），"
        "请删除多余的行和列（或只把数据复制到新的模板中）后再导入"
    ]
    assert seconds < SECONDS


def test_too_many_parts_are_refused(no_openpyxl):
    """A package of hundreds of parts is not a template and is refused."""
    messages, _, _ = read(bombs.many_parts_file(HEADER, 300))
    assert len(messages) == 1 and messages[0].startswith("文件内部的部件过多")


@pytest.mark.parametrize(
    "content",
    [bombs.OLE_FILE, bombs.encrypted_flag(bombs.template(HEADER))],
    ids=["ole-or-xls", "encrypted-zip"],
)
def test_an_encrypted_or_old_format_file_is_told_apart(content, no_openpyxl):
    """A password-protected workbook or an .xls renamed .xlsx gets its own message."""
    assert read(content)[0] == [excel.ENCRYPTED]


def test_an_xls_upload_is_refused_by_name(no_openpyxl):
    """An upload named .xls is told to be saved as .xlsx."""
    found = read_sheets(upload(bombs.OLE_FILE, "名单.xls"), [SPEC])
    assert "不支持 .xls" in str(found.errors[0])


def test_limits_are_settings(settings, no_openpyxl):
    """Each limit follows its setting (EXCEL_MAX_*)."""
    settings.EXCEL_MAX_MEMBERS = 5
    assert read(bombs.template(HEADER))[0][0].startswith("文件内部的部件过多")


# Stopped in the row loop -----------------------------------------------------------------------


def test_a_cell_a_million_rows_down_stops_at_the_row_limit():
    """Without a declared range, a far cell means a million empty rows: reading stops at 20,000."""
    messages, seconds, _ = read(bombs.far_row_file(HEADER))
    assert messages == ["超过 20000 行（含空行），请分成多个文件导入"]
    assert seconds < SECONDS


def test_a_million_empty_rows_are_refused(no_row_loop):
    """A million styled empty rows (2.4 MB packed) are refused before the rows are walked."""
    content = bombs.empty_rows_file(HEADER, 1_000_000)
    messages, seconds, _ = read(content)
    assert len(messages) == 1 and messages[0].startswith("文件解压后过大")
    assert seconds < SECONDS


def test_empty_rows_within_the_size_limits_stop_at_the_row_limit(settings):
    """Empty rows that pass every size limit still stop at the row limit."""
    settings.EXCEL_MAX_ROWS = 1000
    messages, _, _ = read(bombs.empty_rows_file(HEADER, 5000))
    assert messages == ["超过 1000 行（含空行），请分成多个文件导入"]


def test_a_huge_single_cell_is_refused_with_its_place(settings):
    """One cell longer than Excel allows is an error at its row and column."""
    settings.EXCEL_MAX_COMPRESSION_RATIO = 10**6
    messages, seconds, _ = read(bombs.huge_cell_file(HEADER, 1_000_000))
    assert messages == ["第2行 A列：单元格文字过长（1000000 字，Excel 单元格上限 32767 字）"]
    assert seconds < SECONDS


def test_the_text_budget_stops_reading(settings):
    """Past EXCEL_MAX_TEXT_CHARS characters of cell text, reading stops with a message."""
    settings.EXCEL_MAX_TEXT_CHARS = 30_000
    messages, _, _ = read(bombs.huge_cell_file(HEADER, 31_000))
    assert messages == ["第2行：文件中的文字总量超过 30000 字，请分成多个文件导入"]


# Every import, through its own entry point, writes nothing -------------------------------------


BOMBS = {
    "shared-strings": lambda headers: bombs.shared_strings_bomb(headers, 3_000_000),
    "dimension": bombs.dimension_bomb,
    "far-row": bombs.far_row_file,
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BOMBS)
def test_the_question_import_refuses_bombs_and_writes_nothing(kind):
    """The question bank import reports the bomb and creates no question."""
    result = import_questions(upload(BOMBS[kind](HEADERS), "题目.xlsx"))
    assert result.errors and Question.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BOMBS)
def test_the_people_import_refuses_bombs_and_writes_nothing(kind):
    """The people import reports the bomb and creates no unit and no user."""
    users = get_user_model().objects.count()
    headers = SPECS[PEOPLE_SHEET].headers
    result = import_people(upload(BOMBS[kind](headers), "人员.xlsx"), now=timezone.now())
    assert result.errors
    assert Unit.objects.count() == 0 and get_user_model().objects.count() == users


@pytest.mark.django_db
def test_the_admin_pages_answer_a_bomb_with_the_message(admin_client):
    """Uploaded in the admin, a bomb gets the page with its message, never a server error."""
    content = bombs.shared_strings_bomb(HEADERS, 3_000_000)
    response = admin_client.post(
        reverse("question_import:import"), {"file": upload(content, "题目.xlsx")}
    )
    assert response.status_code == 200 and "文件解压后过大" in response.content.decode()
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_the_attendance_import_refuses_a_bomb_and_writes_nothing(admin_client):
    """The attendance import shows the message and records nothing."""
    from tests.learning import factories

    programme = factories.programme()
    session = factories.offline(programme, hours="2")
    url = reverse("admin_programmes:attendance_import", args=[session.pk])
    content = bombs.dimension_bomb(ATTENDANCE_SHEET.headers)
    response = admin_client.post(url, {"file": upload(content, "出席.xlsx")})
    assert response.status_code == 200 and "声明的范围过大" in response.content.decode()
    assert AttendanceRecord.objects.count() == 0
