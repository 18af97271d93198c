"""Registers the content app in the Wagtail admin; the admin itself is in ``content.admin``."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from content.admin import regulation_import
from content.admin.choosers import article_chooser_viewset
from content.admin.snippets import MisconductTypeViewSet

register_snippet(MisconductTypeViewSet)


@hooks.register("register_admin_viewset")
def register_article_chooser():
    return article_chooser_viewset


@hooks.register("register_admin_urls")
def register_regulation_import_urls():
    return regulation_import.urlpatterns()


@hooks.register("register_page_header_buttons")
def regulation_import_header_buttons(page, user, view_name, next_url=None):
    return regulation_import.page_buttons(page, user, next_url)


@hooks.register("register_page_listing_more_buttons")
def regulation_import_listing_buttons(page, user, next_url=None):
    return regulation_import.page_buttons(page, user, next_url)
