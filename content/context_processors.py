from django.conf import settings

from content.navigation import nav_items


def site_navigation(request):
    """Top navigation (read when a template asks for it) and the platform's name."""
    # Not "site_name": Django's auth views put the host name there.
    return {"nav_items": lambda: nav_items(request), "platform_name": settings.WAGTAIL_SITE_NAME}
