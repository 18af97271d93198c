"""Reading a regulation from pasted text or an uploaded .docx / .txt, within fixed limits.

Every refusal is a ``RegulationTextError`` with a Chinese message saying what is wrong; nothing
is read past the limits, so time and memory stay bounded whatever is uploaded.
"""

import io
import zipfile
from typing import IO

from content.regulations.parse import ParsedDocument, read_regulation

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_CHARS = 300_000
MAX_ARTICLES = 500
EXTENSIONS = (".docx", ".txt")


class RegulationTextError(Exception):
    """A text or file that cannot be imported; ``str(error)`` is the message for the user."""


def read_text(*, text: str = "", upload: IO[bytes] | None = None, name: str = "") -> str:
    """The text of the paste or of the uploaded file."""
    if upload is not None:
        text = _file_text(upload, name)
        where = f"文件“{name}”"
    else:
        where = "粘贴的文本"
    if not text.strip():
        raise RegulationTextError(f"{where}是空的，没有可导入的内容。")
    if len(text) > MAX_CHARS:
        raise RegulationTextError(
            f"{where}共 {len(text)} 字，超过 {MAX_CHARS} 字的上限，请分成几个文件导入。"
        )
    return text


def split_text(text: str) -> ParsedDocument:
    """The document split into articles, or an error when no numbering is found."""
    doc = read_regulation(text)
    if not doc.articles:
        raise RegulationTextError(
            "文本中没有找到条目编号，无法拆分。请确认条文以“第一条”“一、”“（一）”“1.”"
            "等编号开头，每条另起一行。"
        )
    if len(doc.articles) > MAX_ARTICLES:
        raise RegulationTextError(
            f"识别出 {len(doc.articles)} 条，超过每次 {MAX_ARTICLES} 条的上限，请分成几部分导入。"
        )
    return doc


def _file_text(upload: IO[bytes], name: str) -> str:
    lower = name.lower()
    if not lower.endswith(EXTENSIONS):
        raise RegulationTextError(
            f"文件“{name}”不是 .docx 或 .txt 文件。旧版 .doc、PDF 等请先另存为 .docx 或 .txt。"
        )
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RegulationTextError(
            f"文件“{name}”超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限，请删去图片等内容后再上传。"
        )
    if not data:
        raise RegulationTextError(f"文件“{name}”是空的，没有可导入的内容。")
    return _docx_text(data, name) if lower.endswith(".docx") else _plain_text(data, name)


def _plain_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RegulationTextError(
            f"文件“{name}”不是文本文件，请上传纯文本（.txt）或 Word（.docx）文件。"
        )
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegulationTextError(
        f"文件“{name}”无法识别文字编码，请另存为 UTF-8 编码的 .txt 文件后再上传。"
    )


def _docx_text(data: bytes, name: str) -> str:
    """The paragraphs of a Word document (tables' cells too), one per line."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    problem = f"文件“{name}”不是有效的 Word（.docx）文档，可能已损坏或只是改了扩展名。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RegulationTextError(problem) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise RegulationTextError(f"文件“{name}”解压后过大，请删去图片等内容后再上传。")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise RegulationTextError(problem) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines)
