"""Log-in throttling: failures per account and per address slow, then lock, both log-in forms."""

import uuid

import pytest
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.urls import reverse

from common import throttle
from tests.factories import PASSWORD, UserFactory, staff_with

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
WAIT_WORDS = "登录失败次数过多"


class Clock:
    """A clock the throttle reads; tests move it on instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def login_clock(monkeypatch):
    """A fixed clock for the throttle, and counters of this test's own (a key prefix nobody
    else uses: the test client's address is shared by every test, and with Redis so is the
    cache, which must not be cleared under other tests)."""
    monkeypatch.setattr(throttle, "KEY_PREFIX", f"login-throttle-test-{uuid.uuid4().hex}")
    clock = Clock()
    monkeypatch.setattr(throttle, "clock", clock)
    return clock


@pytest.fixture
def password_checks():
    """Counts the passwords actually checked (failed and successful log-ins)."""
    checked = []

    def count(**kwargs):
        checked.append(kwargs)

    user_login_failed.connect(count, dispatch_uid="test_throttle_failed")
    user_logged_in.connect(count, dispatch_uid="test_throttle_logged_in")
    yield checked
    user_login_failed.disconnect(dispatch_uid="test_throttle_failed")
    user_logged_in.disconnect(dispatch_uid="test_throttle_logged_in")


def log_in(client, username, password, *, address="10.0.0.1", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def text(response) -> str:
    return response.content.decode()


def fail_until_locked(client, clock, username, **kwargs) -> None:
    """Wrong passwords, each after the previous delay has passed, until the account locks."""
    for _ in range(20):
        if "15 分钟" in text(log_in(client, username, WRONG, **kwargs)):
            return
        clock.advance(100)  # longer than any delay before the lock
    raise AssertionError("never locked")


def test_waits_grow_then_lock():
    """No wait before the fifth failure, then 5, 10, 20, 40, 80 seconds, then 15 minutes."""
    rules = throttle.Policy(
        account=throttle.Limits(slow_after=5, lock_after=10),
        address=throttle.Limits(slow_after=30, lock_after=100),
        first_delay=5,
        lock_seconds=900,
        window=3600,
    )
    waits = [throttle.required_wait(n, rules.account, rules) for n in range(12)]
    assert waits == [0, 0, 0, 0, 0, 5, 10, 20, 40, 80, 900, 900]


def test_wait_message_says_how_long_in_chinese():
    """The refusal says seconds under a minute and whole minutes after, with full-width marks."""
    assert "请 8 秒后再试。" in throttle.wait_message(8)
    assert "请 15 分钟后再试。" in throttle.wait_message(900)
    assert "请 2 分钟后再试。" in throttle.wait_message(61)


def test_hundred_wrong_passwords_stop_getting_answers(client, login_clock, password_checks):
    """Of 100 wrong passwords in a row only the first five are checked; the rest are refused
    with the wait, not with a normal answer."""
    UserFactory(username="zhangsan")
    answers = [text(log_in(client, "zhangsan", WRONG)) for _ in range(100)]
    normal = [html for html in answers if "用户名或密码不正确" in html and WAIT_WORDS not in html]
    assert len(normal) == 4
    assert all(WAIT_WORDS in html for html in answers[4:])
    assert len(password_checks) == 5


def test_right_password_is_refused_while_locked_and_works_after(client, login_clock):
    """A locked account refuses even its right password until the lock has passed."""
    user = UserFactory(username="lisi")
    fail_until_locked(client, login_clock, "lisi")
    response = log_in(client, "lisi", PASSWORD)
    assert "15 分钟" in text(response) and "_auth_user_id" not in client.session
    login_clock.advance(899)
    assert WAIT_WORDS in text(log_in(client, "lisi", PASSWORD))
    login_clock.advance(1)
    response = log_in(client, "lisi", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_success_clears_the_account_counter(client, login_clock):
    """After a successful log-in the account starts again from no failures."""
    UserFactory(username="wangwu")
    for _ in range(4):
        log_in(client, "wangwu", WRONG)
    assert log_in(client, "wangwu", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert WAIT_WORDS not in text(log_in(client, "wangwu", WRONG))


def test_account_is_counted_whatever_the_case_and_address(client, login_clock):
    """Failures for ZhaoLiu from one address lock zhaoliu from any other address."""
    UserFactory(username="zhaoliu")
    fail_until_locked(client, login_clock, "ZhaoLiu", address="10.0.0.1")
    assert WAIT_WORDS in text(log_in(client, "zhaoliu", PASSWORD, address="10.9.9.9"))
    assert WAIT_WORDS not in text(log_in(client, "someone-else", WRONG, address="10.0.0.1"))


def test_address_is_counted_across_accounts(client, login_clock, settings):
    """Failures for many accounts from one address refuse that address, not another one."""
    settings.LOGIN_THROTTLE_ADDRESS_SLOW_AFTER = 30
    UserFactory(username="qianqi")
    answers = [text(log_in(client, f"guess{n}", WRONG, address="10.0.0.7")) for n in range(30)]
    assert not any(WAIT_WORDS in html for html in answers[:29]) and WAIT_WORDS in answers[29]
    assert WAIT_WORDS in text(log_in(client, "qianqi", PASSWORD, address="10.0.0.7"))
    assert log_in(client, "qianqi", PASSWORD, address="10.0.0.8").status_code == 302


def test_unknown_and_existing_accounts_get_the_same_answers(client, login_clock):
    """Whether an account exists cannot be told from the answers to wrong passwords."""
    UserFactory(username="sunba")
    known = [text(log_in(client, "sunba", WRONG, address="10.0.1.1")) for _ in range(7)]
    unknown = [text(log_in(client, "nobody", WRONG, address="10.0.1.2")) for _ in range(7)]
    strip = [html.replace("sunba", "").replace("nobody", "") for html in known + unknown]
    csrf = "csrfmiddlewaretoken"
    lines = [[line for line in html.splitlines() if csrf not in line] for html in strip]
    assert lines[:7] == lines[7:]


def test_admin_log_in_is_throttled(client, login_clock):
    """The Wagtail admin's log-in counts failures and refuses a locked account's password."""
    editor = staff_with()
    url = reverse("wagtailadmin_login")
    fail_until_locked(client, login_clock, editor.username, url=url)
    response = log_in(client, editor.username, PASSWORD, url=url)
    assert response.status_code == 200 and "15 分钟" in text(response)
    assert "_auth_user_id" not in client.session
    login_clock.advance(900)
    assert log_in(client, editor.username, PASSWORD, url=url).status_code == 302


def test_admin_and_site_share_the_account_counter(client, login_clock):
    """Failures on the site's log-in count on the admin's too: two doors, one counter."""
    editor = staff_with()
    fail_until_locked(client, login_clock, editor.username)
    html = text(log_in(client, editor.username, PASSWORD, url=reverse("wagtailadmin_login")))
    assert WAIT_WORDS in html


def test_admin_log_in_form_is_labelled_in_chinese(client):
    """The admin's log-in page labels the password field 密码."""
    html = text(client.get(reverse("wagtailadmin_login")))
    assert "密码" in html and ">Password<" not in html.replace(" ", "").replace("\n", "")
