"""Receivers of the learning app.

* A changed password clears the must-change flag; a new log-in checks it again.
* Enrolment follows a person's unit and rank (``sync_person``; a programme's audience is
  followed when the admin saves it, and imports sync everyone), completion follows every fact
  that can finish a programme: quizzes
  announces finished and marked attempts (``quizzes.signals``), attendance and study credit
  complete in their own services. All of it after the triggering transaction has committed.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from learning import services
from learning.middleware import PASSWORD_OK_KEY
from learning.models import LearnerProfile, ProgrammeItem
from quizzes.models import Attempt
from quizzes.signals import attempt_finished, attempt_marked, attempt_regraded


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="learning_password_changed")
def clear_flag_after_password_change(sender, instance, created: bool, **kwargs) -> None:
    """A password set with ``set_password`` and saved is a change: the flag clears.

    ``AbstractBaseUser`` keeps the new raw password in ``_password`` until ``save()`` returns;
    hash upgrades at login reset it first, so they do not count.
    """
    if created or getattr(instance, "_password", None) is None:
        return
    LearnerProfile.objects.filter(user_id=instance.pk, must_change_password=True).update(
        must_change_password=False
    )


@receiver(user_logged_in, dispatch_uid="learning_password_check_on_login")
def check_password_again_on_login(sender, request, user, **kwargs) -> None:
    """A new log-in re-checks the flag (an administrator may have reset the password)."""
    request.session.pop(PASSWORD_OK_KEY, None)


# Enrolment and completion follow the facts -------------------------------------------------------


@receiver(post_save, sender=LearnerProfile, dispatch_uid="learning_profile_enrolment")
def enrol_by_profile(sender, instance: LearnerProfile, **kwargs) -> None:
    """A person created, or moved to another unit or rank, joins or leaves audiences."""
    user_id = instance.user_id
    transaction.on_commit(
        lambda: services.sync_person(user_id=user_id, now=timezone.now()), robust=True
    )


def quiz_programmes(attempt: Attempt) -> list[int]:
    return list(
        ProgrammeItem.objects.filter(quiz_id=attempt.quiz_id).values_list("programme_id", flat=True)
    )


@receiver(attempt_finished, dispatch_uid="learning_complete_on_finish")
def complete_on_finish(sender, attempt: Attempt, **kwargs) -> None:
    """An exam handed in (and graded) may be the last requirement of a programme."""
    if not attempt.pending_marking:
        services.complete_for(
            user_id=attempt.user_id, programme_ids=quiz_programmes(attempt), now=timezone.now()
        )


@receiver(attempt_marked, dispatch_uid="learning_complete_on_mark")
def complete_on_mark(sender, attempt: Attempt, **kwargs) -> None:
    """The last essay marked: the learner is told, and the programme may be complete."""
    if attempt.pending_marking:
        return
    now = timezone.now()
    services.notify_marked(attempt=attempt, now=now)
    services.complete_for(user_id=attempt.user_id, programme_ids=quiz_programmes(attempt), now=now)


@receiver(attempt_regraded, dispatch_uid="learning_complete_on_regrade")
def complete_on_regrade(sender, attempt: Attempt, **kwargs) -> None:
    """A corrected key changed the score: the learner is told, and the programme may now be
    complete (a certificate already issued stays; revoking one is the administrator's call)."""
    now = timezone.now()
    services.notify_regraded(attempt=attempt, now=now)
    services.complete_for(user_id=attempt.user_id, programme_ids=quiz_programmes(attempt), now=now)
