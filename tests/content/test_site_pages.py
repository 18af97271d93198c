"""The site speaks Chinese in its own style everywhere: error pages, the log-in page's title,
the admin's title, the icon, and a search that suggests terms when it finds nothing."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_chinese_404_with_search(client):
    """An unknown address: 404, in Chinese, with a search box and the way home."""
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in html and 'role="search"' in html


def test_a_refusal_is_a_chinese_403_in_the_sites_style(client):
    """A learner opening the reports is refused on the site's own page."""
    client.force_login(UserFactory())
    response = client.get(reverse("learning:reports"))
    html = response.content.decode()
    assert response.status_code == 403 and "没有权限" in html and "site-header" in html


def test_the_500_page_stands_alone_in_chinese():
    """The server-error page renders without a request (no context processors) in Chinese."""
    html = render_to_string("500.html")
    assert "系统暂时出错" in html and "已保存的答案不会丢失" in html


def test_the_log_in_pages_are_titled_with_the_platforms_name(client):
    """Not the host name (Django's log-in view calls that site_name)."""
    site = client.get(reverse("login")).content.decode()
    assert "<title>登录 · 四项监督制度学习平台</title>" in site
    admin = client.get("/admin/login/").content.decode()
    assert "四项监督制度学习平台管理后台" in admin and "Wagtail</title>" not in admin


def test_the_icon_is_there(client):
    """/favicon.ico leads to the platform's icon."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("img/favicon.svg")


def test_an_empty_or_fruitless_search_suggests_terms(client):
    """No query: the glossary's common terms; no result: the related ones."""
    empty = client.get(reverse("search"))
    assert "四项监督制度" in empty.context["suggestions"]
    fruitless = client.get(reverse("search"), {"q": "公示期限"})
    assert fruitless.context["page_obj"].paginator.count == 0
    assert fruitless.context["suggestions"][0] == "任前公示"
