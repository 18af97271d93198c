"""An administrator imports a regulation in the browser, corrects the split and publishes it."""

import pytest
from playwright.sync_api import expect

from content.models import RegulationPage
from content.services import ensure_site_tree
from tests.content.factories import RegulationIndexPageFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = """某市干部监督工作办法
（2011年5月4日中共某市委印发）
第一章　总则
第一条　为了加强干部监督，制定本办法。
第二条　本办法适用于全市各级党委（党组）。
第三条　干部监督工作坚持党管干部原则。
第二章　附则
第四条　本办法自印发之日起施行。"""


def test_paste_correct_and_save_a_draft_that_publishes(live_server, page):
    """Pasted text is previewed, one article merged and renamed, saved as a draft; once its
    revision is published the page shows the corrected articles."""
    ensure_site_tree()
    library = RegulationIndexPageFactory()
    UserFactory(username="editor", is_superuser=True, is_staff=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"{live_server.url}/admin/regulation-import/{library.pk}/")
    page.get_by_label("粘贴法规全文").fill(TEXT)
    page.get_by_role("button", name="拆分并预览").click()
    expect(page.locator(".reg-import__article")).to_have_count(4)
    expect(page.locator("#id_meta-issuer")).to_have_value("中共某市委")

    page.locator("#id_articles-1-merge").check()
    page.locator("#id_articles-0-heading").fill("立法目的")
    page.get_by_role("button", name="应用合并和拆分").click()
    expect(page.get_by_text("已按要求合并、拆分条目")).to_be_visible()
    expect(page.locator(".reg-import__article")).to_have_count(3)
    page.get_by_role("button", name="保存为草稿").click()
    page.wait_for_url("**/admin/pages/*/edit/")

    regulation = RegulationPage.objects.get()
    assert not regulation.live
    regulation.get_latest_revision().publish()
    page.goto(live_server.url + RegulationPage.objects.get().url)
    body = page.locator("main").inner_text()
    assert "立法目的" in body and "本办法适用于全市各级党委（党组）。" in body
    assert "干部监督工作坚持党管干部原则" in body
