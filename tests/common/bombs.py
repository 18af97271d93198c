"""Hostile .xlsx files built in memory: small on disk, huge once unpacked or parsed."""

import io
import re
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def template(headers: Sequence[str], title: str = "Sheet") -> bytes:
    """A plain workbook whose first sheet holds ``headers`` in row 1 (the part we rewrite)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_parts(content: bytes, parts: dict[str, bytes | Iterable[bytes]]) -> bytes:
    """``content`` with some parts replaced (or added), each written compressed; a part given as
    an iterable of chunks is streamed, so a gigabyte part never sits in memory here."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, data in parts.items():
            if isinstance(data, bytes):
                target.writestr(name, data)
                continue
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in data:
                    stream.write(chunk)
    return out.getvalue()


def sheet_xml(rows: bytes, dimension: str | None = "A1:A1") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>'
        ).encode()
        + rows
        + b"</sheetData></worksheet>"
    )


def header_cells(headers: Sequence[str]) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(headers)
    )
    return f'<row r="1">{cells}</row>'.encode()


def repeated(unit: bytes, times: int, head: bytes = b"", tail: bytes = b"") -> Iterable[bytes]:
    """``head`` + ``unit`` × ``times`` + ``tail``, in chunks of about 1 MB."""
    yield head
    per_chunk = max(1, (1 << 20) // len(unit))
    block = unit * per_chunk
    full, rest = divmod(times, per_chunk)
    for _ in range(full):
        yield block
    yield unit * rest
    yield tail


def shared_strings_bomb(headers: Sequence[str], count: int, text: bytes = b"a") -> bytes:
    """A string table of ``count`` tiny entries, declared in [Content_Types].xml and used by a
    cell, as Excel writes it (openpyxl would keep every entry as a Python object)."""
    content = template(headers)
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read("[Content_Types].xml")
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    head = f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode()
    used = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    return replace_parts(
        content,
        {
            "[Content_Types].xml": types.replace(b"</Types>", override),
            STRINGS: repeated(b"<si><t>" + text + b"</t></si>", count, head, b"</sst>"),
            SHEET: sheet_xml(header_cells(headers) + used, "A1:B2"),
        },
    )


def dimension_bomb(headers: Sequence[str]) -> bytes:
    """A sheet that declares the whole grid and holds one cell in its far corner."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    rows = header_cells(headers) + far
    return replace_parts(template(headers), {SHEET: sheet_xml(rows, "A1:XFD1048576")})


def far_row_file(headers: Sequence[str], row: int = 1_048_576) -> bytes:
    """No declared range, one cell a million rows down: a million empty rows to walk."""
    far = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    return replace_parts(template(headers), {SHEET: sheet_xml(header_cells(headers) + far, None)})


def empty_rows_file(headers: Sequence[str], count: int) -> bytes:
    """``count`` empty styled rows after the header, without a declared range."""
    head = sheet_xml(header_cells(headers), None)[: -len(b"</sheetData></worksheet>")]

    def rows():
        yield head
        for start in range(2, count + 2, 10_000):
            numbers = range(start, min(start + 10_000, count + 2))
            yield b"".join(b'<row r="%d" s="1" customFormat="1"/>' % n for n in numbers)
        yield b"</sheetData></worksheet>"

    return replace_parts(template(headers), {SHEET: rows()})


def huge_cell_file(headers: Sequence[str], chars: int) -> bytes:
    """One data cell holding ``chars`` characters, written inline in the sheet."""
    head = sheet_xml(header_cells(headers), "A1:A2")[: -len(b"</sheetData></worksheet>")]
    head += b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row></sheetData></worksheet>"
    return replace_parts(template(headers), {SHEET: repeated(b"a", chars, head, tail)})


def many_parts_file(headers: Sequence[str], count: int) -> bytes:
    return replace_parts(template(headers), {f"xl/media/x{n}.bin": b"" for n in range(count)})


def strip_dimension(content: bytes) -> bytes:
    """``content`` with the first sheet's declared range removed."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        xml = source.read(SHEET)
    return replace_parts(content, {SHEET: re.sub(rb"<dimension[^>]*/>", b"", xml)})


def encrypted_flag(content: bytes) -> bytes:
    """``content`` with every member marked encrypted in the zip's central directory."""
    data = bytearray(content)
    start = 0
    while (at := data.find(b"PK\x01\x02", start)) != -1:
        data[at + 8] |= 0x1
        start = at + 4
    return bytes(data)


OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
