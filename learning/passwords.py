"""Password rules in Chinese: not the password in use (the initial one, when a change is
forced), not on Django's list of common passwords, long enough; and the site's change form."""

from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

UNCHANGED_MESSAGE = "新密码不能与当前密码（包括管理员发放的初始密码）相同，请另设一个。"


class NotCurrentPasswordValidator:
    """Refuses the password the person logs in with now, so an initial password cannot stay.

    Compares with the stored hash without upgrading it (one hash, only when a password is set).
    """

    def validate(self, password: str, user=None) -> None:
        stored = getattr(user, "password", "")
        if stored and user.has_usable_password() and check_password(password, stored):
            raise ValidationError(UNCHANGED_MESSAGE, code="password_unchanged")

    def get_help_text(self) -> str:
        return "不能与当前密码相同。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with the refusal in Chinese."""

    def validate(self, password: str, user=None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "这个密码过于常见，很容易被猜中，请换一个不常见的密码。", code="password_too_common"
            ) from None

    def get_help_text(self) -> str:
        return "不能是常见密码。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """At least ``min_length`` characters, said in Chinese."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short"
            )

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class ChangePasswordForm(PasswordChangeForm):
    """The site's password change (also the forced one): the new password must differ from
    the old one typed above it, besides the validators of ``AUTH_PASSWORD_VALIDATORS``."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def clean(self):
        old = self.cleaned_data.get("old_password")
        if old and old == self.cleaned_data.get("new_password1"):
            self.add_error("new_password1", ValidationError(UNCHANGED_MESSAGE, code="unchanged"))
            return self.cleaned_data
        return super().clean()
