"""Spaced re-practice of the wrong-answer book: the dates FSRS sets, the rules for leaving the
book, the 今日复习 queue, and the scheduler against "k right answers in a row" on simulated
learners (bench/spaced_review.py)."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import selectors, services, spacing
from quizzes.models import WrongAnswer
from tests.quizzes import factories
from tests.quizzes.factories import NOW

DAY = timedelta(days=1)


def fresh() -> spacing.EntryState:
    return spacing.EntryState({}, None, 0, 0, None, None, False)


def answer(state, correct: bool, at):
    return spacing.after_answer(state, correct=correct, now=at, today=timezone.localdate(at))


def test_a_wrong_answer_comes_back_the_next_day_then_the_gaps_grow():
    """Wrong on day 0: due day 1; right then: due 2 days later; right again: about a week."""
    state = answer(fresh(), False, NOW)
    assert state.due_at == NOW + DAY and state.wrong_count == 1
    state = answer(state, True, NOW + DAY)
    assert state.due_at == NOW + 3 * DAY and state.right_occasions == 1
    state = answer(state, True, NOW + 3 * DAY)
    assert state.due_at == NOW + 9 * DAY and not state.cleared


def test_right_answers_count_once_a_day_and_not_on_the_day_of_the_key():
    """Answering right right after the key, or twice in a day, counts nothing more."""
    state = answer(fresh(), False, NOW)
    assert answer(state, True, NOW + timedelta(hours=1)) == state
    once = answer(state, True, NOW + DAY)
    assert answer(once, True, NOW + DAY + timedelta(hours=2)) == once


def test_the_book_keeps_a_question_until_it_is_mastered():
    """Right on days 1, 3, 9 and 26: still in the book after the 2nd and 3rd, out after the 4th
    (two separate days at least, and memory stable for three weeks)."""
    state = answer(fresh(), False, NOW)
    for day, cleared in ((1, False), (3, False), (9, False), (26, True)):
        state = answer(state, True, NOW + day * DAY)
        assert state.cleared is cleared, day
    assert state.right_occasions == 4 and state.due_at is None


def test_a_new_wrong_answer_starts_over():
    """Wrong again after a right day: occasions reset, due the next day."""
    state = answer(answer(answer(fresh(), False, NOW), True, NOW + DAY), False, NOW + 3 * DAY)
    assert (state.right_occasions, state.wrong_count) == (0, 2)
    assert state.due_at == NOW + 4 * DAY


@pytest.mark.django_db
def test_todays_review_holds_what_is_due_by_tonight(regulation_category, learner):
    """今日复习 on day 1 holds yesterday's wrong answer; on day 0 it holds nothing yet."""
    first, second = factories.bank(regulation_category, count=2)
    for question in (first, second):
        services.answer_practice(user=learner, question=question, response=0, now=NOW)
    services.answer_practice(user=learner, question=second, response=1, now=NOW + DAY)
    assert selectors.practice_sequence("review", learner, None, NOW) == []
    assert selectors.practice_sequence("review", learner, None, NOW + DAY) == [first.pk]
    entry = WrongAnswer.objects.get(question=second)
    assert entry.due_at == NOW + 3 * DAY and entry.card["stability"] > 1


@pytest.mark.django_db
def test_the_dashboard_and_the_practice_page_show_the_count(client, regulation_category, learner):
    """A question due today shows as 今日复习 on the training dashboard and the practice page."""
    question = factories.single(regulation_category)
    services.answer_practice(user=learner, question=question, response=0, now=NOW)
    WrongAnswer.objects.update(due_at=NOW)  # due already
    client.force_login(learner)
    assert "今日复习" in client.get(reverse("learning:dashboard")).content.decode()
    home = client.get(reverse("quizzes:practice"))
    assert home.context["due_today"] == 1


def load_bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "spaced_review.py"
    spec = importlib.util.spec_from_file_location("spaced_review", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_schedule_beats_answering_right_in_a_row():
    """On simulated learners (the benchmark's own forgetting model), FSRS keeps more in memory on
    day 60 than "twice in a row" and even "ten in a row", with fewer reviews than the latter."""
    bench = load_bench()
    fsrs_reviews, fsrs_kept = bench.run(bench.fsrs, 800, seed=3)
    two_reviews, two_kept = bench.run(lambda rng: bench.in_a_row(2, rng), 800, seed=3)
    ten_reviews, ten_kept = bench.run(lambda rng: bench.in_a_row(10, rng), 800, seed=3)
    assert fsrs_kept > 0.8 > ten_kept > two_kept
    assert fsrs_reviews < ten_reviews
