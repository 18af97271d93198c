"""Deadlines that follow the administrator, and the ways back after an outage.

* ``follow_settings``: a running attempt's stored deadline is recomputed whenever the quiz's
  settings or a person's own change (called after commit by ``quizzes.signals``); an attempt
  whose end has come — the quiz closed early, unpublished, the close moved before now — is
  handed in with its saved answers.
* ``reopen_timed_out``: an administrator lets people resume attempts that ended by time, until
  a new end, for a recorded reason.
* ``grant_attempt``: one more attempt for a person, for a recorded reason.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from quizzes.models import Attempt, AttemptQuestion, PersonalSetting, Quiz
from quizzes.selectors import terms
from quizzes.services.attempts import finish_attempt
from quizzes.services.base import QuizError

REOPEN_ACTION = "quizzes.reopen"
EXTRA_ATTEMPT_ACTION = "quizzes.extra_attempt"
ENDED_BY_TIME = (Attempt.FinishedBy.TIMEOUT, Attempt.FinishedBy.CLOSED)


def attempt_end(quiz: Quiz, attempt: Attempt, setting: PersonalSetting | None, now: datetime):
    """The end an attempt has under the current settings: now for an unpublished quiz, the end
    an administrator gave when resuming it, else what the person's terms say."""
    if not quiz.is_published:
        return now
    if attempt.resumed_until:
        return attempt.resumed_until
    return terms(quiz, setting).deadline(attempt.started_at)


def follow_settings(*, quiz_id: int, now: datetime, user_ids: list[int] | None = None) -> int:
    """Give the running attempts of the quiz (of ``user_ids``) the deadline the settings give
    them now, and hand in those whose end has come. Returns how many were handed in."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:  # deleted with its settings
        return 0
    running = Attempt.objects.filter(quiz_id=quiz_id, status=Attempt.Status.IN_PROGRESS)
    if user_ids is not None:
        running = running.filter(user_id__in=user_ids)
    settings = {
        s.user_id: s
        for s in PersonalSetting.objects.filter(quiz_id=quiz_id, user_id__in=running.values("user"))
    }
    ended = 0
    for attempt in running:
        deadline = attempt_end(quiz, attempt, settings.get(attempt.user_id), now)
        Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
            deadline=deadline
        )
        if deadline is not None and deadline <= now:
            finish_attempt(attempt_id=attempt.pk, now=now, by=Attempt.FinishedBy.CLOSED)
            ended += 1
    return ended


# After an outage -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Who was helped, and who was not and why (shown to the administrator)."""

    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def reopen_timed_out(
    *, quiz: Quiz, users: list, until: datetime, reason: str, by, now: datetime
) -> Outcome:
    """Let each person resume their last attempt if it ended by time (not handed in by them,
    not yet marked by hand), until ``until``; each reopening is in the audit log."""
    _check_reason(reason)
    if until <= now:
        raise QuizError("新的截止时间应晚于现在。")
    outcome = Outcome()
    for user in users:
        attempt = Attempt.objects.filter(quiz=quiz, user=user).order_by("-number").first()
        why = _why_not_reopen(attempt)
        if why:
            outcome.skipped.append((user.get_username(), why))
            continue
        _reopen(attempt.pk, until, reason, by)
        outcome.done.append(user.get_username())
    return outcome


def _why_not_reopen(attempt: Attempt | None) -> str:
    if attempt is None:
        return "没有作答记录"
    if not attempt.is_finished:
        return "正在作答中"
    if attempt.finished_by not in ENDED_BY_TIME:
        return "本人已交卷（可增加一次作答机会）"
    if attempt.paper.filter(marked_at__isnull=False).exists():
        return "已人工阅卷"
    return ""


def _reopen(attempt_id: int, until: datetime, reason: str, by) -> None:
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
        attempt.status, attempt.finished_at, attempt.finished_by = (
            Attempt.Status.IN_PROGRESS,
            None,
            "",
        )
        attempt.score = attempt.passed = None
        attempt.pending_marking = False
        attempt.deadline = attempt.resumed_until = until
        attempt.save()
        AttemptQuestion.objects.filter(attempt=attempt).update(score=None, is_correct=None)
        data = {"until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"), "reason": reason}
        log(instance=attempt, action=REOPEN_ACTION, user=by, data=data)


def grant_attempt(*, quiz: Quiz, user, reason: str, by, now: datetime) -> PersonalSetting:
    """One more attempt than the quiz allows, recorded on the person's settings and in the log."""
    _check_reason(reason)
    with transaction.atomic():
        setting, _ = PersonalSetting.objects.select_for_update().get_or_create(
            quiz=quiz, user=user, defaults={"reason": reason}
        )
        setting.extra_attempts += 1
        setting.reason = reason[:200]
        setting.save()
        counts = (
            {"extra_attempts": setting.extra_attempts - 1},
            {"extra_attempts": setting.extra_attempts},
        )
        data = {"reason": reason, "before": counts[0], "after": counts[1]}
        log(instance=setting, action=EXTRA_ATTEMPT_ACTION, user=by, data=data)
    return setting


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise QuizError("请填写原因，它将记入操作日志。")
