import random
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, PersonalSetting, Quiz, WrongAnswer
from quizzes.services import QuizError, attempts
from tests.factories import UserFactory
from tests.quizzes import factories
from tests.quizzes.factories import NOW

pytestmark = pytest.mark.django_db


def start(quiz, user, now=NOW):
    return services.start_attempt(quiz=quiz, user=user, now=now, rng=random.Random(5))


def test_start_freezes_paper_with_deadline(regulation_category, learner):
    """Starting stores one row per question with points and option order, and the deadline."""
    quiz = factories.quiz(time_limit_minutes=30)
    factories.bank(regulation_category, count=12)
    factories.rule(quiz, count=10, points="2")
    attempt = start(quiz, learner)
    rows = list(attempt.paper.all())
    assert [r.position for r in rows] == list(range(1, 11))
    assert all(sorted(r.option_order) == [0, 1, 2, 3] for r in rows)
    assert attempt.deadline == NOW + timedelta(minutes=30)
    assert attempt.max_score == Decimal(20)


def test_starting_again_resumes_the_same_attempt(regulation_category, learner):
    """A second start (reload, other device) resumes the unfinished attempt."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=3))
    first = start(quiz, learner)
    assert start(quiz, learner, NOW + timedelta(minutes=5)).pk == first.pk


def test_deadline_adds_extra_time_beyond_the_common_close(regulation_category, learner):
    """Personal extra time lengthens the deadline and is not cut off by the common close."""
    quiz = factories.fixed(
        factories.quiz(time_limit_minutes=30), factories.bank(regulation_category, count=2)
    )
    PersonalSetting.objects.create(quiz=quiz, user=learner, minutes=15, reason="经批准的延时")
    assert start(quiz, learner).deadline == NOW + timedelta(minutes=45)
    quiz.closes_at = NOW + timedelta(minutes=40)
    quiz.attempt_limit = None
    quiz.save()
    other = UserFactory()
    PersonalSetting.objects.create(quiz=quiz, user=other, minutes=15, reason="经批准的延时")
    assert start(quiz, other).deadline == NOW + timedelta(minutes=45)  # close + 15 is later


def test_attempt_limit_and_window_are_enforced(regulation_category, learner):
    """The attempt limit and the open/close window refuse a start with a Chinese message."""
    quiz = factories.fixed(
        factories.quiz(attempt_limit=1), factories.bank(regulation_category, count=2)
    )
    attempt = start(quiz, learner)
    services.finish_attempt(attempt_id=attempt.pk, now=NOW)
    with pytest.raises(QuizError, match="最多可作答 1 次"):
        start(quiz, learner)
    later = factories.fixed(
        factories.quiz(opens_at=NOW + timedelta(days=1)),
        factories.bank(regulation_category, count=1),
    )
    with pytest.raises(QuizError, match="开放"):
        start(later, learner)


def test_late_save_is_refused_after_grace(regulation_category, learner, settings):
    """A save after deadline + grace is refused; one inside the grace is kept."""
    settings.QUIZ_SAVE_GRACE_SECONDS = 60
    quiz = factories.fixed(
        factories.quiz(time_limit_minutes=10), factories.bank(regulation_category, count=2)
    )
    attempt = start(quiz, learner)
    late = attempt.deadline + timedelta(seconds=30)
    services.save_answer(attempt_id=attempt.pk, user=learner, position=1, response=0, now=late)
    with pytest.raises(QuizError, match="作答时间已到"):
        services.save_answer(
            attempt_id=attempt.pk, user=learner, position=2, response=0,
            now=attempt.deadline + timedelta(seconds=61),
        )  # fmt: skip
    assert AttemptQuestion.objects.get(attempt=attempt, position=1).response is not None
    assert AttemptQuestion.objects.get(attempt=attempt, position=2).response is None


def test_saved_option_is_stored_in_the_questions_own_order(regulation_category, learner):
    """The browser sends the shown position; the server stores the question's own index."""
    quiz = factories.fixed(factories.quiz(), [factories.single(regulation_category)])
    attempt = start(quiz, learner)
    row = attempt.paper.get()
    shown_right = row.option_order.index(1)  # where the right option was shown
    services.save_answer(
        attempt_id=attempt.pk, user=learner, position=1, response=shown_right, now=NOW
    )
    finished = services.finish_attempt(attempt_id=attempt.pk, now=NOW)
    assert AttemptQuestion.objects.get(pk=row.pk).response == 1
    assert finished.score == Decimal(2) and finished.passed


def test_someone_elses_attempt_cannot_be_saved(regulation_category, learner):
    """Saving into another person's attempt is refused."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=1))
    attempt = start(quiz, learner)
    with pytest.raises(QuizError):
        services.save_answer(
            attempt_id=attempt.pk, user=UserFactory(), position=1, response=0, now=NOW
        )


def test_overdue_attempt_is_finished_with_saved_answers(regulation_category, learner):
    """The periodic finaliser grades an overdue attempt with the answers it has."""
    quiz = factories.fixed(
        factories.quiz(time_limit_minutes=10), factories.bank(regulation_category, count=2)
    )
    attempt = start(quiz, learner)
    right = attempt.paper.get(position=1).option_order.index(1)
    services.save_answer(attempt_id=attempt.pk, user=learner, position=1, response=right, now=NOW)
    assert services.finalize_overdue_attempts(now=attempt.deadline + timedelta(seconds=30)) == 0
    assert services.finalize_overdue_attempts(now=attempt.deadline + timedelta(minutes=2)) == 1
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.finished_by == Attempt.FinishedBy.TIMEOUT
    assert attempt.score == Decimal(2) and attempt.finished_at == attempt.deadline


def test_overdue_attempt_is_finished_on_next_access(regulation_category, learner):
    """Coming back after the deadline finishes the attempt instead of resuming it."""
    quiz = factories.fixed(
        factories.quiz(time_limit_minutes=10), factories.bank(regulation_category, count=2)
    )
    attempt = start(quiz, learner)
    again = start(quiz, learner, attempt.deadline + timedelta(minutes=5))
    attempt.refresh_from_db()
    assert attempt.is_finished and again.pk != attempt.pk and again.number == 2


def test_double_finish_changes_nothing(regulation_category, learner):
    """Finishing twice returns the same result and grades once."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=2))
    attempt = start(quiz, learner)
    first = services.finish_attempt(attempt_id=attempt.pk, now=NOW)
    second = services.finish_attempt(attempt_id=attempt.pk, now=NOW + timedelta(minutes=3))
    assert (first.finished_at, first.score) == (second.finished_at, second.score)


@pytest.fixture
def slow_paper_read(monkeypatch):
    """Hold each finish between reading the attempt and grading it, widening any race."""
    read = attempts.paper_rows

    def read_slowly(attempt, **options):
        rows = read(attempt, **options)
        time.sleep(0.3)
        return rows

    monkeypatch.setattr(attempts, "paper_rows", read_slowly)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_leave_one_result(regulation_category, learner, slow_paper_read):
    """Two threads finishing the same attempt at once leave exactly one consistent result."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=3))
    attempt = start(quiz, learner)
    results, barrier = [], threading.Barrier(2)

    def submit(delay):
        barrier.wait()
        try:
            results.append(
                services.finish_attempt(attempt_id=attempt.pk, now=NOW + timedelta(seconds=delay))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in (1, 2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(results) == 2 and len({r.finished_at for r in results}) == 1
    assert Attempt.objects.get(pk=attempt.pk).finished_at == results[0].finished_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_answer_saved_while_the_attempt_is_handed_in_is_graded_or_refused(
    regulation_category, learner, monkeypatch
):
    """A save racing the hand-in is graded with the attempt or refused, never stored after grading."""
    quiz = factories.fixed(factories.quiz(), [factories.single(regulation_category)])
    attempt = start(quiz, learner)
    right = attempt.paper.get().option_order.index(1)
    reading, store = threading.Event(), attempts._stored_response

    def store_slowly(row, response):  # the save has read the attempt: hand in meanwhile
        reading.set()
        time.sleep(0.3)
        return store(row, response)

    monkeypatch.setattr(attempts, "_stored_response", store_slowly)
    outcome = []

    def save():
        try:
            services.save_answer(
                attempt_id=attempt.pk, user=learner, position=1, response=right, now=NOW
            )
            outcome.append("saved")
        except QuizError:
            outcome.append("refused")
        finally:
            connection.close()

    def hand_in():
        try:
            reading.wait(timeout=10)
            services.finish_attempt(attempt_id=attempt.pk, now=NOW)
        finally:
            connection.close()

    threads = [threading.Thread(target=save), threading.Thread(target=hand_in)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    row, finished = attempt.paper.get(), Attempt.objects.get(pk=attempt.pk)
    assert finished.is_finished
    if outcome == ["saved"]:
        assert (row.response, row.score, finished.score) == (1, row.points, row.points)
    else:
        assert outcome == ["refused"] and row.response is None


def test_save_after_finish_is_refused(regulation_category, learner):
    """Once finished (e.g. in another tab), a save is refused and the result stays."""
    quiz = factories.fixed(factories.quiz(), factories.bank(regulation_category, count=1))
    attempt = start(quiz, learner)
    services.finish_attempt(attempt_id=attempt.pk, now=NOW)
    with pytest.raises(QuizError, match="已交卷"):
        services.save_answer(attempt_id=attempt.pk, user=learner, position=1, response=1, now=NOW)


def test_all_types_graded_and_essay_marked(regulation_category, learner):
    """Objective types are graded at once; the essay waits, and marking completes the score."""
    quiz = factories.fixed(
        factories.quiz(shuffle_questions=False, shuffle_options=False),
        factories.one_of_each(regulation_category),
    )
    attempt = start(quiz, learner)
    for position, response in [
        (1, 1),
        (2, [0, 1, 3]),
        (3, True),
        (4, ["八"]),
        (5, "离任检查很重要"),
    ]:
        services.save_answer(
            attempt_id=attempt.pk, user=learner, position=position, response=response, now=NOW
        )
    attempt = services.finish_attempt(attempt_id=attempt.pk, now=NOW)
    assert attempt.score == Decimal(8) and attempt.pending_marking and attempt.passed is None
    essay = attempt.paper.get(position=5)
    marker = UserFactory()
    attempt = services.mark_answer(
        row_id=essay.pk, marker=marker, score=Decimal("1.5"), comment="要点不全", now=NOW
    )
    essay.refresh_from_db()
    assert attempt.score == Decimal("9.5") and not attempt.pending_marking and attempt.passed
    assert essay.marked_by == marker and essay.marker_comment == "要点不全"


def test_marking_refuses_score_above_points(regulation_category, learner):
    """A marker cannot give more than the question is worth."""
    quiz = factories.fixed(factories.quiz(), [factories.one_of_each(regulation_category)[4]])
    attempt = start(quiz, learner)
    services.finish_attempt(attempt_id=attempt.pk, now=NOW)
    with pytest.raises(QuizError, match="得分应在"):
        services.mark_answer(
            row_id=attempt.paper.get().pk, marker=learner, score=Decimal(3), now=NOW
        )


def test_wrong_answers_enter_the_book_and_right_answers_count_once_a_day(
    regulation_category, learner
):
    """A wrong answer enters the book; right answers count once a day and not on the day of the
    wrong one (leaving the book is the scheduler's: tests/quizzes/test_spacing.py)."""
    question = factories.single(regulation_category)
    day = timedelta(days=1)
    services.answer_practice(user=learner, question=question, response=0, now=NOW)
    entry = WrongAnswer.objects.get(user=learner, question=question)
    assert entry.is_open and entry.wrong_count == 1
    for moment in (NOW, NOW + 2 * day, NOW + 2 * day, NOW + 5 * day):
        services.answer_practice(user=learner, question=question, response=1, now=moment)
    entry.refresh_from_db()
    assert entry.right_occasions == 2 and entry.is_open  # not yet held for three weeks


def test_regulation_share_holds_for_started_papers(learner):
    """A paper drawn for a real quiz meets its minimum regulation share of points."""
    regulation = factories.category("法规纪律/干部人事纪律", regulation=True)
    other = factories.category("工作实务")
    factories.bank(regulation, count=3)
    for n in range(30):
        factories.single(other, 100 + n)
    quiz = factories.quiz(min_regulation_percent=Decimal("15"))
    factories.rule(quiz, count=20)
    attempt = start(quiz, learner)
    share = sum(r.points for r in attempt.paper.all() if r.is_regulation) / attempt.max_score
    assert share >= Decimal("0.15")


def test_practice_quiz_has_no_deadline(regulation_category, learner):
    """A practice quiz is untimed."""
    quiz = factories.fixed(
        factories.quiz(mode=Quiz.Mode.PRACTICE, time_limit_minutes=None),
        factories.bank(regulation_category, count=1),
    )
    assert start(quiz, learner).deadline is None


def _start_queries(quiz, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        start(quiz, user)
    return len(queries)


def test_starting_costs_the_same_queries_for_any_paper_size(regulation_category):
    """Drawing and freezing a paper takes the same number of queries for 5 or 60 questions."""
    small_bank, large_bank = factories.category("甲"), factories.category("乙")
    factories.bank(small_bank, count=8)
    for n in range(80):
        factories.single(large_bank, 1000 + n)
    small, large = factories.quiz(), factories.quiz()
    factories.rule(small, count=5, cat=small_bank)
    factories.rule(large, count=60, cat=large_bank)
    # The first start of each builds its blueprint, the same queries for both sizes.
    assert _start_queries(small, UserFactory()) == _start_queries(large, UserFactory())
    assert _start_queries(small, UserFactory()) == _start_queries(large, UserFactory())
