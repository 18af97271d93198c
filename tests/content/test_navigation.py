"""The top navigation is read from the cache on every page and follows the page tree at once
when a page is published, unpublished, moved or deleted."""

import pytest
from django.test import RequestFactory

from content.navigation import nav_items
from content.services import ensure_site_tree
from tests.content.factories import RegulationIndexPageFactory, StudyMaterialPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu_library():
    ensure_site_tree()
    return RegulationIndexPageFactory(show_in_menus=True)


def titles() -> list[str]:
    return [item.title for item in nav_items(RequestFactory().get("/"))]


def materials():
    """A top-level page shown in menus: the study materials' index (学习资料)."""
    return StudyMaterialPageFactory(title="一份资料").get_parent()


def test_the_menu_is_read_from_the_cache(menu_library, django_assert_num_queries):
    """Once read, the menu costs no query, not even the site's lookup (every page shows it)."""
    assert titles() == ["法规库"]
    with django_assert_num_queries(0):
        assert titles() == ["法规库"]


def test_a_published_page_shown_in_menus_appears_at_once(menu_library):
    """Publishing a new top-level page forgets the kept menu; its URL is the page's own."""
    titles()
    index = materials()
    assert titles() == ["法规库", "学习资料"]
    assert nav_items(RequestFactory().get("/"))[1].url == index.url


def test_an_unpublished_moved_or_deleted_page_leaves_the_menu(menu_library):
    """Unpublishing, moving below another page and deleting each take a page out at once."""
    other = materials()
    titles()
    menu_library.unpublish()
    assert titles() == ["学习资料"]
    menu_library.save_revision().publish()
    assert titles() == ["法规库", "学习资料"]
    other.move(menu_library, pos="last-child")
    assert titles() == ["法规库"]
    menu_library.delete()
    assert titles() == []
