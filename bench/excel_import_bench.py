"""Time and peak memory of reading an Excel import: the largest file the limits allow, and bombs.

    .venv/bin/python bench/excel_import_bench.py

Each file is built first and written to a temporary folder; each is then read by
``common.excel.read_sheets`` (the one reader of every import) in a fresh Python process, which
reports the wall time of the read and how much its peak resident memory (VmHWM, reset just
before the read; Linux) grew during it. It prints figures; it does not pass or fail. ``--no-guard`` lifts every package limit (the
row loop's limits stay) to show what the guard saves; the bombs are then slow, so it runs the
smaller ones only.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CJK = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
NO_GUARD = {
    "EXCEL_MAX_UNPACKED_BYTES": 1 << 40,
    "EXCEL_MAX_MEMBER_BYTES": 1 << 40,
    "EXCEL_MAX_COMPRESSION_RATIO": 1 << 40,
    "EXCEL_MAX_MEMBERS": 1 << 40,
    "EXCEL_MAX_SHARED_STRINGS_BYTES": 1 << 40,
    "EXCEL_MAX_SHARED_STRINGS": 1 << 40,
}


def text(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(CJK, k=length))


def largest_question_file(rows: int, stem: int, option: int, explanation: int) -> bytes:
    """A question bank import at the row limit with long, all-different texts."""
    from common.excel import new_workbook, workbook_bytes
    from quizzes.excel import HEADERS

    rng = random.Random(7)
    book = new_workbook()
    sheet = book.active
    sheet.title = "题目"
    sheet.append(HEADERS)
    for number in range(rows):
        sheet.append(
            ["单选题", text(rng, stem), *[text(rng, option) for _ in range(4)], "", "", "A"]
            + [text(rng, explanation), 3, 1, "法规/第一章", "知识点", "", "", "", "已发布", ""]
            + [f"g{number}"]
        )
    return workbook_bytes(book)


def dense_file(rows: int) -> bytes:
    """Every cell of every row a different short text: the most string-table entries per row."""
    from common.excel import new_workbook, workbook_bytes
    from quizzes.excel import HEADERS

    book = new_workbook()
    sheet = book.active
    sheet.title = "题目"
    sheet.append(HEADERS)
    for number in range(rows):
        sheet.append([f"{number}-{column}" for column in range(len(HEADERS))])
    return workbook_bytes(book)


def full_table(count: int, length: int) -> bytes:
    """A string table just under the entry limit, every entry different, as Excel declares it."""
    from quizzes.excel import HEADERS
    from tests.common import bombs

    rng = random.Random(11)
    entries = (f"<si><t>{text(rng, length)}</t></si>".encode() for _ in range(count))
    content = bombs.shared_strings_bomb(HEADERS, 1)
    return bombs.replace_parts(
        content,
        {bombs.STRINGS: [f'<sst xmlns="{bombs.MAIN}">'.encode(), *entries, b"</sst>"]},
    )


def build(folder: Path, guard: bool) -> list[tuple[str, Path]]:
    import django

    django.setup()
    from quizzes.excel import HEADERS
    from tests.common import bombs

    cases = {"largest legitimate (5,000 questions)": largest_question_file(5000, 120, 30, 150)}
    cases["dense: 5,000 rows x 19 short texts"] = dense_file(5000)
    cases["string table at its limit: 199,000 entries"] = full_table(199_000, 12)
    cases["shared strings: 300,000 entries"] = bombs.shared_strings_bomb(HEADERS, 300_000, b"ab")
    if guard:
        cases["shared strings: 3,000,000 entries"] = bombs.shared_strings_bomb(HEADERS, 3_000_000)
        cases["declared range A1:XFD1048576"] = bombs.dimension_bomb(HEADERS)
        cases["one cell 1,048,576 rows down"] = bombs.far_row_file(HEADERS)
        cases["1,000,000 empty rows"] = bombs.empty_rows_file(HEADERS, 1_000_000)
        cases["one cell of 20,000,000 characters"] = bombs.huge_cell_file(HEADERS, 20_000_000)
    paths = []
    for number, (name, content) in enumerate(cases.items()):
        path = folder / f"{number}.xlsx"
        path.write_bytes(content)
        paths.append((name, path))
    return paths


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(path: str, guard: bool) -> None:
    """In a fresh process: read ``path`` once and print JSON figures."""
    import django

    django.setup()
    from django.conf import settings

    from common.excel import read_sheets
    from quizzes.excel.columns import SHEET

    if not guard:
        for name, value in NO_GUARD.items():
            setattr(settings, name, value)
    content = Path(path).read_bytes()
    import io

    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
    before = rss_kib("VmHWM")
    started = time.perf_counter()
    found = read_sheets(io.BytesIO(content), [SHEET])
    seconds = time.perf_counter() - started
    grown = rss_kib("VmHWM") - before
    outcome = str(found.errors[0]) if found.errors else f"{len(found.rows[SHEET.name])} rows"
    print(json.dumps({"seconds": seconds, "grown_kib": grown, "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-guard", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    guard = not args.no_guard
    if args.measure:
        measure(args.measure, guard)
        return
    with tempfile.TemporaryDirectory() as folder:
        for name, path in build(Path(folder), guard):
            command = [sys.executable, __file__, "--measure", str(path)]
            command += [] if guard else ["--no-guard"]
            figures = json.loads(subprocess.check_output(command, cwd=ROOT))
            print(
                f"{name:40} file {path.stat().st_size / 1024:8.0f} KiB  "
                f"{figures['seconds']:7.3f} s  peak RSS +{figures['grown_kib'] / 1024:6.1f} MiB  "
                f"{figures['outcome'][:60]}"
            )


if __name__ == "__main__":
    main()
