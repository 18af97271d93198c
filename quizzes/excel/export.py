"""The blank import template and the export (the same columns, so an export imports again)."""

from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from common.excel import (
    DEFAULT_MAX_BYTES,
    SafeWorkbook,
    header_row,
    new_workbook,
    safe_row,
    workbook_bytes,
)
from quizzes.excel.columns import (
    HEADERS,
    HELP_SHEET_NAME,
    MAX_ROWS,
    SHEET_NAME,
    STATUS_LABELS,
    column_letter,
    excel_label,
)
from quizzes.formats import OPTION_LETTERS
from quizzes.models import QUESTION_TYPES, Question

COLUMN_HELP = [
    ("题型", "必填", "单选、多选、判断、填空、简答（也可写“单选题”等）。"),
    ("题干", "必填", "题目正文。填空题每个空用四个下划线“____”表示。同一题干不能重复导入。"),
    ("选项A…选项F", "单选/多选必填", "每格一个选项，从选项A起连续填写，至少两个；其他题型不填。"),
    (
        "答案",
        "必填",
        "单选：一个字母，如 B；多选：两个或以上字母，如 ACD；判断：正确 或 错误"
        "（也可写 对/错、√/×）；填空：按空的顺序填写，各空之间用“；”或“;”分隔，"
        "同一空的多个可接受答案用“|”分隔，如 署名|签名；书面；简答：评分要点。",
    ),
    ("解析", "选填", "答题后显示的解析。"),
    ("难度", "选填", "1 到 5 的整数，1 最容易；不填为 2。"),
    ("分值", "选填", "大于 0 的数字，最多一位小数；不填为 1。"),
    (
        "分类",
        "必填",
        "分类的完整路径，层级之间用“/”分隔，如 法规纪律/四项监督制度；分类必须已存在。",
    ),
    ("知识点", "选填", "多个知识点用“、”分隔；不存在的知识点会自动创建。"),
    (
        "依据文件",
        "选填",
        "所依据法规文件的标题（与法规库中的标题一致），填写时须同时填写条目序号。",
    ),
    ("依据条目序号", "选填", "该文件中条目的序号（整数），即法规页面上“#art-序号”中的数字。"),
    ("出处说明", "选填", "对出处的文字说明，不超过 200 字。"),
    ("状态", "选填", "草稿 或 已发布（也可写 待复核）；不填为 已发布。"),
    (
        "同题组",
        "选填",
        "考查同一知识点、或会泄露彼此答案的题目填写相同的组名（如 岗前培训8学时）；"
        "同一份试卷不会出现同组的两道题。不超过 60 字。",
    ),
]

GENERAL_HELP = [
    "第一行表头请勿修改、增删或调换顺序；从第二行起每行一道题，空行会被跳过。",
    f"一次最多导入 {MAX_ROWS} 道题，文件不超过 {DEFAULT_MAX_BYTES // (1024 * 1024)} MB（以系统设置为准）。",
    "导入前会检查全部行：只要有一处错误，整个文件都不会导入，并列出所有错误所在的行和列。",
]

COLUMN_WIDTHS = {
    "题干": 50,
    "答案": 16,
    "解析": 30,
    "分类": 24,
    "知识点": 18,
    "依据文件": 30,
    "出处说明": 20,
    "同题组": 16,
}


def _add_choice_lists(sheet) -> None:
    """Drop-down lists for 题型 and 状态 (typing other text is still allowed, and checked)."""
    types = [excel_label(model) for model in QUESTION_TYPES.values()]
    for header, choices in (("题型", types), ("状态", ["草稿", "已发布"])):
        validation = DataValidation(
            type="list", formula1=f'"{",".join(choices)}"', showErrorMessage=False
        )
        letter = column_letter(header)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)


def _question_sheet(workbook: SafeWorkbook):
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append(header_row(sheet, HEADERS, [COLUMN_WIDTHS.get(h, 10) for h in HEADERS]))
    sheet.freeze_panes = "A2"
    return sheet


def _help_sheet(workbook: SafeWorkbook) -> None:
    sheet = workbook.create_sheet(HELP_SHEET_NAME)
    sheet.append(header_row(sheet, ["列", "是否必填", "说明"], (14, 14, 90)))
    for row in COLUMN_HELP:
        sheet.append(list(row))
    sheet.append([])
    for line in GENERAL_HELP:
        sheet.append(["注意", "", line])
    for row in sheet.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def build_template() -> bytes:
    """An empty import file: the "题目" sheet with its header and a "填写说明" sheet."""
    workbook = new_workbook()
    _add_choice_lists(_question_sheet(workbook))
    _help_sheet(workbook)
    return workbook_bytes(workbook)


# Export ---------------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_row(question: Question) -> list[Any]:
    """The template's columns for one question (of its concrete type)."""
    options = question.shown_options(list(range(question.option_count())))[: len(OPTION_LETTERS)]
    article = question.source_article
    return [
        excel_label(type(question)),
        question.stem,
        *options,
        *[""] * (len(OPTION_LETTERS) - len(options)),
        question.excel_answer(),
        question.explanation,
        question.difficulty,
        _number(question.points),
        question.category.path,
        "、".join(point.name for point in question.knowledge_points.all()),
        article.page.title if article else "",
        article.number if article else "",
        question.source_reference,
        STATUS_LABELS.get(question.status, ""),
        question.fact_group,
    ]


def chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _concrete_questions(ids: list[int]) -> list[Question]:
    """The questions of ``ids`` as their concrete types, in that order (a few queries per type)."""
    found: dict[int, Question] = {}
    for model in QUESTION_TYPES.values():
        for chunk in chunks(ids):
            rows = (
                model.objects.filter(pk__in=chunk)
                .select_related("category", "source_article__page")
                .prefetch_related("knowledge_points")
            )
            found.update((question.pk, question) for question in rows)
    return [found[pk] for pk in ids if pk in found]


def _ids_of(questions) -> list[int]:
    if hasattr(questions, "values_list"):
        return list(questions.values_list("pk", flat=True))
    return [question.pk for question in questions]


def export_questions(queryset) -> bytes:
    """The questions of ``queryset`` (a queryset or search results, any type) as an import file."""
    workbook = new_workbook()
    sheet = _question_sheet(workbook)
    for question in _concrete_questions(_ids_of(queryset)):
        sheet.append(safe_row(sheet, export_row(question)))
    return workbook_bytes(workbook)
