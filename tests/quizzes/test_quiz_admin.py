import random
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.admin.menu import admin_menu
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html

from quizzes import services
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    DrawRule,
    EssayQuestion,
    Quiz,
    QuizQuestion,
)
from tests.factories import UserFactory, staff_with
from tests.quizzes import factories
from tests.quizzes.factories import NOW
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def non_regulation_category():
    """业务知识 › 组织工作: its questions do not count toward the regulation share."""
    return factories.category("业务知识/组织工作")


def quiz_form(**overrides) -> dict:
    settings = {
        "title": "新建自测",
        "slug": "new-self-test",
        "mode": Quiz.Mode.SELF_TEST,
        "description": "",
        "time_limit_minutes": "30",
        "opens_at": "",
        "closes_at": "",
        "attempt_limit": "",
        "pass_percent": "60",
        "shuffle_questions": "on",
        "shuffle_options": "on",
        "min_regulation_percent": "0",
        "multiple_rule": Quiz.MultipleRule.PARTIAL,
        "is_published": "on",
        "fixed_questions": inline_formset([]),
        "draw_rules": inline_formset([]),
        "personal_settings": inline_formset([]),
    }
    return nested_form_data({**settings, **overrides})


def rule_data(count: int, points: str = "1", category=None) -> dict:
    return {
        "category": category.pk if category else "",
        "question_type": "",
        "knowledge_point": "",
        "min_difficulty": "1",
        "max_difficulty": "5",
        "count": str(count),
        "points": points,
    }


# Quizzes --------------------------------------------------------------------------------------


def test_valid_blueprint_saves_quiz_with_its_children(admin_client, regulation_category):
    """A blueprint the bank can meet is saved with fixed questions, rules and extra time in order."""
    questions = factories.bank(regulation_category, count=8)
    learner = UserFactory()
    data = quiz_form(
        fixed_questions=inline_formset(
            [
                {"question": questions[0].pk, "points": "5"},
                {"question": questions[1].pk, "points": "3"},
            ]
        ),
        draw_rules=inline_formset([rule_data(4, "2", regulation_category), rule_data(2)]),
        personal_settings=inline_formset(
            [
                {
                    "user": learner.pk,
                    "minutes": "15",
                    "closes_at": "",
                    "extra_attempts": "0",
                    "reason": "经批准的延时",
                }
            ]
        ),
    )
    response = admin_client.post(reverse("admin_quizzes:add"), data)
    assert response.status_code == 302
    quiz = Quiz.objects.get(slug="new-self-test")
    assert [(f.question_id, f.points) for f in quiz.fixed_questions.all()] == [
        (questions[0].pk, Decimal(5)),
        (questions[1].pk, Decimal(3)),
    ]
    assert [(r.count, r.sort_order) for r in quiz.draw_rules.all()] == [(4, 0), (2, 1)]
    assert quiz.personal_settings.get().minutes == 15


def test_rule_short_of_questions_is_refused_with_the_shortfall(admin_client, regulation_category):
    """A rule asking for more questions than the bank holds shows how many are missing."""
    factories.bank(regulation_category, count=12)
    data = quiz_form(
        draw_rules=inline_formset([rule_data(5), rule_data(20, "1", regulation_category)])
    )
    response = admin_client.post(reverse("admin_quizzes:add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "第2条抽题规则" in html and "只有 12 题，还差 8 题" in html
    errors = response.context["form"].non_field_errors()
    assert any("还差 8 题" in e for e in errors)
    assert not Quiz.objects.exists()


def test_regulation_share_shortfall_is_refused(
    admin_client, regulation_category, non_regulation_category
):
    """When the bank cannot reach the regulation share, saving says how many points are missing."""
    factories.bank(non_regulation_category, count=10)
    factories.single(regulation_category, 99)
    data = quiz_form(
        min_regulation_percent="50",
        draw_rules=inline_formset([rule_data(8, "1", non_regulation_category), rule_data(2, "1")]),
    )
    response = admin_client.post(reverse("admin_quizzes:add"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    # 10 points in all, 5 must be regulation; at most 1 regulation question can be drawn.
    assert "法规纪律内容达不到要求的 50%" in errors and "最多还差 4 分" in errors
    assert not Quiz.objects.exists()


def test_empty_blueprint_is_refused(admin_client):
    """A quiz without any question cannot be saved."""
    response = admin_client.post(reverse("admin_quizzes:add"), quiz_form())
    assert "试卷没有任何题目" in " ".join(response.context["form"].non_field_errors())


def test_editing_to_an_impossible_rule_keeps_the_saved_quiz(admin_client, regulation_category):
    """A refused edit changes nothing in the database."""
    factories.bank(regulation_category, count=6)
    quiz = factories.quiz(title="原名称")
    factories.rule(quiz, count=5, cat=regulation_category)
    url = reverse("admin_quizzes:edit", args=(quiz.pk,))
    data = querydict_from_html(admin_client.get(url).content.decode(), form_id="w-editor-form")
    data["title"] = "新名称"
    data["draw_rules-0-count"] = "9"
    response = admin_client.post(url, data)
    assert "还差 3 题" in " ".join(response.context["form"].non_field_errors())
    quiz.refresh_from_db()
    assert quiz.title == "原名称" and quiz.draw_rules.get().count == 5
    data["draw_rules-0-count"] = "6"
    assert admin_client.post(url, data).status_code == 302
    assert DrawRule.objects.get(quiz=quiz).count == 6


def test_unpublished_fixed_question_is_refused(admin_client, regulation_category):
    """Only published questions may be fixed questions."""
    draft = factories.single(regulation_category, 1, status="draft")
    data = quiz_form(fixed_questions=inline_formset([{"question": draft.pk, "points": "2"}]))
    response = admin_client.post(reverse("admin_quizzes:add"), data)
    assert response.status_code == 200
    assert "未发布" in " ".join(response.context["form"].non_field_errors())


def test_draw_rule_offers_question_types_by_name(admin_client):
    """The rule's type list holds only the five question types, by their Chinese names."""
    response = admin_client.get(reverse("admin_quizzes:add"))
    field = response.context["form"].formsets["draw_rules"].empty_form.fields["question_type"]
    assert [label for _, label in field.choices] == [
        "全部题型", "单选题", "多选题", "判断题", "填空题", "简答题",
    ]  # fmt: skip
    assert "quizzes | " not in response.content.decode()


def test_question_chooser_finds_published_questions_by_stem(admin_client, regulation_category):
    """The chooser searches published questions by a Chinese substring, a page at a time."""
    wanted = factories.single(regulation_category, 1, stem="离任检查的对象是谁？")
    factories.single(regulation_category, 2, stem="离任检查草稿题", status="draft")
    factories.bank(regulation_category, count=3)
    response = admin_client.get(reverse("quiz_question_chooser:choose_results"), {"q": "离任检查"})
    html = response.content.decode()
    assert "离任检查的对象是谁" in html and "草稿题" not in html
    assert reverse("quiz_question_chooser:chosen", args=(wanted.pk,)) in html


def test_index_lists_quizzes_without_a_query_per_row(admin_client, regulation_category):
    """The list shows mode, window, published and attempts with the same queries for 2 or 6 rows."""
    admin_client.get(reverse("wagtailadmin_home"))  # the session remembers the password check
    question = factories.single(regulation_category, 1)
    counts = []
    learner = factories.learners(1)[0]
    for total in (2, 6):
        while Quiz.objects.count() < total:
            quiz = factories.quiz(mode=Quiz.Mode.EXAM, closes_at=NOW + timedelta(days=1))
            factories.finished_attempt(quiz, learner, [(question, "1", "1")])
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("admin_quizzes:index"))
        counts.append(len(queries))
    html = response.content.decode()
    assert "考试" in html and "至 2026-11-21 09:00 止" in html
    assert reverse("quiz_statistics:quiz", args=(quiz.pk,)) in html  # in each row's menu
    assert response.context["object_list"][0].attempt_count == 1
    assert counts[0] == counts[1]


# Marking --------------------------------------------------------------------------------------


def essay_attempt(quiz, user, answer: str, now) -> Attempt:
    attempt = services.start_attempt(quiz=quiz, user=user, now=now, rng=random.Random(1))
    essay = attempt.paper.get(question__in=EssayQuestion.objects.all())
    services.save_answer(
        attempt_id=attempt.pk, user=user, position=essay.position, response=answer, now=now
    )
    return services.finish_attempt(attempt_id=attempt.pk, now=now + timedelta(minutes=5))


@pytest.fixture
def essay_quiz(regulation_category):
    essay = EssayQuestion.objects.create(
        stem="简答题：谈谈离任检查的意义。", rubric="要点一（5分）；要点二（5分）",
        reference_answer="发现问题、及时纠正。", points=10, category=regulation_category,
        status="published",
    )  # fmt: skip
    quiz = factories.quiz()
    QuizQuestion.objects.create(
        quiz=quiz, question=factories.single(regulation_category, 1), points=2
    )
    QuizQuestion.objects.create(quiz=quiz, question=essay, points=10, sort_order=1)
    return quiz


def test_queue_lists_unmarked_essays_oldest_first(admin_client, essay_quiz):
    """Finished attempts' unscored answers are listed oldest first; unfinished ones are not."""
    late = essay_attempt(
        essay_quiz, UserFactory(first_name="晚交"), "答案乙", NOW + timedelta(hours=1)
    )
    early = essay_attempt(essay_quiz, UserFactory(first_name="早交"), "答案甲", NOW)
    services.start_attempt(quiz=essay_quiz, user=UserFactory(), now=NOW, rng=random.Random(2))
    response = admin_client.get(reverse("quiz_marking:queue"))
    rows = list(response.context["rows"])
    assert [r.attempt_id for r in rows] == [early.pk, late.pk]
    html = response.content.decode()
    assert html.index("早交") < html.index("晚交") and "谈谈离任检查的意义" in html


def test_marking_records_the_score_and_goes_to_the_next_answer(
    admin_client, admin_user, essay_quiz
):
    """Submitting a score marks the answer, re-totals the attempt and opens the next answer."""
    first = essay_attempt(essay_quiz, UserFactory(), "发现问题，及时纠正。", NOW)
    second = essay_attempt(essay_quiz, UserFactory(), "第二份答案", NOW + timedelta(hours=1))
    row = AttemptQuestion.objects.get(attempt=first, score__isnull=True)
    page = admin_client.get(reverse("quiz_marking:mark", args=(row.pk,))).content.decode()
    assert (
        "要点一（5分）" in page
        and "发现问题、及时纠正。" in page
        and "发现问题，及时纠正。" in page
    )
    response = admin_client.post(
        reverse("quiz_marking:mark", args=(row.pk,)), {"score": "7.5", "comment": "要点基本齐全"}
    )
    following = AttemptQuestion.objects.get(attempt=second, score__isnull=True)
    assert response.url == reverse("quiz_marking:mark", args=(following.pk,))
    row.refresh_from_db()
    assert (row.score, row.marked_by, row.marker_comment) == (
        Decimal("7.5"),
        admin_user,
        "要点基本齐全",
    )
    first.refresh_from_db()  # the single-choice question was left unanswered: 0 + 7.5
    assert first.pending_marking is False and first.score == Decimal("7.5")


def test_last_answer_returns_to_the_empty_queue(admin_client, essay_quiz):
    """After the last answer the marker is sent back to the queue, which says it is empty."""
    attempt = essay_attempt(essay_quiz, UserFactory(), "答案", NOW)
    row = AttemptQuestion.objects.get(attempt=attempt, score__isnull=True)
    response = admin_client.post(
        reverse("quiz_marking:mark", args=(row.pk,)), {"score": "0"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("quiz_marking:queue")
    assert "目前没有待阅的答案" in response.content.decode()


def test_score_outside_the_points_is_refused(admin_client, essay_quiz):
    """A score above the question's points is a form error and nothing is saved."""
    attempt = essay_attempt(essay_quiz, UserFactory(), "答案", NOW)
    row = AttemptQuestion.objects.get(attempt=attempt, score__isnull=True)
    response = admin_client.post(reverse("quiz_marking:mark", args=(row.pk,)), {"score": "11"})
    assert response.status_code == 200
    assert response.context["form"].errors["score"] == ["得分不能超过本题分值 10 分。"]
    row.refresh_from_db()
    assert row.score is None and row.marked_by is None


def test_marked_list_shows_who_marked_what(admin_client, essay_quiz):
    """The 已阅 list names the marker, the score and the comment."""
    marker = UserFactory(username="marker", first_name="阅卷老师")
    attempt = essay_attempt(essay_quiz, UserFactory(first_name="学员甲"), "答案", NOW)
    row = AttemptQuestion.objects.get(attempt=attempt, score__isnull=True)
    services.mark_answer(
        row_id=row.pk, marker=marker, score=Decimal(6), comment="论述较简单", now=NOW
    )
    html = admin_client.get(reverse("quiz_marking:done")).content.decode()
    assert "阅卷老师" in html and "学员甲" in html and "论述较简单" in html and "6 / 10" in html


def test_marking_and_statistics_need_attempt_permissions(client, essay_quiz):
    """Marking needs change_attempt; statistics need view_attempt or change_attempt; others are
    refused, and a refused mark changes nothing."""
    attempt = essay_attempt(essay_quiz, UserFactory(), "答案", NOW)
    row = AttemptQuestion.objects.get(attempt=attempt, score__isnull=True)
    marking = [reverse("quiz_marking:queue"), reverse("quiz_marking:mark", args=(row.pk,))]
    stats = [
        reverse("quiz_statistics:index"),
        reverse("quiz_statistics:quiz", args=(essay_quiz.pk,)),
        reverse("quiz_statistics:export", args=(essay_quiz.pk,)),
    ]
    cases = [
        ((), REFUSED, REFUSED),
        (("view_attempt",), REFUSED, 200),
        (("change_attempt",), 200, 200),
    ]
    for codenames, marking_status, stats_status in cases:
        client.force_login(staff_with(*codenames))
        assert {outcome(client.get(url)) for url in marking} == {marking_status}
        assert {outcome(client.get(url)) for url in stats} == {stats_status}
    client.force_login(staff_with())
    assert outcome(client.post(marking[1], {"score": "1"})) == REFUSED
    row.refresh_from_db()
    assert row.score is None


def quiz_menu_labels(user) -> list[str]:
    reverse("wagtailadmin_home")  # loads the admin URLs, which register the menu items
    request = RequestFactory().get("/admin/")
    request.user = user
    items = admin_menu.menu_items_for_request(request)
    group = next((item for item in items if item.name == "quiz-admin"), None)
    return [item.label for item in group.menu.menu_items_for_request(request)] if group else []


def test_menu_shows_only_what_the_user_may_open():
    """测试管理 lists 测试/考试, 阅卷, 成绩统计 and 应急处置 only for users holding the matching
    permission."""
    everything = ["测试/考试", "阅卷", "成绩统计", "应急处置"]
    assert quiz_menu_labels(UserFactory(is_superuser=True)) == everything
    assert quiz_menu_labels(staff_with("change_quiz")) == ["测试/考试", "应急处置"]
    assert quiz_menu_labels(staff_with("view_attempt", "view_quiz")) == ["测试/考试", "成绩统计"]
    assert quiz_menu_labels(staff_with("change_attempt")) == ["阅卷", "成绩统计"]
    assert quiz_menu_labels(staff_with()) == []


# Statistics -----------------------------------------------------------------------------------


@pytest.fixture
def four_attempts(regulation_category):
    """The four papers of test_statistics' hand-computed example, on three questions."""
    q1, q2, q3 = (
        factories.single(regulation_category, 1),
        factories.single(regulation_category, 2),
        factories.single(regulation_category, 3),
    )
    quiz = factories.quiz(pass_percent=Decimal(50))
    papers = [(2, 1, 4), (2, 0, 3), (0, 1, 1), (1, 0, 2)]
    for n, ((a, b, c), learner) in enumerate(zip(papers, factories.learners(4), strict=True)):
        rows = [(q1, str(a), "2"), (q2, str(b), "1"), (q3, str(c), "5")]
        factories.finished_attempt(quiz, learner, rows, minutes=n)
    return quiz, (q1, q2, q3)


def test_statistics_page_shows_summary_distribution_and_items(admin_client, four_attempts):
    """The page shows the hand-computed figures: totals 7, 5, 2, 3 of 8; facility; discrimination."""
    quiz, (q1, q2, q3) = four_attempts
    factories.finished_attempt(
        quiz, factories.learners(1)[0], [(q1, "2", "2"), (q2, None, "1")]
    )  # pending
    response = admin_client.get(reverse("quiz_statistics:quiz", args=(quiz.pk,)))
    summary = response.context["summary"]
    # 5 finished (one pending); average (7 + 5 + 2 + 3) / 4 = 4.25; percents 87.5, 62.5, 25,
    # 37.5 → mean 53.125; passed (≥ 50 %) 2 of 4 = 50 %.
    assert (summary.attempts, summary.participants, summary.pending) == (5, 5, 1)
    assert summary.average_score == Decimal("4.25") and summary.pass_rate == Decimal(50)
    assert summary.bands == [0, 0, 1, 1, 0, 0, 1, 0, 1, 0]
    html = response.content.decode()
    assert "53.1%" in html and "另有 1 份" in html
    assert "62.5%" in html and "73.9%" in html and "-13.0%" in html and "94.4%" in html


def test_statistics_queries_do_not_grow_with_attempts(
    admin_client, regulation_category, django_assert_max_num_queries
):
    """5 and 50 attempts (10 questions each) load with the same bounded number of queries."""
    admin_client.get(reverse("wagtailadmin_home"))  # the session remembers the password check
    questions = factories.bank(regulation_category, count=12)
    quiz = factories.quiz()
    rng = random.Random(4)
    learners = factories.learners(50)
    for target in (5, 50):
        while (done := Attempt.objects.filter(quiz=quiz).count()) < target:
            drawn = rng.sample(questions, 10)
            scores = [(q, str(rng.randint(0, 1)), "1") for q in drawn]
            factories.finished_attempt(quiz, learners[done], scores)
        with django_assert_max_num_queries(11):
            response = admin_client.get(reverse("quiz_statistics:quiz", args=(quiz.pk,)))
        assert response.context["summary"].attempts == target


def test_excel_export_has_summary_and_item_sheets(admin_client, four_attempts):
    """The workbook has 概况 (figures and bands) and 题目分析 (one row per question)."""
    quiz, (q1, _, _) = four_attempts
    response = admin_client.get(reverse("quiz_statistics:export", args=(quiz.pk,)))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["概况", "题目分析"]
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(values_only=True) if row[0]}
    assert summary["已交卷人次"] == 4 and summary["平均分"] == 4.25 and summary["答卷及格率"] == 0.5
    assert summary["60–70%"] == 1 and summary["分数段（得分率）"] == "人次"
    rows = list(book["题目分析"].iter_rows(values_only=True))
    assert rows[0] == ("题号", "题干", "题型", "作答次数", "难度系数", "区分度")
    assert rows[1][:4] == (1, q1.stem, "单选题", 4)
    assert rows[1][4] == pytest.approx(0.625) and rows[1][5] == pytest.approx(0.738549, abs=1e-5)


def test_statistics_index_counts_finished_and_pending(admin_client, four_attempts):
    """The 成绩统计 landing page lists each quiz with finished attempts and participants."""
    quiz, _ = four_attempts
    response = admin_client.get(reverse("quiz_statistics:index"))
    listed = {q.pk: q for q in response.context["quizzes"]}
    assert (listed[quiz.pk].finished_count, listed[quiz.pk].participant_count) == (4, 4)
    assert reverse("quiz_statistics:quiz", args=(quiz.pk,)) in response.content.decode()
