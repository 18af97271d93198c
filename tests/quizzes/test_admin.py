"""The question-bank admin: type viewsets, the all-types list, 待复核, import and export."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import admin_menu

from quizzes.excel import HEADERS
from quizzes.models import (
    Category,
    FillBlankQuestion,
    KnowledgePoint,
    MultipleChoiceQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory, staff_with
from tests.quizzes import factories
from tests.quizzes.factories import (
    QUESTION_FACTORIES,
    CategoryFactory,
    FillBlankQuestionFactory,
    KnowledgePointFactory,
    MultipleChoiceQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)
from tests.support import assert_refused

pytestmark = pytest.mark.django_db

BANK = "question_bank:index"


@pytest.fixture
def category_tree():
    """法规纪律 (a regulation category) › 四项监督制度, and 业务知识 beside it."""
    top = CategoryFactory(name="法规纪律", is_regulation=True)
    return {
        "top": top,
        "sub": CategoryFactory(name="四项监督制度", parent=top),
        "other": CategoryFactory(name="业务知识"),
    }


def listed_stems(response) -> set[str]:
    return {q.stem for q in response.context["object_list"]}


def upload(rows: list[list], name: str = "题目.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.title = "题目"
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def single_row(stem: str, **values) -> list:
    cells = {"题型": "单选", "题干": stem, "选项A": "甲", "选项B": "乙", "答案": "B", **values}
    return [cells.get(header, "") for header in HEADERS]


# The list of all questions --------------------------------------------------------------------


def make_questions(count: int, category: Category) -> None:
    factories = list(QUESTION_FACTORIES.values())
    point = KnowledgePointFactory()
    for i in range(count):
        factories[i % len(factories)](category=category, knowledge_points=[point])


def test_all_questions_list_runs_the_same_queries_for_10_or_60_questions(
    admin_client, category_tree, django_assert_max_num_queries
):
    """No query per row: 60 questions of all types cost what 10 do."""
    make_questions(10, category_tree["sub"])
    url = reverse(BANK) + "?ordering=-updated_at"
    admin_client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as ten:
        assert admin_client.get(url).status_code == 200
    make_questions(50, category_tree["other"])
    with django_assert_max_num_queries(len(ten)):
        response = admin_client.get(url)
    assert len(response.context["object_list"]) == 50


def test_type_list_runs_the_same_queries_for_few_or_many_questions(
    admin_client, category_tree, django_assert_max_num_queries
):
    """A type's own list is constant in queries as well."""
    url = reverse("questions_single:index")
    make_questions(5, category_tree["sub"])
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for _ in range(30):
        SingleChoiceQuestionFactory(category=category_tree["sub"])
    with django_assert_max_num_queries(len(few)):
        assert admin_client.get(url).status_code == 200


def test_rows_link_to_the_edit_view_of_their_own_type(admin_client, category_tree):
    """Each row's title and edit button open the edit view of the question's real type."""
    questions = [factory(category=category_tree["sub"]) for factory in QUESTION_FACTORIES.values()]
    content = admin_client.get(reverse(BANK)).content.decode()
    for key, question in zip(QUESTION_FACTORIES, questions, strict=True):
        assert f'href="{reverse(f"questions_{key}:edit", args=[question.pk])}"' in content
        assert reverse(f"questions_{key}:delete", args=[question.pk]) in content
    for label in ("单选题", "多选题", "判断题", "填空题", "简答题"):
        assert label in content


def test_admin_url_finder_resolves_a_base_question_to_its_type(category_tree):
    """Wagtail's AdminURLFinder sends a plain Question row to its type's edit view."""
    question = FillBlankQuestionFactory(category=category_tree["sub"])
    base = Question.objects.non_polymorphic().get(pk=question.pk)
    finder = AdminURLFinder(UserFactory(is_superuser=True))
    assert finder.get_edit_url(base) == reverse("questions_fill:edit", args=[question.pk])
    assert AdminURLFinder(staff_with()).get_edit_url(base) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=multiple", {"多选一"}),
        ("type=truefalse", {"判断一"}),
        ("difficulty=5", {"判断一"}),
        ("status=draft", {"多选一"}),
        ("type=single&status=published", {"单选一", "单选二"}),
    ],
)
def test_filters_by_type_difficulty_and_status(admin_client, category_tree, query, expected):
    """Type, difficulty and status filters narrow the list."""
    SingleChoiceQuestionFactory(stem="单选一", category=category_tree["sub"])
    SingleChoiceQuestionFactory(stem="单选二", category=category_tree["other"])
    MultipleChoiceQuestionFactory(stem="多选一", category=category_tree["sub"], status="draft")
    TrueFalseQuestionFactory(stem="判断一", category=category_tree["top"], difficulty=5)
    assert listed_stems(admin_client.get(f"{reverse(BANK)}?{query}")) == expected


def test_category_filter_includes_subcategories(admin_client, category_tree):
    """Filtering by a category lists its questions and those of every category below it."""
    SingleChoiceQuestionFactory(stem="上级", category=category_tree["top"])
    SingleChoiceQuestionFactory(stem="下级", category=category_tree["sub"])
    SingleChoiceQuestionFactory(stem="旁支", category=category_tree["other"])
    response = admin_client.get(reverse(BANK), {"category": category_tree["top"].pk})
    assert listed_stems(response) == {"上级", "下级"}
    response = admin_client.get(reverse(BANK), {"category": category_tree["sub"].pk})
    assert listed_stems(response) == {"下级"}


@pytest.mark.usefixtures("search_index")
def test_chinese_search_finds_the_question_through_the_search_backend(admin_client, category_tree):
    """A Chinese word matches inside an unspaced stem, combined with filters."""
    SingleChoiceQuestionFactory(
        stem="干部选拔任用工作责任追究的对象是谁？", category=category_tree["sub"]
    )
    FillBlankQuestionFactory(stem="离任检查由____负责。", category=category_tree["sub"])
    TrueFalseQuestionFactory(stem="责任追究只针对个人。", category=category_tree["other"])
    response = admin_client.get(reverse(BANK), {"q": "责任追究"})
    assert listed_stems(response) == {
        "干部选拔任用工作责任追究的对象是谁？",
        "责任追究只针对个人。",
    }
    response = admin_client.get(
        reverse(BANK), {"q": "责任追究", "category": category_tree["sub"].pk}
    )
    assert listed_stems(response) == {"干部选拔任用工作责任追究的对象是谁？"}
    response = admin_client.get(reverse("questions_fill:index"), {"q": "离任检查"})
    assert listed_stems(response) == {"离任检查由____负责。"}


@pytest.mark.usefixtures("search_index")
def test_search_can_be_sorted_by_a_column(admin_client, category_tree):
    """An explicit ordering applies to search results instead of relevance."""
    SingleChoiceQuestionFactory(stem="责任追究甲？", category=category_tree["sub"], difficulty=3)
    SingleChoiceQuestionFactory(stem="责任追究乙？", category=category_tree["other"], difficulty=1)
    for ordering, expected in (("difficulty", ["乙", "甲"]), ("-difficulty", ["甲", "乙"])):
        response = admin_client.get(reverse(BANK), {"q": "责任追究", "ordering": ordering})
        assert [q.stem[4] for q in response.context["object_list"]] == expected


def test_review_list_shows_only_flagged_questions_with_their_reason(admin_client, category_tree):
    """待复核 lists needs_review questions of every type with review_note."""
    SingleChoiceQuestionFactory(
        stem="待复核的题",
        category=category_tree["sub"],
        status="needs_review",
        review_note="条文已修订",
    )
    TrueFalseQuestionFactory(stem="正常的题", category=category_tree["sub"])
    response = admin_client.get(reverse("question_review:index"))
    assert listed_stems(response) == {"待复核的题"}
    assert "条文已修订" in response.content.decode()


def submenu_labels(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    group = next(
        item for item in admin_menu.menu_items_for_request(request) if item.label == "题库"
    )
    return [item.label for item in group.menu.menu_items_for_request(request)]


def test_menu_groups_the_question_bank():
    """The 题库 menu holds the lists, the five types, categories, knowledge points, import and
    automatic drafts."""
    user = UserFactory(is_superuser=True)
    assert submenu_labels(user) == [
        "全部题目",
        "待复核",
        "单选题",
        "多选题",
        "判断题",
        "填空题",
        "简答题",
        "题目分类",
        "知识点",
        "Excel 导入",
        "自动草拟",
    ]


def test_menu_shows_only_what_the_user_may_use():
    """A user who may only change single-choice questions sees just that entry."""
    assert submenu_labels(staff_with("change_singlechoicequestion")) == ["单选题"]


# Type forms -----------------------------------------------------------------------------------


def question_data(category: Category, **values) -> dict:
    return {
        "stem": "四项监督制度由哪个机关印发？",
        "explanation": "",
        "difficulty": 2,
        "points": "1",
        "status": "published",
        "category": category.pk,
        "source_reference": "",
        "source_quote": "",
        "review_note": "",
        **values,
    }


def test_single_choice_is_added_with_options_per_line_and_a_letter(admin_client, category_tree):
    """Options typed one per line and the answer "b" are saved as a list and index 1."""
    regulation = RegulationPageFactory(articles=[("目的", "为了加强监督。")])
    data = question_data(
        category_tree["sub"],
        options="中央组织部\n中共中央办公厅\n\n国务院办公厅\n",
        correct="b",
        source_article=regulation.articles.get().pk,
    )
    response = admin_client.post(reverse("questions_single:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    question = SingleChoiceQuestion.objects.get()
    assert question.options == ["中央组织部", "中共中央办公厅", "国务院办公厅"]
    assert question.correct == 1 and question.source_article.number == 1
    assert question.created_by.username == "admin"


def test_knowledge_points_are_typed_as_names_and_new_ones_created(admin_client, category_tree):
    """ "责任追究、新知识点" links the existing point and creates the new one."""
    existing = KnowledgePointFactory(name="责任追究")
    question = TrueFalseQuestionFactory(category=category_tree["sub"], knowledge_points=[existing])
    url = reverse("questions_truefalse:edit", args=[question.pk])
    assert 'value="责任追究"' in admin_client.get(url).content.decode()
    data = question_data(
        category_tree["sub"], correct="True", knowledge_points="新知识点、 责任追究、"
    )
    assert admin_client.post(url, data).status_code == 302
    assert {p.name for p in question.knowledge_points.all()} == {"新知识点", "责任追究"}
    assert KnowledgePoint.objects.count() == 2


def test_edit_form_shows_options_as_lines_and_the_answer_as_letters(admin_client, category_tree):
    """Editing shows the stored list and indexes in their typed forms."""
    question = MultipleChoiceQuestionFactory(
        category=category_tree["sub"], options=["甲", "乙", "丙"]
    )
    response = admin_client.get(reverse("questions_multiple:edit", args=[question.pk]))
    form = response.context["form"]
    assert (form["options"].value(), form["correct"].value()) == ("甲\n乙\n丙", "AC")
    content = response.content.decode()
    assert "甲\n乙\n丙</textarea>" in content and 'value="AC"' in content


@pytest.mark.parametrize(
    ("correct", "message"),
    [("AD", "正确答案不在选项范围内"), ("A", "至少要有两个正确选项"), ("A1", "请填写选项字母")],
)
def test_invalid_multiple_choice_answer_is_refused(admin_client, category_tree, correct, message):
    """The model's rules and the letter format are shown as form errors."""
    data = question_data(category_tree["sub"], options="甲\n乙\n丙", correct=correct)
    response = admin_client.post(reverse("questions_multiple:add"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert MultipleChoiceQuestion.objects.count() == 0


def test_more_options_than_the_excel_template_holds_are_refused(admin_client, category_tree):
    """The form allows at most six options, like the template's 选项A…选项F."""
    data = question_data(category_tree["sub"], options="\n".join("甲乙丙丁戊己庚"), correct="A")
    response = admin_client.post(reverse("questions_single:add"), data)
    assert "最多 6 个选项" in response.content.decode()


def test_fill_blank_is_added_with_one_blank_per_line(admin_client, category_tree):
    """Each line is a blank; "|" separates the accepted answers of a blank."""
    data = question_data(
        category_tree["sub"], stem="由____和____署名。", blanks="主要负责人|负责人\n具体责任人"
    )
    response = admin_client.post(reverse("questions_fill:add"), data)
    assert response.status_code == 302
    assert FillBlankQuestion.objects.get().blanks == [["主要负责人", "负责人"], ["具体责任人"]]


def test_true_false_is_added_with_a_choice(admin_client, category_tree):
    """The true/false answer is a 正确/错误 choice."""
    response = admin_client.post(
        reverse("questions_truefalse:add"), question_data(category_tree["sub"], correct="False")
    )
    assert response.status_code == 302
    assert TrueFalseQuestion.objects.get().correct is False


def test_deleting_a_question_used_elsewhere_explains_instead_of_failing(
    admin_client, category_tree
):
    """A category with questions cannot be deleted; the admin says why."""
    SingleChoiceQuestionFactory(category=category_tree["sub"])
    url = reverse("question_categories:delete", args=[category_tree["sub"].pk])
    response = admin_client.post(url, follow=True)
    assert "不能删除" in response.content.decode()
    assert Category.objects.filter(pk=category_tree["sub"].pk).exists()


def test_category_list_shows_the_tree_by_path(admin_client, category_tree):
    """Categories are listed in path order with their full paths and question counts."""
    SingleChoiceQuestionFactory(category=category_tree["sub"])
    response = admin_client.get(reverse("question_categories:index"))
    paths = [c.path for c in response.context["object_list"]]
    assert paths == ["业务知识", "法规纪律", "法规纪律/四项监督制度"]
    assert "法规纪律/四项监督制度" in response.content.decode()


# Import, template, export ---------------------------------------------------------------------


def test_import_page_lists_every_error_by_row_and_column(admin_client, category_tree):
    """A refused file shows a table of all errors and writes nothing."""
    rows = [single_row("第一题？", 分类="法规纪律"), single_row("", 分类="不存在", 答案="C")]
    response = admin_client.post(reverse("question_import:import"), {"file": upload(rows)})
    content = response.content.decode()
    assert response.status_code == 200 and "共发现 3 处错误" in content
    for cell in (
        "第3行",
        "B列（题干）",
        "题干不能为空",
        "I列（答案）",
        "M列（分类）",
        "分类“不存在”不存在",
    ):
        assert cell in content
    assert Question.objects.count() == 0


def test_import_of_a_good_file_redirects_with_the_count(admin_client, category_tree):
    """A valid file is imported and the list says how many questions were added."""
    rows = [single_row("第一题？", 分类="法规纪律"), single_row("第二题？", 分类="业务知识")]
    response = admin_client.post(
        reverse("question_import:import"), {"file": upload(rows)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(BANK)
    assert "成功导入 2 道题" in response.content.decode()
    assert SingleChoiceQuestion.objects.count() == 2


def test_import_of_a_non_excel_file_shows_the_message(admin_client):
    """A file that is not .xlsx is reported, not a server error."""
    file = SimpleUploadedFile("题目.xls", b"\xd0\xcf\x11\xe0 old excel")
    response = admin_client.post(reverse("question_import:import"), {"file": file})
    assert "文件类型不正确：请上传用模板填写的 .xlsx 文件" in response.content.decode()


def test_template_download_is_an_xlsx_attachment(admin_client):
    """The template is served as an .xlsx attachment with the 题目 sheet."""
    response = admin_client.get(reverse("question_import:template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(BytesIO(response.content)).sheetnames == ["题目", "填写说明"]


def test_export_contains_the_filtered_list(admin_client, category_tree):
    """Export downloads the questions of the current filter and search, not the whole bank."""
    SingleChoiceQuestionFactory(stem="单选题干", category=category_tree["sub"])
    TrueFalseQuestionFactory(stem="判断题干", category=category_tree["sub"])
    response = admin_client.get(reverse(BANK), {"type": "truefalse", "export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content))["题目"]
    assert [[c.value for c in r][:2] for r in sheet.iter_rows(min_row=2)] == [["判断", "判断题干"]]


def test_list_offers_add_import_template_and_export_buttons(admin_client):
    """The header of the all-types list links to adding each type, import, template and export."""
    content = admin_client.get(reverse(BANK)).content.decode()
    for url in (
        reverse("questions_essay:add"),
        reverse("question_import:import"),
        reverse("question_import:template"),
        "export=xlsx",
    ):
        assert url in content


# Permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse(BANK),
        reverse(BANK) + "?export=xlsx",
        reverse("question_review:index"),
        reverse("question_import:import"),
        reverse("question_import:template"),
        reverse("questions_single:index"),
        reverse("questions_single:add"),
        reverse("question_categories:index"),
        reverse("knowledge_points:index"),
    ],
)
def test_admin_user_without_question_permissions_is_refused(client, url):
    """Entering the admin is not enough: each view needs its model permission.

    Wagtail answers a refused page with a redirect to the dashboard and its "no permission"
    message, and a refused XHR with 403.
    """
    client.force_login(staff_with())
    assert_refused(client, url)
    assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403


def test_import_needs_the_add_permission(client, category_tree):
    """A user who may change questions but not add them can list and export, not import."""
    client.force_login(staff_with("change_question"))
    assert client.get(reverse(BANK)).status_code == 200
    assert client.get(reverse(BANK), {"export": "xlsx"}).status_code == 200
    assert_refused(client, reverse("question_import:import"))
    rows = [single_row("题？", 分类="业务知识")]
    assert_refused(client, reverse("question_import:import"), "post", file=upload(rows))
    assert Question.objects.count() == 0


def test_edit_links_follow_the_type_permissions(client, category_tree):
    """In the all-types list, only types the user may change get an edit link."""
    single = SingleChoiceQuestionFactory(category=category_tree["sub"])
    truefalse = TrueFalseQuestionFactory(category=category_tree["sub"])
    client.force_login(staff_with("change_question", "change_singlechoicequestion"))
    content = client.get(reverse(BANK)).content.decode()
    assert reverse("questions_single:edit", args=[single.pk]) in content
    assert reverse("questions_truefalse:edit", args=[truefalse.pk]) not in content
    assert_refused(client, reverse("questions_truefalse:edit", args=[truefalse.pk]))


def test_user_with_add_permission_can_import(client, category_tree):
    """The add permission on 题目 is what the import needs."""
    client.force_login(staff_with("add_question"))
    rows = [single_row("题？", 分类="业务知识")]
    response = client.post(reverse("question_import:import"), {"file": upload(rows)})
    assert response.status_code == 302 and Question.objects.count() == 1


def test_dashboard_lists_questions_to_review_and_essays_to_mark(admin_client):
    """The admin dashboard shows how many questions wait for review and essays for marking."""
    factories.single(factories.category("法规纪律"), 1, status="needs_review")
    html = admin_client.get("/admin/").content.decode()
    assert "待复核题目" in html and "<strong>1</strong> 道" in html and "待阅简答题" in html
