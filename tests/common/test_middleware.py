"""Sliding session expiry and the Content-Security-Policy header."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from common import middleware
from tests.factories import PASSWORD, UserFactory, staff_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_clock(monkeypatch):
    """The renewal middleware's clock, moved on by the test; starts at the real time."""
    state = {"now": timezone.now().timestamp()}
    monkeypatch.setattr(middleware, "clock", lambda: state["now"])
    return state


@pytest.fixture
def db_sessions(settings):
    """Sessions stored in the database (whatever REDIS_URL says), so the tests can read their
    expiry; the renewal middleware only marks the session, for any backend."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def logged_in(client):
    """A person logged in through the log-in form (so the session is a stored one)."""
    UserFactory(username="huodong")
    response = client.post(reverse("login"), {"username": "huodong", "password": PASSWORD})
    assert response.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def saves_session(response) -> bool:
    return "sessionid" in response.cookies


def test_sessions_last_a_working_day_by_default(settings):
    """Without SESSION_IDLE_HOURS a session lasts nine hours and does not end with the browser."""
    assert settings.SESSION_COOKIE_AGE == 9 * 3600
    assert settings.SESSION_RENEW_SECONDS == 900
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def test_an_active_session_is_renewed_at_most_every_interval(client, session_clock, db_sessions):
    """Requests within the renewal interval write nothing; the first after it renews the
    session's cookie and its stored expiry."""
    stored = logged_in(client)
    client.get(reverse("learning:dashboard"))  # may store what the first page learns
    assert not saves_session(client.get(reverse("learning:dashboard")))
    session_clock["now"] += 899
    assert not saves_session(client.get(reverse("learning:dashboard")))
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=stored.pk).update(expire_date=soon)
    session_clock["now"] += 1
    renewed = client.get(reverse("learning:dashboard"))
    assert renewed.status_code == 200 and saves_session(renewed)
    assert renewed.cookies["sessionid"]["max-age"] == 9 * 3600
    expiry = Session.objects.get(pk=stored.pk).expire_date
    assert expiry > timezone.now() + datetime.timedelta(hours=8, minutes=59)


def test_an_idle_session_ends(client, db_sessions):
    """A session past its expiry is a logged-out visitor: the log-in page is asked for."""
    stored = logged_in(client)
    Session.objects.filter(pk=stored.pk).update(expire_date=timezone.now())
    response = client.get(reverse("learning:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_visitors_without_a_session_get_none(client, db_sessions):
    """Anonymous page views create no session."""
    response = client.get(reverse("login"))
    assert not saves_session(response) and Session.objects.count() == 0


def test_sessions_can_end_with_the_browser(client, settings):
    """With SESSION_EXPIRE_AT_BROWSER_CLOSE the cookie carries no lifetime."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    UserFactory(username="gongyong")
    response = client.post(reverse("login"), {"username": "gongyong", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


# Content-Security-Policy ---------------------------------------------------------------------


def test_site_pages_carry_the_policy(client, settings):
    """The site's pages forbid inline script, foreign sources and framing."""
    client.force_login(UserFactory())
    for url in (reverse("login"), reverse("search"), reverse("learning:dashboard")):
        policy = client.get(url).headers.get("Content-Security-Policy", "")
        assert policy == settings.CONTENT_SECURITY_POLICY, url
    policy = settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_admin_pages_and_files_do_not(client):
    """The Wagtail admin (inline script) and non-HTML files are left without the policy."""
    client.force_login(staff_with())
    assert "Content-Security-Policy" not in client.get("/admin/").headers
    assert "Content-Security-Policy" not in client.get("/admin/login/").headers
    pdf = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    add_policy = middleware.ContentSecurityPolicyMiddleware(lambda request: pdf)
    assert "Content-Security-Policy" not in add_policy(RequestFactory().get("/x.pdf")).headers


def test_the_policy_can_be_switched_off(client, settings):
    """CSP_ENABLED off sends no policy."""
    settings.CSP_ENABLED = False
    assert "Content-Security-Policy" not in client.get(reverse("login")).headers


def test_debug_error_pages_are_left_readable(settings):
    """With DEBUG, Django's error pages (inline style and script) get no policy; pages do."""
    settings.DEBUG = True
    request = RequestFactory().get("/")
    failed = middleware.ContentSecurityPolicyMiddleware(lambda request: HttpResponse(status=500))
    assert "Content-Security-Policy" not in failed(request).headers
    fine = middleware.ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    assert "Content-Security-Policy" in fine(request).headers
