"""学员视角预览: quizzes and questions as a candidate sees them, for their editors only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Attempt, AttemptQuestion
from tests.factories import UserFactory, staff_with
from tests.quizzes import factories
from tests.support import REFUSED, outcome

pytestmark = pytest.mark.django_db

BANNER = "学员视角预览：不计成绩，答案不会保存。"


def quiz_url(quiz) -> str:
    return reverse("admin_quizzes:candidate_preview", args=(quiz.pk,))


def question_url(question) -> str:
    return reverse("question_bank:candidate_preview", args=(question.pk,))


@pytest.fixture
def preview_quiz(regulation_category):
    """A quiz with one fixed question of each type and a rule drawing 3 of 10 single choices."""
    quiz = factories.fixed(factories.quiz(), factories.one_of_each(regulation_category))
    drawn_from = factories.category("业务知识/组织工作")
    pool = [
        factories.single(drawn_from, n, stem=f"抽取题{n}", explanation=f"抽取解析{n}")
        for n in range(10)
    ]
    factories.rule(quiz, count=3, cat=drawn_from)
    return quiz, pool


def test_quiz_preview_shows_fixed_and_drawn_questions_without_keys(client, preview_quiz):
    """The page lists every fixed question and the drawn ones, with no explanation or rubric."""
    quiz, pool = preview_quiz
    client.force_login(staff_with("change_quiz"))
    html = client.get(quiz_url(quiz)).content.decode()
    assert BANNER in html
    for stem in ("单选题1", "多选题：", "判断题：", "简答题："):
        assert stem in html
    assert "填空题：岗前培训至少保证" in html
    assert sum(f"抽取题{n}<" in html for n in range(10)) == 3
    for hidden in ("解析", "要点一", "8个学时。", "attempt.js", "finish-form"):
        assert hidden not in html


def test_quiz_preview_creates_no_attempt(client, preview_quiz):
    """Previewing writes no attempt and no paper row."""
    quiz, _ = preview_quiz
    client.force_login(staff_with("change_quiz"))
    assert client.get(quiz_url(quiz)).status_code == 200
    assert not Attempt.objects.exists()
    assert not AttemptQuestion.objects.exists()


def test_quiz_preview_explains_a_bank_too_small(client, regulation_category):
    """A rule the bank cannot fill gives the reason, not an error."""
    quiz = factories.quiz()
    factories.rule(quiz, count=5, cat=regulation_category)
    client.force_login(staff_with("change_quiz"))
    response = client.get(quiz_url(quiz))
    assert response.status_code == 200
    assert "无法组成试卷" in response.content.decode()


def test_quiz_preview_is_refused_to_learners_and_page_editors(client, preview_quiz):
    """A learner goes to the admin log-in; an admin user without quiz rights is refused."""
    quiz, _ = preview_quiz
    client.force_login(UserFactory())
    assert client.get(quiz_url(quiz)).status_code == 302
    assert "/admin/login/" in client.get(quiz_url(quiz))["Location"]
    client.force_login(staff_with())
    assert outcome(client.get(quiz_url(quiz))) == REFUSED
    client.force_login(staff_with("view_attempt"))
    assert outcome(client.get(quiz_url(quiz))) == REFUSED


def test_quiz_list_links_the_preview_for_editors(client, preview_quiz):
    """The quiz list offers 学员视角预览 to quiz editors."""
    quiz, _ = preview_quiz
    client.force_login(staff_with("change_quiz"))
    html = client.get(reverse("admin_quizzes:index")).content.decode()
    assert quiz_url(quiz) in html


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_quiz_preview_costs_constant_queries(
    client, regulation_category, django_assert_max_num_queries
):
    """A paper of 40 questions costs no more queries than one of 5 of the same types."""
    small, large = factories.quiz(), factories.quiz()
    factories.fixed(small, factories.one_of_each(regulation_category))
    factories.fixed(large, factories.one_of_each(regulation_category))
    drawn_from = factories.category("业务知识/组织工作")
    factories.bank(drawn_from, count=60)
    factories.rule(large, count=35, cat=drawn_from)
    client.force_login(staff_with("change_quiz"))
    baseline = page_queries(client, quiz_url(small))
    with django_assert_max_num_queries(baseline):
        html = client.get(quiz_url(large)).content.decode()
    assert html.count('class="question"') == 40


def test_question_preview_shows_the_question_without_key(client, regulation_category):
    """A single question shows its stem and options, not its explanation; nothing is saved."""
    question = factories.single(regulation_category, 7)
    client.force_login(staff_with("change_singlechoicequestion"))
    html = client.get(question_url(question)).content.decode()
    assert BANNER in html
    assert "单选题7" in html and "10个学时" in html
    assert "解析7" not in html
    assert not AttemptQuestion.objects.exists()


def test_question_preview_needs_rights_on_its_type(client, regulation_category):
    """An editor of another question type, and a page editor, are refused."""
    question = factories.single(regulation_category, 1)
    client.force_login(staff_with("change_truefalsequestion"))
    assert outcome(client.get(question_url(question))) == REFUSED
    client.force_login(staff_with())
    assert outcome(client.get(question_url(question))) == REFUSED


def test_question_list_links_the_preview(client, regulation_category):
    """The list of all questions offers 学员视角预览 on a row the user may edit."""
    question = factories.single(regulation_category, 1)
    client.force_login(staff_with("change_singlechoicequestion", "view_question"))
    html = client.get(reverse("question_bank:index")).content.decode()
    assert question_url(question) in html
