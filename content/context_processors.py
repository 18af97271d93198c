from django.conf import settings
from wagtail.models import Site


def site_navigation(request):
    """Top navigation: the site root's live children that are shown in menus."""

    def items():
        site = Site.find_for_request(request)
        if site is None:
            return []
        return list(site.root_page.get_children().live().in_menu())

    # Not "site_name": Django's auth views put the host name there.
    return {"nav_items": items, "platform_name": settings.WAGTAIL_SITE_NAME}
