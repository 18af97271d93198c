"""The template's columns: headers, the one sheet, status words, and which column a field's
error belongs to."""

import re
import unicodedata
from dataclasses import dataclass, field

from common.excel import RowError, SheetSpec
from quizzes.formats import OPTION_LETTERS
from quizzes.models import Question

SHEET_NAME = "题目"
HELP_SHEET_NAME = "填写说明"
OPTION_HEADERS = [f"选项{letter}" for letter in OPTION_LETTERS]
HEADERS = [
    "题型",
    "题干",
    *OPTION_HEADERS,
    "答案",
    "解析",
    "难度",
    "分值",
    "分类",
    "知识点",
    "依据文件",
    "依据条目序号",
    "出处说明",
    "状态",
    "同题组",
]
MAX_ROWS = 5000
SHEET = SheetSpec(SHEET_NAME, tuple(HEADERS), MAX_ROWS)

STATUS_LABELS = {
    Question.Status.DRAFT: "草稿",
    Question.Status.PUBLISHED: "已发布",
    Question.Status.NEEDS_REVIEW: "待复核",
}

# Which column a model field's validation error belongs to.
FIELD_COLUMNS = {
    "stem": "题干",
    "options": "选项A",
    "correct": "答案",
    "blanks": "答案",
    "rubric": "答案",
    "explanation": "解析",
    "difficulty": "难度",
    "points": "分值",
    "category": "分类",
    "source_article": "依据条目序号",
    "source_reference": "出处说明",
    "status": "状态",
    "fact_group": "同题组",
}


def column_letter(header: str) -> str:
    """The template's column letter of ``header`` ("选项A" → "C")."""
    return SHEET.letter(header)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def excel_label(model: type[Question]) -> str:
    """单选, 多选 …: the 题型 column's word for a type (单选题 is accepted too)."""
    return model.type_label.removesuffix("题")


def normalise_stem(stem: str) -> str:
    """The stem as compared for duplicates: without any whitespace, full- and half-width forms
    of a character alike (？ and ?)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", stem))


def normalise_path(text: str) -> str:
    parts = re.split(r"\s*[/／›>\\]\s*", text.strip())
    return "/".join(part for part in parts if part)
