"""Log-in throttling for the site's and the Wagtail admin's log-in forms.

Failures are counted in Django's cache twice: per account (the username as typed, case
folded, whether or not it exists) and per client address. Once a counter reaches its
``slow_after`` threshold every further try must wait a delay that doubles with each failure;
at ``lock_after`` the wait is the whole lock time. A refused try is answered at once with the
wait (nothing sleeps in the request) and checks no password, so it is not counted. A
successful log-in clears its account's counter, never the address's. Counters are forgotten
``window`` seconds after their last failure.

The same answers are given for accounts that exist and accounts that do not.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

KEY_PREFIX = "login-throttle"
INVALID_LOGIN_MESSAGE = "用户名或密码不正确，请重新输入。注意区分大小写。"
# Seconds since the epoch; tests replace it to move time on without sleeping.
clock = time.time


@dataclass(frozen=True)
class Limits:
    """When one counter (account or address) starts slowing and locking."""

    slow_after: int
    lock_after: int


@dataclass(frozen=True)
class Policy:
    account: Limits
    address: Limits
    first_delay: int  # seconds, doubled with each failure past slow_after
    lock_seconds: int
    window: int  # seconds after the last failure when a counter is forgotten


def policy() -> Policy:
    return Policy(
        account=Limits(
            slow_after=settings.LOGIN_THROTTLE_ACCOUNT_SLOW_AFTER,
            lock_after=settings.LOGIN_THROTTLE_ACCOUNT_LOCK_AFTER,
        ),
        address=Limits(
            slow_after=settings.LOGIN_THROTTLE_ADDRESS_SLOW_AFTER,
            lock_after=settings.LOGIN_THROTTLE_ADDRESS_LOCK_AFTER,
        ),
        first_delay=settings.LOGIN_THROTTLE_FIRST_DELAY_SECONDS,
        lock_seconds=settings.LOGIN_THROTTLE_LOCK_SECONDS,
        window=settings.LOGIN_THROTTLE_WINDOW_SECONDS,
    )


def required_wait(failures: int, limits: Limits, rules: Policy) -> int:
    """Seconds that must pass after the last of ``failures`` before the next try (pure)."""
    if failures >= limits.lock_after:
        return rules.lock_seconds
    if failures >= limits.slow_after:
        return min(rules.first_delay * 2 ** (failures - limits.slow_after), rules.lock_seconds)
    return 0


def wait_message(seconds: int) -> str:
    """The Chinese refusal, saying how long to wait (whole minutes from a minute on)."""
    span = f"{math.ceil(seconds / 60)} 分钟" if seconds >= 60 else f"{max(seconds, 1)} 秒"
    return f"登录失败次数过多，为保护账号安全，请 {span}后再试。"


def client_address(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or the header a trusted proxy sets."""
    header = settings.LOGIN_THROTTLE_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class Counter:
    """One failure counter in the cache: a count (incremented atomically) and its last time."""

    def __init__(self, scope: str, value: str, limits: Limits) -> None:
        digest = hashlib.sha256(value.encode()).hexdigest()[:40]
        self.key = f"{KEY_PREFIX}:{scope}:{digest}"
        self.limits = limits

    def failures(self, now: float, rules: Policy) -> tuple[int, float]:
        """(failures still remembered, time of the last one)."""
        stored = cache.get_many([self.key, f"{self.key}:at"])
        last = stored.get(f"{self.key}:at")
        if last is None or now - last >= rules.window:
            return 0, 0.0
        return int(stored.get(self.key, 0)), last

    def wait(self, now: float, rules: Policy) -> int:
        failures, last = self.failures(now, rules)
        required = required_wait(failures, self.limits, rules)
        return max(0, math.ceil(last + required - now)) if required else 0

    def fail(self, now: float, rules: Policy) -> None:
        timeout = rules.window + rules.lock_seconds
        if self.failures(now, rules)[0] == 0:
            cache.set(self.key, 1, timeout)
        else:
            cache.add(self.key, 0, timeout)
            cache.incr(self.key)
            cache.touch(self.key, timeout)
        cache.set(f"{self.key}:at", now, timeout)

    def clear(self) -> None:
        cache.delete_many([self.key, f"{self.key}:at"])


class LoginAttempt:
    """The two counters a log-in try answers to."""

    def __init__(self, request, username: str) -> None:
        self.rules = policy()
        self.account = Counter("account", username.strip().casefold(), self.rules.account)
        self.address = Counter("address", client_address(request), self.rules.address)

    def wait(self, now: float) -> int:
        """Seconds before this try may check a password (0: now)."""
        return max(self.account.wait(now, self.rules), self.address.wait(now, self.rules))

    def failed(self, now: float) -> int:
        """Counts a failure; returns the wait it imposes on the next try."""
        self.account.fail(now, self.rules)
        self.address.fail(now, self.rules)
        return self.wait(now)

    def succeeded(self) -> None:
        self.account.clear()


class ThrottledLoginMixin:
    """For an ``AuthenticationForm``: refuses tries while throttled, counts failures."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        attempt = LoginAttempt(self.request, username)
        wait = attempt.wait(clock())
        if wait:
            raise forms.ValidationError(wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login" and (wait := attempt.failed(clock())):
                throttled = forms.ValidationError(wait_message(wait), code="throttled")
                raise forms.ValidationError([error, throttled]) from None
            raise
        attempt.succeeded()
        return cleaned


class SiteLoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN_MESSAGE}


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """The Wagtail admin's log-in form (``WAGTAILADMIN_USER_LOGIN_FORM``), throttled."""

    error_messages = {**WagtailLoginForm.error_messages, "invalid_login": INVALID_LOGIN_MESSAGE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "密码"  # Wagtail's field has no label: "Password"
