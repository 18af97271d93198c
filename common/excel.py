"""The one Excel (.xlsx) toolkit every import and export uses.

Reading (``read_sheets``): an upload is refused before openpyxl sees it when it is not named
.xlsx, is larger than ``max_bytes`` or unpacks to more than ``MAX_UNPACKED_BYTES`` (a zip
bomb); each sheet's header must be exactly the template's; only the template's columns of a
data row are read, fully empty rows are skipped, and reading stops with an error at the row
limit or after ``MAX_SCANNED_ROWS`` rows of any kind, so time and memory stay bounded whatever
the file holds. Every problem is a ``RowError`` naming its sheet, row and column in Chinese.

Writing: ``header_row`` styles a header, ``safe_row`` keeps text that looks like a formula as
text (a name typed as ``=HYPERLINK(…)`` never becomes a live formula in someone's Excel),
``workbook_bytes`` and ``xlsx_response`` turn a workbook into a download.
"""

import logging
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_SCANNED_ROWS = 20_000
MAX_HEADER_COLUMNS = 100
FORMULA_PREFIXES = ("=", "+", "-", "@")

Row = tuple[int, dict[str, Any]]  # (Excel row number, header → cell value)


@dataclass(frozen=True)
class RowError:
    """One problem of an import file; ``row`` is None for a problem of the whole file."""

    message: str
    row: int | None = None
    column: str = ""  # the column letter
    header: str = ""
    sheet: str = ""

    @property
    def location(self) -> str:
        where = ""
        if self.row is not None:
            where = f"第{self.row}行"
            if self.column:
                where += f" {self.column}列（{self.header}）"
        if self.sheet:
            where = f"“{self.sheet}”表 {where}".strip()
        return where

    def __str__(self) -> str:
        return f"{self.location}：{self.message}" if self.location else self.message


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of an import template: its name, its header and how many data rows it may hold."""

    name: str
    headers: tuple[str, ...]
    max_rows: int = 5000

    def letter(self, header: str) -> str:
        """The template's column letter of ``header`` ("选项A" → "C")."""
        return get_column_letter(self.headers.index(header) + 1)

    def error(self, row: int, header: str, message: str, *, named: bool = False) -> RowError:
        """A problem in one cell; ``named`` puts the sheet's name in the message too."""
        return RowError(message, row, self.letter(header), header, self.name if named else "")


@dataclass
class SheetRows:
    """What ``read_sheets`` found: each sheet's rows, or the errors that stop the import."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


INVALID_FILE = "文件不是有效的 Excel(.xlsx)文件。"


def cell_text(value: Any) -> str:
    """A cell's value as stripped text: 3.0 → "3", True → "正确", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "正确" if value else "错误"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def file_size(file: IO[bytes]) -> int:
    """Size of an uploaded or in-memory file, without reading it."""
    size = getattr(file, "size", None)
    if size is not None:
        return size
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def size_text(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} 字节"


def _file_problem(file: IO[bytes], max_bytes: int) -> str:
    name = getattr(file, "name", "") or ""
    if name and not name.lower().endswith(".xlsx"):
        return "文件类型不正确：请上传用模板填写的 .xlsx 文件（不支持 .xls、.csv 等格式）"
    if file_size(file) > max_bytes:
        return f"文件过大：超过上限 {size_text(max_bytes)}，请分批导入。"
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return INVALID_FILE
    finally:
        file.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        return f"文件解压后超过 {size_text(MAX_UNPACKED_BYTES)}，请删除多余的内容后再导入。"
    return ""


def read_sheets(
    file: IO[bytes], specs: Sequence[SheetSpec], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> SheetRows:
    """The data rows of every sheet in ``specs``, or the errors that stop the file.

    With one spec, a workbook without a sheet of that name is read from its first sheet (people
    rename sheets); with several, each must be there by name. Sheet names appear in the
    messages only when there are several.
    """
    if problem := _file_problem(file, max_bytes):
        return SheetRows(errors=[RowError(problem)])
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key, value errors) on bad input
        return SheetRows(errors=[RowError(INVALID_FILE)])
    try:
        return _read_workbook(workbook, specs)
    except Exception:  # a read-only sheet is parsed lazily, while iterating
        logger.info("Unreadable Excel import", exc_info=True)
        return SheetRows(errors=[RowError(INVALID_FILE)])
    finally:
        workbook.close()


def _read_workbook(workbook, specs: Sequence[SheetSpec]) -> SheetRows:
    result = SheetRows()
    named = len(specs) > 1
    for spec in specs:
        if spec.name in workbook.sheetnames:
            sheet = workbook[spec.name]
        elif not named:
            sheet = workbook.worksheets[0]
        else:
            message = f"缺少工作表“{spec.name}”，请使用下载的模板填写"
            result.errors.append(RowError(message, sheet=spec.name))
            continue
        rows, errors = _sheet_rows(sheet, spec, named)
        if errors:
            result.errors.extend(errors)
        else:
            result.rows[spec.name] = rows
    return result


def _sheet_rows(sheet, spec: SheetSpec, named: bool) -> tuple[list[Row], list[RowError]]:
    header = next(sheet.iter_rows(max_row=1, max_col=MAX_HEADER_COLUMNS, values_only=True), ())
    errors = header_errors(spec, [cell_text(value) for value in header], named)
    if errors:
        return [], errors
    rows: list[Row] = []
    width = len(spec.headers)
    data = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
    sheet_name = spec.name if named else ""
    for number, values in enumerate(data, start=2):
        if number > MAX_SCANNED_ROWS:
            message = f"超过 {MAX_SCANNED_ROWS} 行（含空行），请分成多个文件导入"
            return [], [RowError(message, sheet=sheet_name)]
        if not any(cell_text(value) for value in values):
            continue
        if len(rows) == spec.max_rows:
            message = f"超过 {spec.max_rows} 行的上限，请分成多个文件导入"
            return [], [RowError(message, sheet=sheet_name)]
        values = (*values, *[None] * (width - len(values)))
        rows.append((number, dict(zip(spec.headers, values, strict=True))))
    return rows, []


def same_label(actual: str, expected: str) -> bool:
    """Header text compared as people read it: full- and half-width forms of a character (（ and
    (, ： and :) are the same, surrounding spaces ignored."""
    return unicodedata.normalize("NFKC", actual).strip() == unicodedata.normalize("NFKC", expected)


def header_errors(spec: SheetSpec, cells: list[str], named: bool = False) -> list[RowError]:
    """Every header cell that is not the template's, and every extra column."""
    if not any(cells):
        return [
            RowError("第1行没有表头，请使用下载的模板填写", 1, sheet=spec.name if named else "")
        ]
    errors = []
    for index, expected in enumerate(spec.headers):
        actual = cells[index] if index < len(cells) else ""
        if same_label(actual, expected):
            continue
        message = f"表头应为“{expected}”，实际为“{actual}”" if actual else f"缺少表头“{expected}”"
        errors.append(spec.error(1, expected, message, named=named))
    for index in range(len(spec.headers), len(cells)):
        if cells[index]:
            message = f"多余的列“{cells[index]}”，请按模板删除"
            letter = get_column_letter(index + 1)
            errors.append(RowError(message, 1, letter, cells[index], spec.name if named else ""))
    return errors


# Writing -----------------------------------------------------------------------------------------


def header_row(sheet, labels: Sequence[str], widths: Sequence[int]) -> list[Cell]:
    """Bold, shaded header cells for ``sheet.append``, setting each column's width."""
    cells = []
    for index, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = WriteOnlyCell(sheet, value=label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cells.append(cell)
    return cells


def cell(sheet, value: Any, *, font=None, number_format: str = "", indent: int = 0) -> Cell:
    """A cell for ``sheet.append``; text that Excel would run as a formula stays text."""
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        result.data_type = "s"
    if font:
        result.font = font
    if number_format:
        result.number_format = number_format
    if indent:
        result.alignment = Alignment(indent=indent)
    return result


def safe_row(sheet, values: Iterable[Any]) -> list[Any]:
    """``values`` for ``sheet.append``, text that Excel would run as a formula kept as text."""
    return [
        cell(sheet, value)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
        else value
        for value in values
    ]


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of an .xlsx file under a (Chinese) file name."""
    return HttpResponse(
        content,
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
