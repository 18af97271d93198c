from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from content.models import MisconductType
from content.views_admin import article_chooser_viewset


@hooks.register("register_admin_viewset")
def register_article_chooser():
    return article_chooser_viewset


class MisconductTypeViewSet(SnippetViewSet):
    """The managed list of misconduct types that case studies are tagged with."""

    model = MisconductType
    icon = "tag"
    menu_label = "问题类型"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(MisconductTypeViewSet)
