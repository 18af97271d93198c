"""Middleware shared by the whole site: sliding session expiry, the Content-Security-Policy
and the refusal of NUL characters."""

import time

from django.conf import settings
from django.views.defaults import bad_request

RENEWED_AT_KEY = "_renewed_at"
# Seconds since the epoch; tests replace it to move time on.
clock = time.time


class SessionRenewalMiddleware:
    """Keeps an active person's session alive, writing it at most every SESSION_RENEW_SECONDS.

    A session expires SESSION_COOKIE_AGE seconds after it was last saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) would add a write to each answer save and heartbeat;
    instead the session remembers when it was last renewed and is marked modified (so the
    session middleware saves it and sends a fresh cookie) once that is older than the renewal
    interval. Visitors without a session get none.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(clock())
        if now - session.get(RENEWED_AT_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT_KEY] = now  # marks the session modified
        return response


class ContentSecurityPolicyMiddleware:
    """Sends CONTENT_SECURITY_POLICY with the site's own HTML pages.

    The Wagtail admin (CONTENT_SECURITY_POLICY_EXEMPT, ``/admin/``) runs inline script and is
    left without it; so are files (PDF, Excel, images), which run no script, and with DEBUG
    Django's error pages. CSP_ENABLED switches it off.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._applies(request, response):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    @staticmethod
    def _applies(request, response) -> bool:
        if not settings.CSP_ENABLED:
            return False
        if any(request.path.startswith(p) for p in settings.CONTENT_SECURITY_POLICY_EXEMPT):
            return False
        if settings.DEBUG and response.status_code >= 400:
            return False  # Django's debug pages style and script themselves inline
        return response.get("Content-Type", "").startswith("text/html")


class RejectNulMiddleware:
    """A NUL character names nothing on this site, and PostgreSQL refuses it in any query: a
    request with one in its path or query string gets the Chinese 400 page before any view
    runs (forms already refuse NUL in posted fields, ``common.payload`` in JSON bodies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return bad_request(request, exception=None)
        return self.get_response(request)
