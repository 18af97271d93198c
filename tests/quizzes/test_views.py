import json
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import FillBlankQuestion, Quiz
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, learner):
    client.force_login(learner)
    return client


def begin(quiz, user, now=None):
    return services.start_attempt(
        quiz=quiz, user=user, now=now or timezone.now(), rng=random.Random(3)
    )


def save_url(attempt):
    return reverse("quizzes:save", args=(attempt.pk,))


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_attempt_page_reveals_no_key_or_explanation(logged_in, learner, regulation_category):
    """Before finishing, neither the page nor the save API carries a key or an explanation."""
    secret = FillBlankQuestion.objects.create(
        stem="填空：到会不足____的不得研究干部任免。", blanks=[["三分之二号答案"]],
        explanation="独特解析文字甲乙丙", category=regulation_category, status="published",
    )  # fmt: skip
    questions = [*factories.one_of_each(regulation_category), secret]
    attempt = begin(factories.fixed(factories.quiz(), questions), learner)
    html = logged_in.get(reverse("quizzes:attempt", args=(attempt.pk,))).content.decode()
    reply = post_json(logged_in, save_url(attempt), {"position": 1, "response": 0}).content.decode()
    for text in (
        "独特解析文字甲乙丙",
        "三分之二号答案",
        "多选解析",
        "要点一",
        "correct",
        "explanation",
    ):
        assert text not in html and text not in reply


def _attempt_page_queries(client, user, regulation_category, size):
    quiz = factories.fixed(
        factories.quiz(),
        [
            *factories.one_of_each(regulation_category),
            *factories.bank(regulation_category, count=size),
        ],
    )
    attempt = begin(quiz, user)
    client.force_login(user)
    url = reverse("quizzes:attempt", args=(attempt.pk,))
    client.get(url)  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_attempt_page_queries_do_not_grow_with_paper_size(client, regulation_category):
    """The attempt page costs the same queries for 6 or 46 questions."""
    small = _attempt_page_queries(client, UserFactory(), regulation_category, 1)
    large = _attempt_page_queries(client, UserFactory(), factories.category("工作实务"), 41)
    assert small == large
    assert small <= 20


def _result_queries(client, user, regulation_category, size):
    regulation = RegulationPageFactory(articles=[("岗前培训", "至少8个学时。")])
    article = regulation.articles.get()
    questions = factories.bank(regulation_category, count=size)
    for question in questions:
        question.source_article = article
        question.save()
    attempt = begin(factories.fixed(factories.quiz(), questions), user)
    services.finish_attempt(attempt_id=attempt.pk, now=timezone.now())
    url = reverse("quizzes:result", args=(attempt.pk,))
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert "#art-1" in html
    return len(queries)


def test_result_page_queries_do_not_grow_with_paper_size(client, regulation_category):
    """The result page with citations costs the same queries for 3 or 30 questions."""
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    small = _result_queries(client, first, regulation_category, 3)
    client.force_login(second)
    large = _result_queries(client, second, factories.category("工作实务"), 30)
    assert small == large


def test_save_api_saves_and_reports_remaining_time(logged_in, learner, regulation_category):
    """The save API stores the answer and returns the server's remaining seconds."""
    attempt = begin(
        factories.fixed(
            factories.quiz(time_limit_minutes=30), factories.bank(regulation_category, count=2)
        ),
        learner,
    )
    data = post_json(
        logged_in, save_url(attempt), {"position": 2, "response": 1, "flagged": True}
    ).json()
    row = attempt.paper.get(position=2)
    assert data["ok"] and 1790 <= data["remaining"] <= 1800
    assert row.flagged and row.response == row.option_order[1]


def test_save_api_refuses_late_answers_with_a_message(logged_in, learner, regulation_category):
    """A save long after the deadline is refused (409) with a Chinese message."""
    past = timezone.now() - timedelta(hours=2)
    attempt = begin(
        factories.fixed(
            factories.quiz(time_limit_minutes=10), factories.bank(regulation_category, count=1)
        ),
        learner,
        past,
    )
    reply = post_json(logged_in, save_url(attempt), {"position": 1, "response": 0})
    assert reply.status_code == 409 and "作答时间已到" in reply.json()["error"]


def test_save_api_needs_csrf_token(learner, regulation_category):
    """The save API refuses a POST without a CSRF token."""
    attempt = begin(
        factories.fixed(factories.quiz(), factories.bank(regulation_category, count=1)), learner
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert post_json(strict, save_url(attempt), {"position": 1, "response": 0}).status_code == 403


def test_other_peoples_attempts_are_not_found(logged_in, regulation_category):
    """A learner cannot open, save into or finish someone else's attempt."""
    attempt = begin(
        factories.fixed(factories.quiz(), factories.bank(regulation_category, count=1)),
        UserFactory(),
    )
    assert logged_in.get(reverse("quizzes:attempt", args=(attempt.pk,))).status_code == 404
    assert logged_in.get(reverse("quizzes:result", args=(attempt.pk,))).status_code == 404
    assert logged_in.post(reverse("quizzes:finish", args=(attempt.pk,))).status_code == 404


def test_the_json_endpoints_answer_someone_elses_attempt_with_a_json_404(
    logged_in, regulation_category
):
    """Save and state: 404 in JSON with the reason, never "finished" (the page would reload)
    nor the site's HTML 404 page (the page's script reads JSON)."""
    attempt = begin(
        factories.fixed(factories.quiz(), factories.bank(regulation_category, count=1)),
        UserFactory(),
    )
    saved = post_json(logged_in, save_url(attempt), {"position": 1, "response": 0})
    state = logged_in.get(reverse("quizzes:state", args=(attempt.pk,)))
    for response in (saved, state):
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error": "找不到这次作答。"}


def test_quiz_pages_need_login(client, regulation_category):
    """Anonymous visitors are sent to the login page."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=1))
    for url in (reverse("quizzes:list"), reverse("quizzes:detail", args=(quiz.slug,))):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_exam_review_waits_until_the_exam_closes(logged_in, learner, regulation_category):
    """An exam's result shows the score but no answers or explanations until it closes."""
    now = timezone.now()
    exam = factories.fixed(
        factories.quiz(mode=Quiz.Mode.EXAM, closes_at=now + timedelta(days=1)),
        factories.bank(regulation_category, count=2),
    )
    attempt = begin(exam, learner)
    logged_in.post(reverse("quizzes:finish", args=(attempt.pk,)))
    html = logged_in.get(reverse("quizzes:result", args=(attempt.pk,))).content.decode()
    assert "考试结束" in html and "解析0" not in html
    Quiz.objects.filter(pk=exam.pk).update(closes_at=now - timedelta(minutes=1))
    html = logged_in.get(reverse("quizzes:result", args=(attempt.pk,))).content.decode()
    assert "解析0" in html or "解析1" in html


def test_self_test_flow_start_finish_and_review(logged_in, learner, regulation_category):
    """Start, answer, finish: the result shows score, verdict and each explanation."""
    quiz = factories.fixed(
        factories.quiz(shuffle_options=False), [factories.single(regulation_category, 7)]
    )
    response = logged_in.post(reverse("quizzes:start", args=(quiz.slug,)))
    attempt = learner.attempts.get()
    assert response["Location"] == reverse("quizzes:attempt", args=(attempt.pk,))
    post_json(logged_in, save_url(attempt), {"position": 1, "response": 1})
    response = logged_in.post(reverse("quizzes:finish", args=(attempt.pk,)), follow=True)
    html = response.content.decode()
    assert "合格" in html and "解析7" in html and "2 / 2" in html


def test_overdue_attempt_page_redirects_to_result(logged_in, learner, regulation_category):
    """Opening an attempt after its deadline finishes it and shows the result."""
    past = timezone.now() - timedelta(hours=1)
    attempt = begin(
        factories.fixed(
            factories.quiz(time_limit_minutes=5), factories.bank(regulation_category, count=1)
        ),
        learner,
        past,
    )
    response = logged_in.get(reverse("quizzes:attempt", args=(attempt.pk,)))
    assert response["Location"] == reverse("quizzes:result", args=(attempt.pk,))
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.score == Decimal(0)
