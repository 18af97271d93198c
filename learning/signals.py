"""Receivers of the learning app: a changed password clears the must-change flag, a new log-in
checks it again."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from learning.middleware import PASSWORD_OK_KEY
from learning.models import LearnerProfile


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
