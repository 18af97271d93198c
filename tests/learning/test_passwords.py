"""The forced password change refuses the initial password and common passwords, in Chinese."""

import re

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from learning.models import LearnerProfile
from learning.passwords import UNCHANGED_MESSAGE, NotCurrentPasswordValidator
from learning.services import people
from tests.factories import PASSWORD, UserFactory
from tests.learning import factories

pytestmark = pytest.mark.django_db

GOOD = "Xin-Mima-2026!"


@pytest.fixture
def newcomer(client):
    """A person created with an initial password, logged in with it; (user, password)."""
    user, password = people.create_person(
        username="xinlai", full_name="新来", unit=factories.unit("市"), now=timezone.now()
    )
    assert client.post(reverse("login"), {"username": "xinlai", "password": password})
    return user, password


def change(client, old: str, new: str):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def refused(response, message: str, user) -> bool:
    """The change page came back with ``message`` and the person must still change."""
    html = response.content.decode()
    must = LearnerProfile.objects.get(user=user).must_change_password
    return response.status_code == 200 and message in html and must


def test_initial_password_cannot_be_kept(client, newcomer):
    """Typing the initial password as the new one is refused; the change stays due."""
    user, initial = newcomer
    assert refused(change(client, initial, initial), UNCHANGED_MESSAGE, user)
    user.refresh_from_db()
    assert user.check_password(initial)
    assert client.get("/")["Location"] == reverse("password_change")


def test_form_refuses_the_old_password_without_validators(client, newcomer, settings):
    """The form's own check refuses new == old even with no validators configured."""
    settings.AUTH_PASSWORD_VALIDATORS = []
    user, initial = newcomer
    assert refused(change(client, initial, initial), UNCHANGED_MESSAGE, user)


def test_common_password_is_refused_in_chinese(client, newcomer):
    """A password on Django's common-password list is refused with a Chinese message."""
    user, initial = newcomer
    assert refused(change(client, initial, "woaini1314"), "这个密码过于常见", user)
    assert refused(change(client, initial, "Password123"), "这个密码过于常见", user)


def test_a_good_new_password_ends_the_forced_change(client, newcomer):
    """A new, uncommon password is taken and the site opens again."""
    user, initial = newcomer
    assert change(client, initial, GOOD).status_code == 302
    assert not LearnerProfile.objects.get(user=user).must_change_password
    assert client.get("/").get("Location") != reverse("password_change")


def test_current_password_validator_does_not_touch_the_stored_hash():
    """The validator refuses the current password and leaves its hash as it was."""
    user = UserFactory()
    stored = user.password
    with pytest.raises(ValidationError) as error:
        NotCurrentPasswordValidator().validate(PASSWORD, user)
    assert error.value.messages == [UNCHANGED_MESSAGE]
    NotCurrentPasswordValidator().validate(GOOD, user)
    NotCurrentPasswordValidator().validate(PASSWORD, UserFactory.build(password="!"))
    assert user.password == stored


def test_every_refusal_and_help_text_is_in_chinese():
    """Short, common, numeric and reused passwords are refused in Chinese, without English."""
    user = UserFactory()
    for password in ("abc", "password", "12345678", PASSWORD):
        with pytest.raises(ValidationError) as error:
            validate_password(password, user)
        assert all(not re.search("[A-Za-z]", message) for message in error.value.messages)
    html = str(password_validators_help_text_html())
    assert "至少 8 个字符" in html and "不能是常见密码" in html and "不能与当前密码相同" in html
