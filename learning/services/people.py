"""People: learners with an initial password they must change, and unit administrators.

Services are keyword-only and take ``now``; messages are in Chinese (``PeopleError``).

Initial passwords
    Generated with ``secrets`` (12 characters, no look-alike characters), shown once and never
    stored in plain text. They are hashed with PBKDF2 at ``INITIAL_PASSWORD_ITERATIONS`` rounds
    instead of Django's default (a million, about 0.35 s each) so that importing thousands of
    people takes seconds: a random 12-character password does not need key stretching, and
    Django re-hashes it with the default rounds at the first successful login anyway.
    Until the person changes it, ``learning.middleware.RequirePasswordChangeMiddleware`` sends
    them to the password change page; ``learning.signals`` clears the flag once they have.
"""

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction

from learning.models import LearnerProfile, Rank, Unit, UnitAdministrator

PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
INITIAL_PASSWORD_LENGTH = 12
INITIAL_PASSWORD_ITERATIONS = 10_000
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}")


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
        raise PeopleError(f"手机号码“{phone}”格式不正确，应为 11 位手机号。")
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
        raise PeopleError("该用户没有学员档案，不能设置初始密码。")
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
