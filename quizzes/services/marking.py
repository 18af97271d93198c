"""Manual marking of essay answers."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from common.audit import audit
from quizzes import signals
from quizzes.models import Attempt, AttemptQuestion
from quizzes.services.attempts import announce, set_result
from quizzes.services.base import MARK_ACTION, QuizError


def mark_answer(
    *, row_id: int, marker, score: Decimal, comment: str = "", now: datetime
) -> Attempt:
    """Record a marker's score for an essay answer and update the attempt's total."""
    with transaction.atomic():
        row = (
            AttemptQuestion.objects.select_for_update()
            .select_related("attempt__quiz", "attempt__user")
            .get(pk=row_id)
        )
        if not 0 <= score <= row.points:
            raise QuizError(f"得分应在 0 到 {row.points} 分之间。")
        if not row.attempt.is_finished:
            raise QuizError("该作答尚未交卷，不能阅卷。")
        AttemptQuestion.objects.filter(pk=row.pk).update(
            score=score, is_correct=score == row.points, marked_by=marker, marked_at=now,
            marker_comment=comment[:300],
        )  # fmt: skip
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=row.attempt_id)
        _retotal(attempt)
        audit(
            attempt, MARK_ACTION, user=marker, learner=row.attempt.user.get_username(),
            question=row.position,
            before={"score": row.score, "comment": row.marker_comment},
            after={"score": score, "comment": comment[:300]},
        )  # fmt: skip
        announce(signals.attempt_marked, attempt)
    return attempt


def _retotal(attempt: Attempt) -> None:
    paper = attempt.paper.all()
    set_result(
        attempt,
        score=paper.aggregate(total=Sum("score"))["total"] or Decimal(0),
        pending=paper.filter(score__isnull=True).exists(),
    )
    attempt.save(update_fields=["score", "pending_marking", "passed"])
