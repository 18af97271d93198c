"""The site's top navigation: the root's live children shown in menus, kept in the cache.

Every page renders it, so it is read from the cache (one entry per host name) rather than
from the page tree. Saving a page (publishing, unpublishing and moving save it) or deleting one
forgets it; the entry also lapses after ``NAV_CACHE_SECONDS``, which bounds how long the
local cache of another process (without Redis) can lag.
"""

import time
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
    """The menu for the request's host: no query once kept (not even the site's lookup)."""
    key = f"content:nav:{cache.get(GENERATION, 0)}:{request.get_host()}"
    items = cache.get(key)
    if items is None:
        site = Site.find_for_request(request)
        pages = site.root_page.get_children().live().in_menu() if site else []
        items = [NavItem(p.title, p.get_url(request=request), p.path) for p in pages]
        cache.set(key, items, NAV_CACHE_SECONDS)
    return items


GENERATION = "content:nav:generation"  # part of every menu's key: a new one forgets them all


@receiver(post_save)
@receiver(post_delete)
def forget_navigation(sender, instance=None, **kwargs):
    if isinstance(instance, Page | Site):
        cache.set(GENERATION, time.time_ns(), None)
