from django import template
from django.core.cache import cache

from learning.permissions import can_see_reports as allowed

register = template.Library()

REPORTS_LINK_SECONDS = 60


@register.simple_tag(takes_context=True)
def can_see_reports(context) -> bool:
    """Whether the site's navigation shows 单位报表 (platform and unit administrators).

    Every page asks, so the answer is kept a minute per person: a new unit administrator
    sees the link within a minute. It is only the link; the report pages check every time."""
    user = context["request"].user
    if not user.is_authenticated:
        return False
    key = f"learning:reports-link:{user.pk}"
    shown = cache.get(key)
    if shown is None:
        shown = allowed(user)
        cache.set(key, shown, REPORTS_LINK_SECONDS)
    return shown
