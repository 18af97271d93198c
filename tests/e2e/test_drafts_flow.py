"""Question drafts in Chromium: an administrator drafts questions from a regulation, sees the
clause highlighted, accepts one, and the blueprint editor then counts it as drawable."""

import pytest

from content.services import ensure_site_tree
from quizzes.models import Question
from tests.content.factories import RegulationPageFactory
from tests.factories import UserFactory
from tests.quizzes import factories

PASSWORD = "correct-horse-42"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drafting_office():
    """A regulation with one quantified clause, a regulation category and an administrator."""
    ensure_site_tree()
    RegulationPageFactory(
        title="监督县委书记用人办法",
        is_regulation=True,
        articles=[("", "常委到会不足三分之二的，不得研究干部任免事宜。")],
    )
    factories.category("法规纪律", regulation=True)
    admin = UserFactory(username="office", is_superuser=True, is_staff=True)
    admin.set_password(PASSWORD)
    admin.save()


def test_an_administrator_drafts_and_accepts_a_question(page, live_server, drafting_office):
    """Draft from the regulation, the clause is marked, 采纳 publishes one draft only."""
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/admin/question-bank/drafts/new/")
    page.get_by_label("法规文件").select_option(label="监督县委书记用人办法")
    page.get_by_role("button", name="生成草稿").click()
    page.get_by_text("新增草稿 3 道").wait_for()
    assert page.locator("mark").first.inner_text() == "常委到会不足三分之二的，不得研究干部任免事宜"
    page.get_by_role("button", name="采纳", exact=True).first.click()
    page.get_by_text("已采纳 1 道草稿").wait_for()
    assert Question.objects.published().count() == 1
    assert Question.objects.pending_drafts().count() == 2
