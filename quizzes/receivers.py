"""Receivers that keep running attempts in step with their quiz: a change of the quiz's
settings or of a person's own recomputes the deadlines of the running attempts concerned, once
the change has committed (so the quiz's inline settings are saved too)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from quizzes.models import PersonalSetting, Quiz
from quizzes.services.deadlines import follow_settings


def _follow(quiz_id: int, user_ids: list[int] | None = None) -> None:
    transaction.on_commit(
        lambda: follow_settings(quiz_id=quiz_id, user_ids=user_ids, now=timezone.now()),
        robust=True,
    )


@receiver(post_save, sender=Quiz, dispatch_uid="quizzes_follow_quiz")
def quiz_saved(sender, instance: Quiz, created: bool, **kwargs) -> None:
    if not created:
        _follow(instance.pk)


@receiver(post_save, sender=PersonalSetting, dispatch_uid="quizzes_follow_setting_saved")
@receiver(post_delete, sender=PersonalSetting, dispatch_uid="quizzes_follow_setting_deleted")
def setting_changed(sender, instance: PersonalSetting, **kwargs) -> None:
    _follow(instance.quiz_id, [instance.user_id])
