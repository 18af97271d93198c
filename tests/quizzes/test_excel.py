"""The Excel template, the all-or-nothing import and the export of the question bank."""

import time
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook
from wagtail.search.backends import get_search_backend

from quizzes import excel
from quizzes.excel import HEADERS, build_template, export_questions, import_questions
from quizzes.models import (
    EssayQuestion,
    FillBlankQuestion,
    KnowledgePoint,
    MultipleChoiceQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.quizzes.factories import (
    CategoryFactory,
    EssayQuestionFactory,
    FillBlankQuestionFactory,
    KnowledgePointFactory,
    MultipleChoiceQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    parent = CategoryFactory(name="法规纪律", is_regulation=True)
    return CategoryFactory(name="四项监督制度", parent=parent)


@pytest.fixture
def regulation():
    return RegulationPageFactory(
        title="党政领导干部选拔任用工作责任追究办法（试行）",
        articles=[("目的", "为了加强干部选拔任用工作监督。"), ("适用范围", "本办法适用于……")],
    )


def xlsx(rows: list[list], header: list = HEADERS) -> BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def row(**values) -> list:
    """A valid single-choice row, with ``values`` (keyed by header) replacing cells."""
    cells = {
        "题型": "单选",
        "题干": "四项监督制度由哪个机关印发？",
        "选项A": "中共中央办公厅",
        "选项B": "国务院办公厅",
        "答案": "A",
        "分类": "法规纪律/四项监督制度",
        **values,
    }
    return [cells.get(header, "") for header in HEADERS]


def only_error(result) -> excel.RowError:
    assert len(result.errors) == 1, [str(error) for error in result.errors]
    return result.errors[0]


# Template ---------------------------------------------------------------------------------------


def test_template_has_the_header_row_and_a_help_sheet():
    """The template's "题目" sheet has exactly the columns in order; "填写说明" explains them."""
    workbook = load_workbook(BytesIO(build_template()))
    assert workbook.sheetnames == ["题目", "填写说明"]
    assert [cell.value for cell in workbook["题目"][1]] == HEADERS
    assert HEADERS[:3] == ["题型", "题干", "选项A"] and HEADERS[-2:] == ["状态", "同题组"]
    help_text = " ".join(str(c.value) for r in workbook["填写说明"].iter_rows() for c in r)
    for phrase in ("ACD", "正确", "|", "法规纪律/四项监督制度", "、", "草稿"):
        assert phrase in help_text


def test_empty_template_is_refused_as_having_no_questions():
    """Uploading the untouched template reports that it holds no question."""
    result = import_questions(BytesIO(build_template()))
    assert "没有题目" in only_error(result).message


# A good file ------------------------------------------------------------------------------------


def test_good_file_imports_every_type_with_answers_tags_and_citations(category, regulation):
    """Each type is created with its options, answer, blanks, category, tags and citation."""
    user = UserFactory()
    rows = [
        row(知识点="印发机关、四项监督", 难度=1, 分值=2, 解析="见通知。"),
        row(
            题型="多选题",
            题干="四项监督制度包括哪些？",
            选项C="离任检查",
            答案="a,c",
            依据文件=f"《{regulation.title}》",
            依据条目序号=2,
            出处说明="第二条",
        ),
        row(
            题型="判断",
            题干="四项监督制度于2010年印发。",
            选项A="",
            选项B="",
            答案="√",
            状态="草稿",
        ),
        row(
            题型="填空",
            题干="报告由____和____署名。",
            选项A="",
            选项B="",
            答案="主要负责人|负责人；具体责任人；",
            分值=1.5,
        ),
        row(题型="简答", 题干="简述四项监督制度。", 选项A="", 选项B="", 答案="列出四项制度。"),
    ]
    result = import_questions(xlsx(rows), user=user)

    assert result.ok and result.created == 5
    single = SingleChoiceQuestion.objects.get()
    assert (single.options, single.correct, single.difficulty) == (
        ["中共中央办公厅", "国务院办公厅"],
        0,
        1,
    )
    assert single.points == Decimal(2) and single.explanation == "见通知。"
    assert single.category == category and single.created_by == user
    assert {p.name for p in single.knowledge_points.all()} == {"四项监督", "印发机关"}
    assert single.status == Question.Status.PUBLISHED
    multiple = MultipleChoiceQuestion.objects.get()
    assert multiple.correct == [0, 2] and multiple.source_article.number == 2
    assert multiple.source_article.page_id == regulation.pk
    assert multiple.source_reference == "第二条"
    truefalse = TrueFalseQuestion.objects.get()
    assert truefalse.correct is True and truefalse.status == Question.Status.DRAFT
    fill = FillBlankQuestion.objects.get()
    assert fill.blanks == [["主要负责人", "负责人"], ["具体责任人"]] and fill.points == Decimal(
        "1.5"
    )
    assert EssayQuestion.objects.get().rubric == "列出四项制度。"


def test_new_knowledge_points_are_created_once_and_existing_ones_reused(category):
    """A tag used on two rows is created once; an existing tag is linked, not duplicated."""
    KnowledgePointFactory(name="责任追究")
    rows = [row(知识点="责任追究、新标签"), row(题干="另一道题？", 知识点="新标签")]
    assert import_questions(xlsx(rows)).created == 2
    assert sorted(KnowledgePoint.objects.values_list("name", flat=True)) == ["新标签", "责任追究"]
    assert KnowledgePoint.objects.get(name="新标签").questions.count() == 2


def test_empty_rows_are_skipped_and_rows_keep_their_excel_numbers(category):
    """Blank rows between and after the questions are skipped; errors cite Excel's row number."""
    rows = [row(), [None] * len(HEADERS), row(题干="第二题？", 答案="Z"), [], []]
    error = only_error(import_questions(xlsx(rows)))
    assert (error.row, error.column) == (4, "I")
    rows[2] = row(题干="第二题？")
    assert import_questions(xlsx(rows)).created == 2


@pytest.mark.usefixtures("search_index")
def test_imported_questions_are_found_by_a_chinese_search(category):
    """Bulk-imported questions reach the search index (bulk inserts send no save signal)."""
    import_questions(xlsx([row(题干="干部选拔任用工作责任追究的对象有哪些？")]))
    queryset = Question.objects.non_polymorphic()
    results = list(get_search_backend().search("责任追究", queryset))
    assert [q.stem for q in results] == ["干部选拔任用工作责任追究的对象有哪些？"]


# Row errors -------------------------------------------------------------------------------------

ROW_ERRORS = [
    ({"题型": "问答"}, "A", "题型“问答”无法识别"),
    ({"题型": ""}, "A", "题型不能为空"),
    ({"题干": ""}, "B", "题干不能为空"),
    ({"答案": ""}, "I", "答案不能为空"),
    ({"答案": "C"}, "I", "答案“C”不在已填写的选项中"),
    ({"答案": "AB"}, "I", "单选题只能有一个正确答案"),
    ({"答案": "甲"}, "I", "答案“甲”无效"),
    ({"选项B": ""}, "C", "单选题至少需要两个选项"),
    ({"选项B": "", "选项C": "丙"}, "D", "中间不能留空"),
    ({"选项B": "中共中央办公厅"}, "C", "选项内容不能重复"),
    ({"题型": "多选", "答案": "B"}, "I", "多选题至少需要两个正确答案"),
    ({"题型": "判断", "选项A": "", "选项B": "", "答案": "也许"}, "I", "判断题答案“也许”无效"),
    ({"题型": "判断", "答案": "正确"}, "C", "只有单选题和多选题可以填写选项"),
    (
        {"题型": "填空", "题干": "由____和____署名。", "选项A": "", "选项B": "", "答案": "甲"},
        "I",
        "题干有 2 个空",
    ),
    ({"题型": "填空", "选项A": "", "选项B": "", "答案": "甲"}, "B", "题干中没有表示空的"),
    (
        {"题型": "填空", "题干": "由____署名。", "选项A": "", "选项B": "", "答案": "甲；；乙"},
        "I",
        "第 2 个空没有填写答案",
    ),
    ({"题型": "简答", "选项A": "", "选项B": "", "答案": ""}, "I", "评分要点"),
    ({"难度": 6}, "K", "难度“6”无效"),
    ({"难度": "难"}, "K", "难度“难”无效"),
    ({"分值": 0}, "L", "分值“0”无效"),
    ({"分值": 1.25}, "L", "分值“1.25”无效"),
    ({"分类": ""}, "M", "分类不能为空"),
    ({"分类": "法规纪律/不存在"}, "M", "分类“法规纪律/不存在”不存在"),
    ({"依据文件": "不存在的办法", "依据条目序号": 1}, "O", "没有标题为“不存在的办法”"),
    ({"依据条目序号": 1}, "O", "必须填写依据文件"),
    ({"状态": "已删除"}, "R", "状态“已删除”无效"),
    ({"出处说明": "很" * 201}, "Q", "200"),
    ({"知识点": "长" * 41}, "N", "过长"),
]


@pytest.mark.parametrize(("values", "column", "message"), ROW_ERRORS)
def test_row_error_is_reported_at_its_row_and_column_and_nothing_is_written(
    category, values, column, message
):
    """Each kind of bad cell is reported on its row and column; no question is created."""
    SingleChoiceQuestionFactory(category=category, stem="已有的题目")
    result = import_questions(xlsx([row(题干="第一题？"), row(**values)]))
    error = only_error(result)
    header = HEADERS[ord(column) - ord("A")]
    assert (error.row, error.column, error.header) == (3, column, header)
    assert message in error.message
    assert str(error).startswith(f"第3行 {column}列（{header}）：")
    assert Question.objects.count() == 1


def test_message_reads_like_the_specification(category):
    """A refused single choice reads "第2行 C列(选项A):单选题至少需要两个选项"."""
    error = only_error(import_questions(xlsx([row(选项B="")])))
    assert str(error) == "第2行 C列（选项A）：单选题至少需要两个选项"


@pytest.mark.parametrize(
    ("number", "column", "message"),
    [
        (9, "P", "中没有序号为 9 的条目"),
        ("", "P", "必须填写依据条目序号"),
        ("第一条", "P", "应为整数"),
    ],
)
def test_unknown_article_number_is_reported(category, regulation, number, column, message):
    """A citation needs an article number that exists in that regulation."""
    values = {"依据文件": regulation.title, "依据条目序号": number}
    error = only_error(import_questions(xlsx([row(**values)])))
    assert (error.row, error.column) == (2, column) and message in error.message
    assert Question.objects.count() == 0


def test_duplicate_stems_within_the_file_are_refused_ignoring_whitespace(category):
    """The second copy of a stem (spaces, line breaks and the width of punctuation ignored)
    points at the first row."""
    rows = [row(题干="四项监督 制度？"), row(题干="另一题？"), row(题干="四项监督\n制度 ?")]
    error = only_error(import_questions(xlsx(rows)))
    assert (error.row, error.column, error.message) == (4, "B", "题干与第2行重复")
    assert Question.objects.count() == 0


def test_duplicate_stem_is_reported_even_when_the_rows_have_other_errors(category):
    """Duplicates are checked on every row, so the list of errors is complete in one pass."""
    rows = [row(题干="同一题？", 难度=9), row(题干="同一题？", 分类="无")]
    result = import_questions(xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "K"), (3, "B"), (3, "M")]


def test_stem_already_in_the_bank_is_refused(category):
    """A stem equal to an existing question's (whitespace ignored) is a duplicate."""
    existing = TrueFalseQuestionFactory(stem="四项监督制度于2010年印发。")
    error = only_error(import_questions(xlsx([row(题干=" 四项监督制度于 2010年印发。")])))
    assert (error.row, error.column) == (2, "B")
    assert f"编号 {existing.pk}" in error.message


def test_every_error_of_every_row_is_listed_in_order(category):
    """Errors are not cut at the first one: all rows and columns are reported, sorted."""
    rows = [row(题型="X", 难度=9), row(题干="二？"), row(题干="三？", 答案="", 分类="无")]
    result = import_questions(xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "A"), (2, "K"), (4, "I"), (4, "M")]
    assert Question.objects.count() == 0


# File errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"not a spreadsheet", b"PK\x03\x04broken zip", b""])
def test_a_file_that_is_not_xlsx_is_refused(content):
    """Anything openpyxl cannot open is reported as not a valid .xlsx file."""
    error = only_error(import_questions(BytesIO(content)))
    assert error.message == "文件不是有效的 Excel(.xlsx)文件。" and error.row is None


def test_a_file_over_the_size_limit_is_refused_before_reading(settings, category):
    """QUESTION_IMPORT_MAX_BYTES caps the upload."""
    settings.QUESTION_IMPORT_MAX_BYTES = 1000
    error = only_error(import_questions(xlsx([row()])))
    assert "文件过大" in error.message and "1000 字节" in error.message
    assert Question.objects.count() == 0


def test_wrong_missing_and_extra_header_columns_are_named():
    """Each header cell that differs from the template is reported with its column."""
    header = [*HEADERS[:2], "选项1", *HEADERS[3:-1], "", "备注"]
    result = import_questions(xlsx([row()], header=header))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (1, "C", "表头应为“选项A”，实际为“选项1”"),
        (1, "S", "缺少表头“同题组”"),
        (1, "T", "多余的列“备注”，请按模板删除"),
    ]


def test_more_than_5000_rows_are_refused(category):
    """A file over MAX_ROWS questions is refused as a whole."""
    rows = [row(题干=f"第{i}题？") for i in range(excel.MAX_ROWS + 1)]
    error = only_error(import_questions(xlsx(rows)))
    assert "5000" in error.message
    assert Question.objects.count() == 0


# Volume -----------------------------------------------------------------------------------------


def volume_rows(count: int) -> list[list]:
    kinds = [
        {},
        {"题型": "多选", "选项C": "离任检查", "答案": "AC"},
        {"题型": "判断", "选项A": "", "选项B": "", "答案": "错"},
        {"题型": "填空", "选项A": "", "选项B": "", "答案": "署名|签名"},
        {"题型": "简答", "选项A": "", "选项B": "", "答案": "要点"},
    ]
    rows = []
    for i in range(count):
        values = dict(kinds[i % len(kinds)])
        suffix = "由____署名" if values.get("题型") == "填空" else "?"
        rows.append(row(题干=f"第{i}道题{suffix}", 知识点=f"标签{i % 7}", **values))
    return rows


@pytest.mark.usefixtures("search_index")
def test_2000_rows_import_quickly_with_bulk_queries(category):
    """2,000 rows are written with a bounded number of queries, well within 20 seconds."""
    file = xlsx(volume_rows(2000))
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        result = import_questions(file)
    elapsed = time.monotonic() - started
    assert result.created == 2000, result.errors[:3]
    assert Question.objects.count() == 2000
    assert len(queries) < 250, len(queries)
    assert elapsed < 30, f"import took {elapsed:.1f}s"
    assert FillBlankQuestion.objects.filter(blanks=[["署名", "签名"]]).count() == 400


def test_an_error_in_the_last_of_2000_rows_leaves_the_bank_untouched(category):
    """All-or-nothing: a single late error writes no question and no knowledge point."""
    rows = volume_rows(2000)
    rows[-1] = row(题干="最后一题？", 分类="不存在")
    result = import_questions(xlsx(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2001, "M")]
    assert Question.objects.count() == 0 and KnowledgePoint.objects.count() == 0


# Export -----------------------------------------------------------------------------------------


def snapshot(question: Question) -> tuple:
    article = question.source_article
    return (
        type(question).__name__,
        question.stem,
        getattr(question, "options", None),
        getattr(question, "correct", None),
        getattr(question, "blanks", None),
        getattr(question, "rubric", None),
        question.explanation,
        question.difficulty,
        question.points,
        question.category.path,
        sorted(p.name for p in question.knowledge_points.all()),
        (article.page.title, article.number) if article else None,
        question.source_reference,
        question.status,
    )


def test_export_then_import_recreates_the_same_bank(category, regulation):
    """An exported file imports into an empty bank with every column's data unchanged."""
    other = CategoryFactory(name="纪律", parent=None)
    article = regulation.articles.get(number=1)
    points = [KnowledgePointFactory(name="责任追究"), KnowledgePointFactory(name="选人用人")]
    SingleChoiceQuestionFactory(
        category=category, knowledge_points=points, source_article=article, difficulty=4
    )
    MultipleChoiceQuestionFactory(category=other, points=Decimal("2.5"), explanation="解析")
    TrueFalseQuestionFactory(category=category, correct=False, status="draft")
    FillBlankQuestionFactory(
        category=category, stem="由____和____署名。", blanks=[["甲", "乙"], ["丙"]]
    )
    EssayQuestionFactory(category=other, source_reference="通知第三段", status="needs_review")
    before = sorted(snapshot(q) for q in Question.objects.all())

    content = export_questions(Question.objects.all())
    Question.objects.all().delete()
    result = import_questions(BytesIO(content))

    assert result.ok, [str(e) for e in result.errors]
    assert sorted(snapshot(q) for q in Question.objects.all()) == before


def test_export_keeps_the_order_and_writes_formula_like_text_as_text(category):
    """Rows follow the queryset order, and a stem starting with "=" is not a formula."""
    first = TrueFalseQuestionFactory(category=category, stem="=1+1 等于 2。")
    second = SingleChoiceQuestionFactory(category=category)
    queryset = Question.objects.non_polymorphic().filter(pk__in=[first.pk, second.pk])
    sheet = load_workbook(BytesIO(export_questions(queryset.order_by("-pk"))))["题目"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["单选", "判断"]
    assert sheet["B3"].value == "=1+1 等于 2。" and sheet["B3"].data_type == "s"
