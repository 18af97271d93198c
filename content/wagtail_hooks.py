"""Registers the content app in the Wagtail admin; the admin itself is in ``content.admin``."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from content.admin.choosers import article_chooser_viewset
from content.admin.snippets import MisconductTypeViewSet

register_snippet(MisconductTypeViewSet)


@hooks.register("register_admin_viewset")
def register_article_chooser():
    return article_chooser_viewset
