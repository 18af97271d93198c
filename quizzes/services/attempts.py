"""Attempts: start (freeze a paper), save answers, finish and grade, finalise overdue ones.

Time is always passed in as ``now`` so the server's clock (and the tests') decides; the
browser's clock and its "time is up" flag decide nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from quizzes import audience, drawing, grading, signals
from quizzes.deadlines import Terms
from quizzes.models import QUESTION_TYPES, Attempt, AttemptQuestion, Question, Quiz
from quizzes.selectors import blueprint_for, paper_rows, question_shapes, terms_for
from quizzes.services.base import (
    NOT_FOUND,
    AnswerFormatError,
    AttemptNotFound,
    QuizError,
    grace,
)
from quizzes.services.practice import update_wrong_book

# Starting ------------------------------------------------------------------------------------


def start_attempt(*, quiz: Quiz, user, now: datetime, rng: random.Random | None = None) -> Attempt:
    """Resume the person's unfinished attempt, or freeze a new paper for them."""
    current = Attempt.objects.filter(
        quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS
    ).first()
    if current and not finalize_if_overdue(attempt=current, now=now):
        return current
    own_terms = terms_for(quiz, user.pk)
    _check_may_start(quiz, user, now, own_terms)
    rng = rng or random.SystemRandom()
    paper = drawing.draw(blueprint_for(quiz), rng)
    facts = _paper_facts([q.id for q in paper])
    if len(facts) < len(paper):  # a question withdrawn since the blueprint was built
        paper = drawing.draw(blueprint_for(quiz, fresh=True), rng)
        facts = _paper_facts([q.id for q in paper])
    try:
        with transaction.atomic():
            attempt = _create_attempt(quiz, user, paper, now, own_terms.deadline(now))
            AttemptQuestion.objects.bulk_create(_paper_rows(attempt, quiz, paper, facts, rng))
    except IntegrityError:  # the same person started twice at once: resume the winner
        return Attempt.objects.get(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS)
    return attempt


def not_for_you(quiz: Quiz) -> str:
    who = audience.policy().describe(quiz)
    return f"{who}您不在参加范围内，不能作答。如有疑问请联系测试管理员。"


def _check_may_start(quiz: Quiz, user, now: datetime, own: Terms) -> None:
    refusal = start_refusal(quiz, user, now, own)
    if refusal:
        raise QuizError(refusal)


def start_refusal(quiz: Quiz, user, now: datetime, own: Terms) -> str:
    """Why the person may not start a new attempt now (with their own terms), or ""."""
    if not quiz.is_published:
        return "该测试尚未发布。"
    if not audience.policy().may_sit(quiz, user):
        return not_for_you(quiz)
    refusal = own.refusal(now, Attempt.objects.filter(quiz=quiz, user=user).count())
    if refusal:
        return refusal
    withdrawn = quiz.fixed_questions.exclude(question__status=Question.Status.PUBLISHED)
    if withdrawn.exists():
        return "本测试的部分试题正在修订，暂时不能开始作答。请稍后再试，或联系测试管理员。"
    return ""


def _create_attempt(quiz, user, paper, now, deadline) -> Attempt:
    number = Attempt.objects.filter(quiz=quiz, user=user).count() + 1
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        started_at=now,
        deadline=deadline,
        max_score=sum((q.points for q in paper), Decimal(0)),
    )


def _paper_rows(attempt, quiz, paper, facts, rng) -> list[AttemptQuestion]:
    """The paper in sections by question type (单选题, 多选题 … as in a printed exam), shuffled
    within each section when the quiz shuffles questions."""
    order = list(paper)
    if quiz.shuffle_questions:
        rng.shuffle(order)
    order.sort(key=lambda drawn: facts[drawn.id][0])  # stable: keeps the order within a type
    option_counts = {pk: count for pk, (_, count) in facts.items()}
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


def _paper_facts(ids: list[int]) -> dict[int, tuple[int, int]]:
    """Question id → (its type's place in the paper, number of options), in one query."""
    kinds = list(QUESTION_TYPES.values())
    return {pk: (kinds.index(model), count) for pk, (model, count) in question_shapes(ids).items()}


# Saving answers ------------------------------------------------------------------------------


# A page numbers its saves of a question ``n * PAGE_SPACE + page``: ``page`` (1…PAGE_SPACE-1)
# is drawn at random when it loads, ``n`` counts its changes. The stored number thus tells
# which page wrote last and in what order.
PAGE_SPACE = 2**20
STORE, STALE, CONFLICT = "store", "stale", "conflict"


def save_decision(*, stored: int, seq: int | None, base: int | None) -> str:
    """Whether a save numbered ``seq``, from a page that loaded the question at ``base``, is
    stored (STORE), is an older save of the page that wrote last (STALE: acknowledged, changes
    nothing), or comes from a page out of date — another page wrote since it loaded (CONFLICT)."""
    if seq is None:
        return STORE
    if stored and stored % PAGE_SPACE == seq % PAGE_SPACE:  # this page wrote last
        return STORE if seq > stored else STALE
    return STORE if base is None or stored == base else CONFLICT


@dataclass(frozen=True)
class SaveResult:
    saved_at: datetime
    remaining_seconds: int | None
    outcome: str = STORE  # STORE, STALE (nothing changed) or CONFLICT (nothing changed)


def save_answer(
    *,
    attempt_id: int,
    user,
    position: int,
    response,
    flagged: bool | None = None,
    seq: int | None = None,
    base: int | None = None,
    now: datetime,
) -> SaveResult:
    """Store one answer. Refused once the attempt is finished; past deadline + grace the attempt
    is handed in there and then. With sequence numbers (``save_decision``) a slow network never
    replaces a newer answer with an older one, and a page out of date never overwrites."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        if attempt.is_finished:
            raise QuizError("本次作答已交卷，不能再修改答案。")
        if not (attempt.deadline and now > attempt.deadline + grace()):
            return _store(attempt, position, response, flagged, (seq, base), now)
    finish_attempt(attempt_id=attempt_id, now=now, by=Attempt.FinishedBy.TIMEOUT)
    raise QuizError("作答时间已到，答案未保存。系统已按截止前保存的答案交卷。")


def _store(attempt, position, response, flagged, numbers, now) -> SaveResult:
    seq, base = numbers
    row = AttemptQuestion.objects.select_related("question").get(attempt=attempt, position=position)
    outcome = save_decision(stored=row.seq, seq=seq, base=base)
    if outcome != STORE:
        return SaveResult(row.saved_at or now, remaining_seconds(attempt, now), outcome)
    fields = {"saved_at": now, "seq": seq or 0}
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
        raise AttemptNotFound(NOT_FOUND) from None


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
        raise AnswerFormatError("答案格式不正确，未保存。") from None


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
        rows = paper_rows(attempt, related=False)
        _grade_rows(attempt, rows)
        attempt.status = Attempt.Status.FINISHED
        late = attempt.deadline and now > attempt.deadline
        learner = by == Attempt.FinishedBy.LEARNER
        attempt.finished_by = Attempt.FinishedBy.TIMEOUT if learner and late else by
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


# Previewing ----------------------------------------------------------------------------------


def preview_paper(*, quiz: Quiz, rng: random.Random) -> list[AttemptQuestion]:
    """A paper drawn as ``start_attempt`` draws one, as unsaved rows (nothing is written): what
    a candidate would get, for an administrator's preview. Raises BlueprintError when the bank
    cannot fill the paper."""
    paper = drawing.draw(blueprint_for(quiz), rng)
    facts = _paper_facts([q.id for q in paper])
    return _paper_rows(None, quiz, [q for q in paper if q.id in facts], facts, rng)
