"""Authoring in Chromium: an editor imports a regulation and submits it, a moderator approves it,
the public page shows its articles, and the editor drafts a question from it and accepts it."""

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from content.models import RegulationPage
from content.services import ensure_site_tree
from quizzes.models import Question
from quizzes.models.bank import drawable_q
from tests.content.factories import RegulationIndexPageFactory
from tests.factories import PASSWORD, UserFactory
from tests.quizzes import factories

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = """某市干部任免工作规定
（2012年3月1日中共某市委印发）
第一条　为了规范干部任免工作，制定本规定。
第二条　讨论决定干部任免事项，应当有三分之二以上常委到会。
第三条　本规定自印发之日起施行。"""
# What Wagtail's migrations give its two groups on the whole tree.
PAGE_RIGHTS = {
    "Editors": ("add_page", "change_page"),
    "Moderators": ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}


def review_groups():
    """Wagtail's Editors, Moderators and approval workflow, as its migrations create them."""
    # A transactional test run before this one flushed them with everything else.
    root = Page.get_first_root_node()
    access = Permission.objects.get(codename="access_admin")
    for name, codenames in PAGE_RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access)
        rights = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        )
        for permission in rights:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    task, _ = GroupApprovalTask.objects.get_or_create(name="Moderators approval")
    task.groups.add(Group.objects.get(name="Moderators"))
    # Through the manager: ``workflow.workflow_tasks.create`` would only defer the row, and a
    # workflow without a task publishes at once, and an editor may not: the 没有权限 refusal.
    workflow, _ = Workflow.objects.get_or_create(name="Moderators approval")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})


def member_of(group: str, username: str, *codenames: str):
    """A user in ``group`` who also holds the given permissions on the question bank."""
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    bank = Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    user.user_permissions.add(*bank)
    return user


@pytest.fixture
def regulation_library():
    """A regulation library and category, an editor who may also draft questions, a moderator."""
    ensure_site_tree()
    review_groups()
    factories.category("法规纪律", regulation=True)
    member_of("Editors", "editor", "add_question", "change_question")
    member_of("Moderators", "moderator")
    return RegulationIndexPageFactory()


def log_in(page, base_url: str, username: str):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + "/admin/")


def import_and_submit(page, base_url: str, regulation_library):
    page.goto(f"{base_url}/admin/regulation-import/{regulation_library.pk}/")
    page.get_by_label("粘贴法规全文").fill(TEXT)
    page.get_by_role("button", name="拆分并预览").click()
    expect(page.locator(".reg-import__article")).to_have_count(3)
    page.locator("#id_articles-1-heading").fill("到会人数")
    page.get_by_role("button", name="应用合并和拆分").click()
    expect(page.get_by_text("已按要求合并、拆分条目")).to_be_visible()
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.get_by_text("已提交审核")).to_be_visible()


def approve(page, base_url: str, title: str):
    """批准 from the dashboard's 等待你的审查 panel."""
    page.goto(base_url + "/admin/")
    row = page.locator("#awaiting-review-section tr", has_text=title)
    row.get_by_role("button", name="动作").click()
    row.get_by_role("button", name="批准", exact=True).click()
    expect(page.locator("#awaiting-review-section")).to_have_count(0)


def draft_and_accept_one(page, base_url: str, title: str):
    page.goto(base_url + "/admin/question-bank/drafts/new/")
    page.get_by_label("法规文件").select_option(label=title)
    page.get_by_role("button", name="生成草稿").click()
    page.get_by_text("新增草稿 3 道").wait_for()
    page.get_by_role("button", name="采纳", exact=True).first.click()
    page.get_by_text("已采纳 1 道草稿").wait_for()


def test_an_imported_regulation_is_approved_and_drafted_from(
    page, second_page, live_server, regulation_library
):
    """Once approved, an imported regulation shows its anchors; its accepted draft is drawable."""
    editor, moderator = page, second_page
    log_in(editor, live_server.url, "editor")
    import_and_submit(editor, live_server.url, regulation_library)
    regulation = RegulationPage.objects.get()
    assert regulation.workflow_in_progress and not regulation.live

    log_in(moderator, live_server.url, "moderator")
    approve(moderator, live_server.url, regulation.title)
    regulation.refresh_from_db()
    assert regulation.live and not regulation.workflow_in_progress
    editor.goto(live_server.url + regulation.url)
    expect(editor.locator("section.article")).to_have_count(3)
    expect(editor.locator("#art-2")).to_contain_text("第二条 到会人数")
    expect(editor.locator("#art-2")).to_contain_text("应当有三分之二以上常委到会。")

    draft_and_accept_one(editor, live_server.url, regulation.title)
    drawable = Question.objects.filter(drawable_q())
    assert [q.source_article.number for q in drawable] == [2]
    assert drawable.get().source_article.page_id == regulation.pk
