"""The question bank in Excel (.xlsx): a blank template, an all-or-nothing import and an export,
read and written with ``common.excel``; each question type reads and writes its own answer.

One sheet "题目" with the columns of ``HEADERS``; the export writes the same columns, so an
exported file imports again unchanged. The import reads every row first and collects every
problem (row, column, message in Chinese); only a file without any problem is written, in one
transaction, with bulk inserts.

Decisions the import makes
    - Fully empty rows are skipped wherever they are (also between data rows); they are not
      errors and do not count towards ``MAX_ROWS``. Row numbers in messages are Excel's.
    - Extra header columns after 状态 are refused (a shifted or renamed column is the usual cause).
    - Difficulty and points may be left empty (model defaults: 2 and 1); 状态 defaults to 已发布.
    - 依据文件 is the title of a RegulationPage (《》 may be typed around it) and needs
      依据条目序号; a title shared by several pages prefers the live one.
    - 知识点 names are split at "、" (also "," and "，"); unknown ones are created.
    - A stem equal to another row's or to an existing question's, after removing all
      whitespace, is a duplicate (whatever the types).
    - 状态 also accepts 待复核, so that an export re-imports unchanged.
    - Fields without a column are neither exported nor imported: an essay's reference answer,
      ``source_page``, ``source_quote`` and ``review_note``; options after F (the admin form
      allows six, like the template).
"""

from common.excel import RowError
from quizzes.excel.columns import HEADERS, MAX_ROWS, SHEET_NAME, ImportResult
from quizzes.excel.export import build_template, export_questions, export_row
from quizzes.excel.importer import import_questions, read_rows, validate_rows

__all__ = [
    "HEADERS",
    "MAX_ROWS",
    "SHEET_NAME",
    "ImportResult",
    "RowError",
    "build_template",
    "export_questions",
    "export_row",
    "import_questions",
    "read_rows",
    "validate_rows",
]
