"""The site's top navigation: the root's live children shown in menus, kept in the cache.

Every page renders it, so it is read from the cache (one entry per site) rather than from the
page tree. Saving a page (publishing, unpublishing and moving save it) or deleting one
forgets it; the entry also lapses after ``NAV_CACHE_SECONDS``, which bounds how long the
local cache of another process (without Redis) can lag.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site

NAV_CACHE_SECONDS = 60


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    path: str  # the page's tree path: the template marks the section being read


def nav_items(request) -> list[NavItem]:
    site = Site.find_for_request(request)
    if site is None:
        return []
    key = _key(site.pk)
    items = cache.get(key)
    if items is None:
        pages = site.root_page.get_children().live().in_menu()
        items = [NavItem(p.title, p.get_url(request=request), p.path) for p in pages]
        cache.set(key, items, NAV_CACHE_SECONDS)
    return items


def _key(site_id: int) -> str:
    return f"content:nav:{site_id}"


@receiver(post_save)
@receiver(post_delete)
def forget_navigation(sender, instance=None, **kwargs):
    if isinstance(instance, Page | Site):
        cache.delete_many([_key(pk) for pk in Site.objects.values_list("pk", flat=True)])
