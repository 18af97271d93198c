import json

import pytest
from django.urls import reverse

from quizzes.models import Favourite, PracticeProgress, WrongAnswer
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in_learner(client):
    """A learner logged in through ``client``."""
    user = UserFactory()
    client.force_login(user)
    return user


def answer(client, payload):
    return client.post(
        reverse("quizzes:practice_answer"), json.dumps(payload), content_type="application/json"
    )


def test_practice_page_shows_question_without_key(client, logged_in_learner):
    """The practice page shows the question but not its explanation until answered."""
    factories.single(factories.category("法规纪律"), 3)
    html = client.get(reverse("quizzes:practice_question", args=("sequential",))).content.decode()
    assert "单选题3" in html and "解析3" not in html


def test_answer_returns_verdict_key_explanation_and_citation(client, logged_in_learner):
    """Submitting a practice answer returns right/wrong, the key, the explanation and the article link."""
    article = RegulationPageFactory(articles=[("岗前培训", "至少8个学时。")]).articles.get()
    question = factories.single(factories.category("法规纪律"), 1, source_article=article)
    data = answer(client, {"question": question.pk, "response": 0}).json()
    assert (
        data["correct"] is False
        and data["answer"] == "B"
        and data["explanation"] == "解析1:至少8个学时。"
    )
    assert data["citation"]["url"].endswith("#art-1") and data["in_wrong_book"]


def test_wrong_book_fills_and_empties(client, logged_in_learner):
    """A wrong practice answer enters the book; two right answers in a row take it out."""
    question = factories.single(factories.category("法规纪律"), 1)
    answer(client, {"question": question.pk, "response": 3})
    assert "单选题1" in client.get(reverse("quizzes:wrong_book")).content.decode()
    html = client.get(reverse("quizzes:practice_question", args=("wrong",))).content.decode()
    assert "单选题1" in html
    answer(client, {"question": question.pk, "response": 1, "mode": "wrong"})
    answer(client, {"question": question.pk, "response": 1, "mode": "wrong"})
    assert not WrongAnswer.objects.filter(user=logged_in_learner, cleared_at=None).exists()


def test_sequential_practice_remembers_progress(client, logged_in_learner):
    """Sequential practice resumes where the learner stopped."""
    cat = factories.category("法规纪律")
    first, second, third = factories.bank(cat, count=3)
    answer(client, {"question": second.pk, "response": 1, "mode": "sequential", "index": 1})
    progress = PracticeProgress.objects.get(user=logged_in_learner, category=None)
    assert (progress.position, progress.answered, progress.correct) == (2, 1, 1)
    html = client.get(reverse("quizzes:practice_question", args=("sequential",))).content.decode()
    assert third.stem in html


def test_chapter_practice_stays_in_its_category(client, logged_in_learner):
    """Chapter practice only walks through the chosen category and those below it."""
    inside = factories.single(factories.category("法规纪律/四项监督制度"), 1)
    factories.single(factories.category("工作实务"), 2)
    top = inside.category.parent
    url = reverse("quizzes:practice_question", args=("chapter",))
    html = client.get(url, {"category": top.pk}).content.decode()
    assert inside.stem in html and "共 1 题" in html


def test_favourite_toggles(client, logged_in_learner):
    """The favourite button adds a question and removes it again."""
    question = factories.single(factories.category("法规纪律"))
    url = reverse("quizzes:favourite")
    assert client.post(
        url, json.dumps({"question": question.pk}), content_type="application/json"
    ).json() == {"favourite": True}
    assert Favourite.objects.filter(user=logged_in_learner, question=question).exists()
    client.post(url, json.dumps({"question": question.pk}), content_type="application/json")
    assert not Favourite.objects.filter(user=logged_in_learner).exists()


def test_draft_questions_cannot_be_practised(client, logged_in_learner):
    """Unpublished questions are not served or graded."""
    draft = factories.single(factories.category("法规纪律"), status="draft")
    assert answer(client, {"question": draft.pk, "response": 1}).status_code == 404


def test_practice_needs_login(client):
    """Anonymous visitors are sent to log in."""
    assert client.get(reverse("quizzes:practice")).status_code == 302


def test_practice_holds_back_answers_of_a_question_in_an_unfinished_attempt(
    client, logged_in_learner
):
    """A question on the learner's unfinished paper gets no key or explanation in practice."""
    import random

    from django.utils import timezone

    from quizzes import services

    question = factories.single(factories.category("法规纪律"), 1)
    quiz = factories.fixed(factories.quiz(), [question])
    services.start_attempt(
        quiz=quiz, user=logged_in_learner, now=timezone.now(), rng=random.Random(1)
    )
    reply = answer(client, {"question": question.pk, "response": 1})
    assert reply.status_code == 409 and "尚未结束" in reply.json()["error"]
    assert "解析1" not in reply.content.decode()


def test_open_exam_answers_stay_out_of_practice_and_the_wrong_book(client, logged_in_learner):
    """An exam handed in while still open adds nothing to the wrong-answer book and practice
    shows none of its keys; once it closes, its wrong answers enter the book."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from quizzes import services
    from quizzes.models import Quiz

    now = timezone.now()
    question = factories.single(factories.category("法规纪律"), 1)
    exam = factories.fixed(
        factories.quiz(mode=Quiz.Mode.EXAM, closes_at=now + timedelta(days=1)), [question]
    )
    attempt = services.start_attempt(
        quiz=exam, user=logged_in_learner, now=now, rng=random.Random(1)
    )
    wrong = attempt.paper.get().option_order.index(0)  # option A; B is right
    services.save_answer(
        attempt_id=attempt.pk, user=logged_in_learner, position=1, response=wrong, now=now
    )
    services.finish_attempt(attempt_id=attempt.pk, now=now)
    assert not WrongAnswer.objects.filter(user=logged_in_learner).exists()
    assert answer(client, {"question": question.pk, "response": 1}).status_code == 409
    assert services.record_released_exams(now=now + timedelta(days=2)) == 1
    assert WrongAnswer.objects.filter(user=logged_in_learner, question=question).exists()
    assert services.record_released_exams(now=now + timedelta(days=2)) == 0
