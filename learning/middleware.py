"""Middleware: a person with an initial password must change it before anything else."""

from contextlib import suppress

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from learning.models import LearnerProfile

CHANGE_PASSWORD_MESSAGE = "为了账号安全，请先修改初始密码，再使用其他功能。"
PASSWORD_OK_KEY = "learning_password_ok"


def must_change_password(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return LearnerProfile.objects.filter(user_id=user.pk, must_change_password=True).exists()


class RequirePasswordChangeMiddleware:
    """Sends a logged-in person whose password must change to the password change page.

    Everything except that page, logout (site and Wagtail admin), static and media files is
    redirected. Once a person is found not to need a change, the session remembers it, so
    ordinary requests (study heartbeats, answer saves) cost no query; logging in again
    checks afresh.
    """

    ALLOWED_URL_NAMES = ("password_change", "logout", "wagtailadmin_logout")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if self._exempt(request.path) or request.session.get(PASSWORD_OK_KEY) == user.pk:
            return self.get_response(request)
        if must_change_password(user):
            if request.method == "GET":
                messages.warning(request, CHANGE_PASSWORD_MESSAGE, fail_silently=True)
            return redirect("password_change")
        if user.is_authenticated:
            request.session[PASSWORD_OK_KEY] = user.pk
        return self.get_response(request)

    def _exempt(self, path: str) -> bool:
        prefixes = [settings.STATIC_URL, settings.MEDIA_URL]
        if any(prefix and path.startswith(prefix) for prefix in prefixes):
            return True
        return path in self._allowed_paths()

    def _allowed_paths(self) -> set[str]:
        """The exempt pages' paths, resolved once (the URLconf is not loaded at start-up)."""
        if not hasattr(self, "_allowed"):
            allowed = set()
            for name in self.ALLOWED_URL_NAMES:
                with suppress(NoReverseMatch):  # an app may not be installed
                    allowed.add(reverse(name))
            self._allowed = allowed
        return self._allowed
