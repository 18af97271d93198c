"""Attempts: start (freeze a paper), save answers, finish and grade, finalise overdue ones.

Time is always passed in as ``now`` so the server's clock (and the tests') decides; the
browser's clock and its "time is up" flag decide nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes import drawing, grading, signals
from quizzes.models import Attempt, AttemptQuestion, ExtraTime, Question, Quiz
from quizzes.selectors import blueprint_for, paper_rows
from quizzes.services.base import QuizError, grace
from quizzes.services.practice import update_wrong_book

# Starting ------------------------------------------------------------------------------------


def start_attempt(*, quiz: Quiz, user, now: datetime, rng: random.Random | None = None) -> Attempt:
    """Resume the person's unfinished attempt, or freeze a new paper for them."""
    current = Attempt.objects.filter(
        quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS
    ).first()
    if current and not finalize_if_overdue(attempt=current, now=now):
        return current
    _check_may_start(quiz, user, now)
    rng = rng or random.SystemRandom()
    paper = drawing.draw(blueprint_for(quiz), rng)
    try:
        with transaction.atomic():
            attempt = _create_attempt(quiz, user, now, paper)
            AttemptQuestion.objects.bulk_create(_paper_rows(attempt, quiz, paper, rng))
    except IntegrityError:  # the same person started twice at once: resume the winner
        return Attempt.objects.get(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS)
    return attempt


def _check_may_start(quiz: Quiz, user, now: datetime) -> None:
    if not quiz.is_published:
        raise QuizError("该测试尚未发布。")
    if quiz.opens_at and now < quiz.opens_at:
        raise QuizError(f"该测试将于 {_local(quiz.opens_at)} 开放。")
    if quiz.closes_at and now >= quiz.closes_at:
        raise QuizError("该测试已经结束。")
    withdrawn = quiz.fixed_questions.exclude(question__status=Question.Status.PUBLISHED)
    if withdrawn.exists():
        raise QuizError("本测试的部分试题正在修订,暂时不能开始作答。请稍后再试,或联系测试管理员。")
    used = Attempt.objects.filter(quiz=quiz, user=user).count()
    if quiz.attempt_limit and used >= quiz.attempt_limit:
        raise QuizError(f"该测试最多可作答 {quiz.attempt_limit} 次,您已用完。")


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M")


def deadline_for(quiz: Quiz, user, start: datetime) -> datetime | None:
    """min(start + time limit + personal extra time, close time); None when untimed."""
    if not quiz.is_timed:
        return quiz.closes_at
    extra = ExtraTime.objects.filter(quiz=quiz, user=user).values_list("minutes", flat=True).first()
    end = start + timedelta(minutes=quiz.time_limit_minutes + (extra or 0))
    return min(end, quiz.closes_at) if quiz.closes_at else end


def _create_attempt(quiz, user, now, paper) -> Attempt:
    number = Attempt.objects.filter(quiz=quiz, user=user).count() + 1
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        started_at=now,
        deadline=deadline_for(quiz, user, now),
        max_score=sum((q.points for q in paper), Decimal(0)),
    )


def _paper_rows(attempt, quiz, paper, rng) -> list[AttemptQuestion]:
    order = list(paper)
    if quiz.shuffle_questions:
        rng.shuffle(order)
    option_counts = _option_counts([q.id for q in order])
    rows = []
    for position, drawn in enumerate(order, start=1):
        options = list(range(option_counts.get(drawn.id, 0)))
        if quiz.shuffle_options:
            rng.shuffle(options)
        rows.append(
            AttemptQuestion(
                attempt=attempt,
                question_id=drawn.id,
                position=position,
                points=drawn.points,
                option_order=options,
                is_regulation=drawn.is_regulation,
            )
        )
    return rows


def _option_counts(ids: list[int]) -> dict[int, int]:
    """Question id → number of options (one query per question type)."""
    questions = Question.objects.filter(pk__in=ids)
    return {question.pk: question.option_count() for question in questions}


# Saving answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    saved_at: datetime
    remaining_seconds: int | None


def save_answer(
    *, attempt_id: int, user, position: int, response, flagged: bool | None = None, now: datetime
) -> SaveResult:
    """Store one answer. Refused once the attempt is finished or past deadline + grace."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        if attempt.is_finished:
            raise QuizError("本次作答已交卷,不能再修改答案。")
        if attempt.deadline and now > attempt.deadline + grace():
            raise QuizError("作答时间已到,答案未保存。系统已按截止前保存的答案交卷。")
        row = AttemptQuestion.objects.select_related("question").get(
            attempt=attempt, position=position
        )
        fields = {"saved_at": now}
        if response is not None:
            fields["response"] = _stored_response(row, response)
        if flagged is not None:
            fields["flagged"] = bool(flagged)
        AttemptQuestion.objects.filter(pk=row.pk).update(**fields)
    return SaveResult(now, remaining_seconds(attempt, now))


def _locked_attempt(attempt_id: int, user) -> Attempt:
    try:
        return Attempt.objects.select_for_update().get(pk=attempt_id, user=user)
    except Attempt.DoesNotExist:
        raise QuizError("找不到这次作答。") from None


def remaining_seconds(attempt: Attempt, now: datetime) -> int | None:
    if attempt.deadline is None:
        return None
    return max(int((attempt.deadline - now).total_seconds()), 0)


def _stored_response(row: AttemptQuestion, response):
    """Validate a browser response and map displayed option positions to the question's own."""
    try:
        model = row.question.get_real_instance_class()
        return model.clean_response(response, row.option_order)
    except (TypeError, ValueError, IndexError):
        raise QuizError("答案格式不正确,未保存。") from None


# Finishing -----------------------------------------------------------------------------------


def finish_attempt(
    *, attempt_id: int, user=None, now: datetime, by: str = Attempt.FinishedBy.LEARNER
) -> Attempt:
    """Grade and close an attempt; a second call (double submit, other tab) changes nothing."""
    with transaction.atomic():
        lookup = {"pk": attempt_id} if user is None else {"pk": attempt_id, "user": user}
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(**lookup)
        if attempt.is_finished:
            return attempt
        rows = paper_rows(attempt)
        _grade_rows(attempt, rows)
        attempt.status = Attempt.Status.FINISHED
        attempt.finished_by = by
        attempt.finished_at = min(now, attempt.deadline) if attempt.deadline else now
        _total(attempt, rows)
        attempt.save()
        if attempt.quiz.review_available(now):
            update_wrong_book(attempt, rows, now)
        announce(signals.attempt_finished, attempt)
    return attempt


def announce(signal, attempt: Attempt) -> None:
    """Send ``signal`` once the transaction commits (a listener's failure is logged, never
    undoes the learner's hand-in)."""
    transaction.on_commit(lambda: signal.send(sender=Attempt, attempt=attempt), robust=True)


def _grade_rows(attempt: Attempt, rows: list[AttemptQuestion]) -> None:
    rule = attempt.quiz.multiple_rule
    for row in rows:
        result = row.question.grade(row.response, row.points, multiple_rule=rule)
        row.score = None if result.is_correct is None else result.score
        row.is_correct = result.is_correct
    AttemptQuestion.objects.bulk_update(rows, ["score", "is_correct"])


def _total(attempt: Attempt, rows: list[AttemptQuestion]) -> None:
    set_result(
        attempt,
        score=sum((r.score or Decimal(0) for r in rows), Decimal(0)),
        pending=any(r.score is None for r in rows),
    )


def set_result(attempt: Attempt, *, score: Decimal, pending: bool) -> None:
    """Score, marking state and verdict: no verdict while an essay waits for its mark."""
    attempt.score, attempt.pending_marking = score, pending
    attempt.passed = (
        None if pending else grading.passed(score, attempt.max_score, attempt.quiz.pass_percent)
    )


def finalize_if_overdue(*, attempt: Attempt, now: datetime) -> bool:
    """Finish an attempt whose deadline (plus grace) has passed; True if it is finished now."""
    if attempt.is_finished:
        return True
    if attempt.deadline and now > attempt.deadline + grace():
        finish_attempt(attempt_id=attempt.pk, now=now, by=Attempt.FinishedBy.TIMEOUT)
        return True
    return False


def finalize_overdue_attempts(*, now: datetime) -> int:
    """Finish every overdue attempt with the answers it has; safe to run every minute."""
    overdue = Attempt.objects.filter(
        status=Attempt.Status.IN_PROGRESS, deadline__lt=now - grace()
    ).values_list("pk", flat=True)
    for pk in list(overdue):
        finish_attempt(attempt_id=pk, now=now, by=Attempt.FinishedBy.TIMEOUT)
    return len(overdue)
