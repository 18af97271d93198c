"""Assertions the admin tests share."""

from django.urls import reverse

REFUSED = "refused"


def outcome(response) -> int | str:
    """The status code, or ``REFUSED`` for Wagtail's refusal of an admin page: a redirect to the
    dashboard, which shows its "no permission" message."""
    if response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"):
        return REFUSED
    return response.status_code


def assert_refused(client, url: str, method: str = "get", **data) -> None:
    """Wagtail's refusal: PermissionDenied turned into the dashboard with a message."""
    response = getattr(client, method)(url, data, follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "你没有权限访问" in [str(m) for m in response.context["messages"]][0]
