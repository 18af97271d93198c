import re

import pytest

# The live server reads committed data: these tests commit, and the database is flushed after.
pytestmark = pytest.mark.django_db(transaction=True)


def test_search_leads_to_highlighted_article(committed_demo, live_server, page):
    """A visitor searches 学时 from the home page and lands on the highlighted article."""
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="全文搜索").fill("学时")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    first_article = page.locator(".article-hits a").first
    first_article.click()
    page.wait_for_url(re.compile(r"\?hl=.*#art-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"#{anchor}")
    assert target.locator("mark", has_text="学时").count() >= 1
    assert target.evaluate("el => el.matches(':target')")
