"""Messages to learners: an exam marked or re-graded (a certificate issued is told by
``completion``)."""

import datetime

from django.urls import reverse

from common.admin import number
from learning.models import Notice


def notify_marked(*, attempt, now: datetime.datetime) -> Notice:
    """Tell the learner that the marking of their attempt is done, with its result."""
    return _result_notice(attempt, Notice.Kind.MARKED, "已阅卷", now)


def notify_regraded(*, attempt, now: datetime.datetime) -> Notice:
    """Tell the learner that a corrected key changed the score of their attempt."""
    return _result_notice(attempt, Notice.Kind.REGRADED, "因试题答案更正已重新评分", now)


def _result_notice(attempt, kind: str, what: str, now: datetime.datetime) -> Notice:
    verdict = {True: "合格", False: "未合格", None: "待阅卷"}[attempt.passed]
    text = (
        f"您的“{attempt.quiz.title}”第 {attempt.number} 次作答{what}："
        f"得分 {number(attempt.score)} / {number(attempt.max_score)}，{verdict}。"
    )
    url = reverse("quizzes:result", args=[attempt.pk])
    return Notice.objects.create(
        user_id=attempt.user_id, kind=kind, text=text, url=url, created_at=now
    )


def read_notices(*, user, now: datetime.datetime) -> int:
    """Mark every unread message of ``user`` read; returns how many."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
