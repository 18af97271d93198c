import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese_in_the_site_layout(client):
    """The login page is the site's own, in Chinese."""
    html = client.get(reverse("login")).content.decode()
    assert "用户名" in html and "密码" in html and "site-header" in html


def test_login_shows_who_is_logged_in(client):
    """After login the header shows the user's name and a logout button."""
    user = UserFactory(username="zhangsan", first_name="张三")
    response = client.post(
        reverse("login"), {"username": "zhangsan", "password": "correct-horse-42"}, follow=True
    )
    html = response.content.decode()
    assert response.wsgi_request.user == user
    assert "张三" in html and "退出" in html


def test_wrong_password_is_explained(client):
    """A wrong password is refused with a Chinese message."""
    UserFactory(username="lisi")
    html = client.post(reverse("login"), {"username": "lisi", "password": "nope"}).content.decode()
    assert "用户名或密码不正确" in html


def test_logout_requires_post(client):
    """Logging out is a POST with CSRF protection, not a link anyone can embed."""
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_password_change(client):
    """A learner changes their password and can log in with the new one."""
    user = UserFactory(username="wangwu")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-42",
            "new_password1": "Xin-Mima-2026!",
            "new_password2": "Xin-Mima-2026!",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-Mima-2026!")


def test_password_change_needs_login(client):
    """The password page sends anonymous visitors to the login page."""
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_admin_is_in_chinese(client):
    """The Wagtail admin speaks Chinese."""
    html = client.get("/admin/login/").content.decode()
    assert 'lang="zh-hans"' in html and "登录" in html


def test_csrf_is_enforced():
    """A login POST without a CSRF token is refused."""
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "a", "password": "b"}).status_code == 403
