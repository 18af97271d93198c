from django import template

from learning.permissions import can_see_reports as allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def can_see_reports(context) -> bool:
    """Whether the site's navigation shows 单位报表 (platform and unit administrators)."""
    user = context["request"].user
    return user.is_authenticated and allowed(user)
