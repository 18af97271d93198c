"""People: learners with an initial password they must change, and unit administrators.

Services are keyword-only and take ``now``; messages are in Chinese (``PeopleError``).

Initial passwords
    Generated with ``secrets`` (12 characters, no look-alike characters), shown once and never
    stored in plain text. They are hashed with PBKDF2 at ``INITIAL_PASSWORD_ITERATIONS`` rounds
    instead of Django's default (a million, about 0.35 s each) so that importing thousands of
    people takes seconds: a random 12-character password does not need key stretching, and
    Django re-hashes it with the default rounds at the first successful login anyway.

Changing the password
    ``LearnerProfile.must_change_password`` is cleared by a ``post_save`` receiver whenever a
    user's password is set with ``set_password`` and saved — Django's password change view,
    Wagtail's account page, or an administrator typing a new password in Wagtail's user editor.
    ``reset_password`` (a new initial password) sets the flag again. Until then
    ``RequirePasswordChangeMiddleware`` sends the person to the password change page.
"""

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from learning.models import LearnerProfile, Rank, Unit, UnitAdministrator

PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
INITIAL_PASSWORD_LENGTH = 12
INITIAL_PASSWORD_ITERATIONS = 10_000
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")
CHANGE_PASSWORD_MESSAGE = "为了账号安全,请先修改初始密码,再使用其他功能。"


class PeopleError(Exception):
    """A request the rules refuse; the message is shown to the administrator."""


# Passwords ------------------------------------------------------------------------------------


def generate_password(length: int = INITIAL_PASSWORD_LENGTH) -> str:
    """A random password with at least one upper-case letter, one lower-case letter and a digit."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


def hash_initial_password(raw: str) -> str:
    """A PBKDF2 hash with fewer rounds (see the module docstring); upgraded at first login."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(raw, hasher.salt(), iterations=INITIAL_PASSWORD_ITERATIONS)


def hash_initial_passwords(raws: list[str]) -> list[str]:
    """Hashes many passwords in threads (hashlib releases the GIL while hashing)."""
    if len(raws) < 50:
        return [hash_initial_password(raw) for raw in raws]
    with ThreadPoolExecutor() as pool:
        return list(pool.map(hash_initial_password, raws, chunksize=64))


# Validation shared with the Excel import ------------------------------------------------------


def normalise_phone(text: str) -> str | None:
    """An 11-digit mainland mobile number without spaces, dashes or +86; None if invalid."""
    digits = re.sub(r"[\s\-－—()（）]", "", text)
    digits = re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)
    return digits if PHONE_PATTERN.fullmatch(digits) else None


def username_taken(username: str) -> bool:
    """Usernames are compared without regard to case, so 'ZhangSan' and 'zhangsan' clash."""
    return get_user_model().objects.filter(username__iexact=username).exists()


# Services -------------------------------------------------------------------------------------


def create_person(
    *,
    username: str,
    full_name: str,
    unit: Unit,
    rank: str = Rank.OTHER,
    position: str = "",
    phone: str = "",
    now: datetime,
    password: str | None = None,
):
    """A user with a learner profile and an initial password; returns (user, that password)."""
    username = username.strip()
    if not username:
        raise PeopleError("用户名不能为空。")
    if username_taken(username):
        raise PeopleError(f"用户名“{username}”已被占用。")
    if phone and normalise_phone(phone) is None:
        raise PeopleError(f"手机号码“{phone}”格式不正确,应为 11 位手机号。")
    password = password or generate_password()
    with transaction.atomic():
        user = get_user_model().objects.create(
            username=username,
            first_name=full_name.strip(),
            password=hash_initial_password(password),
            date_joined=now,
        )
        LearnerProfile.objects.create(
            user=user,
            unit=unit,
            rank=rank,
            position=position.strip(),
            phone=normalise_phone(phone) if phone else "",
            must_change_password=True,
        )
    return user, password


def reset_password(*, user, password: str | None = None) -> str:
    """Gives ``user`` a new initial password they must change; returns it (shown once)."""
    profile = LearnerProfile.objects.filter(user=user).first()
    if profile is None:
        raise PeopleError("该用户没有学员档案,不能设置初始密码。")
    password = password or generate_password()
    with transaction.atomic():
        user.password = hash_initial_password(password)  # not set_password: not a "change"
        user.save(update_fields=["password"])
        profile.must_change_password = True
        profile.save(update_fields=["must_change_password"])
    return password


def appoint_unit_administrator(*, user, unit: Unit) -> UnitAdministrator:
    """Makes ``user`` an administrator of ``unit`` and everything below it (idempotent)."""
    appointment, _ = UnitAdministrator.objects.get_or_create(user=user, unit=unit)
    return appointment


def must_change_password(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return LearnerProfile.objects.filter(user_id=user.pk, must_change_password=True).exists()


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


# Middleware -----------------------------------------------------------------------------------

PASSWORD_OK_KEY = "learning_password_ok"


@receiver(user_logged_in, dispatch_uid="learning_password_check_on_login")
def check_password_again_on_login(sender, request, user, **kwargs) -> None:
    """A new log-in re-checks the flag (an administrator may have reset the password)."""
    request.session.pop(PASSWORD_OK_KEY, None)


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
