"""The exam page and its review: saves that cannot go backwards, malformed answers refused as
such, questions in sections by type, and a review that marks every option."""

import json
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import AttemptQuestion
from quizzes.services.attempts import CONFLICT, PAGE_SPACE, STALE, STORE, save_decision
from tests.quizzes import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(client, learner, regulation_category):
    """A started self-test of one question of each type, the learner logged in."""
    quiz = factories.fixed(
        factories.quiz(shuffle_options=False), factories.one_of_each(regulation_category)
    )
    attempt = services.start_attempt(
        quiz=quiz, user=learner, now=timezone.now(), rng=random.Random(5)
    )
    client.force_login(learner)
    return attempt


def save(client, attempt, **payload):
    return client.post(
        reverse("quizzes:save", args=(attempt.pk,)),
        json.dumps({"position": 1, **payload}),
        content_type="application/json",
    )


def stored(attempt):
    return AttemptQuestion.objects.get(attempt=attempt, position=1)


# Sequence numbers -------------------------------------------------------------------------------


def test_the_decision_rules():
    """Same page: newer stored, older stale; another page wrote since loading: conflict."""
    page_a, page_b = 7, 9
    a1, a2, b1 = 1 * PAGE_SPACE + page_a, 2 * PAGE_SPACE + page_a, 1 * PAGE_SPACE + page_b
    assert save_decision(stored=0, seq=a1, base=0) == STORE
    assert save_decision(stored=a2, seq=a1, base=0) == STALE
    assert save_decision(stored=a1, seq=a2, base=0) == STORE
    assert save_decision(stored=a1, seq=b1, base=0) == CONFLICT
    assert save_decision(stored=a1, seq=b1, base=a1) == STORE  # B loaded after A wrote
    assert save_decision(stored=a1, seq=None, base=None) == STORE


def test_an_older_save_arriving_late_changes_nothing(client, paper):
    """The page's second change arrives first; the first, late, is acknowledged as stale."""
    first, second = 1 * PAGE_SPACE + 5, 2 * PAGE_SPACE + 5
    assert save(client, paper, response=1, seq=second, base=0).json()["stale"] is False
    late = save(client, paper, response=0, seq=first, base=0)
    assert late.status_code == 200 and late.json()["stale"] is True
    row = stored(paper)
    assert (row.response, row.seq) == (1, second)


def test_a_page_out_of_date_is_told_to_reload(client, paper):
    """Another tab wrote since this page loaded: 409 with conflict, the answer untouched."""
    save(client, paper, response=1, seq=PAGE_SPACE + 11, base=0)
    response = save(client, paper, response=0, seq=PAGE_SPACE + 22, base=0)
    assert response.status_code == 409 and response.json()["conflict"]
    assert "finished" not in response.json() and stored(paper).response == 1


def test_a_malformed_answer_is_refused_as_malformed(client, paper):
    """An option that does not exist: 400 with a message, the attempt still running."""
    response = save(client, paper, response=99)
    assert response.status_code == 400 and "答案格式不正确" in response.json()["error"]
    assert "finished" not in response.json()
    paper.refresh_from_db()
    assert not paper.is_finished


def test_the_page_carries_each_questions_stored_number(client, paper):
    """The page loads each question with its stored save number, the base of its next saves."""
    save(client, paper, response=1, seq=PAGE_SPACE + 3, base=0)
    html = client.get(reverse("quizzes:attempt", args=(paper.pk,))).content.decode()
    assert f'data-seq="{PAGE_SPACE + 3}"' in html


# Sections ---------------------------------------------------------------------------------------


def test_the_paper_is_in_sections_by_type(client, paper):
    """Questions grouped 单选, 多选, 判断, 填空, 简答 with numbered headings, numbers continuing."""
    response = client.get(reverse("quizzes:attempt", args=(paper.pk,)))
    headings = [s.heading for s in response.context["sections"]]
    assert headings == [
        "一、单选题（共 1 题，每题 2 分）",
        "二、多选题（共 1 题，每题 2 分）",
        "三、判断题（共 1 题，每题 2 分）",
        "四、填空题（共 1 题，每题 2 分）",
        "五、简答题（共 1 题，每题 2 分）",
    ]
    html = response.content.decode()
    assert "下一道未答题" in html and html.index("一、单选题") < html.index("五、简答题")


# The review -------------------------------------------------------------------------------------


def finish_with(client, attempt, answers: dict[int, object]):
    for position, response in answers.items():
        save(client, attempt, position=position, response=response)
    client.post(reverse("quizzes:finish", args=(attempt.pk,)))
    return client.get(reverse("quizzes:result", args=(attempt.pk,)))


def test_the_review_marks_options_counts_and_filters(client, paper):
    """A wrong single choice: ✓ on the key, ✗ on the choice; counts of right, wrong and
    unanswered; 只看答错 keeps the wrong ones only; 再测一次 while attempts remain."""
    response = finish_with(client, paper, {1: 0, 3: True})  # single wrong, true/false right
    items = {item.kind_label: item for item in response.context["items"]}
    single = items["单选题"]
    assert [(o.letter, o.mark) for o in single.options] == [
        ("A", "✗"),
        ("B", "✓"),
        ("C", ""),
        ("D", ""),
    ]
    counts = response.context["counts"]
    assert (counts["right"], counts["wrong"], counts["unanswered"]) == (1, 1, 3)
    html = response.content.decode()
    assert "答对 <strong>1</strong>" in html and "再测一次" in html
    wrong = client.get(reverse("quizzes:result", args=(paper.pk,)), {"show": "wrong"})
    assert [i.kind_label for i in wrong.context["items"]] == ["单选题"]


def test_no_retake_offered_when_no_attempt_is_left(client, paper):
    """With the attempts used up the result page offers no 再测一次."""
    paper.quiz.attempt_limit = 1
    paper.quiz.save()
    response = finish_with(client, paper, {})
    assert "再测一次" not in response.content.decode()
