"""The one Excel (.xlsx) toolkit every import and export uses.

Reading (``read_sheets``, the only reader of uploads): a file is refused before openpyxl parses
anything when it is not named .xlsx, is larger than ``max_bytes``, is not a zip package (an
.xls, an encrypted workbook, a damaged file) or its package breaks a ``Limits`` (settings
``EXCEL_MAX_*``): parts unpacked in total and each, compression ratio, number of parts, size
and entry count of the shared-string table, and each sheet's declared ``<dimension>``, read
from the first few KB of its XML. Those checks read the zip directory and stream at most the
string table, so a small file that would unpack to gigabytes costs milliseconds. Then each
sheet's header must be exactly the template's; only the template's columns of a data row are
kept, fully empty rows are skipped, and reading stops with an error at the row limit (empty rows
count), at a cell beyond the column limit, at a cell longer than Excel allows and when the
cells' text passes the budget, so time and memory stay bounded whatever the file holds. Every
problem is a ``RowError`` naming its sheet, row and column in Chinese.

Writing: every export and template is a ``new_workbook()`` (``SafeWorkbook``), which never saves
a formula: text beginning with = + - @, a tab or a carriage return is written as text with
Excel's quote prefix (a name typed as ``=HYPERLINK(…)`` never becomes a live formula in
someone's Excel); ``tests/test_exports.py`` fails when a module builds a workbook otherwise.
``header_row`` styles a header, ``cell`` and ``safe_row`` build rows for ``append``,
``workbook_bytes`` and ``xlsx_response`` turn a workbook into a download.
"""

import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

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
                where += f" {self.column}列" + (f"（{self.header}）" if self.header else "")
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


@dataclass(frozen=True)
class Limits:
    """What an import file may hold; each is a setting (``config/settings.py``, env defaults)."""

    unpacked_bytes: int = 50 * 1024 * 1024  # EXCEL_MAX_UNPACKED_BYTES: all parts unpacked
    member_bytes: int = 30 * 1024 * 1024  # EXCEL_MAX_MEMBER_BYTES: one part unpacked
    ratio: int = 100  # EXCEL_MAX_COMPRESSION_RATIO, for parts over RATIO_FLOOR unpacked
    members: int = 200  # EXCEL_MAX_MEMBERS: parts in the package
    shared_strings_bytes: int = 20 * 1024 * 1024  # EXCEL_MAX_SHARED_STRINGS_BYTES
    shared_strings: int = 200_000  # EXCEL_MAX_SHARED_STRINGS: entries of the string table
    rows: int = 20_000  # EXCEL_MAX_ROWS: rows of a sheet, empty ones included
    columns: int = 100  # EXCEL_MAX_COLUMNS
    text_chars: int = 10_000_000  # EXCEL_MAX_TEXT_CHARS: characters read from all cells

    @classmethod
    def from_settings(cls) -> "Limits":
        names = {
            "unpacked_bytes": "EXCEL_MAX_UNPACKED_BYTES",
            "member_bytes": "EXCEL_MAX_MEMBER_BYTES",
            "ratio": "EXCEL_MAX_COMPRESSION_RATIO",
            "members": "EXCEL_MAX_MEMBERS",
            "shared_strings_bytes": "EXCEL_MAX_SHARED_STRINGS_BYTES",
            "shared_strings": "EXCEL_MAX_SHARED_STRINGS",
            "rows": "EXCEL_MAX_ROWS",
            "columns": "EXCEL_MAX_COLUMNS",
            "text_chars": "EXCEL_MAX_TEXT_CHARS",
        }
        defaults = cls()
        return cls(**{f: getattr(settings, n, getattr(defaults, f)) for f, n in names.items()})


RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpacked may compress as well as they like
HEAD_BYTES = 8192  # how much of a sheet's XML is read to find its <dimension>
CELL_CHARS = 32_767  # Excel's own limit for one cell
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx with a password
SHARED_STRINGS_TYPE = b"spreadsheetml.sharedStrings+xml"
WORKSHEET_TYPE = b"spreadsheetml.worksheet+xml"
STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Override\b[^>]*>")
PART_NAME = re.compile(rb'PartName="/?([^"]+)"')
CONTENT_TYPE = re.compile(rb'ContentType="([^"]+)"')
ENCRYPTED = "文件已加密或是旧版 .xls 格式：请取消密码保护，在 Excel 中另存为 .xlsx 文件后再导入"
SPLIT = "请删除多余的内容或分成多个文件导入"


def _file_problem(file: IO[bytes], max_bytes: int, limits: Limits) -> str:
    name = getattr(file, "name", "") or ""
    if name and not name.lower().endswith(".xlsx"):
        return "文件类型不正确：请上传用模板填写的 .xlsx 文件（不支持 .xls、.csv 等格式）"
    if file_size(file) > max_bytes:
        return f"文件过大：超过上限 {size_text(max_bytes)}，请分批导入。"
    try:
        if file.read(len(OLE_SIGNATURE)) == OLE_SIGNATURE:
            return ENCRYPTED
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return _package_problem(archive, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return INVALID_FILE
    except NotImplementedError:  # a compression method zipfile does not know
        return INVALID_FILE
    finally:
        file.seek(0)


def _package_problem(archive: zipfile.ZipFile, limits: Limits) -> str:
    """What is wrong with the zip package itself, read from its directory and a few small
    reads, before any XML is parsed."""
    members = archive.infolist()
    if len(members) > limits.members:
        return (
            f"文件内部的部件过多（{len(members)} 个，上限 {limits.members} 个），不是有效的模板文件"
        )
    if any(info.flag_bits & 0x1 for info in members):
        return ENCRYPTED
    for info in members:
        if problem := _member_problem(info, limits):
            return problem
    if sum(info.file_size for info in members) > limits.unpacked_bytes:
        return f"文件解压后过大：超过 {size_text(limits.unpacked_bytes)}，{SPLIT}"
    strings, sheets = _typed_parts(archive)
    for info in members:
        if info.filename in strings or info.filename.lower().endswith("sharedstrings.xml"):
            problem = _shared_strings_problem(archive, info, limits)
        elif info.filename in sheets or info.filename.startswith("xl/worksheets/"):
            problem = _dimension_problem(archive, info, limits)
        else:
            continue
        if problem:
            return problem
    return ""


def _member_problem(info: zipfile.ZipInfo, limits: Limits) -> str:
    if info.file_size > limits.member_bytes:
        return f"文件解压后过大：其中一个部件超过 {size_text(limits.member_bytes)}，{SPLIT}"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR and ratio > limits.ratio:
        return (
            f"文件解压后过大：内容被压缩了 {ratio:.0f} 倍（上限 {limits.ratio} 倍），"
            "可能含有大量重复或空白的内容，请只保留模板中的数据后另存再导入"
        )
    return ""


def _typed_parts(archive: zipfile.ZipFile) -> tuple[set[str], set[str]]:
    """The shared-string and worksheet parts named in [Content_Types].xml (a small file)."""
    try:
        with archive.open("[Content_Types].xml") as source:
            text = source.read(512 * 1024)
    except KeyError:
        return set(), set()
    strings, sheets = set(), set()
    for tag in OVERRIDE.findall(text):
        part, kind = PART_NAME.search(tag), CONTENT_TYPE.search(tag)
        if not part or not kind:
            continue
        name = part.group(1).decode("utf-8", "replace")
        if kind.group(1).endswith(SHARED_STRINGS_TYPE):
            strings.add(name)
        elif kind.group(1).endswith(WORKSHEET_TYPE):
            sheets.add(name)
    return strings, sheets


def _shared_strings_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> str:
    if info.file_size > limits.shared_strings_bytes:
        size = size_text(limits.shared_strings_bytes)
        return f"文件解压后过大：文字表（sharedStrings.xml）超过 {size}，{SPLIT}"
    count, tail = 0, b""
    with archive.open(info) as source:
        while chunk := source.read(256 * 1024):
            buffer = tail + chunk  # an entry cut between two chunks is counted once, whole
            count += len(STRING_ITEM.findall(buffer)) - len(STRING_ITEM.findall(tail))
            if count > limits.shared_strings:
                return f"文件中的不同文字过多（超过 {limits.shared_strings} 条），{SPLIT}"
            tail = buffer[-32:]
    return ""


def _dimension_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> str:
    """A sheet whose declared range (``<dimension ref=…>``, near the start of its XML) is larger
    than the limits: openpyxl would pad every row to its width and yield every row of it."""
    with archive.open(info) as source:
        head = source.read(HEAD_BYTES)
    found = DIMENSION.search(head)
    if not found:
        return ""
    ref = found.group(1).decode("ascii", "replace")
    try:
        _, _, columns, rows = range_boundaries(ref)
    except (ValueError, TypeError):
        return f"工作表声明的范围无效（{ref[:40]}），请在 Excel 中另存为 .xlsx 文件后再导入"
    if (rows or 0) > limits.rows or (columns or 0) > limits.columns:
        return (
            f"工作表声明的范围过大（{ref[:40]}，上限 {limits.rows} 行、{limits.columns} 列），"
            "请删除多余的行和列（或只把数据复制到新的模板中）后再导入"
        )
    return ""


def read_sheets(
    file: IO[bytes], specs: Sequence[SheetSpec], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> SheetRows:
    """The data rows of every sheet in ``specs``, or the errors that stop the file.

    With one spec, a workbook without a sheet of that name is read from its first sheet (people
    rename sheets); with several, each must be there by name. Sheet names appear in the
    messages only when there are several.
    """
    limits = Limits.from_settings()
    if problem := _file_problem(file, max_bytes, limits):
        return SheetRows(errors=[RowError(problem)])
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key, value errors) on bad input
        logger.info("Unreadable Excel import", exc_info=True)
        return SheetRows(errors=[RowError(INVALID_FILE)])
    try:
        return _read_workbook(workbook, specs, _Budget(limits))
    except Exception:  # a read-only sheet is parsed lazily, while iterating
        logger.info("Unreadable Excel import", exc_info=True)
        return SheetRows(errors=[RowError(INVALID_FILE)])
    finally:
        workbook.close()


@dataclass
class _Budget:
    """The limits of one read and the characters of cell text read so far."""

    limits: Limits
    chars: int = 0


def _read_workbook(workbook, specs: Sequence[SheetSpec], budget: _Budget) -> SheetRows:
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
        rows, errors = _sheet_rows(sheet, spec, named, budget)
        if errors:
            result.errors.extend(errors)
        else:
            result.rows[spec.name] = rows
    return result


def _sheet_rows(
    sheet, spec: SheetSpec, named: bool, budget: _Budget
) -> tuple[list[Row], list[RowError]]:
    columns = budget.limits.columns
    header = next(sheet.iter_rows(max_row=1, max_col=columns, values_only=True), ())
    errors = header_errors(spec, [cell_text(value) for value in header], named)
    if errors:
        return [], errors
    rows: list[Row] = []
    width = len(spec.headers)
    # One column past the limit shows whether a row holds anything beyond it.
    data = sheet.iter_rows(min_row=2, max_col=columns + 1, values_only=True)
    sheet_name = spec.name if named else ""
    for number, values in enumerate(data, start=2):
        if problem := _row_problem(number, values, width, budget, sheet_name):
            return [], [problem]
        values = values[:width]
        if not any(cell_text(value) for value in values):
            continue
        if len(rows) == spec.max_rows:
            message = f"超过 {spec.max_rows} 行的上限，请分成多个文件导入"
            return [], [RowError(message, sheet=sheet_name)]
        values = (*values, *[None] * (width - len(values)))
        rows.append((number, dict(zip(spec.headers, values, strict=True))))
    return rows, []


def _row_problem(
    number: int, values: tuple, width: int, budget: _Budget, sheet: str
) -> RowError | None:
    """The row limit, the column limit, one kept cell's length and the file's text budget."""
    limits = budget.limits
    if number > limits.rows:
        return RowError(f"超过 {limits.rows} 行（含空行），请分成多个文件导入", sheet=sheet)
    if len(values) > limits.columns and values[limits.columns] not in (None, ""):
        letter = get_column_letter(limits.columns + 1)
        message = f"超过 {limits.columns} 列的上限，请按模板删除多余的列"
        return RowError(message, number, letter, sheet=sheet)
    for index, value in enumerate(values[:width], start=1):
        if value is None:
            continue
        length = len(value) if isinstance(value, str) else 20
        budget.chars += length
        if length > CELL_CHARS:
            message = f"单元格文字过长（{length} 字，Excel 单元格上限 {CELL_CHARS} 字）"
            return RowError(message, number, get_column_letter(index), sheet=sheet)
    if budget.chars > limits.text_chars:
        message = f"文件中的文字总量超过 {limits.text_chars} 字，请分成多个文件导入"
        return RowError(message, number, sheet=sheet)
    return None


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


def looks_like_formula(value: Any) -> bool:
    """Text that Excel (or a CSV reader) would run as a formula: it begins with = + - @, a tab
    or a carriage return."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def as_text(target: Cell) -> Cell:
    """``target`` kept as text: a formula or formula-like string becomes a string cell with
    Excel's quote prefix (the ' typed before text), so even editing it keeps it text."""
    value = getattr(target, "_value", None)  # a merged cell has none
    if target.data_type == "f" or looks_like_formula(value):
        target._value = value if isinstance(value, str) else str(getattr(value, "text", value))
        target.data_type = "s"
        target.quotePrefix = True
    return target


def cell(sheet, value: Any, *, font=None, number_format: str = "", indent: int = 0) -> Cell:
    """A cell for ``sheet.append``; text that Excel would run as a formula stays text."""
    result = as_text(WriteOnlyCell(sheet, value=value))
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
        as_text(value)
        if isinstance(value, Cell)
        else cell(sheet, value)
        if looks_like_formula(value)
        else value
        for value in values
    ]


class SafeWriteOnlyWorksheet(WriteOnlyWorksheet):
    """A write-only sheet whose every appended row goes through ``safe_row``."""

    def append(self, row):
        super().append(safe_row(self, row))


class SafeWorkbook(Workbook):
    """The one workbook every export writes (``new_workbook``): write-only sheets keep text as
    text as rows are appended, other sheets are made safe as a whole when saved, however their
    cells were set (``append``, ``sheet["A1"] = …``, ``sheet.cell(…)``)."""

    def create_sheet(self, title=None, index=None):
        if not self.write_only:
            return super().create_sheet(title, index)
        sheet = SafeWriteOnlyWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet

    def save(self, filename):
        for sheet in self.worksheets:
            for target in getattr(sheet, "_cells", {}).values():
                as_text(target)
        super().save(filename)


def new_workbook(*, write_only: bool = False) -> SafeWorkbook:
    """A workbook for an export or a template; no cell of it is ever saved as a formula."""
    return SafeWorkbook(write_only=write_only)


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
