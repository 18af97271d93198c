"""Writes for the content app."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from content.models import HomePage

SITE_NAME = "四项监督制度学习平台"


@transaction.atomic
def ensure_site_tree() -> HomePage:
    """The locale, the tree root, the home page and the default site, created when missing.

    Migrations create them on a fresh database; this puts them back on one that was emptied
    (a flushed test database, a hand-cleared site).
    """
    locale = Locale.objects.first() or Locale.objects.create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale, live=True)
    )
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(
            instance=HomePage(
                title=SITE_NAME, slug="home", locale=locale, lead="学制度、测掌握、强监督"
            )
        )
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=SITE_NAME
        )
    return home


from content.services.regulation_import import (  # noqa: E402
    RegulationDraft,
    ReviewUnavailable,
    create_regulation,
    revise_regulation,
)

__all__ = [
    "RegulationDraft",
    "ReviewUnavailable",
    "create_regulation",
    "ensure_site_tree",
    "revise_regulation",
]
