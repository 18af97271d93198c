"""The shared Excel toolkit: safe reading with limits, header checks, safe writing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from common import excel
from common.excel import RowError, SheetSpec, read_sheets, safe_row, workbook_bytes
from tests.common import bombs

SPEC = SheetSpec("名单", ("用户名", "学时"), max_rows=3)


def workbook(rows, *, header=("用户名", "学时"), title="名单") -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    return io.BytesIO(workbook_bytes(book))


def messages(found) -> list[str]:
    return [str(error) for error in found.errors]


def test_rows_are_read_by_header_and_empty_rows_skipped():
    """Each data row maps header → value with its Excel row number; empty rows do not count."""
    found = read_sheets(workbook([("a", 1), (None, None), ("b", 2.5)]), [SPEC])
    assert found.errors == []
    assert found.rows["名单"] == [
        (2, {"用户名": "a", "学时": 1}),
        (4, {"用户名": "b", "学时": 2.5}),
    ]


def test_a_renamed_sheet_is_read_when_only_one_is_expected():
    """With one sheet in the template, the first sheet is read whatever it is called."""
    found = read_sheets(workbook([("a", 1)], title="Sheet1"), [SPEC])
    assert found.rows["名单"] == [(2, {"用户名": "a", "学时": 1})]


def test_header_errors_name_the_column():
    """A wrong, missing or extra header cell is reported with its column."""
    found = read_sheets(workbook([], header=("姓名", "", "备注")), [SPEC])
    assert messages(found) == [
        "第1行 A列（用户名）：表头应为“用户名”，实际为“姓名”",
        "第1行 B列（学时）：缺少表头“学时”",
        "第1行 C列（备注）：多余的列“备注”，请按模板删除",
    ]


def test_the_row_limit_refuses_the_whole_file():
    """More data rows than the sheet allows is one error for the whole file."""
    found = read_sheets(workbook([("a", 1)] * 4), [SPEC])
    assert found.rows == {} and messages(found) == ["超过 3 行的上限，请分成多个文件导入"]


def test_a_sheet_of_empty_rows_stops_at_the_scan_limit(settings):
    """Formatted but empty rows are not read forever: reading stops at EXCEL_MAX_ROWS."""
    settings.EXCEL_MAX_ROWS = 50
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "学时"])
    for number in range(2, 200):
        sheet.cell(row=number, column=1).number_format = "@"
        sheet.cell(row=number, column=1).value = ""
    content = bombs.replace_parts(workbook_bytes(book), {})  # as written: A1:B199 declared
    assert "声明的范围过大" in messages(read_sheets(io.BytesIO(content), [SPEC]))[0]
    undeclared = bombs.strip_dimension(content)
    found = read_sheets(io.BytesIO(undeclared), [SPEC])
    assert messages(found) == ["超过 50 行（含空行），请分成多个文件导入"]


@pytest.mark.parametrize("content", [b"not a spreadsheet", b"PK\x03\x04broken zip", b""])
def test_a_file_that_is_not_xlsx_is_refused(content):
    """Anything that is not an .xlsx package is reported as such, never a server error."""
    assert messages(read_sheets(io.BytesIO(content), [SPEC])) == [excel.INVALID_FILE]


def test_a_file_named_otherwise_is_refused_before_reading():
    """An upload not named .xlsx (an .xls or .csv) is refused with what to upload instead."""
    upload = SimpleUploadedFile("名单.csv", b"a,b")
    assert "文件类型不正确" in messages(read_sheets(upload, [SPEC]))[0]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    """The size limit is checked before openpyxl opens anything."""
    found = read_sheets(workbook([("a", 1)]), [SPEC], max_bytes=100)
    assert messages(found) == ["文件过大：超过上限 100 字节，请分批导入。"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    """A small file that unpacks to more than EXCEL_MAX_UNPACKED_BYTES is refused unread."""
    settings.EXCEL_MAX_UNPACKED_BYTES = 10_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "x" * 50_000)
    found = read_sheets(io.BytesIO(buffer.getvalue()), [SPEC])
    assert "解压后过大" in messages(found)[0]


def test_a_damaged_sheet_is_refused_with_a_message():
    """A file whose sheet XML is broken is reported as not a valid workbook."""
    source = workbook([("a", 1)])
    damaged = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as target:
        for entry in original.infolist():
            broken = b"<worksheet><sheetData><row" if "worksheets/" in entry.filename else None
            target.writestr(entry, broken or original.read(entry))
    damaged.seek(0)
    assert messages(read_sheets(damaged, [SPEC])) == [excel.INVALID_FILE]


def test_several_sheets_are_each_required_and_named_in_messages():
    """With several sheets, a missing one is an error naming it."""
    specs = [SPEC, SheetSpec("单位", ("单位编码",))]
    found = read_sheets(workbook([("a", 1)]), specs)
    assert messages(found) == ["“单位”表：缺少工作表“单位”，请使用下载的模板填写"]


def test_row_error_reads_sheet_row_and_column():
    """An error reads “人员”表 第3行 D列(职级类别):…, a file error just its message."""
    error = RowError("职级类别无效", 3, "D", "职级类别", "人员")
    assert str(error) == "“人员”表 第3行 D列（职级类别）：职级类别无效"
    assert str(RowError("文件过大")) == "文件过大"


def test_text_that_looks_like_a_formula_stays_text():
    """A name typed as a formula is written as text, never as a live formula."""
    book = Workbook()
    sheet = book.active
    sheet.append(safe_row(sheet, ['=HYPERLINK("http://x")', 3, "张三"]))
    cell = load_workbook(io.BytesIO(workbook_bytes(book))).active["A1"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
