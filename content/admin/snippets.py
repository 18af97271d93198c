"""Snippets of the content app: the managed list of misconduct types case studies are tagged
with (editors pick from it, they do not invent new ones)."""

from wagtail.snippets.views.snippets import SnippetViewSet

from content.models import MisconductType


class MisconductTypeViewSet(SnippetViewSet):
    model = MisconductType
    icon = "tag"
    menu_label = "问题类型"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "slug"]
    search_fields = ["name"]
