"""Messages to learners: an exam marked or re-graded (a certificate issued is told by
``completion``)."""

import datetime

from django.urls import reverse

from common.admin import number
from learning.models import Notice


def notify_marked(*, attempt, now: datetime.datetime) -> Notice:
    """Tell the learner that the marking of their attempt is done, with its result."""
    verdict = "合格" if attempt.passed else "未合格"
    text = (
        f"您的“{attempt.quiz.title}”第 {attempt.number} 次作答已阅卷:"
        f"得分 {number(attempt.score)} / {number(attempt.max_score)},{verdict}。"
    )
    return Notice.objects.create(
        user_id=attempt.user_id,
        kind=Notice.Kind.MARKED,
        text=text,
        url=reverse("quizzes:result", args=[attempt.pk]),
        created_at=now,
    )


def notify_regraded(*, attempt, now: datetime.datetime) -> Notice:
    """Tell the learner that a corrected key changed the score of their attempt."""
    verdict = {True: "合格", False: "未合格", None: "待阅卷"}[attempt.passed]
    text = (
        f"您的“{attempt.quiz.title}”第 {attempt.number} 次作答因试题答案更正已重新评分:"
        f"得分 {number(attempt.score)} / {number(attempt.max_score)},{verdict}。"
    )
    return Notice.objects.create(
        user_id=attempt.user_id,
        kind=Notice.Kind.REGRADED,
        text=text,
        url=reverse("quizzes:result", args=[attempt.pk]),
        created_at=now,
    )


def read_notices(*, user, now: datetime.datetime) -> int:
    """Mark every unread message of ``user`` read; returns how many."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
