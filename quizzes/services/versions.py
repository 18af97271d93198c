"""Question versions: a paper keeps the question as it was drawn, and a corrected key reaches
finished papers only through a deliberate re-grade (with a dry run and an audit record).

Editing the content of a question that stands on papers first copies the stored version to a
row of its own (status 历史版本) and moves those papers to it; the question keeps its id and
counts one version more. Re-grading applies the current version's key to the finished papers
that hold an older version of the same shape (same options, same blanks), moves them to the
current version, and records who changed from 及格 to 不及格 or back.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from wagtail.log_actions import log

from common.audit import audit
from quizzes import grading, signals
from quizzes.models import Attempt, AttemptQuestion, Question
from quizzes.services.attempts import announce
from quizzes.services.base import QUESTION_EDIT_ACTION, QuizError

REGRADE_ACTION = "quizzes.regrade"


def keep_paper_version(*, question: Question, now: datetime, user=None) -> Question | None:
    """Called with the edited ``question`` before it is saved. When its content differs from
    the stored one and papers hold it, the stored version is kept for those papers; returns
    that archived copy (or None: nothing to keep). A change of content is audited with the
    fields before and after."""
    if question.pk is None or question.is_archived:
        return None
    with transaction.atomic():
        stored = Question.objects.select_for_update().get(pk=question.pk)
        before, after = content_changes(stored, question)
        if not before:
            return None
        papers = AttemptQuestion.objects.filter(question_id=question.pk)
        archived = None
        if papers.exists():
            archived = _archived_copy(stored, now)
            papers.update(question_id=archived.pk)
            question.version = stored.version + 1
        audit(
            stored, QUESTION_EDIT_ACTION, user=user, version=question.version,
            kept_version=archived and archived.pk, before=before, after=after,
        )  # fmt: skip
    return archived


def content_changes(stored: Question, edited: Question) -> tuple[dict, dict]:
    """The content fields that differ: their stored and their edited values."""
    before, after = {}, {}
    for name in edited.content_fields():
        field = edited._meta.get_field(name)
        old, new = field.value_from_object(stored), field.value_from_object(edited)
        if old != new:
            before[name], after[name] = old, new
    return before, after


def _archived_copy(stored: Question, now: datetime) -> Question:
    """A new row of the question's own type holding the stored content, as 历史版本."""
    points = list(stored.knowledge_points.values_list("pk", flat=True))
    current_pk = stored.pk
    copy = type(stored).objects.get(pk=current_pk)
    copy.pk = copy.id = None  # a new row in the base table and in the type's table
    copy._state.adding = True
    copy.status, copy.current_id, copy.archived_at = Question.Status.ARCHIVED, current_pk, now
    copy.save()
    copy.knowledge_points.set(points)
    return copy


# Re-grading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegradeLine:
    row: AttemptQuestion  # the paper's row holding the version, with its attempt
    grade: grading.Grade  # the row graded with the current key
    old_score: Decimal
    new_score: Decimal
    old_passed: bool | None
    new_passed: bool | None

    @property
    def attempt(self) -> Attempt:
        return self.row.attempt

    @property
    def verdict_changes(self) -> bool:
        return self.old_passed != self.new_passed


@dataclass(frozen=True)
class RegradePlan:
    """What a re-grade of ``version`` with ``question``'s key would change (a dry run)."""

    question: Question
    version: Question
    lines: list[RegradeLine]
    running: int  # attempts in progress that hold the version: they keep it until handed in

    @property
    def changed(self) -> list[RegradeLine]:
        return [line for line in self.lines if line.old_score != line.new_score]

    @property
    def verdicts(self) -> list[RegradeLine]:
        return [line for line in self.lines if line.verdict_changes]


def plan_regrade(*, version: Question) -> RegradePlan:
    """The dry run: every finished attempt holding ``version``, with its score before and after."""
    question = _current_of(version)
    rows = _finished_rows(version).select_related("attempt__quiz", "attempt__user")
    lines = sorted(
        (_line(row, question) for row in rows),
        key=lambda line: (not line.verdict_changes, line.attempt.pk),
    )  # the changed verdicts first
    running = _rows(version).filter(attempt__status=Attempt.Status.IN_PROGRESS).count()
    return RegradePlan(question, version, lines, running)


def regrade(*, version_id: int, user, now: datetime) -> RegradePlan:
    """Apply the current key to the finished papers holding the version; all or nothing, with
    the attempts locked, and one audit record listing every change."""
    with transaction.atomic():
        version = Question.objects.get(pk=version_id)
        attempt_ids = _finished_rows(version).values("attempt_id")
        list(Attempt.objects.select_for_update().filter(pk__in=attempt_ids).values_list("pk"))
        plan = plan_regrade(version=version)
        for line in plan.lines:
            _apply(line, plan)
        log(instance=plan.question, action=REGRADE_ACTION, user=user, data=_log_data(plan, now))
    return plan


def _current_of(version: Question) -> Question:
    if not version.is_archived or version.current_id is None:
        raise QuizError("只能对题目的历史版本重新评分。")
    question = Question.objects.get(pk=version.current_id)
    if not question.same_shape(version):
        raise QuizError(
            "当前版本与该历史版本的选项或空数不同，原作答无法对应到新答案，不能自动重新评分；"
            "简答题请在阅卷中修改得分。"
        )
    return question


def _rows(version: Question):
    return AttemptQuestion.objects.filter(question_id=version.pk)


def _finished_rows(version: Question):
    return _rows(version).filter(attempt__status=Attempt.Status.FINISHED).order_by("attempt_id")


def _line(row: AttemptQuestion, question: Question) -> RegradeLine:
    attempt = row.attempt
    grade = question.grade(row.response, row.points, multiple_rule=attempt.quiz.multiple_rule)
    old_total = attempt.score or Decimal(0)
    new_total = old_total - (row.score or Decimal(0)) + grade.score
    new_passed = (
        None
        if attempt.pending_marking
        else grading.passed(new_total, attempt.max_score, attempt.quiz.pass_percent)
    )
    return RegradeLine(row, grade, old_total, new_total, attempt.passed, new_passed)


def _apply(line: RegradeLine, plan: RegradePlan) -> None:
    AttemptQuestion.objects.filter(pk=line.row.pk).update(
        question_id=plan.question.pk, score=line.grade.score, is_correct=line.grade.is_correct
    )
    attempt = line.attempt
    attempt.score, attempt.passed = line.new_score, line.new_passed
    attempt.save(update_fields=["score", "passed"])
    if line.old_score != line.new_score:
        announce(signals.attempt_regraded, attempt)


def _log_data(plan: RegradePlan, now: datetime) -> dict:
    return {
        "version": plan.version.version,
        "at": now.isoformat(),
        "attempts": [
            {
                "attempt": line.attempt.pk,
                "user": line.attempt.user.get_username(),
                "before": str(line.old_score),
                "after": str(line.new_score),
                "passed_before": line.old_passed,
                "passed_after": line.new_passed,
            }
            for line in plan.lines
        ],
    }
