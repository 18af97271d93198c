"""What an exam morning costs per request: constant queries, short transactions, and caches
that never show a stale question."""

import json
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import selectors, services
from quizzes.models import Question
from tests.factories import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db

# Every logged-in request reads its session and its user (two queries with database sessions).
SESSION_AND_USER = ("django_session", "auth_user")


# Tests run inside a transaction, so ``atomic`` shows as a savepoint pair (BEGIN and COMMIT in
# production, which Django does not log).
SAVEPOINTS = 2


def own_queries(queries) -> list[str]:
    """The statements a view makes beyond reading the session and the user, and beyond
    transaction control."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if not any(f'FROM "{table}"' in q["sql"] for table in SESSION_AND_USER)
        and "SAVEPOINT" not in q["sql"]
    ]


def begin(quiz, user):
    return services.start_attempt(quiz=quiz, user=user, now=timezone.now(), rng=random.Random(1))


@pytest.fixture
def running(client, learner, regulation_category):
    """A running attempt of 30 questions, its owner logged in."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=30))
    client.force_login(learner)
    return begin(quiz, learner)


def test_an_answer_save_takes_at_most_four_statements(
    client, running, django_assert_max_num_queries
):
    """Saving an answer: at most 4 statements of its own (lock, row, update) in one request."""
    url = reverse("quizzes:save", args=(running.pk,))
    body = json.dumps({"position": 3, "response": 1})
    client.post(url, body, content_type="application/json")  # warm the session's password check
    with django_assert_max_num_queries(4 + len(SESSION_AND_USER) + SAVEPOINTS) as queries:
        response = client.post(url, body, content_type="application/json")
    assert response.json()["ok"]
    assert len(own_queries(queries)) <= 4


def test_a_state_check_takes_at_most_two_statements(client, running, django_assert_max_num_queries):
    """The page's state check: at most 2 statements of its own."""
    url = reverse("quizzes:state", args=(running.pk,))
    client.get(url)
    with django_assert_max_num_queries(2 + len(SESSION_AND_USER)) as queries:
        assert client.get(url).json()["remaining"] > 0
    assert len(own_queries(queries)) <= 2


def test_the_attempt_page_builds_no_category_article_or_page(client, running):
    """Shown from the cache per question version: no question type table, category or cited
    article read, three queries for the paper whatever its size."""
    url = reverse("quizzes:attempt", args=(running.pk,))
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert "单选题29" in html or "单选题1" in html
    read = [sql for sql in own_queries(queries) if '"quizzes_' in sql]
    for table in ("quizzes_category", "quizzes_singlechoicequestion", "content_regulationarticle"):
        assert not [sql for sql in read if table in sql]
    assert len(read) <= 3


def test_an_edited_question_shows_its_new_text_on_the_attempt_page(client, running):
    """The cache is per version: an edited stem is shown at once, never the cached one."""
    url = reverse("quizzes:attempt", args=(running.pk,))
    client.get(url)
    row = running.paper.get(position=1)
    question = Question.objects.get(pk=row.question_id)
    question.stem = "修订后的题干：岗前培训至少多少学时？"
    question.save()
    assert "修订后的题干" in client.get(url).content.decode()


def _finish_statements(regulation_category, size: int) -> int:
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=size))
    user = UserFactory()
    attempt = begin(quiz, user)
    for (
        row
    ) in attempt.paper.all():  # every answer wrong (the key is option 1): each goes into the book
        wrong = next(shown for shown, own in enumerate(row.option_order) if own != 1)
        services.save_answer(
            attempt_id=attempt.pk, user=user, position=row.position, response=wrong,
            now=timezone.now(),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        services.finish_attempt(attempt_id=attempt.pk, user=user, now=timezone.now())
    assert user.wrong_answers.count() == size
    return len(queries)


def test_finishing_a_self_test_files_wrong_answers_in_bulk(regulation_category):
    """Hand-in of a self-test with 5 or 40 wrong answers: the same number of statements."""
    assert _finish_statements(regulation_category, 5) == _finish_statements(
        factories.category("工作实务"), 40
    )


def test_a_withdrawn_question_never_reaches_a_paper_from_a_kept_blueprint(regulation_category):
    """A question withdrawn after the blueprint was kept is not drawn; one added is drawn."""
    questions = factories.bank(regulation_category, count=4)
    quiz = factories.quiz()
    factories.rule(quiz, count=4, cat=regulation_category)
    assert {r.question_id for r in begin(quiz, UserFactory()).paper.all()} == {
        q.pk for q in questions
    }
    questions[0].status = Question.Status.DRAFT
    questions[0].save()
    added = factories.single(regulation_category, 99)
    drawn = {r.question_id for r in begin(quiz, UserFactory()).paper.all()}
    assert drawn == {q.pk for q in questions[1:]} | {added.pk}


def test_the_blueprint_is_kept_while_nothing_changes(regulation_category):
    """A second start reads no pool again: the kept blueprint is the same object."""
    factories.bank(regulation_category, count=6)
    quiz = factories.quiz()
    factories.rule(quiz, count=3, cat=regulation_category)
    assert selectors.blueprint_for(quiz) is selectors.blueprint_for(quiz)
    factories.single(regulation_category, 50)
    assert len(selectors.blueprint_for(quiz).rules[0].pool) == 7


def test_a_second_candidate_gets_the_blank_widgets_from_the_cache(client, running):
    """Blank answer widgets are rendered once per question version and option order: a
    second paper alike renders none of them, and its page is the same as rendered afresh."""
    other = UserFactory()
    second = begin(running.quiz, other)  # the same seed: the same questions and option orders
    client.get(reverse("quizzes:attempt", args=(running.pk,)))
    client.force_login(other)
    url = reverse("quizzes:attempt", args=(second.pk,))
    response = client.get(url)
    widgets = [t.name for t in response.templates if t.name.startswith("quizzes/responses/")]
    assert widgets == []
    cache.clear()
    assert _paper(client.get(url)) == _paper(response)


def _paper(response) -> str:
    """The page's questions (the rest holds a CSRF token masked afresh for every page)."""
    html = response.content.decode()
    return html[html.index('<section class="paper-section"') : html.index('id="finish-form"')]


def test_an_answered_question_is_never_shown_from_the_blank_widget(client, running):
    """A saved answer is checked on the reloaded page although the blank widget is cached."""
    url = reverse("quizzes:attempt", args=(running.pk,))
    client.get(url)
    row = running.paper.get(position=2)
    services.save_answer(
        attempt_id=running.pk, user=running.user, position=2, response=3, now=timezone.now()
    )
    html = client.get(url).content.decode()
    assert html.count(" checked") == 1
    assert f'name="q{row.question_id}" value="3" checked' in html


def test_a_paper_in_another_option_order_is_not_shown_from_the_cache(client, running):
    """Widgets are kept per option order: another order shows its own, as rendered afresh."""
    client.get(reverse("quizzes:attempt", args=(running.pk,)))
    other = UserFactory()
    second = services.start_attempt(
        quiz=running.quiz, user=other, now=timezone.now(), rng=random.Random(2)
    )
    client.force_login(other)
    url = reverse("quizzes:attempt", args=(second.pk,))
    shown = _paper(client.get(url))
    cache.clear()
    assert _paper(client.get(url)) == shown
