"""Middleware the whole site shares."""

from django.views.defaults import bad_request


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
