import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Favourite, PracticeProgress, PracticeRecord, WrongAnswer
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


def test_wrong_book_keeps_a_question_answered_right_right_after_the_key(client, logged_in_learner):
    """A wrong practice answer enters the book; answering right twice on the page that just
    showed the key does not take it out (right answers count once a day, not on that day)."""
    question = factories.single(factories.category("法规纪律"), 1)
    answer(client, {"question": question.pk, "response": 3})
    assert "单选题1" in client.get(reverse("quizzes:wrong_book")).content.decode()
    html = client.get(reverse("quizzes:practice_question", args=("wrong",))).content.decode()
    assert "单选题1" in html
    answer(client, {"question": question.pk, "response": 1, "mode": "wrong"})
    answer(client, {"question": question.pk, "response": 1, "mode": "wrong"})
    entry = WrongAnswer.objects.get(user=logged_in_learner)
    assert entry.is_open and entry.right_occasions == 0


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


# The practice pages around the book -------------------------------------------------------------


def test_practice_counts_the_first_answer_of_each_day(client, logged_in_learner):
    """Answering again after the key was shown changes neither 已练 nor 正确率."""
    question = factories.single(factories.category("法规纪律"), 1)
    answer(client, {"question": question.pk, "response": 0})
    answer(client, {"question": question.pk, "response": 1})
    record = PracticeRecord.objects.get(user=logged_in_learner)
    assert (record.answered, record.right, record.last_correct) == (1, 0, False)


def test_chapters_show_how_much_was_practised_and_how_well(client, logged_in_learner):
    """法规纪律: 1 of 2 practised, 0 %; 工作实务: nothing yet."""
    first, _ = factories.bank(factories.category("法规纪律/四项监督制度"), count=2)
    factories.single(factories.category("工作实务"), 9)
    answer(client, {"question": first.pk, "response": 0})
    chapters = client.get(reverse("quizzes:practice")).context["chapters"]
    figures = {c.category.name: (c.practised, c.total, c.accuracy) for c in chapters}
    assert figures == {"法规纪律": (1, 2, 0), "工作实务": (0, 1, None)}


def test_frequent_mistakes_rank_questions_by_how_often_all_learners_miss_them(client):
    """Three learners miss A, one of three misses B; C was answered too rarely to rank."""
    cat = factories.category("法规纪律")
    a, b, c = factories.bank(cat, count=3)
    for n in range(3):
        client.force_login(UserFactory())
        answer(client, {"question": a.pk, "response": 0})
        answer(client, {"question": b.pk, "response": 0 if n == 0 else 1})
    answer(client, {"question": c.pk, "response": 0})
    mistakes = client.get(reverse("quizzes:practice")).context["frequent"]
    assert [(m.question.pk, m.wrong_rate) for m in mistakes] == [(a.pk, 100), (b.pk, 33)]


def test_the_answer_sheet_marks_right_wrong_and_current(client, logged_in_learner):
    """Sequential practice shows a 答题卡: the answered numbers by result, the current one."""
    cat = factories.category("法规纪律")
    first, second, third = factories.bank(cat, count=3)
    answer(client, {"question": first.pk, "response": 1})
    answer(client, {"question": second.pk, "response": 0})
    response = client.get(reverse("quizzes:practice_question", args=("sequential",)), {"i": 2})
    cells = [(c.index, c.state, c.current) for c in response.context["sheet"]]
    assert cells == [(0, "right", False), (1, "wrong", False), (2, "", True)]


def test_recite_mode_shows_the_key_unless_the_question_is_held_back(
    client, logged_in_learner, regulation_category
):
    """背题模式 shows the key and explanation at once; not for a question on the learner's
    unfinished paper."""
    question = factories.single(regulation_category, 4)
    url = reverse("quizzes:practice_question", args=("sequential",))
    response = client.get(url, {"recite": "1"})
    assert "shown-answer" in response.content.decode()
    assert response.context["shown"]["explanation"].startswith("解析4")
    quiz = factories.fixed(factories.quiz(), [question])
    services.start_attempt(quiz=quiz, user=logged_in_learner, now=timezone.now())
    response = client.get(url, {"recite": "1"})
    assert response.context["shown"] is None and "shown-answer" not in response.content.decode()
    assert "答案和解析将在测试结束后公布" in response.content.decode()


def test_a_question_edited_while_on_a_running_paper_is_still_held_back(
    client, logged_in_learner, regulation_category
):
    """The paper keeps the old version; practising the edited question gives no key either."""
    question = factories.single(regulation_category, 5)
    quiz = factories.fixed(factories.quiz(), [question])
    services.start_attempt(quiz=quiz, user=logged_in_learner, now=timezone.now())
    question.stem += "（修订）"
    assert services.keep_paper_version(question=question, now=timezone.now()) is not None
    question.save()
    response = answer(client, {"question": question.pk, "response": 0})
    assert response.status_code == 409 and "correct" not in response.json()
    url = reverse("quizzes:practice_question", args=("sequential",))
    assert client.get(url, {"recite": "1", "q": question.pk}).context["shown"] is None


def test_the_wrong_book_filters_opens_and_removes(client, logged_in_learner):
    """Filter by chapter and type, open an entry at its question, take it out of the book."""
    single = factories.single(factories.category("法规纪律"), 1)
    other = factories.one_of_each(factories.category("工作实务"))[2]  # a true/false question
    answer(client, {"question": single.pk, "response": 0})
    answer(client, {"question": other.pk, "response": not other.correct})
    url = reverse("quizzes:wrong_book")
    by_type = client.get(url, {"type": "truefalse"}).context["entries"]
    assert [e.question_id for e in by_type] == [other.pk]
    by_chapter = client.get(url, {"category": single.category_id}).context["entries"]
    assert [e.question_id for e in by_chapter] == [single.pk]
    opened = client.get(reverse("quizzes:practice_question", args=("wrong",)), {"q": single.pk})
    assert opened.context["step"].question.pk == single.pk
    client.post(reverse("quizzes:remove_wrong", args=(single.pk,)))
    assert not WrongAnswer.objects.filter(question=single, cleared_at=None).exists()


def test_the_practice_page_costs_the_same_queries_for_a_small_or_large_bank(
    client, logged_in_learner, django_assert_max_num_queries
):
    """The page with its 答题卡 runs a fixed number of queries whatever the bank's size."""
    cat = factories.category("法规纪律")
    factories.bank(cat, count=3)
    url = reverse("quizzes:practice_question", args=("sequential",))
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    factories.bank(cat, count=150)
    with django_assert_max_num_queries(len(small)):
        client.get(url)
